"""The e-mails queued for sending, one row per event."""
from django.conf import settings
from django.db import models
from django.utils import timezone


class OutgoingMessage(models.Model):
    """
    One e-mail about one event. ``key`` names the event (e.g. ``booking_confirmed:12:3``), so an event
    queued twice, or a task run again, sends one e-mail (``messages.sending``). ``context`` holds what
    the templates need until the e-mail is sent, then it is emptied.

    .. pii: The recipient's e-mail address and user id (a learner, or an exam monitor who has no
      account), the language they read, and until sending what the e-mail says (names, times, an exam
      monitor's password). At retirement (privacy.retirement) a learner's rows are deleted; a monitor's
      go with their nomination.
    .. pii_types: id, name, email_address, password, other
    .. pii_retirement: local_api
    """

    key = models.CharField(max_length=200, unique=True)
    name = models.CharField(max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name='+')
    email = models.EmailField(max_length=254)
    language = models.CharField(max_length=16, blank=True)
    context = models.JSONField(default=dict, blank=True)
    send_after = models.DateTimeField(default=timezone.now)
    # A sender takes the row by setting ``claimed_at``; a claim older than the retry delay is free again.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    channel = models.CharField(max_length=16, blank=True)
    tries = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=255, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = 'edx_proctoring_backend'
        indexes = [models.Index(fields=['sent_at', 'send_after'], name='message_due')]

    def __str__(self):
        return f'{self.name} to {self.email} ({"sent" if self.sent_at else "queued"})'
