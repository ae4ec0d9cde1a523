"""The review policy tables."""
import pytest
from django.test import override_settings

from edx_proctoring_backend.exams.statuses import AttemptStatus as S
from edx_proctoring_backend.reviews.outcomes import Outcome, outcome_of, resulting_status, verdict_table


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


@pytest.mark.parametrize('outcome,by_person,status', [
    (Outcome.UNSATISFACTORY, False, S.SECOND_REVIEW_REQUIRED),   # people make the final call
    (Outcome.UNSATISFACTORY, True, S.REJECTED),
    (Outcome.SATISFACTORY, False, S.VERIFIED), (Outcome.SATISFACTORY, True, S.VERIFIED),
    (Outcome.SECOND_REVIEW, True, S.SECOND_REVIEW_REQUIRED), (Outcome.ERROR, True, S.ERROR),
    (Outcome.PENDING, True, None),
])
def test_resulting_status(outcome, by_person, status):
    assert resulting_status(outcome, decided_by_person=by_person) == status
