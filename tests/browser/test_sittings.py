"""
Booked sittings in a real browser: a learner books, adds the sitting to a calendar, moves it and
begins at their sitting; course staff publish one (a refused form keeps what was typed). Each page
and state is audited by axe-core in English, French, Dutch and Arabic.
"""
import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from workbench.runtime_util import reset_global_state
from workbench.scenarios import get_scenarios

from edx_proctoring_backend.sittings.models import Booking, Sitting
from proctored_xblock.services import DEFAULT_COURSE_KEY
from tests.browser.accessibility import LOCALES
from tests.browser.conftest import in_thread
from tests.browser.test_accessibility import BLOCK, ExamAudit

pytestmark = pytest.mark.browser

SITTINGS_PAGE = f'/api/proctored-exams/dashboard/{DEFAULT_COURSE_KEY}/sittings'


def publish_demo_sittings():
    """The demo's sittings (one every half hour, one on campus tomorrow); the scenario of the booked exam."""
    reset_global_state()
    call_command('demo_sittings', stdout=io.StringIO())
    return next(name for name, item in get_scenarios().items() if 'display_name="Booked final exam"' in item.xml)


def booked_sitting_of(username):
    booking = Booking.objects.filter(user__username=username, sitting__isnull=False).select_related('sitting').first()
    return booking.sitting.starts_at if booking else None


@pytest.mark.parametrize('locale', LOCALES)
def test_a_learner_books_moves_and_begins_at_their_sitting(chromium, live_server, learner_name, locale):
    scenario = in_thread(publish_demo_sittings)
    first, second = in_thread(lambda: list(Sitting.objects.order_by('starts_at')[:2]))
    audit = ExamAudit(chromium, locale)
    audit.exam(f'{live_server.url}/scenario/{scenario}/?student={learner_name}', 'book')
    expect(audit.page.locator(f'{BLOCK} [data-booking=unbooked]')).to_be_visible()
    audit.check('book: choose a sitting')

    # Booking without choosing says so, and nothing is booked.
    audit.page.locator(f'{BLOCK} form[data-action=book] button[type=submit]').click()
    expect(audit.page.locator(f'{BLOCK} .proctored-exam__error')).to_be_visible()
    audit.check('book: nothing chosen')

    # The second sitting (an hour away at most): the learner waits for it.
    audit.page.locator(f'{BLOCK} input[name=sitting][value="{second.pk}"]').check()
    audit.page.locator(f'{BLOCK} form[data-action=book] button[type=submit]').click()
    expect(audit.page.locator(f'{BLOCK} [data-booking=waiting]')).to_be_visible()
    assert in_thread(booked_sitting_of, learner_name) == second.starts_at
    audit.check('book: booked, waiting')

    calendar = audit.page.locator(f'{BLOCK} a[download="exam-sitting.ics"]')
    answer = audit.page.request.get(live_server.url + calendar.get_attribute('href'))
    assert answer.status == 200 and answer.headers['content-type'].startswith('text/calendar')
    assert 'BEGIN:VEVENT' in answer.text() and 'Booked final exam' in answer.text()

    # Moved to the first sitting, whose time to begin has come: the exam can be begun.
    audit.page.locator(f'{BLOCK} details.proctored-exam__reconsider summary').click()
    audit.page.locator(f'{BLOCK} input[name=sitting][value="{first.pk}"]').check()
    audit.page.locator(f'{BLOCK} details form[data-action=book] button[type=submit]').click()
    audit.expect_state('choose')
    expect(audit.page.locator(f'{BLOCK} [data-booking=now]')).to_be_visible()
    audit.check('choose, at the sitting')
    audit.act('opt_in', 'checks')
    audit.close()


@pytest.mark.parametrize('locale', LOCALES)
def test_course_staff_publish_a_sitting(chromium, live_server, locale):
    in_thread(publish_demo_sittings)
    audit = ExamAudit(chromium, locale)
    audit.page.goto(f'{live_server.url}{SITTINGS_PAGE}?student=course_staff')
    audit.check('dashboard sittings', 'body')
    form = audit.page.locator('form.add-sitting')
    form.locator('[name=starts_at]').fill('2030-01-14T09:00')
    form.locator('[name=capacity]').fill('12')
    form.locator('[name=proctor]').fill('nobody-by-that-name')
    form.locator('button[type=submit]').click()
    expect(audit.page.locator('[role=alert]')).to_be_focused()
    audit.check('dashboard sittings: a refused sitting', 'body')
    form = audit.page.locator('form.add-sitting')   # shown again as it was typed
    expect(form.locator('[name=capacity]')).to_have_value('12')
    form.locator('[name=proctor]').fill('proctor')
    form.locator('[name=location]').fill('Hall B')
    form.locator('button[type=submit]').click()
    expect(audit.page.locator('.notice')).to_be_focused()
    assert in_thread(lambda: Sitting.objects.filter(location='Hall B', capacity=12).count()) == 1
    audit.close()
