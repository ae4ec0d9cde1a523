"""
The review policy: one table from a provider's verdict to an outcome, and one rule from an outcome
to the attempt's status.

Sites and courses can override the verdict table (``PROCTORING_REVIEW_POLICY`` and
``PROCTORING_COURSE_REVIEW_POLICY``); the second table is the product's rule and is not configurable:
people make the final call on every unsatisfactory outcome.
"""
from django.conf import settings

from ..exams.statuses import AttemptStatus


class Outcome:
    """What a review means, whatever the vendor's words."""

    PENDING = 'pending'                  # no verdict yet
    SATISFACTORY = 'satisfactory'
    UNSATISFACTORY = 'unsatisfactory'
    SECOND_REVIEW = 'second_review'      # unclear: support, then the course team, look again
    ERROR = 'error'                      # the session could not be reviewed

    ALL = (PENDING, SATISFACTORY, UNSATISFACTORY, SECOND_REVIEW, ERROR)


# Each provider's verdicts, as the vendors in the seeds use them.
DEFAULT_VERDICTS = {
    'null': {'satisfactory': Outcome.SATISFACTORY},
    'rpnow': {
        'Clean': Outcome.SATISFACTORY,
        'Rules Violation': Outcome.UNSATISFACTORY,
        'Suspicious': Outcome.SECOND_REVIEW,
        'Not Reviewed': Outcome.ERROR,
    },
    'proctortrack': {
        'passed': Outcome.SATISFACTORY,
        'flagged': Outcome.SECOND_REVIEW,
        'failed': Outcome.UNSATISFACTORY,
    },
}


def resulting_status(outcome, decided_by_person):
    """
    Return the attempt status an ``outcome`` leads to (None: unchanged). An unsatisfactory outcome
    that no person confirmed asks for a second review instead of rejecting: the machine or the
    vendor only suggests. What each status means for credit and the grade is ``credit.policy``'s.
    """
    if outcome == Outcome.SATISFACTORY:
        return AttemptStatus.VERIFIED
    if outcome == Outcome.UNSATISFACTORY and decided_by_person:
        return AttemptStatus.REJECTED
    if outcome in (Outcome.UNSATISFACTORY, Outcome.SECOND_REVIEW):
        return AttemptStatus.SECOND_REVIEW_REQUIRED
    if outcome == Outcome.ERROR:
        return AttemptStatus.ERROR
    return None


def verdict_table(provider, course_key=None):
    """Return the verdict → outcome table for ``provider``, with the site's and course's overrides."""
    table = dict(DEFAULT_VERDICTS.get(provider, {}))
    table.update(getattr(settings, 'PROCTORING_REVIEW_POLICY', {}).get(provider, {}))
    if course_key is not None:
        course_policy = getattr(settings, 'PROCTORING_COURSE_REVIEW_POLICY', {}).get(str(course_key), {})
        table.update(course_policy.get(provider, {}))
    return table


def outcome_of(provider, verdict, course_key=None):
    """
    Return the ``Outcome`` of a provider's ``verdict`` for a course. A verdict the table does not know
    goes to a second review rather than being guessed.
    """
    outcome = verdict_table(provider, course_key).get(verdict, Outcome.SECOND_REVIEW)
    return outcome if outcome in Outcome.ALL else Outcome.SECOND_REVIEW
