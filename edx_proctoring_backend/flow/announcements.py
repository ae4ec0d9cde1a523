"""
Telling learners that an exam opens soon: ``PROCTORING_OPENING_NOTICE_DAYS`` before a proctored or
practice exam opens, every verified learner of the course who has not begun it gets one e-mail with
the technical check to do and the link to the exam (``messages``; once per learner and opening).
"""
from datetime import timedelta

from django.conf import settings
from django.utils import timezone, translation

from ..exams.models import Exam, ExamAttempt
from ..exams.statuses import ExamType
from ..lms.enrollment import enrolled_learners, is_verified_track
from ..lms.links import exam_url
from ..messages.models import OutgoingMessage
from ..messages.notices import language_of, name_of
from ..messages.sending import queue
from ..monitors.models import Nomination
from ..sittings.models import Booking
from ..sittings.notices import told_moment

EXAM_OPENING = 'exam_opening'


def notice_days():
    """How many days before an exam opens its learners are told (None: never)."""
    return getattr(settings, 'PROCTORING_OPENING_NOTICE_DAYS', 14)


def _key(exam, user):
    # A moved opening is a new event: the learners hear of the new date.
    return f'{EXAM_OPENING}:{exam.pk}:{user.pk}:{exam.opens_at:%Y%m%d%H%M}'


def _known_learners(course_key):
    """Standalone, the learners who took part in the course's exams: an attempt, a booking, a nomination."""
    course = str(course_key)
    return (set(ExamAttempt.objects.filter(exam__course_key=course).values_list('user_id', flat=True))
            | set(Booking.objects.filter(exam__course_key=course).values_list('user_id', flat=True))
            | set(Nomination.objects.filter(course_key=course).values_list('user_id', flat=True)))


def announce_openings(now=None):
    """Queue the e-mail of each exam that opens within the notice's days to its learners; return how many."""
    now = now or timezone.now()
    days = notice_days()
    if days is None:
        return 0
    exams = Exam.objects.filter(is_active=True, exam_type__in=ExamType.PROCTORED_KINDS, opens_at__gt=now,
                                opens_at__lte=now + timedelta(days=days))
    queued = 0
    for exam in exams:
        learners = [user for user in enrolled_learners(exam.course_key, _known_learners(exam.course_key))
                    .exclude(email='') if is_verified_track(user, exam.course_key)]
        told = set(OutgoingMessage.objects.filter(key__in=[_key(exam, user) for user in learners])
                   .values_list('key', flat=True))
        begun = set(ExamAttempt.objects.filter(exam=exam).values_list('user_id', flat=True))
        for user in learners:
            if _key(exam, user) not in told and user.pk not in begun:
                _tell(exam, user)
                queued += 1
    return queued


def _tell(exam, user):
    """Queue the learner's e-mail about ``exam`` opening soon, in their language."""
    language = language_of(user)
    with translation.override(language):
        context = {'recipient_name': name_of(user), 'exam_name': exam.name, 'exam_url': exam_url(exam),
                   'opens': told_moment(exam.opens_at, exam.time_zone),
                   'closes': told_moment(exam.due_date, exam.time_zone) if exam.due_date else ''}
    queue(EXAM_OPENING, _key(exam, user), user.email, context, user=user, language=language)
