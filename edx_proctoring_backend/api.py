"""
The public API of proctored, practice and timed exams.

The XBlock, the REST views and the Celery tasks call these functions and nothing deeper. Each one
applies the rules of ``exams`` and asks the exam's provider to do its part.
"""
import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from .authoring import exams as authoring
from .credit import records as credit_records
from .credit.policy import CreditStatus, min_grade as credit_min_grade
from .dashboard import queries as dashboard_queries
from .exams import allowances, alternatives, search, timer
from .exams import export as exam_export
from .exams.attempts import create_attempt, latest_attempt, read_clock, transition
from .exams import codes
from .exams.codes import new_exam_code, normalise_exam_code
from .exams.errors import (
    AllowanceNotFound, AnswersClosed, AttemptNotFound, ChecksNotPassed, ExamCodeLocked, ExamNotFound,
    IllegalTransition, InvalidExamCode, InvalidExamSettings, InvalidStatusToken, NotAllowed, ProctoringError,
    TermsChanged,
)
from .exams.models import Allowance, AttemptTransition, Exam, ExamAttempt
from .exams.statuses import AttemptStatus, ExamType, ReviewStatus, practice_result, review_status
from .exams.timer_tokens import read_timer_token, timer_token
from .i18n import gettext
from .lms.enrollment import is_verified_track
from .lms import content_dates, publishing, roles
from .lms.events import emit_attempt_event
from .privacy import access, consent, retention, retirement
from .privacy import learner_data as privacy_learner_data
from .providers.base import EventKind, Feature, Step
from .providers.http import VendorError
from .providers.local import LocalProvider
from .providers import outbox
from .providers.models import ProviderCall
from .providers.registry import UnknownProvider, get_provider, provider_names
from .recordings import analysis as recording_analysis
from .recordings import uploads
from .recordings.models import SessionFlag
from .recordings.storage import media_storage
from .reviews import callbacks, decisions, export
from .reviews import queue as review_queue
from .reviews.outcomes import Outcome
from .video import AnalysisOptions

log = logging.getLogger(__name__)
CallbackRejected = callbacks.CallbackRejected

S = AttemptStatus
MAX_TIME_LIMIT_MINUTES = authoring.MAX_TIME_LIMIT_MINUTES

__all__ = [
    'AllowanceNotFound', 'AnswersClosed', 'AttemptNotFound', 'ChecksNotPassed', 'ExamNotFound', 'IllegalTransition',
    'InvalidExamCode', 'InvalidExamSettings', 'InvalidStatusToken', 'NotAllowed', 'ProctoringError',
    'validate_exam_settings', 'sync_exam', 'exam_for_learner', 'default_provider', 'provider_records', 'may_author',
    'syncs_on_publish', 'open_content_without_clock', 'CONTENT_CLOSED', 'register_exam_with_provider', 'get_exam',
    'learner_state', 'opt_in', 'opt_out',
    'confirm_checks', 'start', 'submit', 'timer_status', 'submit_expired_attempts',
    'assert_answers_accepted', 'record_review', 'mark_error', 'reset_attempt', 'set_allowance',
    'remove_allowance', 'attempt_history', 'provider_names', 'available_providers', 'validate_exam_code',
    'redeem_exam_code', 'unlock_exam_code', 'ExamCodeLocked', 'exam_code_max_failures', 'timer_token',
    'record_provider_verdict', 'Outcome', 'AttemptStatus', 'ExamType',
    'ReviewStatus', 'Step', 'receive_callback', 'CallbackRejected', 'VendorError', 'retry_provider_calls',
    'results_csv', 'record_exam_grade', 'course_progress', 'provider_call_problems', 'requeue_provider_call',
    'exam_rule_choices', 'CreditStatus', 'credit_min_grade', 'UploadRefused', 'upload_limits', 'TermsChanged',
    'recording_state', 'store_chunk', 'complete_recording', 'store_photo', 'flag_session', 'capture_plan',
    'analyse_recording', 'session_evidence', 'may_review', 'awaiting_review', 'attempt_under_review',
    'may_decide', 'review_media', 'requeue_stale_analyses', 'mark_submitted', 'Role', 'AllowanceResult', 'Page',
    'course_exams', 'course_exam', 'find_learner', 'course_allowances', 'course_allowance',
    'allowance_changes', 'BulkRow', 'bulk_set_allowances', 'search_attempts', 'course_attempt',
    'attempt_history_with_people', 'review_queue_entries', 'allowances_csv', 'allowance_changes_csv',
    'attempts_csv', 'reviews_csv', 'Readiness', 'learner_readiness', 'PERSON_DECISIONS',
    'DEFAULT_PAGE_SIZE', 'paginate', 'Allowance', 'course_key_or_none',
    'mark_stuck_error', 'course_allowance_change', 'read_bulk_file', 'retention_policy', 'retention_plan',
    'enforce_retention', 'retire_user', 'learner_data', 'take_review', 'may_see_evidence', 'own_photo',
    'record_export',
    'consent_terms', 'refuse_terms', 'request_on_campus', 'withdraw_on_campus', 'on_campus_requests',
    'consent_csv', 'on_campus_csv',
]


def _grace_seconds():
    return getattr(settings, 'PROCTORING_ANSWER_GRACE_SECONDS', 15)


# ---- Exams -----------------------------------------------------------------------------------------

validate_exam_settings = authoring.validate_exam_settings
sync_exam = authoring.sync_exam
exam_for_learner = authoring.exam_for_learner
default_provider = authoring.default_provider
provider_records = authoring.records
may_author = roles.may_author
syncs_on_publish = publishing.syncs_on_publish
open_content_without_clock = authoring.open_content_without_clock
CONTENT_CLOSED = content_dates.CONTENT_CLOSED
register_exam_with_provider = authoring.register_with_provider


def get_exam(usage_key):
    """Return the exam of an XBlock usage, or raise ``ExamNotFound``."""
    exam = Exam.objects.filter(usage_key=str(usage_key)).first()
    if exam is None:
        raise ExamNotFound()
    return exam


# ---- What the learner sees ---------------------------------------------------------------------------

@dataclass
class TimeStatus:
    """The clock of a started attempt, as the server sees it."""

    remaining_seconds: int
    total_seconds: int
    low_warning_seconds: int
    critical_warning_seconds: int

    @classmethod
    def at(cls, started_at, deadline, now):
        """Return the clock of an attempt started at ``started_at`` and ending at ``deadline``, at ``now``."""
        low, critical = timer.warning_thresholds(started_at, deadline)
        total = int((deadline - started_at).total_seconds())
        # min(): a web server whose clock lags the one that started the attempt never shows extra time.
        return cls(min(total, timer.seconds_remaining(deadline, now)), total, low, critical)


@dataclass
class LearnerState:
    """Everything the exam page needs to show one learner, in one object."""

    exam: Exam
    attempt: ExamAttempt = None
    proctoring_offered: bool = False
    may_opt_out: bool = False
    steps: tuple = ()
    time: TimeStatus = None
    timer_token: str = ''
    checks_in_vendor_software: bool = False
    session_pending: bool = False   # the vendor was unreachable: its session is being set up
    terms: consent.Terms = None     # what the learner agrees to by opting in (before any attempt)
    refused: bool = False           # the learner's latest answer to the terms is no
    alternatives: tuple = ()        # what the exam offers instead (``exams.alternatives``)
    on_campus_request: object = None  # the learner's open request for an on-campus sitting

    @property
    def status(self):
        """The attempt status, or None before any attempt."""
        return self.attempt.status if self.attempt else None

    @property
    def review_status(self):
        """Pending / satisfactory / unsatisfactory for a submitted proctored attempt, else None."""
        return review_status(self.exam.exam_type, self.status) if self.attempt else None

    @property
    def practice_result(self):
        """'complete' or 'failed' for a finished practice attempt, else None."""
        if self.attempt and self.exam.exam_type == ExamType.PRACTICE:
            return practice_result(self.status)
        return None

    @property
    def content_visible(self):
        """True while the learner may see and answer the exam content."""
        if not self.proctoring_offered and self.exam.exam_type != ExamType.TIMED:
            return True  # not in a proctored track: a regular exam
        return self.status in (S.STARTED, S.DECLINED)


def learner_state(user, exam, now=None):
    """
    Return the ``LearnerState`` of ``user`` in ``exam``. An attempt whose time ran out is submitted
    here first, so every access sees the truth even if the browser was closed.
    """
    now = now or timezone.now()
    attempt = latest_attempt(exam, user)
    if attempt is not None:
        _expire_if_due(attempt, now)
    offered = exam.is_proctored_kind and is_verified_track(user, exam.course_key)
    state = LearnerState(exam=exam, attempt=attempt, proctoring_offered=offered)
    if offered and exam.exam_type == ExamType.PROCTORED:
        state.may_opt_out = _may_opt_out(exam, user)
    if offered:
        provider = get_provider(exam.provider)
        state.steps = tuple(provider.learner_steps)
        state.checks_in_vendor_software = Feature.VENDOR_SOFTWARE in provider.features
        if attempt is None or _may_retake(exam, attempt):
            _add_choice(state, user, provider)
    if attempt is not None and attempt.status == S.CREATED and state.checks_in_vendor_software:
        state.session_pending = ProviderCall.objects.filter(
            attempt=attempt, action=ProviderCall.REGISTER_ATTEMPT, status=ProviderCall.PENDING).exists()
    if attempt is not None and attempt.status == S.STARTED:
        state.time = TimeStatus.at(attempt.started_at, attempt.deadline, now)
        state.timer_token = timer_token(attempt)
    return state


def _add_choice(state, user, provider):
    """What a learner who has not chosen yet reads and may choose: the terms, and the alternatives."""
    exam, attempt = state.exam, state.attempt
    state.terms = consent.render(consent.current_version(provider, retention_policy()))
    answer = consent.latest_answer(user, exam)
    # A refusal counts until the learner agrees, or staff reset the attempt that followed it.
    state.refused = bool(answer and not answer.accepted and (attempt is None or answer.created > attempt.modified))
    state.alternatives = alternatives.offered(exam, state.may_opt_out)
    if alternatives.ON_CAMPUS in state.alternatives:
        state.on_campus_request = alternatives.open_request(exam, user)


# ---- The attempt's life ------------------------------------------------------------------------------

def _may_opt_out(exam, user):
    """The course allows taking ``exam`` without proctoring, or an allowance lets this learner."""
    return exam.allow_opt_out or allowances.effective_allowance(exam, user).may_opt_out


def _require_offered(user, exam):
    if not exam.is_proctored_kind:
        raise NotAllowed('This exam is not proctored.')
    if not is_verified_track(user, exam.course_key):
        raise NotAllowed('Proctored exams are offered to learners in the verified track.', code='not_verified')


def _may_retake(exam, attempt):
    """A reset attempt can be taken again, and practice exams as often as the learner likes."""
    if attempt.status == S.RESET:
        return True
    return exam.exam_type == ExamType.PRACTICE and attempt.status in S.COMPLETED + (S.ERROR,)


def opt_in(user, exam, terms_version):
    """
    The learner agrees to version ``terms_version`` of the terms (``consent_terms``) and chooses to take
    ``exam`` with online proctoring: create the attempt with its exam code, record the consent with it,
    and open the provider's session (nothing goes to a vendor before the consent). Repeating the call
    returns the same attempt. Raises ``TermsChanged`` when the terms are no longer that version.
    """
    _require_offered(user, exam)
    previous = latest_attempt(exam, user)
    if previous is not None and not _may_retake(exam, previous):
        if previous.status == S.DECLINED:
            raise NotAllowed('You chose to take this exam without proctoring; that cannot be undone.',
                             code='already_declined')
        return previous
    terms = consent_terms(exam)
    consent.check_version(terms, terms_version)
    _require_onboarding(user, exam)
    with transaction.atomic():
        attempt, created = create_attempt(
            exam, user, S.CREATED, after=previous, by=user, reason='opted in',
            taking_as_proctored=True, exam_code=new_exam_code(),
        )
        if created:
            consent.record_answer(user, exam, terms, True, attempt=attempt)
            alternatives.withdraw(exam, user)
    if created:
        emit_attempt_event('created', attempt)
        _call_provider(attempt, ProviderCall.REGISTER_ATTEMPT)
        if previous is not None and exam.exam_type == ExamType.PRACTICE:
            # A practice retake: only the latest attempt's media are kept.
            retention.purge_superseded(media_storage(), timezone.now(), exam_id=exam.pk, user_id=user.pk)
    return attempt


def consent_terms(exam, language=None):
    """
    The terms of ``exam``'s provider on the current site, in ``language`` (the active one by default):
    a ``privacy.consent.Terms`` with its ``version`` and ``sections`` ((heading, lines), ...).
    """
    return consent.render(consent.current_version(get_provider(exam.provider), retention_policy()), language)


def refuse_terms(user, exam, terms_version):
    """
    The learner does not agree to version ``terms_version`` of the terms: record the refusal and return
    the alternatives the exam offers (``exams.alternatives``: ``unproctored``, ``on_campus``). Nothing
    else changes: the learner may agree later. Raises ``TermsChanged`` for an old version.
    """
    _require_offered(user, exam)
    attempt = latest_attempt(exam, user)
    alternatives.require_no_choice(attempt)
    terms = consent_terms(exam)
    consent.check_version(terms, terms_version)
    consent.record_answer(user, exam, terms, False)
    return alternatives.offered(exam, _may_opt_out(exam, user))


def request_on_campus(user, exam):
    """
    The learner asks to sit ``exam`` on campus at a later date instead of online (where the exam offers
    it); return the ``OnCampusRequest``. The course team sees the request (``on_campus_requests``).
    """
    _require_offered(user, exam)
    return alternatives.request_on_campus(exam, user, attempt=latest_attempt(exam, user))


def withdraw_on_campus(user, exam):
    """The learner no longer asks for an on-campus sitting of ``exam``; return True if they did."""
    return alternatives.withdraw(exam, user)


def on_campus_requests(course_key):
    """The open requests for on-campus sittings of the course's exams, oldest first."""
    return list(alternatives.course_requests(course_key))


ONBOARDING_APPROVED = 'approved'


def _require_onboarding(user, exam):
    """
    A provider with onboarding admits to a proctored exam only learners whose onboarding profile is
    approved (practice exams stay open, so learners can try the software first).
    """
    provider = get_provider(exam.provider)
    if exam.exam_type != ExamType.PROCTORED or Feature.ONBOARDING not in provider.features:
        return
    status = provider.onboarding_status(user)
    if status != ONBOARDING_APPROVED:
        raise NotAllowed(f'Onboarding is {status}: complete it before the exam.', code=f'onboarding_{status}')


def opt_out(user, exam):
    """
    The learner declines proctoring: the exam becomes a regular exam without time limit and without
    credit eligibility. Final for this exam.
    """
    _require_offered(user, exam)
    if exam.exam_type != ExamType.PROCTORED:
        raise NotAllowed('Practice exams are taken with proctoring or not at all.')
    if not _may_opt_out(exam, user):
        raise NotAllowed('This course requires the exam to be taken with online proctoring.',
                         code='opt_out_forbidden')
    previous = latest_attempt(exam, user)
    if previous is None or previous.status == S.RESET:
        attempt, _ = create_attempt(exam, user, S.DECLINED, after=previous, by=user, reason='opted out')
    else:
        attempt = previous
        if attempt.status != S.DECLINED:
            if attempt.status != S.CREATED:
                raise NotAllowed('The exam has already started with proctoring.', code='already_started')
            transition(attempt, S.DECLINED, by=user, reason='opted out')
    alternatives.withdraw(exam, user)
    emit_attempt_event('declined', attempt)
    return attempt


def confirm_checks(user, exam, exam_code):
    """
    The learner passed the provider's steps (the terms were agreed to at the opt-in): ask the provider,
    redeem the single-use exam code; the attempt becomes ready to start.
    """
    attempt = latest_attempt(exam, user)
    if attempt is None or attempt.status not in (S.CREATED, S.READY_TO_START):
        raise AttemptNotFound()
    if attempt.status == S.READY_TO_START:
        return attempt
    provider = get_provider(exam.provider)
    if Feature.VENDOR_SOFTWARE in provider.features:
        # The learner types the code into the vendor's software, which checks it with us; using it
        # here would burn it. The attempt becomes ready when that check arrives.
        raise ChecksNotPassed('Complete the checks in the proctoring software first.', code='checks_in_software')
    # The provider's checks come first: a learner who still has a photo to take keeps an unused code.
    if not provider.checks_passed(attempt):
        raise ChecksNotPassed()
    if Step.EXAM_CODE in provider.learner_steps:
        redeem_exam_code(attempt, exam_code)
    transition(attempt, S.READY_TO_START, by=user, reason='checks passed')
    return attempt


def exam_code_max_failures():
    """How many wrong exam codes lock an attempt's code (``PROCTORING_EXAM_CODE_MAX_FAILURES``)."""
    return int(getattr(settings, 'PROCTORING_EXAM_CODE_MAX_FAILURES', codes.DEFAULT_MAX_FAILURES))


def redeem_exam_code(attempt, exam_code):
    """
    Use the exam code of ``attempt`` once (``exams.codes.redeem``); a wrong one counts, and the last one
    allowed raises ``ExamCodeLocked``. Raises ``InvalidExamCode`` otherwise.
    """
    try:
        codes.redeem(attempt, exam_code)
    except InvalidExamCode as error:
        raise codes.after_failure(attempt, error, exam_code_max_failures()) from error


def unlock_exam_code(attempt, by, reason=''):
    """Staff unlock an attempt's exam code locked by wrong codes; the attempt's history says who and why."""
    codes.unlock(attempt)
    AttemptTransition.objects.create(attempt=attempt, from_status=attempt.status, to_status=attempt.status,
                                     changed_by=by, reason=(f'exam code unlocked: {reason}' if reason
                                                            else 'exam code unlocked')[:255])
    return attempt


def validate_exam_code(exam_code):
    """Return the attempt an exam code belongs to without using it, or raise ``InvalidExamCode``."""
    attempt = (ExamAttempt.objects.select_related('exam')
               .filter(exam_code=normalise_exam_code(exam_code), code_redeemed_at__isnull=True).first())
    if attempt is None:
        raise InvalidExamCode()
    return attempt


def start(user, exam, personal_due=None):
    """
    Start the clock. Timed exams start from nothing; proctored and practice exams from "ready to
    start". Starting twice (two tabs, a double click) starts once and returns the same attempt.

    ``personal_due`` is this learner's own due date where the platform personalises it (an extension
    the course team gave): it then caps the deadline instead of the exam's course-wide one.
    """
    previous = latest_attempt(exam, user)
    if exam.exam_type == ExamType.TIMED:
        if previous is not None and previous.status != S.RESET:
            return previous
        now = timezone.now()
        attempt, created = create_attempt(
            exam, user, S.STARTED, after=previous, by=user, reason='started',
            **_clock_fields(exam, user, now, personal_due))
        if created:
            emit_attempt_event('started', attempt)
        return attempt
    if previous is None or previous.status not in (S.READY_TO_START, S.STARTED):
        raise ChecksNotPassed('Complete the proctoring steps before starting.', code='not_ready')
    if previous.status == S.STARTED:
        return previous
    now = timezone.now()
    try:
        won = transition(previous, S.STARTED, by=user, reason='started', **_clock_fields(exam, user, now, personal_due))
    except IllegalTransition:
        previous.refresh_from_db()
        return previous
    if won:
        emit_attempt_event('started', previous)
        _call_provider(previous, ProviderCall.START_SESSION)
    return previous


def _clock_fields(exam, user, now, personal_due=None):
    """The allowance snapshot and deadline an attempt gets when its clock starts."""
    allowance = allowances.effective_allowance(exam, user)
    deadline = timer.compute_deadline(now, exam.time_limit_minutes, allowance.extra_minutes,
                                      allowance.time_multiplier, personal_due or exam.due_date)
    return {'started_at': now, 'deadline': deadline, 'extra_minutes': allowance.extra_minutes,
            'time_multiplier': allowance.time_multiplier, 'review_exempt': allowance.review_exempt}


def submit(user, exam, by=None, reason='learner'):
    """End the learner's running attempt ("End My Exam"); return it. Submitting twice submits once."""
    attempt = latest_attempt(exam, user)
    if attempt is None:
        raise AttemptNotFound()
    if attempt.status == S.STARTED:
        _submit(attempt, by=by or user, reason=reason)
    elif attempt.status not in S.COMPLETED:
        raise IllegalTransition(attempt.status, S.SUBMITTED)
    return attempt


def _submit(attempt, by=None, reason='learner', note=''):
    """
    Submit a started attempt and hand its session to the provider; no-op if already submitted.
    ``reason`` is the submit reason (learner, time_expired, ...); ``note`` what the history says.
    """
    won = transition(attempt, S.SUBMITTED, by=by, reason=note or f'submitted: {reason}',
                     submitted_at=timezone.now(), submit_reason=reason)
    if not won:
        return
    emit_attempt_event('submitted', attempt, reason=reason)
    exam = attempt.exam
    if exam.exam_type == ExamType.TIMED:
        return
    if exam.exam_type == ExamType.PROCTORED and attempt.review_exempt:  # as the allowances were at the start
        record_review(attempt, Outcome.SATISFACTORY, comment='Exempt from review (allowance).')
    _call_provider(attempt, ProviderCall.STOP_SESSION)


def _expire_if_due(attempt, now):
    """Submit a started attempt whose deadline passed; what was answered so far counts."""
    if attempt.status == S.STARTED and attempt.deadline is not None and now >= attempt.deadline:
        _submit(attempt, reason='time_expired')


def submit_expired_attempts(now=None, batch_size=500):
    """Submit every started attempt whose time ran out (the periodic task); return how many."""
    now = now or timezone.now()
    count = 0
    expired = (ExamAttempt.objects.select_related('exam', 'user')
               .filter(status=S.STARTED, deadline__lte=now).order_by('deadline')[:batch_size])
    for attempt in expired:
        try:
            _expire_if_due(attempt, now)
            count += 1
        except IllegalTransition:
            continue  # changed meanwhile by another request; nothing to do
        except Exception:  # pylint: disable=broad-except
            # Its submission was rolled back and the next sweep tries again; one attempt that cannot
            # be submitted now (say, the LMS's credit app failing) must not hold up all the others.
            log.exception('Could not submit expired attempt %s', attempt.pk)
    return count


# ---- Calls to the provider ------------------------------------------------------------------------------

def _perform(attempt, action):
    """Make one call to the attempt's provider and apply what it answers."""
    provider = get_provider(attempt.exam.provider)
    if action == ProviderCall.REGISTER_ATTEMPT:
        session_id = provider.register_attempt(attempt)
        if session_id:
            ExamAttempt.objects.filter(pk=attempt.pk).update(provider_attempt_id=session_id)
            attempt.provider_attempt_id = session_id
    elif action == ProviderCall.START_SESSION:
        provider.on_start(attempt)
    elif action == ProviderCall.STOP_SESSION:
        outcome = provider.on_submit(attempt)
        _queue_session_analysis(attempt, provider)
        # An immediate verdict applies while the attempt awaits its review (not after an exemption).
        if outcome.review and attempt.exam.exam_type == ExamType.PROCTORED and attempt.status == S.SUBMITTED:
            record_provider_verdict(attempt, outcome.review,
                                    comments=[{'comment': outcome.comment}] if outcome.comment else ())
    elif action == ProviderCall.END_IN_ERROR:
        provider.on_error(attempt)
    elif action == ProviderCall.RETIRE_USER:
        provider.retire_user(attempt.user)
    elif action == ProviderCall.DELETE_SESSION_DATA:
        provider.delete_session_data(attempt)


def _call_provider(attempt, action):
    """Make a provider call now; kept and made again later when the vendor cannot be reached (``providers.outbox``)."""
    return outbox.call_now(attempt, action, _perform)


def _make_kept_call(call, now):
    """Make a kept provider call (``providers.outbox``); return its status afterwards."""
    return outbox.make_kept_call(call, now, _perform)


def _ask_for_erasure(attempt, action, now):
    """Keep an erasure first, then make it; return its status."""
    return outbox.keep_and_make(attempt, action, now, _perform)


def retry_provider_calls(now=None, batch_size=100):
    """Make again every kept provider call that is due (the periodic task); return how many succeeded."""
    return outbox.retry_due(now or timezone.now(), batch_size, _perform)


provider_call_problems = outbox.problems


def requeue_provider_call(call, now=None):
    """Staff ask to make a dead call again: it is due at once and gets a fresh set of tries."""
    return outbox.requeue(call, now or timezone.now())


# ---- The timer the browser polls -------------------------------------------------------------------

def timer_status(token, now=None):
    """
    Return the clock of the attempt behind ``token`` as a dict for JSON: its current status, and
    the seconds left by the server's clock.

    One narrow query per call; when the time has run out, the attempt is submitted first (the
    submission then costs its own queries).
    """
    attempt_id, user_id = read_timer_token(token)
    clock = read_clock(attempt_id, user_id)
    if clock is None:
        raise AttemptNotFound()
    status, started_at, deadline = clock
    now = now or timezone.now()
    if status == S.STARTED and deadline is not None and now >= deadline:
        attempt = ExamAttempt.objects.select_related('exam').filter(pk=attempt_id, user_id=user_id).first()
        if attempt is None:
            raise AttemptNotFound()
        try:
            _expire_if_due(attempt, now)
        except IllegalTransition:
            # Another request ended it meanwhile (an error, a reset): ``attempt`` holds its new status.
            log.info('Attempt %s changed to %r while its timer submitted it', attempt_id, attempt.status)
        status, started_at, deadline = attempt.status, attempt.started_at, attempt.deadline
    if started_at is None or deadline is None:
        return {'status': status, 'remaining_seconds': 0, 'total_seconds': 0,
                'low_warning_seconds': 0, 'critical_warning_seconds': 0}
    clock = TimeStatus.at(started_at, deadline, now)
    return {'status': status, 'remaining_seconds': clock.remaining_seconds if status == S.STARTED else 0,
            'total_seconds': clock.total_seconds, 'low_warning_seconds': clock.low_warning_seconds,
            'critical_warning_seconds': clock.critical_warning_seconds}


# ---- Answers -------------------------------------------------------------------------------------------

def assert_answers_accepted(user, exam, now=None):
    """
    Raise ``AnswersClosed`` unless ``user`` may save answers in ``exam`` now: during a started
    attempt up to its deadline plus a short grace (a save sent at 00:00 still counts), in a
    declined exam, or when the learner takes it as a regular exam.
    """
    now = now or timezone.now()
    state = learner_state(user, exam, now)
    attempt = state.attempt
    if attempt is not None and attempt.deadline is not None and attempt.status in (S.STARTED,) + S.COMPLETED:
        ended_by_clock = attempt.status == S.STARTED or attempt.submit_reason == 'time_expired'
        if ended_by_clock and timer.accepts_answers(attempt.deadline, now, _grace_seconds()):
            return
        raise AnswersClosed()
    if not state.content_visible:
        raise AnswersClosed('The exam is not in progress.', code='exam_not_started')


# ---- Reviews and staff actions ---------------------------------------------------------------------------

def record_review(attempt, outcome, by=None, comment=''):
    """
    Record a review ``outcome`` (``reviews.outcomes.Outcome``) on a submitted proctored attempt and
    apply it through the review policy. Without a person (``by``) an unsatisfactory outcome asks for
    a second review instead: people make the final call.
    """
    attempt.refresh_from_db()
    review, new_status = decisions.record_decision(attempt, outcome, reviewer=by, comment=comment)
    if new_status:
        emit_attempt_event('reviewed', attempt, review=review.outcome)
    return attempt


def record_provider_verdict(attempt, verdict, comments=(), video_url='', message=None):
    """Record the verdict of the attempt's own provider (its own words) and apply it."""
    attempt.refresh_from_db()
    review, new_status = decisions.record_provider_verdict(
        attempt, attempt.exam.provider, verdict, comments=comments, video_url=video_url, message=message)
    if new_status:
        emit_attempt_event('reviewed', attempt, review=review.outcome)
    return review


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
            record_provider_verdict(attempt, event.verdict, comments=event.comments, video_url=event.video_url,
                                    message=message)
            return None
    elif event.kind == EventKind.SESSION_LOST:
        def apply(message):  # pylint: disable=unused-argument
            _end_lost_session(attempt)
    elif event.kind == EventKind.ONBOARDING:
        def apply(message):  # pylint: disable=unused-argument
            return None  # acknowledged: a learner's onboarding is asked of the vendor at each opt-in
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
        refused = codes.after_failure(attempt, error, exam_code_max_failures())
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
        _submit(attempt, reason='proctoring_session_lost')
    elif attempt.status in (S.CREATED, S.READY_TO_START):
        mark_error(attempt, reason='proctoring session lost before the start')


def _check_code_for_vendor(attempt, exam_code):
    """The vendor's software checks the exam code the learner typed: use it, and the checks pass."""
    if attempt.status != S.CREATED:
        raise NotAllowed('The exam code was already used.', code='exam_code_used')
    codes.redeem(attempt, exam_code)   # a wrong code is counted by ``receive_callback``, outside this transaction
    transition(attempt, S.READY_TO_START, reason='exam code validated by the proctoring software')
    return {'exam_name': attempt.exam.display_name, 'time_limit_minutes': attempt.exam.time_limit_minutes}


def results_csv(course_key):
    """The course's proctoring results file (CSV): sessions, review statuses, vendor remarks, decisions."""
    return export.results_csv(course_key)


def record_exam_grade(user, exam, earned, possible):
    """Record what the learner's answers in ``exam`` scored (``earned`` of ``possible`` points)."""
    if possible is None or float(possible) <= 0:
        return
    credit_records.record_grade(user, exam, earned, possible)


def course_progress(user, course_key):
    """
    Return the learner's progress in the course's exams: per exam (``credit.records.ExamProgress``)
    the review status, the grade, and whether it counts toward credit.
    """
    return credit_records.course_progress(user, course_key)


def mark_error(attempt, by=None, reason=''):
    """The proctoring session ended unexpectedly (or staff say so): the attempt ends in error."""
    attempt.refresh_from_db()
    transition(attempt, S.ERROR, by=by, reason=reason or 'error')
    emit_attempt_event('error', attempt)
    _call_provider(attempt, ProviderCall.END_IN_ERROR)
    return attempt


def reset_attempt(attempt, by, reason=''):
    """Reset an attempt so the learner may take the exam again; the old one stays in the history."""
    attempt.refresh_from_db()
    transition(attempt, S.RESET, by=by, reason=reason or 'reset by staff')
    emit_attempt_event('reset', attempt)
    return attempt


STAFF_SUBMIT_REASON = 'staff'


def mark_submitted(attempt, by, reason):
    """
    Staff end a stuck running attempt: it is submitted with what was answered, as if the learner had
    pressed End My Exam, and goes to review as usual. ``reason`` is kept in the history.
    """
    attempt.refresh_from_db()
    if attempt.status != S.STARTED:
        raise IllegalTransition(attempt.status, S.SUBMITTED)
    _submit(attempt, by=by, reason=STAFF_SUBMIT_REASON, note=f'submitted by staff: {reason}')
    return attempt


def mark_stuck_error(attempt, by, reason):
    """
    Staff end an attempt stuck before or during the exam (opted in, ready, or running) in error, with
    ``reason``. A finished attempt is not "stuck": its review decides it (``IllegalTransition``).
    """
    attempt.refresh_from_db()
    if attempt.status not in S.IN_PROGRESS:
        raise IllegalTransition(attempt.status, S.ERROR)
    return mark_error(attempt, by=by, reason=f'marked as error by staff: {reason}')


def attempt_history(attempt):
    """Return the attempt's status changes, oldest first."""
    return list(attempt.history.all())


def set_allowance(exam, user, kind, value, created_by=None):
    """
    Grant an allowance; it applies to attempts that start afterwards. Returns an
    ``exams.allowances.AllowanceResult``: ``started_attempt`` is the attempt the change does not reach.
    """
    return allowances.set_allowance(exam, user, kind, value, created_by=created_by)


def remove_allowance(exam, user, kind, removed_by=None):
    """Remove an allowance; returns an ``AllowanceResult`` whose ``change`` is None when there was none."""
    return allowances.remove_allowance(exam, user, kind, removed_by=removed_by)


def exam_rule_choices(provider):
    """Return {rule: label to translate} of the binary exam rules an author chooses for ``provider``."""
    try:
        return dict(get_provider(provider).exam_rule_choices)
    except (UnknownProvider, ImportError):
        return {}


def available_providers():
    """Return (name, verbose name) for every installed provider."""
    choices = []
    for name in provider_names():
        try:
            choices.append((name, get_provider(name).verbose_name or name))
        except (UnknownProvider, ImportError):
            log.warning('Proctoring provider %s could not be loaded', name)
    return choices


# ---- In-house proctoring (the ``local`` provider): what the exam page uploads ------------------------------

UploadRefused = uploads.UploadRefused
DEFAULT_MAX_CHUNK_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_RECORDING_BYTES = 4 * 1024 ** 3
DEFAULT_MAX_PHOTO_BYTES = 5 * 1024 * 1024
# A browser's WebM of a webcam or a screen stays well below this bitrate (kilobits a second).
DEFAULT_MAX_RECORDING_KBPS = 4000
DEFAULT_RECORDING_MARGIN_SECONDS = 600
DEFAULT_MAX_FLAGS_PER_ATTEMPT = 500
DEFAULT_UPLOAD_GAP_SECONDS = 60
DEFAULT_ANALYSER = 'edx_proctoring_backend.video.analyse_recording'
CAPTURE_LOST_REASON = 'capture_lost'


def upload_limits():
    """
    Return the site's upload limits: ``{'max_chunk_bytes', 'max_recording_bytes', 'max_photo_bytes',
    'max_recording_kbps', 'recording_margin_seconds', 'max_flags'}`` (settings ``PROCTORING_MAX_CHUNK_BYTES``,
    ``PROCTORING_MAX_RECORDING_BYTES``, ``PROCTORING_MAX_PHOTO_BYTES``, ``PROCTORING_MAX_RECORDING_KBPS``,
    ``PROCTORING_RECORDING_MARGIN_SECONDS``, ``PROCTORING_MAX_FLAGS_PER_ATTEMPT``).
    """
    return {
        'max_chunk_bytes': int(getattr(settings, 'PROCTORING_MAX_CHUNK_BYTES', DEFAULT_MAX_CHUNK_BYTES)),
        'max_recording_bytes': int(getattr(settings, 'PROCTORING_MAX_RECORDING_BYTES', DEFAULT_MAX_RECORDING_BYTES)),
        'max_photo_bytes': int(getattr(settings, 'PROCTORING_MAX_PHOTO_BYTES', DEFAULT_MAX_PHOTO_BYTES)),
        'max_recording_kbps': float(getattr(settings, 'PROCTORING_MAX_RECORDING_KBPS', DEFAULT_MAX_RECORDING_KBPS)),
        'recording_margin_seconds': int(getattr(settings, 'PROCTORING_RECORDING_MARGIN_SECONDS',
                                                DEFAULT_RECORDING_MARGIN_SECONDS)),
        'max_flags': int(getattr(settings, 'PROCTORING_MAX_FLAGS_PER_ATTEMPT', DEFAULT_MAX_FLAGS_PER_ATTEMPT)),
    }


def _recorded_attempt(user, attempt_id):
    """
    Return ``(attempt, provider)`` for the learner's own attempt of an exam recorded on this site.
    Anybody else's attempt, or one of another provider, is "not found": nothing is told about it.
    """
    attempt = None
    if user is not None and user.is_authenticated:
        attempt = ExamAttempt.objects.select_related('exam').filter(pk=attempt_id, user=user).first()
    if attempt is None:
        raise AttemptNotFound()
    try:
        provider = get_provider(attempt.exam.provider)
    except (UnknownProvider, ImportError) as error:
        raise AttemptNotFound() from error
    if not isinstance(provider, LocalProvider):
        raise AttemptNotFound()
    return attempt, provider


def recording_state(user, attempt_id, kind):
    """
    Return ``{'kind', 'next_index', 'size_bytes', 'status'}`` of the learner's recording of ``kind``
    (webcam, screen, room_scan), so a reloaded page resumes at ``next_index``. ``status`` is
    ``not_started``, ``recording``, ``complete``, ``analysing``, ``analysed``, ``analysis_failed`` or
    ``quarantined``.
    """
    attempt, _ = _recorded_attempt(user, attempt_id)
    return uploads.recording_state(attempt, kind)


def store_chunk(user, attempt_id, kind, index, data, content_type):
    """
    Store chunk ``index`` (bytes ``data`` of ``content_type``, video/webm or video/mp4) of the learner's
    recording of ``kind``; return ``(created, state)``: ``created`` is False for a repeat of a stored
    chunk. Raises ``AttemptNotFound`` or ``UploadRefused`` (see ``recordings.uploads.store_chunk``).
    """
    attempt, provider = _recorded_attempt(user, attempt_id)
    limits = upload_limits()
    asked = provider.upload_kinds(attempt.exam)
    return uploads.store_chunk(
        attempt, kind, index, data, content_type, asked_kinds=asked, max_chunk_bytes=limits['max_chunk_bytes'],
        budget_bytes=uploads.attempt_budget_bytes(attempt, asked, limits['max_recording_kbps'],
                                                  limits['recording_margin_seconds']),
        max_recording_bytes=limits['max_recording_bytes'],
        gap_seconds=getattr(settings, 'PROCTORING_UPLOAD_GAP_SECONDS', DEFAULT_UPLOAD_GAP_SECONDS),
        grace_seconds=_grace_seconds())


def complete_recording(user, attempt_id, kind):
    """
    The page stopped the recording of ``kind``: no more chunks; return its state. Completing twice is
    harmless. The recording is assembled and analysed after the exam is submitted (at once when it
    already is). Raises ``AttemptNotFound`` or ``UploadRefused`` (``nothing_recorded`` 409).
    """
    attempt, _ = _recorded_attempt(user, attempt_id)
    recording, newly = uploads.complete_recording(attempt, kind)
    if newly and attempt.status not in S.IN_PROGRESS:
        _queue_analysis([recording.pk])
    return uploads.state_of(recording)


def store_photo(user, attempt_id, kind, data, content_type):
    """
    Store the learner's photo (``kind`` ``user``) or ID photo (``id``), a JPEG or PNG checked by its first
    bytes, replacing the previous one; refused once the exam has started. Returns the ``AttemptPhoto``.
    """
    attempt, _ = _recorded_attempt(user, attempt_id)
    return uploads.store_photo(attempt, kind, data, content_type, max_bytes=upload_limits()['max_photo_bytes'])


def flag_session(user, attempt_id, kind):
    """
    The page reports that the capture stopped (``kind``: camera_stopped, screen_stopped, recorder_closed).
    The moment is kept for the reviewer (server time). Where the exam's rule is to end the exam when the
    recording stops (``on_capture_lost`` 'end'), a running exam is submitted with what was answered; a
    stopped screen counts only where the exam records the screen.

    Returns ``{'action': 'continue' | 'ended', 'message': text for the learner}``.
    """
    attempt, provider = _recorded_attempt(user, attempt_id)
    if kind not in SessionFlag.FROM_BROWSER:
        raise UploadRefused('invalid_request', gettext('Unknown kind of interruption.'), 400)
    uploads.require_in_progress(attempt)
    uploads.add_flag(attempt, kind, max_flags=upload_limits()['max_flags'])
    options = provider.options(attempt.exam)
    counts = kind != SessionFlag.SCREEN_STOPPED or options['require_screen']
    if attempt.status == S.STARTED and options['on_capture_lost'] == 'end' and counts:
        try:
            _submit(attempt, by=user, reason=CAPTURE_LOST_REASON)
        except IllegalTransition:
            attempt.refresh_from_db()  # ended meanwhile (submitted, an error, a reset)
        return {'action': 'ended',
                'message': gettext('The recording stopped, so your exam has ended and your answers were submitted.')}
    return {'action': 'continue',
            'message': gettext('The recording stopped. Start it again to go on; the reviewers will see the gap.')}


def capture_plan(user, exam):
    """
    Return what the exam page needs to record the learner's current attempt, or None when the exam is not
    recorded on this site or there is no attempt being taken::

        {
            'attempt_id': 12,
            'status': 'created',                        # the attempt's status
            'steps': ['user_photo', 'id_photo', 'exam_code'],  # with 'room_scan' if asked
            'recordings': ['webcam'],                   # plus 'screen' where the exam records it
            'room_scan': False,
            'on_capture_lost': 'continue',              # or 'end'
            'photos': [],                               # the photos already taken ('user', 'id')
            'state': {'webcam': {'kind', 'next_index', 'size_bytes', 'status'}, ...},  # resume from here
            'limits': {'max_chunk_bytes', 'max_recording_bytes', 'max_photo_bytes'},
            'content_types': {'recording': ['video/webm', 'video/mp4'], 'photo': ['image/jpeg', 'image/png']},
            'urls': {
                'flags': POST {"kind"},
                'photos': {'user': POST image, 'id': POST image},
                'recordings': {kind: {'state': GET, 'chunk': POST to .format(index=n), 'complete': POST}},
            },
        }

    Every URL is session-authenticated and CSRF-protected (send the ``X-CSRFToken`` header).
    """
    attempt = latest_attempt(exam, user)
    if attempt is None or attempt.status not in S.IN_PROGRESS:
        return None
    try:
        provider = get_provider(exam.provider)
    except (UnknownProvider, ImportError):
        return None
    if not isinstance(provider, LocalProvider):
        return None
    options = provider.options(exam)
    kinds = provider.upload_kinds(exam)

    def url(name, *args):
        return reverse(f'edx_proctoring_backend:{name}', args=[attempt.pk, *args])

    recording_urls = {}
    for kind in kinds:
        base = url('recording', kind)
        recording_urls[kind] = {'state': base, 'chunk': base + '/chunks/{index}',
                                'complete': url('recording-complete', kind)}
    return {
        'attempt_id': attempt.pk,
        'status': attempt.status,
        'steps': list(provider.steps_for(exam)),
        'recordings': list(provider.recording_kinds(exam)),
        'room_scan': options['room_scan'],
        'on_capture_lost': options['on_capture_lost'],
        'photos': sorted(uploads.photo_kinds(attempt)),
        'state': {kind: uploads.recording_state(attempt, kind) for kind in kinds},
        'limits': upload_limits(),
        'content_types': {'recording': sorted(uploads.RECORDING_TYPES), 'photo': sorted(uploads.PHOTO_TYPES)},
        'urls': {
            'flags': url('attempt-flags'),
            'photos': {kind: url('attempt-photo', kind) for kind in ('user', 'id')},
            'recordings': recording_urls,
        },
    }


# ---- In-house proctoring: analysing the recordings ---------------------------------------------------------

def _queue_analysis(recording_ids, countdown=None):
    """Queue the analysis of recordings once the current transaction commits (``countdown`` seconds later)."""
    # The task module is a thin wrapper over this one; it is imported when work is queued, not at load.
    from .tasks import analyse_recording as analyse_task  # pylint: disable=import-outside-toplevel,cyclic-import
    for recording_id in recording_ids:
        transaction.on_commit(partial(analyse_task.apply_async, (recording_id,), countdown=countdown))


def _queue_session_analysis(attempt, provider):
    """
    After a session recorded on this site is submitted, analyse its recordings: at once, or, when the
    clock ended it, once the grace for the page's last chunks is over.
    """
    if isinstance(provider, LocalProvider):
        late = attempt.submit_reason == uploads.TIME_EXPIRED
        _queue_analysis(uploads.recordings_to_analyse(attempt), countdown=_grace_seconds() + 5 if late else None)


def _send_to_person(recording, reason):
    """
    A recording could not be analysed: the attempt's review must be a person's. A submitted proctored
    attempt goes to a second review (never to "satisfactory"); one a person decided already stays decided.
    """
    attempt = ExamAttempt.objects.select_related('exam', 'user').get(pk=recording.attempt_id)
    if attempt.exam.exam_type != ExamType.PROCTORED or attempt.status != S.SUBMITTED:
        return
    record_review(attempt, Outcome.SECOND_REVIEW,
                  comment=f'The {recording.kind} recording could not be analysed ({reason}): review it yourself.')


def analyse_recording(recording_id):
    """
    Analyse one complete recording (the Celery task's body); return its status afterwards.

    The analyser is ``PROCTORING_VIDEO_ANALYSER`` (a dotted path, default ``video.analyse_recording``).
    Each delivery is counted first; after ``PROCTORING_ANALYSIS_MAX_DELIVERIES`` (3) the recording is
    quarantined. A failed or quarantined analysis sends the attempt to a person; findings are only
    suggestions and never decide anything.
    """
    uploads.close_if_over(recording_id)
    analyser = import_string(getattr(settings, 'PROCTORING_VIDEO_ANALYSER', None) or DEFAULT_ANALYSER)
    options = getattr(settings, 'PROCTORING_ANALYSIS_OPTIONS', None)
    if isinstance(options, dict):  # the site's settings name the options as plain values
        options = AnalysisOptions.from_dict(options)
    kwargs = {'options': options,
              'timeout_s': getattr(settings, 'PROCTORING_ANALYSIS_TIMEOUT_SECONDS', None),
              'memory_limit_mb': getattr(settings, 'PROCTORING_ANALYSIS_MEMORY_LIMIT_MB', None)}
    return recording_analysis.run(
        recording_id, analyser,
        max_deliveries=int(getattr(settings, 'PROCTORING_ANALYSIS_MAX_DELIVERIES', 3)),
        progress_interval_s=float(getattr(settings, 'PROCTORING_ANALYSIS_PROGRESS_SECONDS', 5)),
        needs_person=_send_to_person,
        analyser_kwargs={name: value for name, value in kwargs.items() if value is not None})


DEFAULT_ANALYSIS_REQUEUE_MINUTES = 15


def requeue_stale_analyses(now=None):
    """
    Queue again the analyses that should have run by now (the periodic sweep; see
    ``recordings.analysis.stale_recordings``): complete recordings of finished attempts, or analyses
    with no progress, untouched for ``PROCTORING_ANALYSIS_REQUEUE_MINUTES`` (15). Returns their ids.
    """
    minutes = float(getattr(settings, 'PROCTORING_ANALYSIS_REQUEUE_MINUTES', DEFAULT_ANALYSIS_REQUEUE_MINUTES))
    stale = recording_analysis.stale_recordings((now or timezone.now()) - timedelta(minutes=minutes))
    if stale:
        log.warning('Queueing the analysis of recordings %s again: no progress for %s minutes', stale, minutes)
        _queue_analysis(stale)
    return stale


def session_evidence(attempt):
    """
    Return what a reviewer sees of a session recorded on this site: ``{'consents', 'photos', 'flags',
    'recordings'}`` (querysets; each recording's ``findings`` are its suggested moments).
    """
    return {
        'consents': attempt.consents.all(),
        'photos': attempt.photos.all(),
        'flags': attempt.session_flags.all(),
        'recordings': attempt.recordings.prefetch_related('findings').order_by('kind'),
    }


# ---- Reviewing sessions recorded on this site ----------------------------------------------------------------

def may_review(user, course_key=None):
    """
    Whether ``user`` may open the review queue, see recordings and decide reviews: in ``course_key``
    (its instructors, support and global staff), or, without one, in every course (support and global staff).
    """
    return roles.may(user, roles.REVIEW, course_key)


awaiting_review = review_queue.awaiting_review
attempt_under_review = review_queue.attempt_under_review
review_queue_entries = review_queue.review_queue_entries
PERSON_DECISIONS = review_queue.PERSON_DECISIONS


def take_review(attempt, reviewer):
    """``reviewer`` takes the attempt's review: from now on they see its media (``privacy.access``)."""
    access.take_review(attempt, reviewer)


def may_see_evidence(attempt, user):
    """Whether ``user`` may see the attempt's recordings and photos (``privacy.access``)."""
    return access.may_view(user, attempt, access.RECORDING)


def own_photo(user, attempt_id, kind):
    """The learner's own photo (``user`` or ``id``) of their attempt, as ``review_media``; else ``AttemptNotFound``."""
    return access.open_own_photo(user, attempt_id, kind)


def record_export(user, course_key, kind, size_bytes):
    """Record a download of one of the course's CSV files (``privacy.access``)."""
    return access.record_export(user, course_key, kind, size_bytes)


def may_decide(attempt):
    """Whether a person's review can be recorded on ``attempt`` now (submitted, or decided and appealed)."""
    return (attempt.exam.exam_type == ExamType.PROCTORED and attempt.taking_as_proctored
            and attempt.status in S.COMPLETED)


def review_media(kind, object_id, viewer):
    """
    Open a stored file for ``viewer``: ``kind`` is ``recording``, ``photo`` or ``thumbnail`` (of a finding).
    Return ``(binary file, size, content type)``; raise ``AttemptNotFound`` when there is no such file, or
    when ``viewer`` may not see it (``privacy.access``: the learner their photos, the reviewer who took
    the review, the course team once it is flagged). The viewing is recorded (``privacy.models.MediaView``).
    """
    return access.open_media(kind, object_id, viewer)


# ---- The instructor dashboard: roles, allowances, attempts, the review queue, exports -------------------------

Role = roles
AllowanceResult = allowances.AllowanceResult
Page = search.Page
DEFAULT_PAGE_SIZE = search.DEFAULT_PAGE_SIZE
paginate = search.paginate


course_exams = dashboard_queries.course_exams
course_exam = dashboard_queries.course_exam
find_learner = dashboard_queries.find_learner
course_key_or_none = dashboard_queries.course_key_or_none
course_allowances = dashboard_queries.course_allowances
course_allowance = dashboard_queries.course_allowance
course_allowance_change = dashboard_queries.course_allowance_change
allowance_changes = dashboard_queries.allowance_changes
BulkRow = dashboard_queries.BulkRow
bulk_set_allowances = dashboard_queries.bulk_set_allowances
search_attempts = dashboard_queries.search_attempts
course_attempt = dashboard_queries.course_attempt
attempt_history_with_people = dashboard_queries.attempt_history_with_people
Readiness = dashboard_queries.Readiness
learner_readiness = dashboard_queries.learner_readiness


def read_bulk_file(upload):
    """The text of an uploaded bulk allowance file, or ``NotAllowed`` (see ``allowances.read_bulk_file``)."""
    return allowances.read_bulk_file(upload)


def allowances_csv(course_key):
    """The course's allowances in force (CSV text)."""
    return exam_export.allowances_csv(course_key)


def allowance_changes_csv(course_key):
    """Every change to the course's allowances, with who made it (CSV text)."""
    return exam_export.allowance_changes_csv(course_key)


def attempts_csv(course_key):
    """Every attempt at the course's special exams (CSV text)."""
    return exam_export.attempts_csv(course_key)


def consent_csv(course_key):
    """Every answer to the proctoring terms of the course's exams (CSV text)."""
    return exam_export.consent_csv(course_key)


def on_campus_csv(course_key):
    """The open requests for on-campus sittings of the course's exams (CSV text)."""
    return exam_export.on_campus_csv(course_key)


def reviews_csv(course_key):
    """Every review of the course's attempts, vendors' verdicts and people's decisions (CSV text)."""
    return export.reviews_csv(course_key)


# ---- Privacy: retention, retirement, the learner's own data ------------------------------------------------

RETENTION_BATCH_SIZE = 500
retention_policy = retention.site_policy
learner_data = privacy_learner_data.learner_data


def retention_plan(now=None, kinds=retention.KINDS):
    """
    What the retention policy would delete now, and the vendors' data it would ask them to delete
    (``retention.VENDOR_DATA``): ``privacy.retention.Candidate`` items, deleting nothing.
    """
    return retention.candidates(retention.site_policy(), now or timezone.now(), kinds=kinds)


def enforce_retention(now=None, batch_size=RETENTION_BATCH_SIZE):
    """
    Delete for good what the retention policy says to delete now, and ask the vendors to delete their
    data that is due (the periodic task, ``privacy.retention.enforce_and_ask_vendors``); the records.
    """
    return retention.enforce_and_ask_vendors(now or timezone.now(), media_storage(), _perform, batch_size=batch_size)


def retire_user(user, now=None):
    """
    The learner's account is retired: erase their personal data here and ask every provider that holds
    some to erase theirs (``privacy.retirement.retire``). Returns ``{'purged': n, 'providers': [names]}``.
    """
    return retirement.retire(user, media_storage(), now or timezone.now(), _perform)
