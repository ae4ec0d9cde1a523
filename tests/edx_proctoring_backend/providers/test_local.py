"""
The ``local`` provider (in-house proctoring): offered with ``{}`` in the site's settings, its checks
(consent, photos, a room scan where asked), the exam's rules, and a submission that waits for a person.
"""
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import resolve

from edx_proctoring_backend import api
from edx_proctoring_backend.privacy.models import ConsentRecord
from edx_proctoring_backend.providers.base import Step
from edx_proctoring_backend.providers.local import LocalProvider
from edx_proctoring_backend.providers.registry import get_provider, installed_provider_names, provider_names
from edx_proctoring_backend.recordings.models import Recording, SessionFlag
from tests import journeys
from tests.edx_proctoring_backend.recordings.helpers import JPEG, PNG, chunk, local_exam, pass_checks, start

S = api.AttemptStatus


@pytest.fixture(autouse=True)
def site(settings, tmp_path):
    """The site offers ``local`` without any option; media go to the test's folder."""
    settings.PROCTORING_MEDIA_ROOT = str(tmp_path / 'media')
    settings.PROCTORING_PROVIDERS = {'null': {}, 'local': {}}


def test_installed_and_offered_without_vendor_settings():
    assert 'local' in installed_provider_names()
    assert 'local' in provider_names()
    provider = get_provider('local')
    assert isinstance(provider, LocalProvider)
    assert provider.verbose_name == 'In-house proctoring (recordings stay on this site)'
    assert ('local', provider.verbose_name) in api.available_providers()
    assert set(api.exam_rule_choices('local')) == {'require_screen', 'room_scan', 'end_on_capture_lost',
                                                   'record_sound'}


def test_not_offered_where_the_site_does_not_configure_it(settings):
    settings.PROCTORING_PROVIDERS = {'null': {}}
    with pytest.raises(api.InvalidExamSettings):
        api.validate_exam_settings('proctored', 60, 'local')


def test_the_exams_rules_override_the_sites(db, settings):  # pylint: disable=unused-argument
    settings.PROCTORING_PROVIDERS = {'null': {}, 'local': {'require_screen': True, 'on_capture_lost': 'end',
                                                           'record_sound': True}}
    provider = get_provider('local')
    assert provider.options(local_exam(usage='a')) == {
        'require_screen': True, 'room_scan': False, 'record_sound': True, 'on_capture_lost': 'end'}
    exam = local_exam(usage='b', require_screen=False, room_scan=True, end_on_capture_lost=False, record_sound=False)
    assert provider.options(exam) == {'require_screen': False, 'room_scan': True, 'record_sound': False,
                                      'on_capture_lost': 'continue'}
    assert provider.steps_for(exam) == (Step.SYSTEM_CHECK, Step.USER_PHOTO, Step.ID_PHOTO, Step.ROOM_SCAN,
                                        Step.EXAM_CODE)
    assert provider.recording_kinds(exam) == ('webcam',)


@pytest.mark.parametrize('config', [{'on_capture_lost': 'pause'}, {'room_scan': 'yes'}])
def test_bad_site_settings_are_named(db, settings, config):  # pylint: disable=unused-argument
    settings.PROCTORING_PROVIDERS = {'null': {}, 'local': config}
    with pytest.raises(ImproperlyConfigured, match='local'):
        get_provider('local').options(local_exam())


def test_checks_need_consent_and_both_photos(learner, db):  # pylint: disable=unused-argument
    exam = local_exam()
    attempt = journeys.opt_in(learner, exam)
    provider = get_provider('local')

    def confirm():
        return api.confirm_checks(learner, exam, attempt.exam_code)

    with pytest.raises(api.ChecksNotPassed):
        confirm()
    attempt.refresh_from_db()
    assert attempt.code_redeemed_at is None  # the code is not used up by checks that did not pass
    api.store_photo(learner, attempt.pk, 'user', JPEG, 'image/jpeg')
    api.store_photo(learner, attempt.pk, 'id', PNG, 'image/png')
    assert provider.checks_passed(attempt)  # the terms were agreed to at the opt-in
    # An attempt without an agreement (none was recorded) never records.
    agreed = list(ConsentRecord.objects.filter(attempt=attempt).values_list('pk', flat=True))
    ConsentRecord.objects.filter(pk__in=agreed).delete()
    assert not provider.checks_passed(attempt)
    ConsentRecord.objects.create(user=learner, exam=exam, attempt=attempt, terms_version='1', accepted=False)
    assert not provider.checks_passed(attempt)  # a no is no consent
    ConsentRecord.objects.create(user=learner, exam=exam, attempt=attempt, terms_version='1', accepted=True)
    assert confirm().status == S.READY_TO_START


def test_checks_without_the_id_photo_do_not_pass(learner, db):  # pylint: disable=unused-argument
    exam = local_exam()
    attempt = journeys.opt_in(learner, exam)
    api.store_photo(learner, attempt.pk, 'user', JPEG, 'image/jpeg')
    assert not get_provider('local').checks_passed(attempt)


def test_a_room_scan_is_needed_where_the_exam_asks(learner, db):  # pylint: disable=unused-argument
    exam = local_exam(room_scan=True)
    with pytest.raises(api.ChecksNotPassed):
        pass_checks(learner, exam)
    attempt = journeys.opt_in(learner, exam)
    api.store_chunk(learner, attempt.pk, 'room_scan', 0, chunk(0), 'video/webm')
    api.confirm_checks(learner, exam, attempt.exam_code)
    attempt.refresh_from_db()
    assert attempt.status == S.READY_TO_START


def test_submission_closes_recordings_flags_missing_ones_and_waits_for_a_person(learner, db):
    # pylint: disable=unused-argument
    exam = local_exam(require_screen=True)
    attempt = start(learner, exam)
    api.store_chunk(learner, attempt.pk, 'webcam', 0, chunk(0), 'video/webm')
    api.submit(learner, exam)
    attempt.refresh_from_db()
    assert attempt.status == S.SUBMITTED
    state = api.learner_state(learner, exam)
    assert state.review_status == api.ReviewStatus.PENDING
    assert Recording.objects.get().status == Recording.COMPLETE
    flag = SessionFlag.objects.get()
    assert (flag.kind, flag.detail) == ('recording_missing', 'screen: nothing was recorded')
    assert not attempt.reviews.exists()


def test_capture_plan_gives_the_page_everything_it_needs(learner, db):  # pylint: disable=unused-argument
    exam = local_exam(room_scan=True)
    assert api.capture_plan(learner, exam) is None  # no attempt yet
    attempt = journeys.opt_in(learner, exam)
    plan = api.capture_plan(learner, exam)
    assert plan['attempt_id'] == attempt.pk and plan['status'] == S.CREATED
    assert plan['steps'] == ['system_check', 'user_photo', 'id_photo', 'room_scan', 'exam_code']
    assert plan['recordings'] == ['webcam'] and plan['room_scan'] is True
    assert plan['on_capture_lost'] == 'continue' and plan['record_sound'] is False
    # The connection check: a sample to time, and what one recording at the recorder's bitrate needs.
    assert plan['upload_check'] == {'url': f'/api/proctored-exams/v1/attempts/{attempt.pk}/upload-check',
                                    'sample_bytes': 512 * 1024, 'recorder_kbps': 1000, 'audio_kbps': 0,
                                    'needed_kbps': 1500}
    assert 'terms' not in plan and plan['photos'] == []  # the terms were agreed to at the opt-in
    assert plan['state']['room_scan'] == {'kind': 'room_scan', 'next_index': 0, 'size_bytes': 0,
                                          'status': 'not_started'}
    assert plan['limits'] == api.upload_limits()
    assert plan['content_types'] == {'recording': ['video/mp4', 'video/webm'], 'photo': ['image/jpeg', 'image/png']}
    urls = plan['urls']
    assert resolve(urls['flags']).url_name == 'attempt-flags'
    assert resolve(urls['photos']['id']).kwargs == {'attempt_id': attempt.pk, 'kind': 'id'}
    chunk_url = urls['recordings']['webcam']['chunk'].format(index=7)
    assert resolve(chunk_url).url_name == 'recording-chunk'
    assert resolve(chunk_url).kwargs == {'attempt_id': attempt.pk, 'kind': 'webcam', 'index': 7}
    assert resolve(urls['recordings']['room_scan']['complete']).url_name == 'recording-complete'
    api.store_photo(learner, attempt.pk, 'id', PNG, 'image/png')
    assert api.capture_plan(learner, exam)['photos'] == ['id']


def test_capture_plan_is_none_for_other_providers_and_finished_attempts(learner, make_exam, db):
    # pylint: disable=unused-argument
    null_exam = make_exam(provider='null')
    journeys.opt_in(learner, null_exam)
    assert api.capture_plan(learner, null_exam) is None
    exam = local_exam()
    start(learner, exam)
    assert api.capture_plan(learner, exam)['status'] == S.STARTED
    api.submit(learner, exam)
    assert api.capture_plan(learner, exam) is None


def test_where_the_exam_records_sound_the_page_asks_for_the_microphone(learner, db):  # pylint: disable=unused-argument
    exam = local_exam(usage='sound', record_sound=True)
    journeys.opt_in(learner, exam)
    plan = api.capture_plan(learner, exam)
    assert plan['record_sound'] is True
    # The webcam's 1000 kbit/s and the sound's 64, with half as much again for the slower moments.
    assert (plan['upload_check']['audio_kbps'], plan['upload_check']['needed_kbps']) == (64, 1596)
