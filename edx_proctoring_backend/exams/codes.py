"""
Unique, unguessable, single-use exam codes, and the limit on guessing them: each wrong code given for
an attempt counts, and at ``max_failures()`` (``PROCTORING_EXAM_CODE_MAX_FAILURES``) the attempt's code
is locked (every code refused, the right one too) until staff unlock it.
"""
import base64
import hmac
import secrets

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from .errors import ExamCodeLocked, InvalidExamCode, WrongMonitorPassword
from .models import ExamAttempt

CODE_BYTES = 16  # 128 bits of randomness
DEFAULT_MAX_FAILURES = 10
# The refusals that may be a guess, which count towards the lock: a wrong exam code, a wrong monitor's password.
GUESSES = (InvalidExamCode.code, WrongMonitorPassword.code)


def new_exam_code():
    """Return a fresh exam code: 128 random bits as 26 base32 characters in groups, easy to copy."""
    raw = base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode('ascii').rstrip('=')
    return '-'.join(raw[i:i + 5] for i in range(0, len(raw), 5))


def normalise_exam_code(code):
    """Return ``code`` as stored: upper case, grouped; tolerates pasted spaces and lower case."""
    raw = ''.join(ch for ch in str(code or '').upper() if ch.isalnum())
    return '-'.join(raw[i:i + 5] for i in range(0, len(raw), 5))


def redeem(attempt, exam_code):
    """
    Use the exam code of ``attempt`` once. A code of another learner or exam, a mistyped code and a
    code used before are all refused with the same error; a locked code with ``ExamCodeLocked``.
    Counting the wrong ones is the caller's (``after_failure``), outside any transaction that the
    refusal rolls back.
    """
    if attempt.code_locked_at is not None:
        raise ExamCodeLocked()
    given = normalise_exam_code(exam_code)
    if not attempt.exam_code or not hmac.compare_digest(given.encode(), attempt.exam_code.encode()):
        raise InvalidExamCode()
    used = ExamAttempt.objects.filter(pk=attempt.pk, code_redeemed_at__isnull=True).update(
        code_redeemed_at=timezone.now())
    if not used:
        raise InvalidExamCode('This exam code was already used.', code='exam_code_used')


def max_failures():
    """How many wrong exam codes lock an attempt's code (``PROCTORING_EXAM_CODE_MAX_FAILURES``)."""
    return int(getattr(settings, 'PROCTORING_EXAM_CODE_MAX_FAILURES', DEFAULT_MAX_FAILURES))


def after_failure(attempt, error):
    """
    Count a wrong code (``error`` from ``redeem``) for ``attempt``; return the error to raise: the same
    one, or ``ExamCodeLocked`` once this failure reaches ``max_failures()``.
    """
    if isinstance(error, ExamCodeLocked) or error.code not in GUESSES:
        return error   # locked already, or a code used before: nothing guessed
    ExamAttempt.objects.filter(pk=attempt.pk).update(code_failures=F('code_failures') + 1)
    ExamAttempt.objects.filter(pk=attempt.pk, code_failures__gte=max_failures(), code_locked_at__isnull=True).update(
        code_locked_at=timezone.now())
    attempt.refresh_from_db(fields=['code_failures', 'code_locked_at'])
    return ExamCodeLocked() if attempt.code_locked_at is not None else error


def unlock(attempt):
    """Unlock the attempt's code and forget its wrong codes (staff's action)."""
    ExamAttempt.objects.filter(pk=attempt.pk).update(code_failures=0, code_locked_at=None)
    attempt.refresh_from_db(fields=['code_failures', 'code_locked_at'])
