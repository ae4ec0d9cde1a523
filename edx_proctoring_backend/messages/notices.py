"""
Which e-mail each event sends, to whom, and what it says: the events of the other wings call these
with their own objects, and each queues one message (``messages.sending``) keyed by the event.
"""
from django.utils import translation

from ..exams.hosted import is_hosted
from ..exams.statuses import AttemptStatus, ExamType
from ..lms import platform
from ..lms.links import exam_url
from .sending import queue

REVIEW_RESULT = 'review_result'
NAMES = (REVIEW_RESULT,)


def language_of(user):
    """The language ``user`` reads: their account's preference inside the LMS, else the one in use now."""
    try:
        chosen = platform.user_language(user)
    except platform.PlatformUnavailable:
        chosen = None
    return chosen or translation.get_language() or ''


def name_of(user):
    """How an e-mail greets ``user``: their full name, else their username."""
    return user.get_full_name() or user.get_username()


def on_attempt_status_changed(attempt, from_status, to_status, **kwargs):  # pylint: disable=unused-argument
    """A proctored exam's review reached a result: tell the learner (``exams.signals.attempt_status_changed``)."""
    if to_status not in (AttemptStatus.VERIFIED, AttemptStatus.REJECTED):
        return
    exam, user = attempt.exam, attempt.user
    # edx-proctoring tells the learners of the exams it hosts itself; practice exams have no review.
    if exam.exam_type != ExamType.PROCTORED or is_hosted(exam) or not user.email:
        return
    change = attempt.history.order_by('-pk').values_list('pk', flat=True).first()
    queue(REVIEW_RESULT, f'{REVIEW_RESULT}:{attempt.pk}:{change}', user.email, user=user, language=language_of(user),
          context={'recipient_name': name_of(user), 'exam_name': exam.name, 'exam_url': exam_url(exam),
                   'satisfactory': to_status == AttemptStatus.VERIFIED})
