"""
WCAG 2.2 AA in a real browser: axe-core audits every page and state the package renders (the exam block
in each state and exam type, the in-house checks, the progress panel, every dashboard page, the review
queue and the reviewer page) in English, French, Dutch and right-to-left Arabic, and fails on any
violation within the package's own markup (the block's root in the workbench's page; the whole of the
package's own pages).
"""
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from playwright.sync_api import expect
from workbench.runtime import WorkbenchRuntime
from workbench.runtime_util import reset_global_state
from workbench.scenarios import get_scenarios

from edx_proctoring_backend.exams.models import ExamAttempt
from edx_proctoring_backend.exams.statuses import AttemptStatus
from edx_proctoring_backend.providers import registry
from proctored_xblock import views
from proctored_xblock.i18n import BlockI18nService
from proctored_xblock.resources import read_static
from proctored_xblock.services import DEFAULT_COURSE_KEY
from tests.browser.accessibility import LOCALES, Audit, axe_violations
from tests.browser.conftest import in_thread
from tests.browser.pages import latest_attempt, leave_seconds

pytestmark = pytest.mark.browser

BLOCK = '.proctored-exam'
# The demo's scenarios (``ProctoredExamBlock.workbench_scenarios``).
SIXTY_MINUTES, REQUIRED, PRACTICE, TIMED, ON_CAMPUS = 0, 2, 3, 4, 5
PROGRESS_SCENARIO = 'proctoring_progress.0'
DASHBOARD = f'/api/proctored-exams/dashboard/{DEFAULT_COURSE_KEY}'


class ExamAudit(Audit):
    """An audit of the exam block's states: the block's root is what is audited."""

    def check(self, where, selector=BLOCK):
        super().check(where, selector)

    def exam(self, url, state):
        """Open the exam page at ``url`` and wait until it shows ``state``."""
        self.page.goto(url)
        self.expect_state(state)

    def expect_state(self, state):
        """Wait until the exam shows ``state``."""
        expect(self.page.locator(BLOCK)).to_have_attribute('data-state', state)

    def act(self, action, state):
        """Click the (first visible) button of ``action`` and wait for ``state``."""
        self.page.locator(f'{BLOCK} button[data-action={action}]:visible').first.click()
        self.expect_state(state)

    def confirm_checks(self):
        """Copy the exam code into the checks and continue: ready to start."""
        code = self.page.locator('input.proctored-exam__code-value').input_value()
        self.page.locator('[name=exam_code]').fill(code)
        self.page.locator('form[data-action=confirm_checks] button[type=submit]').click()
        self.expect_state('ready_to_start')


@pytest.mark.parametrize('locale', LOCALES)
def test_every_learner_state_of_the_exam_block(chromium, workbench, learner_name, locale):
    audit = ExamAudit(chromium, locale)
    scenario = f'{workbench}/scenario/proctored_exam.{{}}/?student={learner_name}-{{}}'

    # A proctored exam: choose, refuse, agree after all, the checks, ready, started, submitted.
    audit.exam(scenario.format(SIXTY_MINUTES, 'p'), 'choose')
    audit.check('choose (proctored)')
    audit.act('refuse_terms', 'refused')
    audit.check('refused')
    audit.page.locator('.proctored-exam__reconsider summary').click()
    audit.act('opt_in', 'checks')
    audit.check('checks (proctored)')
    audit.confirm_checks()
    audit.check('ready_to_start')
    audit.act('start', 'started')
    audit.check('started (proctored)')
    audit.act('submit', 'submitted')
    audit.check('submitted (proctored, review pending)')

    # Without proctoring: declined. Required proctoring: no way out.
    audit.exam(scenario.format(SIXTY_MINUTES, 'o'), 'choose')
    audit.act('opt_out', 'declined')
    audit.check('declined')
    audit.exam(scenario.format(REQUIRED, 'r'), 'choose')
    audit.check('choose (required proctoring)')

    # On campus instead.
    audit.exam(scenario.format(ON_CAMPUS, 'c'), 'choose')
    audit.act('refuse_terms', 'refused')
    audit.check('refused (on campus offered)')
    audit.act('request_on_campus', 'on_campus')
    audit.check('on_campus')

    # A timed exam: choose, started, submitted.
    audit.exam(scenario.format(TIMED, 't'), 'choose')
    audit.check('choose (timed)')
    audit.act('start', 'started')
    audit.check('started (timed)')
    # 5% of the time left: the critical warning.
    attempt = in_thread(latest_attempt, f'{learner_name}-t')
    in_thread(leave_seconds, attempt.pk, 50)
    audit.page.reload()
    expect(audit.page.locator(BLOCK)).to_have_attribute('data-warning', 'critical')
    audit.check('started (timed, 5% of the time left)')
    audit.act('submit', 'submitted')
    audit.check('submitted (timed)')

    # A practice exam, to its result.
    audit.exam(scenario.format(PRACTICE, 'x'), 'choose')
    audit.check('choose (practice)')
    audit.act('opt_in', 'checks')
    audit.confirm_checks()
    audit.act('start', 'started')
    audit.act('submit', 'submitted')
    audit.check('submitted (practice)')
    audit.close()


def mark_attempt_error(username):
    """The learner's latest attempt ends in error, as a lost proctoring session leaves it."""
    ExamAttempt.objects.filter(pk=latest_attempt(username).pk).update(status=AttemptStatus.ERROR)


@pytest.mark.parametrize('locale', LOCALES)
def test_the_other_states_the_progress_panel_and_the_editor(chromium, workbench, learner_name, settings, orm, locale):
    audit = ExamAudit(chromium, locale)
    scenario = f'{workbench}/scenario/proctored_exam.{{}}/?student={learner_name}-{{}}'

    # A learner outside the verified track takes the exam as a regular one.
    settings.PROCTORING_STANDALONE_ENROLLMENT_MODES = {f'{learner_name}-a': 'audit'}
    audit.exam(scenario.format(SIXTY_MINUTES, 'a'), 'regular')
    audit.check('regular')

    # A practice session lost: the error page with the terms to try again.
    audit.exam(scenario.format(PRACTICE, 'e'), 'choose')
    audit.act('opt_in', 'checks')
    orm(mark_attempt_error, f'{learner_name}-e')
    audit.exam(scenario.format(PRACTICE, 'e'), 'error')
    audit.check('error (practice)')

    # The progress panel, with one exam taken without proctoring.
    audit.exam(scenario.format(SIXTY_MINUTES, 'o'), 'choose')
    audit.act('opt_out', 'declined')
    audit.page.goto(f'{workbench}/scenario/{PROGRESS_SCENARIO}/?student={learner_name}-o')
    expect(audit.page.locator('.proctoring-progress table')).to_be_visible()
    audit.check('progress panel', '.proctoring-progress')
    audit.page.goto(f'{workbench}/scenario/proctored_exam.{SIXTY_MINUTES}/studio_view/?student=course_staff')
    expect(audit.page.locator('.proctored-exam-studio form')).to_be_visible()
    audit.check("the author's editor (Studio)", '.proctored-exam-studio')
    audit.close()


def vendor_id_of(username):
    """The Proctortrack-style vendor's id for the learner ``username`` (created if needed)."""
    learner = get_user_model().objects.get_or_create(username=username)[0]
    return registry.get_provider('proctortrack').anonymous_user_id(learner)


@pytest.mark.parametrize('locale', LOCALES)
def test_a_vendor_exam_with_onboarding_and_its_software(chromium, live_server, learner_name, fake_vendor, locale):
    vendor = fake_vendor('proctortrack', onboarding_url='https://vendor.example/onboard/{user_id}')
    in_thread(reset_global_state)
    name = next(name for name, item in get_scenarios().items() if 'provider="proctortrack"' in item.xml)
    audit = ExamAudit(chromium, locale)
    audit.exam(f'{live_server.url}/scenario/{name}/?student={learner_name}', 'choose')
    expect(audit.page.locator('.proctored-exam__onboarding')).to_be_visible()
    audit.check('choose (vendor onboarding to do)')
    # Onboarded learners reach the checks, which are done in the vendor's software.
    vendor.set_onboarding(in_thread(vendor_id_of, f'{learner_name}-ready'), 'approved')
    audit.exam(f'{live_server.url}/scenario/{name}/?student={learner_name}-ready', 'choose')
    audit.check('choose (vendor onboarding approved)')
    audit.act('opt_in', 'checks')
    expect(audit.page.locator('.proctored-exam__software a')).to_be_visible()
    audit.check('checks in the vendor software')
    audit.close()


@pytest.mark.parametrize('locale', LOCALES)
def test_every_dashboard_page(chromium, live_server, workbench, learner_name, locale):
    audit = ExamAudit(chromium, locale)
    # A learner in the timed exam, whose attempt has a page of its own.
    audit.exam(f'{workbench}/scenario/proctored_exam.{TIMED}/?student={learner_name}', 'choose')
    audit.act('start', 'started')
    audit.page.goto(f'{live_server.url}{DASHBOARD}/?student=course_staff')
    audit.check('dashboard home', 'body')
    for name in ('allowances', 'attempts', 'learners', 'sittings', 'monitors', 'exports', 'settings'):
        audit.page.goto(f'{live_server.url}{DASHBOARD}/{name}')
        audit.check(f'dashboard {name}', 'body')
    audit.page.goto(f'{live_server.url}{DASHBOARD}/attempts')
    audit.page.locator('table a[href*="/attempts/"]').first.click()
    audit.check('dashboard attempt', 'body')
    audit.page.goto(f'{live_server.url}{DASHBOARD}/reviews?student=support')
    audit.check('dashboard reviews', 'body')
    audit.close()


def test_the_audit_finds_violations_within_its_scope_only(chromium):
    page = chromium.new_page()
    page.set_content('<html lang="en"><body><main><div class="ours"><img src="data:,"><button></button>'
                     '<p style="color:#bbb;background:#fff">faint</p></div><input type="text"></main></body></html>')
    assert {item['rule'] for item in axe_violations(page, '.ours')} == {'image-alt', 'button-name', 'color-contrast'}
    assert 'label' in {item['rule'] for item in axe_violations(page)}   # the unnamed field outside it
    page.close()


class Terms:
    """The proctoring terms as ``api.consent_terms`` gives them."""

    version = 'v3'
    sections = (('What is recorded', ('Your webcam.', 'Your screen.')),)


def recording_window_pages(locale):
    """(stage, HTML) of each stage of the recording window of an exam behind edx-proctoring, in ``locale``."""
    css = read_static('css/proctored_exam.css')
    with translation.override(locale):
        i18n = BlockI18nService()
        stages = (
            ('terms', {'terms': Terms(), 'csrf_token': 'token'}),
            ('refused', {'terms': Terms(), 'csrf_token': 'token'}),
            ('checks', {'step_names': ['system_check', 'user_photo', 'id_photo'], 'csrf_token': 'token'}),
            ('recording', {'exam_url': 'https://apps.example.org/learning/course/x/y', 'records_screen': True}),
            ('ended', {'message': 'This exam attempt is over.'}),
        )
        return [(stage, views.render_recording_window(i18n, stage, 'Final exam', css, **context))
                for stage, context in stages]


@pytest.mark.parametrize('locale', LOCALES)
def test_every_stage_of_the_recording_window(chromium, locale):
    audit = Audit(chromium, locale)
    for stage, html in recording_window_pages(locale.split('-')[0]):
        audit.page.set_content(html)
        audit.check(f'the recording window: {stage}')
    audit.close()


def exam_page(locale, student, saved=False, **fields):
    """
    A page holding the demo's hour-long exam as ``student`` (None: nobody signed in) sees it in ``locale``,
    with the block's ``fields`` changed (``saved``: as the author saves them).
    """
    with translation.override(locale):
        runtime = WorkbenchRuntime(student)
        unit = runtime.get_block(get_scenarios()[f'proctored_exam.{SIXTY_MINUTES}'].usage_id)
        block = runtime.get_block(unit.children[0])
        for name, value in fields.items():
            setattr(block, name, value)
        if saved:
            block.sync_exam()
        html = block.render('student_view', {}).body_html()
    return (f'<!DOCTYPE html><html lang="{locale}"><head><title>Exam</title>'
            f'<style>{read_static("css/proctored_exam.css")}</style></head><body><main>{html}</main></body></html>')


@pytest.mark.usefixtures('workbench')   # the scenarios, loaded
@pytest.mark.parametrize('locale', LOCALES)
def test_the_states_where_no_exam_can_be_begun(chromium, learner_name, locale):
    audit = ExamAudit(chromium, locale)
    now = timezone.now()
    for state, student, fields in (
            ('sign_in', None, {}),
            ('unavailable', learner_name, {'provider': 'not-configured'}),   # before any save made the exam
            ('not_open', learner_name, {'saved': True, 'provider': '', 'open_date': now + timedelta(days=1),
                                        'close_date': now + timedelta(days=2), 'window_time_zone': 'Asia/Tokyo'}),
            ('closed', learner_name, {'saved': True, 'open_date': None, 'close_date': now - timedelta(days=1)})):
        audit.page.set_content(in_thread(exam_page, locale.split('-')[0], student, **fields))
        audit.expect_state(state)
        audit.check(state)
    audit.close()
