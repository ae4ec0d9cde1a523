"""
Who a user is in a course, for the instructor dashboard: learner, course staff, course instructor,
support (the reviewers) or global staff.

Inside the LMS the platform's own roles decide (``platform.has_access``). Standalone,
``PROCTORING_STANDALONE_COURSE_ROLES`` maps usernames to ``{course key or "*": role}`` and Django's
``is_staff`` or ``is_superuser`` makes global staff.
"""
from django.conf import settings

from . import platform

LEARNER = 'learner'
COURSE_STAFF = 'staff'
COURSE_INSTRUCTOR = 'instructor'
SUPPORT = 'support'
GLOBAL_STAFF = 'global_staff'

ROLES = (LEARNER, COURSE_STAFF, COURSE_INSTRUCTOR, SUPPORT, GLOBAL_STAFF)
ANY_COURSE = '*'


def _standalone_role(user, course_key):
    """The role outside the LMS: global staff from Django, the others from the settings."""
    if user.is_staff or user.is_superuser:
        return GLOBAL_STAFF
    roles = getattr(settings, 'PROCTORING_STANDALONE_COURSE_ROLES', {}).get(user.get_username(), {})
    role = roles.get(str(course_key)) if course_key is not None else None
    role = role or roles.get(ANY_COURSE)
    return role if role in ROLES else LEARNER


def course_role(user, course_key):
    """
    Return the highest role of ``user`` in ``course_key`` (None: site-wide roles only), one of ``ROLES``.
    Anonymous and inactive users are learners with nothing of their own.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return LEARNER
    try:
        if platform.has_access(user, 'staff'):
            return GLOBAL_STAFF
        if platform.has_access(user, 'support'):
            return SUPPORT
        if course_key is not None and platform.has_access(user, 'instructor', course_key):
            return COURSE_INSTRUCTOR
        if course_key is not None and platform.has_access(user, 'staff', course_key):
            return COURSE_STAFF
    except platform.PlatformUnavailable:
        return _standalone_role(user, course_key)
    return LEARNER


# ---- What each role may do --------------------------------------------------------------------------

VIEW_ATTEMPTS = 'view_attempts'          # list attempts, their history, learners' practice and onboarding
MANAGE_ALLOWANCES = 'manage_allowances'  # add, edit, remove allowances
MANAGE_ATTEMPTS = 'manage_attempts'      # reset an attempt, mark a stuck one submitted or errored
REVIEW = 'review'                        # the review queue, the evidence, decisions and escalations
EXPORT = 'export'                        # the course's CSV files
COURSE_SETTINGS = 'course_settings'      # the course's support contact and passing share
MANAGE_SITTINGS = 'manage_sittings'      # publish and cancel sittings, move and cancel learners' bookings

CAPABILITIES = {
    LEARNER: frozenset(),
    COURSE_STAFF: frozenset({VIEW_ATTEMPTS, MANAGE_ALLOWANCES, MANAGE_ATTEMPTS, EXPORT, COURSE_SETTINGS,
                             MANAGE_SITTINGS}),
    # The course team's examiner decides what a reviewer escalated.
    COURSE_INSTRUCTOR: frozenset({VIEW_ATTEMPTS, MANAGE_ALLOWANCES, MANAGE_ATTEMPTS, REVIEW, EXPORT,
                                  COURSE_SETTINGS, MANAGE_SITTINGS}),
    # Support reviews sessions and unblocks stuck attempts; accommodations are the course team's call.
    SUPPORT: frozenset({VIEW_ATTEMPTS, MANAGE_ATTEMPTS, REVIEW, EXPORT}),
    GLOBAL_STAFF: frozenset({VIEW_ATTEMPTS, MANAGE_ALLOWANCES, MANAGE_ATTEMPTS, REVIEW, EXPORT, COURSE_SETTINGS,
                             MANAGE_SITTINGS}),
}


def capabilities(user, course_key):
    """Return the set of capabilities ``user`` has in ``course_key`` (None: site-wide only)."""
    return CAPABILITIES[course_role(user, course_key)]


def may(user, capability, course_key):
    """Return True when ``user`` may do ``capability`` in ``course_key``."""
    return capability in capabilities(user, course_key)


def may_author(user, course_key):
    """
    Return True when ``user`` may change the course's exams (Studio's save of an exam's settings):
    inside the platform, the course's staff and instructors and global staff. Outside it there is no
    Studio, only the workbench, whose authoring view is open to whoever runs it.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    try:
        return platform.has_access(user, 'staff', course_key)
    except platform.PlatformUnavailable:
        return True
