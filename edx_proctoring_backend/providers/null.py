"""The ``null`` provider: no proctoring software, only the exam code."""
from django.utils.translation import gettext_noop

from ..exams.statuses import ReviewStatus
from .base import ProctoringProvider, SessionOutcome, Step


class NullProvider(ProctoringProvider):
    """
    A provider without recording: the learner enters the exam code.

    As nothing is recorded there is nothing to review, so a submitted session is satisfactory at once.
    Used for timed exams, tests and the demo.
    """

    name = 'null'
    verbose_name = gettext_noop('No proctoring software')
    records = False
    learner_steps = (Step.EXAM_CODE,)

    def on_submit(self, attempt):
        return SessionOutcome(review=ReviewStatus.SATISFACTORY, comment='No recording to review.')
