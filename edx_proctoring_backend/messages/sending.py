"""
Queueing and sending e-mails: each event sends at most one e-mail.

``queue`` keeps one ``OutgoingMessage`` per event key and, when it is due, asks Celery to send it once the
transaction commits; later ones wait for ``send_due``, the periodic sweep, which also tries again the
ones that failed. ``send`` takes a message by setting its claim with a conditional update (one winner on
every database, without holding a lock over the SMTP conversation), sends it, and marks it sent: a task
delivered twice, or retried, finds it sent or claimed and does nothing. Only a worker that dies between
the delivery and the mark can leave a message to be sent again, once its claim is stale.
"""
import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from ..lms import messaging
from .models import OutgoingMessage
from .rendering import render

log = logging.getLogger(__name__)

SENT, ALREADY_SENT, NOT_DUE, BUSY, FAILED, WITHDRAWN = 'sent', 'already_sent', 'not_due', 'busy', 'failed', 'withdrawn'
ACE, DJANGO = 'ace', 'django'
# A message that failed this many times is left for staff to look at (the admin lists it).
MAX_TRIES = 10


def retry_delay():
    """How long a claimed message that was not sent waits before it is tried again."""
    return timedelta(minutes=getattr(settings, 'PROCTORING_EMAIL_RETRY_MINUTES', 5))


def channel():
    """Where e-mails go: ``ace`` (the platform's messaging) or ``django`` (Django's e-mail framework)."""
    chosen = getattr(settings, 'PROCTORING_EMAIL_DELIVERY', 'auto')
    if chosen == 'auto':
        return ACE if messaging.ace_configured() else DJANGO
    return chosen


def queue(name, key, email, context, user=None, language='', send_after=None):
    """
    Queue message ``name`` about the event ``key`` for ``email`` (``user``'s, or someone's without an
    account), rendered from ``context`` (JSON values) in ``language``, not before ``send_after`` (now by
    default). Queueing an event again changes nothing and returns the message already queued.
    """
    send_after = send_after or timezone.now()
    try:
        with transaction.atomic():
            message, created = OutgoingMessage.objects.get_or_create(key=key, defaults={
                'name': name, 'email': email, 'context': context, 'user': user, 'language': language or '',
                'send_after': send_after})
    except IntegrityError:  # another request queued the same event at the same moment
        return OutgoingMessage.objects.get(key=key)
    if created and send_after <= timezone.now():
        _queue_task(message.pk)
    return message


def _queue_task(message_id):
    # The task module is a thin wrapper over this one; it is imported when work is queued, not at load.
    from ..tasks import send_message as task  # pylint: disable=import-outside-toplevel,cyclic-import
    transaction.on_commit(partial(task.delay, message_id))


def withdraw(key):
    """Withdraw the event's message if it was not sent yet (a reminder for a booking cancelled since); True if so."""
    return OutgoingMessage.objects.filter(key=key, sent_at=None).delete()[0] > 0


def reschedule(key, send_after):
    """Move the unsent message of the event ``key`` to ``send_after``; True if there was one."""
    return OutgoingMessage.objects.filter(key=key, sent_at=None).update(send_after=send_after) > 0


def send(message_id, now=None):
    """
    Send one queued message if it is due and nobody else is sending it; return what happened (``SENT``,
    ``ALREADY_SENT``, ``NOT_DUE``, ``BUSY``, ``FAILED`` or ``WITHDRAWN``).
    """
    now = now or timezone.now()
    message = OutgoingMessage.objects.filter(pk=message_id).first()
    if message is None:
        return WITHDRAWN
    if message.sent_at is not None:
        return ALREADY_SENT
    if message.send_after > now:
        return NOT_DUE
    free = Q(claimed_at=None) | Q(claimed_at__lt=now - retry_delay())
    if not OutgoingMessage.objects.filter(free, pk=message_id, sent_at=None).update(claimed_at=now):
        return BUSY
    used = channel()
    try:
        _deliver(message, used)
    except Exception as error:  # pylint: disable=broad-except
        log.warning('E-mail %s (%s) was not sent: %s', message.pk, message.name, error)
        # The claim stays: the sweep tries again once it is stale.
        OutgoingMessage.objects.filter(pk=message_id).update(tries=message.tries + 1,
                                                             last_error=str(error)[:255] or type(error).__name__)
        return FAILED
    # What the e-mail said is not kept once it is sent.
    OutgoingMessage.objects.filter(pk=message_id).update(sent_at=timezone.now(), channel=used, context={},
                                                         tries=message.tries + 1, last_error='')
    return SENT


def _deliver(message, used):
    """Hand the message to edx-ace, or render it and send it with Django's e-mail (``used``: the channel)."""
    from_address = getattr(settings, 'PROCTORING_EMAIL_FROM', None)
    if used == ACE:
        messaging.send_with_ace(message.name, message.user_id, message.email, message.language,
                                message.context, from_address=from_address)
        return
    rendered = render(message.name, message.context, message.language)
    mail = EmailMultiAlternatives(subject=rendered.subject, body=rendered.text,
                                  from_email=from_address or settings.DEFAULT_FROM_EMAIL, to=[message.email],
                                  headers={'Auto-Submitted': 'auto-generated'})
    mail.attach_alternative(rendered.html, 'text/html')
    mail.send()


def due_messages(now=None):
    """The ids of the messages due and free to send (a failed one once its claim is stale), oldest first."""
    now = now or timezone.now()
    return list(OutgoingMessage.objects
                .filter(Q(claimed_at=None) | Q(claimed_at__lt=now - retry_delay()),
                        sent_at=None, send_after__lte=now, tries__lt=MAX_TRIES)
                .order_by('send_after', 'pk').values_list('pk', flat=True)[:500])


def send_due(now=None):
    """Send the messages that are due (the periodic sweep); return how many were sent."""
    return sum(send(message_id, now) == SENT for message_id in due_messages(now))


def forget(user):
    """Delete the messages of a retired learner (sent or not)."""
    return OutgoingMessage.objects.filter(user=user).delete()[0]
