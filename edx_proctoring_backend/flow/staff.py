"""Staff's actions on an attempt (reset, submit or end a stuck one, unlock a locked code) and on allowances."""
import logging

from ..exams import allowances, codes
from ..exams.attempts import transition
from ..exams.errors import IllegalTransition, NotAllowed
from ..exams.models import AttemptTransition
from ..exams.statuses import AttemptStatus
from ..lms.events import emit_attempt_event
from ..providers import onboarding
from ..providers.base import Feature
from ..providers.models import ProviderCall
from ..providers.registry import UnknownProvider, get_provider
from . import calls, learner

log = logging.getLogger(__name__)
S = AttemptStatus


def unlock_exam_code(attempt, by, reason=''):
    """Staff unlock an attempt's exam code locked by wrong codes; the attempt's history says who and why."""
    codes.unlock(attempt)
    AttemptTransition.objects.create(attempt=attempt, from_status=attempt.status, to_status=attempt.status,
                                     changed_by=by, reason=(f'exam code unlocked: {reason}' if reason
                                                            else 'exam code unlocked')[:255])
    return attempt


def mark_error(attempt, by=None, reason=''):
    """The proctoring session ended unexpectedly (or staff say so): the attempt ends in error."""
    attempt.refresh_from_db()
    transition(attempt, S.ERROR, by=by, reason=reason or 'error')
    emit_attempt_event('error', attempt)
    calls.call_provider(attempt, ProviderCall.END_IN_ERROR)
    return attempt


def reset_attempt(attempt, by, reason=''):
    """Reset an attempt so the learner may take the exam again; the old one stays in the history."""
    attempt.refresh_from_db()
    transition(attempt, S.RESET, by=by, reason=reason or 'reset by staff')
    emit_attempt_event('reset', attempt)
    return attempt


STAFF_SUBMIT_REASON = 'staff'


def mark_submitted(attempt, by, reason):
    """
    Staff end a stuck running attempt: it is submitted with what was answered, as if the learner had
    pressed End My Exam, and goes to review as usual. ``reason`` is kept in the history.
    """
    attempt.refresh_from_db()
    if attempt.status != S.STARTED:
        raise IllegalTransition(attempt.status, S.SUBMITTED)
    learner.end_attempt(attempt, by=by, reason=STAFF_SUBMIT_REASON, note=f'submitted by staff: {reason}')
    return attempt


def mark_stuck_error(attempt, by, reason):
    """
    Staff end an attempt stuck before or during the exam (opted in, ready, or running) in error, with
    ``reason``. A finished attempt is not "stuck": its review decides it (``IllegalTransition``).
    """
    attempt.refresh_from_db()
    if attempt.status not in S.IN_PROGRESS:
        raise IllegalTransition(attempt.status, S.ERROR)
    return mark_error(attempt, by=by, reason=f'marked as error by staff: {reason}')


def attempt_history(attempt):
    """Return the attempt's status changes, oldest first."""
    return list(attempt.history.all())


def set_allowance(exam, user, kind, value, created_by=None):
    """
    Grant an allowance; it applies to attempts that start afterwards. Returns an
    ``exams.allowances.AllowanceResult``: ``started_attempt`` is the attempt the change does not reach.
    """
    return allowances.set_allowance(exam, user, kind, value, created_by=created_by)


def remove_allowance(exam, user, kind, removed_by=None):
    """Remove an allowance; returns an ``AllowanceResult`` whose ``change`` is None when there was none."""
    return allowances.remove_allowance(exam, user, kind, removed_by=removed_by)


def reset_onboarding(user, provider_name, by):
    """
    Staff start ``user``'s onboarding at ``provider_name`` afresh (the vendor resets the profile; the learner
    does the onboarding again). ``NotAllowed`` ``no_onboarding`` for a provider without onboarding; a
    ``VendorError`` (the vendor refused or cannot be reached) changes nothing.
    """
    try:
        provider = get_provider(provider_name)
    except (UnknownProvider, ImportError) as error:
        raise NotAllowed('No such provider.', code='no_onboarding') from error
    if Feature.ONBOARDING not in provider.features:
        raise NotAllowed('This provider has no onboarding.', code='no_onboarding')
    profile = onboarding.reset(provider, user)
    log.info('Onboarding of user %s at %s reset by %s', user.pk, provider_name, getattr(by, 'pk', None))
    return profile
