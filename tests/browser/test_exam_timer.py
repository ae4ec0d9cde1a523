"""
The exam timer in a real browser: a learner takes the demo's one-minute proctored exam in headless
Chromium against a live server. The server is the only clock: the page warns at 20% and 5% of the
time left, a reload resumes at the true time with the saved answers, the exam submits itself at
00:00, and a learner who moves the computer's clock gains nothing.
"""
import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.pages import (
    CRITICAL_MESSAGE, ENDED_MESSAGE, LOW_MESSAGE, READ_CLOCK, SYNC_PROBE, latest_attempt, start_exam,
    wait_for_synced_clock,
)

pytestmark = pytest.mark.browser

PAGE_DELAY_SECONDS = 3

# Installed in every document the page loads (also after reloads): reports each change of the warning
# region (level and text) with the clock shown at that moment and the browser's wall clock, to the
# test's `recordExamEvent`, so that the record survives the reloads.
WARNING_RECORDER = """
(() => {
    let last = null;
    function check() {
        const warning = document.querySelector('.proctored-exam__warning');
        if (!warning) { return; }
        const level = warning.getAttribute('data-level') || '';
        const text = warning.textContent.trim();
        const key = level + '|' + text;
        if (key === last) { return; }
        last = key;
        const clock = document.querySelector('.proctored-exam__clock');
        const root = document.querySelector('.proctored-exam');
        window.recordExamEvent({
            level: level, text: text,
            rootWarning: root ? root.getAttribute('data-warning') : null,
            clockSeconds: clock ? Number(clock.getAttribute('data-seconds')) : null,
            clockText: clock ? clock.textContent : null,
            at: performance.timeOrigin + performance.now()
        });
    }
    new MutationObserver(check).observe(document, {subtree: true, childList: true, characterData: true,
                                                    attributes: true, attributeFilter: ['data-level']});
})();
"""

# The learner's computer clock is one hour ahead: Date and Date.now lie; `setClockOffset` moves them.
FAKE_WALL_CLOCK = """
(() => {
    const RealDate = Date;
    let offset = 3600 * 1000;
    window.setClockOffset = (ms) => { offset = ms; };
    class SkewedDate extends RealDate {
        constructor(...args) {
            if (args.length === 0) { super(RealDate.now() + offset); } else { super(...args); }
        }
        static now() { return RealDate.now() + offset; }
    }
    window.Date = SkewedDate;
})();
"""


def seconds_left(deadline, at_ms):
    """The true time left at browser wall-clock moment ``at_ms`` (browser and server share the machine)."""
    return deadline.timestamp() - at_ms / 1000


def test_one_minute_exam_warns_resumes_after_reload_and_submits_itself(exam_url, page, learner_name, orm):
    events = []
    # (A lambda: Playwright cannot wrap a built-in method such as `events.append`.)
    page.expose_function('recordExamEvent', lambda event: events.append(event))  # pylint: disable=unnecessary-lambda
    page.add_init_script(WARNING_RECORDER)
    page.add_init_script(SYNC_PROBE)
    root = page.locator('.proctored-exam')
    warning = page.locator('.proctored-exam__warning')
    answer = page.locator('textarea.exam-question__answer').first
    saved = page.locator('.exam-question__state').first

    start_exam(page, exam_url)
    attempt = orm(latest_attempt, learner_name)
    assert attempt.status == 'started'
    started_at, deadline = attempt.started_at, attempt.deadline
    assert (deadline - started_at).total_seconds() == 60

    # At first: the whole minute on the clock, and no warning.
    first = page.evaluate(READ_CLOCK)
    assert 55 <= first['seconds'] <= 60, first
    assert re.fullmatch(r'(01:00|00:5\d)', first['text']), first
    assert abs(first['seconds'] - seconds_left(deadline, first['at'])) <= 2, first
    expect(warning).to_have_attribute('role', 'status')
    expect(warning).to_have_attribute('aria-live', 'assertive')
    expect_no_warning(page)

    # An answer saves itself after a short pause.
    answer.click()
    answer.press_sequentially('42')
    expect(saved).to_have_attribute('data-saved', 'true')

    # Mid-exam (about 30 s left, still no warning) the learner reloads: the clock resumes at the
    # server's time and the answer is still there.
    page.wait_for_function(
        "() => Number(document.querySelector('.proctored-exam__clock').getAttribute('data-seconds')) <= 30",
        timeout=45_000)
    expect_no_warning(page)
    reload_on_a_slow_network(page)
    expect(root).to_have_attribute('data-state', 'started')
    wait_for_synced_clock(page)
    resumed = page.evaluate(READ_CLOCK)
    expected = seconds_left(deadline, resumed['at'])
    assert 20 <= expected <= 31, f'reloaded at an unexpected moment: {expected:.1f} s left'
    assert abs(resumed['seconds'] - expected) <= 2, f'clock shows {resumed} but {expected:.1f} s are left'
    expect(answer).to_have_value('42')
    expect_no_warning(page)

    # The 20% warning at 12 s left.
    expect(warning).to_have_attribute('data-level', 'low', timeout=30_000)
    expect(warning).to_have_text(LOW_MESSAGE)
    expect(warning).to_be_visible()
    expect(root).to_have_attribute('data-warning', 'low')

    # The 5% warning at 3 s left.
    expect(warning).to_have_attribute('data-level', 'critical', timeout=20_000)
    expect(warning).to_have_text(CRITICAL_MESSAGE)
    expect(root).to_have_attribute('data-warning', 'critical')

    # At 00:00 the page re-syncs, the server submits, and the page reloads by itself (the test clicks nothing).
    expect_submitted_by_the_clock(page)
    attempt = orm(latest_attempt, learner_name)
    # Submitted by the clock, then reviewed at once by the null provider (nothing recorded): verified.
    assert (attempt.status, attempt.submit_reason) == ('verified', 'time_expired')
    assert attempt.submitted_at >= deadline

    low, critical = check_recorded_warnings(events, started_at, deadline)
    print(f"reload: shown {resumed['seconds']} s, true {expected:.2f} s left; "
          f"low: shown {low['clockSeconds']} s, true {seconds_left(deadline, low['at']):.2f} s left; "
          f"critical: shown {critical['clockSeconds']} s, true {seconds_left(deadline, critical['at']):.2f} s left; "
          f"submitted {(attempt.submitted_at - deadline).total_seconds():.2f} s after the deadline")
    assert page.js_errors == []


def expect_no_warning(page):
    """No time warning is shown, nor announced."""
    expect(page.locator('.proctored-exam__warning')).to_be_empty()
    expect(page.locator('.proctored-exam__warning')).to_be_hidden()
    # Not display:none while empty: the live region is in the accessibility tree before its text arrives.
    assert page.evaluate("() => getComputedStyle(document.querySelector('.proctored-exam__warning')).display") \
        != 'none'
    expect(page.locator('.proctored-exam')).not_to_have_attribute('data-warning', re.compile('.*'))


def expect_submitted_by_the_clock(page):
    """
    The page shows the exam submitted because the time ran out, with the answered count and review; the
    focus is on that result.
    """
    submitted = page.locator('.proctored-exam[data-state=submitted]')
    expect(submitted).to_be_visible(timeout=20_000)
    expect(submitted).to_contain_text('The time for this exam ran out.')
    expect(page.locator('.proctored-exam__result')).to_be_focused()
    expect(page.locator('.proctored-exam__answered')).to_have_text('You answered 1 of 2 questions.')
    expect(page.locator('.proctored-exam__review')).to_have_attribute('data-review', 'satisfactory')
    expect(page.locator('.proctored-exam__clock')).to_have_count(0)
    expect(page.locator('textarea.exam-question__answer')).to_have_count(0)


def reload_on_a_slow_network(page):
    """
    Reload the page, delivered 3 s after the server computed its time left (a slow network): those
    seconds must not be added to the clock.
    """
    delivered_late = []

    def slow_network(route):
        response = route.fetch()
        time.sleep(PAGE_DELAY_SECONDS)  # the simulated network delay itself, not a wait for the page
        delivered_late.append(route.request.url)
        route.fulfill(response=response)

    page.route('**/scenario/**', slow_network)
    page.reload()
    page.unroute('**/scenario/**', slow_network)
    assert delivered_late, 'the reloaded page was not delayed'


def check_recorded_warnings(events, started_at, deadline):
    """
    Check what the recorder saw, in order: no warning before the low one, each at the right time, then
    the end message at 00:00. Return the (low, critical) events.
    """
    warned = [event for event in events if event['level']]
    levels = [event['level'] for event in warned]
    assert levels[:2] == ['low', 'critical'], events
    low, critical = warned[0], warned[1]
    assert low['text'] == LOW_MESSAGE and low['rootWarning'] == 'low', low
    assert 9 <= low['clockSeconds'] <= 12, low
    assert 9 <= seconds_left(deadline, low['at']) <= 13, (low, seconds_left(deadline, low['at']))
    assert low['at'] / 1000 - started_at.timestamp() >= 45, low
    assert critical['text'] == CRITICAL_MESSAGE and critical['rootWarning'] == 'critical', critical
    assert 1 <= critical['clockSeconds'] <= 3, critical
    assert 0 <= seconds_left(deadline, critical['at']) <= 4, (critical, seconds_left(deadline, critical['at']))
    assert critical['at'] > low['at']
    ended = [event for event in warned if event['text'] == ENDED_MESSAGE]
    assert ended and ended[0]['clockText'] == '00:00' and ended[0]['at'] > critical['at'], events
    return low, critical


def test_learner_cannot_cheat_the_clock_with_the_computer_clock(exam_url, page, learner_name, orm):
    page.add_init_script(FAKE_WALL_CLOCK)
    page.add_init_script(SYNC_PROBE)
    start_exam(page, exam_url)
    skew = page.evaluate('() => Date.now() - (performance.timeOrigin + performance.now())') / 1000
    assert 3590 <= skew <= 3610, f'the fake wall clock is not in place (skew {skew:.0f} s)'
    deadline = orm(latest_attempt, learner_name).deadline
    root = page.locator('.proctored-exam')
    clock = page.locator('.proctored-exam__clock')

    # An hour ahead, the exam would be long over by the computer's clock: the page shows the server's.
    shown = page.evaluate(READ_CLOCK)
    assert 55 <= shown['seconds'] <= 60, shown
    assert re.fullmatch(r'(01:00|00:5\d)', shown['text']), shown
    assert abs(shown['seconds'] - seconds_left(deadline, shown['at'])) <= 2, shown

    # Winding the computer's clock back two hours mid-exam and re-syncing gives no extra time either.
    page.evaluate('() => window.setClockOffset(-3600 * 1000)')
    # (The page clears `data-offline` and renders when a sync succeeds: mark it to see that happen.)
    page.evaluate("() => document.querySelector('.proctored-exam').setAttribute('data-offline', 'probe')")
    with page.expect_response(lambda response: '/attempt-timer' in response.url) as synced:
        page.evaluate("() => window.dispatchEvent(new Event('focus'))")
    status = synced.value.json()
    assert status['status'] == 'started' and 50 <= status['remaining_seconds'] <= 60, status
    expect(root).not_to_have_attribute('data-offline', re.compile('.*'))
    shown = page.evaluate(READ_CLOCK)
    assert 50 <= shown['seconds'] <= 60, shown
    assert abs(shown['seconds'] - seconds_left(deadline, shown['at'])) <= 2, shown
    expect(root).to_have_attribute('data-state', 'started')
    expect(clock).not_to_have_text('00:00')
    expect_no_warning(page)
    assert page.js_errors == []
