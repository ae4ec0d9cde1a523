"""
The onboarding and machine-review provider (``proctortrack``), modelled on Verificient Proctortrack.

It speaks the same protocol as ``rpnow`` (docs/references/vendor-protocols.rst) plus onboarding: learners complete an
onboarding exam at the vendor first, and the vendor reports their profile's status. Exams carry four binary
rules, which the course author chooses per exam in Studio. Settings are those of
``rpnow.HttpVendorProvider`` plus ``rules``, the site's defaults for exams whose author chose none::

    'proctortrack': {..., 'rules': {'allow_calculator': True}}

Every rule neither the author nor the site allows is False (the strictest exam).

The provider reports onboarding (``onboarding_status``) but does not refuse to register an attempt without
it: whether a learner without an approved profile may opt in is the API's decision.
"""
from dataclasses import replace

from django.core.exceptions import ImproperlyConfigured
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_noop

from .base import VENDOR_PRIVACY, CallbackInvalid, EventKind, Feature, ProviderEvent, Step, safe_link
from .http import VendorUnavailable
from .rpnow import HttpVendorProvider, callback_session_id, is_vendor_id, path_segment

PROCTORTRACK_REVIEW_STATUSES = ('passed', 'flagged', 'failed')
MACHINE_RESULTS = ('pass', 'flag')
SPOT_CHECKS = ('confirmed', 'cleared')
ONBOARDING_STATUSES = ('not_started', 'pending', 'approved', 'rejected', 'expired')
RULE_LABELS = {
    'allow_notes': gettext_noop('Notes and books allowed'),
    'allow_calculator': gettext_noop('Calculator allowed'),
    'allow_internet': gettext_noop('Other websites allowed'),
    'allow_other_people': gettext_noop('Other people in the room allowed'),
}
RULES = tuple(RULE_LABELS)
ONBOARDING_UPDATED = 'onboarding.updated'
MAX_TIMESTAMP_LENGTH = 64


def _choice(payload, key, choices):
    """Return ``payload[key]`` when it is absent (None) or one of ``choices``; raise ``CallbackInvalid`` else."""
    value = payload.get(key)
    if value is not None and (not isinstance(value, str) or value not in choices):
        raise CallbackInvalid(f'Unknown {key}.')
    return value


def _timestamp(value):
    """Return an ISO 8601 date and time as sent (None stays None); raise ``CallbackInvalid`` for anything else."""
    if value is None:
        return None
    try:
        parsed = (parse_datetime(value)
                  if isinstance(value, str) and len(value) <= MAX_TIMESTAMP_LENGTH else None)
    except ValueError:  # well-formed but impossible, e.g. month 13
        parsed = None
    if parsed is None:
        raise CallbackInvalid('Unusable expires_at.')
    return value


class ProctortrackProvider(HttpVendorProvider):
    """
    Onboarding and machine review, with spot checks by the vendor.

    Review statuses are ``passed``, ``flagged`` (unclear: a second review) and ``failed`` (the course team
    decides: the review policy never rejects without a person). The machine result and spot check come in
    ``ProviderEvent.extra``.
    """

    name = 'proctortrack'
    verbose_name = gettext_noop('Onboarding and machine review (Proctortrack-style)')
    features = frozenset({Feature.CALLBACKS, Feature.VENDOR_SOFTWARE, Feature.ONBOARDING, Feature.RETIRE_USER,
                          Feature.DELETE_SESSION_DATA})
    learner_steps = (Step.ONBOARDING, Step.SYSTEM_CHECK, Step.EXAM_CODE, Step.TERMS, Step.ID_PHOTO, Step.ROOM_SCAN)
    privacy = replace(VENDOR_PRIVACY, data=VENDOR_PRIVACY.data + ('onboarding_profile',))
    review_statuses = PROCTORTRACK_REVIEW_STATUSES
    exam_rule_choices = RULE_LABELS

    def exam_rules(self, exam):
        """The four binary rules: the author's choice for this exam, else the site's ``rules``, else False."""
        site_rules = self.config.get('rules') or {}
        if not isinstance(site_rules, dict) or not set(site_rules) <= set(RULES) \
                or not all(isinstance(value, bool) for value in site_rules.values()):
            raise ImproperlyConfigured(f'PROCTORING_PROVIDERS[{self.name!r}]["rules"] maps some of {RULES} '
                                       'to True or False.')
        author_rules = (exam.provider_options or {}).get('rules') or {}
        return {rule: bool(author_rules.get(rule, site_rules.get(rule, False))) for rule in RULES}

    def onboarding_url(self, user):
        """
        The vendor's onboarding page for ``user``: the ``onboarding_url`` setting, where ``{user_id}`` stands
        for the id the vendor knows the learner by; '' where the site gives none.
        """
        template = self.config.get('onboarding_url') or ''
        return safe_link(template.replace('{user_id}', path_segment(self.anonymous_user_id(user))))

    def reset_onboarding(self, user):
        """``POST /v1/users/<id>/onboarding/reset``: the learner's profile goes back to not started."""
        self._post(f'/v1/users/{path_segment(self.anonymous_user_id(user))}/onboarding/reset')

    def rules_in_force(self, exam):
        """The rules sent to the vendor for ``exam`` (``exam_rules``)."""
        return self.exam_rules(exam)

    def onboarding_status(self, user):
        """Return the learner's onboarding status at the vendor: one of ``ONBOARDING_STATUSES``."""
        path = f'/v1/users/{path_segment(self.anonymous_user_id(user))}/onboarding'
        status = self._get(path).get('status')
        if not isinstance(status, str) or status not in ONBOARDING_STATUSES:
            raise VendorUnavailable(f'GET {path}: the vendor answered without a usable status.')
        return status

    def callback_parsers(self):
        """The common callbacks plus ``onboarding.updated``."""
        return {**super().callback_parsers(), ONBOARDING_UPDATED: self._parse_onboarding}

    def review_extra(self, payload):
        """The machine's result and the vendor's spot check (None when not sent)."""
        return {'machine_result': _choice(payload, 'machine_result', MACHINE_RESULTS),
                'spot_check': _choice(payload, 'spot_check', SPOT_CHECKS)}

    @staticmethod
    def _parse_onboarding(payload):
        """``onboarding.updated``: a learner's profile changed. It belongs to a user, so the session is optional."""
        user_id = payload.get('user_id')
        if not is_vendor_id(user_id):
            raise CallbackInvalid('The callback has no usable user_id.')
        status = _choice(payload, 'status', ONBOARDING_STATUSES)
        if status is None:
            raise CallbackInvalid('Unknown status.')
        return ProviderEvent(kind=EventKind.ONBOARDING, session_id=callback_session_id(payload, required=False),
                             user_id=user_id, status=status,
                             extra={'expires_at': _timestamp(payload.get('expires_at'))})
