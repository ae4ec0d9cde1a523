"""
edx-proctoring's backend interface (``ProctoringBackendProvider``) over this package's providers.

One backend per provider, named ``proctored_exams_<provider>`` under the ``openedx.proctoring``
entry-point group: edx-proctoring builds each backend once, from the options it allows, and tells it
neither its name nor any option of its own, so the provider is the class's. A site names them in
edx-proctoring's backends setting; the provider's own settings stay in ``PROCTORING_PROVIDERS``. A vendor's
provider gets its backend with a subclass that sets ``provider_name`` and ``backend_name``, registered
under the same group by the vendor's package. See docs/decisions/0005-edx-proctoring-backend.rst.

edx-proctoring calls the backend with its exams as dicts and, for the steps of an attempt, with the
external ids only (the exam's, then the attempt's); the exam's external id is the id of the exam kept
here, the attempt's one this backend makes up, and this package's attempt is found from edx-proctoring's.
"""
import logging
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.http import urlencode
from django.utils.translation import gettext
# edx-proctoring is the platform's, not a requirement of this package: only the LMS and the
# test-edx-proctoring environment can import it.
# pylint: disable=import-error
from edx_proctoring import api as edx_api, constants as edx_constants
from edx_proctoring.backends.backend import ProctoringBackendProvider
from edx_proctoring.exceptions import (
    BackendProviderCannotRegisterAttempt, ProctoredExamIllegalStatusTransition, ProctoredExamReviewAlreadyExists,
)
from edx_proctoring.models import ProctoredExamSoftwareSecureReview, ProctoredExamStudentAttempt
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as EdxStatus, ReviewStatus as EdxReviewStatus
from edx_proctoring.utils import obscured_user_id

from edx_proctoring_backend import api

from . import mirror

log = logging.getLogger(__name__)
S = api.AttemptStatus

BACKEND_PREFIX = 'proctored_exams_'
# edx-proctoring's review statuses, as this package's outcomes. A suspicious session is unsatisfactory
# for edx-proctoring too: a person's rejects, anyone else's asks for a second review.
OUTCOMES = {
    EdxReviewStatus.passed: api.Outcome.SATISFACTORY,
    EdxReviewStatus.violation: api.Outcome.UNSATISFACTORY,
    EdxReviewStatus.suspicious: api.Outcome.UNSATISFACTORY,
    EdxReviewStatus.not_reviewed: api.Outcome.ERROR,
}
# The review status that makes edx-proctoring's review workflow set the status decided here.
REVIEW_STATUS_FOR = {
    S.VERIFIED: EdxReviewStatus.passed,
    S.REJECTED: EdxReviewStatus.violation,
    S.SECOND_REVIEW_REQUIRED: EdxReviewStatus.suspicious,
    S.ERROR: EdxReviewStatus.not_reviewed,
}
# edx-proctoring's statuses in which the learner opens the recording window (before the start).
RECORDING_WINDOW_STATUSES = (EdxStatus.created, EdxStatus.download_software_clicked, EdxStatus.ready_to_start)
# edx-proctoring's statuses in which the recording window records (before and during the exam).
RECORDING_STATUSES = RECORDING_WINDOW_STATUSES + (EdxStatus.started, EdxStatus.ready_to_submit)
# This package's onboarding statuses in the words of edx-proctoring's onboarding profile API.
ONBOARDING_PROFILE_STATUSES = {
    'approved': 'approved-in-course', 'pending': 'pending', 'rejected': 'rejected', 'expired': 'expired',
}
NO_PROFILE = 'no-profile'


class ProctoredExamsBackend(ProctoringBackendProvider):
    """
    An edx-proctoring backend that delegates to this package's provider ``provider_name``.

    Reviews, escalation to a person, retention, need-to-know access and retirement are this package's;
    edx-proctoring's attempt follows each of its decisions (``mirror``).
    """

    # edx-proctoring's interface passes every backend more than this one needs (the exam's external id
    # with the attempt's, which alone finds the attempt).
    # pylint: disable=unused-argument

    #: The provider in ``PROCTORING_PROVIDERS`` (or built in) that this backend delegates to.
    provider_name = None
    #: The backend's name in edx-proctoring's backends setting and the entry-point group (edx-proctoring keys the
    #: learners' anonymous ids with it).
    backend_name = None
    #: The review queue and the instructor dashboard are this package's.
    has_dashboard = True
    #: What ``mirror`` recognises this package's backends by.
    delegates_to_proctored_exams = True
    #: Whether the learner agrees to this package's terms in its recording window (``local``), which then
    #: opens this package's attempt, rather than in the learning MFE's screens.
    terms_in_recording_window = False

    def __init__(self, **options):
        # The provider's facts first: the site's options for the backend win.
        try:
            provider = api.get_provider(self.provider_name)
        except (api.UnknownProvider, ImportError):
            log.warning('edx-proctoring backend %s: provider %s cannot be loaded', self.backend_name,
                        self.provider_name, exc_info=True)
        else:
            self.verbose_name = str(provider.verbose_name or self.provider_name)
            self.supports_onboarding = api.Feature.ONBOARDING in provider.features
        super().__init__(**options)
        mirror.connect()

    def provider(self):
        """This backend's provider, configured as the site's settings say now."""
        return api.get_provider(self.provider_name)

    # ---- exams -----------------------------------------------------------------------------------------

    def on_exam_saved(self, exam):
        """
        edx-proctoring saved a proctored exam (created, changed, or no longer proctored): keep the exam here
        and return its id, edx-proctoring's external id of the exam. An exam whose settings this package
        refuses (a provider that records nothing, where the site does not allow it) is logged and not kept.
        """
        due_date = exam.get('due_date')
        try:
            hosted = api.host_exam(
                exam['id'], exam['course_id'], exam.get('exam_name', ''), exam['time_limit_mins'],
                self.provider_name, is_practice=bool(exam.get('is_practice_exam')),
                due_date=parse_datetime(due_date) if isinstance(due_date, str) else due_date,
                is_active=bool(exam.get('is_active', True)) and exam.get('is_proctored', True) is not False,
            )
        except api.InvalidExamSettings as error:
            log.warning('edx-proctoring exam %s not kept for provider %s: %s', exam['id'], self.provider_name,
                        getattr(error, 'errors', error))
            return None
        return str(hosted.pk)

    def get_exam(self, exam):
        """edx-proctoring's exam (a dict), with the id of the exam kept here."""
        hosted = api.hosted_exam(exam['id'])
        return {**exam, 'external_id': str(hosted.pk) if hosted else exam.get('external_id')}

    # ---- attempts --------------------------------------------------------------------------------------

    def register_exam_attempt(self, exam, context):
        """
        edx-proctoring is about to create a learner's attempt: return its external id. This package's
        attempt, with the provider's session, is opened once edx-proctoring's exists (``mirror``): only then
        is the learner known here, as edx-proctoring tells backends an anonymous id.
        """
        if api.hosted_exam(exam['id']) is None and self.on_exam_saved(exam) is None:
            raise BackendProviderCannotRegisterAttempt(
                f'The exam is not available with {self.provider_name} on this site.', 400)
        return uuid.uuid4().hex

    def _attempt(self, attempt_external_id):
        """This package's attempt that follows edx-proctoring's attempt ``attempt_external_id``, or None."""
        edx_attempt = edx_api.get_exam_attempt_by_external_id(attempt_external_id) if attempt_external_id else None
        return mirror.attempt_for(edx_attempt) if edx_attempt else None

    def start_exam_attempt(self, exam, attempt):
        """
        The learner started the exam in edx-proctoring: start this package's attempt, with the time
        edx-proctoring allowed (its allowances and due date own the clock), and the provider's session.
        """
        edx_attempt = edx_api.get_exam_attempt_by_external_id(attempt)
        ours = mirror.attempt_for(edx_attempt) if edx_attempt else None
        if ours is None:
            log.warning('edx-proctoring attempt %s has no attempt here to start', attempt)
            return None
        hosted, user = ours.exam, ours.user
        allowed_minutes = edx_attempt['allowed_time_limit_mins'] or hosted.time_limit_minutes
        extra = max(0, allowed_minutes - hosted.time_limit_minutes)
        if extra:
            api.set_allowance(hosted, user, api.Allowance.ADDITIONAL_MINUTES, extra)
        else:
            api.remove_allowance(hosted, user, api.Allowance.ADDITIONAL_MINUTES)
        try:
            api.start(user, hosted)
        except api.ChecksNotPassed as error:
            raise ProctoredExamIllegalStatusTransition(
                'The proctoring checks are not complete: the exam cannot start yet.') from error
        return S.STARTED

    def stop_exam_attempt(self, exam, attempt):
        """The learner (or edx-proctoring's clock) submitted the exam: submit this package's attempt."""
        ours = self._attempt(attempt)
        if ours is None:
            return None
        try:
            api.submit(ours.user, ours.exam, reason=api.SUBMITTED_IN_EDX_PROCTORING)
        except api.IllegalTransition:
            log.info('Attempt %s is %s: edx-proctoring submitted it, nothing changes here', ours.pk, ours.status)
        return S.SUBMITTED

    def mark_erroneous_exam_attempt(self, exam, attempt):
        """edx-proctoring's attempt ended in error: this package's too, and the provider's session stops."""
        ours = self._attempt(attempt)
        if ours is None or ours.status == S.ERROR:
            return None
        try:
            api.mark_error(ours, reason='error in edx-proctoring')
        except api.IllegalTransition:
            log.info('Attempt %s is %s: not marked as error', ours.pk, ours.status)
        return S.ERROR

    def remove_exam_attempt(self, exam, attempt):
        """
        Staff reset the attempt in edx-proctoring (which deletes its row): this package's attempt is reset,
        kept with its history, reviews and media for the retention policy. True: nothing is left to remove.
        """
        ours = self._attempt(attempt)
        if ours is not None and ours.status != S.RESET:
            with mirror.edx_removes_attempt():
                api.reset_attempt(ours, by=None, reason='reset in edx-proctoring')
        return True

    def get_attempt(self, attempt):
        """
        edx-proctoring's attempt (a dict), with what the learner must do in the provider's software. An
        attempt that could not be opened here when the learner chose proctoring (the vendor was unreachable)
        is opened now: the learning MFE reads the attempt at each load of the exam.
        """
        ours = mirror.attempt_for(attempt)
        if ours is None and not self.terms_in_recording_window and attempt.get('status') == EdxStatus.created \
                and attempt.get('taking_as_proctored') and attempt.get('external_id'):
            ours = mirror.open_attempt(attempt)
        answer = {**attempt, 'instructions': []}
        if ours is not None and ours.status == S.CREATED and api.Feature.VENDOR_SOFTWARE in self.provider().features:
            if ours.exam_code:
                answer['instructions'].append(gettext('Open the proctoring software and enter this exam code: {code}')
                                              .format(code=ours.exam_code))
            if ours.software_url:  # the session's own link; edx-proctoring falls back to the backend's
                answer['download_url'] = ours.software_url
        return answer

    # ---- reviews -----------------------------------------------------------------------------------------

    def on_review_callback(self, attempt, payload):
        """
        A review posted to edx-proctoring's review callback: this package decides it, through its review
        policy (a person's, when ``reviewed_by`` is a user of the site; else, unsatisfactory asks for a
        second review). Returns the review edx-proctoring records, whose status makes its workflow set the
        status decided here. Refused (edx-proctoring answers 400) before the submission, as every review.
        """
        ours = mirror.attempt_for(attempt)
        if ours is None or not api.may_decide(ours):
            raise ProctoredExamIllegalStatusTransition('This attempt is not awaiting a review.')
        outcome = OUTCOMES.get(payload.get('status')) if isinstance(payload, dict) else None
        if outcome is None:
            raise ProctoredExamIllegalStatusTransition('Unknown review status.')
        if not edx_constants.ALLOW_REVIEW_UPDATES \
                and ProctoredExamSoftwareSecureReview.get_review_by_attempt_code(attempt['attempt_code']):
            raise ProctoredExamReviewAlreadyExists('This attempt was reviewed already.')
        reviewer = get_user_model().objects.filter(email=payload.get('reviewed_by') or None).first()
        comments = [comment for comment in payload.get('comments') or [] if isinstance(comment, dict)]
        remark = '; '.join(str(comment.get('comment', '')) for comment in comments)[:1000]
        with mirror.edx_applies_review():
            api.record_review(ours, outcome, by=reviewer, comment=remark or 'review from edx-proctoring')
        ours.refresh_from_db()
        return {
            'status': REVIEW_STATUS_FOR.get(ours.status, payload['status']),
            'comments': comments,
            'payload': payload,
        }

    # pylint: disable-next=too-many-positional-arguments
    def get_instructor_url(self, course_id, user, exam_id=None, attempt_id=None,
                           show_configuration_dashboard=False, encrypted_video_review_url=None):
        """This package's review queue for the course, or the attempt's page when one is named."""
        ours = self._attempt(attempt_id) if attempt_id else None
        if ours is not None:
            return reverse('edx_proctoring_backend:review-attempt', args=[ours.pk])
        return reverse('edx_proctoring_backend:review-queue') + '?' + urlencode({'course_id': course_id})

    # ---- learners ----------------------------------------------------------------------------------------

    def _learner(self, anonymous_user_id, course_id=None):
        """
        The learner edx-proctoring knows this backend by ``anonymous_user_id`` (an HMAC of the user id and the
        backend's name), among those with an attempt at this backend's exams (in ``course_id``), or None.
        """
        attempts = ProctoredExamStudentAttempt.objects.filter(proctored_exam__backend=self.backend_name)
        if course_id:
            attempts = attempts.filter(proctored_exam__course_id=course_id)
        for user_id in attempts.values_list('user_id', flat=True).distinct().iterator():
            if obscured_user_id(user_id, self.backend_name) == anonymous_user_id:
                return get_user_model().objects.filter(pk=user_id).first()
        return None

    def retire_user(self, user_id):
        """
        Retire the learner edx-proctoring names by its anonymous id: this package erases their data and asks
        the vendor to erase its own. None when this backend never saw the learner.
        """
        user = self._learner(user_id)
        if user is None:
            return None
        api.retire_user(user)
        return True

    def get_onboarding_profile_info(self, course_id, **kwargs):
        """
        Onboarding profiles at the provider, in the shape of edx-proctoring's REST backends; None without
        onboarding. With ``user_id`` (edx-proctoring's anonymous id of one learner), that learner's profile
        ``{'user_id', 'status', 'expiration_date'}``, asked of the vendor where it answers; otherwise the
        course's list ``{'results': [...], ...}``, filtered by ``status`` (profile statuses, comma-separated),
        from what the vendor last said of each learner (kept here: no call per learner).
        """
        if not self.supports_onboarding:
            return None
        if kwargs.get('user_id'):
            user = self._learner(kwargs['user_id'], course_id)
            if user is None:
                return {'user_id': kwargs['user_id'], 'status': NO_PROFILE, 'expiration_date': None}
            try:
                api.onboarding_status_at_vendor(self.provider(), user)
            except api.VendorError:
                log.warning('Onboarding status of user %s: %s unreachable, the kept one is shown', user.pk,
                            self.provider_name)
            return self._profiles([user])[0]
        user_ids = (ProctoredExamStudentAttempt.objects
                    .filter(proctored_exam__backend=self.backend_name, proctored_exam__course_id=course_id)
                    .values_list('user_id', flat=True).distinct())
        results = self._profiles(list(get_user_model().objects.filter(pk__in=list(user_ids)).order_by('pk')))
        wanted = {status for status in str(kwargs.get('status') or '').split(',') if status}
        if wanted:
            results = [result for result in results if result['status'] in wanted]
        return {'results': results, 'count': len(results), 'num_pages': 1, 'next': None, 'previous': None}

    def _profiles(self, users):
        """The kept onboarding profiles of ``users``, as edx-proctoring's REST backends give them."""
        kept = api.kept_onboarding_statuses(self.provider_name, [user.pk for user in users])
        profiles = []
        for user in users:
            status, expires_at = kept.get(user.pk, (None, None))
            profiles.append({'user_id': obscured_user_id(user.pk, self.backend_name),
                             'status': ONBOARDING_PROFILE_STATUSES.get(status, NO_PROFILE),
                             'expiration_date': expires_at.isoformat() if expires_at else None})
        return profiles

    # ---- what the learner and the platform are told ---------------------------------------------------------

    def get_software_download_url(self):
        """Where the learner gets the provider's software (its ``download_url`` setting), or None."""
        return self.provider().software_url(None) or None

    def get_proctoring_config(self):
        """The provider's name, software, steps and rules, for edx-proctoring's proctoring settings."""
        provider = self.provider()
        return {
            'name': self.verbose_name,
            'download_url': self.get_software_download_url() or '',
            'steps': list(provider.learner_steps),
            # The labels are marked for translation where the provider defines them.
            'rules': {rule: gettext(label)  # pylint: disable=translation-of-non-string
                      for rule, label in provider.exam_rule_choices.items()},
        }


class NullBackend(ProctoredExamsBackend):
    """``null``: the exam code only, nothing recorded (where the site allows unrecorded proctoring)."""

    provider_name = 'null'
    backend_name = f'{BACKEND_PREFIX}null'


class RPNowBackend(ProctoredExamsBackend):
    """``rpnow``: record and review by the vendor."""

    provider_name = 'rpnow'
    backend_name = f'{BACKEND_PREFIX}rpnow'


class ProctortrackBackend(ProctoredExamsBackend):
    """``proctortrack``: onboarding, then machine review with spot checks."""

    provider_name = 'proctortrack'
    backend_name = f'{BACKEND_PREFIX}proctortrack'


class LocalBackend(ProctoredExamsBackend):
    """
    ``local``: in-house proctoring, recorded on this site. The learning MFE's Start System Check opens this
    package's recording window (the attempt's ``download_url``), where the learner agrees to the terms,
    takes the photos and starts the recording; edx-proctoring's worker (``get_javascript``) answers the
    start and each ping from the server's view of that recording (``api.recording_status``), so a
    stopped recording ends the exam in edx-proctoring's error flow. See docs/decisions/0005.
    """

    provider_name = 'local'
    backend_name = f'{BACKEND_PREFIX}local'
    terms_in_recording_window = True
    #: How often the learning MFE asks the worker whether the recording runs (a site may set it).
    ping_interval = 60

    def get_javascript(self):
        """The worker script the learning MFE loads (an absolute URL: the MFE is on another origin)."""
        return lms_url(reverse('edx_proctoring_backend:special-exams-worker'))

    def get_attempt(self, attempt):
        """edx-proctoring's attempt, with the recording window as the software to open before the start."""
        answer = super().get_attempt(attempt)
        if attempt.get('external_id') and attempt.get('status') in RECORDING_WINDOW_STATUSES:
            answer['download_url'] = lms_url(reverse('edx_proctoring_backend:special-exams-recording',
                                                     args=[attempt['external_id']]))
        return answer

    def get_proctoring_config(self):
        """The provider's facts, with the steps the learning MFE lists before its Start System Check."""
        config = super().get_proctoring_config()
        config['instructions'] = [
            gettext('Choose Start System Check: the recording page of this site opens.'),
            gettext('There, read and accept the proctoring terms, take a photo of yourself and one of your photo ID, '
                    'then start the recording.'),
            gettext('Choose Open the exam on the recording page, then Start Exam. Keep the recording page open '
                    'until your exam ends: if the recording stops, your exam ends with an error.'),
        ]
        return config

    def start_exam_attempt(self, exam, attempt):
        """
        The learner started the exam, which the learning MFE does once the worker found the recording live.
        edx-proctoring has saved its start before it calls this: the clock starts here too whatever the
        recording's state (a client that skipped the worker is logged; the missing recording is flagged for
        the reviewer at the submission, and a person reviews every in-house session).
        """
        ours = self._attempt(attempt)
        if ours is not None and api.recording_status(ours)['recording'] != api.RECORDING_LIVE:
            log.warning('edx-proctoring started attempt %s while its recording is not live', attempt)
        return super().start_exam_attempt(exam, attempt)


def lms_url(path):
    """``path`` on the LMS, absolute (``LMS_ROOT_URL``): the learning MFE, on another origin, fetches it."""
    return f"{getattr(settings, 'LMS_ROOT_URL', '').rstrip('/')}{path}"
