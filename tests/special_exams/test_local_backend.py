"""
In-house proctoring behind the real edx-proctoring (``LocalBackend``): the learning MFE's calls to
edx-proctoring's REST API, the recording window's steps and uploads, and the worker's status answers,
checked on both sides. The browser's part (a fake camera, the worker in a Web Worker) is in
``test_local_browser``.
"""
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
# edx-proctoring is the platform's, not a requirement of this package: only the LMS and the
# test-edx-proctoring environment can import it.
# pylint: disable=import-error
from edx_proctoring import api as edx_api
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as EdxStatus

from edx_proctoring_backend import api
from edx_proctoring_backend.exams.models import ExamAttempt
from edx_proctoring_backend.exams.statuses import AttemptStatus as S
from edx_proctoring_backend.privacy.models import ConsentRecord
from edx_proctoring_backend.recordings.models import Recording, SessionFlag
from edx_proctoring_backend.special_exams.backend import LocalBackend
from tests.special_exams.edx_exams import COURSE, backend, edx_attempt, ours

pytestmark = pytest.mark.edx_proctoring

JPEG = b'\xff\xd8\xff\xe0' + b'\0' * 64
WEBM = b'\x1a\x45\xdf\xa3' + b'\0' * 2048
WORKER_URL = 'http://testserver/api/proctored-exams/v1/special-exams/worker.js'


@pytest.fixture
def local_exam(make_edx_exam):
    """A proctored exam of the ``local`` backend, as Studio's publish creates it in edx-proctoring."""
    return make_edx_exam('proctored_exams_local', time_limit_mins=30)


@pytest.fixture
def learner_client(client, make_user):
    """The learner's browser: the learning MFE's session on the LMS."""
    learner = make_user('learner')
    client.force_login(learner)
    client.learner = learner
    return client


def choose_proctored(client, exam):
    """The learning MFE's POST: the learner takes the exam proctored. Returns edx-proctoring's attempt."""
    response = client.post(reverse('edx_proctoring:proctored_exam.attempt.collection'),
                           {'exam_id': exam['id'], 'attempt_proctored': 'true', 'start_clock': 'false'},
                           content_type='application/json')
    assert response.status_code == 200, response.content
    return edx_attempt(response.json()['exam_attempt_id'])


def mfe_attempt(client, exam):
    """The attempt as the learning MFE reads it (edx-proctoring's exam attempts of the course)."""
    url = reverse('edx_proctoring:proctored_exam.exam_attempts', kwargs={'course_id': COURSE})
    response = client.get(url, {'content_id': exam['content_id'], 'is_learning_mfe': 'true'})
    assert response.status_code == 200, response.content
    return response.json()['exam']['attempt']


def window_url(external_id):
    """The recording window of edx-proctoring's attempt ``external_id``."""
    return reverse('edx_proctoring_backend:special-exams-recording', args=[external_id])


def status(external_id):
    """The worker's question: where the recording stands (without a cookie: the MFE is on another origin)."""
    return Client().get(reverse('edx_proctoring_backend:special-exams-recording-status', args=[external_id]))


def agree(client, external_id):
    """The learner agrees to this package's terms in the recording window."""
    page = client.get(window_url(external_id))
    version = page.content.decode().split('name="terms_version" value="')[1].split('"')[0]
    return client.post(window_url(external_id), {'action': 'agree', 'terms_version': version})


def take_photos(client, attempt):
    """The window's photo steps (the capture script's uploads)."""
    for kind in ('user', 'id'):
        response = client.post(reverse('edx_proctoring_backend:attempt-photo', args=[attempt.pk, kind]), JPEG,
                               content_type='image/jpeg')
        assert response.status_code == 201, response.content


def upload(client, attempt, kind, index, data=WEBM):
    """One chunk of the window's recording of ``kind``."""
    return client.post(reverse('edx_proctoring_backend:recording-chunk', args=[attempt.pk, kind, index]), data,
                       content_type='video/webm;codecs=vp8')


def ready(client, exam):
    """The learner opted in, agreed, took the photos and continued in the window: (edx attempt, ours)."""
    edx = choose_proctored(client, exam)
    agree(client, edx['external_id'])
    attempt = ours(exam, client.learner)
    take_photos(client, attempt)
    response = client.post(window_url(edx['external_id']), {'action': 'confirm'})
    assert response.status_code == 303, response.content
    return edx, attempt


def ready_and_recording(client, exam):
    """``ready``, and the window records: (edx attempt, ours)."""
    edx, attempt = ready(client, exam)
    assert upload(client, attempt, 'webcam', 0).status_code == 201
    return edx, attempt


# ---- the backend and its worker ----------------------------------------------------------------------------

def test_local_is_a_backend_whose_software_is_the_recording_window(learner_client, local_exam):
    local = backend('proctored_exams_local')
    assert type(local) is LocalBackend   # pylint: disable=unidiomatic-typecheck
    assert (local.verbose_name, local.ping_interval) == ('In-house proctoring (recordings stay on this site)', 60)
    instructions = edx_api.get_proctoring_settings_by_exam_id(local_exam['id'])['exam_proctoring_backend'][
        'instructions']
    assert len(instructions) == 3 and instructions[0].startswith('Choose Start System Check')

    edx = choose_proctored(learner_client, local_exam)
    # The learner agrees to this package's terms in the window: nothing is kept here before.
    assert edx['status'] == EdxStatus.created and ours(local_exam, learner_client.learner) is None
    seen = mfe_attempt(learner_client, local_exam)
    assert seen['desktop_application_js_url'] == WORKER_URL
    assert seen['software_download_url'] == f'http://testserver{window_url(edx["external_id"])}'
    assert seen['ping_interval'] == 60


def test_the_worker_script_asks_the_status_of_the_attempt_it_is_given(client):
    response = client.get(reverse('edx_proctoring_backend:special-exams-worker'))
    assert response.status_code == 200
    assert response['Content-Type'] == 'application/javascript; charset=utf-8'
    script = response.content.decode()
    assert 'var STATUS_URL = "http://testserver/api/proctored-exams/v1/special-exams/attempts/{external_id}/' \
           'recording/status";' in script
    for message in ('startExamAttempt', 'ping', 'endExamAttempt'):
        assert f'{message}: [' in script
    for answer in ('examAttemptStarted', 'examAttemptStartFailed', 'echo', 'pingFailed', 'examAttemptEnded'):
        assert f"'{answer}'" in script


def test_the_status_is_readable_from_any_origin_and_only_for_a_known_attempt(client, learner_client, local_exam):
    edx = choose_proctored(learner_client, local_exam)
    response = status(edx['external_id'])
    assert response.status_code == 200 and response['Access-Control-Allow-Origin'] == '*'
    assert response['Cache-Control'] == 'no-store'
    assert response.json()['recording'] == 'not_started'
    assert status('f' * 32).status_code == 404
    assert client.post(reverse('edx_proctoring_backend:special-exams-recording-status',
                               args=[edx['external_id']])).status_code == 405


# ---- the recording window ------------------------------------------------------------------------------------

def test_the_window_is_the_learners_own(client, make_user, learner_client, local_exam):
    edx = choose_proctored(learner_client, local_exam)
    client.logout()
    response = client.get(window_url(edx['external_id']))
    assert response.status_code == 302 and '/login' in response['Location']
    client.force_login(make_user('somebody-else'))
    assert client.get(window_url(edx['external_id'])).status_code == 404
    assert client.get(window_url('0' * 32)).status_code == 404


def test_the_learner_agrees_to_the_terms_in_the_window_then_takes_the_photos(learner_client, local_exam):
    edx = choose_proctored(learner_client, local_exam)
    page = learner_client.get(window_url(edx['external_id']))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-stage="terms"' in html and 'Proctoring terms' in html
    assert page['Cache-Control'] == 'no-store'

    response = agree(learner_client, edx['external_id'])
    assert response.status_code == 303
    attempt = ours(local_exam, learner_client.learner)
    assert attempt.status == S.CREATED and attempt.taking_as_proctored
    assert ConsentRecord.objects.filter(user=learner_client.learner, accepted=True).count() == 1
    html = learner_client.get(window_url(edx['external_id'])).content.decode()
    assert 'data-stage="checks"' in html
    assert 'data-step="user_photo"' in html and 'data-step="id_photo"' in html and 'name="exam_code"' not in html
    assert '"mode": "checks"' in html and 'ProctoredExamCapture' in html

    # Continue before the photos: refused, nothing changes.
    response = learner_client.post(window_url(edx['external_id']), {'action': 'confirm'})
    assert response.status_code == 409 and 'Complete the proctoring steps' in response.content.decode()
    take_photos(learner_client, attempt)
    assert learner_client.post(window_url(edx['external_id']), {'action': 'confirm'}).status_code == 303
    attempt.refresh_from_db()
    assert attempt.status == S.READY_TO_START and attempt.code_redeemed_at is not None
    assert edx_attempt(edx['id'])['status'] == EdxStatus.ready_to_start
    html = learner_client.get(window_url(edx['external_id'])).content.decode()
    assert 'data-stage="recording"' in html and '"mode": "exam"' in html
    assert f'href="http://learning.testserver/course/{COURSE}/{local_exam["content_id"]}"' in html


def test_a_learner_who_refuses_the_terms_records_nothing(learner_client, local_exam):
    edx = choose_proctored(learner_client, local_exam)
    page = learner_client.get(window_url(edx['external_id'])).content.decode()
    version = page.split('name="terms_version" value="')[1].split('"')[0]
    response = learner_client.post(window_url(edx['external_id']), {'action': 'refuse', 'terms_version': version})
    assert response.status_code == 303
    html = learner_client.get(window_url(edx['external_id'])).content.decode()
    assert 'data-stage="refused"' in html and 'nothing is recorded' in html
    assert ours(local_exam, learner_client.learner) is None
    assert ConsentRecord.objects.get(user=learner_client.learner).accepted is False


@pytest.mark.parametrize('form', [{'action': 'agree', 'terms_version': 'old'}, {'action': 'dance'}])
def test_a_wrong_answer_is_refused_with_the_page_again(learner_client, local_exam, form):
    edx = choose_proctored(learner_client, local_exam)
    response = learner_client.post(window_url(edx['external_id']), form)
    assert response.status_code in (400, 409)
    assert 'data-stage="terms"' in response.content.decode()
    assert ours(local_exam, learner_client.learner) is None


# ---- recording, start, pings, the end ------------------------------------------------------------------------

def test_the_worker_lets_the_exam_start_once_the_window_records(learner_client, local_exam):
    edx, attempt = ready(learner_client, local_exam)
    answer = status(edx['external_id']).json()
    assert (answer['status'], answer['recording']) == (S.READY_TO_START, 'not_started')   # the start would fail

    # Recording begins before the start: the start waits for it.
    assert upload(learner_client, attempt, 'webcam', 0).status_code == 201
    assert status(edx['external_id']).json() == {
        'status': S.READY_TO_START, 'recording': 'live', 'recordings': {'webcam': 'live'}}
    edx_api.update_attempt_status(edx['id'], EdxStatus.started)
    attempt.refresh_from_db()
    assert attempt.status == S.STARTED
    assert upload(learner_client, attempt, 'webcam', 1).status_code == 201


def test_a_start_without_the_recording_is_flagged_for_the_reviewer(learner_client, local_exam):
    """A client that skipped the worker: edx-proctoring's start is saved already; the reviewer learns of it."""
    edx, attempt = ready(learner_client, local_exam)
    edx_api.update_attempt_status(edx['id'], EdxStatus.started)
    edx_api.update_attempt_status(edx['id'], EdxStatus.submitted)
    attempt.refresh_from_db()
    assert attempt.status == S.SUBMITTED
    assert SessionFlag.objects.get(attempt=attempt).kind == SessionFlag.RECORDING_MISSING


def test_a_stopped_camera_or_silent_window_fails_the_ping(learner_client, local_exam):
    edx, attempt = ready_and_recording(learner_client, local_exam)
    edx_api.update_attempt_status(edx['id'], EdxStatus.started)
    # The learner stops the camera: the window reports it, the next ping fails.
    response = learner_client.post(reverse('edx_proctoring_backend:attempt-flags', args=[attempt.pk]),
                                   {'kind': 'camera_stopped'}, content_type='application/json')
    assert response.status_code == 201 and response.json()['action'] == 'continue'
    answer = status(edx['external_id']).json()
    assert answer['recording'] == 'stopped' and answer['message'].startswith('The recording is not running')
    # The stopped recorder's last chunk, just after: still stopped.
    assert upload(learner_client, attempt, 'webcam', 1).status_code == 201
    assert status(edx['external_id']).json()['recording'] == 'stopped'
    # Shared again, chunks keep coming after the stop: live again.
    SessionFlag.objects.filter(attempt=attempt).update(at=timezone.now() - timedelta(seconds=11))
    assert upload(learner_client, attempt, 'webcam', 2).status_code == 201
    assert status(edx['external_id']).json()['recording'] == 'live'
    # No chunk for longer than the upload gap (the window was closed): stopped.
    Recording.objects.filter(attempt=attempt).update(last_chunk_at=timezone.now() - timedelta(seconds=61))
    assert status(edx['external_id']).json()['recording'] == 'stopped'

    # The MFE ends the exam in edx-proctoring's error flow: this package's attempt ends in error too.
    edx_api.update_attempt_status(edx['id'], EdxStatus.error)
    attempt.refresh_from_db()
    assert attempt.status == S.ERROR
    assert status(edx['external_id']).json()['recording'] == 'ended'
    html = learner_client.get(window_url(edx['external_id'])).content.decode()
    assert 'data-stage="ended"' in html and 'ProctoredExamCapture(' not in html
    # Nothing of the window's steps is possible any more: no new attempt opens here.
    version = api.consent_terms(attempt.exam).version
    for form in ({'action': 'agree', 'terms_version': version}, {'action': 'confirm'}):
        response = learner_client.post(window_url(edx['external_id']), form)
        assert response.status_code == 409 and 'not possible now' in response.content.decode()
    assert ExamAttempt.objects.filter(user=learner_client.learner).count() == 1
    assert upload(learner_client, attempt, 'webcam', 3).json()['error'] == 'attempt_finished'


def test_the_windows_last_chunks_arrive_after_edx_proctorings_submission(
        learner_client, local_exam, settings, django_capture_on_commit_callbacks):
    settings.PROCTORING_ANSWER_GRACE_SECONDS = 30
    edx, attempt = ready_and_recording(learner_client, local_exam)
    edx_api.update_attempt_status(edx['id'], EdxStatus.started)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        edx_api.update_attempt_status(edx['id'], EdxStatus.submitted)
    attempt.refresh_from_db()
    assert (attempt.status, attempt.submit_reason) == (S.SUBMITTED, api.SUBMITTED_IN_EDX_PROCTORING)
    assert queued   # the analysis waits for the grace
    # The window learns of it at its next poll, stops, sends the rest and completes the recording.
    assert status(edx['external_id']).json()['recording'] == 'ended'
    assert upload(learner_client, attempt, 'webcam', 1).status_code == 201
    response = learner_client.post(reverse('edx_proctoring_backend:recording-complete', args=[attempt.pk, 'webcam']))
    assert response.status_code == 200 and response.json()['status'] == 'complete'
    assert not SessionFlag.objects.filter(attempt=attempt, kind=SessionFlag.RECORDING_MISSING).exists()
    # After the grace, nothing more is taken.
    type(attempt).objects.filter(pk=attempt.pk).update(submitted_at=timezone.now() - timedelta(seconds=31))
    assert upload(learner_client, attempt, 'screen', 0).status_code in (404, 409)
