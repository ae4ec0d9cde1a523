"""
The "Proctored exams" tab of the LMS's instructor dashboard, through openedx-filters as the platform
runs it: the plugin's settings put the steps in ``OPEN_EDX_FILTERS_CONFIG``, and the filters run them.
"""
import types

import pytest
from opaque_keys.edx.keys import CourseKey
from openedx_filters.learning import filters
from openedx_filters.learning.filters import InstructorDashboardRenderStarted

from edx_proctoring_backend.lms import dashboard_tab
from edx_proctoring_backend.settings.common import plugin_settings

COURSE = 'course-v1:Test+Exam+2026'
# The instructor dashboard app's tab filter came with openedx-filters 3.3; the platform may pin an older one.
InstructorDashboardTabsRequested = getattr(filters, 'InstructorDashboardTabsRequested', None)
needs_tabs_filter = pytest.mark.skipif(
    InstructorDashboardTabsRequested is None,
    reason='this openedx-filters has no InstructorDashboardTabsRequested (the legacy dashboard section still works)')


@pytest.fixture
def lms_settings(settings):
    """The site's settings as the plugin framework leaves them, with another plugin's step already there."""
    settings.OPEN_EDX_FILTERS_CONFIG = {
        dashboard_tab.LEGACY_FILTER: {'fail_silently': False, 'pipeline': ['other_plugin.steps.AddTab']},
    }
    plugin_settings(settings)
    plugin_settings(settings)  # twice (devstack and common): the steps are added once
    return settings


def test_the_plugin_settings_register_both_steps_beside_others(lms_settings):
    config = lms_settings.OPEN_EDX_FILTERS_CONFIG
    assert config[dashboard_tab.LEGACY_FILTER] == {
        'fail_silently': False, 'pipeline': ['other_plugin.steps.AddTab', dashboard_tab.LEGACY_STEP]}
    assert config[dashboard_tab.TABS_FILTER]['pipeline'] == [dashboard_tab.TABS_STEP]


def test_the_legacy_dashboard_gets_a_section_framing_the_pages(lms_settings):
    lms_settings.OPEN_EDX_FILTERS_CONFIG[dashboard_tab.LEGACY_FILTER]['pipeline'] = [dashboard_tab.LEGACY_STEP]
    course = types.SimpleNamespace(id=CourseKey.from_string(COURSE))
    context, template = InstructorDashboardRenderStarted.run_filter(
        context={'course': course, 'sections': [{'section_key': 'course_info'}]},
        template_name='instructor/instructor_dashboard_2/instructor_dashboard_2.html')

    assert template == 'instructor/instructor_dashboard_2/instructor_dashboard_2.html'
    assert [section['section_key'] for section in context['sections']] == ['course_info', 'proctored_exams']
    section = context['sections'][1]
    assert section['template_path_prefix'] == '/instructor_dashboard/'
    html = section['fragment'].body_html()
    assert f'src="/api/proctored-exams/dashboard/{COURSE}/?embedded=1"' in html
    assert 'title="Proctored exams"' in html


@needs_tabs_filter
def test_the_dashboard_app_gets_a_tab(lms_settings, make_user):
    lms_settings.LMS_ROOT_URL = 'https://lms.example.org'
    staff = make_user('admin')
    staff.is_staff = True
    staff.save()
    tabs, _, _ = InstructorDashboardTabsRequested.run_filter(
        tabs=[{'tab_id': 'course_info', 'title': 'Course Info', 'url': '/x', 'sort_order': 10}], user=staff,
        course_key=CourseKey.from_string(COURSE))
    assert tabs[-1] == {'tab_id': 'proctored_exams', 'title': 'Proctored exams',
                        'url': f'https://lms.example.org/api/proctored-exams/dashboard/{COURSE}/',
                        'sort_order': dashboard_tab.TAB_SORT_ORDER}


@pytest.mark.usefixtures('lms_settings')
@needs_tabs_filter
def test_a_user_who_may_do_nothing_gets_no_tab(learner):
    tabs, _, _ = InstructorDashboardTabsRequested.run_filter(tabs=[], user=learner,
                                                             course_key=CourseKey.from_string(COURSE))
    assert tabs == []


def test_the_section_template_renders_the_fragment():
    from mako.template import Template  # pylint: disable=import-outside-toplevel
    path = dashboard_tab.__file__.replace('lms/dashboard_tab.py', 'templates/instructor_dashboard/proctored_exams.html')
    section = dashboard_tab.section(COURSE)
    html = Template(filename=path).render(section_data=section)
    assert '<iframe' in html and 'data-section="proctored_exams"' in html


def test_the_section_template_is_in_the_platforms_mako_directories(settings):
    settings.MAKO_TEMPLATE_DIRS_BASE = ['/edx/app/edxapp/edx-platform/lms/templates']
    plugin_settings(settings)
    plugin_settings(settings)
    added = [directory for directory in settings.MAKO_TEMPLATE_DIRS_BASE if 'edx_proctoring_backend' in directory]
    assert len(added) == 1
    from mako.lookup import TemplateLookup  # pylint: disable=import-outside-toplevel
    lookup = TemplateLookup(directories=settings.MAKO_TEMPLATE_DIRS_BASE)
    html = lookup.get_template('/instructor_dashboard/proctored_exams.html').render(
        section_data=dashboard_tab.section(COURSE))
    assert '<iframe' in html
