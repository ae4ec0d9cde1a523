"""
The credit rules, in one place.

A proctored exam is a credit requirement (edx-platform's namespace ``proctored_exam``, named by the
block's usage id). A learner is eligible for credit on it only with all three: they took it
proctored (not opted out), their review is satisfactory, and their grade passes. Practice exams
are never reviewed and never count; timed exams are not proctored and are no credit requirement.
"""
from dataclasses import dataclass

from django.conf import settings

from ..exams.statuses import AttemptStatus, ExamType

S = AttemptStatus
REQUIREMENT_NAMESPACE = 'proctored_exam'


class CreditStatus:
    """The requirement status posted for a proctored exam (edx-platform's vocabulary)."""

    SUBMITTED = 'submitted'    # taken, review pending
    SATISFIED = 'satisfied'
    FAILED = 'failed'
    DECLINED = 'declined'      # opted out of proctoring
    REMOVED = ''               # reset: no status until the learner takes the exam again


class GradeAction:
    """What happens to the exam's grade."""

    KEEP = 'keep'        # the learner's answers count as they are
    ZERO = 'zero'        # an unsatisfactory review: the exam is worth nothing
    RESTORE = 'restore'  # a later decision undoes a zero


# The credit requirement status each attempt status means, for a proctored exam. Statuses not
# listed (the attempt is still being taken) leave the requirement as it is.
CREDIT_STATUS = {
    S.DECLINED: CreditStatus.DECLINED,
    S.SUBMITTED: CreditStatus.SUBMITTED,
    S.SECOND_REVIEW_REQUIRED: CreditStatus.SUBMITTED,
    S.VERIFIED: CreditStatus.SATISFIED,
    S.REJECTED: CreditStatus.FAILED,
    S.ERROR: CreditStatus.FAILED,       # as edx-platform does; staff reset the attempt for a retake
    S.RESET: CreditStatus.REMOVED,
}

# The openedx-events exam-attempt signal each status change emits, whatever the exam type.
EXAM_ATTEMPT_EVENT = {
    S.SUBMITTED: 'submitted',
    S.VERIFIED: 'verified',
    S.REJECTED: 'rejected',
    S.ERROR: 'errored',
    S.RESET: 'reset',
}


@dataclass(frozen=True)
class Effects:
    """What one status change does outside the attempt: credit status (None: unchanged), grade, event."""

    credit: str = None
    grade: str = GradeAction.KEEP
    event: str = None


def effects_of(exam_type, from_status, to_status):
    """Return the ``Effects`` of an attempt of an ``exam_type`` exam moving from one status to another."""
    event = EXAM_ATTEMPT_EVENT.get(to_status)
    if exam_type != ExamType.PROCTORED:
        return Effects(event=event)
    if to_status == S.REJECTED:
        grade = GradeAction.ZERO
    elif from_status == S.REJECTED:
        grade = GradeAction.RESTORE   # overturned, reopened or reset: the zero goes
    else:
        grade = GradeAction.KEEP
    return Effects(credit=CREDIT_STATUS.get(to_status), grade=grade, event=event)


def site_min_grade():
    """The site's share of an exam's points that passes (``PROCTORING_CREDIT_MIN_GRADE``, 0.5 by default)."""
    return float(getattr(settings, 'PROCTORING_CREDIT_MIN_GRADE', 0.5))


def counts_toward_credit(exam_type, credit_status, grade, passing_share):
    """
    True only with all three: a proctored exam taken proctored whose review is satisfactory
    (``credit_status`` satisfied), and a ``grade`` (a share from 0 to 1, None if unknown) of at least the
    course's ``passing_share`` (``records.min_grade``).
    """
    return (exam_type == ExamType.PROCTORED and credit_status == CreditStatus.SATISFIED
            and grade is not None and grade >= passing_share)
