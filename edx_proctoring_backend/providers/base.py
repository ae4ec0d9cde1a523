"""
The interface every proctoring provider implements.

A provider is told about exams and attempts at each step of the attempt's life and says which
steps (checks) a learner must pass before starting. Providers never change attempts themselves:
they return what happened and the API applies it through the state machine.
"""
from dataclasses import dataclass


class Step:
    """Identifiers of the checks a provider can require before the exam starts."""

    SYSTEM_CHECK = 'system_check'
    TERMS = 'terms_of_service'
    EXAM_CODE = 'exam_code'
    ADVISORY = 'advisory'
    ID_PHOTO = 'id_photo'
    ROOM_SCAN = 'room_scan'
    USER_PHOTO = 'user_photo'
    ONBOARDING = 'onboarding'


@dataclass(frozen=True)
class SessionOutcome:
    """What a provider reports when a session ends: an immediate review verdict, or None to wait."""

    review: str = None   # one of statuses.ReviewStatus, or None while a review is pending
    comment: str = ''


class ProctoringProvider:
    """
    Base class for providers. Subclasses set ``name`` and ``verbose_name`` and override the hooks
    they need; the defaults describe a provider that needs no outside service.
    """

    name = ''
    verbose_name = ''
    #: Steps, in order, that the learner passes on the exam page before starting.
    learner_steps = (Step.TERMS, Step.EXAM_CODE)

    def __init__(self, **config):
        self.config = config

    def register_exam(self, exam):  # pylint: disable=unused-argument
        """Tell the provider about an exam (created or changed); return the provider's exam id or ''."""
        return ''

    def register_attempt(self, attempt):  # pylint: disable=unused-argument
        """Open a proctoring session for a new attempt; return the provider's attempt id or ''."""
        return ''

    def checks_passed(self, attempt):  # pylint: disable=unused-argument
        """Return True when the provider's own checks (system, ID, room) are complete."""
        return True

    def on_start(self, attempt):
        """The attempt has started: the clock runs."""

    def on_submit(self, attempt):  # pylint: disable=unused-argument
        """The attempt was submitted; return a ``SessionOutcome``."""
        return SessionOutcome()

    def on_error(self, attempt):
        """The attempt ended in error."""
