"""
The exam inside the learning MFE: the MFE shows a unit in an iframe of another origin of the same site
(the MFE on ``apps.``, the LMS beside it) whose ``allow`` list has the camera but not
``display-capture``, so the exam page may record the webcam but not ask for the screen. It opens a
recording window on the LMS origin that shares the screen; the two stay in step through reloads, a
closed window and the end of the exam.

Two host names of one site point at 127.0.0.1 in Chromium (``--host-resolver-rules``), and are treated
as secure origins as HTTPS would be, so that the browser applies the real cross-origin frame rules.
"""
import re
import urllib.parse

import pytest
from playwright.sync_api import expect

from edx_proctoring_backend import api
from edx_proctoring_backend.exams.models import ExamAttempt
from edx_proctoring_backend.recordings.models import SessionFlag
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import MEDIA_ARGS, in_thread, launch_chromium, serve_html, session_of
from tests.browser.pages import latest_attempt, new_context
from tests.browser.test_capture import (
    CONTINUED, MEDIA_TIMEOUT, assert_completed_then_submitted, complete_checks, stored_chunks, wait_for_chunks,
)

pytestmark = pytest.mark.browser

# The learning MFE's iframe policy for unit content, as frontend-app-learning sets it
# (src/courseware/course/sequence/Unit/ContentIFrame.jsx, IFRAME_FEATURE_POLICY): no display-capture.
IFRAME_FEATURE_POLICY = (
    'microphone *; camera *; midi *; geolocation *; encrypted-media *; clipboard-write *; autoplay *'
)
LMS_HOST = 'lms.example.test'
MFE_HOST = 'apps.example.test'
WINDOW_OPENED = ('In the recording window, choose Share your screen and share your entire screen. '
                 'Keep that window open until your exam ends.')
SCREEN_IN_WINDOW = ('This exam records your screen, which this page cannot ask for. Choose Open the '
                    'recording window and share your entire screen there.')
RECORDING = 'Your webcam and your screen are being recorded.'


def courseware_page(path):
    """The MFE's courseware page: the unit's URL (``?unit=``) in an iframe with the MFE's policy."""
    unit = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query).get('unit', [''])[0]
    return (f'<!DOCTYPE html><html lang="en"><title>Learning</title><main>'
            f'<iframe title="Unit" src="{unit}" allow="{IFRAME_FEATURE_POLICY}" allowfullscreen '
            f'referrerpolicy="origin" width="1000" height="1400"></iframe></main></html>')


@pytest.fixture
def mfe(live_server, transactional_db, learner_name):  # pylint: disable=unused-argument
    """
    (page of the MFE, a function opening a unit URL of the live server in it): a Chromium with the fake
    camera and screen, where the LMS and the MFE are two origins of one site.
    """
    lms_port = urllib.parse.urlsplit(live_server.url).port
    with serve_html(courseware_page) as mfe_port:
        lms, apps = f'http://{LMS_HOST}:{lms_port}', f'http://{MFE_HOST}:{mfe_port}'
        args = [*MEDIA_ARGS, f'--host-resolver-rules=MAP {LMS_HOST} 127.0.0.1, MAP {MFE_HOST} 127.0.0.1',
                f'--unsafely-treat-insecure-origin-as-secure={lms},{apps}']
        with launch_chromium(args) as browser:
            context = new_context(browser)
            context.add_cookies([{'name': 'sessionid', 'value': in_thread(session_of, learner_name), 'url': lms}])
            page = context.new_page()
            page.js_errors = []
            page.on('pageerror', lambda error: page.js_errors.append(str(error)))
            page.on('dialog', lambda dialog: dialog.accept())

            def open_unit(url):
                unit = url.replace(live_server.url, lms)
                page.goto(f'{apps}/courses?unit={urllib.parse.quote(unit, safe="")}')
                return unit_frame(page)
            try:
                yield page, open_unit
            finally:
                context.close()


def unit_frame(page):
    """The frame of the unit (the LMS's page inside the MFE's page), once the exam is on it."""
    frame = page.frame(url=re.compile('^' + re.escape(f'http://{LMS_HOST}:')))
    expect(frame.locator('.proctored-exam')).to_be_visible()
    return frame


def open_recording_window(page, frame):
    """Choose Open the recording window; returns the window's page once loaded."""
    with page.expect_popup() as opened:
        frame.locator('[data-capture-action=screen-window]').click()
    window = opened.value
    window.js_errors = []
    window.on('pageerror', lambda error: window.js_errors.append(str(error)))
    expect(window.locator('[data-capture-action=screen]')).to_be_visible()
    return window


def share_in_window(frame, window):
    """Share the screen in the window: both the window and the exam page say the screen is recorded."""
    panel = frame.locator('.proctored-exam__capture')
    expect(window.locator('[data-capture-action=screen]')).to_be_focused()
    assert_accessible(window, where='the recording window, before sharing')
    window.locator('[data-capture-action=screen]').click()
    expect(window.locator('main')).to_have_attribute('data-recording-screen', 'on', timeout=MEDIA_TIMEOUT)
    expect(window.locator('.proctored-exam__capture-status')).to_have_text(
        'Your screen is being recorded. Go back to your exam and keep this window open until your exam ends.')
    assert_accessible(window, where='the recording window, recording')
    expect(panel).to_have_attribute('data-recording-screen', 'on', timeout=MEDIA_TIMEOUT)
    expect(panel.locator('.proctored-exam__capture-status')).to_have_text(RECORDING)
    expect(panel.locator('[data-capture-action=screen-window]')).to_be_hidden()
    assert_accessible(frame, '.proctored-exam', where='the exam in the learning MFE, recording from the window')


def close_window_and_share_again(page, frame, window, orm, attempt):
    """The learner closes the window: a flag, the server's answer, a new window. Returns the new window."""
    panel = frame.locator('.proctored-exam__capture')
    window.close(run_before_unload=False)
    expect(panel).to_have_attribute('data-flag-action', 'continue', timeout=MEDIA_TIMEOUT)
    expect(panel.locator('.proctored-exam__capture-status')).to_have_text(CONTINUED)
    expect(panel).to_have_attribute('data-recording-screen', 'off')
    expect(panel.locator('[data-capture-action=screen-window]')).to_be_focused()
    flags = orm(lambda: list(SessionFlag.objects.filter(attempt=attempt).values_list('kind', flat=True)))
    assert flags == ['screen_stopped']

    # Shared again in a new window: the numbering goes on where the server left it.
    window = open_recording_window(page, frame)
    share_in_window(frame, window)
    held = len(orm(stored_chunks, attempt.pk, 'screen')[1])
    wait_for_chunks(frame, 'screen', held + 2)
    screen = orm(stored_chunks, attempt.pk, 'screen')[1]
    assert screen == list(range(len(screen)))
    return window


def end_exam_from_window(page, frame, window, orm, attempt):
    """
    End My Exam: the window sends what is left, completes the screen recording and closes; the page
    completes the webcam's; then the exam is submitted.
    """
    order = []
    page.context.on('request', lambda request: order.append(request.url) if request.method == 'POST' else None)
    with window.expect_event('close', timeout=MEDIA_TIMEOUT):
        frame.locator('[data-action=submit]').click()
    expect(frame.locator('.proctored-exam')).to_have_attribute('data-state', 'submitted', timeout=MEDIA_TIMEOUT)
    assert_completed_then_submitted(order, orm, attempt)


def test_the_screen_is_recorded_in_a_window_where_the_mfe_frame_may_not_share_it(
        mfe, local_exam_url, learner_name, orm):
    page, open_unit = mfe
    frame = open_unit(local_exam_url())
    # The frame really is held to the MFE's policy: the camera is allowed, the screen is not.
    allowed = frame.evaluate("() => ['camera', 'display-capture'].map((f) => document.featurePolicy.allowsFeature(f))")
    assert allowed == [True, False]
    complete_checks(frame, page.keyboard)
    attempt = orm(latest_attempt, learner_name)

    # The webcam records in the frame; the screen is to be shared in a window of its own.
    panel = frame.locator('.proctored-exam__capture')
    expect(panel).to_have_attribute('data-recording-webcam', 'on', timeout=MEDIA_TIMEOUT)
    expect(panel).to_have_attribute('data-screen-window', 'closed')
    expect(panel.locator('.proctored-exam__capture-status')).to_have_text(SCREEN_IN_WINDOW)
    expect(panel.locator('[data-capture-action=screen]')).to_be_hidden()
    window = open_recording_window(page, frame)
    assert window.url.startswith(f'http://{LMS_HOST}:')
    expect(panel.locator('.proctored-exam__capture-status')).to_have_text(WINDOW_OPENED)
    expect(window).to_have_title(re.compile(r'^Screen recording: '))
    share_in_window(frame, window)
    wait_for_chunks(frame, 'screen', 2)
    assert orm(stored_chunks, attempt.pk, 'screen')[1][:2] == [0, 1]

    # The exam page is reloaded: the window keeps recording and tells the new page so.
    page.reload()
    frame = unit_frame(page)
    panel = frame.locator('.proctored-exam__capture')
    expect(panel).to_have_attribute('data-recording-screen', 'on', timeout=MEDIA_TIMEOUT)
    expect(panel.locator('[data-capture-action=screen-window]')).to_be_hidden()
    held = len(orm(stored_chunks, attempt.pk, 'screen')[1])
    wait_for_chunks(frame, 'screen', held + 1)

    # The learner closes the window, and opens another one.
    window = close_window_and_share_again(page, frame, window, orm, attempt)

    end_exam_from_window(page, frame, window, orm, attempt)
    assert page.js_errors == [] and window.js_errors == []


def submit_elsewhere(attempt_pk):
    """The attempt is submitted without the exam page (it was closed; the clock ran out on the server)."""
    attempt = ExamAttempt.objects.select_related('user', 'exam').get(pk=attempt_pk)
    api.submit(attempt.user, attempt.exam, reason='time_expired')


def test_a_window_left_open_stops_when_the_exam_ends_without_the_exam_page(mfe, local_exam_url, learner_name, orm):
    page, open_unit = mfe
    frame = open_unit(local_exam_url())
    complete_checks(frame, page.keyboard)
    attempt = orm(latest_attempt, learner_name)
    window = open_recording_window(page, frame)
    share_in_window(frame, window)
    wait_for_chunks(frame, 'screen', 1)

    # The exam page is closed and the exam ends on the server: the window's next chunk is refused, and
    # it stops recording and says the exam is over.
    page.close()
    orm(submit_elsewhere, attempt.pk)
    expect(window.locator('main')).to_have_attribute('data-recording-screen', 'off', timeout=MEDIA_TIMEOUT)
    expect(window.locator('.proctored-exam__capture-status')).to_have_text(
        'Your exam has ended and your screen recording is saved. You can close this window.')
    expect(window.locator('[data-capture-action=screen]')).to_be_hidden()
    assert window.js_errors == []

    # Opened again, the window has nothing to record.
    window.reload()
    expect(window.locator('.proctored-exam__error')).to_have_text(
        'There is no exam of yours to record now. You can close this window.')
