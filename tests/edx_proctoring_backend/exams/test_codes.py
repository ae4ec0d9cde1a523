"""Exam codes: unguessable, normalised for pasting."""
import base64

import pytest

from edx_proctoring_backend import api
from edx_proctoring_backend.exams.codes import new_exam_code, normalise_exam_code
from edx_proctoring_backend.exams.errors import ExamCodeLocked, InvalidExamCode
from tests import journeys


def test_codes_carry_128_bits_and_are_unique():
    codes = {new_exam_code() for _ in range(2000)}
    assert len(codes) == 2000
    code = next(iter(codes))
    raw = code.replace('-', '')
    assert len(base64.b32decode(raw + '=' * (-len(raw) % 8))) == 16


def test_pasted_codes_are_normalised():
    code = new_exam_code()
    assert normalise_exam_code(f'  {code.lower().replace("-", " ")}\n') == code
    assert normalise_exam_code(None) == ''


# ---- the limit on guessing --------------------------------------------------------------------------------

WRONG = 'AAAAA-BBBBB-CCCCC-DDDDD-EEEEE-F'


@pytest.fixture
def opted_in(learner, make_exam, settings):
    """The learner's attempt at a proctored exam whose code is typed on the exam page; three wrong codes lock it."""
    settings.PROCTORING_EXAM_CODE_MAX_FAILURES = 3
    exam = make_exam(provider='null')
    return journeys.opt_in(learner, exam)


def test_wrong_codes_lock_the_attempts_code_until_staff_unlock_it(opted_in, learner, make_user):
    exam = opted_in.exam
    for _ in range(2):
        with pytest.raises(InvalidExamCode) as refused:
            api.confirm_checks(learner, exam, WRONG)
        assert refused.value.code == 'invalid_exam_code'
    with pytest.raises(ExamCodeLocked):
        api.confirm_checks(learner, exam, WRONG)
    # Locked: the right code is refused too, and nothing more is counted.
    with pytest.raises(ExamCodeLocked):
        api.confirm_checks(learner, exam, opted_in.exam_code)
    opted_in.refresh_from_db()
    assert opted_in.code_failures == 3 and opted_in.code_locked_at is not None
    assert opted_in.status == api.AttemptStatus.CREATED and opted_in.code_redeemed_at is None

    staff = make_user('staff')
    api.unlock_exam_code(opted_in, by=staff, reason='checked the learner by phone')
    assert opted_in.code_failures == 0 and opted_in.code_locked_at is None
    unlocked = opted_in.history.order_by('-pk').first()
    assert (unlocked.changed_by, unlocked.reason) == (staff, 'exam code unlocked: checked the learner by phone')
    assert api.confirm_checks(learner, exam, opted_in.exam_code).status == api.AttemptStatus.READY_TO_START


def test_a_code_used_before_is_no_guess(opted_in, learner):
    api.confirm_checks(learner, opted_in.exam, opted_in.exam_code)
    opted_in.refresh_from_db()
    for _ in range(5):
        with pytest.raises(InvalidExamCode) as refused:
            api.redeem_exam_code(opted_in, opted_in.exam_code)
        assert refused.value.code == 'exam_code_used'
    opted_in.refresh_from_db()
    assert opted_in.code_failures == 0 and opted_in.code_locked_at is None


def test_each_attempt_counts_its_own_wrong_codes(opted_in, make_user):
    other = journeys.opt_in(make_user('other'), opted_in.exam)
    for _ in range(2):
        with pytest.raises(InvalidExamCode):
            api.redeem_exam_code(opted_in, WRONG)
    with pytest.raises(InvalidExamCode) as refused:
        api.redeem_exam_code(other, WRONG)
    assert refused.value.code == 'invalid_exam_code'
    other.refresh_from_db()
    assert other.code_failures == 1
