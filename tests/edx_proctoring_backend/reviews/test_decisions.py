"""Verdicts and decisions become reviews and statuses, once, whatever the order and the concurrency."""
import pytest

from edx_proctoring_backend import api
from edx_proctoring_backend.exams.models import AttemptTransition, ExamAttempt
from edx_proctoring_backend.reviews.decisions import record_decision, record_provider_verdict
from edx_proctoring_backend.reviews.models import Review
from edx_proctoring_backend.reviews.outcomes import Outcome
from tests import journeys
from tests.edx_proctoring_backend.test_concurrency import run_at_once

S = api.AttemptStatus
pytestmark = pytest.mark.mariadb


@pytest.fixture
def submitted(learner, make_exam):
    """A submitted proctored attempt whose provider leaves the review pending."""
    exam = make_exam(provider='counting')
    attempt = journeys.opt_in(learner, exam)
    api.confirm_checks(learner, exam, attempt.exam_code)
    api.start(learner, exam)
    api.submit(learner, exam)
    return ExamAttempt.objects.select_related('exam').get(pk=attempt.pk)


def transitions_to(attempt, status):
    return AttemptTransition.objects.filter(attempt=attempt, to_status=status).count()


def test_clean_verdict_verifies(submitted):
    review, status = record_provider_verdict(submitted, 'rpnow', 'Clean', comments=[{'start_s': 1, 'comment': 'ok'}],
                                             video_url='https://vendor.example/v/1')
    assert status == S.VERIFIED and review.outcome == Outcome.SATISFACTORY
    assert review.comments == [{'start_s': 1, 'comment': 'ok'}] and not review.by_person


def test_vendor_rules_violation_waits_for_a_person(submitted, make_user):
    _, status = record_provider_verdict(submitted, 'rpnow', 'Rules Violation')
    assert status == S.SECOND_REVIEW_REQUIRED
    reviewer = make_user('course-team')
    review, status = record_decision(submitted, Outcome.UNSATISFACTORY, reviewer, comment='notes on the desk')
    assert status == S.REJECTED and review.reviewer == reviewer and review.comment == 'notes on the desk'
    last = AttemptTransition.objects.filter(attempt=submitted).last()
    assert last.changed_by == reviewer


def test_suspicious_goes_to_second_review_then_support_clears_it(submitted, make_user):
    assert record_provider_verdict(submitted, 'rpnow', 'Suspicious')[1] == S.SECOND_REVIEW_REQUIRED
    assert record_decision(submitted, Outcome.SATISFACTORY, make_user('support'))[1] == S.VERIFIED


def test_same_verdict_again_changes_nothing(submitted):
    first, _ = record_provider_verdict(submitted, 'rpnow', 'Clean')
    again, status = record_provider_verdict(submitted, 'rpnow', 'Clean')
    assert again.pk == first.pk and status is None
    assert Review.objects.filter(attempt=submitted).count() == 1 and transitions_to(submitted, S.VERIFIED) == 1


def test_conflicting_verdict_is_escalated_not_applied(submitted):
    record_provider_verdict(submitted, 'rpnow', 'Clean')
    review, status = record_provider_verdict(submitted, 'rpnow', 'Rules Violation')
    assert status == S.SECOND_REVIEW_REQUIRED
    assert review.conflicts_with.verdict == 'Clean'
    assert transitions_to(submitted, S.REJECTED) == 0


def test_conflict_after_a_person_decided_leaves_the_decision(submitted, make_user):
    record_provider_verdict(submitted, 'rpnow', 'Suspicious')
    record_decision(submitted, Outcome.SATISFACTORY, make_user('support'))
    review, status = record_provider_verdict(submitted, 'rpnow', 'Rules Violation')
    assert status is None and review.conflicts_with is not None
    assert ExamAttempt.objects.get(pk=submitted.pk).status == S.VERIFIED


def test_not_reviewed_is_an_error(submitted):
    assert record_provider_verdict(submitted, 'rpnow', 'Not Reviewed')[1] == S.ERROR


def test_practice_and_timed_exams_are_not_reviewed(learner, make_exam):
    exam = make_exam(exam_type='timed')
    attempt = api.start(learner, exam)
    with pytest.raises(api.NotAllowed):
        record_provider_verdict(attempt, 'rpnow', 'Clean')


def test_a_review_before_submission_is_refused(learner, make_exam):
    exam = make_exam(provider='counting')
    attempt = journeys.opt_in(learner, exam)
    with pytest.raises(api.NotAllowed) as raised:
        record_provider_verdict(attempt, 'rpnow', 'Clean')
    assert raised.value.code == 'review_not_open'
    assert not Review.objects.filter(attempt=attempt).exists()


@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_deliveries_make_one_review_and_one_transition(submitted):
    results, errors = run_at_once(lambda: record_provider_verdict(
        ExamAttempt.objects.select_related('exam').get(pk=submitted.pk), 'rpnow', 'Clean')[0].pk, count=50)
    assert not errors, errors[:3]
    assert len(set(results)) == 1
    assert Review.objects.filter(attempt=submitted).count() == 1
    assert transitions_to(submitted, S.VERIFIED) == 1
