"""The exam in Studio: a container of standard content, its validation, safe defaults, and when settings are written."""
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey, UsageKey
from openedx_events.content_authoring.data import CourseData, XBlockData
from openedx_events.content_authoring.signals import COURSE_IMPORT_COMPLETED, XBLOCK_PUBLISHED
from workbench.runtime import WorkbenchRuntime
from workbench.scenarios import add_xml_scenario, get_scenarios
from xblock.core import XBlock
from xblock.validation import ValidationMessage

from edx_proctoring_backend import api
from edx_proctoring_backend.exams.models import Exam, ExamAttempt
from proctored_xblock.services import DEFAULT_COURSE_KEY
from tests.fakes.counting_provider import CALLS, reset_calls

from .conftest import agreed, call_handler
from .test_block import PROCTORED_60, page

pytestmark = pytest.mark.usefixtures('db')
COURSE = 'course-v1:Demo+Proctoring+Standalone'
WITH_COUNTING = {'null': {}, 'counting': {'class': 'tests.fakes.counting_provider.CountingProvider'}}


class StudioMako:  # pylint: disable=too-few-public-methods
    """Studio's ``mako`` service: records what the block asks it to render."""

    namespace_prefix = ''

    def __init__(self):
        self.rendered = []

    def render_template(self, template_name, dictionary):
        """Record the template and its context; return a marker of the add-component controls."""
        self.rendered.append((template_name, dictionary))
        return '<div class="add-xblock-component"></div>' if dictionary.get('can_add') else ''


class Sequential(XBlock):
    """A subsection, as the platform's ``sequential`` holds units."""

    has_children = True


def open_xml(name, xml, student='learner'):
    """Load an XML scenario; return (runtime, root block)."""
    add_xml_scenario(name, name, xml)
    runtime = WorkbenchRuntime(student)
    return runtime, runtime.get_block(get_scenarios()[name].usage_id)


def validation_of(block):
    """[(type, text)] of the block's Studio validation."""
    return [(message.type, message.text) for message in block.validate().messages]


# ---- 1. A container of standard content ----------------------------------------------------------------

def test_the_exams_own_studio_page_offers_studios_add_component_controls(workbench):
    runtime, block = workbench(PROCTORED_60)
    mako = StudioMako()
    runtime._services['mako'] = mako  # pylint: disable=protected-access
    html = block.render('author_view', {'root_xblock': block}).body_html()
    assert 'add-xblock-component' in html
    assert len(mako.rendered) == 1
    template, context = mako.rendered[0]
    assert template == 'studio_render_children_view.html'
    assert context['can_add'] and context['can_reorder']
    assert [item['id'] for item in context['items']] == [str(child) for child in block.children]
    assert mako.namespace_prefix == 'lms.'  # Studio renders the LMS's template of that name


def test_on_the_unit_page_the_exam_shows_a_summary_and_its_content_count(workbench):
    runtime, block = workbench(PROCTORED_60)
    runtime._services['mako'] = StudioMako()  # pylint: disable=protected-access
    unit = block.get_parent()
    html = block.render('author_view', {'root_xblock': unit}).body_html()
    assert 'Proctored exam · Time limit (minutes): 60 · Proctoring provider: No proctoring software' in html
    assert 'This exam holds 2 components.' in html and 'Open the exam (View)' in html
    assert 'exam-question' not in html


def test_without_studio_the_author_view_shows_the_content(workbench):
    _, block = workbench(PROCTORED_60)
    html = block.render('author_view', {}).body_html()
    assert html.count('exam-question__answer') == 2


def test_standard_content_is_the_exams_content():
    _, unit = open_xml('standard content', '<vertical_demo><proctored_exam provider="null" allow_opt_out="true">'
                       '<html_demo>Read the case.</html_demo><exam_question prompt="Why?"/></proctored_exam>'
                       '</vertical_demo>')
    block = unit.runtime.get_block(unit.children[0])
    html, _ = page(block)
    assert 'Read the case.' not in html
    assert call_handler(block, 'opt_out')[0] == 200
    assert 'Read the case.' in page(block)[0]


# ---- Validation messages -------------------------------------------------------------------------------

def test_a_valid_exam_with_a_recording_provider_has_nothing_to_fix(workbench, settings):
    settings.PROCTORING_PROVIDERS = WITH_COUNTING
    _, block = workbench(PROCTORED_60)
    block.provider = 'counting'
    assert validation_of(block) == []


def test_a_provider_that_records_nothing_is_a_warning_where_the_site_allows_it(workbench):
    _, block = workbench(PROCTORED_60)
    assert validation_of(block) == [(ValidationMessage.WARNING, "This exam's proctoring provider records nothing: "
                                     "nobody can review how learners take it.")]


def test_a_provider_that_records_nothing_is_an_error_elsewhere(workbench, settings):
    settings.PROCTORING_ALLOW_UNRECORDED_PROCTORING = False
    _, block = workbench(PROCTORED_60)
    assert validation_of(block) == [(ValidationMessage.ERROR,
                                     'This provider records nothing: choose one that proctors.')]


def test_an_unconfigured_provider_is_an_error(workbench):
    _, block = workbench(PROCTORED_60)
    block.provider = 'ghost'
    assert validation_of(block) == [(ValidationMessage.ERROR,
                                     'This proctoring provider is not configured on this site.')]


def test_a_timed_exam_needs_no_provider(workbench):
    _, block = workbench(PROCTORED_60)
    block.exam_type = 'timed'
    assert validation_of(block) == []


def test_an_exam_that_closes_before_it_opens_is_an_error(workbench):
    _, block = workbench(PROCTORED_60)
    block.exam_type = 'timed'
    block.open_date = timezone.now() + timedelta(days=2)
    block.close_date = timezone.now() + timedelta(days=1)
    assert validation_of(block) == [(ValidationMessage.ERROR, 'The exam must close after it opens.')]
    block.close_date = timezone.now() + timedelta(days=3)
    assert validation_of(block) == []


def test_an_exam_without_content_is_a_warning():
    _, unit = open_xml('empty exam', '<vertical_demo><proctored_exam provider="null"/></vertical_demo>')
    block = unit.runtime.get_block(unit.children[0])
    assert (ValidationMessage.WARNING, "This exam has no content yet: open it and add the problems, text or videos "
            "learners answer.") in validation_of(block)


@pytest.mark.parametrize('xml,shares', [
    ('<sequential><vertical_demo><proctored_exam provider="null"><html_demo>Q</html_demo></proctored_exam>'
     '</vertical_demo></sequential>', False),
    ('<sequential><vertical_demo><proctored_exam provider="null"><html_demo>Q</html_demo></proctored_exam>'
     '<html_demo>Read this first</html_demo></vertical_demo></sequential>', True),
    ('<sequential><vertical_demo><proctored_exam provider="null"><html_demo>Q</html_demo></proctored_exam>'
     '</vertical_demo><vertical_demo><html_demo>Another unit</html_demo></vertical_demo></sequential>', True),
])
@XBlock.register_temp_plugin(Sequential, 'sequential')
def test_an_exam_that_shares_its_subsection_is_a_warning(xml, shares):
    _, sequential = open_xml(f'subsection {shares} {len(xml)}', xml)
    unit = sequential.runtime.get_block(sequential.children[0])
    block = unit.runtime.get_block(unit.children[0])
    warning = (ValidationMessage.WARNING, "This exam shares its subsection with other content. The platform's grade "
               "override, completion and reset act on the whole subsection: give the exam a subsection of its own.")
    assert (warning in validation_of(block)) is shares
    settings = block.exam_settings()
    assert settings['subsection_key'] == str(sequential.scope_ids.usage_id)
    assert settings['alone_in_subsection'] is not shares   # the platform's subsection-wide receivers act only then
    assert block.sync_exam().alone_in_subsection is not shares


# ---- Safe defaults -------------------------------------------------------------------------------------

def test_a_new_exam_is_proctored_without_opting_out_and_uses_a_provider_that_records(settings):
    settings.PROCTORING_PROVIDERS = WITH_COUNTING
    settings.PROCTORING_DEFAULT_PROVIDER = None
    settings.PROCTORING_ALLOW_UNRECORDED_PROCTORING = False
    _, unit = open_xml('new exam', '<vertical_demo><proctored_exam><html_demo>Q</html_demo></proctored_exam>'
                       '</vertical_demo>')
    block = unit.runtime.get_block(unit.children[0])
    assert (block.exam_type, block.allow_opt_out, block.provider) == ('proctored', False, '')
    assert block.exam().provider == 'counting'
    assert validation_of(block) == []
    html, _ = page(block)
    assert 'data-action="opt_out"' not in html


def test_without_a_provider_that_records_the_author_must_choose(settings):
    settings.PROCTORING_PROVIDERS = {'null': {}}
    settings.PROCTORING_DEFAULT_PROVIDER = None
    settings.PROCTORING_ALLOW_UNRECORDED_PROCTORING = False
    _, unit = open_xml('no provider', '<vertical_demo><proctored_exam><html_demo>Q</html_demo></proctored_exam>'
                       '</vertical_demo>')
    block = unit.runtime.get_block(unit.children[0])
    assert validation_of(block) == [(ValidationMessage.ERROR, 'Choose a proctoring provider.')]
    html, _ = page(block)   # learners are told, and nothing is written
    assert 'data-state="unavailable"' in html and 'not finished setting it up' in html and 'Q' not in html
    assert not Exam.objects.exists()
    status, body = call_handler(block, 'studio_submit', {'exam_type': 'proctored', 'time_limit_minutes': 30})
    assert (status, body['fields']) == (400, {'provider': 'Choose a proctoring provider.'})


# ---- Hidden children -------------------------------------------------------------------------------------

def test_children_the_runtime_withholds_are_left_out(workbench, monkeypatch):
    runtime, block = workbench(PROCTORED_60)
    hidden = block.children[0]
    get_block = runtime.get_block
    monkeypatch.setattr(runtime, 'get_block', lambda usage_id, *args, **kwargs: (
        None if usage_id == hidden else get_block(usage_id, *args, **kwargs)))
    assert call_handler(block, 'opt_out')[0] == 200
    html, _ = page(block)
    assert html.count('exam-question__answer') == 1
    assert block.render('author_view', {}).body_html().count('exam-question__answer') == 1
    unit_page = block.render('author_view', {'root_xblock': block.get_parent()}).body_html()
    assert 'This exam holds 2 components.' in unit_page


# ---- 3. Settings written on save or publish, never by a learner's page -----------------------------------

def exam_writes(queries):
    """The SQL statements among ``queries`` that write the exam table."""
    written = re.compile(rf'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+["`]?{Exam._meta.db_table}["`]?\s', re.I)
    return [query['sql'] for query in queries if written.match(query['sql'])]


def test_a_learners_page_and_actions_never_write_the_exam(workbench):
    _, block = workbench(PROCTORED_60)
    exam = block.exam()
    block.time_limit_minutes = 5   # an unsaved change: the page keeps the exam's saved settings
    with CaptureQueriesContext(connection) as queries:
        page(block)
        assert call_handler(block, 'opt_in', agreed(block))[0] == 200
        code = ExamAttempt.objects.get(user__username='learner').exam_code
        assert call_handler(block, 'confirm_checks', {'exam_code': code})[0] == 200
        assert call_handler(block, 'start')[0] == 200
        _, init = page(block)
    assert exam_writes(queries.captured_queries) == []
    assert init['timer']['total_seconds'] == 3600
    exam.refresh_from_db()
    assert exam.time_limit_minutes == 60


def test_saving_in_the_workbench_writes_the_exam_and_registers_it_with_the_provider(
        workbench, settings, django_capture_on_commit_callbacks):
    settings.PROCTORING_PROVIDERS = WITH_COUNTING
    reset_calls()
    _, block = workbench(PROCTORED_60)
    block.exam()
    with django_capture_on_commit_callbacks(execute=True):
        status, _ = call_handler(block, 'studio_submit',
                                 {'exam_type': 'proctored', 'time_limit_minutes': 90, 'provider': 'counting'})
    assert status == 200
    exam = Exam.objects.get(usage_key=str(block.scope_ids.usage_id))
    assert (exam.time_limit_minutes, exam.provider) == (90, 'counting')
    assert CALLS['register_exam'] == 1


def studio_block(edx_platform, xml, name):  # the tests that call it need the ``db`` fixture
    """A block of the platform's course ``COURSE`` as Studio's modulestore holds it (published)."""
    _, unit = open_xml(name, xml)
    block = unit.runtime.get_block(unit.children[0])
    edx_platform.save_content(COURSE, [unit, block])
    return block


EXAM_XML = ('<vertical_demo><proctored_exam provider="null" time_limit_minutes="45" display_name="Final">'
            '<html_demo>Q</html_demo></proctored_exam></vertical_demo>')


def test_in_studio_a_save_waits_for_the_publish(edx_platform, make_user, django_capture_on_commit_callbacks):
    block = studio_block(edx_platform, EXAM_XML, 'studio save')
    edx_platform.grant(make_user('learner'), COURSE, 'staff')
    assert api.syncs_on_publish()
    with django_capture_on_commit_callbacks(execute=True):
        status, _ = call_handler(block, 'studio_submit',
                                 {'exam_type': 'proctored', 'time_limit_minutes': 90, 'provider': 'null'})
    assert status == 200 and block.time_limit_minutes == 90
    assert not Exam.objects.exists()
    # The platform's publish keeps the dates set on blocks: this one holds the exam's content closed.
    assert block.due == api.CONTENT_CLOSED


def test_a_publish_gives_the_course_exams_their_published_settings(edx_platform, django_capture_on_commit_callbacks):
    block = studio_block(edx_platform, EXAM_XML, 'studio publish')
    block.time_limit_minutes = 50
    draft = studio_block(edx_platform, EXAM_XML.replace('Final', 'Draft'), 'studio draft')
    edx_platform.save_content(COURSE, [block, draft], published=False)
    edx_platform.content[(COURSE, 'published-only')] = [block]
    published_unit = UsageKey.from_string('block-v1:Demo+Proctoring+Standalone+type@vertical+block@unit')
    with django_capture_on_commit_callbacks(execute=True):
        XBLOCK_PUBLISHED.send_event(xblock_info=XBlockData(usage_key=published_unit, block_type='vertical'))
    exam = Exam.objects.get()
    assert (exam.usage_key, exam.time_limit_minutes, exam.display_name) == (str(block.scope_ids.usage_id), 50, 'Final')
    assert edx_platform.calls_to('branch_setting') == [{'branch_setting': 'published-only',
                                                        'course_id': CourseKey.from_string(COURSE)}]


def test_an_import_gives_the_course_exams_their_settings(edx_platform, django_capture_on_commit_callbacks):
    block = studio_block(edx_platform, EXAM_XML, 'studio import')
    with django_capture_on_commit_callbacks(execute=True):
        COURSE_IMPORT_COMPLETED.send_event(course=CourseData(course_key=CourseKey.from_string(COURSE)))
    assert Exam.objects.get().usage_key == str(block.scope_ids.usage_id)


def test_a_publish_leaves_an_exam_with_invalid_settings_as_it_was(edx_platform, django_capture_on_commit_callbacks):
    block = studio_block(edx_platform, EXAM_XML, 'studio invalid')
    block.exam()
    block.provider = 'ghost'
    with django_capture_on_commit_callbacks(execute=True):
        COURSE_IMPORT_COMPLETED.send_event(course=CourseData(course_key=CourseKey.from_string(COURSE)))
    assert Exam.objects.get().provider == 'null'


def test_a_learner_cannot_save_the_settings_inside_the_platform(edx_platform, django_capture_on_commit_callbacks):
    block = studio_block(edx_platform, EXAM_XML, 'studio learner')
    with django_capture_on_commit_callbacks(execute=True):
        status, body = call_handler(block, 'studio_submit', {'exam_type': 'proctored', 'time_limit_minutes': 1})
    assert (status, body['error']) == (403, 'not_author')
    assert block.time_limit_minutes == 45


def test_the_dates_the_learners_block_gives_cap_the_deadline_without_writing_the_exam(workbench):
    _, block = workbench(PROCTORED_60)
    exam = block.exam()
    # What the learner's runtime gives the block (on the platform, ``due`` is personalised per learner).
    block.close_date = timezone.now() + timedelta(minutes=10)
    learner_due = block.due_date()
    assert call_handler(block, 'opt_in', agreed(block))[0] == 200
    code = ExamAttempt.objects.get(user__username='learner').exam_code
    assert call_handler(block, 'confirm_checks', {'exam_code': code})[0] == 200
    assert call_handler(block, 'start')[0] == 200
    attempt = ExamAttempt.objects.get(user__username='learner')
    assert abs((attempt.deadline - learner_due).total_seconds()) < 1
    exam.refresh_from_db()
    assert exam.due_date is None
    assert DEFAULT_COURSE_KEY == COURSE
