"""The review policy tables."""
import pytest
from django.test import override_settings

from edx_proctoring_backend.exams.statuses import AttemptStatus as S
from edx_proctoring_backend.reviews.outcomes import (
    CreditStatus, GradeAction, Outcome, consequence, outcome_of, verdict_table,
)


@pytest.mark.parametrize('provider,verdict,expected', [
    ('rpnow', 'Clean', Outcome.SATISFACTORY), ('rpnow', 'Rules Violation', Outcome.UNSATISFACTORY),
    ('rpnow', 'Suspicious', Outcome.SECOND_REVIEW), ('rpnow', 'Not Reviewed', Outcome.ERROR),
    ('proctortrack', 'passed', Outcome.SATISFACTORY), ('proctortrack', 'flagged', Outcome.SECOND_REVIEW),
    ('proctortrack', 'failed', Outcome.UNSATISFACTORY),
    ('rpnow', 'Something new', Outcome.SECOND_REVIEW), ('unknown', 'Clean', Outcome.SECOND_REVIEW),
])
def test_default_verdicts(provider, verdict, expected):
    assert outcome_of(provider, verdict) == expected


@override_settings(
    PROCTORING_REVIEW_POLICY={'rpnow': {'Not Reviewed': Outcome.SECOND_REVIEW}},
    PROCTORING_COURSE_REVIEW_POLICY={'course-v1:Strict+X+1': {'rpnow': {'Suspicious': Outcome.UNSATISFACTORY}},
                                     'course-v1:Odd+X+1': {'rpnow': {'Clean': 'bogus'}}},
)
def test_site_and_course_overrides():
    assert outcome_of('rpnow', 'Not Reviewed') == Outcome.SECOND_REVIEW
    assert outcome_of('rpnow', 'Suspicious', 'course-v1:Strict+X+1') == Outcome.UNSATISFACTORY
    assert outcome_of('rpnow', 'Suspicious', 'course-v1:Other+X+1') == Outcome.SECOND_REVIEW
    assert outcome_of('rpnow', 'Clean', 'course-v1:Odd+X+1') == Outcome.SECOND_REVIEW  # invalid override
    assert verdict_table('rpnow')['Clean'] == Outcome.SATISFACTORY


def test_people_make_the_final_call_on_unsatisfactory_outcomes():
    assert consequence(Outcome.UNSATISFACTORY, decided_by_person=False).status == S.SECOND_REVIEW_REQUIRED
    rejected = consequence(Outcome.UNSATISFACTORY, decided_by_person=True)
    assert (rejected.status, rejected.credit, rejected.grade) == (S.REJECTED, CreditStatus.FAILED, GradeAction.ZERO)


def test_satisfactory_restores_and_satisfies():
    verified = consequence(Outcome.SATISFACTORY, decided_by_person=False)
    assert (verified.status, verified.credit, verified.grade) == (
        S.VERIFIED, CreditStatus.SATISFIED, GradeAction.RESTORE)


@pytest.mark.parametrize('outcome,status', [
    (Outcome.SECOND_REVIEW, S.SECOND_REVIEW_REQUIRED), (Outcome.ERROR, S.ERROR), (Outcome.PENDING, None),
])
def test_other_outcomes_leave_credit_and_grade_alone(outcome, status):
    result = consequence(outcome, decided_by_person=True)
    assert (result.status, result.credit, result.grade) == (status, None, GradeAction.KEEP)
