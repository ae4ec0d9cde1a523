"""
The e-mails of nominated exam monitors (``messages``): the decision on a nomination, to the learner;
the exam password with the report link, and a reminder, to the monitor (in the learner's language:
the monitor has no account of their own).
"""
from django.utils import translation

from ..lms.links import exam_url
from ..messages.notices import language_of, name_of
from ..messages.sending import queue
from ..sittings.notices import told_moment

MONITOR_APPROVED = 'monitor_approved'
MONITOR_REJECTED = 'monitor_rejected'
MONITOR_PASSWORD = 'monitor_password'
MONITOR_REMINDER = 'monitor_reminder'
NAMES = (MONITOR_APPROVED, MONITOR_REJECTED, MONITOR_PASSWORD, MONITOR_REMINDER)


def _exam_context(exam):
    """What the e-mails say of an exam: its name, its page, and when it opens and closes (told in its zone)."""
    return {'exam_name': exam.name if exam else '', 'exam_url': exam_url(exam) if exam else '',
            'opens': told_moment(exam.opens_at, exam.time_zone) if exam and exam.opens_at else '',
            'closes': told_moment(exam.due_date, exam.time_zone) if exam and exam.due_date else ''}


def nomination_decided(nomination):
    """Tell the learner the course team approved or rejected their monitor (with the reason)."""
    user = nomination.user
    if not user.email:
        return
    name = MONITOR_APPROVED if nomination.status == nomination.APPROVED else MONITOR_REJECTED
    language = language_of(user)
    with translation.override(language):
        context = {'recipient_name': name_of(user), 'monitor_name': nomination.name, 'reason': nomination.reason,
                   'whole_course': nomination.exam_id is None, **_exam_context(nomination.exam)}
    queue(name, f'{name}:{nomination.pk}', user.email, context, user=user, language=language)


def _to_monitor(name, nomination, exam, send_after, **more):
    """Queue message ``name`` about ``exam`` to the monitor of ``nomination``, in the learner's language."""
    language = language_of(nomination.user)
    with translation.override(language):
        context = {'recipient_name': nomination.name, 'learner_name': name_of(nomination.user),
                   **_exam_context(exam), **more}
    queue(name, f'{name}:{nomination.pk}:{exam.pk}', nomination.email, context, language=language,
          send_after=send_after)


def monitor_password(nomination, exam, password, report_url, send_after):
    """Send the monitor the exam password (only they get it) and the link of their report, at ``send_after``."""
    _to_monitor(MONITOR_PASSWORD, nomination, exam, send_after, password=password, report_url=report_url)


def monitor_reminder(nomination, exam, report_url, send_after):
    """Remind the monitor of the exam at ``send_after`` (the password is in the earlier e-mail)."""
    _to_monitor(MONITOR_REMINDER, nomination, exam, send_after, report_url=report_url)
