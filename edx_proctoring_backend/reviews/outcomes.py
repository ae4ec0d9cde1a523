"""
The review policy: one table from a provider's verdict to an outcome, and one from an outcome to
what happens to the attempt, the learner's credit requirement and the exam's grade.

Sites and courses can override the verdict table (``PROCTORING_REVIEW_POLICY`` and
``PROCTORING_COURSE_REVIEW_POLICY``); the second table is the product's rule and is not configurable:
people make the final call on every unsatisfactory outcome.
"""
from dataclasses import dataclass

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


class CreditStatus:
    """The credit requirement status posted for a proctored exam (edx-platform's vocabulary)."""

    SATISFIED = 'satisfied'
    FAILED = 'failed'
    DECLINED = 'declined'


class GradeAction:
    """What happens to the exam's grade."""

    KEEP = 'keep'        # the learner's answers count as they are
    ZERO = 'zero'        # an unsatisfactory review: the subsection is worth nothing
    RESTORE = 'restore'  # a later satisfactory decision undoes a zero


@dataclass(frozen=True)
class Consequence:
    """What one outcome does: the attempt's new status (None: unchanged), credit and grade."""

    status: str
    credit: str
    grade: str


def consequence(outcome, decided_by_person):
    """
    Return the ``Consequence`` of ``outcome``. An unsatisfactory outcome that no person confirmed
    asks for a second review instead of rejecting: the machine or the vendor only suggests.
    """
    if outcome == Outcome.SATISFACTORY:
        return Consequence(AttemptStatus.VERIFIED, CreditStatus.SATISFIED, GradeAction.RESTORE)
    if outcome == Outcome.UNSATISFACTORY and decided_by_person:
        return Consequence(AttemptStatus.REJECTED, CreditStatus.FAILED, GradeAction.ZERO)
    if outcome in (Outcome.UNSATISFACTORY, Outcome.SECOND_REVIEW):
        return Consequence(AttemptStatus.SECOND_REVIEW_REQUIRED, None, GradeAction.KEEP)
    if outcome == Outcome.ERROR:
        return Consequence(AttemptStatus.ERROR, None, GradeAction.KEEP)
    return Consequence(None, None, GradeAction.KEEP)


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
