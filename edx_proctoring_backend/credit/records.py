"""
Keeping the package's credit records (``CreditRecord``) and reading a learner's progress from them.

Inside the LMS the platform's credit and grades apps are told as well (``lms.effects``); these
records are what the progress panel shows everywhere, and the whole gradebook standalone.
"""
from dataclasses import dataclass

from django.utils import timezone

from ..exams.models import Exam, ExamAttempt
from ..exams.statuses import ExamType, practice_result, review_status
from ..recordings import capture
from .models import CreditRecord, min_grade
from .policy import CreditStatus, GradeAction, counts_toward_credit


def apply_effects(attempt, effects):
    """Bring the learner's credit record in line with a status change's ``Effects``."""
    if effects.credit is None and effects.grade == GradeAction.KEEP:
        return
    record, _ = CreditRecord.objects.get_or_create(user_id=attempt.user_id, exam_id=attempt.exam_id)
    if effects.credit is not None:
        record.requirement_status = effects.credit
    if effects.grade != GradeAction.KEEP:
        record.grade_zeroed = effects.grade == GradeAction.ZERO
    if effects.credit == CreditStatus.REMOVED:
        record.earned = record.possible = None   # reset: the retake is graded afresh
    record.modified = timezone.now()
    record.save()


def record_grade(user, exam, earned, possible):
    """Record what the exam's questions scored for ``user``; writes only when it changed."""
    earned, possible = float(earned), float(possible)
    record, created = CreditRecord.objects.get_or_create(
        user_id=user.pk, exam_id=exam.pk, defaults={'earned': earned, 'possible': possible})
    if not created and (record.earned, record.possible) != (earned, possible):
        CreditRecord.objects.filter(pk=record.pk).update(earned=earned, possible=possible, modified=timezone.now())


@dataclass
class ExamProgress:
    """One exam on a learner's progress panel."""

    exam: Exam
    attempt_status: str = None
    review_status: str = None          # pending / satisfactory / unsatisfactory (proctored exams)
    practice_result: str = None        # complete / failed (practice exams)
    credit_status: str = ''
    grade: float = None                # a share from 0 to 1, or None before a grade exists
    counts_toward_credit: bool = False
    passing_share: float = None        # the grade that passes in the exam's course (``policy.min_grade``)

    @property
    def is_credit_requirement(self):
        """Only proctored exams are credit requirements."""
        return self.exam.exam_type == ExamType.PROCTORED


def course_progress(user, course_key):
    """
    Return an ``ExamProgress`` for each active exam of the course, in four queries (five where a practice
    exam recorded on this site was taken: its recording's interruptions).
    """
    passing = min_grade(course_key)
    exams = list(Exam.objects.filter(course_key=str(course_key), is_active=True).order_by('pk'))
    latest = {}
    for attempt in (ExamAttempt.objects.filter(user=user, exam__in=exams)
                    .order_by('exam_id', 'attempt_number').only('exam_id', 'status', 'submit_reason')):
        latest[attempt.exam_id] = attempt
    records = {record.exam_id: record for record in CreditRecord.objects.filter(user=user, exam__in=exams)}
    interrupted = capture.interrupted_recordings(
        (latest[exam.pk].pk, exam) for exam in exams if exam.exam_type == ExamType.PRACTICE and exam.pk in latest)
    rows = []
    for exam in exams:
        attempt, record = latest.get(exam.pk), records.get(exam.pk)
        status = attempt.status if attempt else None
        row = ExamProgress(exam=exam, attempt_status=status, passing_share=passing)
        if status is not None:
            row.review_status = review_status(exam.exam_type, status)
            row.practice_result = (practice_result(status, attempt.submit_reason, attempt.pk in interrupted)
                                   if exam.exam_type == ExamType.PRACTICE else None)
        if record is not None:
            row.credit_status = record.requirement_status
            row.grade = record.grade
            row.counts_toward_credit = counts_toward_credit(exam.exam_type, record.requirement_status,
                                                            record.grade, passing)
        rows.append(row)
    return rows
