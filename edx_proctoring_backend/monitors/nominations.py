"""
The rules of nominated exam monitors: a learner nominates a monitor for an exam, or for every exam of
the course that uses one; the course team approves or rejects the nomination, saying why when they
reject it; the approved monitor gets each exam's password by e-mail (never the learner), a set time
before the exam opens, and a reminder; the exam begins only once the password is typed on the
learner's device; after the sitting the monitor files a report through the signed link of the e-mail.
"""
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password as password_matches, make_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..exams.errors import InvalidSettings, NotAllowed, WrongMonitorPassword
from ..exams.models import Exam
from ..providers.base import Step
from ..providers.registry import UnknownProvider, get_provider
from . import notices
from .models import ExamPassword, MonitorReport, Nomination

# What every monitor declares (the institution's conditions); the pages word each one.
DECLARATIONS = ('adult', 'not_family', 'not_student', 'present_throughout')
# Letters and digits nobody confuses when reading them aloud or copying them: no 0/O, 1/I/l.
PASSWORD_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'
REPORT_SALT = 'edx_proctoring_backend.monitors.report'
_EMAIL = EmailValidator()


def uses_monitor(exam):
    """True for a proctored or practice exam whose provider asks for a nominated monitor's password."""
    try:
        provider = get_provider(exam.provider)
    except (UnknownProvider, ImportError):
        return False
    return exam.is_proctored_kind and Step.MONITOR_PASSWORD in provider.learner_steps


def _covering(exam):
    """The nominations that cover ``exam``: for the exam itself, or for the whole course."""
    return Nomination.objects.filter(Q(exam=exam) | Q(exam__isnull=True, course_key=exam.course_key))


def nomination_for(user, exam):
    """The learner's latest nomination covering ``exam`` that was not withdrawn, or None."""
    return (_covering(exam).filter(user=user).exclude(status=Nomination.WITHDRAWN)
            .order_by('-created', '-pk').first())


def approved_nomination(user, exam):
    """The learner's approved nomination covering ``exam``, or None."""
    nomination = nomination_for(user, exam)
    return nomination if nomination is not None and nomination.status == Nomination.APPROVED else None


# ---- The learner ------------------------------------------------------------------------------------------

def nominate(user, exam, name, email, phone, occupation, declarations, whole_course=False):
    """
    The learner nominates an exam monitor for ``exam`` (or, ``whole_course``, every exam of its course
    with a monitor); return the pending ``Nomination``. Every declaration of ``DECLARATIONS`` must be
    made. A pending nomination is replaced; an approved one stays until the course team withdraws it.
    Raises ``InvalidSettings`` naming each unusable field, ``NotAllowed`` (``monitor_approved``).
    """
    if not uses_monitor(exam):
        raise NotAllowed('This exam has no exam monitor.', code='no_monitor_exam')
    fields = {}
    values = {'name': (name or '').strip(), 'email': (email or '').strip(), 'phone': (phone or '').strip(),
              'occupation': (occupation or '').strip()}
    for field, limit in (('name', 255), ('phone', 40), ('occupation', 255)):
        if not values[field] or len(values[field]) > limit:
            fields[field] = f'Enter the monitor\'s {field} (at most {limit} characters).'
    try:
        _EMAIL(values['email'])
    except ValidationError:
        fields['email'] = 'Enter the monitor\'s e-mail address.'
    if values['email'].lower() == (user.email or '').lower() and values['email']:
        fields['email'] = 'The monitor\'s address cannot be your own.'
    if sorted(set(declarations or ())) != sorted(DECLARATIONS):
        fields['declarations'] = 'The monitor must make every declaration.'
    if fields:
        raise InvalidSettings(fields)
    with transaction.atomic():
        current = nomination_for(user, exam)
        if current is not None and current.status == Nomination.APPROVED:
            raise NotAllowed('Your exam monitor is already approved.', code='monitor_approved')
        if current is not None and current.status == Nomination.PENDING:
            Nomination.objects.filter(pk=current.pk).update(status=Nomination.WITHDRAWN)
        return Nomination.objects.create(user=user, course_key=exam.course_key, exam=None if whole_course else exam,
                                         declarations=sorted(DECLARATIONS), **values)


def require_approved(exam, user):
    """Refuse to begin an exam with a monitor before the learner's monitor is approved (``monitor_not_approved``)."""
    if uses_monitor(exam) and approved_nomination(user, exam) is None:
        raise NotAllowed('Your exam monitor must be approved first.', code='monitor_not_approved')


def check_password(attempt, typed):
    """
    The monitor typed the exam password on the learner's device: check it against the password of the
    learner's approved monitor for this exam. Raises ``WrongMonitorPassword`` (counted like a wrong exam code).
    """
    nomination = approved_nomination(attempt.user, attempt.exam)
    stored = (ExamPassword.objects.filter(nomination=nomination, exam=attempt.exam).first()
              if nomination is not None else None)
    if stored is None or not isinstance(typed, str) or not password_matches(normalise(typed), stored.password_hash):
        raise WrongMonitorPassword('This is not the exam password.')


def normalise(typed):
    """A password as it was typed, without spaces or dashes, in capitals."""
    return ''.join(char for char in typed.upper() if char.isalnum())[:64]


# ---- The course team ------------------------------------------------------------------------------------

def decide(nomination, approve, by, reason='', now=None):
    """
    The course team approves or rejects a pending nomination (a rejection says why); the learner is
    told by e-mail either way, and an approved monitor is sent each covered exam's password.
    """
    reason = (reason or '').strip()[:255]
    if not approve and not reason:
        raise NotAllowed('Say why.', code='reason_required')
    now = now or timezone.now()
    status = Nomination.APPROVED if approve else Nomination.REJECTED
    with transaction.atomic():
        if not Nomination.objects.filter(pk=nomination.pk, status=Nomination.PENDING).update(
                status=status, decided_by=by, decided_at=now, reason=reason):
            raise NotAllowed('This nomination was already decided.', code='already_decided')
        nomination.refresh_from_db()
        notices.nomination_decided(nomination)
        if approve:
            for exam in covered_exams(nomination):
                issue_password(nomination, exam, now)
    return nomination


def covered_exams(nomination):
    """The exams with a monitor that ``nomination`` covers."""
    exams = [nomination.exam] if nomination.exam_id else Exam.objects.filter(course_key=nomination.course_key,
                                                                             is_active=True)
    return [exam for exam in exams if uses_monitor(exam)]


def issue_password(nomination, exam, now=None):
    """
    Make ``exam``'s password for the approved monitor of ``nomination`` (once) and queue the e-mails that
    carry it and remind them: ``PROCTORING_MONITOR_PASSWORD_DAYS`` and ``PROCTORING_MONITOR_REMINDER_HOURS``
    before the exam opens (at once where it has no opening, or it is nearer). Return True if it was made now.
    """
    now = now or timezone.now()
    password = '-'.join(''.join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3))
    _, created = ExamPassword.objects.get_or_create(nomination=nomination, exam=exam,
                                                    defaults={'password_hash': make_password(normalise(password))})
    if not created:
        return False
    days = getattr(settings, 'PROCTORING_MONITOR_PASSWORD_DAYS', 7)
    hours = getattr(settings, 'PROCTORING_MONITOR_REMINDER_HOURS', 24)
    password_at = max(now, exam.opens_at - timedelta(days=days)) if exam.opens_at else now
    reminder_at = exam.opens_at - timedelta(hours=hours) if exam.opens_at else None
    notices.monitor_password(nomination, exam, password, report_url_of(nomination, exam), password_at)
    if reminder_at is not None and reminder_at > password_at:
        notices.monitor_reminder(nomination, exam, report_url_of(nomination, exam), reminder_at)
    return True


def ensure_password(user, exam, now=None):
    """Before the learner begins: a course-wide approved nomination gets a password of an exam added since."""
    nomination = approved_nomination(user, exam)
    if nomination is not None:
        issue_password(nomination, exam, now)


# ---- The monitor's report ----------------------------------------------------------------------------------

def report_token(nomination, exam):
    """The signed token of the link by which the monitor of ``nomination`` reports on ``exam``."""
    return signing.dumps({'n': nomination.pk, 'e': exam.pk}, salt=REPORT_SALT, compress=True)


def report_url_of(nomination, exam):
    """The absolute address of the monitor's report form for ``exam``."""
    # pylint: disable=import-outside-toplevel
    from django.urls import reverse
    root = (getattr(settings, 'PROCTORING_SITE_URL', None) or getattr(settings, 'LMS_ROOT_URL', '') or '').rstrip('/')
    return root + reverse('edx_proctoring_backend:monitor-report', args=[report_token(nomination, exam)])


def from_report_token(token):
    """
    ``(nomination, exam, attempt)`` the token names: the approved nomination, the exam, and the learner's
    latest attempt at it (None before they began). Raises ``NotAllowed`` (``report_link_invalid``) for a
    token that is not ours, expired (``PROCTORING_MONITOR_REPORT_DAYS``), or names nothing any more.
    """
    max_age = timedelta(days=getattr(settings, 'PROCTORING_MONITOR_REPORT_DAYS', 60))
    try:
        data = signing.loads(token, salt=REPORT_SALT, max_age=max_age)
        nomination = Nomination.objects.select_related('user').get(pk=data['n'], status=Nomination.APPROVED,
                                                                   erased_at=None)
        exam = Exam.objects.get(pk=data['e'])
    except (signing.BadSignature, KeyError, TypeError, Nomination.DoesNotExist, Exam.DoesNotExist) as error:
        raise NotAllowed('This link is not valid any more.', code='report_link_invalid') from error
    attempt = exam.attempts.filter(user=nomination.user).order_by('-attempt_number').first()
    return nomination, exam, attempt


def file_report(nomination, attempt, began_at, ended_at, present_throughout, incidents):
    """The monitor's report on the learner's sitting; filing it again replaces it. Returns the ``MonitorReport``."""
    if attempt is None or attempt.started_at is None:
        raise NotAllowed('The learner has not taken the exam yet.', code='not_taken_yet')
    report, _ = MonitorReport.objects.update_or_create(attempt=attempt, defaults={
        'nomination': nomination, 'began_at': began_at, 'ended_at': ended_at,
        'present_throughout': bool(present_throughout), 'incidents': (incidents or '').strip()[:5000],
        'created': timezone.now()})
    return report


# ---- Privacy ---------------------------------------------------------------------------------------------

ERASED = '(erased)'


def erase(nominations, now=None):
    """Erase the monitors' details and reports of ``nominations`` (a queryset); return how many were erased."""
    now = now or timezone.now()
    ids = list(nominations.filter(erased_at=None).values_list('pk', flat=True))
    with transaction.atomic():
        MonitorReport.objects.filter(nomination_id__in=ids).update(incidents='', began_at=None, ended_at=None)
        ExamPassword.objects.filter(nomination_id__in=ids).delete()
        Nomination.objects.filter(pk__in=ids).update(name=ERASED, email='erased@invalid', phone='', occupation='',
                                                     declarations=[], reason='', erased_at=now)
    return len(ids)


def forget(user):
    """A retired learner's monitors: their details and reports are erased."""
    return erase(Nomination.objects.filter(user=user))


def expired(days, now):
    """The nominations whose every covered exam closed more than ``days`` ago (None: none expire)."""
    if days is None:
        return Nomination.objects.none()
    limit = now - timedelta(days=days)
    open_exams = Exam.objects.filter(Q(due_date__isnull=True) | Q(due_date__gt=limit))
    still_needed = Q(exam__in=open_exams) | Q(exam__isnull=True, course_key__in=open_exams.values('course_key'))
    return Nomination.objects.filter(erased_at=None).exclude(still_needed).filter(created__lt=limit)


# ---- The course team's pages ---------------------------------------------------------------------------------

def course_nominations(course_key):
    """The course's nominations not withdrawn: pending first (oldest first), then the decided ones (newest first)."""
    nominations = (Nomination.objects.filter(course_key=str(course_key)).exclude(status=Nomination.WITHDRAWN)
                   .select_related('user', 'exam', 'decided_by'))
    pending = [item for item in nominations.order_by('created', 'pk') if item.status == Nomination.PENDING]
    decided = [item for item in nominations.order_by('-decided_at', '-pk') if item.status != Nomination.PENDING]
    return pending, decided


def course_nomination(course_key, nomination_id):
    """The course's nomination ``nomination_id``, or None."""
    return Nomination.objects.filter(course_key=str(course_key), pk=nomination_id).select_related('user').first()


def report_of(attempt):
    """The monitor's report on ``attempt``, or None."""
    return MonitorReport.objects.filter(attempt=attempt).select_related('nomination').first()
