"""Django looks for the app's models here; they are defined with the rules in ``exams``."""
from .exams.models import Allowance, AttemptTransition, Exam, ExamAttempt  # noqa: F401  pylint: disable=unused-import
