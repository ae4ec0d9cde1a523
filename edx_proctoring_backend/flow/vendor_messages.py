"""
Messages vendors post (``/v1/providers/<name>/callback``): verified, applied once, and answered; a
review, a lost session, an exam code typed into the vendor's software, an onboarding update.
"""
import logging

from ..exams import codes
from ..exams.attempts import transition
from ..exams.errors import ExamCodeLocked, InvalidExamCode, NotAllowed, ProctoringError
from ..exams.statuses import SESSION_LOST_REASON, AttemptStatus
from ..providers import onboarding
from ..providers.base import EventKind
from ..providers.registry import UnknownProvider, get_provider
from ..reviews import callbacks, decisions
from . import learner, reviews, staff

log = logging.getLogger(__name__)
S = AttemptStatus


def receive_callback(provider_name, headers, body):
    """
    Verify and apply a message a vendor posted; return the JSON the vendor gets back (None: nothing).

    Raises ``CallbackRejected`` (with the HTTP status) for anything forged, altered, stale, malformed
    or about a session that is not this provider's; such a message writes nothing. A message id seen
    before is acknowledged and not applied again.
    """
    try:
        provider = get_provider(provider_name)
    except UnknownProvider as error:
        raise callbacks.CallbackRejected('unknown_provider', 404) from error
    callback = callbacks.verify(provider, headers, body)
    event, attempt = callback.event, callback.attempt
    if event.kind == EventKind.REVIEW:
        def apply(message):
            # A verdict before the submission is kept for staff, never applied (reviews open at submission).
            if decisions.hold_provider_verdict(attempt, attempt.exam.provider, event.verdict, comments=event.comments,
                                               video_url=event.video_url, message=message):
                return callbacks.NOT_APPLICABLE
            reviews.record_provider_verdict(attempt, event.verdict, comments=event.comments,
                                            video_url=event.video_url, message=message)
            return None
    elif event.kind == EventKind.SESSION_LOST:
        def apply(message):  # pylint: disable=unused-argument
            _end_lost_session(attempt)
    elif event.kind == EventKind.ONBOARDING:
        def apply(message):  # pylint: disable=unused-argument
            # Kept for the course's lists; a learner's admission still asks the vendor at each opt-in. The
            # learner is known by the message's session, else by a profile kept under the vendor's id.
            expires_at = (event.extra or {}).get('expires_at')
            if attempt is not None and provider.anonymous_user_id(attempt.user) == event.user_id:
                onboarding.keep(provider, attempt.user, event.status, expires_at=expires_at)
            else:
                onboarding.on_vendor_message(provider.name, event.user_id, event.status, expires_at=expires_at)
    elif event.kind == EventKind.EXAM_CODE_CHECK:
        def apply(message):  # pylint: disable=unused-argument
            return _check_code_for_vendor(attempt, event.exam_code)
    else:
        raise callbacks.CallbackRejected('unsupported', 400)
    try:
        answer = callbacks.apply_once(provider, callback, event.kind, apply)
    except InvalidExamCode as error:
        # Counted here, after the message's transaction rolled back: a wrong code typed into the
        # vendor's software counts as one typed on our page.
        refused = codes.after_failure(attempt, error)
        if isinstance(refused, ExamCodeLocked):
            raise callbacks.CallbackRejected('exam_code_locked', 429) from error
        raise callbacks.CallbackRejected('invalid_exam_code', 400) from error
    except ProctoringError as error:
        raise callbacks.CallbackRejected('not_applicable', 409) from error
    if answer is callbacks.NOT_APPLICABLE:
        raise callbacks.CallbackRejected('not_applicable', 409)
    return answer


def _end_lost_session(attempt):
    """The vendor lost the session: a running exam ends and what was answered is submitted."""
    attempt.refresh_from_db()
    if attempt.status == S.STARTED:
        learner.end_attempt(attempt, reason=SESSION_LOST_REASON)
    elif attempt.status in (S.CREATED, S.READY_TO_START):
        staff.mark_error(attempt, reason='proctoring session lost before the start')


def _check_code_for_vendor(attempt, exam_code):
    """The vendor's software checks the exam code the learner typed: use it, and the checks pass."""
    if attempt.status != S.CREATED:
        raise NotAllowed('The exam code was already used.', code='exam_code_used')
    codes.redeem(attempt, exam_code)   # a wrong code is counted by ``receive_callback``, outside this transaction
    transition(attempt, S.READY_TO_START, reason='exam code validated by the proctoring software')
    return {'exam_name': attempt.exam.display_name, 'time_limit_minutes': attempt.exam.time_limit_minutes}
