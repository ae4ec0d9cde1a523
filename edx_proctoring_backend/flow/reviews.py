"""
Reviews applied: a person's decision or a provider's verdict recorded on a submitted attempt, the
attempt moved as the review policy says, and the platform told (``exam_attempt`` events).
"""
import logging

from ..exams.errors import NotAllowed
from ..exams.models import ExamAttempt
from ..exams.statuses import AttemptStatus, ExamType
from ..lms import roles
from ..lms.events import emit_attempt_event
from ..reviews import decisions
from ..reviews.outcomes import Outcome
from ..reviews.queue import COURSE_TEAM_STAGE, PERSON_DECISIONS, review_stage

# Who makes the final decision on a review support escalated.
COURSE_TEAM_ROLES = (roles.COURSE_INSTRUCTOR, roles.GLOBAL_STAFF)

log = logging.getLogger(__name__)
S = AttemptStatus


def record_review(attempt, outcome, by=None, comment=''):
    """
    Record a review ``outcome`` (``reviews.outcomes.Outcome``) on a submitted proctored attempt and
    apply it through the review policy. Without a person (``by``) an unsatisfactory outcome asks for
    a second review instead: people make the final call.
    """
    attempt.refresh_from_db()
    if by is not None:
        stage = review_stage(attempt)
        if stage == COURSE_TEAM_STAGE and outcome not in person_decisions(attempt, by, stage):
            raise NotAllowed('Support escalated this review: the course team makes the final decision.',
                             code='course_team_decides')
    review, new_status = decisions.record_decision(attempt, outcome, reviewer=by, comment=comment)
    if new_status:
        emit_attempt_event('reviewed', attempt, review=review.outcome)
    return attempt


def person_decisions(attempt, person, stage=None):
    """
    The outcomes ``person`` may record on ``attempt`` now: at the course team's stage only its instructors
    (and global staff) decide, and finally (no further escalation); before it, every reviewer's choices.
    ``stage``: the attempt's ``review_stage`` where the caller has read it already.
    """
    if (stage or review_stage(attempt)) != COURSE_TEAM_STAGE:
        return PERSON_DECISIONS
    if roles.course_role(person, attempt.exam.course_key) not in COURSE_TEAM_ROLES:
        return ()
    return (Outcome.SATISFACTORY, Outcome.UNSATISFACTORY)


def record_provider_verdict(attempt, verdict, comments=(), video_url='', message=None):
    """Record the verdict of the attempt's own provider (its own words) and apply it."""
    attempt.refresh_from_db()
    review, new_status = decisions.record_provider_verdict(
        attempt, attempt.exam.provider, verdict, comments=comments, video_url=video_url, message=message)
    if new_status:
        emit_attempt_event('reviewed', attempt, review=review.outcome)
    return review


def send_to_person(recording, reason):
    """
    A recording could not be analysed: the attempt's review must be a person's. A submitted proctored
    attempt goes to a second review (never to "satisfactory"); one a person decided already stays decided.
    """
    attempt = ExamAttempt.objects.select_related('exam', 'user').get(pk=recording.attempt_id)
    if attempt.exam.exam_type != ExamType.PROCTORED or attempt.status != S.SUBMITTED:
        return
    record_review(attempt, Outcome.SECOND_REVIEW,
                  comment=f'The {recording.kind} recording could not be analysed ({reason}): review it yourself.')
