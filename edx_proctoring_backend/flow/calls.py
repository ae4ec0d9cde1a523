"""
What each call to an attempt's provider does (register the session, start, stop, end in error, retire,
delete its data), made through ``providers.outbox`` so that an outage loses no call.
"""
import logging

from django.utils import timezone

from ..exams.models import ExamAttempt
from ..exams.statuses import AttemptStatus, ExamType
from ..providers import outbox
from ..providers.base import VendorSession
from ..providers.models import ProviderCall
from ..providers.registry import get_provider
from ..recordings import capture
from . import reviews

log = logging.getLogger(__name__)
S = AttemptStatus


def perform(attempt, action):
    """Make one call to the attempt's provider and apply what it answers."""
    provider = get_provider(attempt.exam.provider)
    if action == ProviderCall.REGISTER_ATTEMPT:
        session = provider.register_attempt(attempt)
        if isinstance(session, str):
            session = VendorSession(session)
        if session.session_id or session.software_url:
            ExamAttempt.objects.filter(pk=attempt.pk).update(
                provider_attempt_id=session.session_id, software_url=session.software_url)
            attempt.provider_attempt_id, attempt.software_url = session.session_id, session.software_url
    elif action == ProviderCall.START_SESSION:
        provider.on_start(attempt)
    elif action == ProviderCall.STOP_SESSION:
        outcome = provider.on_submit(attempt)
        capture.queue_session_analysis(attempt, provider)
        # An immediate verdict applies while the attempt awaits its review (not after an exemption).
        if outcome.review and attempt.exam.exam_type == ExamType.PROCTORED and attempt.status == S.SUBMITTED:
            reviews.record_provider_verdict(attempt, outcome.review,
                                            comments=[{'comment': outcome.comment}] if outcome.comment else ())
    elif action == ProviderCall.END_IN_ERROR:
        provider.on_error(attempt)
    elif action == ProviderCall.RETIRE_USER:
        provider.retire_user(attempt.user)
    elif action == ProviderCall.DELETE_SESSION_DATA:
        provider.delete_session_data(attempt)


def call_provider(attempt, action):
    """Make a provider call now; kept and made again later when the vendor cannot be reached (``providers.outbox``)."""
    return outbox.call_now(attempt, action, perform)


def make_kept_call(call, now):
    """Make a kept provider call (``providers.outbox``); return its status afterwards."""
    return outbox.make_kept_call(call, now, perform)


def ask_for_erasure(attempt, action, now):
    """Keep an erasure first, then make it; return its status."""
    return outbox.keep_and_make(attempt, action, now, perform)


def retry_provider_calls(now=None, batch_size=100):
    """Make again every kept provider call that is due (the periodic task); return how many succeeded."""
    return outbox.retry_due(now or timezone.now(), batch_size, perform)


def requeue_provider_call(call, now=None):
    """Staff ask to make a dead call again: it is due at once and gets a fresh set of tries."""
    return outbox.requeue(call, now or timezone.now())
