"""
The clocks the exam pages poll, kept in the site's cache.

Every learner's page asks for its clock every ``PROCTORING_TIMER_SYNC_SECONDS``, and the answer
changes only when the attempt does (it starts, ends, goes to review). So an attempt's clock
(``status, started_at, deadline``) is kept in the cache named by ``PROCTORING_TIMER_CACHE`` (an alias
of ``CACHES``: Redis or memcached in Open edX) and read from the database only when it is not there.

An entry lives at most one sync interval, and every status change forgets it once committed: a page
is never told for longer than one sync interval that an ended attempt is running, even where the
cache is per process or a poll raced the change. A deadline that passes needs no forgetting: the
clock itself says so, and the poll then submits the attempt.
"""
from django.conf import settings
from django.core.cache import caches
from django.db import transaction

from .caching import best_effort

DEFAULT_SYNC_SECONDS = 20
_KEY = 'proctoring.clock.%d'


def sync_seconds():
    """How often the exam page re-reads its clock (``PROCTORING_TIMER_SYNC_SECONDS``)."""
    return getattr(settings, 'PROCTORING_TIMER_SYNC_SECONDS', DEFAULT_SYNC_SECONDS)


def _cache():
    alias = getattr(settings, 'PROCTORING_TIMER_CACHE', 'default')
    return caches[alias] if alias else None


def cached_clock(attempt_id, user_id):
    """Return the cached ``(status, started_at, deadline)`` of this learner's attempt, or None."""
    cache = _cache()
    if cache is None:
        return None
    entry = best_effort('The timer cache could not be read; reading the clock from the database',
                        cache.get, _KEY % attempt_id)
    if entry is None or entry[0] != user_id:
        return None
    return entry[1:]


def keep_clock(attempt_id, user_id, clock):
    """Keep ``clock`` (status, started_at, deadline) of the learner's attempt for one sync interval."""
    cache = _cache()
    if cache is None:
        return
    best_effort('The timer cache could not be written',
                cache.set, _KEY % attempt_id, (user_id, *clock), timeout=sync_seconds())


def forget_clock(attempt_id):
    """
    Drop the attempt's cached clock now and again when the current transaction commits: a poll that
    read the old row before the commit cannot leave it behind for longer than its own entry lives.
    """
    cache = _cache()
    if cache is None:
        return

    def forget():
        # Where this fails, the entry expires within one sync interval anyway.
        best_effort(f'The timer cache could not forget attempt {attempt_id}', cache.delete, _KEY % attempt_id)

    forget()
    transaction.on_commit(forget)
