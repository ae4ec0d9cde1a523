"""
The learner's way through an exam: what they see (``learner_state``), opting in or out, the checks
and the exam code, the start, the submission (by the learner, the clock or a stopped recording), the
timer the page polls and whether an answer is taken now.
"""
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from ..exams import allowances, alternatives, codes, timer, window
from ..exams.attempts import create_attempt, latest_attempt, read_clock, transition
from ..exams.codes import new_exam_code, normalise_exam_code
from ..exams.errors import (
    AnswersClosed, AttemptNotFound, ChecksNotPassed, ExamNotFound, IllegalTransition, InvalidExamCode, NotAllowed,
)
from ..exams.hosted import is_hosted
from ..exams.models import Exam, ExamAttempt
from ..exams.statuses import CAPTURE_LOST_REASON, AttemptStatus, ExamType, practice_result, review_status
from ..exams.timer_tokens import read_timer_token, timer_token
from ..lms.enrollment import is_verified_track
from ..lms.events import emit_attempt_event
from ..monitors import nominations as monitors
from ..monitors.models import Nomination
from ..privacy import consent, retention
from ..providers import onboarding
from ..providers.base import Feature, ProctoringProvider, Step
from ..providers.models import ProviderCall
from ..providers.registry import get_provider
from ..recordings import capture, uploads
from ..recordings.models import SessionFlag
from ..recordings.storage import media_storage
from ..reviews.outcomes import Outcome
from ..sittings import booking as sittings
from . import calls, reviews

log = logging.getLogger(__name__)
S = AttemptStatus


def get_exam(usage_key):
    """Return the exam of an XBlock usage, or raise ``ExamNotFound``."""
    exam = Exam.objects.filter(usage_key=str(usage_key)).first()
    if exam is None:
        raise ExamNotFound()
    return exam


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
    software_url: str = ''          # where the learner gets and runs the vendor's software (its system check)
    # Where the provider asks for onboarding before this exam, and of whom (``onboarding`` asks when read).
    onboarding_provider: ProctoringProvider = None
    user: object = None
    session_pending: bool = False   # the vendor was unreachable: its session is being set up
    terms: consent.Terms = None     # what the learner agrees to by opting in (before any attempt)
    refused: bool = False           # the learner's latest answer to the terms is no
    alternatives: tuple = ()        # what the exam offers instead (``exams.alternatives``)
    on_campus_request: object = None  # the learner's open request for an on-campus sitting
    exam_window: window.ExamWindow = None  # when the exam may be begun (``exams.window``)
    window_state: str = window.OPEN
    sitting: sittings.Standing = None  # the learner's booking, where the exam is taken at booked sittings
    nomination: Nomination = None   # the learner's exam monitor, where the exam has one (``monitors``)
    needs_monitor: bool = False     # the exam has a nominated monitor, and the learner has none approved yet

    @property
    def status(self):
        """The attempt status, or None before any attempt."""
        return self.attempt.status if self.attempt else None

    @property
    def review_status(self):
        """Pending / satisfactory / unsatisfactory for a submitted proctored attempt, else None."""
        return review_status(self.exam.exam_type, self.status) if self.attempt else None

    @property
    def onboarding(self):
        """
        ``{'status', 'url'}`` of the learner's onboarding where the provider asks for it, else None. Read only
        by the page that shows it: it may ask the vendor (once, when nothing is kept).
        """
        if self.onboarding_provider is None:
            return None
        return {'status': onboarding.learner_status(self.onboarding_provider, self.user),
                'url': self.onboarding_provider.onboarding_url(self.user)}

    @property
    def review_reopened(self):
        """True while a review awaits a person after the session had a result (a later verdict contradicted it)."""
        return bool(self.attempt and self.status == S.SECOND_REVIEW_REQUIRED
                    and self.attempt.history.filter(to_status__in=(S.VERIFIED, S.REJECTED)).exists())

    @property
    def practice_result(self):
        """'complete' or 'failed' for a finished practice attempt, else None."""
        if self.attempt and self.exam.exam_type == ExamType.PRACTICE:
            interrupted = self.status in S.COMPLETED and bool(capture.interrupted_recordings([(self.attempt.pk,
                                                                                               self.exam)]))
            return practice_result(self.status, self.attempt.submit_reason, interrupted)
        return None

    @property
    def content_visible(self):
        """True while the learner may see and answer the exam content."""
        if not self.proctoring_offered and self.exam.exam_type != ExamType.TIMED:
            return self.window_state != window.NOT_OPEN  # not in a proctored track: a regular exam, once open
        return self.status in (S.STARTED, S.DECLINED)


def learner_state(user, exam, now=None, personal_due=None):
    """
    Return the ``LearnerState`` of ``user`` in ``exam`` (whose own due date is ``personal_due``, where the
    platform personalises it). An attempt whose time ran out is submitted here first, so every access
    sees the truth even if the browser was closed.
    """
    now = now or timezone.now()
    attempt = latest_attempt(exam, user)
    if attempt is not None:
        _expire_if_due(attempt, now)
    offered = exam.is_proctored_kind and is_verified_track(user, exam.course_key)
    exam_window = window.window_of(exam, personal_due)
    state = LearnerState(exam=exam, attempt=attempt, proctoring_offered=offered, exam_window=exam_window,
                         window_state=exam_window.state(now))
    if offered and exam.exam_type == ExamType.PROCTORED:
        state.may_opt_out = _may_opt_out(exam, user)
    if offered:
        provider = get_provider(exam.provider)
        state.steps = tuple(provider.learner_steps)
        state.checks_in_vendor_software = Feature.VENDOR_SOFTWARE in provider.features
        if state.checks_in_vendor_software:
            state.software_url = provider.software_url(attempt)
        if attempt is None or _may_retake(exam, attempt):
            _add_choice(state, user, provider)
            if sittings.requires_booking(exam) and not is_hosted(exam):
                state.sitting = sittings.standing(exam, user, now)
            if monitors.uses_monitor(exam):
                state.nomination = monitors.nomination_for(user, exam)
                state.needs_monitor = state.nomination is None or state.nomination.status != Nomination.APPROVED
            if Feature.ONBOARDING in provider.features and exam.exam_type == ExamType.PROCTORED:
                state.onboarding_provider, state.user = provider, user
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
    state.terms = consent.render(consent.current_version(provider, retention.site_policy()))
    answer = consent.latest_answer(user, exam)
    # A refusal counts until the learner agrees, or staff reset the attempt that followed it.
    state.refused = bool(answer and not answer.accepted and (attempt is None or answer.created > attempt.modified))
    state.alternatives = alternatives.offered(exam, state.may_opt_out)
    if alternatives.ON_CAMPUS in state.alternatives:
        state.on_campus_request = alternatives.open_request(exam, user)


def _may_opt_out(exam, user):
    """The course allows taking ``exam`` without proctoring, or an allowance lets this learner."""
    return exam.allow_opt_out or allowances.effective_allowance(exam, user).may_opt_out


def _require_window_open(exam, personal_due, now=None):
    """
    Refuse to begin ``exam`` before it opens or once it has closed (``exams.window``). An exam kept for
    edx-proctoring's is begun when edx-proctoring lets the learner: its dates are edx-proctoring's.
    """
    if is_hosted(exam):
        return
    state = window.window_of(exam, personal_due).state(now or timezone.now())
    if state == window.NOT_OPEN:
        raise NotAllowed('The exam is not open yet.', code='exam_not_open')
    if state == window.CLOSED:
        raise NotAllowed('The exam has closed: it can no longer be begun.', code='exam_closed')


def _require_may_begin(exam, user, personal_due, now=None, checks_done=False):
    """
    Refuse to begin ``exam`` outside its window or, where it is taken at booked sittings, outside the
    learner's sitting (``checks_done``: the clock of a learner who began in time may start until it ends).
    """
    _require_window_open(exam, personal_due, now)
    if not is_hosted(exam):
        sittings.require_in_sitting(exam, user, now, checks_done=checks_done)
    monitors.require_approved(exam, user)


def _require_offered(user, exam):
    if not exam.is_proctored_kind:
        raise NotAllowed('This exam is not proctored.')
    if not is_verified_track(user, exam.course_key):
        raise NotAllowed('Proctored exams are offered to learners in the verified track.', code='not_verified')


def _may_retake(exam, attempt):
    """
    A reset attempt can be taken again, and practice exams as often as the learner likes. An exam kept for
    edx-proctoring's is taken again after an error when edx-proctoring resumes it (it opens a new attempt
    only once staff marked the errored one ready to resume).
    """
    if attempt.status == S.RESET or (attempt.status == S.ERROR and is_hosted(exam)):
        return True
    return exam.exam_type == ExamType.PRACTICE and attempt.status in S.COMPLETED + (S.ERROR,)


def opt_in(user, exam, terms_version, exam_code=None, personal_due=None):
    """
    The learner agrees to version ``terms_version`` of the terms (``consent_terms``) and chooses to take
    ``exam`` with online proctoring: create the attempt with its exam code, record the consent with it,
    and open the provider's session (nothing goes to a vendor before the consent). Repeating the call
    returns the same attempt. Raises ``TermsChanged`` when the terms are no longer that version.
    ``exam_code``: the code the learner was shown elsewhere (edx-proctoring's attempt code, which the
    learning MFE shows), stored normalised; a fresh one by default. Refused outside the exam's window
    (``personal_due``: the learner's own due date, where the platform personalises it).
    """
    _require_offered(user, exam)
    previous = latest_attempt(exam, user)
    if previous is not None and not _may_retake(exam, previous):
        if previous.status == S.DECLINED:
            raise NotAllowed('You chose to take this exam without proctoring; that cannot be undone.',
                             code='already_declined')
        return previous
    _require_may_begin(exam, user, personal_due)
    terms = consent_terms(exam)
    consent.check_version(terms, terms_version)
    _require_onboarding(user, exam)
    # A monitor approved for the whole course gets the password of an exam added since.
    monitors.ensure_password(user, exam)
    with transaction.atomic():
        attempt, created = create_attempt(
            exam, user, S.CREATED, after=previous, by=user, reason='opted in',
            taking_as_proctored=True, exam_code=normalise_exam_code(exam_code) if exam_code else new_exam_code(),
        )
        if created:
            consent.record_answer(user, exam, terms, True, attempt=attempt)
            if exam.on_campus_sitting:  # only an exam that offers sittings has requests to withdraw
                alternatives.withdraw(exam, user)
    if created:
        emit_attempt_event('created', attempt)
        calls.call_provider(attempt, ProviderCall.REGISTER_ATTEMPT)
        if previous is not None and exam.exam_type == ExamType.PRACTICE:
            # A practice retake: only the latest attempt's media are kept.
            retention.purge_superseded(media_storage(), timezone.now(), exam_id=exam.pk, user_id=user.pk)
    return attempt


def consent_terms(exam, language=None):
    """
    The terms of ``exam``'s provider on the current site, in ``language`` (the active one by default):
    a ``privacy.consent.Terms`` with its ``version`` and ``sections`` ((heading, lines), ...).
    """
    return consent.render(consent.current_version(get_provider(exam.provider), retention.site_policy()), language)


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


def nominate_monitor(user, exam, name, email, phone, occupation, declarations, whole_course=False):
    """
    The learner nominates their exam monitor for ``exam`` (``monitors.nominations.nominate``); only a
    learner who is offered proctoring nominates one.
    """
    _require_offered(user, exam)
    return monitors.nominate(user, exam, name, email, phone, occupation, declarations, whole_course=whole_course)


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


def _require_onboarding(user, exam):
    """
    A provider with onboarding admits to a proctored exam only learners whose onboarding profile is
    approved (practice exams stay open, so learners can try the software first).
    """
    provider = get_provider(exam.provider)
    if exam.exam_type != ExamType.PROCTORED or Feature.ONBOARDING not in provider.features:
        return
    status = onboarding.status_at_vendor(provider, user)
    if status != onboarding.APPROVED:
        raise NotAllowed(f'Onboarding is {status}: complete it before the exam.', code=f'onboarding_{status}')


def opt_out(user, exam, personal_due=None):
    """
    The learner declines proctoring: the exam becomes a regular exam without time limit and without
    credit eligibility. Final for this exam. Refused outside the exam's window.
    """
    _require_offered(user, exam)
    if exam.exam_type != ExamType.PROCTORED:
        raise NotAllowed('Practice exams are taken with proctoring or not at all.')
    if not _may_opt_out(exam, user):
        raise NotAllowed('This course requires the exam to be taken with online proctoring.',
                         code='opt_out_forbidden')
    previous = latest_attempt(exam, user)
    if previous is None or previous.status in (S.RESET, S.CREATED):
        _require_window_open(exam, personal_due)
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


def confirm_checks(user, exam, exam_code, monitor_password=''):
    """
    The learner passed the provider's steps (the terms were agreed to at the opt-in): ask the provider,
    check the exam password their monitor typed (where the provider asks for one), redeem the single-use
    exam code; the attempt becomes ready to start. A wrong password counts like a wrong exam code.
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
    try:
        # One commit: the code is used if and only if the attempt becomes ready.
        with transaction.atomic():
            if Step.MONITOR_PASSWORD in provider.learner_steps:
                monitors.check_password(attempt, monitor_password)
            if Step.EXAM_CODE in provider.learner_steps:
                codes.redeem(attempt, exam_code)
            transition(attempt, S.READY_TO_START, by=user, reason='checks passed')
    except InvalidExamCode as error:
        # Counted outside the rolled-back transaction, so that wrong codes add up to the lock.
        raise codes.after_failure(attempt, error) from error
    return attempt


def redeem_exam_code(attempt, exam_code):
    """
    Use the exam code of ``attempt`` once (``exams.codes.redeem``); a wrong one counts, and the last one
    allowed raises ``ExamCodeLocked``. Raises ``InvalidExamCode`` otherwise.
    """
    try:
        codes.redeem(attempt, exam_code)
    except InvalidExamCode as error:
        raise codes.after_failure(attempt, error) from error


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
    the course team gave): it then caps the deadline instead of the exam's course-wide one. No clock
    starts outside the exam's window.
    """
    previous = latest_attempt(exam, user)
    if exam.exam_type == ExamType.TIMED:
        if previous is not None and previous.status != S.RESET:
            return previous
        now = timezone.now()
        _require_window_open(exam, personal_due, now)
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
    _require_may_begin(exam, user, personal_due, now, checks_done=True)
    try:
        won = transition(previous, S.STARTED, by=user, reason='started', **_clock_fields(exam, user, now, personal_due))
    except IllegalTransition:
        previous.refresh_from_db()
        return previous
    if won:
        emit_attempt_event('started', previous)
        calls.call_provider(previous, ProviderCall.START_SESSION)
    return previous


def _clock_fields(exam, user, now, personal_due=None):
    """The allowance snapshot and deadline an attempt gets when its clock starts."""
    allowance = allowances.effective_allowance(exam, user)
    deadline = timer.compute_deadline(now, exam.time_limit_minutes, allowance.extra_minutes,
                                      allowance.time_multiplier, window.window_of(exam, personal_due).closes_at)
    return {'started_at': now, 'deadline': deadline, 'extra_minutes': allowance.extra_minutes,
            'time_multiplier': allowance.time_multiplier, 'review_exempt': allowance.review_exempt}


def submit(user, exam, by=None, reason='learner'):
    """End the learner's running attempt ("End My Exam"); return it. Submitting twice submits once."""
    attempt = latest_attempt(exam, user)
    if attempt is None:
        raise AttemptNotFound()
    if attempt.status == S.STARTED:
        end_attempt(attempt, by=by or user, reason=reason)
    elif attempt.status not in S.COMPLETED:
        raise IllegalTransition(attempt.status, S.SUBMITTED)
    return attempt


def end_attempt(attempt, by=None, reason='learner', note=''):
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
        reviews.record_review(attempt, Outcome.SATISFACTORY, comment='Exempt from review (allowance).')
    calls.call_provider(attempt, ProviderCall.STOP_SESSION)


def _expire_if_due(attempt, now):
    """Submit a started attempt whose deadline passed; what was answered so far counts."""
    if attempt.status == S.STARTED and attempt.deadline is not None and now >= attempt.deadline:
        end_attempt(attempt, reason='time_expired')


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
        if ended_by_clock and timer.accepts_answers(attempt.deadline, now, timer.answer_grace_seconds()):
            return
        raise AnswersClosed()
    if not state.content_visible:
        raise AnswersClosed('The exam is not in progress.', code='exam_not_started')


def flag_session(user, attempt_id, kind):
    """
    The page reports that the capture stopped (``kind``: camera_stopped, screen_stopped, recorder_closed).
    The moment is kept for the reviewer (server time). Where the exam's rule is to end the exam when the
    recording stops (``on_capture_lost`` 'end'), a running exam is submitted with what was answered; a
    stopped screen counts only where the exam records the screen.

    Returns ``{'action': 'continue' | 'ended', 'message': text for the learner}``.
    """
    attempt, provider = capture.recorded_attempt(user, attempt_id)
    if kind not in SessionFlag.FROM_BROWSER:
        raise uploads.UploadRefused('invalid_request', gettext('Unknown kind of interruption.'), 400)
    uploads.require_in_progress(attempt)
    uploads.add_flag(attempt, kind, max_flags=capture.upload_limits()['max_flags'])
    options = provider.options(attempt.exam)
    counts = kind != SessionFlag.SCREEN_STOPPED or options['require_screen']
    if attempt.status == S.STARTED and options['on_capture_lost'] == 'end' and counts:
        try:
            end_attempt(attempt, by=user, reason=CAPTURE_LOST_REASON)
        except IllegalTransition:
            attempt.refresh_from_db()  # ended meanwhile (submitted, an error, a reset)
        return {'action': 'ended',
                'message': gettext('The recording stopped, so your exam has ended and your answers were submitted.')}
    return {'action': 'continue',
            'message': gettext('The recording stopped. Start it again to go on; the reviewers will see the gap.')}
