"""
Who decides, and what awaits them: the attempts a person must review, oldest first.

An attempt awaits a person when a review asked for a second look (any provider), and, for exams
recorded on this site, as soon as it is submitted: there a person always makes the decision.
"""
from django.db.models import Q

from ..exams.models import ExamAttempt
from ..exams.statuses import AttemptStatus, ExamType

PAGE_SIZE = 50


def awaiting_person(person_decides_providers, course_key=None):
    """
    The attempts awaiting a person's decision, oldest submission first, with their exam, learner and
    recordings fetched along (a constant number of queries however long the page).

    ``person_decides_providers``: the names of the providers whose every session a person reviews.
    """
    waiting = Q(status=AttemptStatus.SECOND_REVIEW_REQUIRED) | Q(
        status=AttemptStatus.SUBMITTED, exam__provider__in=list(person_decides_providers))
    attempts = ExamAttempt.objects.filter(waiting, exam__exam_type=ExamType.PROCTORED, taking_as_proctored=True)
    if course_key is not None:
        attempts = attempts.filter(exam__course_key=str(course_key))
    return (attempts.select_related('exam', 'user').prefetch_related('recordings')
            .order_by('submitted_at', 'pk'))
