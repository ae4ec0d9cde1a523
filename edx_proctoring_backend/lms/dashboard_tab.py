"""
The "Proctored exams" tab of the LMS's instructor dashboard, added the supported way for a plugin:
steps of the openedx-filters instructor dashboard filters, which ``settings.common.plugin_settings``
puts in the site's ``OPEN_EDX_FILTERS_CONFIG``.

* The legacy dashboard page (``InstructorDashboardRenderStarted``) gets a section whose fragment
  frames this app's dashboard pages for the course (``templates/instructor_dashboard/proctored_exams.html``
  is the section's template in the platform's template path).
* The instructor dashboard app (``InstructorDashboardTabsRequested``) gets a tab linking to them.

The pages check the viewer's role in the course themselves; the steps only leave the tab out for a
user who may do nothing there.
"""
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from openedx_filters import PipelineStep
from web_fragments.fragment import Fragment

from . import filters_config, roles

SECTION_KEY = 'proctored_exams'
LEGACY_FILTER = 'org.openedx.learning.instructor.dashboard.render.started.v1'
TABS_FILTER = 'org.openedx.learning.instructor.dashboard.tabs.requested.v1'
LEGACY_STEP = 'edx_proctoring_backend.lms.dashboard_tab.AddProctoredExamsSection'
TABS_STEP = 'edx_proctoring_backend.lms.dashboard_tab.AddProctoredExamsTab'
TAB_SORT_ORDER = 65   # after the platform's own special exams tab


def dashboard_path(course_key, embedded=False):
    """The path of the course's dashboard pages."""
    path = reverse('edx_proctoring_backend:dashboard', args=[str(course_key)])
    return f'{path}?embedded=1' if embedded else path


def _current_user():
    """The user of the request the platform is serving (crum, in the LMS), or None."""
    try:
        from crum import get_current_user  # pylint: disable=import-outside-toplevel
    except ImportError:
        return None
    return get_current_user()


def _may_see(user, course_key):
    """Whether the tab is offered: to anybody the pages let do something (unknown user: the pages decide)."""
    return user is None or bool(roles.capabilities(user, course_key))


def section(course_key):
    """The legacy dashboard's section for the course: a frame of this app's pages."""
    title = gettext('Proctored exams')
    html = format_html(
        '<div class="proctored-exams-dashboard"><p><a href="{}" target="_blank" rel="noopener">{}</a></p>'
        '<iframe src="{}" title="{}" style="width:100%;min-height:60rem;border:0"></iframe></div>',
        dashboard_path(course_key), gettext('Open in a new window'), dashboard_path(course_key, embedded=True), title)
    return {
        'section_key': SECTION_KEY, 'section_display_name': title, 'course_id': str(course_key),
        'template_path_prefix': '/instructor_dashboard/', 'fragment': Fragment(html),
    }


class AddProctoredExamsSection(PipelineStep):
    """``InstructorDashboardRenderStarted``: add the "Proctored exams" section to the legacy dashboard."""

    def run_filter(self, context, template_name):  # pylint: disable=arguments-differ,unused-argument
        """Append the section to ``context['sections']``."""
        course = context.get('course')
        course_key = getattr(course, 'id', None) or context.get('course_id')
        if course_key is None or not _may_see(_current_user(), course_key):
            return {'context': context}
        context.setdefault('sections', []).append(section(course_key))
        return {'context': context}


class AddProctoredExamsTab(PipelineStep):
    """``InstructorDashboardTabsRequested``: add the "Proctored exams" tab to the instructor dashboard app."""

    def run_filter(self, tabs, user, course_key):  # pylint: disable=arguments-differ
        """Append the tab (an absolute address where the site has ``LMS_ROOT_URL``)."""
        if not _may_see(user, course_key):
            return {'tabs': tabs}
        root = getattr(settings, 'LMS_ROOT_URL', '') or ''
        tabs = [*tabs, {'tab_id': SECTION_KEY, 'title': gettext('Proctored exams'),
                        'url': root.rstrip('/') + dashboard_path(course_key), 'sort_order': TAB_SORT_ORDER}]
        return {'tabs': tabs}


def register(site_settings):
    """Put both steps in the site's ``OPEN_EDX_FILTERS_CONFIG`` (keeping every other step)."""
    for filter_type, step in ((LEGACY_FILTER, LEGACY_STEP), (TABS_FILTER, TABS_STEP)):
        filters_config.add_steps(site_settings, filter_type, [step])
