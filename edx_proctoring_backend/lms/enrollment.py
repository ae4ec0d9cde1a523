"""The learner's enrollment track, which decides whether the proctored option is offered."""
from django.conf import settings
from django.contrib.auth import get_user_model

from . import platform

# Tracks whose learners verified their identity and may take exams proctored for credit.
VERIFIED_MODES = frozenset({'verified', 'professional', 'no-id-professional', 'credit', 'masters',
                            'executive-education'})


def enrollment_mode(user, course_key):
    """
    Return the enrollment mode (track) of ``user`` in ``course_key``, or None when not enrolled.

    Standalone, ``PROCTORING_STANDALONE_ENROLLMENT_MODES`` maps usernames to modes (the demo has an
    audit learner) and every other learner is in ``PROCTORING_STANDALONE_DEFAULT_MODE``.
    """
    try:
        mode, is_active = platform.enrollment_mode(user, course_key)
    except platform.PlatformUnavailable:
        modes = getattr(settings, 'PROCTORING_STANDALONE_ENROLLMENT_MODES', {})
        return modes.get(user.username, getattr(settings, 'PROCTORING_STANDALONE_DEFAULT_MODE', 'verified'))
    return mode if is_active else None


def enrolled_learners(course_key, known=()):
    """
    The course's enrolled users (a ``User`` queryset). Standalone, where no enrollment is recorded, the
    users ``known`` (ids of learners who took part in the course's exams) stand for them.
    """
    try:
        return platform.enrolled_users(course_key)
    except platform.PlatformUnavailable:
        return get_user_model().objects.filter(pk__in=list(known))


def is_verified_track(user, course_key):
    """Return True if the learner is in a track that is offered proctored exams."""
    return enrollment_mode(user, course_key) in VERIFIED_MODES
