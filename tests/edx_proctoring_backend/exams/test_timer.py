"""The one deadline function and the time left, including property tests."""
from datetime import datetime, timedelta, timezone

from hypothesis import given, strategies as st

from edx_proctoring_backend.exams import timer

START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def test_plain_deadline_is_start_plus_limit():
    assert timer.compute_deadline(START, 60) == START + timedelta(minutes=60)


def test_extra_minutes_and_multiplier():
    assert timer.compute_deadline(START, 60, extra_minutes=15) == START + timedelta(minutes=75)
    assert timer.compute_deadline(START, 60, multiplier=1.5) == START + timedelta(minutes=90)
    assert timer.compute_deadline(START, 60, extra_minutes=10, multiplier=1.5) == START + timedelta(minutes=100)


def test_due_date_caps_the_deadline_even_with_allowances():
    due = START + timedelta(minutes=30)
    assert timer.compute_deadline(START, 60, extra_minutes=60, due_date=due) == due
    assert timer.compute_deadline(START, 20, due_date=due) == START + timedelta(minutes=20)


def test_exam_already_closed_gives_no_time():
    deadline = timer.compute_deadline(START, 60, due_date=START - timedelta(days=1))
    assert deadline == START
    assert timer.seconds_remaining(deadline, START) == 0


def test_warnings_at_20_and_5_percent():
    # 60 minutes: warnings at 12 and 3 minutes left, as the learner guide says.
    assert timer.warning_thresholds(START, START + timedelta(minutes=60)) == (12 * 60, 3 * 60)
    assert timer.warning_thresholds(START, START + timedelta(minutes=1)) == (12, 3)


def test_answers_accepted_until_deadline_plus_grace():
    deadline = START + timedelta(minutes=1)
    assert timer.accepts_answers(deadline, deadline, 10)
    assert timer.accepts_answers(deadline, deadline + timedelta(seconds=10), 10)
    assert not timer.accepts_answers(deadline, deadline + timedelta(seconds=11), 10)


limits = st.integers(min_value=1, max_value=24 * 60)
extras = st.integers(min_value=0, max_value=24 * 60)
multipliers = st.floats(min_value=1.0, max_value=10.0)
offsets = st.integers(min_value=-3600, max_value=10 * 24 * 3600)


@given(limits, extras, multipliers, st.integers(min_value=0, max_value=10 * 24 * 3600))
def test_time_left_stays_within_zero_and_limit_plus_allowance(limit, extra, multiplier, offset):
    deadline = timer.compute_deadline(START, limit, extra, multiplier)
    left = timer.seconds_remaining(deadline, START + timedelta(seconds=offset))
    assert 0 <= left <= timer.allotted_minutes(limit, extra, multiplier) * 60 + 1


@given(limits, extras, multipliers, offsets, st.integers(min_value=0, max_value=3600))
def test_time_left_never_grows_as_server_time_passes(limit, extra, multiplier, offset, later):
    deadline = timer.compute_deadline(START, limit, extra, multiplier)
    now = START + timedelta(seconds=offset)
    assert timer.seconds_remaining(deadline, now + timedelta(seconds=later)) <= timer.seconds_remaining(deadline, now)


@given(limits, extras, multipliers, offsets)
def test_time_left_only_grows_through_an_allowance(limit, extra, multiplier, offset):
    now = START + timedelta(seconds=offset)
    without = timer.seconds_remaining(timer.compute_deadline(START, limit), now)
    with_allowance = timer.seconds_remaining(timer.compute_deadline(START, limit, extra, multiplier), now)
    assert with_allowance >= without


@given(limits, extras, multipliers, st.datetimes(timezones=st.just(timezone.utc)))
def test_due_date_is_never_exceeded(limit, extra, multiplier, due):
    deadline = timer.compute_deadline(START, limit, extra, multiplier, due_date=due)
    assert deadline <= max(due, START)
