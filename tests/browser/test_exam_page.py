"""
The exam page in a real browser, beyond the running clock (see ``test_exam_timer``): the timer comes
back to the server's time when a hidden tab becomes visible, a warning survives a reload without being
announced twice, End My Exam and opting out ask first and act once, errors are shown, and the choice
page works with the keyboard. Headless Debian Chromium against the workbench's live server.
"""
import re
import time
from datetime import datetime, timedelta, timezone as dt_timezone

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from edx_proctoring_backend.exams.clocks import forget_clock
from edx_proctoring_backend.exams.models import AttemptTransition, ExamAttempt
from tests.browser.pages import (
    CRITICAL_MESSAGE, LOW_MESSAGE, PAGE_PROBES, READ_CLOCK, latest_attempt, new_context, reach_checks, start_exam,
    submit_checks, wait_for_synced_clock,
)

pytestmark = pytest.mark.browser

# The demo's scenarios (``ProctoredExamBlock.workbench_scenarios``).
SIXTY_MINUTES, ONE_MINUTE, NO_OPT_OUT = 0, 1, 2

TIMER_URL = re.compile(r'/api/proctored-exams/v1/attempt-timer')
SUBMIT_HANDLER = re.compile(r'/handler/[^/]+/submit/')
OPT_OUT_HANDLER = re.compile(r'/handler/[^/]+/opt_out/')

END_CONFIRM = 'Are you sure you want to end your exam? You cannot change your answers afterwards.'
OPT_OUT_CONFIRM = ('If you take this exam without proctoring, you will not be eligible for credit and you cannot '
                   'change this choice later. Continue?')
INVALID_CODE = 'This exam code is not valid for you and this exam.'
NETWORK_ERROR = 'The server could not be reached. Your time keeps running; retrying.'

# Tab visibility as the page sees it: `setVisibility('hidden' | 'visible')` changes
# document.visibilityState and document.hidden, then fires `visibilitychange` like a browser does.
# Returns how many timer requests the page had issued when the event's listeners had run.
SET_VISIBILITY = """(state) => {
    Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => state});
    Object.defineProperty(document, 'hidden', {configurable: true, get: () => state === 'hidden'});
    document.dispatchEvent(new Event('visibilitychange'));
    return window.timerFetches;
}"""

# Installed in every document: a log of the warning region's live setting. `firstText` is its
# aria-live when its text first appeared (read when the mutation is delivered, i.e. once the script
# that wrote the text has finished), `firstFrame` its aria-live in the first animation frame that
# renders the text (what assistive technologies get to see first), and `changes` every change of it.
LIVE_REGION_RECORDER = """
window.liveLog = {firstText: null, firstFrame: null, changes: []};
new MutationObserver((records) => {
    const warning = document.querySelector('.proctored-exam__warning');
    if (!warning) { return; }
    // Each record has the value before; the value after is the next record's value before, or the current.
    const live = records.filter((record) => record.target === warning && record.attributeName === 'aria-live');
    live.forEach((record, index) => {
        const value = index + 1 < live.length ? live[index + 1].oldValue : warning.getAttribute('aria-live');
        if (value !== record.oldValue) { window.liveLog.changes.push(value); }
    });
    if (window.liveLog.firstText === null && warning.textContent.trim()) {
        window.liveLog.firstText = {ariaLive: warning.getAttribute('aria-live'), text: warning.textContent};
        requestAnimationFrame(() => {
            window.liveLog.firstFrame = {ariaLive: warning.getAttribute('aria-live'), text: warning.textContent};
        });
    }
}).observe(document, {subtree: true, childList: true, characterData: true, attributes: true,
                      attributeOldValue: true, attributeFilter: ['aria-live']});
"""


# ---- helpers ---------------------------------------------------------------------------------------------

def scenario_url(base_url, index, learner):
    """The workbench page of demo scenario ``index`` for ``learner``."""
    return f'{base_url}/scenario/proctored_exam.{index}/?student={learner}'


def move_attempt_clock(attempt_pk, started_at, deadline):
    """Give a started attempt another start and deadline, as if the server's time had moved on."""
    ExamAttempt.objects.filter(pk=attempt_pk).update(started_at=started_at, deadline=deadline)
    forget_clock(attempt_pk)  # the timer's cache held the old times


def leave_seconds(orm, attempt_pk, left, total=60):
    """Move the attempt so that ``left`` of its ``total`` seconds remain now; return the new deadline."""
    now = timezone.now()
    deadline = now + timedelta(seconds=left)
    orm(move_attempt_clock, attempt_pk, deadline - timedelta(seconds=total), deadline)
    return deadline


def submissions(attempt_pk):
    """The attempt's history rows into 'submitted'."""
    return list(AttemptTransition.objects.filter(attempt_id=attempt_pk, to_status='submitted')
                .values_list('from_status', 'reason'))


def start_with_live_log(page, url):
    """Install PAGE_PROBES and LIVE_REGION_RECORDER, then start the exam at ``url`` (see ``start_exam``)."""
    page.add_init_script(PAGE_PROBES)
    page.add_init_script(LIVE_REGION_RECORDER)
    start_exam(page, url)


def bring_low_warning(page, orm, attempt_pk):
    """Leave ten of the attempt's sixty seconds and sync (a focus): the page shows the 20% warning."""
    leave_seconds(orm, attempt_pk, 10)
    page.evaluate("() => window.dispatchEvent(new Event('focus'))")
    expect(page.locator('.proctored-exam__warning')).to_have_attribute('data-level', 'low')


def start_with_low_warning(page, url, orm, learner):
    """
    Start the exam at ``url`` as ``learner`` with the live region logged (``window.liveLog``), then bring
    the 20% warning (see ``bring_low_warning``). Return the attempt as it was started.
    """
    start_with_live_log(page, url)
    attempt = orm(latest_attempt, learner)
    bring_low_warning(page, orm, attempt.pk)
    return attempt


def wait_until(page, condition, message, timeout=10):
    """Wait for ``condition()`` on the test's side, letting Playwright deliver the page's events meanwhile."""
    give_up = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < give_up, message
        page.wait_for_timeout(20)


def record_dialogs(page, answer):
    """Answer every dialog with ``answer['accept']`` (changeable later); return the list of their messages."""
    messages = []

    def handle(dialog):
        messages.append((dialog.type, dialog.message))
        if answer['accept']:
            dialog.accept()
        else:
            dialog.dismiss()
    page.on('dialog', handle)
    return messages


def record_posts(page, pattern):
    """The list, kept up to date, of the page's POST requests whose URL matches ``pattern``."""
    posts = []
    page.on('request', lambda request: posts.append(request.url)
            if request.method == 'POST' and pattern.search(request.url) else None)
    return posts


# ---- 1. a hidden tab comes back to the server's time ----------------------------------------------------

def test_hidden_tab_resyncs_with_the_server_when_visible_again(workbench, page, learner_name, orm):
    """
    While a tab is hidden (throttled timers) or the computer sleeps (the monotonic clock stops too),
    the page's own count goes wrong. Playwright's fake clock stands for that: paused, the page's
    timers and performance.now() stand still, while the server's time goes on (the attempt is moved
    ten minutes into the past). Becoming visible must re-read the server's time at once.
    """
    page.clock.install()
    page.add_init_script(PAGE_PROBES)
    root = page.locator('.proctored-exam')
    start_exam(page, scenario_url(workbench, SIXTY_MINUTES, learner_name))
    attempt = orm(latest_attempt, learner_name)
    assert (attempt.status, (attempt.deadline - attempt.started_at).total_seconds()) == ('started', 3600)
    assert 3590 <= page.evaluate(READ_CLOCK)['seconds'] <= 3600

    # The tab is hidden and its clock stops; then ten minutes pass for the server.
    # (A datetime: Playwright's Python API reads a bare number as seconds, the page's Date.now() gives ms.)
    page.clock.pause_at(datetime.fromtimestamp(page.evaluate('() => Date.now()') / 1000 + 1, tz=dt_timezone.utc))
    fetches_before = page.evaluate('() => window.timerFetches')
    assert page.evaluate(SET_VISIBILITY, 'hidden') == fetches_before, 'hiding the tab synced the clock'
    deadline = attempt.deadline - timedelta(minutes=10)
    orm(move_attempt_clock, attempt.pk, attempt.started_at - timedelta(minutes=10), deadline)
    stale = page.evaluate(READ_CLOCK)
    assert stale['seconds'] - (deadline.timestamp() - time.time()) >= 590, \
        f'the page should still count on its own stale time: {stale}'

    # Back to the tab: the page asks the server in the visibilitychange listener itself (no timer can
    # run: the page's clock is still paused) and shows the server's time.
    root.evaluate("root => root.setAttribute('data-offline', 'probe')")
    with page.expect_request(TIMER_URL, timeout=2_000) as request:
        fetches = page.evaluate(SET_VISIBILITY, 'visible')
    assert fetches == fetches_before + 1, 'becoming visible did not request the time at once'
    response = request.value.response()
    status = response.json()
    assert status['status'] == 'started' and 2980 <= status['remaining_seconds'] <= 3000, status
    expect(root).not_to_have_attribute('data-offline', re.compile('.*'), timeout=2_000)
    shown = page.evaluate(READ_CLOCK)
    truth = deadline.timestamp() - time.time()
    assert abs(shown['seconds'] - truth) <= 2, f'the clock shows {shown} but {truth:.1f} s are left'
    assert re.fullmatch(r'50:00|49:[45]\d', shown['text']), shown

    # And when the page's clock runs again, it counts down from there.
    page.clock.resume()
    page.wait_for_function(
        "(synced) => Number(document.querySelector('.proctored-exam__clock').getAttribute('data-seconds')) < synced",
        arg=shown['seconds'])
    assert page.js_errors == []


# ---- 2. a warning after a reload: shown again, not announced again ----------------------------------------

def test_warning_is_kept_after_a_reload_without_being_announced_again(exam_url, chromium, page, learner_name,
                                                                      orm, workbench):
    # Started, then ten of the sixty seconds left: at the next sync (a focus), the 20% warning is announced.
    attempt = start_with_low_warning(page, exam_url, orm, learner_name)
    root = page.locator('.proctored-exam')
    warning = page.locator('.proctored-exam__warning')
    expect(warning).to_have_text(LOW_MESSAGE)
    expect(root).to_have_attribute('data-warning', 'low')
    assert page.evaluate('() => window.liveLog') == {
        'firstText': {'ariaLive': 'assertive', 'text': LOW_MESSAGE},
        'firstFrame': {'ariaLive': 'assertive', 'text': LOW_MESSAGE}, 'changes': []}

    # Reload (with ten seconds left again, far from the 5% warning at 3 s): the warning is shown from
    # the start, but the live region is silent while it appears, then live again for what comes next.
    leave_seconds(orm, attempt.pk, 10)
    page.reload()
    expect(root).to_have_attribute('data-state', 'started')
    expect(root).to_have_attribute('data-warning', 'low')
    expect(warning).to_have_attribute('data-level', 'low')
    expect(warning).to_have_text(LOW_MESSAGE)
    expect(warning).to_be_visible()
    expect(warning).to_have_attribute('aria-live', 'assertive')
    page.wait_for_function('() => window.liveLog.firstFrame !== null')
    log = page.evaluate('() => window.liveLog')
    assert log['firstText'] == {'ariaLive': 'off', 'text': LOW_MESSAGE}, log
    assert log['firstFrame'] == {'ariaLive': 'off', 'text': LOW_MESSAGE}, log
    assert log['changes'] == ['off', 'assertive'], log
    wait_for_synced_clock(page)
    assert 1 <= page.evaluate(READ_CLOCK)['seconds'] <= 10
    assert page.js_errors == []

    # Another learner, in a browser context of their own (no sessionStorage of the first): their
    # warning is announced normally, the live region never silenced.
    other_name = f'{learner_name}-b'
    other_context = new_context(chromium)
    try:
        other = other_context.new_page()
        start_with_live_log(other, scenario_url(workbench, ONE_MINUTE, other_name))
        assert other.evaluate("() => sessionStorage.length") == 0
        bring_low_warning(other, orm, orm(latest_attempt, other_name).pk)
        expect(other.locator('.proctored-exam__warning')).to_have_text(LOW_MESSAGE)
        other.wait_for_function('() => window.liveLog.firstFrame !== null')
        assert other.evaluate('() => window.liveLog') == {
            'firstText': {'ariaLive': 'assertive', 'text': LOW_MESSAGE},
            'firstFrame': {'ariaLive': 'assertive', 'text': LOW_MESSAGE}, 'changes': []}
    finally:
        other_context.close()


def test_new_warning_right_after_a_reload_is_announced(exam_url, page, learner_name, orm):
    """
    Reloaded with the 20% warning already announced and now in the 5% zone: the page redisplays the
    20% warning silently and, in the same moment, must announce the 5% one, not let it in silently too.
    """
    attempt = start_with_low_warning(page, exam_url, orm, learner_name)
    root = page.locator('.proctored-exam')
    warning = page.locator('.proctored-exam__warning')

    # (Ten minutes allotted, 25 s left: the page reloads in the 5% zone, 30 s here, with time to spare.)
    leave_seconds(orm, attempt.pk, 25, total=600)
    page.reload()
    expect(root).to_have_attribute('data-warning', 'critical')
    expect(warning).to_have_attribute('data-level', 'critical')
    expect(warning).to_have_text(CRITICAL_MESSAGE)
    page.wait_for_function('() => window.liveLog.firstFrame !== null')
    log = page.evaluate('() => window.liveLog')
    assert log['firstText'] == {'ariaLive': 'assertive', 'text': CRITICAL_MESSAGE}, log
    assert log['firstFrame'] == {'ariaLive': 'assertive', 'text': CRITICAL_MESSAGE}, log
    expect(warning).to_have_attribute('aria-live', 'assertive')
    assert page.js_errors == []


# ---- 3. End My Exam: asks first, submits once ---------------------------------------------------------

def test_end_my_exam_asks_first_and_submits_once(exam_url, page, learner_name, orm):
    page.add_init_script(PAGE_PROBES)
    root = page.locator('.proctored-exam')
    end = page.locator('[data-action=submit]')
    start_exam(page, exam_url)
    attempt = orm(latest_attempt, learner_name)
    # Plenty of time: the exam must not end by itself during the test.
    leave_seconds(orm, attempt.pk, 50)
    answer = {'accept': False}
    dialogs = record_dialogs(page, answer)
    posts = record_posts(page, SUBMIT_HANDLER)

    # Dismissed: nothing happens.
    end.click()
    assert dialogs == [('confirm', END_CONFIRM)]
    expect(end).to_be_enabled()
    expect(root).to_have_attribute('data-state', 'started')
    assert not posts
    assert orm(latest_attempt, learner_name).status == 'started'

    # Accepted, with a double click, both clicks before the page reloads (the submission is held
    # until then): one request, one submission.
    held = []
    page.route(SUBMIT_HANDLER, lambda route: held.append(route))  # pylint: disable=unnecessary-lambda
    answer['accept'] = True
    end.dblclick()
    expect(end).to_be_disabled()
    wait_until(page, lambda: held and posts, 'the submission did not leave the page')
    assert len(held) == 1 and len(posts) == 1, (held, posts)
    assert dialogs[1:] == [('confirm', END_CONFIRM)], dialogs
    assert orm(latest_attempt, learner_name).status == 'started'
    held[0].continue_()
    page.unroute(SUBMIT_HANDLER)

    submitted = page.locator('.proctored-exam[data-state=submitted]')
    expect(submitted).to_be_visible()
    expect(submitted).to_contain_text('Your exam was submitted.')
    expect(page.locator('.proctored-exam__clock')).to_have_count(0)
    expect(page.locator('textarea.exam-question__answer')).to_have_count(0)
    assert len(posts) == 1, posts
    assert orm(submissions, attempt.pk) == [('started', 'submitted: learner')]
    assert orm(latest_attempt, learner_name).submit_reason == 'learner'
    assert page.js_errors == []


def test_leaving_a_running_exam_asks_first_and_the_clock_keeps_running(workbench, exam_url, page, learner_name, orm):
    page.add_init_script(PAGE_PROBES)
    root = page.locator('.proctored-exam')
    start_exam(page, exam_url)
    attempt = orm(latest_attempt, learner_name)
    leave_seconds(orm, attempt.pk, 50)
    expect(page.locator('.proctored-exam__leaving')).to_contain_text(
        'If you leave or close this page, the timer keeps running')
    answer = {'accept': False}
    dialogs = record_dialogs(page, answer)
    # A link away from the page, followed by mistake (browsers ask only on a page the learner has used).
    page.evaluate("""() => {
        const away = Object.assign(document.createElement('a'), {id: 'away', href: '/', textContent: 'Away'});
        document.body.prepend(away);
    }""")
    page.locator('#away').click()
    wait_until(page, lambda: dialogs, 'leaving the running exam did not ask first')
    assert dialogs == [('beforeunload', '')]
    page.wait_for_timeout(300)
    expect(root).to_have_attribute('data-state', 'started')   # staying: nothing changed
    assert page.url == exam_url

    answer['accept'] = True
    page.locator('#away').click()
    page.wait_for_url(f'{workbench}/')
    assert len(dialogs) == 2
    # The clock ran on meanwhile; coming back resumes the same attempt.
    page.goto(exam_url)
    expect(root).to_have_attribute('data-state', 'started')
    wait_for_synced_clock(page)
    assert 0 < int(page.locator('.proctored-exam__clock').get_attribute('data-seconds')) <= 50
    assert orm(latest_attempt, learner_name).pk == attempt.pk
    assert page.js_errors == []


# ---- 4. opting out ---------------------------------------------------------------------------------------

def test_opting_out_warns_about_credit_then_shows_the_exam_untimed(workbench, page, learner_name, orm):
    root = page.locator('.proctored-exam')
    answer = {'accept': False}
    dialogs = record_dialogs(page, answer)
    posts = record_posts(page, OPT_OUT_HANDLER)
    page.goto(scenario_url(workbench, SIXTY_MINUTES, learner_name))
    expect(root).to_have_attribute('data-state', 'choose')
    opt_out = page.locator('[data-action=opt_out]')
    expect(opt_out).to_have_text('No, I want to take this exam without proctoring')

    opt_out.click()
    assert dialogs == [('confirm', OPT_OUT_CONFIRM)]
    expect(root).to_have_attribute('data-state', 'choose')
    assert not posts and orm(latest_attempt, learner_name) is None

    answer['accept'] = True
    opt_out.click()
    assert dialogs[1:] == [('confirm', OPT_OUT_CONFIRM)]
    expect(root).to_have_attribute('data-state', 'declined')
    expect(root.locator('.proctored-exam__notice')).to_have_text(
        'You chose to take this exam without proctoring. It is not timed and does not count toward credit.')
    expect(page.locator('textarea.exam-question__answer')).to_have_count(2)
    expect(page.locator('textarea.exam-question__answer').first).to_be_visible()
    expect(page.locator('.proctored-exam__timer-bar')).to_have_count(0)
    expect(page.locator('.proctored-exam__clock')).to_have_count(0)
    expect(page.locator('[data-action]')).to_have_count(0)
    assert len(posts) == 1
    assert orm(latest_attempt, learner_name).status == 'declined'
    assert page.js_errors == []


def test_exam_without_opting_out_offers_no_opt_out(workbench, page, learner_name):
    root = page.locator('.proctored-exam')
    page.goto(scenario_url(workbench, NO_OPT_OUT, learner_name))
    expect(root).to_have_attribute('data-state', 'choose')
    expect(page.locator('[data-action=opt_in]')).to_be_visible()
    expect(page.locator('[data-action=opt_out]')).to_have_count(0)
    expect(root.locator('.proctored-exam__notice')).to_have_text(
        'This course requires this exam to be taken with online proctoring.')
    expect(page.locator('textarea.exam-question__answer')).to_have_count(0)
    assert page.js_errors == []


# ---- 5. errors are shown ----------------------------------------------------------------------------------

def test_wrong_exam_code_is_shown_and_the_right_one_then_works(exam_url, page, learner_name, orm):
    root = page.locator('.proctored-exam')
    error = page.locator('.proctored-exam__error')
    code = reach_checks(page, exam_url)
    expect(error).to_be_hidden()
    expect(error).to_have_attribute('role', 'alert')
    wrong = 'WRONG-' + ('A' if code[-1] != 'A' else 'B') * 6

    submit_checks(page, wrong)
    expect(error).to_be_visible()
    expect(error).to_have_text(INVALID_CODE)
    expect(root).to_have_attribute('data-state', 'checks')
    form = page.locator('form[data-action=confirm_checks]')
    expect(form).to_be_visible()
    expect(form.locator('button[type=submit]')).to_be_enabled()
    expect(form.locator('[name=exam_code]')).to_have_value(wrong)
    attempt = orm(latest_attempt, learner_name)
    assert (attempt.status, attempt.code_redeemed_at) == ('created', None)

    form.locator('[name=exam_code]').fill(code)
    form.locator('button[type=submit]').click()
    expect(root).to_have_attribute('data-state', 'ready_to_start')
    expect(error).to_be_hidden()
    assert orm(latest_attempt, learner_name).status == 'ready_to_start'
    assert page.js_errors == []


def test_lost_connection_is_shown_and_cleared_when_it_is_back(workbench, page, learner_name):
    page.add_init_script(PAGE_PROBES)
    root = page.locator('.proctored-exam')
    error = page.locator('.proctored-exam__error')
    start_exam(page, scenario_url(workbench, SIXTY_MINUTES, learner_name))
    expect(error).to_be_hidden()

    page.route(TIMER_URL, lambda route: route.abort())
    page.evaluate("() => window.dispatchEvent(new Event('focus'))")
    expect(root).to_have_attribute('data-offline', 'true')
    expect(error).to_be_visible()
    expect(error).to_have_text(NETWORK_ERROR)
    expect(root).to_have_attribute('data-state', 'started')

    page.unroute(TIMER_URL)
    with page.expect_response(TIMER_URL):
        page.evaluate("() => window.dispatchEvent(new Event('focus'))")
    expect(root).not_to_have_attribute('data-offline', re.compile('.*'))
    expect(error).to_be_hidden()
    expect(error).to_be_empty()
    assert page.js_errors == []


# ---- 6. the keyboard ------------------------------------------------------------------------------------

def test_choice_buttons_work_with_the_keyboard(workbench, page, learner_name):
    root = page.locator('.proctored-exam')
    answer = {'accept': False}
    dialogs = record_dialogs(page, answer)
    page.goto(scenario_url(workbench, SIXTY_MINUTES, learner_name))
    expect(root).to_have_attribute('data-state', 'choose')

    reached = []
    for _ in range(30):
        page.keyboard.press('Tab')
        reached.append(page.evaluate("() => document.activeElement.getAttribute('data-action')"))
        if reached[-1] == 'opt_out':
            break
    actions = [action for action in reached if action]
    assert actions == ['opt_in', 'refuse_terms', 'opt_out'], reached

    # Enter on the opt-out button asks first (dismissed here)...
    page.keyboard.press('Enter')
    expect(root).to_have_attribute('data-state', 'choose')
    assert dialogs == [('confirm', OPT_OUT_CONFIRM)]

    # ...and Shift+Tab twice, Enter on the opt-in button (agreeing to the terms) opts in.
    page.keyboard.press('Shift+Tab')
    page.keyboard.press('Shift+Tab')
    assert page.evaluate("() => document.activeElement.getAttribute('data-action')") == 'opt_in'
    page.keyboard.press('Enter')
    expect(root).to_have_attribute('data-state', 'checks')
    assert len(dialogs) == 1
    assert page.js_errors == []
