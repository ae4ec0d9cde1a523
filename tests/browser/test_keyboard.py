"""
Keyboard-only journeys in a real browser, with where the focus is after each step: a learner opts in,
enters the exam code, starts, answers and ends the exam; after each change of state the focus is on
what the new state brings (the exam code, the start, the first answer with the clock announced, the
result), and the exam's timer bar never hides the focused field. Staff give an allowance, decide a
review and reset an attempt, and the focus lands on what was done each time.
"""
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from edx_proctoring_backend import api
from proctored_xblock.services import DEFAULT_COURSE_KEY
from tests.browser.pages import latest_attempt
from tests.edx_proctoring_backend.recordings.helpers import start

pytestmark = pytest.mark.browser

# The demo's hour-long proctored exam, whose checks ask for the exam code.
SIXTY_MINUTES = 'proctored_exam.0'
# The demo's timed exam (two questions, 20 minutes).
TIMED = 'proctored_exam.4'

# Evaluated in the page: the focused element, described.
FOCUSED = """() => {
    const element = document.activeElement;
    return {tag: element.tagName.toLowerCase(), action: element.getAttribute('data-action'),
            name: element.getAttribute('name'), landing: element.hasAttribute('data-landing'),
            text: element.textContent.trim().replace(/\\s+/g, ' ').slice(0, 120)};
}"""

# Evaluated in the page: the focused element's outline, width and style.
FOCUS_RING = """() => {
    const style = getComputedStyle(document.activeElement);
    return `${style.outlineWidth} ${style.outlineStyle}`;
}"""


def tab_to(page, selector, limit=40, backwards=False):
    """Press Tab (Shift+Tab ``backwards``) until the focused element matches ``selector``; fail past ``limit``."""
    for _ in range(limit):
        page.keyboard.press('Shift+Tab' if backwards else 'Tab')
        if page.evaluate('(selector) => document.activeElement.matches(selector)', selector):
            return
    raise AssertionError(f'{selector} is not reached with the keyboard: the focus is on {page.evaluate(FOCUSED)}')


def focused(page):
    """What has the keyboard focus."""
    return page.evaluate(FOCUSED)


def test_a_learner_takes_the_exam_with_the_keyboard_alone(workbench, page, learner_name, orm):
    root = page.locator('.proctored-exam')
    page.on('dialog', lambda dialog: dialog.accept())   # "Are you sure you want to end your exam?"
    page.goto(f'{workbench}/scenario/{SIXTY_MINUTES}/?student={learner_name}')
    expect(root).to_have_attribute('data-state', 'choose')
    assert focused(page)['tag'] == 'body'   # a plain visit leaves the focus alone

    # Opt in: the focus lands on the exam code's explanation.
    tab_to(page, '[data-action=opt_in]')
    page.keyboard.press('Enter')
    expect(root).to_have_attribute('data-state', 'checks')
    assert focused(page)['landing'] and focused(page)['text'].startswith('This is your unique exam code.')

    # The code, typed in the checks and sent with Enter: the focus lands on what starting means.
    code = page.locator('input.proctored-exam__code-value').input_value()
    tab_to(page, '[name=exam_code]')
    assert page.evaluate(FOCUS_RING) == '3px solid'   # a ring that is seen, not the browser's thin default
    page.keyboard.type(code)
    page.keyboard.press('Enter')
    expect(root).to_have_attribute('data-state', 'ready_to_start')
    assert focused(page)['text'].startswith('Your proctoring checks are complete.')

    # Start: the focus is on the first answer, and the clock is announced politely.
    tab_to(page, '[data-action=start]')
    page.keyboard.press('Space')
    expect(root).to_have_attribute('data-state', 'started')
    first_answer = page.locator('.exam-question__answer').first
    expect(first_answer).to_be_focused()
    expect(page.locator('.proctored-exam__announcement')).to_have_text(re.compile(
        r'^Your exam has started\. Time remaining: [\d:]+\. The timer and End My Exam are at the top'))
    expect(page.locator('.proctored-exam__announcement')).to_have_attribute('role', 'status')

    # Answer, go on to the next question (the answer is saved when the field is left), then end the exam.
    page.keyboard.type('42')
    page.keyboard.press('Tab')
    expect(page.locator('.exam-question__state').first).to_have_attribute('data-saved', 'true')
    tab_to(page, '[data-action=submit]', backwards=True)
    page.keyboard.press('Enter')
    expect(root).to_have_attribute('data-state', 'submitted')
    result = focused(page)
    assert result['landing'] and result['text'].startswith('Your exam was submitted.'), result
    assert 'You answered 1 of 2 questions.' in result['text'], result
    assert orm(latest_attempt, learner_name).submitted_at is not None
    assert page.js_errors == []


# Installed before the page's scripts run: a host page's fixed header, 60 px high, as a site's own, and a
# fixed background as tall as the window behind everything (not a header: the bar does not go below it).
HOST_HEADER = """
document.addEventListener('DOMContentLoaded', () => {
    const header = document.createElement('header');
    header.style.cssText = 'position: fixed; top: 0; left: 0; right: 0; height: 60px; background: #223; z-index: 100';
    const backdrop = document.createElement('div');
    backdrop.style.cssText = 'position: fixed; inset: 0; z-index: -1; background: #fff';
    document.body.style.paddingTop = '60px';
    document.body.prepend(header);
    document.body.prepend(backdrop);
});
"""
# Evaluated in the page: the top and bottom of the timer bar and of the focused element, in the window.
PLACES = """() => {
    const bar = document.querySelector('.proctored-exam__timer-bar').getBoundingClientRect();
    const focused = document.activeElement.getBoundingClientRect();
    return {barTop: bar.top, barBottom: bar.bottom, focusedTop: focused.top, scrollY: window.scrollY};
}"""


def test_the_timer_stays_below_the_host_header_and_never_hides_the_focus(workbench, page, learner_name):
    page.set_viewport_size({'width': 900, 'height': 420})
    page.add_init_script(HOST_HEADER)
    page.goto(f'{workbench}/scenario/{TIMED}/?student={learner_name}')
    page.locator('[data-action=start]').click()
    expect(page.locator('.proctored-exam')).to_have_attribute('data-state', 'started')
    expect(page.locator('.exam-question__answer').first).to_be_focused()

    # Scrolled to the end: the bar sits right below the headers (the site's, and the workbench's own banner
    # fixed below it), its clock and End My Exam in sight.
    page.evaluate('() => window.scrollTo(0, document.body.scrollHeight)')
    headers_bottom = page.evaluate("() => document.querySelector('.workbench .banner').getBoundingClientRect().bottom")
    assert headers_bottom > 60
    page.wait_for_function(f"() => Math.abs(({PLACES})().barTop - {headers_bottom}) < 1")
    assert page.evaluate(PLACES)['scrollY'] > 0
    clock_box = page.locator('.proctored-exam__clock').bounding_box()
    assert page.evaluate('([x, y]) => document.elementFromPoint(x, y).className', [
        clock_box['x'] + 2, clock_box['y'] + 2]) == 'proctored-exam__clock'

    # On to the second answer and back to the first, above the window: the browser scrolls it to the top
    # edge, under the bar, and the page scrolls it out from under the bar.
    page.keyboard.press('Tab')
    expect(page.locator('.exam-question__answer').last).to_be_focused()
    page.keyboard.press('Shift+Tab')
    expect(page.locator('.exam-question__answer').first).to_be_focused()
    page.wait_for_function(f'() => ({PLACES})().focusedTop >= ({PLACES})().barBottom')
    assert page.js_errors == []


def submitted_in_house_attempt(username):
    """A learner's proctored attempt of an exam recorded on the site, submitted: awaiting a person's review."""
    learner = get_user_model().objects.create(username=username)
    exam = api.sync_exam(DEFAULT_COURSE_KEY, 'block-v1:Demo+Proctoring+Standalone+type@proctored_exam+block@keys',
                         exam_type='proctored', time_limit_minutes=60, provider='local', display_name='Keyboard exam')
    attempt = start(learner, exam)
    api.submit(learner, exam)
    return attempt.pk


def test_staff_give_an_allowance_decide_a_review_and_reset_an_attempt_with_the_keyboard(
        settings, live_server, page, learner_name, orm):
    settings.PROCTORING_PROVIDERS = {'null': {}, 'local': {}}
    attempt_pk = orm(submitted_in_house_attempt, learner_name)
    dashboard = f'{live_server.url}/api/proctored-exams/dashboard/{DEFAULT_COURSE_KEY}'

    # An allowance: each field reached with Tab, sent with Enter; the focus lands on what was done.
    page.goto(f'{dashboard}/allowances?student=instructor')
    tab_to(page, '#add-learner')
    assert page.evaluate(FOCUS_RING) == '3px solid'
    page.keyboard.type(learner_name)
    for typed in ('Keyboard', 'Additional', '15'):
        page.keyboard.press('Tab')
        page.keyboard.type(typed)
    page.keyboard.press('Enter')
    notice = page.get_by_role('status')
    expect(notice).to_be_focused()
    expect(notice).to_contain_text(f'Allowance saved for {learner_name}, who has already started this exam')

    # The review: an outcome chosen with the arrow keys, a comment, Enter; the focus lands on the notice.
    page.goto(f'{dashboard}/attempts/{attempt_pk}')
    tab_to(page, '.attempt-decision input[type=radio]')
    page.keyboard.press('ArrowDown')   # from Satisfactory to Unsatisfactory
    expect(page.get_by_label('Unsatisfactory')).to_be_checked()
    tab_to(page, '#decision-comment')
    page.keyboard.type('A second person in the room at 12:04')
    tab_to(page, '.attempt-decision button[type=submit]')
    page.keyboard.press('Enter')
    expect(notice).to_be_focused()
    expect(notice).to_have_text('Your decision was recorded.')
    expect(page.locator('.attempt-facts dd[data-status]')).to_have_attribute('data-status', 'rejected')

    # The reset, with its reason.
    tab_to(page, '#reset-reason')
    page.keyboard.type('fire alarm')
    page.keyboard.press('Enter')
    expect(notice).to_be_focused()
    expect(notice).to_have_text('The attempt was reset: the learner may take the exam again.')
    expect(page.locator('.attempt-facts dd[data-status]')).to_have_attribute('data-status', 'reset')
