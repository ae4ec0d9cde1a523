"""
The provider calls that must not be lost: a call the vendor does not answer is kept (``ProviderCall``)
and made again later, after 30 s, 1, 2, 4 ... minutes (at most an hour apart), until it goes through,
the vendor refuses it, or ``PROCTORING_PROVIDER_MAX_TRIES`` tries have failed (an erasure is tried
until the vendor answers). A kept call is leased while it is made, so two sweeps never make it at once.

A call made while a learner waits (``call_now``) waits at most ``PROCTORING_VENDOR_WAIT_SECONDS`` for the
vendor; once a vendor could not be reached, such calls are kept without being tried for
``PROCTORING_VENDOR_PAUSE_SECONDS`` (or until a kept call goes through): during an outage, no web worker
waits for a vendor that does not answer.

What a call does is the caller's: each function takes ``perform(attempt, action)``, which raises
``VendorError`` when the vendor cannot be reached (``VendorUnavailable``) or refuses (``VendorRejected``).
"""
import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from ..exams.caching import best_effort
from ..exams.models import ExamAttempt
from ..exams.statuses import AttemptStatus
from .http import VendorError, VendorRejected, VendorUnavailable, waiting_at_most
from .models import ProviderCall

log = logging.getLogger(__name__)

RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 3600
LEASE_SECONDS = 300   # a sweep that dies mid-call leaves the call to a later sweep
DEFAULT_MAX_TRIES = 10
DEFAULT_WAIT_SECONDS = 3
DEFAULT_PAUSE_SECONDS = 30
_UNREACHABLE_KEY = 'proctoring.vendor_unreachable.%s'


def retry_delay(tries):
    """How long to wait before try ``tries + 1``."""
    return timedelta(seconds=min(RETRY_BASE_SECONDS * 2 ** max(0, tries - 1), RETRY_MAX_SECONDS))


def max_tries():
    """How many failed tries make a call dead (``PROCTORING_PROVIDER_MAX_TRIES``)."""
    return getattr(settings, 'PROCTORING_PROVIDER_MAX_TRIES', DEFAULT_MAX_TRIES)


def wait_seconds():
    """How long a call made while a learner waits may wait for the vendor (``PROCTORING_VENDOR_WAIT_SECONDS``)."""
    return getattr(settings, 'PROCTORING_VENDOR_WAIT_SECONDS', DEFAULT_WAIT_SECONDS)


def pause_seconds():
    """How long calls are kept untried after the vendor could not be reached (``PROCTORING_VENDOR_PAUSE_SECONDS``)."""
    return getattr(settings, 'PROCTORING_VENDOR_PAUSE_SECONDS', DEFAULT_PAUSE_SECONDS)


# A cache that is down only costs the pause: calls are tried as usual.
_PAUSE_LOST = 'The cache could not keep which vendors are unreachable'


def paused(provider):
    """True while calls to ``provider`` wait in the outbox because it could not be reached a moment ago."""
    return bool(pause_seconds()) and best_effort(_PAUSE_LOST, cache.get, _UNREACHABLE_KEY % provider) is not None


def _pause(provider):
    if pause_seconds():
        best_effort(_PAUSE_LOST, cache.set, _UNREACHABLE_KEY % provider, True, timeout=pause_seconds())


def _resume(provider):
    best_effort(_PAUSE_LOST, cache.delete, _UNREACHABLE_KEY % provider)


def call_now(attempt, action, perform):
    """
    Make a provider call now, while the learner waits; return True when it went through. If the vendor
    cannot be reached (or could not be a moment ago), the call is kept and the retry task makes it later,
    so an outage loses no session and holds no web worker; a call the vendor refuses is kept as dead.
    """
    provider = attempt.exam.provider
    now = timezone.now()
    if paused(provider):
        ProviderCall.objects.create(attempt=attempt, provider=provider, action=action, next_try_at=now,
                                    last_error='Not tried: the vendor could not be reached a moment ago.')
        return False
    try:
        with waiting_at_most(wait_seconds()):
            perform(attempt, action)
        return True
    except VendorError as error:
        retryable = isinstance(error, VendorUnavailable)
        log.warning('Provider call %s for attempt %s failed (%s)', action, attempt.pk,
                    'will retry' if retryable else 'refused', exc_info=True)
        if retryable:
            _pause(provider)
        ProviderCall.objects.create(
            attempt=attempt, provider=provider, action=action, tries=1, last_error=str(error)[:500],
            status=ProviderCall.PENDING if retryable else ProviderCall.DEAD, next_try_at=now + retry_delay(1),
        )
        return False


def obsolete(call, attempt):
    """A kept call that no longer needs making (the session exists, or the attempt was reset)."""
    if call.action == ProviderCall.REGISTER_ATTEMPT:
        return bool(attempt.provider_attempt_id) or attempt.status not in AttemptStatus.IN_PROGRESS
    if call.action in ProviderCall.ERASURES:
        return False  # data that must go goes, whatever became of the attempt
    return attempt.status == AttemptStatus.RESET


def make_kept_call(call, now, perform):
    """
    Make a kept call unless another worker holds it; return its status afterwards (``DONE`` when it went
    through, ``PENDING`` to try again later, ``DEAD``), or None when another worker holds it.
    """
    # Claim the call (a lease), so that two sweeps never make it at once.
    if not ProviderCall.objects.filter(pk=call.pk, status=ProviderCall.PENDING, next_try_at=call.next_try_at) \
            .update(next_try_at=now + timedelta(seconds=LEASE_SECONDS), modified=now):
        return None
    attempt = ExamAttempt.objects.select_related('exam', 'user').get(pk=call.attempt_id)
    tries = call.tries + 1
    try:
        if not obsolete(call, attempt):
            perform(attempt, call.action)
    except VendorError as error:
        log.warning('Provider call %s for attempt %s failed: %s', call.action, attempt.pk, error)
        if isinstance(error, VendorUnavailable):
            _pause(call.provider)
        # An erasure is tried until the vendor answers (a refusal is dead and shown to staff).
        dead = isinstance(error, VendorRejected) or (
            tries >= max_tries() and call.action not in ProviderCall.ERASURES)
        status = ProviderCall.DEAD if dead else ProviderCall.PENDING
        ProviderCall.objects.filter(pk=call.pk).update(
            tries=tries, last_error=str(error)[:500], modified=now, next_try_at=now + retry_delay(tries),
            status=status)
        return status
    ProviderCall.objects.filter(pk=call.pk).update(status=ProviderCall.DONE, tries=tries, modified=now)
    _resume(call.provider)
    return ProviderCall.DONE


def keep_and_make(attempt, action, now, perform):
    """Keep a call first (a worker killed mid-call loses nothing), then make it; return its status."""
    return make_kept_call(ProviderCall.queue(attempt.pk, attempt.exam.provider, action, now), now, perform)


def retry_due(now, batch_size, perform):
    """
    Make again every kept call that is due, each attempt's in the order they were kept (a stop never
    overtakes its start); return how many went through.
    """
    due = ProviderCall.objects.filter(status=ProviderCall.PENDING, next_try_at__lte=now).order_by('pk')
    made = 0
    for call in list(due[:batch_size]):
        earlier = ProviderCall.objects.filter(attempt_id=call.attempt_id, status=ProviderCall.PENDING, pk__lt=call.pk)
        if earlier.exists():
            continue  # an earlier call of this attempt has not gone through yet
        made += make_kept_call(call, now, perform) == ProviderCall.DONE
    return made


def problems(course_key=None):
    """
    The kept calls that have not gone through (still retrying, or dead), newest first, for staff to
    see: a dead call means the vendor never heard of a session, a start or an end.
    """
    calls = (ProviderCall.objects.exclude(status=ProviderCall.DONE)
             .select_related('attempt__exam', 'attempt__user').order_by('-modified', '-pk'))
    if course_key is not None:
        calls = calls.filter(attempt__exam__course_key=str(course_key))
    return calls


def requeue(call, now):
    """Staff ask to make a dead call again: it is due at once and gets a fresh set of tries."""
    return bool(ProviderCall.objects.filter(pk=call.pk, status=ProviderCall.DEAD).update(
        status=ProviderCall.PENDING, tries=0, next_try_at=now, modified=now))
