"""
The upload endpoints of in-house proctoring, over HTTP as the exam page calls them: the
recording's state, chunks, completion, photos and capture flags.
"""
import os

import pytest
from django.test import Client
from django.utils import timezone

from edx_proctoring_backend import api
from edx_proctoring_backend.recordings import uploads
from edx_proctoring_backend.recordings.models import AttemptPhoto, Recording, RecordingChunk, SessionFlag
from edx_proctoring_backend.recordings.storage import media_storage
from tests import journeys

from .helpers import COURSE, JPEG, MP4, PNG, WEBM, chunk, local_exam, pass_checks, start, url

S = api.AttemptStatus
pytestmark = pytest.mark.mariadb


def post_chunk(client, attempt, index, data, kind='webcam', content_type='video/webm;codecs=vp8'):
    """POST one chunk as the page does."""
    return client.post(url('recording-chunk', attempt.pk, kind, index), data=data, content_type=content_type)


def stored_files(media, under=''):
    """Every file under the media folder, or its folder ``under`` (temporary ones too)."""
    return sorted(os.path.relpath(os.path.join(folder, name), media)
                  for folder, _, names in os.walk(media / under) for name in names)


# ---- chunks ------------------------------------------------------------------------------------------------

def test_chunks_are_stored_in_order_and_the_state_says_where_to_go_on(browser, attempt):
    assert browser.get(url('recording', attempt.pk, 'webcam')).json() == {
        'kind': 'webcam', 'next_index': 0, 'size_bytes': 0, 'status': 'not_started'}
    first = post_chunk(browser, attempt, 0, chunk(0))
    assert first.status_code == 201
    assert first.json()['next_index'] == 1
    assert post_chunk(browser, attempt, 1, chunk(1)).json()['next_index'] == 2
    state = browser.get(url('recording', attempt.pk, 'webcam'))
    assert state.status_code == 200 and state['Cache-Control'] == 'no-store'
    assert state.json() == {'kind': 'webcam', 'next_index': 2, 'size_bytes': len(chunk(0)) + len(chunk(1)),
                            'status': 'recording'}
    recording = Recording.objects.get(attempt=attempt, kind='webcam')
    assert recording.content_type == 'video/webm;codecs=vp8'
    assert list(recording.chunks.values_list('index', 'size')) == [(0, len(chunk(0))), (1, len(chunk(1)))]


def test_after_a_reload_the_page_resumes_where_the_server_is(learner, attempt):
    first_page = Client()
    first_page.force_login(learner)
    for index in range(3):
        assert post_chunk(first_page, attempt, index, chunk(index)).status_code == 201
    reloaded = Client()  # a new page of the same session: it knows nothing but the server's state
    reloaded.cookies = first_page.cookies
    next_index = reloaded.get(url('recording', attempt.pk, 'webcam')).json()['next_index']
    assert next_index == 3
    assert post_chunk(reloaded, attempt, next_index, chunk(next_index)).json()['next_index'] == 4


def test_a_chunk_sent_again_is_stored_once(browser, attempt, media):
    assert post_chunk(browser, attempt, 0, chunk(0)).status_code == 201
    again = post_chunk(browser, attempt, 0, chunk(0))
    assert again.status_code == 200 and again.json()['next_index'] == 1
    assert RecordingChunk.objects.count() == 1
    assert len(stored_files(media, 'chunks')) == 1


def test_a_different_chunk_under_a_stored_number_is_refused(browser, attempt):
    post_chunk(browser, attempt, 0, chunk(0))
    response = post_chunk(browser, attempt, 0, chunk(0, b'other'))
    assert response.status_code == 409
    assert response.json()['error'] == 'chunk_conflict' and response.json()['next_index'] == 1


def test_a_chunk_ahead_of_the_next_is_refused_with_the_next_index(browser, attempt):
    post_chunk(browser, attempt, 0, chunk(0))
    response = post_chunk(browser, attempt, 2, chunk(2))
    assert response.status_code == 409
    assert response.json()['error'] == 'out_of_order' and response.json()['next_index'] == 1
    assert Recording.objects.get().next_chunk_index == 1


def test_another_learners_attempt_is_not_found(attempt, make_user, media):
    other = Client()
    other.force_login(make_user('someone_else'))
    for response in (post_chunk(other, attempt, 0, chunk(0)), other.get(url('recording', attempt.pk, 'webcam')),
                     other.post(url('attempt-photo', attempt.pk, 'user'), JPEG, content_type='image/jpeg'),
                     other.post(url('recording-complete', attempt.pk, 'webcam')),
                     other.post(url('attempt-flags', attempt.pk), {'kind': 'camera_stopped'},
                                content_type='application/json')):
        assert response.status_code == 404
        assert response.json()['error'] == 'attempt_not_found'
    missing = other.get(url('recording', attempt.pk + 1000, 'webcam'))
    assert missing.status_code == 404 and missing.json() == response.json()  # the same answer: nothing leaks
    assert not Recording.objects.exists() and not SessionFlag.objects.exists()
    assert stored_files(media, 'chunks') == []


def test_an_attempt_of_another_provider_is_not_found(browser, learner, make_exam):
    attempt = journeys.opt_in(learner, make_exam(provider='null'))
    assert post_chunk(browser, attempt, 0, chunk(0)).status_code == 404


def test_signed_out_requests_are_refused(client, attempt):
    response = client.get(url('recording', attempt.pk, 'webcam'))
    assert response.status_code == 401 and response.json()['error'] == 'not_authenticated'


def test_an_unknown_recording_kind_is_not_found(browser, attempt):
    response = post_chunk(browser, attempt, 0, chunk(0), kind='microphone')
    assert response.status_code == 404 and response.json()['error'] == 'unknown_kind'


@pytest.mark.parametrize('rules, kind, asked', [
    ({}, 'webcam', True),
    ({}, 'screen', False),
    ({'require_screen': True}, 'screen', True),
    ({}, 'room_scan', False),
    ({'room_scan': True}, 'room_scan', True),
])
def test_only_the_recordings_the_exams_rules_ask_for_are_taken(browser, learner, rules, kind, asked):
    exam = local_exam(usage='rules', **rules)
    attempt = journeys.opt_in(learner, exam) if kind == 'room_scan' else start(learner, exam)
    response = post_chunk(browser, attempt, 0, chunk(0), kind=kind)
    if asked:
        assert response.status_code == 201
    else:
        assert response.status_code == 404 and response.json() == {
            'error': 'not_asked', 'message': 'This exam does not record that.'}
        assert not Recording.objects.exists()


def test_the_room_scan_is_taken_before_the_start_and_the_exam_recordings_after(browser, learner):
    exam = local_exam(usage='timing', room_scan=True, require_screen=True)
    attempt = journeys.opt_in(learner, exam)
    for kind in ('webcam', 'screen'):
        refused = post_chunk(browser, attempt, 0, chunk(0), kind=kind)
        assert refused.status_code == 409 and refused.json()['error'] == 'not_started'
    assert post_chunk(browser, attempt, 0, chunk(0), kind='room_scan').status_code == 201
    api.complete_recording(learner, attempt.pk, 'room_scan')
    attempt = start(learner, exam)
    refused = post_chunk(browser, attempt, 1, chunk(1), kind='room_scan')
    assert refused.status_code == 409 and refused.json()['error'] == 'attempt_started'
    for kind in ('webcam', 'screen'):
        assert post_chunk(browser, attempt, 0, chunk(0), kind=kind).status_code == 201
    assert sorted(Recording.objects.values_list('kind', 'next_chunk_index')) == [
        ('room_scan', 1), ('screen', 1), ('webcam', 1)]


def test_an_attempts_recordings_hold_at_most_its_time_at_the_sites_bitrate(browser, learner, settings):
    # One minute at 1 kbit/s is 7,500 bytes for each recording of the exam (the webcam and the screen).
    settings.PROCTORING_MAX_RECORDING_KBPS = 1
    settings.PROCTORING_RECORDING_MARGIN_SECONDS = 0
    exam = api.sync_exam(COURSE, 'block-v1:Test+Exam+2026+type@proctored_exam+block@quota', exam_type='proctored',
                         time_limit_minutes=1, provider='local', exam_rules={'require_screen': True})
    attempt = start(learner, exam)
    body = b'x' * 4000
    assert post_chunk(browser, attempt, 0, chunk(0, body)).status_code == 201
    assert post_chunk(browser, attempt, 0, chunk(0, body), kind='screen').status_code == 201
    assert post_chunk(browser, attempt, 1, chunk(1, body)).status_code == 201
    refused = post_chunk(browser, attempt, 1, chunk(1, body), kind='screen')
    assert refused.status_code == 413 and refused.json()['error'] == 'attempt_quota'
    assert refused.json()['max_bytes'] == 15_000
    assert sum(Recording.objects.values_list('size_bytes', flat=True)) <= 15_000


def test_an_allowance_of_extra_time_is_extra_room(learner, settings):
    settings.PROCTORING_MAX_RECORDING_KBPS = 1
    settings.PROCTORING_RECORDING_MARGIN_SECONDS = 0
    exam = api.sync_exam(COURSE, 'block-v1:Test+Exam+2026+type@proctored_exam+block@quota2', exam_type='proctored',
                         time_limit_minutes=1, provider='local')
    api.set_allowance(exam, learner, 'additional_minutes', '1', created_by=learner)
    attempt = start(learner, exam)
    assert uploads.attempt_budget_bytes(attempt, ('webcam',), 1, 0) == 15_000


def test_flags_stop_being_kept_past_the_sites_limit_and_the_rule_still_applies(browser, learner, settings):
    settings.PROCTORING_MAX_FLAGS_PER_ATTEMPT = 3
    exam = local_exam(usage='flags', end_on_capture_lost=False)
    attempt = start(learner, exam)
    for _ in range(5):
        answer = browser.post(url('attempt-flags', attempt.pk), {'kind': 'camera_stopped'},
                              content_type='application/json')
        assert answer.status_code == 201 and answer.json()['action'] == 'continue'
    assert SessionFlag.objects.filter(attempt=attempt).count() == 3


@pytest.mark.parametrize('status', [S.SUBMITTED, S.VERIFIED, S.ERROR])
def test_a_finished_attempt_takes_no_chunks(browser, learner, exam, status):
    attempt = start(learner, exam)
    post_chunk(browser, attempt, 0, chunk(0))
    api.submit(learner, exam)
    if status == S.VERIFIED:
        api.record_review(attempt, api.Outcome.SATISFACTORY, by=learner)
    elif status == S.ERROR:
        api.mark_error(attempt)
    attempt.refresh_from_db()
    assert attempt.status == status
    response = post_chunk(browser, attempt, 1, chunk(1))
    assert response.status_code == 409 and response.json()['error'] == 'attempt_finished'
    assert Recording.objects.get().next_chunk_index == 1


def test_size_limits(browser, attempt, settings):
    settings.PROCTORING_MAX_CHUNK_BYTES = 200
    settings.PROCTORING_MAX_RECORDING_BYTES = 300
    too_big = post_chunk(browser, attempt, 0, WEBM + b'x' * 100)
    assert too_big.status_code == 413
    assert too_big.json() == {'error': 'chunk_too_large', 'message': 'This chunk is too large.', 'max_bytes': 200}
    assert post_chunk(browser, attempt, 0, WEBM + b'x' * 80).status_code == 201
    over_the_cap = post_chunk(browser, attempt, 1, b'y' * 150)
    assert over_the_cap.status_code == 413 and over_the_cap.json()['error'] == 'recording_too_large'
    assert Recording.objects.get().next_chunk_index == 1


@pytest.mark.parametrize('content_type, data, error', [
    ('text/plain', chunk(0), 'unsupported_type'),
    ('application/octet-stream', chunk(0), 'unsupported_type'),
    ('video/webm', b'<html>not a video</html>', 'not_a_video'),
    ('video/mp4', WEBM, 'not_a_video'),
])
def test_types_are_checked(browser, attempt, content_type, data, error):
    response = post_chunk(browser, attempt, 0, data, content_type=content_type)
    assert response.status_code == 415 and response.json()['error'] == error
    assert not RecordingChunk.objects.exists()


def test_mp4_recordings_are_taken_and_keep_their_type(browser, attempt):
    assert post_chunk(browser, attempt, 0, MP4, content_type='video/mp4').status_code == 201
    switched = post_chunk(browser, attempt, 1, chunk(1), content_type='video/webm')
    assert switched.status_code == 415 and switched.json()['error'] == 'unsupported_type'


def test_a_refused_first_chunk_does_not_fix_the_type(browser, attempt):
    assert post_chunk(browser, attempt, 0, WEBM, content_type='video/mp4').status_code == 415
    assert post_chunk(browser, attempt, 0, WEBM, content_type='video/webm').status_code == 201
    assert Recording.objects.get().content_type == 'video/webm'


def test_an_empty_chunk_is_refused(browser, attempt):
    response = post_chunk(browser, attempt, 0, b'')
    assert response.status_code == 400 and response.json()['error'] == 'empty'


def test_csrf_is_enforced(learner, attempt):
    page = Client(enforce_csrf_checks=True)
    page.force_login(learner)
    assert post_chunk(page, attempt, 0, chunk(0)).status_code == 403
    assert page.post(url('attempt-flags', attempt.pk), {'kind': 'camera_stopped'},
                     content_type='application/json').status_code == 403
    assert not Recording.objects.exists() and not SessionFlag.objects.exists()
    page.get(url('recording', attempt.pk, 'webcam'))  # any page of the site gives the cookie in the LMS
    token = 'a' * 32
    page.cookies['csrftoken'] = token
    response = page.post(url('recording-chunk', attempt.pk, 'webcam', 0), data=chunk(0), content_type='video/webm',
                         headers={'X-CSRFToken': token})
    assert response.status_code == 201


def test_a_chunk_written_halfway_is_not_counted(learner, attempt, media, monkeypatch):
    api.store_chunk(learner, attempt.pk, 'webcam', 0, chunk(0), 'video/webm')

    def crash(*args):
        raise OSError('disk full')
    monkeypatch.setattr('edx_proctoring_backend.recordings.storage.os.replace', crash)
    with pytest.raises(OSError):
        api.store_chunk(learner, attempt.pk, 'webcam', 1, chunk(1), 'video/webm')
    monkeypatch.undo()
    recording = Recording.objects.get()
    assert (recording.next_chunk_index, recording.size_bytes) == (1, len(chunk(0)))
    assert list(recording.chunks.values_list('index', flat=True)) == [0]
    assert len(stored_files(media, 'chunks')) == 1  # the first chunk; no partial file stays behind
    assert api.store_chunk(learner, attempt.pk, 'webcam', 1, chunk(1), 'video/webm')[0] is True


def test_a_chunk_whose_row_cannot_be_written_leaves_no_file(learner, attempt, media, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError('database gone')
    monkeypatch.setattr(RecordingChunk.objects, 'create', fail)
    with pytest.raises(RuntimeError):
        api.store_chunk(learner, attempt.pk, 'webcam', 0, chunk(0), 'video/webm')
    assert Recording.objects.get().next_chunk_index == 0
    assert stored_files(media, 'chunks') == []


def test_media_have_random_names_and_no_url(learner, attempt, media):
    api.store_chunk(learner, attempt.pk, 'webcam', 0, chunk(0), 'video/webm')
    photos = list(AttemptPhoto.objects.filter(attempt=attempt).values_list('file_name', flat=True))
    names = [RecordingChunk.objects.get().file_name, *photos]
    assert [name.split('/')[0] for name in names] == ['chunks', 'photos', 'photos']  # no ids, no user names
    for name in names:
        token = name.split('/')[-1].split('.')[0]
        assert len(token) == 32  # 192 random bits, nothing else
        with pytest.raises(ValueError):
            media_storage().url(name)
    assert stored_files(media) == sorted(names)


def test_a_pause_in_the_uploads_of_a_running_exam_is_flagged(browser, learner, exam):
    attempt = start(learner, exam)
    post_chunk(browser, attempt, 0, chunk(0))
    Recording.objects.update(last_chunk_at=timezone.now() - timezone.timedelta(minutes=5))
    post_chunk(browser, attempt, 1, chunk(1))
    flag = SessionFlag.objects.get(attempt=attempt)
    assert flag.kind == 'upload_gap' and flag.detail.startswith('webcam: no upload for 30')


# ---- completing a recording ---------------------------------------------------------------------------------

def test_completing_closes_the_recording(browser, attempt, django_capture_on_commit_callbacks):
    post_chunk(browser, attempt, 0, chunk(0))
    with django_capture_on_commit_callbacks() as queued:
        response = browser.post(url('recording-complete', attempt.pk, 'webcam'))
    assert response.status_code == 200
    assert response.json() == {'kind': 'webcam', 'next_index': 1, 'size_bytes': len(chunk(0)), 'status': 'complete'}
    assert queued == []  # analysed after the exam is submitted
    assert browser.post(url('recording-complete', attempt.pk, 'webcam')).status_code == 200  # twice: harmless
    late = post_chunk(browser, attempt, 1, chunk(1))
    assert late.status_code == 409 and late.json()['error'] == 'recording_complete'


def test_completing_nothing_is_refused(browser, attempt):
    response = browser.post(url('recording-complete', attempt.pk, 'screen'))
    assert response.status_code == 409 and response.json()['error'] == 'nothing_recorded'


# ---- photos --------------------------------------------------------------------------------------------------

def test_photos_are_stored_and_replaced_before_the_start(browser, opted_in, media,
                                                         django_capture_on_commit_callbacks):
    response = browser.post(url('attempt-photo', opted_in.pk, 'user'), JPEG, content_type='image/jpeg')
    assert response.status_code == 201
    assert response.json() == {'kind': 'user', 'content_type': 'image/jpeg', 'size': len(JPEG)}
    first = AttemptPhoto.objects.get().file_name
    with django_capture_on_commit_callbacks(execute=True):
        assert browser.post(url('attempt-photo', opted_in.pk, 'user'), PNG,
                            content_type='image/png').status_code == 201
    photo = AttemptPhoto.objects.get()
    assert photo.content_type == 'image/png' and photo.file_name != first
    assert stored_files(media) == [photo.file_name]  # the old one is gone
    assert media_storage().open(photo.file_name).read() == PNG
    assert browser.post(url('attempt-photo', opted_in.pk, 'id'), JPEG, content_type='image/jpeg').status_code == 201


@pytest.mark.parametrize('content_type, data, status, error', [
    ('image/jpeg', PNG, 415, 'not_an_image'),
    ('image/png', b'GIF89a' + b'x' * 20, 415, 'not_an_image'),
    ('image/gif', b'GIF89a' + b'x' * 20, 415, 'unsupported_type'),
    ('image/jpeg', b'<?php evil(); ?>', 415, 'not_an_image'),
    ('image/jpeg', b'', 400, 'empty'),
])
def test_photos_are_sniffed(browser, opted_in, content_type, data, status, error):
    response = browser.post(url('attempt-photo', opted_in.pk, 'user'), data, content_type=content_type)
    assert response.status_code == status and response.json()['error'] == error
    assert not AttemptPhoto.objects.exists()


def test_a_photo_too_large_is_refused(browser, opted_in, settings):
    settings.PROCTORING_MAX_PHOTO_BYTES = 50
    response = browser.post(url('attempt-photo', opted_in.pk, 'id'), JPEG + b'x' * 50, content_type='image/jpeg')
    assert response.status_code == 413 and response.json()['error'] == 'photo_too_large'


def test_photos_cannot_change_after_the_start(browser, learner, exam):
    attempt = start(learner, exam)
    response = browser.post(url('attempt-photo', attempt.pk, 'user'), JPEG, content_type='image/jpeg')
    assert response.status_code == 409 and response.json()['error'] == 'attempt_started'


# ---- capture flags -------------------------------------------------------------------------------------------

def test_a_stopped_camera_is_flagged_and_the_exam_goes_on(browser, learner, exam):
    attempt = start(learner, exam)
    before = timezone.now()
    response = browser.post(url('attempt-flags', attempt.pk), {'kind': 'camera_stopped'},
                            content_type='application/json')
    assert response.status_code == 201
    assert response.json()['action'] == 'continue' and response.json()['message']
    flag = SessionFlag.objects.get()
    assert flag.kind == 'camera_stopped' and flag.at >= before
    attempt.refresh_from_db()
    assert attempt.status == S.STARTED


def test_a_stopped_camera_ends_the_exam_where_the_rule_says_so(browser, learner):
    exam = local_exam(end_on_capture_lost=True)
    attempt = start(learner, exam)
    response = browser.post(url('attempt-flags', attempt.pk), {'kind': 'recorder_closed'},
                            content_type='application/json')
    assert response.status_code == 201
    assert response.json() == {
        'action': 'ended',
        'message': 'The recording stopped, so your exam has ended and your answers were submitted.'}
    attempt.refresh_from_db()
    assert (attempt.status, attempt.submit_reason) == (S.SUBMITTED, 'capture_lost')
    again = browser.post(url('attempt-flags', attempt.pk), {'kind': 'camera_stopped'},
                         content_type='application/json')
    assert again.status_code == 409 and again.json()['error'] == 'attempt_finished'


@pytest.mark.parametrize('interruption, result', [(None, 'complete'), ('camera_stopped', 'failed'),
                                                  ('recorder_closed', 'failed')])
def test_a_practice_session_whose_recording_stopped_failed(browser, learner, interruption, result):
    """The learner guide: a practice exam fails when the proctoring did not hold until its end."""
    exam = local_exam(exam_type='practice', usage='practice-truth')
    attempt = start(learner, exam)
    assert post_chunk(browser, attempt, 0, chunk(0)).status_code == 201   # nothing recorded would fail it too
    if interruption:
        browser.post(url('attempt-flags', attempt.pk), {'kind': interruption}, content_type='application/json')
    api.submit(learner, exam)
    assert api.learner_state(learner, exam).practice_result == result
    assert [row.practice_result for row in api.course_progress(learner, COURSE) if row.exam.pk == exam.pk] == [result]


def test_the_site_rule_applies_where_the_author_chose_none(browser, learner, settings):
    settings.PROCTORING_PROVIDERS = {'null': {}, 'local': {'on_capture_lost': 'end', 'require_screen': False}}
    exam = local_exam()
    attempt = start(learner, exam)
    # The screen is not recorded in this exam: sharing it stopping ends nothing.
    screen = browser.post(url('attempt-flags', attempt.pk), {'kind': 'screen_stopped'},
                          content_type='application/json')
    assert screen.json()['action'] == 'continue'
    camera = browser.post(url('attempt-flags', attempt.pk), {'kind': 'camera_stopped'},
                          content_type='application/json')
    assert camera.json()['action'] == 'ended'


def test_before_the_start_a_flag_ends_nothing(browser, learner):
    exam = local_exam(end_on_capture_lost=True)
    attempt = pass_checks(learner, exam)
    response = browser.post(url('attempt-flags', attempt.pk), {'kind': 'camera_stopped'},
                            content_type='application/json')
    assert response.json()['action'] == 'continue'
    attempt.refresh_from_db()
    assert attempt.status == S.READY_TO_START


@pytest.mark.parametrize('payload', [{'kind': 'analysis_failed'}, {'kind': 'tab_hidden'}, {}])
def test_only_the_pages_flags_are_taken(browser, attempt, payload):
    response = browser.post(url('attempt-flags', attempt.pk), payload, content_type='application/json')
    assert response.status_code == 400 and response.json()['error'] == 'invalid_request'
    assert not SessionFlag.objects.exists()


def test_invalid_json_is_refused(browser, attempt):
    response = browser.post(url('attempt-flags', attempt.pk), b'{not json', content_type='application/json')
    assert response.status_code == 400 and response.json()['error'] == 'invalid_request'


# ---- the connection check before the start -----------------------------------------------------------------

def test_the_connection_check_reads_its_sample_and_keeps_nothing(browser, learner, exam, make_user, media):
    attempt = journeys.opt_in(learner, exam)   # the checks, before the start
    sample = os.urandom(api.UPLOAD_CHECK_BYTES)
    answer = browser.post(url('attempt-upload-check', attempt.pk), data=sample, content_type='application/octet-stream')
    assert (answer.status_code, answer.json()) == (200, {'received_bytes': api.UPLOAD_CHECK_BYTES})
    assert stored_files(media) == [] and not Recording.objects.exists()

    too_large = browser.post(url('attempt-upload-check', attempt.pk), data=sample + b'x',
                             content_type='application/octet-stream')
    assert (too_large.status_code, too_large.json()['error']) == (413, 'too_large')
    other = Client()
    other.force_login(make_user('someone_else'))
    assert other.post(url('attempt-upload-check', attempt.pk), data=b'x',
                      content_type='application/octet-stream').status_code == 404
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(learner)
    assert csrf.post(url('attempt-upload-check', attempt.pk), data=b'x',
                     content_type='application/octet-stream').status_code == 403


def test_the_connection_check_is_for_before_the_start(browser, attempt):
    answer = browser.post(url('attempt-upload-check', attempt.pk), data=b'x', content_type='application/octet-stream')
    assert (answer.status_code, answer.json()['error']) == (409, 'attempt_started')
