"""
The contract with edx-platform: every platform callable ``edx_proctoring_backend/lms/platform.py``
uses, with its signature as edx-platform defines it and the edx-platform file it comes from.

Entries are taken from edx-platform's source (``openedx/edx-platform``, master), never from the
stand-in: the test below checks that each stand-in of ``tests/fakes/edx_platform.py`` has exactly
the recorded signature, so the tests of the adapter can only pass with calls that bind in edx-platform.
Signatures are as a caller sees them (``str(inspect.signature(...))`` without ``self`` or ``cls``).
This module is collected by ``conftest.py`` next to it although its name does not start with ``test_``.
"""
import importlib
import inspect
from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class PlatformCallable:
    """One edx-platform callable the package uses."""

    module: str      # the module the package imports it from
    qualname: str    # the attribute path inside the module
    kind: str        # 'function', 'classmethod', or 'method' (of an instance made without arguments)
    signature: str   # as ``str(inspect.signature(...))`` prints it for a caller
    source: str      # the file of openedx/edx-platform that defines it
    semantics: str   # what the package relies on, and the stand-in reproduces

    @property
    def dotted_name(self):
        """The full dotted name, e.g. ``openedx.core.djangoapps.credit.api.is_credit_course``."""
        return f'{self.module}.{self.qualname}'

    @property
    def name(self):
        """The callable's own name."""
        return self.qualname.rpartition('.')[2]


CONTRACT = (
    PlatformCallable(
        module='common.djangoapps.student.models',
        qualname='CourseEnrollment.enrollment_mode_for_user',
        kind='classmethod',
        signature='(user, course_id)',
        source='common/djangoapps/student/models/course_enrollment.py',
        semantics='Returns (mode, is_active) of the enrollment; (None, None) when there is none.',
    ),
    PlatformCallable(
        module='common.djangoapps.student.models',
        qualname='CourseEnrollment.objects.users_enrolled_in',
        kind='function',
        signature='(course_id, include_inactive=False, verified_only=False)',
        source='common/djangoapps/student/models/course_enrollment.py',
        semantics='A User queryset of the users enrolled in the course (active enrollments unless include_inactive).',
    ),
    PlatformCallable(
        module='openedx.core.djangoapps.credit.api',
        qualname='is_credit_course',
        kind='function',
        signature='(course_key)',
        source='openedx/core/djangoapps/credit/api/eligibility.py',
        semantics='True iff the course (a CourseKey) is configured for credit.',
    ),
    PlatformCallable(
        module='openedx.core.djangoapps.credit.api',
        qualname='get_credit_requirements',
        kind='function',
        signature='(course_key, namespace=None)',
        source='openedx/core/djangoapps/credit/api/eligibility.py',
        semantics='A list of dicts (namespace, name, display_name, criteria) of the ACTIVE requirements only.',
    ),
    PlatformCallable(
        module='openedx.core.djangoapps.credit.api',
        qualname='set_credit_requirements',
        kind='function',
        signature='(course_key, requirements)',
        source='openedx/core/djangoapps/credit/api/eligibility.py',
        semantics=('Each requirement needs namespace, name, display_name and a criteria key, else '
                   'InvalidCreditRequirements; InvalidCreditCourse for a course that is not a credit course. '
                   'DISABLES every existing requirement not in the list, adds or updates (and enables) the '
                   'listed ones. The platform calls it on every course publish with the requirements it knows.'),
    ),
    PlatformCallable(
        module='openedx.core.djangoapps.credit.api',
        qualname='is_user_eligible_for_credit',
        kind='function',
        signature='(username, course_key)',
        source='openedx/core/djangoapps/credit/api/eligibility.py',
        semantics=('True while the learner has an unexpired CreditEligibility in the course; the platform '
                   'creates it when every active requirement is satisfied and never removes it.'),
    ),
    PlatformCallable(
        module='openedx.core.djangoapps.credit.services',
        qualname='CreditService.set_credit_requirement_status',
        kind='method',
        signature="(user_id, course_key_or_id, req_namespace, req_name, status='satisfied', reason=None)",
        source='openedx/core/djangoapps/credit/services.py',
        semantics=('No-op in a course that is not a credit course and for a learner whose enrollment is not '
                   'credit eligible; skips with an error in the log when the requirement does not exist (or '
                   'is disabled); refuses "failed" once the learner is eligible for credit.'),
    ),
    PlatformCallable(
        module='openedx.core.djangoapps.credit.services',
        qualname='CreditService.remove_credit_requirement_status',
        kind='method',
        signature='(user_id, course_key_or_id, req_namespace, req_name)',
        source='openedx/core/djangoapps/credit/services.py',
        semantics=('No-op in a course that is not a credit course; skips with an error in the log when the '
                   'requirement does not exist (or is disabled). Eligibility already earned stays.'),
    ),
    PlatformCallable(
        module='lms.djangoapps.grades.services',
        qualname='GradesService.override_subsection_grade',
        kind='method',
        # edx-platform's default is GradeOverrideFeatureEnum.proctoring, recorded by its meaning.
        signature=("(user_id, course_key_or_id, usage_key_or_id, earned_all=None, earned_graded=None, "
                   "feature='PROCTORING', overrider=None, comment=None)"),
        source='lms/djangoapps/grades/services.py',
        semantics='Creates or replaces the override of the learner\'s subsection grade (overrider: a User).',
    ),
    PlatformCallable(
        module='lms.djangoapps.grades.services',
        qualname='GradesService.undo_override_subsection_grade',
        kind='method',
        signature="(user_id, course_key_or_id, usage_key_or_id, feature='PROCTORING')",
        source='lms/djangoapps/grades/services.py',
        semantics='Deletes the override the same feature made; undoing a missing override is a no-op.',
    ),
    PlatformCallable(
        module='lms.djangoapps.grades.services',
        qualname='GradesService.should_override_grade_on_rejected_exam',
        kind='method',
        signature='(course_key_or_id)',
        source='lms/djangoapps/grades/services.py',
        semantics=('The course\'s REJECTED_EXAM_OVERRIDES_GRADE waffle flag (grades/api.py): whether a rejected '
                   'exam zeroes the subsection grade. Off unless the course turns it on.'),
    ),
    PlatformCallable(
        module='lms.djangoapps.courseware.access',
        qualname='has_access',
        kind='function',
        signature='(user, action, obj, course_key=None)',
        source='lms/djangoapps/courseware/access.py',
        semantics=('An AccessResponse (true when granted). On a CourseKey: "staff" for global staff and the '
                   'course\'s staff and instructors, "instructor" for global staff and its instructors. On the '
                   'string "global": "staff" for global staff (is_staff), "support" for global staff and '
                   'SupportStaffRole.'),
    ),
    PlatformCallable(
        module='openedx.core.djangoapps.site_configuration.helpers',
        qualname='get_value',
        kind='function',
        signature='(val_name, default=None, **kwargs)',
        source='openedx/core/djangoapps/site_configuration/helpers.py',
        semantics=('The value of val_name in the current site\'s SiteConfiguration (the request\'s site), '
                   'else default; a dict default is updated with the site\'s value (top-level keys).'),
    ),
    PlatformCallable(
        module='openedx.core.djangoapps.user_api.preferences.api',
        qualname='get_user_preference',
        kind='function',
        signature='(requesting_user, preference_key, username=None)',
        source='openedx/core/djangoapps/user_api/preferences/api.py',
        semantics=('The value of the preference preference_key of username (the requesting user\'s own '
                   'without one), or None when it is not set; "pref-lang" is the language the learner chose.'),
    ),
    PlatformCallable(
        module='xmodule.modulestore.django',
        qualname='modulestore',
        kind='function',
        signature='()',
        source='xmodule/modulestore/django.py',
        semantics='The process\'s one MixedModuleStore (the LMS and Studio share the course content).',
    ),
    PlatformCallable(
        module='xmodule.modulestore.mixed',
        qualname='MixedModuleStore.branch_setting',
        kind='method',
        signature='(branch_setting, course_id=None)',
        source='xmodule/modulestore/mixed.py',
        semantics=('A context manager: reads inside it see ModuleStoreEnum.Branch.published_only (what learners '
                   'see) or draft_preferred (Studio\'s default: unpublished edits first).'),
    ),
    PlatformCallable(
        module='xmodule.modulestore.mixed',
        qualname='MixedModuleStore.get_items',
        kind='method',
        signature='(course_key, **kwargs)',
        source='xmodule/modulestore/mixed.py',
        semantics=('The course\'s blocks on the current branch matching qualifiers={"category": block type}, '
                   'each bound to its parent (get_parent) with its inherited settings (due).'),
    ),
)

BY_NAME = {entry.dotted_name: entry for entry in CONTRACT}


def resolve(entry):
    """The callable of ``entry`` as the importable modules provide it (the stand-in, in the tests)."""
    owner = importlib.import_module(entry.module)
    *path, name = entry.qualname.split('.')
    for attribute in path:
        owner = getattr(owner, attribute)
    if entry.kind == 'method':
        return getattr(owner(), name)
    return getattr(owner, name)


@pytest.mark.parametrize('entry', CONTRACT, ids=lambda entry: entry.qualname)
def test_the_stand_in_has_the_recorded_signature(edx_platform, entry):  # pylint: disable=unused-argument
    target = resolve(entry)
    assert str(inspect.signature(target)) == entry.signature
    # A real function or method, so that a call that does not bind raises TypeError.
    assert inspect.isfunction(target) or inspect.ismethod(target)
    *path, name = entry.qualname.split('.')
    if entry.kind == 'classmethod':
        owner = getattr(importlib.import_module(entry.module), path[0])
        assert isinstance(inspect.getattr_static(owner, name), classmethod)
    with pytest.raises(TypeError):
        target(argument_not_in_edx_platform=None)


def test_every_entry_names_its_edx_platform_source():
    for entry in CONTRACT:
        assert entry.kind in ('function', 'classmethod', 'method')
        assert entry.source.endswith('.py') and not entry.source.startswith('/')
        top = entry.source.split('/')[0]
        assert top in ('common', 'openedx', 'lms', 'xmodule') and entry.module.startswith(top)
        # The recorded signature is a Python parameter list.
        exec(f'def check{entry.signature}: pass', {})  # pylint: disable=exec-used
