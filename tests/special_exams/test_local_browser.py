"""
In-house proctoring through the real edx-proctoring, in headless Chromium with a fake camera: the
learner records in this package's recording window, the learning MFE's worker (run as
frontend-lib-special-exams runs it: a Web Worker on the MFE's origin that imports the backend's script)
starts the exam and pings while chunks arrive, and either a person's review in this package's queue
makes edx-proctoring's attempt verified, or a stopped camera fails the ping and edx-proctoring's error
flow ends both attempts.

The MFE is a stand-in page on another origin (127.0.0.1, the LMS being ``localhost``) that runs the
worker; the MFE's REST calls (create the attempt, start, submit, error) are edx-proctoring's Python API.
"""
import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from edx_proctoring_backend import api
from edx_proctoring_backend.exams.models import ExamAttempt
from edx_proctoring_backend.recordings.models import Recording
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import MEDIA_ARGS, in_thread, launch_chromium, serve_html, session_of
from tests.browser.pages import new_context, pass_system_check
from tests.browser.test_capture import MEDIA_TIMEOUT, STOP_CAMERA
from tests.special_exams.edx_exams import COURSE, backend, sequential

pytestmark = [pytest.mark.edx_proctoring, pytest.mark.browser]

# The learning MFE's use of the backend's worker (frontend-lib-special-exams, src/data/messages/handlers.js):
# a Web Worker made from a blob that imports the script, one message, one answer.
MFE_PAGE = """<!DOCTYPE html><html lang="en"><title>Learning</title><main><h1>Final exam</h1></main>
<script>
function createWorker(url) {
  const blob = new Blob([`importScripts('${url}');`], {type: 'application/javascript'});
  return new Worker(window.URL.createObjectURL(blob));
}
window.askWorker = (workerUrl, type, timeout, attemptExternalId) => new Promise((resolve) => {
  const worker = createWorker(workerUrl);
  worker.addEventListener('message', (event) => { worker.terminate(); resolve(event.data); });
  worker.postMessage({type, timeout, attemptExternalId});
});
</script></html>"""


@pytest.fixture
def site(settings, live_server, tmp_path):
    """The LMS (the live server) and the MFE stand-in, with in-house proctoring set up as a site would."""
    with serve_html(lambda path: MFE_PAGE) as mfe_port:
        mfe_url = f'http://127.0.0.1:{mfe_port}'
        settings.LMS_ROOT_URL = live_server.url
        settings.LEARNING_MICROFRONTEND_URL = mfe_url
        settings.PROCTORING_PROVIDERS = {**settings.PROCTORING_PROVIDERS, 'local': {}}
        settings.PROCTORING_MEDIA_ROOT = str(tmp_path / 'media')
        settings.PROCTORING_MEDIA_STORAGE = None
        settings.PROCTORING_CAPTURE_TIMESLICE_SECONDS = 1
        settings.PROCTORING_CAPTURE_FLUSH_SECONDS = 10
        settings.PROCTORING_ANSWER_GRACE_SECONDS = 30
        yield {'lms': live_server.url, 'mfe': mfe_url}


@pytest.fixture
def browser(transactional_db):  # pylint: disable=unused-argument
    """Headless Chromium with a fake camera that pages may use without asking."""
    with launch_chromium(MEDIA_ARGS) as chromium:
        yield chromium


def signed_in_page(browser, site, username):
    """A page of a new browser context signed in to the LMS as ``username``."""
    context = new_context(browser)
    context.add_cookies([{'name': 'sessionid', 'value': in_thread(session_of, username), 'url': site['lms']}])
    page = context.new_page()
    page.js_errors = []
    page.on('pageerror', lambda error: page.js_errors.append(str(error)))
    page.on('dialog', lambda dialog: dialog.accept())
    return page


def create_exam_and_choose_proctored(username):
    """Studio's publish creates the exam; the learner chooses to take it proctored (the MFE's POST)."""
    from edx_proctoring import api as edx_api  # pylint: disable=import-outside-toplevel,import-error
    learner = get_user_model().objects.get(username=username)
    exam_id = edx_api.create_exam(COURSE, sequential('final'), 'Final exam', 30, is_proctored=True,
                                  backend='proctored_exams_local')
    attempt_id = edx_api.create_exam_attempt(exam_id, learner.id, taking_as_proctored=True)
    data = edx_api.get_exam_attempt_data(exam_id, attempt_id, is_learning_mfe=True)
    return {'exam_id': exam_id, 'id': attempt_id, 'external_id': data['external_id'],
            'worker_url': data['desktop_application_js_url'], 'window_url': data['software_download_url']}


def edx_status(attempt_id, to_status=None):
    """edx-proctoring's attempt status, after moving it to ``to_status`` as the MFE's REST call does."""
    from edx_proctoring import api as edx_api  # pylint: disable=import-outside-toplevel,import-error
    if to_status:
        edx_api.update_attempt_status(attempt_id, to_status)
    return edx_api.get_exam_attempt_by_id(attempt_id)['status']


def our_attempt(username):
    """This package's attempt of the learner (status, submit reason, id)."""
    attempt = ExamAttempt.objects.get(user__username=username)
    return attempt.status, attempt.submit_reason, attempt.pk


def record_in_window(page, edx, mfe_url):
    """Open the recording window, agree, take both photos, continue; wait for webcam chunks."""
    page.goto(edx['window_url'])
    root = page.locator('.proctored-exam')
    expect(root).to_have_attribute('data-stage', 'terms')
    assert_accessible(page, where='the recording window: the terms')
    agree = 'Yes, I agree to the terms and want to take this exam with online proctoring'
    page.get_by_role('button', name=agree).click()
    expect(root).to_have_attribute('data-stage', 'checks')
    assert_accessible(page, where='the recording window: the checks')
    pass_system_check(page, timeout=MEDIA_TIMEOUT)
    for step in ('user_photo', 'id_photo'):
        item = page.locator(f'li[data-step={step}]')
        expect(item).to_have_attribute('data-camera', 'on', timeout=MEDIA_TIMEOUT)
        item.locator('[data-capture-action=take]').click()
        expect(item).to_have_attribute('data-photo', 'taken', timeout=MEDIA_TIMEOUT)
        item.locator('[data-capture-action=use]').click()
        expect(item).to_have_attribute('data-done', 'true', timeout=MEDIA_TIMEOUT)
    page.get_by_role('button', name='Continue').click()
    expect(root).to_have_attribute('data-stage', 'recording')
    panel = page.locator('.proctored-exam__capture')
    expect(panel).to_have_attribute('data-recording-webcam', 'on', timeout=MEDIA_TIMEOUT)
    page.wait_for_function("() => Number(document.querySelector('.proctored-exam__capture')"
                           ".getAttribute('data-stored-webcam') ?? -1) >= 1", timeout=MEDIA_TIMEOUT)
    expect(root).to_have_attribute('data-recording', 'live', timeout=MEDIA_TIMEOUT)
    status = page.locator('.proctored-exam__window-status')
    expect(status).to_have_text('The recording runs. Choose Open the exam, then Start Exam on the exam page.')
    expect(page.get_by_role('link', name='Open the exam')).to_have_attribute(
        'href', f'{mfe_url}/course/{COURSE}/{sequential("final")}')
    assert_accessible(page, where='the recording window: recording')
    return root


def mfe_page(window, site):
    """The learning MFE's tab, beside the recording window."""
    page = window.context.new_page()
    page.js_errors = []
    page.on('pageerror', lambda error: page.js_errors.append(str(error)))
    page.goto(site['mfe'])
    return page


def start_through_the_worker(mfe, edx):
    """The MFE's Start Exam: the worker's start, then edx-proctoring's start."""
    answer = mfe.evaluate('([url, id]) => window.askWorker(url, "startExamAttempt", 5000, id)',
                          [edx['worker_url'], edx['external_id']])
    assert answer == {'type': 'examAttemptStarted'}
    assert in_thread(edx_status, edx['id'], 'started') == 'started'


def ping(mfe, edx):
    """One of the MFE's pings (its ping interval less its ten-second buffer as the worker's time)."""
    interval = in_thread(lambda: backend('proctored_exams_local').ping_interval)
    return mfe.evaluate('([url, id, ms]) => window.askWorker(url, "ping", ms, id)',
                        [edx['worker_url'], edx['external_id'], (interval - 10) * 1000])


def test_recorded_in_the_window_reviewed_here_verified_in_edx_proctoring(browser, site, lms_services):
    learner = 'window-learner'
    window = signed_in_page(browser, site, learner)
    edx = in_thread(create_exam_and_choose_proctored, learner)
    assert edx['worker_url'] == f'{site["lms"]}/api/proctored-exams/v1/special-exams/worker.js'
    root = record_in_window(window, edx, site['mfe'])
    assert in_thread(edx_status, edx['id']) == 'ready_to_start'

    mfe = mfe_page(window, site)
    start_through_the_worker(mfe, edx)
    expect(window.locator('.proctored-exam__window-status')).to_have_text(
        'Your exam has started. Keep this page open until your exam ends.')
    assert ping(mfe, edx) == {'type': 'echo'}

    # End My Exam: the worker ends at once, edx-proctoring submits; the window sends the rest and completes.
    answer = mfe.evaluate('([url, id]) => window.askWorker(url, "endExamAttempt", 0, id)',
                          [edx['worker_url'], edx['external_id']])
    assert answer == {'type': 'examAttemptEnded'}
    assert in_thread(edx_status, edx['id'], 'submitted') == 'submitted'
    expect(root).to_have_attribute('data-recording-saved', 'true', timeout=MEDIA_TIMEOUT)
    expect(window.locator('.proctored-exam__window-status')).to_have_text(
        'Your exam has ended and your recording is saved. You can close this page.')
    status, reason, attempt_pk = in_thread(our_attempt, learner)
    assert (status, reason) == ('submitted', api.SUBMITTED_IN_EDX_PROCTORING)
    recording = in_thread(lambda: Recording.objects.get(attempt_id=attempt_pk, kind='webcam'))
    assert recording.status != 'recording' and recording.next_chunk_index >= 2

    # A person decides in this package's review queue; edx-proctoring's attempt and the credit follow.
    in_thread(lambda: get_user_model().objects.create(username='window-reviewer', is_staff=True))
    reviewer = signed_in_page(browser, site, 'window-reviewer')
    reviewer.goto(f'{site["lms"]}/api/proctored-exams/review/')
    reviewer.locator(f'tr[data-attempt="{attempt_pk}"]').get_by_role('link', name='Review').click()
    reviewer.get_by_role('button', name='Take this review').click()
    reviewer.get_by_role('radio', name='Satisfactory', exact=True).check()
    reviewer.get_by_role('button', name='Record the decision').click()
    expect(reviewer.locator('.review-queue--empty')).to_be_visible()
    assert in_thread(our_attempt, learner)[0] == 'verified'
    assert in_thread(edx_status, edx['id']) == 'verified'
    user = in_thread(lambda: get_user_model().objects.get(username=learner))
    assert lms_services['credit'].status(user, COURSE, sequential('final')) == 'satisfied'
    assert window.js_errors == [] and mfe.js_errors == []


def test_a_stopped_camera_fails_the_ping_and_edx_proctorings_error_flow_ends_both(browser, site):
    learner = 'window-learner-camera'
    window = signed_in_page(browser, site, learner)
    edx = in_thread(create_exam_and_choose_proctored, learner)
    root = record_in_window(window, edx, site['mfe'])
    mfe = mfe_page(window, site)
    start_through_the_worker(mfe, edx)
    assert ping(mfe, edx) == {'type': 'echo'}

    window.evaluate(STOP_CAMERA)
    panel = window.locator('.proctored-exam__capture')
    expect(panel).to_have_attribute('data-flag-action', 'continue')
    answer = ping(mfe, edx)
    assert answer['type'] == 'pingFailed' and 'not running' in answer['error']

    # The MFE ends the exam with a failure: edx-proctoring's error, then this package's.
    assert in_thread(edx_status, edx['id'], 'error') == 'error'
    assert in_thread(our_attempt, learner)[0] == 'error'
    expect(root).to_have_attribute('data-attempt-over', 'true', timeout=MEDIA_TIMEOUT)
    expect(root).to_have_attribute('data-recording', 'ended')
    assert window.js_errors == [] and mfe.js_errors == []
