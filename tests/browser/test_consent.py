"""
The proctoring terms in a real browser: the learner reads them before choosing, refuses them and is
offered what the course allows (an on-campus sitting here), changes their mind, and is shown the new
terms when they changed while the page was open. Headless Debian Chromium against the workbench.
"""
import pytest
from playwright.sync_api import expect

from edx_proctoring_backend.exams.models import ExamAttempt, OnCampusRequest
from edx_proctoring_backend.privacy.models import ConsentRecord

pytestmark = pytest.mark.browser

SIXTY_MINUTES, ON_CAMPUS = 0, 5
TERMS_CHANGED = 'The proctoring terms have changed. Read the new terms before you choose.'


def scenario(base_url, index, learner):
    """The workbench page of demo scenario ``index`` for ``learner``."""
    return f'{base_url}/scenario/proctored_exam.{index}/?student={learner}'


def answers(username):
    """The learner's answers to the terms, oldest first: (version, agreed)."""
    return list(ConsentRecord.objects.filter(user__username=username).order_by('pk')
                .values_list('terms_version', 'accepted'))


def test_refuse_ask_for_a_campus_sitting_then_take_it_online(page, workbench, learner_name, orm):
    root = page.locator('.proctored-exam')
    page.goto(scenario(workbench, ON_CAMPUS, learner_name))
    expect(root).to_have_attribute('data-state', 'choose')
    terms = page.locator('section.proctored-exam__terms')
    expect(terms.get_by_role('heading', name='Proctoring terms (version 1)')).to_be_visible()
    expect(terms.locator('dt')).to_have_text(
        ['What is collected', 'Who processes it', 'Where it is stored', 'Who sees it', 'How long it is kept'])
    # Each line of the terms follows the one before it: no blank lines in the box.
    gaps = page.evaluate('''() => {
        const items = [...document.querySelectorAll('section.proctored-exam__terms dl > *')];
        const box = (item) => item.getBoundingClientRect();
        return items.slice(1).map((item, i) => box(item).top - box(items[i]).bottom);
    }''')
    assert len(gaps) > 5 and max(gaps) < 4, gaps
    # The terms scroll with the keyboard: the box takes the focus, and the arrow keys move it.
    terms.focus()
    expect(terms).to_be_focused()
    for _ in range(5):
        page.keyboard.press('ArrowDown')
    page.wait_for_function("() => document.querySelector('section.proctored-exam__terms').scrollTop > 0")

    # "No" is reached with the keyboard right after "Yes", and records the refusal.
    page.locator('[data-action=opt_in]').focus()
    page.keyboard.press('Tab')
    assert page.evaluate("() => document.activeElement.getAttribute('data-action')") == 'refuse_terms'
    page.keyboard.press('Enter')
    expect(root).to_have_attribute('data-state', 'refused')
    expect(root.get_by_text('Tell your lecturer at least five working days before the exam.')).to_be_visible()
    expect(page.locator('[data-action=opt_out]')).to_have_count(0)  # this course requires proctoring online
    assert orm(answers, learner_name) == [('1', False)]

    page.locator('[data-action=request_on_campus]').click()
    expect(root).to_have_attribute('data-state', 'on_campus')
    expect(page.locator('.proctored-exam__notice')).to_contain_text('You asked to sit this exam on campus')
    assert orm(lambda: OnCampusRequest.objects.filter(user__username=learner_name, withdrawn_at=None).count()) == 1
    assert orm(lambda: ExamAttempt.objects.filter(user__username=learner_name).count()) == 0

    # Changed their mind: the terms are there again, and agreeing opens the checks.
    root.get_by_text('Take it online instead').click()
    expect(page.locator('details section.proctored-exam__terms')).to_be_visible()
    page.locator('[data-action=opt_in]').click()
    expect(root).to_have_attribute('data-state', 'checks')
    assert orm(answers, learner_name) == [('1', False), ('1', True)]
    assert orm(lambda: OnCampusRequest.objects.filter(user__username=learner_name, withdrawn_at=None).count()) == 0
    assert not page.js_errors


def test_terms_that_changed_while_the_page_was_open_are_shown_again(page, workbench, learner_name, orm, settings):
    root = page.locator('.proctored-exam')
    page.goto(scenario(workbench, SIXTY_MINUTES, learner_name))
    expect(page.get_by_role('heading', name='Proctoring terms (version 1)')).to_be_visible()
    settings.PROCTORING_CONSENT_TERMS = {'null': {'notes': 'Keep your phone out of reach.'}}

    page.locator('[data-action=opt_in]').click()
    # Nothing was opened on the old terms: the page shows the new ones and says why.
    expect(page.get_by_role('heading', name='Proctoring terms (version 2)')).to_be_visible()
    expect(page.locator('.proctored-exam__error')).to_have_text(TERMS_CHANGED)
    expect(root.get_by_text('Keep your phone out of reach.')).to_be_visible()
    expect(root).to_have_attribute('data-state', 'choose')
    assert orm(lambda: ExamAttempt.objects.filter(user__username=learner_name).count()) == 0

    page.locator('[data-action=opt_in]').click()
    expect(root).to_have_attribute('data-state', 'checks')
    assert orm(answers, learner_name) == [('2', True)]
    assert not page.js_errors
