"""
What the edx-proctoring tests share: the course, edx-proctoring's backends, exams and attempts as its
API returns them, and this package's attempt that follows one.
"""
from django.apps import apps
# edx-proctoring is the platform's, not a requirement of this package: only the LMS and the
# test-edx-proctoring environment can import it.
# pylint: disable=import-error
from edx_proctoring import api as edx_api

from edx_proctoring_backend import api

COURSE = 'course-v1:Test+Special+2026'


def sequential(name):
    """The usage key of one of the course's subsections: what Studio gives edx-proctoring as content id."""
    return f'block-v1:Test+Special+2026+type@sequential+block@{name}'


def backend(name):
    """The backend edx-proctoring built at start-up from ``PROCTORING_BACKENDS``."""
    return apps.get_app_config('edx_proctoring').get_backend(name)


def edx_attempt(attempt_id):
    """edx-proctoring's attempt, as its API returns it now."""
    return edx_api.get_exam_attempt_by_id(attempt_id)


def ours(exam, user):
    """This package's attempt that follows the learner's at edx-proctoring's ``exam``."""
    return api.hosted_attempt(api.hosted_exam(exam['id']), user)


def opt_in(exam, user):
    """The learner chooses to take the exam proctored (the learning MFE's POST to edx-proctoring's attempts)."""
    return edx_api.create_exam_attempt(exam['id'], user.id, taking_as_proctored=True)
