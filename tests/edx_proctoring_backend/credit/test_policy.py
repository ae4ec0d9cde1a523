"""The credit rules: what each status change means for the requirement, the grade and the events."""
import dataclasses

import pytest
from django.test import override_settings

from edx_proctoring_backend.credit import policy
from edx_proctoring_backend.credit.policy import CreditStatus as C, Effects, GradeAction as G
from edx_proctoring_backend.exams.statuses import ALLOWED_TRANSITIONS, NEW, AttemptStatus as S, ExamType

# Every allowed transition of a proctored exam's attempt: (credit status posted, grade action, event).
PROCTORED = {
    (NEW, S.CREATED): (None, G.KEEP, None),
    (NEW, S.DECLINED): (C.DECLINED, G.KEEP, None),
    (NEW, S.STARTED): (None, G.KEEP, None),
    (S.CREATED, S.READY_TO_START): (None, G.KEEP, None),
    (S.CREATED, S.DECLINED): (C.DECLINED, G.KEEP, None),
    (S.CREATED, S.ERROR): (C.FAILED, G.KEEP, 'errored'),
    (S.CREATED, S.RESET): (C.REMOVED, G.KEEP, 'reset'),
    (S.DECLINED, S.RESET): (C.REMOVED, G.KEEP, 'reset'),
    (S.READY_TO_START, S.STARTED): (None, G.KEEP, None),
    (S.READY_TO_START, S.ERROR): (C.FAILED, G.KEEP, 'errored'),
    (S.READY_TO_START, S.RESET): (C.REMOVED, G.KEEP, 'reset'),
    (S.STARTED, S.SUBMITTED): (C.SUBMITTED, G.KEEP, 'submitted'),
    (S.STARTED, S.ERROR): (C.FAILED, G.KEEP, 'errored'),
    (S.STARTED, S.RESET): (C.REMOVED, G.KEEP, 'reset'),
    (S.SUBMITTED, S.VERIFIED): (C.SATISFIED, G.KEEP, 'verified'),
    (S.SUBMITTED, S.REJECTED): (C.FAILED, G.ZERO, 'rejected'),
    (S.SUBMITTED, S.SECOND_REVIEW_REQUIRED): (C.SUBMITTED, G.KEEP, None),
    (S.SUBMITTED, S.ERROR): (C.FAILED, G.KEEP, 'errored'),
    (S.SUBMITTED, S.RESET): (C.REMOVED, G.KEEP, 'reset'),
    (S.SECOND_REVIEW_REQUIRED, S.VERIFIED): (C.SATISFIED, G.KEEP, 'verified'),
    (S.SECOND_REVIEW_REQUIRED, S.REJECTED): (C.FAILED, G.ZERO, 'rejected'),
    (S.SECOND_REVIEW_REQUIRED, S.ERROR): (C.FAILED, G.KEEP, 'errored'),
    (S.SECOND_REVIEW_REQUIRED, S.RESET): (C.REMOVED, G.KEEP, 'reset'),
    (S.VERIFIED, S.REJECTED): (C.FAILED, G.ZERO, 'rejected'),
    (S.VERIFIED, S.SECOND_REVIEW_REQUIRED): (C.SUBMITTED, G.KEEP, None),
    (S.VERIFIED, S.RESET): (C.REMOVED, G.KEEP, 'reset'),
    (S.REJECTED, S.VERIFIED): (C.SATISFIED, G.RESTORE, 'verified'),   # overturned
    (S.REJECTED, S.SECOND_REVIEW_REQUIRED): (C.SUBMITTED, G.RESTORE, None),   # reopened
    (S.REJECTED, S.RESET): (C.REMOVED, G.RESTORE, 'reset'),
    (S.ERROR, S.RESET): (C.REMOVED, G.KEEP, 'reset'),
}

ALLOWED = sorted(((from_status, to_status) for from_status, targets in ALLOWED_TRANSITIONS.items()
                  for to_status in targets), key=str)


def test_the_table_decides_every_allowed_transition():
    assert set(PROCTORED) == set(ALLOWED)


@pytest.mark.parametrize('from_status, to_status', ALLOWED)
def test_effects_of_a_proctored_exam(from_status, to_status):
    credit, grade, event = PROCTORED[(from_status, to_status)]
    assert policy.effects_of(ExamType.PROCTORED, from_status, to_status) == Effects(
        credit=credit, grade=grade, event=event)


@pytest.mark.parametrize('exam_type', [ExamType.PRACTICE, ExamType.TIMED])
@pytest.mark.parametrize('from_status, to_status', ALLOWED)
def test_practice_and_timed_exams_only_send_events(exam_type, from_status, to_status):
    event = PROCTORED[(from_status, to_status)][2]
    assert policy.effects_of(exam_type, from_status, to_status) == Effects(event=event)


@pytest.mark.parametrize('status, event', [
    (S.CREATED, None), (S.DECLINED, None), (S.READY_TO_START, None), (S.STARTED, None),
    (S.SUBMITTED, 'submitted'), (S.SECOND_REVIEW_REQUIRED, None), (S.VERIFIED, 'verified'),
    (S.REJECTED, 'rejected'), (S.ERROR, 'errored'), (S.RESET, 'reset'),
])
def test_each_status_sends_at_most_one_openedx_event(status, event):
    assert policy.EXAM_ATTEMPT_EVENT.get(status) == event
    assert set(policy.EXAM_ATTEMPT_EVENT) | set(policy.CREDIT_STATUS) <= set(S.ALL)


def test_effects_change_nothing_by_default_and_are_values():
    effects = Effects()
    assert (effects.credit, effects.grade, effects.event) == (None, G.KEEP, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        effects.credit = C.FAILED
    assert Effects(credit=C.FAILED) == Effects(credit=C.FAILED)


def test_the_platforms_vocabulary():
    assert policy.REQUIREMENT_NAMESPACE == 'proctored_exam'
    assert (C.SUBMITTED, C.SATISFIED, C.FAILED, C.DECLINED, C.REMOVED) == (
        'submitted', 'satisfied', 'failed', 'declined', '')


@pytest.mark.parametrize('exam_type, credit_status, grade, expected', [
    (ExamType.PROCTORED, C.SATISFIED, 1.0, True),
    (ExamType.PROCTORED, C.SATISFIED, 0.5, True),      # the default passing share, exactly
    (ExamType.PROCTORED, C.SATISFIED, 0.4999, False),
    (ExamType.PROCTORED, C.SATISFIED, 0.0, False),
    (ExamType.PROCTORED, C.SATISFIED, None, False),    # no grade yet
    (ExamType.PROCTORED, C.SUBMITTED, 1.0, False),     # review pending
    (ExamType.PROCTORED, C.FAILED, 1.0, False),
    (ExamType.PROCTORED, C.DECLINED, 1.0, False),      # taken without proctoring
    (ExamType.PROCTORED, C.REMOVED, 1.0, False),
    (ExamType.PRACTICE, C.SATISFIED, 1.0, False),      # never counts
    (ExamType.TIMED, C.SATISFIED, 1.0, False),         # not a credit requirement
])
def test_counts_toward_credit(exam_type, credit_status, grade, expected):
    assert policy.counts_toward_credit(exam_type, credit_status, grade, 0.5) is expected


@pytest.mark.parametrize('setting, grade, expected', [
    ('0.8', 0.8, True), (0.8, 0.79, False), (1, 1.0, True), (1, 0.99, False), (0, 0.0, True),
])
def test_the_passing_share_is_a_setting(setting, grade, expected):
    with override_settings(PROCTORING_CREDIT_MIN_GRADE=setting):
        assert policy.site_min_grade() == float(setting)
        assert policy.counts_toward_credit(ExamType.PROCTORED, C.SATISFIED, grade, policy.site_min_grade()) is expected


def test_the_default_passing_share():
    assert policy.site_min_grade() == 0.5
