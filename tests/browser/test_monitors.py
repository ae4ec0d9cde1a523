"""
Nominated exam monitors in a real browser: the learner nominates their monitor, course staff approve
them, the monitor types the password at the checks, and files a report through the link of their
e-mail. Each page is audited by axe-core in English, French, Dutch and Arabic.
"""
import re

import pytest
from django.core import mail
from playwright.sync_api import expect
from workbench.runtime_util import reset_global_state
from workbench.scenarios import get_scenarios

from edx_proctoring_backend import api
from edx_proctoring_backend.monitors.models import Nomination
from proctored_xblock.services import DEFAULT_COURSE_KEY
from tests.browser.accessibility import LOCALES
from tests.browser.conftest import in_thread
from tests.browser.test_accessibility import BLOCK, ExamAudit

pytestmark = pytest.mark.browser

MONITORS_PAGE = f'/api/proctored-exams/dashboard/{DEFAULT_COURSE_KEY}/monitors'


@pytest.fixture
def monitor_exam_url(settings, live_server):
    """The demo's exam with a nominated monitor (the ``monitor`` provider configured), for a learner."""
    settings.PROCTORING_PROVIDERS = {**settings.PROCTORING_PROVIDERS, 'monitor': {}}
    settings.PROCTORING_SITE_URL = live_server.url

    def scenario():
        reset_global_state()
        return next(name for name, item in get_scenarios().items() if 'provider="monitor"' in item.xml)
    name = in_thread(scenario)
    return lambda student: f'{live_server.url}/scenario/{name}/?student={student}'


def exam_password():
    """The password and the report link of the last e-mail to the monitor (Django's test outbox)."""
    outbox = mail.outbox  # pylint: disable=no-member  # Django's test e-mail backend keeps it
    text = next(message for message in reversed(outbox) if 'grace@example.org' in message.to).body
    password = re.search(r'^\s+([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})\s*$', text, re.M).group(1)
    return password, re.search(r'(http://\S+/monitor-report/\S+)', text).group(1).rstrip('.')


@pytest.mark.parametrize('locale', LOCALES)
def test_a_learner_nominates_staff_approve_and_the_monitor_types_the_password(
        chromium, live_server, learner_name, monitor_exam_url, locale):
    audit = ExamAudit(chromium, locale)
    audit.exam(monitor_exam_url(learner_name), 'nominate')
    audit.check('nominate: the form')
    form = audit.page.locator(f'{BLOCK} form[data-action=nominate]')
    form.locator('[name=name]').fill('Grace Hopper')
    form.locator('[name=email]').fill('grace@example.org')
    form.locator('[name=phone]').fill('+31 20 555 0100')
    form.locator('[name=occupation]').fill('Librarian')
    for checkbox in form.locator('[name=declaration]').all():
        checkbox.check()
    form.locator('button[type=submit]').click()
    expect(audit.page.locator(f'{BLOCK} [data-nomination=pending]')).to_be_visible()
    audit.check('nominate: awaiting the decision')

    audit.page.goto(f'{live_server.url}{MONITORS_PAGE}?student=course_staff')
    audit.check('dashboard monitors: a nomination to decide', 'body')
    audit.page.locator('button[value=approve]').first.click()
    expect(audit.page.locator('.notice')).to_be_focused()
    audit.check('dashboard monitors: decided', 'body')
    assert in_thread(lambda: Nomination.objects.get(user__username=learner_name).status) == Nomination.APPROVED

    password, report_url = exam_password()
    audit.exam(monitor_exam_url(learner_name), 'choose')
    audit.act('opt_in', 'checks')
    expect(audit.page.locator(f'{BLOCK} [name=monitor_password]')).to_be_visible()
    audit.check('checks: the exam password')
    code = audit.page.locator('input.proctored-exam__code-value').input_value()
    audit.page.locator('[name=exam_code]').fill(code)
    audit.page.locator('[name=monitor_password]').fill('WRONG-WRONG-WRON')
    audit.page.locator('form[data-action=confirm_checks] button[type=submit]').click()
    expect(audit.page.locator(f'{BLOCK} .proctored-exam__error')).to_be_visible()
    audit.page.locator('[name=monitor_password]').fill(password)
    audit.page.locator('form[data-action=confirm_checks] button[type=submit]').click()
    audit.expect_state('ready_to_start')
    audit.act('start', 'started')
    audit.act('submit', 'submitted')

    audit.page.goto(report_url)
    audit.check('the monitor report form', 'body')
    audit.page.locator('[name=began_at]').fill('09:02')
    audit.page.locator('[name=ended_at]').fill('10:01')
    audit.page.locator('[name=incidents]').fill('Nothing unusual.')
    audit.page.locator('button[type=submit]').click()
    expect(audit.page.locator('.notice')).to_be_focused()
    audit.check('the monitor report: filed', 'body')
    report = in_thread(lambda: api.monitor_report_of(
        Nomination.objects.get(user__username=learner_name).exam.attempts.get()))
    assert report.incidents == 'Nothing unusual.'
    audit.close()
