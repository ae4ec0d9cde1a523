"""
The attempt state machine.

Every status change goes through ``transition``: it checks the change against
``statuses.ALLOWED_TRANSITIONS``, applies it with a compare-and-set UPDATE (so two requests racing
on the same attempt cannot both win, on SQLite or MariaDB alike) and appends the history row in the
same transaction.
"""
from django.db import IntegrityError, transaction
from django.utils import timezone

from .errors import IllegalTransition
from .models import AttemptTransition, ExamAttempt
from .statuses import NEW, is_allowed


def latest_attempt(exam, user):
    """Return the learner's current (highest-numbered) attempt at ``exam``, or None."""
    return (ExamAttempt.objects.select_related('exam')
            .filter(exam=exam, user=user).order_by('-attempt_number').first())


def create_attempt(exam, user, status, after=None, by=None, reason='', **fields):
    """
    Create the learner's attempt that follows ``after`` (None for the first), in ``status``.

    Returns ``(attempt, created)``. Exactly one of any number of simultaneous calls creates; the
    others get the winner's attempt back, as the unique (exam, user, attempt_number) guarantees.
    """
    if not is_allowed(NEW, status):
        raise IllegalTransition(NEW, status)
    number = after.attempt_number + 1 if after is not None else 1
    now = timezone.now()
    try:
        with transaction.atomic():
            attempt = ExamAttempt.objects.create(
                exam=exam, user=user, attempt_number=number, status=status, created=now, modified=now,
                **fields,
            )
            AttemptTransition.objects.create(
                attempt=attempt, from_status=None, to_status=status, changed_by=by, reason=reason, created=now,
            )
    except IntegrityError:
        winner = ExamAttempt.objects.select_related('exam').get(exam=exam, user=user, attempt_number=number)
        return winner, False
    attempt.exam = exam
    return attempt, True


def transition(attempt, to_status, by=None, reason='', **fields):
    """
    Move ``attempt`` to ``to_status``, also setting ``fields``; return True if this call made the change.

    Raises ``IllegalTransition`` (and changes nothing) when the table forbids the change. When another
    request changed the attempt first, the attempt is refreshed and False is returned if it already
    reached ``to_status``, else ``IllegalTransition`` is raised for its new status.
    """
    from_status = attempt.status
    if not is_allowed(from_status, to_status):
        raise IllegalTransition(from_status, to_status)
    now = timezone.now()
    fields['modified'] = now
    with transaction.atomic():
        # The write comes first so SQLite takes its write lock before reading anything.
        changed = ExamAttempt.objects.filter(pk=attempt.pk, status=from_status).update(status=to_status, **fields)
        if changed:
            AttemptTransition.objects.create(
                attempt=attempt, from_status=from_status, to_status=to_status, changed_by=by,
                reason=reason[:255], created=now,
            )
    if changed:
        attempt.status = to_status
        for name, value in fields.items():
            setattr(attempt, name, value)
        return True
    attempt.refresh_from_db()
    if attempt.status == to_status:
        return False
    if not is_allowed(attempt.status, to_status):
        raise IllegalTransition(attempt.status, to_status)
    return transition(attempt, to_status, by=by, reason=reason, **fields)
