"""
What the browser tests share about the exam page: the messages it shows, the scripts they install in
it or evaluate there, and the steps of taking the exam. Plain functions and constants; the fixtures
(browser, page, live server, ORM access) are in ``conftest``.
"""
import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from edx_proctoring_backend.exams.clocks import forget_clock
from edx_proctoring_backend.exams.models import ExamAttempt

# What the warning region says at 20% and 5% of the time left, and at 00:00.
LOW_MESSAGE = '20% of your exam time is left.'
CRITICAL_MESSAGE = '5% of your exam time is left. Your answers are submitted when the timer reaches 00:00.'
ENDED_MESSAGE = 'The time is up. Your answers are being submitted.'

# Marks the exam `data-offline="unsynced"` before the blocks' JS runs: the timer removes the attribute
# each time it has re-read the time left from the server, which it does at once on every page load.
SYNC_PROBE = """
document.addEventListener('DOMContentLoaded', () => {
    const root = document.querySelector('.proctored-exam[data-state=started]');
    if (root) { root.setAttribute('data-offline', 'unsynced'); }
});
"""

# Counts the timer's requests in `window.timerFetches`, synchronously, in the page itself, so that a
# test can tell which of its own actions issued one.
TIMER_FETCH_COUNTER = """
window.timerFetches = 0;
(() => {
    const realFetch = window.fetch;
    window.fetch = function (url, ...rest) {
        if (String(url).includes('/attempt-timer')) { window.timerFetches += 1; }
        return realFetch.call(this, url, ...rest);
    };
})();
"""

# Both probes, to install before the blocks' JS runs: the timer's requests counted, and a started exam
# marked until its timer has synced.
PAGE_PROBES = TIMER_FETCH_COUNTER + SYNC_PROBE

# Evaluated in the page: the clock's seconds (`data-seconds`) and text, and the browser's wall-clock
# moment of the reading in ms (`at`, comparable with the server's time: they share the machine).
READ_CLOCK = """() => {
    const clock = document.querySelector('.proctored-exam__clock');
    return {seconds: Number(clock.getAttribute('data-seconds')), text: clock.textContent,
            at: performance.timeOrigin + performance.now()};
}"""

# Evaluated in the page: whether the clock is there and shows a whole number of seconds.
CLOCK_RUNNING = """() => {
    const clock = document.querySelector('.proctored-exam__clock');
    return clock !== null && /^\\d+$/.test(clock.getAttribute('data-seconds') || '');
}"""


def new_context(browser):
    """A new browser context as every test page has it: US English, 1200 x 900, 15 s timeouts."""
    context = browser.new_context(locale='en-US', viewport={'width': 1200, 'height': 900})
    context.set_default_timeout(15_000)
    return context


def latest_attempt(username):
    """The learner's latest attempt (read in the ORM helper's thread)."""
    return ExamAttempt.objects.filter(user__username=username).order_by('-pk').first()


def move_deadline(attempt_pk, deadline):
    """Give a started attempt another deadline, as if the server's time had moved on (in the ORM helper's thread)."""
    ExamAttempt.objects.filter(pk=attempt_pk).update(deadline=deadline)
    forget_clock(attempt_pk)  # the timer's cache held the old deadline


def leave_seconds(attempt_pk, seconds):
    """
    Move a started attempt's whole time window so that ``seconds`` are left now, its length unchanged
    (the warnings are shares of it), as if the learner had taken that long (in the ORM helper's thread).
    """
    attempt = ExamAttempt.objects.get(pk=attempt_pk)
    shift = timezone.now() + timedelta(seconds=seconds) - attempt.deadline
    ExamAttempt.objects.filter(pk=attempt_pk).update(started_at=attempt.started_at + shift,
                                                     deadline=attempt.deadline + shift)
    forget_clock(attempt_pk)


def reach_checks(page, url):
    """Open the exam and opt in: the checks page with the learner's exam code. Return the code."""
    root = page.locator('.proctored-exam')
    page.goto(url)
    expect(root).to_have_attribute('data-state', 'choose')
    page.locator('[data-action=opt_in]').click()
    expect(root).to_have_attribute('data-state', 'checks')
    code = page.locator('input.proctored-exam__code-value').input_value()
    assert re.fullmatch(r'[A-Z0-9-]{6,}', code), f'unexpected exam code {code!r}'
    return code


def submit_checks(page, code):
    """Enter ``code`` and send the checks form (the terms were agreed to at the opt-in)."""
    checks = page.locator('form[data-action=confirm_checks]')
    checks.locator('[name=exam_code]').fill(code)
    checks.locator('button[type=submit]').click()


def start_exam(page, url):
    """
    Agree to the terms and opt in, copy the exam code into the checks, start the exam, and wait until the
    clock runs on the server's time (needs SYNC_PROBE, which PAGE_PROBES includes).
    """
    root = page.locator('.proctored-exam')
    submit_checks(page, reach_checks(page, url))
    expect(root).to_have_attribute('data-state', 'ready_to_start')
    page.locator('[data-action=start]').click()
    expect(root).to_have_attribute('data-state', 'started')
    wait_for_synced_clock(page)


def wait_for_synced_clock(page):
    """
    Wait until the timer runs and has re-read the server's time since the page loaded (needs SYNC_PROBE)
    or since the test marked the exam `data-offline`.
    """
    page.wait_for_function(CLOCK_RUNNING)
    expect(page.locator('.proctored-exam')).not_to_have_attribute('data-offline', re.compile('.*'))


def pass_system_check(page, timeout=30_000):
    """Run the checks page's system check (browser, camera, connection) and wait until it passed."""
    item = page.locator('li[data-step=system_check]')
    item.locator('[data-capture-action=system_check]').click()
    expect(item).to_have_attribute('data-check', 'passed', timeout=timeout)
    return item
