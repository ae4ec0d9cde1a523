"""
What a learner who refuses online proctoring may do instead, as the exam allows: take it without
proctoring (``api.opt_out``: no time limit, no credit), or ask to sit it on campus at a later date.

Refusing costs nothing else: it is not an attempt, the learner may still agree later, and asking for
an on-campus sitting touches neither the attempts nor the credit status (Utrecht University: "the
choice for an exam on campus is never at the expense of the number of resits").
"""
from django.db import IntegrityError, transaction
from django.utils import timezone

from .errors import NotAllowed
from .models import OnCampusRequest
from .statuses import AttemptStatus, ExamType

UNPROCTORED = 'unproctored'
ON_CAMPUS = 'on_campus'


def offered(exam, may_opt_out):
    """The alternatives ``exam`` offers a learner who refuses (``may_opt_out``: the learner may opt out)."""
    if exam.exam_type != ExamType.PROCTORED:
        return ()
    return tuple(name for name, allowed in ((UNPROCTORED, may_opt_out), (ON_CAMPUS, exam.on_campus_sitting))
                 if allowed)


def require_no_choice(attempt):
    """Refuse an alternative once the learner's latest attempt (None: none) is under way or done."""
    if attempt is not None and attempt.status != AttemptStatus.RESET:
        raise NotAllowed('You already chose how to take this exam.', code='already_chosen')


def open_request(exam, user):
    """The learner's open request for an on-campus sitting of ``exam``, or None."""
    return OnCampusRequest.objects.filter(exam=exam, user=user, withdrawn_at__isnull=True).first()


def request_on_campus(exam, user, attempt=None, now=None):
    """
    Ask for an on-campus sitting of ``exam``; return the ``OnCampusRequest``. Asking twice keeps the
    first request; asking again after withdrawing opens it again. Refused where the exam offers no
    sitting, or once the learner has an attempt under way or done.
    """
    if ON_CAMPUS not in offered(exam, may_opt_out=False):
        raise NotAllowed('This exam offers no on-campus sitting.', code='on_campus_not_offered')
    require_no_choice(attempt)
    now = now or timezone.now()
    try:
        with transaction.atomic():
            request, created = OnCampusRequest.objects.get_or_create(
                exam=exam, user=user, defaults={'requested_at': now})
    except IntegrityError:  # a double click: the other request made the row
        request, created = OnCampusRequest.objects.get(exam=exam, user=user), False
    if not created and request.withdrawn_at is not None:
        OnCampusRequest.objects.filter(pk=request.pk).update(requested_at=now, withdrawn_at=None)
        request.refresh_from_db()
    return request


def withdraw(exam, user, now=None):
    """Withdraw the learner's open request for an on-campus sitting, if any; return True if there was one."""
    return bool(OnCampusRequest.objects.filter(exam=exam, user=user, withdrawn_at__isnull=True)
                .update(withdrawn_at=now or timezone.now()))


def course_requests(course_key):
    """The open requests for on-campus sittings in the course, oldest first, with their exams and learners."""
    return (OnCampusRequest.objects.filter(exam__course_key=str(course_key), withdrawn_at__isnull=True)
            .select_related('exam', 'user').order_by('requested_at', 'pk'))


def requests_of(user):
    """Every request ``user`` made for an on-campus sitting, withdrawn ones too, with their exams."""
    return OnCampusRequest.objects.filter(user=user).select_related('exam').order_by('requested_at', 'pk')
