"""The transition table: every allowed transition applies, every other one is refused and changes nothing."""
import itertools

import pytest

from edx_proctoring_backend.exams.attempts import create_attempt, transition
from edx_proctoring_backend.exams.errors import IllegalTransition
from edx_proctoring_backend.exams.models import AttemptTransition, ExamAttempt
from edx_proctoring_backend.exams.statuses import (
    ALLOWED_TRANSITIONS, NEW, AttemptStatus, ExamType, ReviewStatus, is_allowed, practice_result, review_status,
)

S = AttemptStatus
ALL_PAIRS = list(itertools.product(S.ALL, S.ALL))
ALLOWED_PAIRS = [(a, b) for a, b in ALL_PAIRS if is_allowed(a, b)]
ILLEGAL_PAIRS = [(a, b) for a, b in ALL_PAIRS if not is_allowed(a, b)]


def test_table_covers_every_status():
    assert set(ALLOWED_TRANSITIONS) == set(S.ALL) | {NEW}
    for targets in ALLOWED_TRANSITIONS.values():
        assert targets <= set(S.ALL)


def test_reset_is_final_and_declining_cannot_be_undone_by_the_learner():
    assert not ALLOWED_TRANSITIONS[S.RESET]
    assert ALLOWED_TRANSITIONS[S.DECLINED] == {S.RESET}


def _attempt_in(status, exam, user):
    attempt, _ = create_attempt(exam, user, S.CREATED)
    ExamAttempt.objects.filter(pk=attempt.pk).update(status=status)
    attempt.refresh_from_db()
    return attempt


@pytest.mark.mariadb
@pytest.mark.parametrize('from_status,to_status', ALLOWED_PAIRS)
def test_every_allowed_transition_applies_and_is_recorded(from_status, to_status, make_exam, learner):
    attempt = _attempt_in(from_status, make_exam(), learner)
    assert transition(attempt, to_status, by=learner, reason='test') is True
    attempt.refresh_from_db()
    assert attempt.status == to_status
    last = AttemptTransition.objects.filter(attempt=attempt).last()
    assert (last.from_status, last.to_status, last.changed_by, last.reason) == (from_status, to_status, learner, 'test')


@pytest.mark.parametrize('from_status,to_status', ILLEGAL_PAIRS)
def test_every_illegal_transition_is_refused_and_changes_nothing(from_status, to_status, make_exam, learner):
    attempt = _attempt_in(from_status, make_exam(), learner)
    history_before = AttemptTransition.objects.filter(attempt=attempt).count()
    with pytest.raises(IllegalTransition) as raised:
        transition(attempt, to_status, by=learner)
    assert raised.value.code == 'illegal_transition'
    attempt.refresh_from_db()
    assert attempt.status == from_status
    assert AttemptTransition.objects.filter(attempt=attempt).count() == history_before


@pytest.mark.parametrize('status', sorted(set(S.ALL) - ALLOWED_TRANSITIONS[NEW]))
def test_attempts_are_born_only_in_initial_statuses(status, make_exam, learner):
    with pytest.raises(IllegalTransition):
        create_attempt(make_exam(), learner, status)
    assert not ExamAttempt.objects.exists()


def test_stale_transition_loses_to_the_first_writer(make_exam, learner):
    attempt = _attempt_in(S.STARTED, make_exam(), learner)
    stale = ExamAttempt.objects.get(pk=attempt.pk)
    assert transition(attempt, S.SUBMITTED) is True
    # The stale copy still says "started": the same change is a no-op, a different one re-checks.
    assert transition(stale, S.SUBMITTED) is False
    stale = ExamAttempt.objects.get(pk=attempt.pk)
    stale.status = S.STARTED
    with pytest.raises(IllegalTransition):
        transition(stale, S.READY_TO_START)
    assert AttemptTransition.objects.filter(attempt=attempt, to_status=S.SUBMITTED).count() == 1


def test_history_is_append_only(make_exam, learner):
    attempt = _attempt_in(S.STARTED, make_exam(), learner)
    row = AttemptTransition.objects.filter(attempt=attempt).first()
    row.reason = 'rewritten'
    with pytest.raises(ValueError):
        row.save()
    with pytest.raises(ValueError):
        row.delete()


@pytest.mark.parametrize('status,expected', [
    (S.SUBMITTED, ReviewStatus.PENDING), (S.SECOND_REVIEW_REQUIRED, ReviewStatus.PENDING),
    (S.VERIFIED, ReviewStatus.SATISFACTORY), (S.REJECTED, ReviewStatus.UNSATISFACTORY),
    (S.STARTED, None), (S.ERROR, None),
])
def test_review_status_of_proctored_exams(status, expected):
    assert review_status(ExamType.PROCTORED, status) == expected
    assert review_status(ExamType.PRACTICE, status) is None
    assert review_status(ExamType.TIMED, status) is None


def test_practice_results():
    assert practice_result(S.SUBMITTED) == 'complete'
    assert practice_result(S.ERROR) == 'failed'
    assert practice_result(S.STARTED) is None
    # The proctoring did not hold until the learner ended the exam: failed, as the learner guide says.
    assert practice_result(S.SUBMITTED, 'proctoring_session_lost') == 'failed'
    assert practice_result(S.SUBMITTED, 'capture_lost') == 'failed'
    assert practice_result(S.SUBMITTED, 'learner', interrupted=True) == 'failed'
    assert practice_result(S.SUBMITTED, 'time_expired') == 'complete'
    assert practice_result(S.STARTED, 'learner', interrupted=True) is None
