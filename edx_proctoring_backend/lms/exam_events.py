"""
The openedx-events exam-attempt signals (``org.openedx.learning.exam.attempt.*.v1``).

Inside the LMS, edx-platform's own receivers act on them, on the exam's whole subsection:

* ``submitted``: every completable block of the subsection is marked complete
  (``lms/djangoapps/instructor/handlers.py``, ``handle_exam_completion``);
* ``reset``: the learner's state of every block of the subsection is deleted and its completion
  cleared (``handle_exam_reset``, which needs ``requesting_user``);
* ``verified`` / ``rejected``: the subsection grade override is undone / set to zero, without
  saying who decided, the zero whatever the course chose (``lms/djangoapps/grades/signals/handlers.py``);
* every one: the credit receiver (``openedx/core/djangoapps/credit/signals/handlers.py``) posts a
  status in namespace ``exam``, which the course's requirements (namespace ``proctored_exam``) do
  not hold, so it is dropped.

So the package sends ``submitted`` and ``reset`` (work it does not do itself) and only for an exam
that is the only content of its subsection, ``reset`` only with the staff member who asked; it
applies the grade itself (``lms/effects.py``: with who decided, as the course chose) and sends no
``verified`` or ``rejected``. The events need real course and usage keys: a runtime whose ids are
not opaque keys (the workbench) emits none.
"""
import logging

from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey, UsageKey
from openedx_events.learning import signals
from openedx_events.learning.data import ExamAttemptData, UserData, UserPersonalData

log = logging.getLogger(__name__)

SIGNALS = {
    'submitted': signals.EXAM_ATTEMPT_SUBMITTED,
    'verified': signals.EXAM_ATTEMPT_VERIFIED,
    'rejected': signals.EXAM_ATTEMPT_REJECTED,
    'errored': signals.EXAM_ATTEMPT_ERRORED,
    'reset': signals.EXAM_ATTEMPT_RESET,
}


# The events whose platform receivers do work the package leaves to the platform.
SENT = ('submitted', 'reset')


def should_send(name, exam, requesting_user=None):
    """Whether the ``name`` event of an attempt of ``exam`` goes out (see the module's docstring)."""
    if name not in SENT or not exam.alone_in_subsection:
        return False
    if name == 'reset' and requesting_user is None:
        log.warning('No reset event for exam %s: the platform needs the staff member who reset it', exam.pk)
        return False
    return True


def _user_data(user):
    return UserData(id=user.pk, is_active=user.is_active, pii=UserPersonalData(
        username=user.username, email=user.email or '', name=user.get_full_name() or ''))


def exam_attempt_data(attempt, requesting_user=None):
    """
    Return the ``ExamAttemptData`` of an attempt, or None when its exam has no opaque keys. The
    usage key is the exam's subsection where known, as for every special exam in Open edX.
    """
    exam = attempt.exam
    try:
        course_key = CourseKey.from_string(exam.course_key)
        usage_key = UsageKey.from_string(exam.subsection_key or exam.usage_key)
    except InvalidKeyError:
        return None
    return ExamAttemptData(
        student_user=_user_data(attempt.user), course_key=course_key, usage_key=usage_key,
        exam_type=exam.exam_type, requesting_user=_user_data(requesting_user) if requesting_user else None)


def send_exam_attempt_event(name, attempt, requesting_user=None):
    """Send the exam-attempt signal ``name`` (submitted, verified, ...) for ``attempt``; True if sent."""
    data = exam_attempt_data(attempt, requesting_user)
    if data is None:
        log.debug('No %s exam-attempt event for attempt %s: its exam has no opaque keys', name, attempt.pk)
        return False
    # send_event is robust: a failing receiver is logged by openedx-events and the change stands.
    SIGNALS[name].send_event(exam_attempt=data)
    return True
