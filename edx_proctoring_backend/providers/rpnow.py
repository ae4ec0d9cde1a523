"""
The record-and-review provider (``rpnow``), and what every built-in vendor provider shares.

``HttpVendorProvider`` speaks the common part of docs/references/vendor-protocols.rst through ``http.VendorClient``:
exams, sessions, start/stop, retirement, deleting a session's data, and the vendor's callbacks.
``RPNowProvider`` adds the record-and-review verdicts; ``proctortrack.ProctortrackProvider`` adds onboarding and
binary rules.

Site settings (``PROCTORING_PROVIDERS['rpnow']``)::

    'rpnow': {
        'base_url': 'https://vendor.example.com',   # the vendor's API root
        'key_id': 'our-key', 'secret': '...',       # request signing (providers.signing.sign_request)
        'webhook_secrets': ['whsec_...'],           # callback signatures; several while rotating
        'timeout': (3.05, 10),                      # (connect, read) seconds, or one number for both
        'callback_base_url': 'https://lms.example.com',  # defaults to settings.LMS_ROOT_URL
        'user_id_secret': '...',                    # optional: keys the anonymous user ids (else SECRET_KEY)
    }

Vendor errors (``http.VendorError``) propagate: the Celery tasks that run these calls retry them.
"""
import logging
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_noop

from ..exams.statuses import ExamType
from .base import (
    VENDOR_PRIVACY, CallbackInvalid, EventKind, Feature, ProctoringProvider, ProviderEvent, SessionOutcome, Step,
    VendorSession, safe_link,
)
from .http import DEFAULT_TIMEOUT, VendorClient, VendorRejected, VendorUnavailable

log = logging.getLogger(__name__)

RPNOW_REVIEW_STATUSES = ('Clean', 'Rules Violation', 'Suspicious', 'Not Reviewed')

# Callback types (the ``type`` of a callback body).
REVIEW_COMPLETED = 'review.completed'
SESSION_LOST = 'session.lost'
EXAM_CODE_CHECK = 'exam_code.check'

ANONYMOUS_ID_SALT = 'edx_proctoring_backend.providers.anonymous_user_id'
ANONYMOUS_ID_LENGTH = 32  # hex digits: 128 bits

# Bounds on what a callback may carry; they match the columns the values end up in.
MAX_ID_LENGTH = 255             # ExamAttempt.provider_attempt_id, ReceivedMessage.message_id
MAX_EXAM_CODE_LENGTH = 64       # ExamAttempt.exam_code
MAX_COMMENTS = 1000
MAX_COMMENT_LENGTH = 10000
MAX_COMMENT_STATUS_LENGTH = 64
MAX_OFFSET_SECONDS = 7 * 24 * 3600  # a remark's offset into the recording; no exam lasts a week
COMMENT_KEYS = ('start_s', 'end_s', 'comment', 'status')


def anonymous_user_id(user, provider_name, secret=None):
    """
    Return the id a vendor knows ``user`` by: 32 hex digits, not the username, email or primary key.

    It is an HMAC of the user's primary key, keyed from ``secret`` (default ``SECRET_KEY``) and salted with the
    provider's name, so two vendors cannot join their records on it. It is stable while the secret is: a
    provider's ``user_id_secret`` setting keeps it stable across ``SECRET_KEY`` rotations (the vendor keeps
    onboarding profiles under it, and retirement must name the same id).
    """
    mac = salted_hmac(f'{ANONYMOUS_ID_SALT}:{provider_name}', f'{user.pk}', secret=secret, algorithm='sha256')
    return mac.hexdigest()[:ANONYMOUS_ID_LENGTH]


def path_segment(value):
    """Quote an id for one path segment: a vendor's id must never add segments or a query."""
    return quote(str(value), safe='')


def is_vendor_id(value):
    """True for an id we can store and put in a path: 1 to 255 visible ASCII characters, not a dot segment."""
    return (isinstance(value, str) and 0 < len(value) <= MAX_ID_LENGTH and value not in ('.', '..')
            and all('!' <= char <= '~' for char in value))


def _answer_id(answer, key, where):
    """Return the id ``answer[key]`` of a vendor's answer, or raise ``VendorUnavailable`` (a broken answer)."""
    value = answer.get(key)
    if not is_vendor_id(value):
        # Like a 2xx without JSON: most likely passing (a proxy, a deploy), so retryable.
        raise VendorUnavailable(f'{where}: the vendor answered without a usable {key}.')
    return value


def _timeout_seconds(value):
    """True for a usable timeout: more than 0 seconds, less than an hour."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 3600


# ---- Callback content -------------------------------------------------------------------------------------

def _text(payload, key, max_length, required=True):
    """Return the string ``payload[key]`` (1 to ``max_length`` characters), or '' when optional and absent."""
    value = payload.get(key)
    if value is None and not required:
        return ''
    if not isinstance(value, str) or not 0 < len(value) <= max_length:
        raise CallbackInvalid(f'The callback has no usable {key}.')
    return value


def callback_session_id(payload, required=True):
    """Return the callback's ``session_id``: the id we stored when the session was registered."""
    value = payload.get('session_id')
    if value is None and not required:
        return ''
    if not is_vendor_id(value):
        raise CallbackInvalid('The callback has no usable session_id.')
    return value


def _offset(value):
    """Return a remark's offset into the recording, in seconds."""
    # The range check also refuses NaN and infinities (json.loads accepts them), and compares huge
    # integers exactly where float() would overflow.
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= MAX_OFFSET_SECONDS:
        raise CallbackInvalid('A review comment has an unusable start_s or end_s.')
    return value


def _comments(value):
    """Return a review's time-stamped remarks as a tuple of dicts holding only ``COMMENT_KEYS``."""
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > MAX_COMMENTS:
        raise CallbackInvalid('The review comments are not a list of remarks.')
    comments = []
    for comment in value:
        if not isinstance(comment, dict):
            raise CallbackInvalid('A review comment is not an object.')
        start, end = _offset(comment.get('start_s')), _offset(comment.get('end_s'))
        if end < start:
            raise CallbackInvalid('A review comment ends before it starts.')
        text = comment.get('comment')
        status = comment.get('status', '')
        if status is None:
            status = ''
        if not isinstance(text, str) or len(text) > MAX_COMMENT_LENGTH \
                or not isinstance(status, str) or len(status) > MAX_COMMENT_STATUS_LENGTH:
            raise CallbackInvalid('A review comment has an unusable comment or status.')
        # Unknown keys are dropped: only what we show and store goes further.
        comments.append({'start_s': start, 'end_s': end, 'comment': text, 'status': status})
    return tuple(comments)


def _video_url(value):
    """Return the recording's URL when it is a plain http(s) URL we may link to, else ''."""
    if value is not None and not isinstance(value, str):
        raise CallbackInvalid('The review video_url is not a string.')
    return safe_link(value)


class HttpVendorProvider(ProctoringProvider):
    """
    A provider for a vendor speaking docs/references/vendor-protocols.rst: the common calls and callbacks.

    Subclasses set ``name``, ``verbose_name``, ``features``, ``learner_steps`` and ``review_statuses`` (the
    vendor's verdicts, its own words). The learner does the checks in the vendor's software, which then asks
    us about the exam code (``exam_code.check``): that callback, not ``checks_passed``, makes an attempt ready.
    """

    #: The ``status`` values a ``review.completed`` callback may carry.
    review_statuses = ()
    privacy = VENDOR_PRIVACY

    # ---- configuration ------------------------------------------------------------------------------

    def _setting(self, key):
        value = self.config.get(key)
        if not value:
            raise ImproperlyConfigured(f'PROCTORING_PROVIDERS[{self.name!r}] needs {key!r}.')
        return value

    def timeout(self):
        """Return the ``(connect, read)`` timeout in seconds from the ``timeout`` setting."""
        value = self.config.get('timeout')
        if value is None:
            return DEFAULT_TIMEOUT
        if _timeout_seconds(value):
            return (value, value)
        if isinstance(value, (tuple, list)) and len(value) == 2 and all(map(_timeout_seconds, value)):
            return tuple(value)
        raise ImproperlyConfigured(f'PROCTORING_PROVIDERS[{self.name!r}]["timeout"] must be seconds or '
                                   '(connect, read) seconds.')

    def callback_url(self):
        """Return the URL the vendor posts this provider's callbacks to."""
        base = self.config.get('callback_base_url') or getattr(settings, 'LMS_ROOT_URL', '')
        if not isinstance(base, str) or not base.startswith(('http://', 'https://')):
            raise ImproperlyConfigured(f'PROCTORING_PROVIDERS[{self.name!r}] needs an http(s) "callback_base_url" '
                                       '(or settings.LMS_ROOT_URL).')
        return base.rstrip('/') + reverse('edx_proctoring_backend:provider-callback', args=[self.name])

    def client(self):
        """Return a new ``VendorClient`` for this vendor; close it after use (it is a context manager)."""
        try:
            return VendorClient(self._setting('base_url'), self._setting('key_id'), self._setting('secret'),
                                timeout=self.timeout())
        except ValueError as error:  # the client's messages never show the secret
            raise ImproperlyConfigured(f'PROCTORING_PROVIDERS[{self.name!r}]: {error}') from error

    def anonymous_user_id(self, user):
        """Return the id this vendor knows ``user`` by (see ``anonymous_user_id``)."""
        return anonymous_user_id(user, self.name, secret=self.config.get('user_id_secret') or None)

    # A client per call: providers are built per use and may run in any thread, and a call is rare
    # enough that a pooled connection would gain little.
    def _post(self, path, payload=None):
        with self.client() as client:
            return client.post_json(path, {} if payload is None else payload)

    def _get(self, path):
        with self.client() as client:
            return client.get_json(path)

    # ---- exams and sessions -------------------------------------------------------------------------

    def exam_rules(self, exam):
        """Return the ``rules`` sent with an exam (this vendor's shape)."""
        raise NotImplementedError

    def exam_payload(self, exam):
        """Return the body of ``POST /v1/exams`` for ``exam``."""
        return {
            'exam_id': exam.pk,
            'name': exam.display_name or exam.usage_key,
            'time_limit_minutes': exam.time_limit_minutes,
            'is_practice': exam.exam_type == ExamType.PRACTICE,
            'rules': self.exam_rules(exam),
        }

    def register_exam(self, exam):
        """Create or update the exam at the vendor (idempotent on ``exam_id``); return its external id."""
        answer = self._post('/v1/exams', self.exam_payload(exam))
        return _answer_id(answer, 'external_exam_id', 'POST /v1/exams')

    def register_attempt(self, attempt):
        """
        Open the attempt's session at the vendor; return its ``VendorSession``: the session id (kept as
        ``provider_attempt_id``) and the link to the vendor's software for it (``download_url``), when usable.
        """
        # Registering the exam again is idempotent and makes sure the vendor knows it as it is now; it also
        # gives us its external id, which we do not store.
        external_exam_id = self.register_exam(attempt.exam)
        path = f'/v1/exams/{path_segment(external_exam_id)}/sessions'
        answer = self._post(path, {
            'attempt_id': attempt.pk,
            'exam_code': attempt.exam_code,
            'user_id': self.anonymous_user_id(attempt.user),
            'callback_url': self.callback_url(),
        })
        return VendorSession(_answer_id(answer, 'session_id', f'POST {path}'),
                             software_url=safe_link(answer.get('download_url')))

    def checks_passed(self, attempt):
        """Never on our page: the vendor's ``exam_code.check`` callback makes the attempt ready."""
        return False

    def _session_call(self, attempt, action):
        """POST ``/v1/sessions/<id>/<action>``; an attempt without a session has nothing to tell."""
        session_id = attempt.provider_attempt_id
        if not session_id:
            log.warning('%s: attempt %s has no vendor session to %s', self.name, attempt.pk, action)
            return
        self._post(f'/v1/sessions/{path_segment(session_id)}/{action}')

    def on_start(self, attempt):
        """The exam clock started: the vendor's session starts."""
        self._session_call(attempt, 'start')

    def on_submit(self, attempt):
        """The answers are in: stop the session. The vendor's review comes later, by callback."""
        self._session_call(attempt, 'stop')
        return SessionOutcome()

    def on_error(self, attempt):
        """The attempt ended in error: stop the session too."""
        self._session_call(attempt, 'stop')

    def retire_user(self, user):
        """Ask the vendor to erase what it holds about the learner (known to it by the anonymous id)."""
        self._post(f'/v1/users/{path_segment(self.anonymous_user_id(user))}/retire')

    def delete_session_data(self, attempt):
        """Ask the vendor to delete the session's recording, photos and review (done too if it has it no longer)."""
        session_id = attempt.provider_attempt_id
        if not session_id:
            return
        try:
            self._post(f'/v1/sessions/{path_segment(session_id)}/delete')
        except VendorRejected as error:
            if error.status_code != 404:   # 404: gone already (say, our first call's answer was lost)
                raise

    # ---- callbacks ----------------------------------------------------------------------------------

    def callback_parsers(self):
        """Return ``{callback type: method(payload) -> ProviderEvent}``."""
        return {
            REVIEW_COMPLETED: self._parse_review,
            SESSION_LOST: self._parse_session_lost,
            EXAM_CODE_CHECK: self._parse_exam_code_check,
        }

    def parse_callback(self, payload):
        """
        Turn a verified callback body into a ``ProviderEvent``; raise ``CallbackInvalid`` for anything else.

        Types are checked strictly; unknown top-level fields are ignored (a vendor may add some).
        """
        if not isinstance(payload, dict):
            raise CallbackInvalid('A callback is a JSON object.')
        kind = payload.get('type')
        parser = self.callback_parsers().get(kind) if isinstance(kind, str) else None
        if parser is None:
            raise CallbackInvalid('Unknown callback type.')
        return parser(payload)

    def review_extra(self, payload):  # pylint: disable=unused-argument
        """Return vendor-specific details of a review, for ``ProviderEvent.extra``."""
        return {}

    def _parse_review(self, payload):
        verdict = payload.get('status')
        if not isinstance(verdict, str) or verdict not in self.review_statuses:
            raise CallbackInvalid('Unknown review status.')
        return ProviderEvent(
            kind=EventKind.REVIEW, session_id=callback_session_id(payload), verdict=verdict,
            comments=_comments(payload.get('comments')), video_url=_video_url(payload.get('video_url')),
            extra=self.review_extra(payload),
        )

    @staticmethod
    def _parse_session_lost(payload):
        return ProviderEvent(kind=EventKind.SESSION_LOST, session_id=callback_session_id(payload))

    @staticmethod
    def _parse_exam_code_check(payload):
        return ProviderEvent(kind=EventKind.EXAM_CODE_CHECK, session_id=callback_session_id(payload),
                             exam_code=_text(payload, 'exam_code', MAX_EXAM_CODE_LENGTH))


class RPNowProvider(HttpVendorProvider):
    """
    Record and review, modelled on Software Secure RPNow.

    The learner runs the vendor's secure browser, passes its checks there and types the exam code into it;
    the session is recorded and reviewed afterwards, and the verdict (``RPNOW_REVIEW_STATUSES``) arrives by
    callback.
    """

    name = 'rpnow'
    verbose_name = gettext_noop('Record and review (RPNow-style)')
    features = frozenset({Feature.CALLBACKS, Feature.VENDOR_SOFTWARE, Feature.RETIRE_USER,
                          Feature.DELETE_SESSION_DATA})
    # Done in the vendor's software, in this order; our page only shows them.
    learner_steps = (Step.SYSTEM_CHECK, Step.EXAM_CODE, Step.TERMS, Step.ADVISORY, Step.ID_PHOTO, Step.ROOM_SCAN,
                     Step.USER_PHOTO)
    review_statuses = RPNOW_REVIEW_STATUSES

    def exam_rules(self, exam):
        """The author's rules text, one rule per non-blank line, for the vendor's reviewers."""
        return [line.strip() for line in (exam.rules_text or '').splitlines() if line.strip()]
