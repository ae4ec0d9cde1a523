"""
When an exam may be begun: from its opening time until it closes.

An exam closes at the learner's due date (the block's closing time, or the platform's due date of its
unit, which an extension personalises), else at the exam's own. Outside its window nobody opts in,
opts out or starts; an attempt already running keeps its clock, which never runs past the close
(``timer.compute_deadline``). The times are stored in UTC and shown in the time zone the course team
named (``time_zone``: an IANA name, UTC when empty).
"""
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

NOT_OPEN = 'not_open'
OPEN = 'open'
CLOSED = 'closed'


@dataclass(frozen=True)
class ExamWindow:
    """An exam's opening and closing moments (None: no limit on that side) and the zone they are told in."""

    opens_at: datetime = None
    closes_at: datetime = None
    time_zone: str = ''

    def state(self, now):
        """``NOT_OPEN`` before the opening, ``CLOSED`` from the closing on, else ``OPEN``."""
        if self.opens_at is not None and now < self.opens_at:
            return NOT_OPEN
        if self.closes_at is not None and now >= self.closes_at:
            return CLOSED
        return OPEN


def window_of(exam, personal_due=None):
    """The window of ``exam`` for a learner whose own due date is ``personal_due`` (None: the exam's)."""
    return ExamWindow(opens_at=exam.opens_at, closes_at=personal_due or exam.due_date, time_zone=exam.time_zone)


def zone_named(name):
    """The time zone of an IANA name; UTC for an empty or unknown name."""
    if not name:
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc


def time_zone_names():
    """Every IANA time zone name this system knows, sorted."""
    return sorted(available_timezones())
