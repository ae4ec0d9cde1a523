"""
Vendor messages: verify, parse, find the attempt, and make sure each message is applied once.

A message is refused (and nothing is written) when its signature, freshness or content is wrong,
or when it names a session that is not one of this provider's attempts. The errors carry a short
code and never echo what was expected or any internal id.
"""
import hashlib
import json
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from ..exams.models import ExamAttempt
from ..providers.base import CallbackInvalid, EventKind, ProviderEvent
from ..providers.signing import WebhookVerificationError
from .models import ReceivedMessage

MAX_BODY_BYTES = 1024 * 1024
# What an ``apply`` returns for a message that is kept but does not apply (answered 409 ``not_applicable``).
NOT_APPLICABLE = object()


class CallbackRejected(Exception):
    """A vendor message we refuse; ``status`` is the HTTP status to answer with."""

    def __init__(self, code, status):
        super().__init__(code)
        self.code = code
        self.status = status


@dataclass(frozen=True)
class VerifiedCallback:
    """A message whose signature, content and session check out, not yet applied."""

    message_id: str
    body_sha256: str
    event: ProviderEvent
    attempt: ExamAttempt


def verify(provider, headers, body):
    """Return a ``VerifiedCallback`` for a message to ``provider``, or raise ``CallbackRejected``."""
    if len(body) > MAX_BODY_BYTES:
        raise CallbackRejected('too_large', 413)
    try:
        message = provider.verify_callback(headers, body)
    except WebhookVerificationError as error:
        raise CallbackRejected('bad_signature' if error.reason != 'stale' else 'stale', 401) from error
    try:
        payload = json.loads(body.decode('utf-8'))
        if not isinstance(payload, dict):
            raise ValueError
        event = provider.parse_callback(payload)
    except (UnicodeDecodeError, ValueError, CallbackInvalid) as error:
        raise CallbackRejected('malformed', 400) from error
    attempt = (ExamAttempt.objects.select_related('exam', 'user')
               .filter(provider_attempt_id=event.session_id, exam__provider=provider.name).first()
               if event.session_id else None)
    # An onboarding update belongs to a learner, not a session: it may come without one.
    if attempt is None and (event.session_id or event.kind != EventKind.ONBOARDING):
        raise CallbackRejected('unknown_session', 404)
    return VerifiedCallback(message.message_id, hashlib.sha256(body).hexdigest(), event, attempt)


def apply_once(provider, callback, kind, apply):
    """
    Record the message and run ``apply(received_message)`` in one transaction; return its result, or
    None when this message id was already applied (a replay or a re-delivery).
    """
    try:
        with transaction.atomic():
            received = ReceivedMessage.objects.create(
                provider=provider.name, message_id=callback.message_id, kind=kind, body_sha256=callback.body_sha256)
            return apply(received)
    except IntegrityError:
        if ReceivedMessage.objects.filter(provider=provider.name, message_id=callback.message_id).exists():
            return None
        raise
