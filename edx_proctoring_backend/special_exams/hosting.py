"""
The exams and attempts this package keeps for edx-proctoring's (see docs/decisions/0005).

edx-proctoring owns the learner's attempt row, its clock and its allowances; this package keeps, for
each of its attempts taken with one of this package's backends, an attempt of its own that holds the
provider's session, the reviews, the media and the privacy records. The two are joined by the learner
and the exam: one hosted ``Exam`` per edx-proctoring exam (``hosted_usage_key``), and the learner's
latest attempt at it.

A hosted exam's usage key (``exams.hosted``) is not an opaque key on purpose: the exam's content is
edx-proctoring's subsection, whose dates, credit and grade edx-proctoring and the platform keep.
"""
from functools import partial

from django.db import transaction

from ..authoring.exams import validate_exam_settings
from ..exams.attempts import latest_attempt
from ..exams.hosted import hosted_usage_key
from ..exams.models import Exam
from ..exams.statuses import ExamType


def hosted_exam(edx_exam_id):
    """The exam kept for edx-proctoring's exam ``edx_exam_id``, or None."""
    return Exam.objects.filter(usage_key=hosted_usage_key(edx_exam_id)).first()


def host_exam(edx_exam_id, course_key, display_name, time_limit_minutes, provider, is_practice=False,
              due_date=None, is_active=True):
    """
    Create or update the exam kept for edx-proctoring's exam ``edx_exam_id``; return it.

    The settings are checked as an author's are (``InvalidExamSettings``). The learner who declines
    proctoring does so in edx-proctoring, which then registers no attempt here: the exam allows no
    opt-out of its own. A new or changed exam is registered with the provider once committed, as a
    save of the block does.
    """
    values = validate_exam_settings(ExamType.PRACTICE if is_practice else ExamType.PROCTORED, time_limit_minutes,
                                    provider, allow_opt_out=False, display_name=(display_name or '')[:255])
    values.update(course_key=str(course_key), due_date=due_date, is_active=bool(is_active),
                  subsection_key='', alone_in_subsection=False)
    usage_key = hosted_usage_key(edx_exam_id)
    exam = Exam.objects.filter(usage_key=usage_key).first()
    if exam is None or any(getattr(exam, name) != value for name, value in values.items()):
        exam, _ = Exam.objects.update_or_create(usage_key=usage_key, defaults=values)
        if exam.is_active:
            _queue_registration(exam.pk)
    return exam


def _queue_registration(exam_id):
    """Queue the provider's registration of the exam once the current transaction commits."""
    # As the authoring wing does: the task module is imported when work is queued, not at load.
    from ..tasks import register_exam  # pylint: disable=import-outside-toplevel,cyclic-import
    transaction.on_commit(partial(register_exam.delay, exam_id))


def hosted_attempt(exam, user):
    """The learner's latest attempt at the hosted ``exam``: the one that follows edx-proctoring's current one."""
    return latest_attempt(exam, user)
