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

from django.utils import formats

NOT_OPEN = 'not_open'
OPEN = 'open'
CLOSED = 'closed'
# The years whose moments an exam's settings may name.
MOMENT_YEARS = range(1970, 3000)


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


def moment_parts(moment, time_zone):
    """
    A moment as learners read it, in parts for a translated sentence: ``weekday`` and ``date_time`` in the
    active language's format, in the zone the course team named, with that zone's name (``time_zone``)
    and its offset from UTC (``utc_offset``, e.g. "UTC−05:00").
    """
    local = moment.astimezone(zone_named(time_zone))
    offset = local.utcoffset().total_seconds() // 60
    sign = '+' if offset >= 0 else '\u2212'
    hours, minutes = divmod(abs(int(offset)), 60)
    return {'weekday': formats.date_format(local, 'l'), 'date_time': formats.date_format(local, 'DATETIME_FORMAT'),
            'time_zone': time_zone or 'UTC', 'utc_offset': f'UTC{sign}{hours:02d}:{minutes:02d}'}


def read_moment(value, time_zone):
    """
    An aware UTC datetime from ``value``: None or '' (None), an aware datetime, or a date and time as a
    form sends it (``2026-12-03T00:05``), read in ``time_zone``. Raises ValueError for anything else, and
    for a moment outside the years an exam can be held in (``MOMENT_YEARS``).
    """
    if value in (None, ''):
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise ValueError(f'not a moment: {value!r}')
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone_named(time_zone))
    if value.year not in MOMENT_YEARS:
        # Far from any exam, and near datetime's limits, where adding a length or a zone overflows.
        raise ValueError(f'not a moment of an exam: {value!r}')
    return value.astimezone(timezone.utc)
