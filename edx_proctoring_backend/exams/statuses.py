"""
The vocabulary of exam types and attempt statuses, and every allowed status transition.

This module is the one place that says which transitions exist. ``attempts.transition`` refuses any
other, so an attempt can never reach a state this table does not describe.
"""


class ExamType:
    """The kinds of special exam a course author can choose."""

    PROCTORED = 'proctored'
    PRACTICE = 'practice'
    TIMED = 'timed'

    ALL = (PROCTORED, PRACTICE, TIMED)
    PROCTORED_KINDS = (PROCTORED, PRACTICE)


class AttemptStatus:
    """Every status an exam attempt can be in."""

    CREATED = 'created'                  # opted in; exam code issued, checks not yet passed
    DECLINED = 'declined'                # opted out: a regular exam without time limit, no credit
    READY_TO_START = 'ready_to_start'    # the provider's checks passed
    STARTED = 'started'                  # the clock runs
    SUBMITTED = 'submitted'              # ended by the learner or the clock; review pending if proctored
    SECOND_REVIEW_REQUIRED = 'second_review_required'  # a reviewer asks for another look
    VERIFIED = 'verified'                # review satisfactory
    REJECTED = 'rejected'                # review unsatisfactory
    ERROR = 'error'                      # the proctoring session ended unexpectedly
    RESET = 'reset'                      # reset by staff; kept for the history, a new attempt follows

    ALL = (CREATED, DECLINED, READY_TO_START, STARTED, SUBMITTED, SECOND_REVIEW_REQUIRED,
           VERIFIED, REJECTED, ERROR, RESET)

    # Statuses in which the attempt is still being taken (or about to be).
    IN_PROGRESS = (CREATED, READY_TO_START, STARTED)
    # Statuses after the learner's work is in.
    COMPLETED = (SUBMITTED, SECOND_REVIEW_REQUIRED, VERIFIED, REJECTED)


class ReviewStatus:
    """What a learner sees of the proctoring review, kept apart from the grade."""

    PENDING = 'pending'
    SATISFACTORY = 'satisfactory'
    UNSATISFACTORY = 'unsatisfactory'


# The state before an attempt exists: an attempt may only be born in these statuses.
NEW = None

_S = AttemptStatus

ALLOWED_TRANSITIONS = {
    NEW: frozenset({_S.CREATED, _S.DECLINED, _S.STARTED}),
    _S.CREATED: frozenset({_S.READY_TO_START, _S.DECLINED, _S.ERROR, _S.RESET}),
    _S.DECLINED: frozenset({_S.RESET}),
    _S.READY_TO_START: frozenset({_S.STARTED, _S.ERROR, _S.RESET}),
    _S.STARTED: frozenset({_S.SUBMITTED, _S.ERROR, _S.RESET}),
    _S.SUBMITTED: frozenset({_S.VERIFIED, _S.REJECTED, _S.SECOND_REVIEW_REQUIRED, _S.ERROR, _S.RESET}),
    _S.SECOND_REVIEW_REQUIRED: frozenset({_S.VERIFIED, _S.REJECTED, _S.ERROR, _S.RESET}),
    # A person may overturn a decision either way, and a contradicting verdict reopens the case for
    # a second review; the history keeps every step.
    _S.VERIFIED: frozenset({_S.REJECTED, _S.SECOND_REVIEW_REQUIRED, _S.RESET}),
    _S.REJECTED: frozenset({_S.VERIFIED, _S.SECOND_REVIEW_REQUIRED, _S.RESET}),
    _S.ERROR: frozenset({_S.RESET}),
    _S.RESET: frozenset(),
}


def is_allowed(from_status, to_status):
    """Return True when an attempt may move from ``from_status`` to ``to_status``."""
    return to_status in ALLOWED_TRANSITIONS.get(from_status, frozenset())


def review_status(exam_type, status):
    """
    Return the proctoring review status a learner sees for an attempt, or None where there is none.

    Practice exams are never reviewed and timed exams are not proctored.
    """
    if exam_type != ExamType.PROCTORED:
        return None
    if status == _S.VERIFIED:
        return ReviewStatus.SATISFACTORY
    if status == _S.REJECTED:
        return ReviewStatus.UNSATISFACTORY
    if status in (_S.SUBMITTED, _S.SECOND_REVIEW_REQUIRED):
        return ReviewStatus.PENDING
    return None


#: Submit reasons of a session that ended before the learner ended the exam: the vendor lost it, or its
#: recording stopped where the exam's rule ends the exam then.
SESSION_LOST_REASON = 'proctoring_session_lost'
CAPTURE_LOST_REASON = 'capture_lost'
INTERRUPTED_REASONS = (SESSION_LOST_REASON, CAPTURE_LOST_REASON)


def practice_result(status, submit_reason='', interrupted=False):
    """
    Return 'complete' or 'failed' for a finished practice attempt, else None. As the learner guide has it,
    a practice session fails when the proctoring did not hold until the learner ended the exam: it ended
    in error, the session was lost or its recording stopped the exam (``submit_reason``), or the
    recording was interrupted during it (``interrupted``: the camera or screen stopped, the page closed).
    """
    if status == _S.ERROR or (status in _S.COMPLETED and (submit_reason in INTERRUPTED_REASONS or interrupted)):
        return 'failed'
    if status in _S.COMPLETED:
        return 'complete'
    return None
