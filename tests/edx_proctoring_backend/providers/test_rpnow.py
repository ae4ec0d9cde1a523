"""
The record-and-review provider against the fake vendor over real loopback HTTP: what it sends, signed, and
how it fails; and its callback parser, on the protocol's messages and on fuzzed junk.
"""
import copy
import json
import math

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given, settings as hypothesis_settings, strategies as st

from edx_proctoring_backend import api
from edx_proctoring_backend.exams.attempts import create_attempt
from edx_proctoring_backend.providers import registry
from edx_proctoring_backend.providers.base import (
    CallbackInvalid, EventKind, Feature, ProviderEvent, SessionOutcome, Step, VendorSession,
)
from edx_proctoring_backend.providers.http import DEFAULT_TIMEOUT, VendorRejected, VendorUnavailable
from edx_proctoring_backend.providers.rpnow import COMMENT_KEYS, RPNOW_REVIEW_STATUSES, RPNowProvider, anonymous_user_id
from tests import journeys

CALLBACK_URL = 'http://testserver/api/proctored-exams/v1/providers/rpnow/callback'
SESSION = 'rpnow-session-1'


@pytest.fixture
def vendor(fake_vendor):
    """A running record-and-review fake vendor, configured as the ``rpnow`` provider."""
    return fake_vendor('rpnow')


@pytest.fixture
def provider(vendor):  # pylint: disable=unused-argument
    """The configured ``rpnow`` provider."""
    return registry.get_provider('rpnow')


@pytest.fixture
def alice(db):  # pylint: disable=unused-argument
    """A learner whose username and email must never reach a vendor."""
    return get_user_model().objects.create(username='alice_learner', email='alice@example.com')


def assert_all_accepted(vendor):
    """Every request reached the fake signed correctly."""
    assert vendor.requests_seen
    assert not vendor.rejected_requests


# ---- what the provider is ---------------------------------------------------------------------------------

def test_the_provider_comes_from_its_entry_point_and_describes_itself():
    assert registry._entry_point_classes()['rpnow'].load() is RPNowProvider  # pylint: disable=protected-access
    provider = registry.get_provider('rpnow')  # unconfigured: building it must not fail
    assert isinstance(provider, RPNowProvider)
    assert provider.verbose_name == 'Record and review (RPNow-style)'
    assert provider.features == {Feature.CALLBACKS, Feature.VENDOR_SOFTWARE, Feature.RETIRE_USER,
                                 Feature.DELETE_SESSION_DATA}
    assert provider.learner_steps == (Step.SYSTEM_CHECK, Step.EXAM_CODE, Step.TERMS, Step.ADVISORY, Step.ID_PHOTO,
                                      Step.ROOM_SCAN, Step.USER_PHOTO)
    assert provider.checks_passed(None) is False
    # Installed, but offered to authors only once the site configures it.
    assert 'rpnow' in registry.installed_provider_names()
    assert 'rpnow' not in dict(api.available_providers())


def test_a_missing_setting_is_a_configuration_error(settings):
    settings.PROCTORING_PROVIDERS = {'rpnow': {'base_url': 'http://127.0.0.1:9', 'key_id': 'k'}}
    with pytest.raises(ImproperlyConfigured, match="needs 'secret'"):
        registry.get_provider('rpnow').client()
    settings.PROCTORING_PROVIDERS = {'rpnow': {'base_url': 'ftp://vendor', 'key_id': 'k', 'secret': 's'}}
    with pytest.raises(ImproperlyConfigured):
        registry.get_provider('rpnow').client()


@pytest.mark.parametrize('value, expected', [
    (None, DEFAULT_TIMEOUT), (5, (5, 5)), (2.5, (2.5, 2.5)), ((1, 7), (1, 7)), ([1, 7], (1, 7)),
])
def test_timeout_setting(value, expected):
    assert RPNowProvider(timeout=value).timeout() == expected


@pytest.mark.parametrize('value', [0, -1, True, 'ten', (1,), (1, 2, 3), (0, 5), (1, None), 10 ** 6])
def test_unusable_timeouts_are_refused(value):
    with pytest.raises(ImproperlyConfigured):
        RPNowProvider(timeout=value).timeout()


def test_callback_url_defaults_to_the_lms_root(settings):
    settings.LMS_ROOT_URL = 'https://lms.example.com/'
    assert RPNowProvider().callback_url() == 'https://lms.example.com/api/proctored-exams/v1/providers/rpnow/callback'
    assert RPNowProvider(callback_base_url='http://testserver').callback_url() == CALLBACK_URL
    settings.LMS_ROOT_URL = ''
    with pytest.raises(ImproperlyConfigured):
        RPNowProvider().callback_url()


# ---- the anonymous user id --------------------------------------------------------------------------------

def test_the_anonymous_id_is_stable_and_tells_nothing(alice, make_user, settings):
    anonymous = anonymous_user_id(alice, 'rpnow')

    assert len(anonymous) == 32 and int(anonymous, 16) >= 0
    assert anonymous == anonymous_user_id(get_user_model().objects.get(pk=alice.pk), 'rpnow')
    assert 'alice' not in anonymous and 'example' not in anonymous
    # Another learner, another vendor or another secret: another id (vendors cannot join their records).
    assert anonymous != anonymous_user_id(make_user('bob'), 'rpnow')
    assert anonymous != anonymous_user_id(alice, 'proctortrack')
    assert anonymous != anonymous_user_id(alice, 'rpnow', secret='a dedicated user id secret')
    # A dedicated secret keeps the id when SECRET_KEY rotates.
    pinned = RPNowProvider(user_id_secret='a dedicated user id secret').anonymous_user_id(alice)
    settings.SECRET_KEY = 'rotated ' * 8
    assert anonymous_user_id(alice, 'rpnow') != anonymous
    assert RPNowProvider(user_id_secret='a dedicated user id secret').anonymous_user_id(alice) == pinned


def test_the_vendor_never_hears_the_username_or_email(vendor, provider, alice, make_exam):
    exam = make_exam(provider='rpnow')
    attempt = journeys.opt_in(alice, exam)
    provider.on_start(attempt)
    provider.on_submit(attempt)
    provider.retire_user(alice)

    assert_all_accepted(vendor)
    everything_sent = json.dumps(vendor.requests_seen)
    assert 'alice' not in everything_sent
    assert provider.anonymous_user_id(alice) in everything_sent


# ---- calls to the vendor ------------------------------------------------------------------------------------

def test_register_exam_sends_the_exam(vendor, provider, make_exam):
    exam = make_exam(provider='rpnow', exam_type='practice', time_limit_minutes=45)
    exam.rules_text = 'No notes.\n\n  One screen only.  \n'
    external_id = provider.register_exam(exam)

    sent = {'exam_id': exam.pk, 'name': exam.usage_key, 'time_limit_minutes': 45, 'is_practice': True}
    assert vendor.requests_seen == [
        ('POST', '/v1/exams', {**sent, 'rules': []}),  # sync_exam registered it on creation
        ('POST', '/v1/exams', {**sent, 'rules': ['No notes.', 'One screen only.']}),
    ]
    assert vendor.exams[exam.pk]['external_exam_id'] == external_id
    assert_all_accepted(vendor)


def test_opt_in_opens_a_session(vendor, provider, learner, make_exam):
    exam = make_exam(provider='rpnow')
    attempt = journeys.opt_in(learner, exam)

    session = vendor.sessions[attempt.provider_attempt_id]
    assert session == {
        'attempt_id': attempt.pk, 'external_exam_id': vendor.exams[exam.pk]['external_exam_id'],
        'exam_id': exam.pk, 'user_id': provider.anonymous_user_id(learner), 'exam_code': attempt.exam_code,
        'callback_url': CALLBACK_URL, 'state': 'created',
    }
    assert [(method, path) for method, path, _ in vendor.requests_seen] == [
        ('POST', '/v1/exams'), ('POST', '/v1/exams'),
        ('POST', f'/v1/exams/{session["external_exam_id"]}/sessions'),
    ]
    attempt.refresh_from_db()
    assert attempt.provider_attempt_id == vendor.session_for_attempt(attempt.pk)[0]
    # The link to the vendor's software for this session is kept for the exam page.
    assert attempt.software_url == f'{vendor.base_url}/console#{attempt.provider_attempt_id}'
    assert provider.software_url(attempt) == attempt.software_url
    assert_all_accepted(vendor)


@pytest.mark.parametrize('download_url, kept', [
    ('https://vendor.example/start?s=1', 'https://vendor.example/start?s=1'),
    ('javascript:alert(1)', ''), ('https://vendor.example/a b', ''), (7, ''), (None, ''),
])
def test_only_http_software_links_are_kept(vendor, provider, learner, make_exam, download_url, kept, settings):
    exam = make_exam(provider='rpnow')
    attempt, _ = create_attempt(exam, learner, 'created', exam_code='ABCDE-FGHIJ')
    vendor.fail_next(1, status=200, body=json.dumps({'external_exam_id': vendor.exams[exam.pk]['external_exam_id']})
                     .encode())
    vendor.fail_next(1, status=200, body=json.dumps({'session_id': 's-1', 'download_url': download_url}).encode())

    assert provider.register_attempt(attempt) == VendorSession('s-1', software_url=kept)
    # Without a link of the session's own, the site's link for the provider stands in.
    settings.PROCTORING_PROVIDERS = {'rpnow': {**settings.PROCTORING_PROVIDERS['rpnow'],
                                               'download_url': 'https://vendor.example/get'}}
    attempt.software_url = kept
    assert registry.get_provider('rpnow').software_url(attempt) == (kept or 'https://vendor.example/get')


def test_start_submit_and_error_move_the_session(vendor, provider, learner, make_exam):
    attempt = journeys.opt_in(learner, make_exam(provider='rpnow'))
    session_id = attempt.provider_attempt_id

    provider.on_start(attempt)
    assert vendor.sessions[session_id]['state'] == 'started'
    assert provider.on_submit(attempt) == SessionOutcome()  # the review comes later, by callback
    assert vendor.sessions[session_id]['state'] == 'stopped'
    provider.on_error(attempt)
    assert vendor.requests_seen[-3:] == [
        ('POST', f'/v1/sessions/{session_id}/start', {}),
        ('POST', f'/v1/sessions/{session_id}/stop', {}),
        ('POST', f'/v1/sessions/{session_id}/stop', {}),
    ]
    assert_all_accepted(vendor)


def test_an_attempt_without_a_session_tells_the_vendor_nothing(vendor, provider, learner, make_exam):
    attempt = journeys.opt_in(learner, make_exam(provider='rpnow'))
    attempt.provider_attempt_id = ''
    seen = len(vendor.requests_seen)

    provider.on_start(attempt)
    provider.on_submit(attempt)
    provider.on_error(attempt)

    assert len(vendor.requests_seen) == seen


def test_a_session_id_stays_one_path_segment(vendor, provider, learner, make_exam):
    attempt = journeys.opt_in(learner, make_exam(provider='rpnow'))
    attempt.provider_attempt_id = '../exams?x=1#y'

    with pytest.raises(VendorRejected) as caught:
        provider.on_start(attempt)

    assert caught.value.status_code == 404
    assert vendor.requests_seen[-1][:2] == ('POST', '/v1/sessions/..%2Fexams%3Fx%3D1%23y/start')
    assert_all_accepted(vendor)


def test_retire_user(vendor, provider, learner):
    provider.retire_user(learner)

    assert vendor.retired_users == {provider.anonymous_user_id(learner)}
    assert_all_accepted(vendor)


def test_delete_session_data_and_a_session_already_gone_is_done(vendor, provider, learner, make_exam):
    attempt = journeys.opt_in(learner, make_exam(provider='rpnow'))
    session_id = attempt.provider_attempt_id

    provider.delete_session_data(attempt)
    provider.delete_session_data(attempt)   # the vendor answers 404: deleted already

    assert session_id not in vendor.sessions and vendor.deleted_sessions == {session_id}
    assert [path for method, path, _ in vendor.requests_seen if method == 'POST'][-2:] == [
        f'/v1/sessions/{session_id}/delete'] * 2
    assert_all_accepted(vendor)
    attempt.provider_attempt_id = ''
    seen = len(vendor.requests_seen)
    provider.delete_session_data(attempt)   # no session: nothing to ask
    assert len(vendor.requests_seen) == seen


@pytest.mark.parametrize('failure, error', [
    ({'status': 503}, VendorUnavailable), ({'status': 429}, VendorUnavailable), ({'status': 400}, VendorRejected),
])
def test_deleting_session_data_fails_like_any_call(vendor, provider, learner, make_exam, failure, error):
    attempt = journeys.opt_in(learner, make_exam(provider='rpnow'))
    vendor.fail_next(1, **failure)

    with pytest.raises(error):
        provider.delete_session_data(attempt)
    assert attempt.provider_attempt_id in vendor.sessions


def test_deleting_session_data_from_a_vendor_down_or_slow_is_unavailable(fake_vendor, learner, make_exam):
    vendor = fake_vendor('rpnow', timeout=(1, 0.2))
    attempt = journeys.opt_in(learner, make_exam(provider='rpnow'))
    provider = registry.get_provider('rpnow')
    vendor.delay(1)
    with pytest.raises(VendorUnavailable):
        provider.delete_session_data(attempt)
    vendor.delay(0)
    vendor.go_down()
    with pytest.raises(VendorUnavailable):
        provider.delete_session_data(attempt)


# ---- when the vendor fails -----------------------------------------------------------------------------------

def test_vendor_down_is_unavailable(vendor, provider, make_exam):
    exam = make_exam(provider='rpnow')
    vendor.go_down()

    with pytest.raises(VendorUnavailable) as caught:
        provider.register_exam(exam)
    assert caught.value.status_code is None


def test_a_503_is_unavailable(vendor, provider, make_exam):
    exam = make_exam(provider='rpnow')
    vendor.fail_next(1, status=503)

    with pytest.raises(VendorUnavailable) as caught:
        provider.register_exam(exam)
    assert caught.value.status_code == 503
    # The next call goes through: nothing was left half-done on our side.
    assert provider.register_exam(exam) == vendor.exams[exam.pk]['external_exam_id']


def test_a_slow_vendor_is_unavailable(fake_vendor, make_exam):
    vendor = fake_vendor('rpnow', timeout=(1, 0.2))
    exam = make_exam(provider='rpnow')
    vendor.delay(1)

    with pytest.raises(VendorUnavailable):
        registry.get_provider('rpnow').register_exam(exam)


def test_a_wrong_secret_is_rejected(fake_vendor, learner, make_exam):
    vendor = fake_vendor('rpnow', secret='not-the-vendor-secret')
    exam = make_exam(provider='rpnow')  # the exam is saved even when the vendor refuses it

    with pytest.raises(VendorRejected) as caught:
        registry.get_provider('rpnow').register_exam(exam)
    assert caught.value.status_code == 401
    assert vendor.rejected_requests == [('POST', '/v1/exams', 'bad_signature')] * 2
    with pytest.raises(VendorRejected):
        registry.get_provider('rpnow').retire_user(learner)


@pytest.mark.parametrize('answer', [b'{}', b'{"session_id": ""}', b'{"session_id": 7}', b'{"session_id": ".."}',
                                    b'{"session_id": "has space"}', b'[]'])
def test_an_answer_without_a_usable_session_id_is_unavailable(vendor, provider, learner, make_exam, answer):
    exam = make_exam(provider='rpnow')
    attempt, _ = create_attempt(exam, learner, 'created', exam_code='ABCDE-FGHIJ')
    # The exam registration is answered as usual, then the session request with a broken 2xx.
    vendor.fail_next(1, status=200, body=json.dumps({'external_exam_id': vendor.exams[exam.pk]['external_exam_id']})
                     .encode())
    vendor.fail_next(1, status=200, body=answer)

    with pytest.raises(VendorUnavailable):
        provider.register_attempt(attempt)


# ---- callbacks ------------------------------------------------------------------------------------------------

def parse(payload, provider_class=RPNowProvider):
    """Parse a callback body with an unconfigured provider (parsing needs no settings)."""
    return provider_class().parse_callback(payload)


def test_review_completed():
    event = parse({
        'type': 'review.completed', 'session_id': SESSION, 'status': 'Suspicious',
        'comments': [{'start_s': 12, 'end_s': 30.5, 'comment': 'Looked away', 'status': 'suspicious',
                      'reviewer_email': 'r@vendor.example'},
                     {'start_s': 40, 'end_s': 40, 'comment': ''}],
        'video_url': 'https://vendor.example/videos/1.mp4', 'reviewed_by': 'someone',
    })

    assert event == ProviderEvent(
        kind=EventKind.REVIEW, session_id=SESSION, verdict='Suspicious',
        comments=({'start_s': 12, 'end_s': 30.5, 'comment': 'Looked away', 'status': 'suspicious'},
                  {'start_s': 40, 'end_s': 40, 'comment': '', 'status': ''}),
        video_url='https://vendor.example/videos/1.mp4',
    )


@pytest.mark.parametrize('status', RPNOW_REVIEW_STATUSES)
def test_every_rpnow_status_is_a_verdict(status):
    event = parse({'type': 'review.completed', 'session_id': SESSION, 'status': status})
    assert (event.verdict, event.comments, event.video_url) == (status, (), '')


@pytest.mark.parametrize('video_url', [
    'javascript:alert(1)', 'data:text/html,hi', 'file:///etc/passwd', 'ftp://vendor.example/v.mp4', 'https://',
    'http://[::1', 'https://vendor.example/a b.mp4', 'https://vendor.example/\u00e9.mp4', '//vendor.example/v.mp4',
    'https://vendor.example/' + 'v' * 1000, '',
])
def test_only_http_video_links_are_kept(video_url):
    event = parse({'type': 'review.completed', 'session_id': SESSION, 'status': 'Clean', 'video_url': video_url})
    assert event.video_url == ''


def test_session_lost_and_exam_code_check():
    assert parse({'type': 'session.lost', 'session_id': SESSION, 'reason': 'browser closed'}) == ProviderEvent(
        kind=EventKind.SESSION_LOST, session_id=SESSION)
    assert parse({'type': 'exam_code.check', 'session_id': SESSION, 'exam_code': 'ABCDE-12345'}) == ProviderEvent(
        kind=EventKind.EXAM_CODE_CHECK, session_id=SESSION, exam_code='ABCDE-12345')


REVIEW = {'type': 'review.completed', 'session_id': SESSION, 'status': 'Clean'}


@pytest.mark.parametrize('payload', [
    [], 'review.completed', None,
    {}, {'type': 'review.completed'}, {'type': 'onboarding.updated', 'session_id': SESSION, 'user_id': 'u',
                                       'status': 'approved'},
    {'type': ['review.completed'], 'session_id': SESSION}, {'type': 'Review.Completed', 'session_id': SESSION},
    {**REVIEW, 'status': 'clean'}, {**REVIEW, 'status': 'passed'}, {**REVIEW, 'status': None},
    {**REVIEW, 'status': ['Clean']},
    {**REVIEW, 'session_id': 17}, {**REVIEW, 'session_id': ''}, {**REVIEW, 'session_id': None},
    {**REVIEW, 'session_id': 'x' * 256}, {**REVIEW, 'session_id': 'two words'},
    {**REVIEW, 'comments': {}}, {**REVIEW, 'comments': 'fine'}, {**REVIEW, 'comments': ['fine']},
    {**REVIEW, 'comments': [{'start_s': 1, 'end_s': 2}]},
    {**REVIEW, 'comments': [{'start_s': '1', 'end_s': 2, 'comment': ''}]},
    {**REVIEW, 'comments': [{'start_s': True, 'end_s': 2, 'comment': ''}]},
    {**REVIEW, 'comments': [{'start_s': math.nan, 'end_s': 2, 'comment': ''}]},
    {**REVIEW, 'comments': [{'start_s': 0, 'end_s': math.inf, 'comment': ''}]},
    {**REVIEW, 'comments': [{'start_s': -1, 'end_s': 2, 'comment': ''}]},
    {**REVIEW, 'comments': [{'start_s': 0, 'end_s': 10 ** 400, 'comment': ''}]},
    {**REVIEW, 'comments': [{'start_s': 5, 'end_s': 2, 'comment': ''}]},
    {**REVIEW, 'comments': [{'start_s': 1, 'end_s': 2, 'comment': 3}]},
    {**REVIEW, 'comments': [{'start_s': 1, 'end_s': 2, 'comment': '', 'status': 4}]},
    {**REVIEW, 'comments': [{'start_s': 1, 'end_s': 2, 'comment': 'x' * 10001}]},
    {**REVIEW, 'comments': [{'start_s': 1, 'end_s': 2, 'comment': ''}] * 1001},
    {**REVIEW, 'video_url': 42}, {**REVIEW, 'video_url': ['https://vendor.example/v.mp4']},
    {'type': 'exam_code.check', 'session_id': SESSION},
    {'type': 'exam_code.check', 'session_id': SESSION, 'exam_code': ''},
    {'type': 'exam_code.check', 'session_id': SESSION, 'exam_code': 12345},
    {'type': 'exam_code.check', 'session_id': SESSION, 'exam_code': 'A' * 65},
    {'type': 'session.lost'},
])
def test_anything_else_is_invalid(payload):
    with pytest.raises(CallbackInvalid):
        parse(payload)


# ---- fuzzing the parser ------------------------------------------------------------------------------------------

# What json.loads can return: NaN and the infinities included, and integers of any size.
JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
SESSION_IDS = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7e), min_size=1, max_size=40)
OFFSETS = st.integers(min_value=0, max_value=10 ** 5) | st.floats(min_value=0, max_value=10 ** 5)


@st.composite
def comments(draw):
    """A valid time-stamped remark, sometimes with keys we drop."""
    start = draw(OFFSETS)
    comment = {'start_s': start, 'end_s': start + draw(OFFSETS), 'comment': draw(st.text(max_size=20))}
    if draw(st.booleans()):
        comment['status'] = draw(st.text(max_size=10))
    if draw(st.booleans()):
        comment[draw(st.text(max_size=8))] = draw(JSON_VALUES)
    return comment


VIDEO_URLS = st.sampled_from([
    'https://vendor.example/v.mp4', 'http://127.0.0.1:9/v', 'javascript:alert(1)', 'http://[::1', 'HTTPS://X',
]) | st.text(max_size=30)
CALLBACK_TYPES = ('review.completed', 'session.lost', 'exam_code.check', 'onboarding.updated')
# Values an attacker or a broken vendor might send for any key.
JUNK = JSON_VALUES | st.sampled_from(['', '.', '..', 'x' * 256, 'a b', math.nan, -1, 10 ** 400, [{}], {'': None}])


@st.composite
def callback_bodies(draw, statuses, more=None):
    """
    A valid callback of a random type, then up to three mutations: a key deleted, or set to junk (the key
    chosen among the protocol's, inside a comment, or new). ``more`` adds type-specific valid fields.
    """
    kind = draw(st.sampled_from(CALLBACK_TYPES))
    body = {'type': kind, 'session_id': draw(SESSION_IDS)}
    if kind == 'review.completed':
        body.update(status=draw(st.sampled_from(statuses)), comments=draw(st.lists(comments(), max_size=3)),
                    video_url=draw(VIDEO_URLS))
    elif kind == 'exam_code.check':
        body['exam_code'] = draw(st.text(min_size=1, max_size=64))
    body.update(draw(more(kind)) if more else {})
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        target = body
        first_comment = body['comments'][0] if isinstance(body.get('comments'), list) and body['comments'] else None
        if isinstance(first_comment, dict) and draw(st.booleans()):
            target = first_comment
        key = draw(st.sampled_from(sorted(target)) | st.text(max_size=8) if target else st.text(max_size=8))
        if draw(st.booleans()):
            target.pop(key, None)
        else:
            # A copy: JUNK's sampled lists and dicts are shared between examples, and a later mutation
            # must not change them (Hypothesis would see generation depend on earlier examples).
            target[key] = copy.deepcopy(draw(JUNK))
    return body


def check_parser(provider, payload):
    """``parse_callback`` returns a sane ``ProviderEvent`` or raises ``CallbackInvalid``, and nothing else."""
    try:
        event = provider.parse_callback(payload)
    except CallbackInvalid:
        return None
    assert isinstance(event, ProviderEvent)
    assert event.kind in (EventKind.REVIEW, EventKind.SESSION_LOST, EventKind.EXAM_CODE_CHECK, EventKind.ONBOARDING)
    assert isinstance(event.session_id, str) and len(event.session_id) <= 255
    if event.kind != EventKind.ONBOARDING:
        assert event.session_id
    if event.kind == EventKind.REVIEW:
        assert event.verdict in provider.review_statuses
        assert isinstance(event.comments, tuple)
        for comment in event.comments:
            assert set(comment) == set(COMMENT_KEYS)
            assert 0 <= comment['start_s'] <= comment['end_s'] <= 7 * 24 * 3600
            assert isinstance(comment['comment'], str) and isinstance(comment['status'], str)
        assert event.video_url == '' or event.video_url.lower().startswith(('http://', 'https://'))
        # What the review row stores must survive a strict JSON round trip (MariaDB refuses NaN).
        json.dumps(event.comments, allow_nan=False)
    return event


@hypothesis_settings(max_examples=500, deadline=None)
@given(callback_bodies(RPNOW_REVIEW_STATUSES))
def test_fuzzed_callbacks_are_events_or_invalid(payload):
    check_parser(RPNowProvider(), payload)


@hypothesis_settings(max_examples=200, deadline=None)
@given(JSON_VALUES | st.dictionaries(st.sampled_from(['type', 'session_id', 'status', 'comments', 'video_url',
                                                      'exam_code']), JUNK))
def test_any_json_is_an_event_or_invalid(payload):
    check_parser(RPNowProvider(), payload)
