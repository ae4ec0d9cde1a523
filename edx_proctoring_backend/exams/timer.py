"""
The exam clock. The server is the only clock: every deadline comes from ``compute_deadline`` and
every "time left" from ``seconds_remaining``; nothing here accepts a time from the client.
"""
import math
from datetime import timedelta

from django.conf import settings

DEFAULT_ANSWER_GRACE_SECONDS = 15

# Learners are warned when this share of their allotted time is left (60 minutes: at 12 and 3).
LOW_TIME_SHARE = 0.20
CRITICAL_TIME_SHARE = 0.05


def allotted_minutes(time_limit_minutes, extra_minutes=0, multiplier=1.0):
    """Return the minutes a learner is given: the limit times the multiplier, plus extra minutes."""
    return time_limit_minutes * (multiplier or 1.0) + (extra_minutes or 0)


def compute_deadline(started_at, time_limit_minutes, extra_minutes=0, multiplier=1.0, due_date=None):
    """
    Return the moment an attempt started at ``started_at`` must end.

    Start + time limit (times an allowance multiplier, plus allowance minutes), capped by the exam's
    due date: nobody keeps working after the exam closes, whatever their allowance.
    """
    deadline = started_at + timedelta(minutes=allotted_minutes(time_limit_minutes, extra_minutes, multiplier))
    if due_date is not None and due_date < deadline:
        deadline = max(due_date, started_at)
    return deadline


def seconds_remaining(deadline, now):
    """
    Return the seconds left before ``deadline`` at server time ``now``, to the millisecond (never
    negative). Not rounded to whole seconds: the page would show a rounded-up clock and warn late.
    """
    return max(0.0, round((deadline - now).total_seconds(), 3))


def warning_thresholds(started_at, deadline):
    """
    Return (low, critical): the seconds left at which the 20% and 5% warnings are shown.

    They are shares of the time actually allotted to this attempt, allowance and due date included.
    """
    total = max(0.0, (deadline - started_at).total_seconds())
    return math.floor(total * LOW_TIME_SHARE), math.floor(total * CRITICAL_TIME_SHARE)


def accepts_answers(deadline, now, grace_seconds):
    """Return True while answers may still be saved: up to the deadline plus a short network grace."""
    return now <= deadline + timedelta(seconds=grace_seconds)


def answer_grace_seconds():
    """The grace after a deadline in which what was sent at 00:00 still counts (``PROCTORING_ANSWER_GRACE_SECONDS``)."""
    return getattr(settings, 'PROCTORING_ANSWER_GRACE_SECONDS', DEFAULT_ANSWER_GRACE_SECONDS)
