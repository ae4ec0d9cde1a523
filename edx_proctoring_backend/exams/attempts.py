"""
The attempt state machine.

Every status change goes through ``transition``: it checks the change against
``statuses.ALLOWED_TRANSITIONS``, applies it with a compare-and-set UPDATE (so two requests racing
on the same attempt cannot both win, on SQLite or MariaDB alike) and appends the history row in the
same transaction.
"""
from contextlib import contextmanager
from functools import lru_cache

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from . import clocks
from .errors import IllegalTransition
from .models import AttemptTransition, ExamAttempt
from .signals import attempt_status_changed
from .statuses import NEW, is_allowed


def latest_attempt(exam, user):
    """Return the learner's current (highest-numbered) attempt at ``exam``, or None."""
    attempt = (ExamAttempt.objects.select_related('exam')
               .filter(exam=exam, user=user).order_by('-attempt_number').first())
    if attempt is not None and hasattr(user, '_meta'):
        attempt.user = user  # the same person: what the attempt's receivers read of them costs no query
    return attempt


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
            attempt.exam = exam
            clocks.forget_clock(attempt.pk)
            attempt_status_changed.send(sender=ExamAttempt, attempt=attempt, from_status=None, to_status=status, by=by)
    except IntegrityError:
        winner = ExamAttempt.objects.select_related('exam').get(exam=exam, user=user, attempt_number=number)
        return winner, False
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
            clocks.forget_clock(attempt.pk)
            AttemptTransition.objects.create(
                attempt=attempt, from_status=from_status, to_status=to_status, changed_by=by,
                reason=reason[:255], created=now,
            )
            before = {name: getattr(attempt, name) for name in ('status', *fields)}
            for name, value in {'status': to_status, **fields}.items():
                setattr(attempt, name, value)
            try:
                attempt_status_changed.send(sender=ExamAttempt, attempt=attempt, from_status=from_status,
                                            to_status=to_status, by=by)
            except Exception:
                # The change is rolled back: the object must not claim it happened.
                for name, value in before.items():
                    setattr(attempt, name, value)
                raise
    if changed:
        return True
    attempt.refresh_from_db()
    if attempt.status == to_status:
        return False
    if not is_allowed(attempt.status, to_status):
        raise IllegalTransition(attempt.status, to_status)
    return transition(attempt, to_status, by=by, reason=reason, **fields)


def read_clock(attempt_id, user_id):
    """
    Return ``(status, started_at, deadline)`` of the learner's attempt, or None.

    The timer polls this every few seconds for every learner in an exam: the answer comes from the
    site's cache where it can (``clocks``), else from one narrow, pre-written primary-key query
    (building it through the ORM costs several times the database round trip). The query still goes
    through Django's cursor, so query logging, ``execute_wrapper`` and ``assertNumQueries`` see it.
    """
    clock = clocks.cached_clock(attempt_id, user_id)
    if clock is not None:
        return clock
    database = connections[DEFAULT_DB_ALIAS]  # this thread's connection, looked up once, not per attribute
    with database.cursor() as cursor:
        cursor.execute(_clock_sql(database.vendor), (attempt_id, user_id))
        row = cursor.fetchone()
    if row is None:
        return None
    status, started_at, deadline = row
    zone = database.timezone
    clock = status, _as_aware(started_at, zone), _as_aware(deadline, zone)
    clocks.keep_clock(attempt_id, user_id, clock)
    return clock


@lru_cache(maxsize=None)
def _clock_sql(vendor):  # pylint: disable=unused-argument
    """The clock query, written once per database vendor (quoting differs)."""
    meta = ExamAttempt._meta
    quote = connection.ops.quote_name
    columns = ', '.join(quote(meta.get_field(name).column) for name in ('status', 'started_at', 'deadline'))
    return (f'SELECT {columns} FROM {quote(meta.db_table)} '
            f'WHERE {quote(meta.pk.column)} = %s AND {quote(meta.get_field("user").column)} = %s')


def _as_aware(value, zone):
    """
    Read a datetime column as the ORM would: database drivers return naive datetimes in the
    connection's time zone (``connection.timezone``: UTC unless the database's ``TIME_ZONE`` says
    otherwise, None without ``USE_TZ``), and SQLite may return text.
    """
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    if zone is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=zone)


@contextmanager
def attempt_lock(attempt):
    """
    Serialise changes to one attempt for the length of the block, on every database: the first
    statement writes the attempt's row, which takes MariaDB's row lock and SQLite's write lock.
    """
    with transaction.atomic():
        ExamAttempt.objects.filter(pk=attempt.pk).update(modified=timezone.now())
        attempt.refresh_from_db()
        yield attempt
