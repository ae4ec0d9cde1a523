"""
Every use of edx-platform code, in one module.

Each function calls one edx-platform API exactly as its signature is recorded in the contract the
tests hold (``tests/edx_proctoring_backend/lms/platform_contract.py``); keyword arguments are used
wherever the platform's signature names them, so a renamed parameter fails loudly. Outside the
platform (the demo, the tests) every function raises ``PlatformUnavailable`` and the callers fall
back to the package's own records.
"""
import importlib
from functools import lru_cache

from ..credit.policy import REQUIREMENT_NAMESPACE


class PlatformUnavailable(ImportError):
    """This code does not run inside edx-platform."""


@lru_cache(maxsize=None)
def _platform(module_path):
    """Import an edx-platform module once; remember its absence too (imports are not cheap)."""
    try:
        return importlib.import_module(module_path)
    except ImportError:
        return None


def _module(module_path):
    module = _platform(module_path)
    if module is None:
        raise PlatformUnavailable(module_path)
    return module


def forget_modules():
    """Look for the platform's modules again (tests install and remove a stand-in platform)."""
    _platform.cache_clear()


def _course_key(course_key):
    return _module('opaque_keys.edx.keys').CourseKey.from_string(str(course_key))


# ---- Enrollment ---------------------------------------------------------------------------------

def enrollment_mode(user, course_key):
    """Return ``(mode, is_active)`` of the learner's enrollment in the course."""
    enrollments = _module('common.djangoapps.student.models').CourseEnrollment
    return enrollments.enrollment_mode_for_user(user, _course_key(course_key))


def enrolled_users(course_key):
    """The users actively enrolled in the course, as a ``User`` queryset."""
    enrollments = _module('common.djangoapps.student.models').CourseEnrollment
    return enrollments.objects.users_enrolled_in(course_id=_course_key(course_key))


# ---- Credit -------------------------------------------------------------------------------------

def is_credit_course(course_key):
    """Return True when the course offers credit."""
    return _module('openedx.core.djangoapps.credit.api').is_credit_course(_course_key(course_key))


def ensure_credit_requirement(course_key, name, display_name):
    """
    Make sure the course's credit requirements include this exam's (``proctored_exam``, ``name``)
    under its current display name; the course's other requirements stay as they are. Return True
    when the requirements were written.
    """
    credit = _module('openedx.core.djangoapps.credit.api')
    key = _course_key(course_key)
    requirements = credit.get_credit_requirements(key)
    ours = {'namespace': REQUIREMENT_NAMESPACE, 'name': name, 'display_name': display_name or name, 'criteria': {}}
    for index, requirement in enumerate(requirements):
        if requirement['namespace'] == REQUIREMENT_NAMESPACE and requirement['name'] == name:
            if requirement['display_name'] == ours['display_name']:
                return False
            requirements[index] = {**requirement, 'display_name': ours['display_name']}
            break
    else:
        requirements.append(ours)
    credit.set_credit_requirements(key, requirements)
    return True


def is_eligible_for_credit(user, course_key):
    """True once the platform made the learner eligible for the course's credit (it never takes that back)."""
    credit = _module('openedx.core.djangoapps.credit.api')
    return bool(credit.is_user_eligible_for_credit(username=user.username, course_key=_course_key(course_key)))


def set_credit_requirement_status(user, course_key, name, status):
    """Post the learner's status of this exam's requirement through the credit service."""
    service = _module('openedx.core.djangoapps.credit.services').CreditService()
    service.set_credit_requirement_status(
        user_id=user.pk, course_key_or_id=str(course_key), req_namespace=REQUIREMENT_NAMESPACE, req_name=name,
        status=status)


def remove_credit_requirement_status(user, course_key, name):
    """Remove the learner's status of this exam's requirement through the credit service."""
    service = _module('openedx.core.djangoapps.credit.services').CreditService()
    service.remove_credit_requirement_status(
        user_id=user.pk, course_key_or_id=str(course_key), req_namespace=REQUIREMENT_NAMESPACE, req_name=name)


# ---- Grades -------------------------------------------------------------------------------------

def zero_subsection_grade(user, course_key, subsection_key, overrider=None, comment=''):
    """Override the learner's subsection grade to nothing through the grades service."""
    service = _module('lms.djangoapps.grades.services').GradesService()
    service.override_subsection_grade(
        user_id=user.pk, course_key_or_id=str(course_key), usage_key_or_id=str(subsection_key),
        earned_all=0.0, earned_graded=0.0, overrider=overrider, comment=comment)


def should_override_grade_on_rejected_exam(course_key):
    """Whether the course zeroes the grade of a rejected exam (its REJECTED_EXAM_OVERRIDES_GRADE flag)."""
    service = _module('lms.djangoapps.grades.services').GradesService()
    return bool(service.should_override_grade_on_rejected_exam(course_key_or_id=str(course_key)))


def undo_subsection_grade_override(user, course_key, subsection_key):
    """Remove the override, so the learner's answers count again."""
    service = _module('lms.djangoapps.grades.services').GradesService()
    service.undo_override_subsection_grade(
        user_id=user.pk, course_key_or_id=str(course_key), usage_key_or_id=str(subsection_key))


# ---- Course roles -------------------------------------------------------------------------------

def has_access(user, action, course_key=None):
    """
    Return True when the platform grants ``user`` the ``action`` (``staff``, ``instructor``) on the
    course, or, without a course, site-wide (``staff``: global staff, ``support``: the support team).
    """
    access = _module('lms.djangoapps.courseware.access')
    target = _course_key(course_key) if course_key is not None else 'global'
    return bool(access.has_access(user, action, target))


# ---- Users -------------------------------------------------------------------------------------

LANGUAGE_PREFERENCE = 'pref-lang'


def user_language(user):
    """The language the learner chose in their account (the ``pref-lang`` preference), or None."""
    preferences = _module('openedx.core.djangoapps.user_api.preferences.api')
    return preferences.get_user_preference(requesting_user=user, preference_key=LANGUAGE_PREFERENCE)


# ---- Sites --------------------------------------------------------------------------------------

def site_configuration_value(name, default=None):
    """The current site's configured value of ``name`` (its ``SiteConfiguration``), else ``default``."""
    return _module('openedx.core.djangoapps.site_configuration.helpers').get_value(name, default)


# ---- Retirement ---------------------------------------------------------------------------------

def retirement_signal():
    """The signal the LMS sends when it retires a learner's account (``USER_RETIRE_LMS_MISC``, argument ``user``)."""
    return _module('openedx.core.djangoapps.user_api.accounts.signals').USER_RETIRE_LMS_MISC


# ---- Course content (Studio's modulestore) -------------------------------------------------------

def has_modulestore():
    """True inside the LMS and Studio, where course content lives in the platform's modulestore."""
    return _platform('xmodule.modulestore.django') is not None


def published_blocks(course_key, block_type):
    """The course's blocks of ``block_type`` as learners see them: the published branch of the modulestore."""
    store = _module('xmodule.modulestore.django').modulestore()
    branches = _module('xmodule.modulestore').ModuleStoreEnum.Branch
    key = _course_key(course_key)
    with store.branch_setting(branches.published_only, key):
        return list(store.get_items(key, qualifiers={'category': block_type}))
