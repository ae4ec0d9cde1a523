"""
The instructor dashboard in a real browser: course staff give a learner extra time and the learner's
timer shows it (an allowance given once the exam started changes nothing, and the page says so), reset
a submitted attempt so that the learner takes the exam again, work the allowances page with the
keyboard alone, and a learner is refused every page.
"""
import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from edx_proctoring_backend.exams.models import ExamAttempt
from proctored_xblock.services import DEFAULT_COURSE_KEY
from tests.browser.pages import READ_CLOCK, SYNC_PROBE, latest_attempt, new_context, wait_for_synced_clock

pytestmark = pytest.mark.browser

# The demo's timed exam ("Timed quiz", 20 minutes) and the demo's course staff member.
TIMED_SCENARIO = 'proctored_exam.4'
TIMED_EXAM = 'Timed quiz'
TIME_LIMIT_MINUTES = 20
STAFF = 'course_staff'
DASHBOARD = f'/api/proctored-exams/dashboard/{DEFAULT_COURSE_KEY}'
END_CONFIRM = 'Are you sure you want to end your exam? You cannot change your answers afterwards.'

# Evaluated in the page: the form controls (neither hidden inputs nor buttons) that have no accessible
# name from a <label>, aria-label or aria-labelledby.
UNNAMED_CONTROLS = """() => Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
    .filter(control => {
        const byLabel = Array.from(control.labels || []).some(label => label.textContent.trim() !== '');
        const byAria = (control.getAttribute('aria-label') || '').trim() !== '';
        const byIds = (control.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
            .some(id => document.getElementById(id) && document.getElementById(id).textContent.trim() !== '');
        return !(byLabel || byAria || byIds);
    })
    .map(control => control.outerHTML)"""

# Evaluated in the page: what has the keyboard focus.
FOCUSED = """() => {
    const element = document.activeElement;
    return {tag: element.tagName.toLowerCase(), id: element.id, text: element.textContent.trim(),
            inTabs: element.closest('nav.dashboard-tabs') !== null};
}"""


@pytest.fixture
def staff_page(chromium):
    """A page of its own browser context (so signed in on its own), for course staff."""
    context = new_context(chromium)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def timed_exam_url(workbench, learner_name):
    """The timed exam's page for ``learner_name``."""
    return f'{workbench}/scenario/{TIMED_SCENARIO}/?student={learner_name}'


def open_timed_exam(page, url):
    """Open the timed exam as the learner, before any attempt (the page creates the course's exam)."""
    page.add_init_script(SYNC_PROBE)
    page.goto(url)
    expect(page.locator('.proctored-exam')).to_have_attribute('data-state', 'choose')


def start_timed_exam(page):
    """Start the timed exam open on the page and wait until its clock runs on the server's time."""
    page.get_by_role('button', name='Start timed exam').click()
    expect(page.locator('.proctored-exam')).to_have_attribute('data-state', 'started')
    wait_for_synced_clock(page)


def dashboard(live_server_url, name, **query):
    """The address of a dashboard page of the demo's course (``student=NAME`` in ``query`` signs NAME in)."""
    url = f'{live_server_url}{DASHBOARD}/{name}'
    return f'{url}?{urlencode(query)}' if query else url


def add_allowance(page, learner, exam, kind, value):
    """Fill the "Add an allowance" form by its labels and send it with the Enter key."""
    form = page.get_by_role('group', name='Add an allowance', exact=True)
    form.get_by_label('Learner').fill(learner)
    form.get_by_label('Exam').select_option(label=exam)
    form.get_by_label('Kind').select_option(label=kind)
    value_field = form.get_by_label('Value')
    value_field.fill(value)
    value_field.press('Enter')


def press_tab(page, times=1):
    """Move the keyboard focus ``times`` fields on."""
    for _ in range(times):
        page.keyboard.press('Tab')


def replace_focused_text(page, text):
    """Type ``text`` over what the focused field holds, with the keyboard."""
    page.keyboard.press('ControlOrMeta+A')
    page.keyboard.type(text)


def send_with_enter(page):
    """Press Enter in the focused field to send its form; return the HTTP status of the answer."""
    with page.expect_response(lambda response: response.request.method == 'POST') as sent:
        page.keyboard.press('Enter')
    return sent.value.status


def exam_value(page, name):
    """The value of the exam ``name`` in the exam lists of the page."""
    return page.locator('#add-exam option', has_text=name).get_attribute('value')


def attempts_of(username):
    """(attempt number, status, allowed minutes) of each of the learner's attempts, in order."""
    return [(attempt.attempt_number, attempt.status,
             (attempt.deadline - attempt.started_at).total_seconds() / 60 if attempt.started_at else None)
            for attempt in ExamAttempt.objects.filter(user__username=username).order_by('attempt_number')]


def history_of(attempt_pk):
    """(from, to, by, reason) of each status change of an attempt, oldest first."""
    return [(change.from_status, change.to_status, change.changed_by.username if change.changed_by else None,
             change.reason)
            for change in ExamAttempt.objects.get(pk=attempt_pk).history.order_by('pk')]


# ---- 1. An allowance grows the learner's timer ------------------------------------------------------------

def test_additional_minutes_reach_the_timer_of_the_next_start_only(
        live_server, timed_exam_url, page, staff_page, learner_name, orm):
    open_timed_exam(page, timed_exam_url)

    staff_page.goto(dashboard(live_server.url, 'allowances', student=STAFF))
    expect(staff_page.get_by_role('heading', level=1)).to_have_text('Allowances')
    add_allowance(staff_page, learner_name, TIMED_EXAM, 'Additional minutes', '30')
    expect(staff_page.get_by_role('status')).to_have_text(
        f'Allowance saved for {learner_name}. It applies when they start the exam.')
    expect(staff_page.get_by_role('status')).to_be_focused()   # what was done is read out first
    in_force = staff_page.get_by_role('table', name='Allowances in force').locator(f'tr[data-learner="{learner_name}"]')
    expect(in_force).to_have_count(1)
    expect(in_force.locator('th, td')).to_have_text([learner_name, TIMED_EXAM, 'Additional minutes', 'Save',
                                                     STAFF, 'Remove'])
    expect(in_force.get_by_label(f'Value: Additional minutes, {learner_name}, {TIMED_EXAM}')).to_have_value('30')
    latest = staff_page.get_by_role('table', name='Latest changes').locator('tbody tr').first
    expect(latest.locator('th, td')).to_have_text(
        [re.compile(r'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d'), learner_name, TIMED_EXAM, 'Additional minutes', '–', '30',
         STAFF])

    # The learner starts: 20 + 30 minutes on the clock, from the server.
    start_timed_exam(page)
    attempt = orm(latest_attempt, learner_name)
    assert (attempt.status, attempt.extra_minutes) == ('started', 30)
    assert (attempt.deadline - attempt.started_at).total_seconds() == (TIME_LIMIT_MINUTES + 30) * 60
    shown = page.evaluate(READ_CLOCK)
    assert re.fullmatch(r'50:00|49:5\d', shown['text']), shown
    assert abs(shown['seconds'] - (attempt.deadline.timestamp() - shown['at'] / 1000)) <= 2, shown

    # Ten more minutes once the exam runs: saved for a next attempt, and the page says this one keeps its time.
    add_allowance(staff_page, learner_name, TIMED_EXAM, 'Additional minutes', '40')
    expect(staff_page.get_by_role('status')).to_have_text(
        f'Allowance saved for {learner_name}, who has already started this exam: the attempt in progress '
        '(or finished) keeps its time; the change applies from their next attempt.')
    expect(in_force.get_by_label(f'Value: Additional minutes, {learner_name}, {TIMED_EXAM}')).to_have_value('40')
    expect(latest.locator('th, td')).to_have_text(
        [re.compile(r'\d'), learner_name, TIMED_EXAM, 'Additional minutes', '30',
         '40 (already started: the attempt keeps its time)', STAFF])

    # The learner's timer, read again from the server after a reload, still counts down from 50 minutes.
    page.reload()
    expect(page.locator('.proctored-exam')).to_have_attribute('data-state', 'started')
    wait_for_synced_clock(page)
    unchanged = orm(latest_attempt, learner_name)
    assert (unchanged.pk, unchanged.deadline, unchanged.extra_minutes) == (attempt.pk, attempt.deadline, 30)
    shown = page.evaluate(READ_CLOCK)
    assert re.fullmatch(r'(50:00|49:[0-5]\d)', shown['text']), shown
    assert abs(shown['seconds'] - (attempt.deadline.timestamp() - shown['at'] / 1000)) <= 2, shown


# ---- 2. Reset and retake ---------------------------------------------------------------------------------

def test_staff_reset_a_submitted_attempt_and_the_learner_takes_the_exam_again(
        live_server, timed_exam_url, page, staff_page, learner_name, orm):
    root = page.locator('.proctored-exam')
    open_timed_exam(page, timed_exam_url)
    start_timed_exam(page)
    page.once('dialog', lambda dialog: dialog.accept() if dialog.message == END_CONFIRM else dialog.dismiss())
    page.get_by_role('button', name='End My Exam').click()
    expect(root).to_have_attribute('data-state', 'submitted')
    first = orm(latest_attempt, learner_name)
    assert (first.attempt_number, first.status) == (1, 'submitted')

    # Course staff find the attempt by the learner's username and open it.
    staff_page.goto(dashboard(live_server.url, 'attempts', student=STAFF))
    search = staff_page.get_by_role('search')
    search.get_by_label('Learner').fill(learner_name)
    search.get_by_role('button', name='Search').click()
    expect(staff_page.locator('p.attempt-count')).to_have_text(re.compile(r'^1 attempt found'))
    row = staff_page.locator(f'table.attempts tr[data-attempt="{first.pk}"]')
    expect(row.locator('th, td')).to_have_text(
        [learner_name, TIMED_EXAM, '1', 'Submitted', re.compile(r'\d'), re.compile(r'\d'), 'Open'])
    row.get_by_role('link', name=f'Open: {learner_name}, {TIMED_EXAM}, Attempt 1').click()
    expect(staff_page.get_by_role('heading', level=1)).to_have_text(f'Attempt: {learner_name}, {TIMED_EXAM}')
    expect(staff_page.locator('.attempt-facts dd[data-status]')).to_have_text('Submitted')
    assert staff_page.evaluate(UNNAMED_CONTROLS) == []

    reset = staff_page.get_by_role('group', name='Reset the attempt')
    reset.get_by_label('Reason').fill('fire alarm in the exam room')
    reset.get_by_role('button', name='Reset the attempt').click()
    expect(staff_page.get_by_role('status')).to_have_text(
        'The attempt was reset: the learner may take the exam again.')
    expect(staff_page.locator('.attempt-facts dd[data-status]')).to_have_text('Reset')
    expect(staff_page.locator('.attempt-facts dd[data-status]')).to_have_attribute('data-status', 'reset')
    history = staff_page.get_by_role('table', name='Status history')
    expect(history.locator('tr[data-to=reset] td')).to_have_text(
        [re.compile(r'\d'), 'Submitted', 'Reset', STAFF, 'reset by staff: fire alarm in the exam room'])
    expect(staff_page.get_by_role('button', name='Reset the attempt')).to_have_count(0)

    # The learner reloads the exam page and takes the exam a second time; the first attempt keeps its history.
    page.reload()
    expect(root).to_have_attribute('data-state', 'choose')
    start_timed_exam(page)
    assert orm(attempts_of, learner_name) == [(1, 'reset', TIME_LIMIT_MINUTES), (2, 'started', TIME_LIMIT_MINUTES)]
    assert orm(history_of, first.pk)[-2:] == [
        ('started', 'submitted', learner_name, 'submitted: learner'),
        ('submitted', 'reset', STAFF, 'reset by staff: fire alarm in the exam room'),
    ]
    staff_page.goto(dashboard(live_server.url, 'attempts', q=learner_name))
    expect(staff_page.locator('table.attempts tbody tr')).to_have_count(2)
    expect(staff_page.locator('table.attempts tbody tr[data-status=started] td').nth(1)).to_have_text('2')
    staff_page.goto(dashboard(live_server.url, f'attempts/{first.pk}'))
    expect(staff_page.get_by_role('table', name='Status history').locator('tr[data-to=reset]')).to_have_count(1)
    assert page.js_errors == []


# ---- 3. Accessibility ----------------------------------------------------------------------------------

def test_allowances_page_works_with_the_keyboard_and_names_every_control(
        live_server, timed_exam_url, page, staff_page, learner_name):
    open_timed_exam(page, timed_exam_url)
    staff_page.goto(dashboard(live_server.url, 'allowances', student=STAFF))
    tab_links = staff_page.get_by_role('navigation', name='Sections').get_by_role('link')
    expect(tab_links).to_have_text(['Allowances', 'Attempts', 'Practice and onboarding', 'Sittings', 'Exam monitors',
                                    'Exports', 'Course settings'])
    expect(tab_links.first).to_have_attribute('aria-current', 'page')

    # Tab from the top of the page: the sections first, then the fields of "Add an allowance" in order.
    reached = []
    for _ in range(12):
        press_tab(staff_page)
        reached.append(staff_page.evaluate(FOCUSED))
    assert [(item['inTabs'], item['text']) for item in reached[:7]] == [
        (True, 'Allowances'), (True, 'Attempts'), (True, 'Practice and onboarding'), (True, 'Sittings'),
        (True, 'Exam monitors'), (True, 'Exports'), (True, 'Course settings')], reached
    assert [item['id'] or item['text'] for item in reached[7:]] == [
        'add-learner', 'add-exam', 'add-kind', 'add-value', 'Add the allowance'], reached

    # Every field of every page staff may open has an accessible name.
    assert staff_page.evaluate(UNNAMED_CONTROLS) == []
    for name in ('attempts', 'learners', 'sittings', 'monitors', 'exports', 'settings'):
        staff_page.goto(dashboard(live_server.url, name))
        assert staff_page.evaluate(UNNAMED_CONTROLS) == [], name
    # The export links are targets of at least 24 px (WCAG 2.2 target size).
    staff_page.goto(dashboard(live_server.url, 'exports'))
    heights = staff_page.locator('.exports a').evaluate_all('links => links.map(l => l.getBoundingClientRect().height)')
    assert heights and min(heights) >= 24, heights

    # Keyboard only: an unknown learner is refused, and the focus moves to the message, which says why; the
    # form keeps what was entered (the timed exam is not the first of the list, nor the multiplier).
    staff_page.goto(dashboard(live_server.url, 'allowances'))
    form = staff_page.get_by_role('group', name='Add an allowance', exact=True)
    expect(form.get_by_label('Exam').locator('option')).to_have_text(['One-minute exam', TIMED_EXAM])
    press_tab(staff_page, 8)   # the seven sections, then the first field
    expect(form.get_by_label('Learner')).to_be_focused()
    # (Typing on a closed list chooses the first option that begins with what was typed.)
    for text in ('nobody-by-this-name', 'Timed', 'Time m'):
        staff_page.keyboard.type(text)
        press_tab(staff_page)
    staff_page.keyboard.type('1.5')
    assert send_with_enter(staff_page) == 400
    alert = staff_page.get_by_role('alert')
    expect(alert).to_be_focused()
    expect(alert).to_contain_text('Please correct the following:')
    expect(alert.get_by_role('listitem')).to_have_text(['No learner has this username or email.'])
    expect(form.get_by_label('Learner')).to_have_value('nobody-by-this-name')
    expect(form.get_by_label('Exam')).to_have_value(exam_value(staff_page, TIMED_EXAM))
    expect(form.get_by_label('Kind')).to_have_value('time_multiplier')
    expect(form.get_by_label('Value')).to_have_value('1.5')

    # From the message, Tab leads back to the learner field; a multiplier out of range is refused in the
    # page's own words.
    press_tab(staff_page)
    expect(form.get_by_label('Learner')).to_be_focused()
    replace_focused_text(staff_page, learner_name)
    press_tab(staff_page, 3)
    expect(form.get_by_label('Value')).to_be_focused()
    replace_focused_text(staff_page, '20')
    assert send_with_enter(staff_page) == 400
    expect(alert).to_be_focused()
    expect(alert.get_by_role('listitem')).to_have_text([
        'This value does not suit the kind of allowance: whole minutes from 1 to 1440, a multiplier from 1.0 to '
        '10.0, or nothing for an exemption or a permission.'])
    expect(form.get_by_label('Learner')).to_have_value(learner_name)
    expect(staff_page.locator('.allowances--empty')).to_have_text('No allowances.')


# ---- 4. Permissions ------------------------------------------------------------------------------------

def test_a_learner_is_refused_every_page_and_staff_the_pages_of_other_roles(
        live_server, timed_exam_url, page, staff_page, learner_name, orm):
    open_timed_exam(page, timed_exam_url)
    start_timed_exam(page)
    attempt_pk = orm(latest_attempt, learner_name).pk
    pages = ('', 'allowances', 'attempts', f'attempts/{attempt_pk}', 'reviews', 'learners', 'exports')
    for name in pages:
        response = page.goto(dashboard(live_server.url, name))
        assert response.status == 403, (name, response.status)
    # The learner's exam page offers no link to the dashboard.
    page.goto(timed_exam_url)
    expect(page.locator('.proctored-exam__staff')).to_have_count(0)

    # Course staff may open all of them but the review queue, which their tabs do not offer either.
    for name in pages:
        response = staff_page.goto(dashboard(live_server.url, name, student=STAFF))
        assert response.status == (403 if name == 'reviews' else 200), (name, response.status)
    staff_page.goto(dashboard(live_server.url, 'attempts'))
    expect(staff_page.get_by_role('navigation', name='Sections').get_by_role('link', name='Review queue')) \
        .to_have_count(0)
    # Support may not touch allowances.
    assert staff_page.goto(dashboard(live_server.url, 'allowances', student='support')).status == 403
    assert staff_page.goto(dashboard(live_server.url, 'reviews')).status == 200
