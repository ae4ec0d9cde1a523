"""An exam's window: when it may be begun, and the zone its times are told in."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from edx_proctoring_backend.exams import window

NOON = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize('opens,closes,state', [
    (None, None, window.OPEN),
    (NOON + timedelta(seconds=1), None, window.NOT_OPEN),
    (NOON, None, window.OPEN),                       # open from its opening moment on
    (None, NOON + timedelta(seconds=1), window.OPEN),
    (None, NOON, window.CLOSED),                     # closed from its closing moment on
    (NOON - timedelta(days=1), NOON + timedelta(days=1), window.OPEN),
])
def test_the_state_of_a_window_at_a_moment(opens, closes, state):
    assert window.ExamWindow(opens, closes).state(NOON) == state


def test_the_learners_own_due_date_closes_their_window_instead_of_the_exams():
    exam = SimpleNamespace(opens_at=NOON, due_date=NOON + timedelta(days=1), time_zone='America/Bogota')
    assert window.window_of(exam) == window.ExamWindow(NOON, NOON + timedelta(days=1), 'America/Bogota')
    assert window.window_of(exam, personal_due=NOON + timedelta(days=3)).closes_at == NOON + timedelta(days=3)


def test_zones_are_named_and_anything_else_is_utc():
    assert window.zone_named('America/Bogota') == ZoneInfo('America/Bogota')
    assert window.zone_named('') is timezone.utc
    assert window.zone_named('Mars/Olympus_Mons') is timezone.utc
    assert window.zone_named('../../etc/passwd') is timezone.utc
    names = window.time_zone_names()
    assert 'Europe/Amsterdam' in names and names == sorted(names)


@pytest.mark.parametrize('value', ['9999-12-31T23:59', '0001-01-01T00:00', 'tomorrow', '2026-13-01T00:00', 12])
def test_moments_far_from_any_exam_or_unreadable_are_refused(value):
    with pytest.raises(ValueError):
        window.read_moment(value, 'America/Bogota')


def test_a_moment_typed_in_a_zone_is_stored_in_utc():
    assert window.read_moment('2026-12-03T00:05', 'America/Bogota') == datetime(2026, 12, 3, 5, 5, tzinfo=timezone.utc)
    assert window.read_moment('', 'UTC') is None
