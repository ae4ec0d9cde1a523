"""
Recording in the learner's browser (the ``local`` provider), in headless Chromium with a fake camera
and screen: the terms, the photos (with a retake) and the room scan before the start; the webcam and
screen recorded in numbered chunks that the server stores in order, across a reload and a lost
network; a stopped camera reported and answered; the recordings completed when the exam is submitted.
"""
import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from edx_proctoring_backend.privacy.models import ConsentRecord
from edx_proctoring_backend.recordings.models import AttemptPhoto, Recording, SessionFlag
from tests.browser.accessibility import LOCALES, Audit
from tests.browser.conftest import in_thread, keep_screenshot, session_of
from tests.browser.pages import latest_attempt, move_deadline, new_context, pass_system_check

pytestmark = pytest.mark.browser

CHUNK_URL = re.compile(r'/api/proctored-exams/v1/attempts/\d+/recordings/(\w+)/chunks/(\d+)$')
STATE_URL = re.compile(r'/api/proctored-exams/v1/attempts/\d+/recordings/(\w+)$')
COMPLETE_URL = re.compile(r'/api/proctored-exams/v1/attempts/\d+/recordings/(\w+)/complete$')
SUBMIT_HANDLER = re.compile(r'/handler/[^/]+/submit/')
# Chromium's encoder can take a few seconds to start: what waits on recorded video waits this long (ms).
MEDIA_TIMEOUT = 30_000
CONTINUED = 'The recording stopped. Start it again to go on; the reviewers will see the gap.'
ENDED = 'The recording stopped, so your exam has ended and your answers were submitted.'

# Evaluated in the page: what the exam's webcam recording stops (the learner ends the camera sharing).
# A page cannot revoke its own camera the way the browser's "stop sharing" does: the track is stopped
# and told it ended, as the browser tells it.
STOP_CAMERA = """() => {
    const video = document.querySelector('.proctored-exam__capture video');
    const track = video.srcObject.getVideoTracks()[0];
    track.stop();
    track.dispatchEvent(new Event('ended'));
}"""


# ---- fixtures and helpers --------------------------------------------------------------------------------

@pytest.fixture
def media_page(media_chromium, live_server, learner_name):
    """A page of the media browser, signed in as ``learner_name`` (the upload endpoints need a session)."""
    context = new_context(media_chromium)
    context.add_cookies([{'name': 'sessionid', 'value': in_thread(session_of, learner_name),
                          'url': live_server.url}])
    new_page = context.new_page()
    new_page.js_errors = []
    new_page.on('pageerror', lambda error: new_page.js_errors.append(str(error)))
    new_page.on('dialog', lambda dialog: dialog.accept())
    try:
        yield new_page
    finally:
        context.close()


def chunk_log(page):
    """
    Record (kind, index, status) of every answer to a chunk upload of the page, in order, and
    (kind, 'state', None) when the page asks for a recording's state.
    """
    log = []

    def on_response(response):
        match = CHUNK_URL.search(response.url)
        if match and response.request.method == 'POST':
            log.append((match.group(1), int(match.group(2)), response.status))

    def on_request(request):
        match = STATE_URL.search(request.url)
        if match and request.method == 'GET':
            log.append((match.group(1), 'state', None))
    page.on('response', on_response)
    page.on('request', on_request)
    return log


def uploads(log):
    """The (kind, index, status) chunk uploads of a ``chunk_log``."""
    return [entry for entry in log if entry[1] != 'state']


def stored_chunks(attempt_pk, kind):
    """(status, the indexes of the stored chunks) of the attempt's recording of ``kind``."""
    recording = Recording.objects.filter(attempt_id=attempt_pk, kind=kind).first()
    if recording is None:
        return None, []
    return recording.status, list(recording.chunks.order_by('index').values_list('index', flat=True))


def wait_for_chunks(page, kind, count):
    """Wait until the page has stored chunk ``count - 1`` of ``kind`` (data-stored-<kind>)."""
    page.wait_for_function(
        "([kind, count]) => Number(document.querySelector('.proctored-exam__capture')"
        ".getAttribute('data-stored-' + kind) ?? -1) >= count - 1", arg=[kind, count], timeout=MEDIA_TIMEOUT)


def active_step(page):
    """The checks step that has the focus (data-step of the focused element's step)."""
    return page.evaluate("() => document.activeElement.closest('li[data-step]')?.getAttribute('data-step')")


def take_photo(page, step):
    """Take the photo of ``step`` and check the still is shown; return the step's locator."""
    item = page.locator(f'li[data-step={step}]')
    expect(item).to_have_attribute('data-camera', 'on')
    item.locator('[data-capture-action=take]').click()
    # The still is shown once the server has stored it (encrypted): allow a loaded machine its time.
    expect(item).to_have_attribute('data-photo', 'taken', timeout=MEDIA_TIMEOUT)
    expect(item.locator('img.proctored-exam__still')).to_be_visible()
    expect(item.locator('video')).to_be_hidden()
    return item


def pass_checks(page, url, reload_midway=False):
    """
    Agree to the terms and opt in, take both photos (the first one retaken) and scan the room; start. With
    ``reload_midway``, the page is reloaded after the first photo and goes on from the second.
    """
    page.goto(url)
    complete_checks(page, page.keyboard, reload_midway)


def complete_checks(page, keyboard, reload_midway=False):
    """``pass_checks`` on the exam ``page`` already open (a page, or the frame of one), typing on ``keyboard``."""
    root = page.locator('.proctored-exam')
    page.locator('[data-action=opt_in]').click()
    expect(root).to_have_attribute('data-state', 'checks')
    code = page.locator('input.proctored-exam__code-value').input_value()
    expect(root).to_have_attribute('data-capture-step', 'system_check')
    for later in ('user_photo', 'id_photo', 'room_scan', 'exam_code'):
        expect(page.locator(f'li[data-step={later}]')).to_be_hidden()
    expect(page.locator('form[data-action=confirm_checks] button[type=submit]')).to_be_hidden()

    # The terms were agreed to at the opt-in: the system check comes first, then the photos.
    expect(page.locator('.proctored-exam__error')).to_be_hidden()
    pass_system_check(page)
    expect(root).to_have_attribute('data-capture-step', 'user_photo')

    # The learner's photo, retaken once, then used; then the ID photo, with the keyboard.
    item = take_photo(page, 'user_photo')
    expect(item.locator('.proctored-exam__capture-note')).to_have_text(
        'Photo taken. Check it, then choose Use this photo or Retake.')
    item.locator('[data-capture-action=retake]').click()
    expect(item).to_have_attribute('data-photo', 'none')
    expect(item.locator('video')).to_be_visible()
    take_photo(page, 'user_photo').locator('[data-capture-action=use]').click()
    expect(root).to_have_attribute('data-capture-step', 'id_photo')
    assert active_step(page) == 'id_photo'
    if reload_midway:
        with page.expect_navigation():
            page.evaluate('() => window.location.reload()')
        expect(root).to_have_attribute('data-capture-step', 'id_photo')
        expect(page.locator('li[data-step=user_photo]')).to_have_attribute('data-done', 'true')
    item = page.locator('li[data-step=id_photo]')
    expect(item).to_have_attribute('data-camera', 'on')
    item.locator('[data-capture-action=take]').focus()
    keyboard.press('Enter')
    expect(item).to_have_attribute('data-photo', 'taken')
    assert page.evaluate("() => document.activeElement.getAttribute('data-capture-action')") == 'use'
    keyboard.press('Enter')

    # The room scan records for two seconds, is uploaded and completed.
    expect(root).to_have_attribute('data-capture-step', 'room_scan')
    scan = page.locator('li[data-step=room_scan]')
    scan.locator('[data-capture-action=scan]').click()
    expect(scan).to_have_attribute('data-scan', 'saved', timeout=MEDIA_TIMEOUT)
    expect(scan.locator('.proctored-exam__capture-note')).to_have_text('Room scan saved.')

    # The exam code, then Continue and Start.
    expect(root).to_have_attribute('data-capture-step', 'exam_code')
    assert page.evaluate("() => document.activeElement.name") == 'exam_code'
    keyboard.type(code)
    page.locator('form[data-action=confirm_checks] button[type=submit]').click()
    expect(root).to_have_attribute('data-state', 'ready_to_start')
    page.locator('[data-action=start]').click()
    expect(root).to_have_attribute('data-state', 'started')


def start_recording(page):
    """The webcam records by itself; the screen once shared (from a click). Return the panel."""
    panel = page.locator('.proctored-exam__capture')
    expect(panel).to_have_attribute('data-recording-webcam', 'on')
    expect(panel.locator('.proctored-exam__capture-status')).to_have_text(
        'This exam records your screen: choose Share your screen and share your entire screen.')
    panel.locator('[data-capture-action=screen]').click()
    expect(panel).to_have_attribute('data-recording-screen', 'on')
    expect(panel.locator('.proctored-exam__capture-status')).to_have_text(
        'Your webcam and your screen are being recorded.')
    expect(panel.locator('[data-capture-action]')).to_have_count(3)
    expect(panel.locator('[data-capture-action=screen]')).to_be_hidden()
    # At the top of the browser's window, the page itself shares the screen: no recording window.
    expect(panel.locator('[data-capture-action=screen-window]')).to_be_hidden()
    expect(panel).to_have_attribute('data-screen-window', 'unused')
    return panel


# ---- the learner's journey -------------------------------------------------------------------------------

def assert_checks_stored(orm, attempt):
    """Before the start: the consent, both photos (JPEG) and a complete room scan are on the server."""
    consent = orm(lambda: list(ConsentRecord.objects.filter(attempt=attempt).values_list('accepted', flat=True)))
    assert consent == [True]
    photos = orm(lambda: sorted(AttemptPhoto.objects.filter(attempt=attempt).values_list('kind', 'content_type')))
    assert photos == [('id', 'image/jpeg'), ('user', 'image/jpeg')]
    status, chunks = orm(stored_chunks, attempt.pk, 'room_scan')
    assert status != 'recording' and chunks == list(range(len(chunks))) and chunks


def reload_and_go_on(page, orm, attempt, log):
    """A reload: the recording goes on from the server's next index (a new webm segment, same numbering)."""
    mark = len(log)
    with page.expect_response(lambda response: STATE_URL.search(response.url) and 'webcam' in response.url) as state:
        page.reload()
    next_index = state.value.json()['next_index']
    expect(page.locator('.proctored-exam')).to_have_attribute('data-state', 'started')
    before = len(orm(stored_chunks, attempt.pk, 'webcam')[1])
    start_recording(page)  # the webcam by itself, the screen shared again
    wait_for_chunks(page, 'webcam', before + 2)
    webcam = orm(stored_chunks, attempt.pk, 'webcam')[1]
    assert webcam == list(range(len(webcam))) and len(webcam) >= before + 2
    assert not [entry for entry in uploads(log) if entry[2] not in (200, 201)], log
    # The new page read the state, then sent the index the server gave (an answer to the old page's
    # last upload may still arrive before).
    after_reload = [entry[1] for entry in log[mark:] if entry[0] == 'webcam']
    first = after_reload.index('state')
    assert after_reload[first + 1] == next_index, (next_index, log)


def stop_camera_and_share_again(page, orm, attempt):
    """The learner stops the camera: a flag, the server's answer in the live region, the camera back."""
    panel = page.locator('.proctored-exam__capture')
    page.evaluate(STOP_CAMERA)
    expect(panel).to_have_attribute('data-flag-action', 'continue')
    expect(panel.locator('.proctored-exam__capture-status')).to_have_text(CONTINUED)
    expect(panel.locator('.proctored-exam__capture-status')).to_have_attribute('aria-live', 'assertive')
    expect(panel).to_have_attribute('data-recording-webcam', 'off')
    flags = orm(lambda: list(SessionFlag.objects.filter(attempt=attempt).values_list('kind', flat=True)))
    assert flags == ['camera_stopped']
    camera = panel.locator('[data-capture-action=camera]')
    expect(camera).to_be_focused()
    stored = len(orm(stored_chunks, attempt.pk, 'webcam')[1])
    camera.click()
    expect(panel).to_have_attribute('data-recording-webcam', 'on')
    wait_for_chunks(page, 'webcam', stored + 1)


def assert_completed_then_submitted(order, orm, attempt):
    """
    Of the POSTs in ``order``: both recordings were completed, then the exam was submitted once; each
    recording is closed with its chunks numbered from 0 without a gap.
    """
    completes = [COMPLETE_URL.search(url).group(1) for url in order if COMPLETE_URL.search(url)]
    submits = [n for n, url in enumerate(order) if SUBMIT_HANDLER.search(url)]
    assert sorted(completes) == ['screen', 'webcam'] and len(submits) == 1, order
    assert max(n for n, url in enumerate(order) if COMPLETE_URL.search(url)) < submits[0], order
    for kind in ('webcam', 'screen'):
        status, chunks = orm(stored_chunks, attempt.pk, kind)
        assert status != 'recording' and chunks == list(range(len(chunks))) and chunks, (kind, status, chunks)


def end_exam(page, orm, attempt, log):
    """End My Exam: the recorders stop, every chunk is uploaded and each recording completed, then submitted."""
    order = []
    page.on('request', lambda request: order.append(request.url) if request.method == 'POST' else None)
    page.locator('[data-action=submit]').click()
    expect(page.locator('.proctored-exam')).to_have_attribute('data-state', 'submitted', timeout=MEDIA_TIMEOUT)
    assert_completed_then_submitted(order, orm, attempt)
    assert not [entry for entry in uploads(log) if entry[2] not in (200, 201)], log


def test_the_system_check_says_what_works_and_what_to_do(local_exam_url, media_page, settings):
    page = media_page
    root = page.locator('.proctored-exam')
    # A recorder aiming at 100 Gbit/s: no connection is fast enough, and the page says so plainly.
    settings.PROCTORING_RECORDER_KBPS = 100_000_000
    page.goto(local_exam_url())
    page.locator('[data-action=opt_in]').click()
    expect(root).to_have_attribute('data-capture-step', 'system_check')
    item = pass_system_check(page)   # slow is said, not a stop: the page keeps what it cannot send yet
    results = item.locator('.proctored-exam__system-check li')
    expect(results).to_have_count(5)
    assert [(row.get_attribute('data-check'), row.get_attribute('data-result')) for row in results.all()] == [
        ('browser', 'passed'), ('screen', 'passed'), ('camera', 'passed'), ('microphone', 'skipped'),
        ('upload', 'slow')]
    expect(item.locator('li[data-check=upload]')).to_contain_text('but the recording needs 300,000.0 Mbit/s')
    expect(item.locator('[data-capture-action=system_check]')).to_have_text('Check again')
    expect(root).to_have_attribute('data-capture-step', 'user_photo')
    assert keep_screenshot(page, 'system-check-slow-connection').exists()

    # After a reload the passed check is not asked again.
    page.reload()
    expect(root).to_have_attribute('data-capture-step', 'user_photo')
    assert page.js_errors == []


def test_where_the_exam_records_sound_the_check_hears_the_microphone(local_exam_url, media_page):
    page = media_page
    page.goto(local_exam_url(record_sound=True))
    page.locator('[data-action=opt_in]').click()
    item = pass_system_check(page)
    expect(item.locator('li[data-check=microphone]')).to_have_attribute('data-result', 'passed')
    expect(item.locator('li[data-check=microphone]')).to_have_text('Microphone: working.')
    # The webcam's stream carries the sound: the recorder will record both.
    assert page.evaluate("""() => new Promise((resolve) => {
        const video = document.querySelector('li[data-step=system_check] video');
        resolve(video.srcObject.getAudioTracks().length);
    })""") == 1


def test_a_browser_that_cannot_record_is_stopped_at_the_system_check(local_exam_url, media_page):
    page = media_page
    root = page.locator('.proctored-exam')
    page.add_init_script('delete window.MediaRecorder;')
    page.goto(local_exam_url())
    page.locator('[data-action=opt_in]').click()
    item = page.locator('li[data-step=system_check]')
    item.locator('[data-capture-action=system_check]').click()
    expect(item).to_have_attribute('data-check', 'failed')
    expect(item.locator('li[data-check=browser]')).to_have_attribute('data-result', 'failed')
    expect(item.locator('li[data-check=browser]')).to_have_text(
        'This browser cannot record the exam. Use a recent version of Chrome, Edge or Firefox.')
    expect(item.locator('.proctored-exam__capture-note')).to_have_text('Fix what is marked above, then check again.')
    expect(item.locator('[data-capture-action=system_check]')).to_be_focused()
    expect(root).to_have_attribute('data-capture-step', 'system_check')   # the photos wait
    expect(page.locator('li[data-step=user_photo]')).to_be_hidden()


def test_checks_recording_reload_stopped_camera_and_submit(local_exam_url, media_page, learner_name, orm):
    page = media_page
    log = chunk_log(page)
    pass_checks(page, local_exam_url())
    attempt = orm(latest_attempt, learner_name)
    assert_checks_stored(orm, attempt)

    # The exam: webcam and screen chunks stored in order.
    start_recording(page)
    wait_for_chunks(page, 'webcam', 2)
    wait_for_chunks(page, 'screen', 2)
    status, webcam = orm(stored_chunks, attempt.pk, 'webcam')
    assert status == 'recording' and webcam == list(range(len(webcam))) and len(webcam) >= 2
    assert orm(stored_chunks, attempt.pk, 'screen')[1][:2] == [0, 1]

    reload_and_go_on(page, orm, attempt, log)
    stop_camera_and_share_again(page, orm, attempt)
    end_exam(page, orm, attempt, log)
    assert page.js_errors == []


def test_chunks_wait_for_the_network_and_arrive_in_order(local_exam_url, media_page, learner_name, orm):
    page = media_page
    log = chunk_log(page)
    pass_checks(page, local_exam_url())
    attempt = orm(latest_attempt, learner_name)
    start_recording(page)
    wait_for_chunks(page, 'webcam', 1)

    # The network goes: uploads fail, chunks pile up in the page, the learner is told to keep it open.
    page.route(CHUNK_URL, lambda route: route.abort('internetdisconnected'))
    root = page.locator('.proctored-exam')
    expect(root).to_have_attribute('data-capture-offline', 'true', timeout=MEDIA_TIMEOUT)
    expect(page.locator('.proctored-exam__capture-status')).to_contain_text('do not close or reload this page')
    held = len(orm(stored_chunks, attempt.pk, 'webcam')[1])
    # A few seconds of recording are now only in the page.
    page.wait_for_function("() => document.querySelector('.proctored-exam').capture.queues.webcam.pending() >= 3",
                           timeout=MEDIA_TIMEOUT)
    page.unroute(CHUNK_URL)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect(root).not_to_have_attribute('data-capture-offline', re.compile('.*'), timeout=MEDIA_TIMEOUT)
    wait_for_chunks(page, 'webcam', held + 2)
    webcam = orm(stored_chunks, attempt.pk, 'webcam')[1]
    assert webcam == list(range(len(webcam))) and len(webcam) >= held + 2
    # Never two uploads of one recording at once: each index was sent after the previous one was stored.
    sent = [index for kind, index, status in uploads(log) if kind == 'webcam' and status in (200, 201)]
    assert sent == sorted(sent) and len(sent) == len(set(sent)), log
    assert page.js_errors == []


# Evaluated in the page: how many webcam chunks wait in the browser's IndexedDB.
KEPT_CHUNKS = """() => new Promise((resolve) => {
    const request = indexedDB.open('proctored-exam-capture');
    request.onsuccess = () => {
        const all = request.result.transaction('chunks').objectStore('chunks').getAll();
        all.onsuccess = () => {
            resolve(all.result.filter((item) => item.recording.endsWith('/recordings/webcam')).length);
            request.result.close();
        };
    };
    request.onerror = () => resolve(-1);
})"""


def test_a_tab_closed_while_offline_loses_no_recorded_chunk(local_exam_url, media_page, learner_name, orm):
    page = media_page
    url = local_exam_url()
    pass_checks(page, url)
    attempt = orm(latest_attempt, learner_name)
    start_recording(page)
    wait_for_chunks(page, 'webcam', 1)

    # The network goes, chunks pile up in the page and in the browser's storage; then the tab is closed.
    page.route(CHUNK_URL, lambda route: route.abort('internetdisconnected'))
    page.wait_for_function("() => document.querySelector('.proctored-exam').capture.queues.webcam.pending() >= 3",
                           timeout=MEDIA_TIMEOUT)
    held = len(orm(stored_chunks, attempt.pk, 'webcam')[1])
    kept = page.evaluate(KEPT_CHUNKS)
    assert kept >= 3
    context = page.context
    page.close()

    # The learner opens the exam again once the network is back: what was kept goes first, in order.
    again = context.new_page()
    log = chunk_log(again)
    again.on('dialog', lambda dialog: dialog.accept())
    again.goto(url)
    expect(again.locator('.proctored-exam')).to_have_attribute('data-state', 'started')
    wait_for_chunks(again, 'webcam', held + kept)
    webcam = orm(stored_chunks, attempt.pk, 'webcam')[1]
    assert webcam == list(range(len(webcam))) and len(webcam) >= held + kept, (log, held, kept)
    # The chunks left by the closed tab were sent first, each once.
    sent = [index for kind, index, status in uploads(log) if kind == 'webcam' and status in (200, 201)]
    assert sent[:kept] == list(range(held, held + kept)), log
    # Stored chunks leave the browser's storage too (at most the one being sent now stays).
    deadline = time.monotonic() + 10
    while again.evaluate(KEPT_CHUNKS) > 1 and time.monotonic() < deadline:
        again.wait_for_timeout(100)
    assert again.evaluate(KEPT_CHUNKS) <= 1


RECORDING_ELSEWHERE = (
    'This exam is being recorded in another tab or window of this browser. Keep that one open; '
    'if you close it, the recording goes on here.')


def test_one_tab_records_and_another_takes_over_when_it_closes(local_exam_url, media_page, learner_name, orm):
    page = media_page
    url = local_exam_url(require_screen=False)
    pass_checks(page, url)
    attempt = orm(latest_attempt, learner_name)
    wait_for_chunks(page, 'webcam', 2)

    # A second tab of the same exam: it does not record beside the first one, and says why.
    second = page.context.new_page()
    log = chunk_log(second)
    second.on('dialog', lambda dialog: dialog.accept())
    second.goto(url)
    panel = second.locator('.proctored-exam__capture')
    expect(panel).to_have_attribute('data-capture-elsewhere', 'true')
    expect(panel.locator('.proctored-exam__capture-status')).to_have_text(RECORDING_ELSEWHERE)
    expect(panel.locator('[data-capture-action]')).to_have_count(3)
    expect(panel.locator('[data-capture-action=camera]')).to_be_hidden()
    wait_for_chunks(page, 'webcam', 4)  # the first tab goes on recording
    assert not uploads(log)

    # The first tab is closed: the second takes over and the numbering goes on.
    held = len(orm(stored_chunks, attempt.pk, 'webcam')[1])
    page.close()
    expect(panel).to_have_attribute('data-recording-webcam', 'on', timeout=MEDIA_TIMEOUT)
    expect(panel).not_to_have_attribute('data-capture-elsewhere', re.compile('.*'))
    wait_for_chunks(second, 'webcam', held + 2)
    webcam = orm(stored_chunks, attempt.pk, 'webcam')[1]
    assert webcam == list(range(len(webcam)))


def test_stopping_the_camera_ends_the_exam_where_the_site_says_so(local_exam_url, media_page, learner_name, orm):
    page = media_page
    pass_checks(page, local_exam_url(on_capture_lost='end'), reload_midway=True)
    start_recording(page)
    wait_for_chunks(page, 'webcam', 1)
    page.evaluate(STOP_CAMERA)
    root = page.locator('.proctored-exam')
    expect(root).to_have_attribute('data-state', 'submitted', timeout=MEDIA_TIMEOUT)
    expect(page.locator('.proctored-exam__error')).to_have_text(ENDED)
    expect(page.locator('.proctored-exam__error')).to_have_attribute('role', 'alert')
    expect(page.locator('.proctored-exam__capture')).to_have_count(0)
    assert orm(latest_attempt, learner_name).status not in ('started', 'ready_to_start')
    assert page.js_errors == []


def test_time_up_stops_the_recorders_and_completes_the_recordings(local_exam_url, media_page, learner_name, orm):
    page = media_page
    pass_checks(page, local_exam_url())
    attempt = orm(latest_attempt, learner_name)
    start_recording(page)
    wait_for_chunks(page, 'webcam', 1)

    # Three seconds left: at 00:00 the page stops recording and sends what it holds, then shows the
    # result once the server has submitted the exam. The server refuses what comes after the deadline:
    # once per recording, never retried.
    log = chunk_log(page)
    deadline = timezone.now() + timedelta(seconds=3)
    orm(move_deadline, attempt.pk, deadline)
    page.evaluate("() => window.dispatchEvent(new Event('focus'))")
    expect(page.locator('.proctored-exam')).to_have_attribute('data-state', 'submitted', timeout=MEDIA_TIMEOUT)
    assert orm(latest_attempt, learner_name).submit_reason == 'time_expired'
    for kind in ('webcam', 'screen'):
        refused = [entry for entry in uploads(log) if entry[0] == kind and entry[2] == 409]
        assert len(refused) <= 1, log
        status, chunks = orm(stored_chunks, attempt.pk, kind)
        assert status != 'recording' and chunks == list(range(len(chunks))) and chunks
    assert page.js_errors == []


@pytest.mark.parametrize('locale', LOCALES)
def test_the_in_house_checks_and_the_recording_meet_wcag_aa(local_exam_url, media_chromium, live_server,
                                                            learner_name, locale):
    url = local_exam_url()
    audit = Audit(media_chromium, locale, cookies=[{'name': 'sessionid', 'value': in_thread(session_of, learner_name),
                                                    'url': live_server.url}])
    page, root = audit.page, audit.page.locator('.proctored-exam')
    page.goto(url)
    audit.check('choose (recorded on the site)', '.proctored-exam')
    page.locator('[data-action=opt_in]').click()
    expect(root).to_have_attribute('data-capture-step', 'system_check')
    audit.check('checks: the system check', '.proctored-exam')
    pass_system_check(page)
    item = take_photo(page, 'user_photo')
    audit.check('checks: a photo taken, to use or retake', '.proctored-exam')
    item.locator('[data-capture-action=use]').click()
    take_photo(page, 'id_photo').locator('[data-capture-action=use]').click()
    scan = page.locator('li[data-step=room_scan]')
    scan.locator('[data-capture-action=scan]').click()
    expect(scan).to_have_attribute('data-scan', 'saved', timeout=MEDIA_TIMEOUT)
    audit.check('checks: the room scan saved, the exam code', '.proctored-exam')
    page.locator('[name=exam_code]').fill(page.locator('input.proctored-exam__code-value').input_value())
    page.locator('form[data-action=confirm_checks] button[type=submit]').click()
    expect(root).to_have_attribute('data-state', 'ready_to_start')
    page.locator('[data-action=start]').click()
    expect(root).to_have_attribute('data-state', 'started')
    expect(page.locator('.proctored-exam__capture')).to_have_attribute('data-recording-webcam', 'on')
    audit.check('started: the screen not shared yet', '.proctored-exam')
    page.locator('[data-capture-action=screen]').click()
    expect(page.locator('.proctored-exam__capture')).to_have_attribute('data-recording-screen', 'on')
    audit.check('started: recording', '.proctored-exam')
    # The screen recording window (for a page inside a frame), as the learner opens it.
    window_url = page.evaluate("() => JSON.parse(document.querySelector("
                               "'[data-block-type=proctored_exam] > script.xblock_json_init_args').textContent)"
                               ".capture.screen_window_url")
    page.goto(live_server.url + window_url)
    expect(page.locator('[data-capture-action=screen]')).to_be_visible()
    audit.check('the screen recording window')
    audit.close()
