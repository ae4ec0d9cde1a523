"""
The onboarding and machine-review provider against the fake vendor over real loopback HTTP, and its callback
parser (the shared parts are tested with ``rpnow`` in test_rpnow.py).
"""
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given, settings as hypothesis_settings, strategies as st

from edx_proctoring_backend import api
from edx_proctoring_backend.exams.models import ExamAttempt
from edx_proctoring_backend.providers import registry
from edx_proctoring_backend.providers.base import CallbackInvalid, EventKind, Feature, ProviderEvent, Step
from edx_proctoring_backend.providers.http import VendorRejected, VendorUnavailable
from edx_proctoring_backend.providers.proctortrack import (
    ONBOARDING_STATUSES, PROCTORTRACK_REVIEW_STATUSES, RULES, ProctortrackProvider,
)
from edx_proctoring_backend.providers.rpnow import RPNOW_REVIEW_STATUSES, anonymous_user_id
from tests import journeys
from tests.edx_proctoring_backend.providers.test_rpnow import JUNK, SESSION, SESSION_IDS, callback_bodies, check_parser

CALLBACK_URL = 'http://testserver/api/proctored-exams/v1/providers/proctortrack/callback'
ALL_FALSE = dict.fromkeys(RULES, False)


def assert_all_accepted(vendor):
    """Every request reached the fake signed correctly."""
    assert vendor.requests_seen
    assert not vendor.rejected_requests


def test_the_provider_comes_from_its_entry_point_and_describes_itself():
    # pylint: disable=protected-access
    assert registry._entry_point_classes()['proctortrack'].load() is ProctortrackProvider
    provider = registry.get_provider('proctortrack')
    assert provider.verbose_name == 'Onboarding and machine review (Proctortrack-style)'
    assert provider.features == {Feature.CALLBACKS, Feature.VENDOR_SOFTWARE, Feature.ONBOARDING,
                                 Feature.RETIRE_USER, Feature.DELETE_SESSION_DATA}
    assert provider.learner_steps == (Step.ONBOARDING, Step.SYSTEM_CHECK, Step.EXAM_CODE, Step.TERMS, Step.ID_PHOTO,
                                      Step.ROOM_SCAN)
    assert provider.checks_passed(None) is False
    # Installed, but offered to authors only once the site configures it.
    assert 'proctortrack' in registry.installed_provider_names()
    assert 'proctortrack' not in dict(api.available_providers())


# ---- exams and their rules ---------------------------------------------------------------------------------

def test_exams_are_sent_with_the_four_rules_all_false(vendor, make_exam):
    exam = make_exam(provider='proctortrack', time_limit_minutes=30)

    assert vendor.requests_seen == [('POST', '/v1/exams', {
        'exam_id': exam.pk, 'name': exam.usage_key, 'time_limit_minutes': 30, 'is_practice': False,
        'rules': ALL_FALSE,
    })]
    assert_all_accepted(vendor)


def test_the_site_may_allow_rules(fake_vendor, make_exam):
    vendor = fake_vendor('proctortrack', rules={'allow_calculator': True, 'allow_notes': False})
    exam = make_exam(provider='proctortrack')

    assert vendor.exams[exam.pk]['rules'] == {**ALL_FALSE, 'allow_calculator': True}


@pytest.mark.django_db
def test_the_author_chooses_rules_per_exam_over_the_sites(fake_vendor, django_capture_on_commit_callbacks):
    vendor = fake_vendor('proctortrack', rules={'allow_calculator': True})
    with django_capture_on_commit_callbacks(execute=True):
        exam = api.sync_exam('course-v1:Rules+X+1', 'block-v1:Rules+X+1+type@proctored_exam+block@final',
                             exam_type='proctored', time_limit_minutes=60, provider='proctortrack',
                             exam_rules={'allow_notes': True, 'allow_calculator': False})
    assert exam.provider_options == {'rules': {'allow_notes': True, 'allow_calculator': False}}
    assert vendor.exams[exam.pk]['rules'] == {**ALL_FALSE, 'allow_notes': True}


@pytest.mark.parametrize('rules', [{'allow_phone': True}, {'allow_notes': 'yes'}, ['allow_notes']])
def test_an_author_can_only_choose_the_providers_rules(fake_vendor, rules):
    fake_vendor('proctortrack')
    with pytest.raises(api.InvalidExamSettings) as error:
        api.validate_exam_settings('proctored', 60, 'proctortrack', exam_rules=rules)
    assert set(error.value.errors) == {'exam_rules'}
    with pytest.raises(api.InvalidExamSettings):
        api.validate_exam_settings('proctored', 60, 'null', exam_rules={'allow_notes': True})
    assert api.exam_rule_choices('proctortrack')['allow_notes'] == 'Notes and books allowed'
    assert not api.exam_rule_choices('null') and not api.exam_rule_choices('nowhere')


@pytest.mark.parametrize('rules', [{'allow_phone': True}, {'allow_notes': 'yes'}, ['allow_notes'], 'all'])
def test_unknown_rules_are_a_configuration_error(fake_vendor, make_exam, rules):
    vendor = fake_vendor('proctortrack', rules=rules)
    exam = make_exam(provider='proctortrack')   # its registration task fails in the worker, logged

    with pytest.raises(ImproperlyConfigured):
        api.register_exam_with_provider(exam.pk)
    assert not vendor.requests_seen


# ---- sessions, onboarding, retirement --------------------------------------------------------------------

def test_opt_in_start_and_submit(vendor, provider, learner, make_exam):
    exam = make_exam(provider='proctortrack')
    vendor.set_onboarding(provider.anonymous_user_id(learner), 'approved')
    attempt = journeys.opt_in(learner, exam)
    session_id = attempt.provider_attempt_id

    assert vendor.sessions[session_id] == {
        'attempt_id': attempt.pk, 'external_exam_id': vendor.exams[exam.pk]['external_exam_id'],
        'exam_id': exam.pk, 'user_id': anonymous_user_id(learner, 'proctortrack'),
        'exam_code': attempt.exam_code, 'callback_url': CALLBACK_URL, 'state': 'created',
    }
    provider.on_start(attempt)
    assert vendor.sessions[session_id]['state'] == 'started'
    assert provider.on_submit(attempt).review is None
    assert vendor.sessions[session_id]['state'] == 'stopped'
    assert_all_accepted(vendor)


@pytest.mark.parametrize('status', ONBOARDING_STATUSES)
def test_onboarding_status(vendor, provider, learner, status):
    vendor.set_onboarding(provider.anonymous_user_id(learner), status)

    assert provider.onboarding_status(learner) == status
    assert vendor.requests_seen == [('GET', f'/v1/users/{provider.anonymous_user_id(learner)}/onboarding', None)]
    assert_all_accepted(vendor)


def test_a_learner_the_vendor_never_saw_has_not_started_onboarding(vendor, provider, learner):
    assert provider.onboarding_status(learner) == 'not_started'
    assert_all_accepted(vendor)


@pytest.mark.parametrize('answer', [b'{}', b'{"status": "approved!"}', b'{"status": ["approved"]}'])
def test_an_unusable_onboarding_answer_is_unavailable(vendor, provider, learner, answer):
    vendor.fail_next(1, status=200, body=answer)

    with pytest.raises(VendorUnavailable):
        provider.onboarding_status(learner)


def test_retirement_erases_the_onboarding_profile(vendor, provider, learner):
    anonymous = provider.anonymous_user_id(learner)
    vendor.set_onboarding(anonymous, 'approved')

    provider.retire_user(learner)

    assert vendor.retired_users == {anonymous}
    assert provider.onboarding_status(learner) == 'not_started'
    assert_all_accepted(vendor)


def test_the_vendor_never_hears_the_username_or_email(vendor, provider, make_exam):
    alice = get_user_model().objects.create(username='alice_learner', email='alice@example.com')
    vendor.set_onboarding(provider.anonymous_user_id(alice), 'approved')
    attempt = journeys.opt_in(alice, make_exam(provider='proctortrack'))
    provider.onboarding_status(alice)
    provider.on_start(attempt)
    provider.on_submit(attempt)
    provider.retire_user(alice)

    assert 'alice' not in json.dumps(vendor.requests_seen)
    assert_all_accepted(vendor)


# ---- failures ----------------------------------------------------------------------------------------------

def test_vendor_down_is_unavailable(vendor, provider, learner):
    vendor.go_down()
    with pytest.raises(VendorUnavailable):
        provider.onboarding_status(learner)


def test_a_503_is_unavailable(vendor, provider, learner):
    vendor.fail_next(1, status=503)
    with pytest.raises(VendorUnavailable) as caught:
        provider.onboarding_status(learner)
    assert caught.value.status_code == 503


def test_a_wrong_secret_is_rejected(fake_vendor, learner):
    vendor = fake_vendor('proctortrack', secret='not-the-vendor-secret')
    with pytest.raises(VendorRejected) as caught:
        registry.get_provider('proctortrack').onboarding_status(learner)
    assert caught.value.status_code == 401
    assert [reason for _, _, reason in vendor.rejected_requests] == ['bad_signature']


# ---- callbacks -------------------------------------------------------------------------------------------------

def parse(payload):
    """Parse a callback body with an unconfigured provider."""
    return ProctortrackProvider().parse_callback(payload)


@pytest.mark.parametrize('status, machine_result, spot_check', [
    ('passed', 'pass', None), ('flagged', 'flag', None), ('failed', 'flag', 'confirmed'), ('passed', 'flag', 'cleared'),
])
def test_review_completed(status, machine_result, spot_check):
    event = parse({
        'type': 'review.completed', 'session_id': SESSION, 'status': status, 'machine_result': machine_result,
        'spot_check': spot_check, 'comments': [{'start_s': 1.5, 'end_s': 9, 'comment': 'Second face', 'status': ''}],
        'video_url': 'http://127.0.0.1:9/videos/1.mp4',
    })

    assert event == ProviderEvent(
        kind=EventKind.REVIEW, session_id=SESSION, verdict=status,
        comments=({'start_s': 1.5, 'end_s': 9, 'comment': 'Second face', 'status': ''},),
        video_url='http://127.0.0.1:9/videos/1.mp4',
        extra={'machine_result': machine_result, 'spot_check': spot_check},
    )


def test_the_machine_result_and_spot_check_are_optional():
    event = parse({'type': 'review.completed', 'session_id': SESSION, 'status': 'passed'})
    assert event.extra == {'machine_result': None, 'spot_check': None}


def test_onboarding_updated():
    assert parse({'type': 'onboarding.updated', 'session_id': None, 'user_id': 'anon-1', 'status': 'approved',
                  'expires_at': '2030-01-01T00:00:00+00:00'}) == ProviderEvent(
        kind=EventKind.ONBOARDING, session_id='', user_id='anon-1', status='approved',
        extra={'expires_at': '2030-01-01T00:00:00+00:00'})
    event = parse({'type': 'onboarding.updated', 'session_id': SESSION, 'user_id': 'anon-1', 'status': 'expired'})
    assert (event.session_id, event.status, event.extra) == (SESSION, 'expired', {'expires_at': None})


def test_session_lost_and_exam_code_check_are_shared():
    assert parse({'type': 'session.lost', 'session_id': SESSION}).kind == EventKind.SESSION_LOST
    assert parse({'type': 'exam_code.check', 'session_id': SESSION, 'exam_code': 'C'}).exam_code == 'C'


REVIEW = {'type': 'review.completed', 'session_id': SESSION, 'status': 'passed'}
ONBOARDING = {'type': 'onboarding.updated', 'user_id': 'anon-1', 'status': 'approved'}


@pytest.mark.parametrize('payload', [
    *({**REVIEW, 'status': status} for status in RPNOW_REVIEW_STATUSES),
    {**REVIEW, 'status': 'Passed'}, {**REVIEW, 'machine_result': 'PASS'}, {**REVIEW, 'machine_result': True},
    {**REVIEW, 'spot_check': 'maybe'}, {**REVIEW, 'spot_check': ['confirmed']},
    {**ONBOARDING, 'user_id': None}, {**ONBOARDING, 'user_id': 5}, {**ONBOARDING, 'user_id': ''},
    {**ONBOARDING, 'status': 'passed'}, {**ONBOARDING, 'status': None},
    {**ONBOARDING, 'session_id': 3}, {**ONBOARDING, 'expires_at': 'tomorrow'},
    {**ONBOARDING, 'expires_at': '2030-13-01T00:00:00'}, {**ONBOARDING, 'expires_at': 1893456000},
    {**ONBOARDING, 'expires_at': '2030-01-01T00:00:00' + ' ' * 60},
    {**ONBOARDING, 'type': 'onboarding'},
])
def test_anything_else_is_invalid(payload):
    with pytest.raises(CallbackInvalid):
        parse(payload)


def proctortrack_fields(kind):
    """The valid fields a proctortrack callback adds to ``kind``."""
    if kind == 'review.completed':
        return st.fixed_dictionaries({}, optional={
            'machine_result': st.sampled_from(['pass', 'flag']) | st.none(),
            'spot_check': st.sampled_from(['confirmed', 'cleared']) | st.none(),
        })
    if kind == 'onboarding.updated':
        return st.fixed_dictionaries({
            'user_id': SESSION_IDS, 'status': st.sampled_from(ONBOARDING_STATUSES),
        }, optional={'expires_at': st.datetimes().map(lambda moment: moment.isoformat()) | st.none()})
    return st.just({})


@hypothesis_settings(max_examples=500, deadline=None)
@given(callback_bodies(PROCTORTRACK_REVIEW_STATUSES, more=proctortrack_fields))
def test_fuzzed_callbacks_are_events_or_invalid(payload):
    event = check_parser(ProctortrackProvider(), payload)
    if event is not None and event.kind == EventKind.ONBOARDING:
        assert event.status in ONBOARDING_STATUSES
        assert isinstance(event.user_id, str) and 0 < len(event.user_id) <= 255
        assert event.extra['expires_at'] is None or isinstance(event.extra['expires_at'], str)
    if event is not None and event.kind == EventKind.REVIEW:
        assert event.extra['machine_result'] in ('pass', 'flag', None)
        assert event.extra['spot_check'] in ('confirmed', 'cleared', None)


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(['type', 'session_id', 'status', 'user_id', 'expires_at', 'machine_result',
                                        'spot_check']), JUNK))
def test_any_json_is_an_event_or_invalid(payload):
    check_parser(ProctortrackProvider(), payload)


@pytest.mark.parametrize('status', ['not_started', 'pending', 'rejected', 'expired'])
def test_proctored_exam_needs_an_approved_onboarding(vendor, provider, learner, make_exam, status):
    exam = make_exam(provider='proctortrack')
    if status != 'not_started':
        vendor.set_onboarding(provider.anonymous_user_id(learner), status)
    with pytest.raises(api.NotAllowed) as raised:
        journeys.opt_in(learner, exam)
    assert raised.value.code == f'onboarding_{status}'
    assert not ExamAttempt.objects.filter(exam=exam).exists()
    assert not vendor.sessions


def test_practice_exam_is_open_before_onboarding(vendor, learner, make_exam):
    attempt = journeys.opt_in(learner, make_exam(exam_type='practice', provider='proctortrack'))
    assert attempt.provider_attempt_id in vendor.sessions


def test_vendor_down_while_checking_onboarding_loses_nothing(vendor, provider, learner, make_exam):
    exam = make_exam(provider='proctortrack')
    vendor.go_down()
    with pytest.raises(api.VendorError):
        journeys.opt_in(learner, exam)
    assert not ExamAttempt.objects.filter(exam=exam).exists()
    vendor.come_back()
    vendor.set_onboarding(provider.anonymous_user_id(learner), 'approved')
    assert journeys.opt_in(learner, exam).provider_attempt_id in vendor.sessions
