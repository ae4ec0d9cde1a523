"""A provider that lives only in the tests: it counts the calls it receives, across threads."""
import threading
from collections import Counter

from edx_proctoring_backend.providers.base import ProctoringProvider, Step

CALLS = Counter()
_LOCK = threading.Lock()


def reset_calls():
    """Forget every counted call."""
    with _LOCK:
        CALLS.clear()


class CountingProvider(ProctoringProvider):
    """Records each hook call; reviews stay pending, as with a real vendor."""

    name = 'counting'
    verbose_name = 'Counting test provider'
    learner_steps = (Step.TERMS, Step.EXAM_CODE)

    def _count(self, hook):
        with _LOCK:
            CALLS[hook] += 1

    def register_exam(self, exam):
        self._count('register_exam')
        return f'exam-{exam.pk}'

    def register_attempt(self, attempt):
        self._count('register_attempt')
        return f'session-{attempt.pk}'

    def on_start(self, attempt):
        self._count('on_start')

    def on_submit(self, attempt):
        self._count('on_submit')
        return super().on_submit(attempt)
