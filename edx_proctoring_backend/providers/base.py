"""
The interface every proctoring provider implements.

A provider is told about exams and attempts at each step of the attempt's life and says which
steps (checks) a learner must pass before starting. Providers never change attempts themselves:
they return what happened and the API applies it through the state machine.
"""
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.utils.translation import gettext_noop

from . import signing


class Step:
    """Identifiers of the checks a provider can require before the exam starts."""

    SYSTEM_CHECK = 'system_check'
    TERMS = 'terms_of_service'
    EXAM_CODE = 'exam_code'
    ADVISORY = 'advisory'
    ID_PHOTO = 'id_photo'
    ROOM_SCAN = 'room_scan'
    USER_PHOTO = 'user_photo'
    ONBOARDING = 'onboarding'
    MONITOR_PASSWORD = 'monitor_password'   # the learner's nominated monitor types the exam password


@dataclass(frozen=True)
class VendorSession:
    """
    What a provider answers when it opens an attempt's session: the vendor's id for it, and where the learner
    gets and runs the vendor's software for this session (the "Start System Check" link), if it gave one.
    """

    session_id: str
    software_url: str = ''


@dataclass(frozen=True)
class SessionOutcome:
    """What a provider reports when a session ends: an immediate review verdict, or None to wait."""

    review: str = None   # one of statuses.ReviewStatus, or None while a review is pending
    comment: str = ''


class Feature:
    """What a provider can do beyond the basics; ``ProctoringProvider.features`` lists them."""

    CALLBACKS = 'callbacks'                # the vendor posts signed messages to us
    VENDOR_SOFTWARE = 'vendor_software'    # the learner runs the vendor's software with the exam code
    ONBOARDING = 'onboarding'              # learners pass an onboarding exam first
    RETIRE_USER = 'retire_user'            # the vendor erases a retired learner's data on request
    DELETE_SESSION_DATA = 'delete_session_data'  # the vendor deletes one session's recording and data on request


class EventKind:
    """The kinds of message a provider sends us."""

    REVIEW = 'review'                  # a verdict on a session
    SESSION_LOST = 'session_lost'      # the proctoring session ended before the learner submitted
    EXAM_CODE_CHECK = 'exam_code_check'  # the vendor's software asks whether an exam code is valid
    ONBOARDING = 'onboarding'          # a learner's onboarding profile changed


@dataclass(frozen=True)
class ProviderEvent:
    """A vendor message, parsed: what happened to which session."""

    kind: str
    session_id: str
    verdict: str = ''
    comments: tuple = ()
    video_url: str = ''
    exam_code: str = ''
    user_id: str = ''
    status: str = ''
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PrivacyFacts:
    """
    What a provider does with learners' data, as its consent terms tell it (``privacy.consent``): texts
    to translate, where ``{provider}`` stands for the provider's name. A site may say more or otherwise
    (``PROCTORING_CONSENT_TERMS``), for instance the vendor's company and the country of its servers.
    """

    data: tuple = ('identity', 'exam_events')       # keys of ``privacy.consent.DATA_LABELS``
    processor: str = gettext_noop('This site only: nothing is sent to another company.')
    stored_in: str = gettext_noop("This site's database.")
    seen_by: str = gettext_noop('The course team.')
    notes: str = ''
    #: The kinds of the retention policy (``privacy.retention.KINDS``) that say how long the data are kept.
    retention_kinds: tuple = ()


# What a vendor that records the session does: the data go to the vendor, who deletes them when asked.
VENDOR_PRIVACY = PrivacyFacts(
    data=('identity', 'exam_events', 'system', 'photo', 'id_photo', 'webcam', 'screen', 'room_scan'),
    processor=gettext_noop('{provider}, the proctoring service this site works with, on behalf of this site.'),
    stored_in=gettext_noop('The servers of {provider}.'),
    seen_by=gettext_noop("Trained reviewers of {provider}; the course team only when something was flagged as "
                         "suspicious. A person always decides."),
    retention_kinds=('vendor_link',),
)


MAX_LINK_LENGTH = 1000   # the longest link kept (Review.video_url, ExamAttempt.software_url)


def safe_link(value):
    """Return ``value`` when it is a plain http(s) URL a page may link to, else ''."""
    if not isinstance(value, str):
        return ''
    # Visible ASCII only: no spaces, control characters or look-alike letters in a link people will click.
    if not 0 < len(value) <= MAX_LINK_LENGTH or not all('!' <= char <= '~' for char in value):
        return ''
    try:
        parts = urlsplit(value)
        usable = parts.scheme in ('http', 'https') and bool(parts.hostname)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        usable = False
    # Anything else (javascript:, data:, file:) would be a link we must not render.
    return value if usable else ''


class CallbackInvalid(ValueError):
    """A signed message whose content this provider does not understand."""


class ProctoringProvider:
    """
    Base class for providers. Subclasses set ``name`` and ``verbose_name`` and override the hooks
    they need; the defaults describe a provider that needs no outside service.
    """

    name = ''
    verbose_name = ''
    #: Whether the provider records the learner (a proctored exam needs one that does, unless the site
    #: allows unrecorded proctoring).
    records = True
    #: Steps, in order, that the learner passes on the exam page before starting. The learner agrees to
    #: the site's terms (``privacy``) when opting in; ``Step.TERMS`` is a vendor software's own.
    learner_steps = (Step.EXAM_CODE,)
    #: ``Feature`` values this provider supports.
    features = frozenset()
    #: Binary exam rules the course author chooses per exam in Studio: {rule name: label to translate}.
    exam_rule_choices = {}
    #: What the learner agrees to before opting in (``PrivacyFacts``).
    privacy = PrivacyFacts()
    #: A person decides every session of this provider (it reaches the review queue when submitted).
    person_decides = False

    def __init__(self, **config):
        self.config = config

    def rules_in_force(self, exam):
        """{rule: True or False} of ``exam_rule_choices`` for ``exam``: the author's choice, else False."""
        chosen = (exam.provider_options or {}).get('rules') or {}
        return {rule: bool(chosen.get(rule, False)) for rule in self.exam_rule_choices}

    def register_exam(self, exam):  # pylint: disable=unused-argument
        """Tell the provider about an exam (created or changed); return the provider's exam id or ''."""
        return ''

    def register_attempt(self, attempt):  # pylint: disable=unused-argument
        """
        Open a proctoring session for a new attempt; return a ``VendorSession``, or the provider's attempt id
        (a string, '' for none).
        """
        return ''

    def software_url(self, attempt):
        """
        Where the learner gets and runs the provider's software for ``attempt``: the link the vendor gave for
        its session, else the provider's ``download_url`` setting, else ''.
        """
        return (attempt.software_url if attempt is not None else '') or self.config.get('download_url') or ''

    def checks_passed(self, attempt):  # pylint: disable=unused-argument
        """Return True when the provider's own checks (system, ID, room) are complete."""
        return True

    def on_start(self, attempt):
        """The attempt has started: the clock runs."""

    def on_submit(self, attempt):  # pylint: disable=unused-argument
        """The attempt was submitted; return a ``SessionOutcome``."""
        return SessionOutcome()

    def on_error(self, attempt):
        """The attempt ended in error."""

    def onboarding_status(self, user):  # pylint: disable=unused-argument
        """Return the learner's onboarding profile status, or None where there is no onboarding."""
        return None

    def onboarding_url(self, user):  # pylint: disable=unused-argument
        """Where ``user`` does the provider's onboarding (the vendor's page), or ''."""
        return ''

    def reset_onboarding(self, user):
        """Ask the vendor to start ``user``'s onboarding afresh (staff reset it); providers with onboarding do."""

    def retire_user(self, user):
        """Ask the vendor to erase what it holds about ``user``."""

    def delete_session_data(self, attempt):
        """Ask the vendor to delete what it holds of the attempt's session (its recording, photos and review)."""

    # ---- messages from the vendor ----------------------------------------------------------------

    def webhook_secrets(self):
        """The secrets vendor messages may be signed with (several while a secret rotates)."""
        secrets = self.config.get('webhook_secrets') or []
        return [secrets] if isinstance(secrets, str) else list(secrets)

    def verify_callback(self, headers, body):
        """Check a vendor message's signature and freshness; return its ``signing.WebhookMessage``."""
        return signing.verify_webhook(self.webhook_secrets(), headers, body,
                                      tolerance_seconds=self.config.get('callback_tolerance_seconds', 300))

    def parse_callback(self, payload):
        """Turn a verified message's JSON into a ``ProviderEvent``; raise ``CallbackInvalid`` if unknown."""
        raise CallbackInvalid('This provider receives no messages.')
