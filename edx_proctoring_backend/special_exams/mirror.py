"""
The two attempts kept in step: edx-proctoring's (the learner's, the platform's) and this package's.

* edx-proctoring's attempt is created first (the learner chose to take the exam proctored): once
  its row exists, ``on_edx_attempt_status`` opens this package's attempt, with the provider's
  session; a provider with onboarding refuses a learner without an approved profile, and
  edx-proctoring's attempt then shows the onboarding status the learning MFE explains.
* Every later status this package decides (ready after the provider's checks, submitted by a lost
  session, a review's verdict, an error) moves edx-proctoring's attempt through its own
  ``update_attempt_status`` (``on_attempt_status_changed``), so that the platform's credit, grade,
  certificate and e-mail effects follow from edx-proctoring, as for every backend.
* A review status edx-proctoring sets itself (its review callback, staff) that disagrees with this
  package's decision is set back to the decision: there is one source of truth.
* A reset made here (this package's dashboard or REST API) removes edx-proctoring's attempt, as its
  own reset does: the learner may take the exam again, and the platform clears the subsection's state.

The learner's own steps (start, submit) and staff's (reset, error) go the other way, through the
backend's methods (``backend``).
"""
import contextlib
import contextvars
import logging

from django.contrib.auth import get_user_model
from django.utils.dateparse import parse_datetime
# edx-proctoring is the platform's, not a requirement of this package: only the LMS and the
# test-edx-proctoring environment can import it.
# pylint: disable=import-error
from edx_proctoring import api as edx_api
from edx_proctoring.backends import get_backend_provider
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.signals import exam_attempt_status_signal
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as EdxStatus

from edx_proctoring_backend import api

log = logging.getLogger(__name__)
S = api.AttemptStatus

# This package's statuses that edx-proctoring's attempt follows (same names on both sides).
FOLLOWED = frozenset({S.READY_TO_START, S.STARTED, S.SUBMITTED, S.SECOND_REVIEW_REQUIRED, S.VERIFIED,
                      S.REJECTED, S.ERROR})
# This package's decisions that the earlier parts of an exam resumed after an error take too.
RESUMED_PARTS_FOLLOW = frozenset({S.VERIFIED, S.REJECTED})
# edx-proctoring statuses that only a review (or a person) sets: this package's decision wins.
DECIDED = frozenset({EdxStatus.verified, EdxStatus.rejected, EdxStatus.second_review_required})
# Why this package refuses a learner, as the onboarding status edx-proctoring shows.
ONBOARDING_STATUSES = {
    'onboarding_not_started': EdxStatus.onboarding_missing,
    'onboarding_None': EdxStatus.onboarding_missing,
    'onboarding_pending': EdxStatus.onboarding_pending,
    'onboarding_rejected': EdxStatus.onboarding_failed,
    'onboarding_expired': EdxStatus.onboarding_expired,
}

# Set while edx-proctoring's review callback applies a review this package decided: edx-proctoring
# then moves its attempt itself, once, right afterwards.
_edx_applies_review = contextvars.ContextVar('edx_applies_review', default=False)
# Set while edx-proctoring removes one of its attempts (its reset): this package's reset follows it.
_edx_removes_attempt = contextvars.ContextVar('edx_removes_attempt', default=False)
# Set while a vendor's onboarding verdict decides edx-proctoring's onboarding attempts (practice exams here).
_onboarding_decides = contextvars.ContextVar('onboarding_decides', default=False)
# edx-proctoring's decision on a submitted onboarding attempt, by the vendor's onboarding status.
ONBOARDING_DECISIONS = {'approved': EdxStatus.verified, 'rejected': EdxStatus.rejected}


@contextlib.contextmanager
def _raised(flag):
    """Set ``flag`` (a boolean context variable) for the length of the block."""
    token = flag.set(True)
    try:
        yield
    finally:
        flag.reset(token)


def edx_applies_review():
    """Within this block, this package's decisions are left to edx-proctoring's review workflow to apply."""
    return _raised(_edx_applies_review)


def edx_removes_attempt():
    """Within this block, edx-proctoring is removing its attempt: a reset here must not remove it again."""
    return _raised(_edx_removes_attempt)


def connect():
    """Connect the receivers (once, whichever of this package's backends edx-proctoring loads first)."""
    api.attempt_status_changed.connect(on_attempt_status_changed, dispatch_uid='edx_proctoring_backend.special_exams')
    exam_attempt_status_signal.connect(on_edx_attempt_status, dispatch_uid='edx_proctoring_backend.special_exams')
    api.onboarding_changed.connect(on_onboarding_changed, dispatch_uid='edx_proctoring_backend.special_exams')


def our_backend(edx_exam):
    """The backend of edx-proctoring's exam (a dict) when it is one of this package's, else None."""
    try:
        backend = get_backend_provider(edx_exam)
    except NotImplementedError:   # a backend no longer configured
        return None
    return backend if getattr(backend, 'delegates_to_proctored_exams', False) else None


def edx_attempt_for(attempt):
    """edx-proctoring's current attempt (a dict) that this package's ``attempt`` follows, or None."""
    edx_exam_id = api.edx_exam_id_of(attempt.exam)
    return edx_api.get_current_exam_attempt(edx_exam_id, attempt.user_id) if edx_exam_id else None


def attempt_for(edx_attempt):
    """This package's attempt that follows edx-proctoring's ``edx_attempt`` (a dict), or None."""
    exam = api.hosted_exam(edx_attempt['proctored_exam']['id'])
    if exam is None:
        return None
    user = learner(edx_attempt)
    attempt = api.hosted_attempt(exam, user) if user is not None else None
    # An attempt older than edx-proctoring's belongs to an earlier one of edx-proctoring's (reset since).
    created = edx_attempt['created']
    created = parse_datetime(created) if isinstance(created, str) else created
    if attempt is None or (created is not None and attempt.created < created):
        return None
    return attempt


def learner(edx_attempt):
    """The learner of edx-proctoring's attempt (a dict), or None."""
    return get_user_model().objects.filter(pk=edx_attempt['user']['id']).first()


# ---- edx-proctoring → this package -----------------------------------------------------------------

def on_edx_attempt_status(attempt_id, user_id, status, is_proctored=False, **kwargs):  # pylint: disable=unused-argument
    """edx-proctoring created or moved one of its attempts (its ``exam_attempt_status_signal``)."""
    edx_attempt = edx_api.get_exam_attempt_by_id(attempt_id)
    backend = our_backend(edx_attempt['proctored_exam']) if edx_attempt else None
    if backend is None or not edx_attempt['taking_as_proctored']:
        return
    if status == EdxStatus.created and edx_attempt['external_id']:
        # Where the learner agrees to this package's terms in its own page, the attempt opens there.
        if not backend.terms_in_recording_window:
            open_attempt(edx_attempt)
    elif status in DECIDED and not _onboarding_decides.get():
        attempt = attempt_for(edx_attempt)
        if attempt is not None and attempt.status != status and attempt.status in FOLLOWED:
            log.info('edx-proctoring attempt %s set to %s; the decision here is %s: set back', attempt_id, status,
                     attempt.status)
            edx_api.update_attempt_status(attempt_id, attempt.status, raise_if_not_found=False)


def open_attempt(edx_attempt, terms_version=None):
    """
    The learner chose to take the exam proctored in edx-proctoring: open this package's attempt, with its
    exam code and the provider's session. Where the provider needs no software of its own (``null``),
    its checks pass at once, as the learning MFE has no exam-code step for it. ``terms_version``: the
    version of this package's terms the learner agreed to in its recording window (``TermsChanged`` when
    they changed since); by default, the current ones, which the learning MFE's screens stand for. None
    when this package refuses the learner (edx-proctoring's attempt then shows why) or the provider is
    unreachable (``backend.get_attempt`` tries again).
    """
    exam = api.hosted_exam(edx_attempt['proctored_exam']['id'])
    user = learner(edx_attempt)
    if exam is None or user is None:
        log.warning('edx-proctoring attempt %s has no exam here', edx_attempt['id'])
        return None
    try:
        # The exam code is edx-proctoring's attempt code, the one the learning MFE shows the learner.
        attempt = api.opt_in(user, exam, terms_version or api.consent_terms(exam).version,
                             exam_code=edx_attempt['attempt_code'])
    except api.VendorError:
        # Nothing is lost: the backend opens it when the learning MFE next reads the attempt.
        log.warning('edx-proctoring attempt %s: the provider is unreachable, not opened here yet', edx_attempt['id'])
        return None
    except api.NotAllowed as refusal:
        edx_status = ONBOARDING_STATUSES.get(refusal.code, EdxStatus.error)
        log.info('edx-proctoring attempt %s refused here (%s): %s', edx_attempt['id'], refusal.code, edx_status)
        edx_api.update_attempt_status(edx_attempt['id'], edx_status, raise_if_not_found=False)
        return None
    provider = api.get_provider(exam.provider)
    if attempt.status == S.CREATED and api.Feature.VENDOR_SOFTWARE not in provider.features \
            and provider.checks_passed(attempt) and api.Step.EXAM_CODE in provider.learner_steps:
        attempt = api.confirm_checks(user, exam, attempt.exam_code)
    return attempt


# ---- this package → edx-proctoring ---------------------------------------------------------------------

def on_attempt_status_changed(attempt, from_status, to_status, by=None, **kwargs):  # pylint: disable=unused-argument
    """This package moved an attempt of a hosted exam: edx-proctoring's follows, in the same transaction."""
    if to_status == S.RESET and api.is_hosted_exam(attempt.exam):
        remove_edx_attempt(attempt, by)
        return
    if to_status in RESUMED_PARTS_FOLLOW and api.is_hosted_exam(attempt.exam):
        decide_resumed_parts(attempt, to_status, by)
    if to_status not in FOLLOWED or not api.is_hosted_exam(attempt.exam) or _edx_applies_review.get():
        return
    edx_attempt = edx_attempt_for(attempt)
    if edx_attempt is None or edx_attempt['status'] == to_status:
        return   # edx-proctoring made this change itself (start, submit, error) and told us
    if EdxStatus.is_completed_status(edx_attempt['status']) and EdxStatus.is_incomplete_status(to_status):
        log.warning('edx-proctoring attempt %s is %s: not moved back to %s', edx_attempt['id'], edx_attempt['status'],
                    to_status)
        return
    edx_api.update_attempt_status(edx_attempt['id'], to_status, raise_if_not_found=False,
                                  update_attributable_to=by)


def decide_resumed_parts(attempt, to_status, by):
    """
    The last part of an exam that edx-proctoring resumed after an error was decided (``to_status``, verified
    or rejected): its earlier parts, ended in error and resumed, take the same decision first, as one
    sitting. edx-proctoring counts the credit only once every part is verified; here each part keeps the
    status it ended with, and the reviewer decides on the last one.
    """
    edx_exam_id = api.edx_exam_id_of(attempt.exam)
    for part in edx_api.get_user_attempts_by_exam_id(attempt.user_id, edx_exam_id):
        if part['status'] == EdxStatus.error and part['resumed']:
            edx_api.update_attempt_status(part['id'], to_status, raise_if_not_found=False, update_attributable_to=by)


def on_onboarding_changed(provider_name, user, status, **kwargs):
    """
    The vendor approved or rejected ``user``'s onboarding profile: edx-proctoring's onboarding attempts of
    the learner at this provider's backends (its practice exams, taken as onboarding exams), submitted and
    waiting for that verdict, are verified or rejected, so the learning MFE's onboarding status follows
    the vendor's. This package's practice attempts stay as they ended: practice is not reviewed here.
    """
    decision = ONBOARDING_DECISIONS.get(status)
    if decision is None:
        return
    waiting = (ProctoredExamStudentAttempt.objects
               .filter(user=user, status=EdxStatus.submitted, proctored_exam__is_practice_exam=True)
               .select_related('proctored_exam'))
    for edx_attempt in waiting:
        backend = our_backend({'backend': edx_attempt.proctored_exam.backend})
        if backend is not None and backend.supports_onboarding and backend.provider_name == provider_name:
            with _raised(_onboarding_decides):
                edx_api.update_attempt_status(edx_attempt.pk, decision, raise_if_not_found=False)


def remove_edx_attempt(attempt, by):
    """
    Staff reset ``attempt`` here: remove edx-proctoring's attempt as its own reset does (its backend, this
    one, then finds this package's attempt reset already). A reset that edx-proctoring began is left to it.
    """
    if _edx_removes_attempt.get():
        return
    edx_attempt = edx_attempt_for(attempt)
    if edx_attempt is None:
        return
    edx_api.remove_exam_attempt(edx_attempt['id'], requesting_user=by)
