"""
Learners' onboarding at providers with onboarding (``Feature.ONBOARDING``): the vendor holds the
profiles; this module asks it and keeps what it last said (``OnboardingProfile``), so that a course's
lists need no call per learner and an admission survives a vendor that is briefly unreachable.

* ``status_at_vendor`` asks the vendor and keeps its answer; where the vendor cannot be reached, an
  approved profile kept here that has not expired stands in for the answer.
* ``on_vendor_message`` keeps what the vendor's ``onboarding.updated`` message says of a learner it was
  asked about before (the message names the learner by the vendor's id only).
* ``kept_statuses`` reads what was kept, for lists.
* ``learner_status`` is what the exam page shows a learner: what was kept, else the vendor's answer.
* ``reset`` starts a learner's onboarding afresh at the vendor (staff reset it).

A kept status that changes sends ``onboarding_changed`` (``provider_name``, ``user``, ``status``).
"""
from django.dispatch import Signal
from django.utils import timezone

from .http import VendorError
from .models import OnboardingProfile

APPROVED = 'approved'
NOT_STARTED = 'not_started'
UNAVAILABLE = 'unavailable'   # not a vendor's status: the vendor could not be asked

#: A learner's kept onboarding status at a provider changed: ``provider_name``, ``user``, ``status``.
onboarding_changed = Signal()


def keep(provider, user, status, now=None, expires_at=None):
    """
    Keep ``status`` as ``user``'s onboarding status at ``provider``; return the profile. The expiry kept
    with the same status stays when none is given (the vendor's answer to a question has none).
    """
    kept = OnboardingProfile.objects.filter(user=user, provider=provider.name).first()
    if expires_at is None and kept is not None and kept.status == status:
        expires_at = kept.expires_at
    vendor_user_id = provider.anonymous_user_id(user) if hasattr(provider, 'anonymous_user_id') else ''
    profile, _ = OnboardingProfile.objects.update_or_create(user=user, provider=provider.name, defaults={
        'vendor_user_id': vendor_user_id, 'status': status, 'updated': now or timezone.now(),
        'expires_at': expires_at})
    if kept is None or kept.status != status:
        onboarding_changed.send(sender=OnboardingProfile, provider_name=provider.name, user=user, status=status)
    return profile


def status_at_vendor(provider, user, now=None):
    """
    ``user``'s onboarding status at ``provider``, asked of the vendor and kept. Where the vendor cannot be
    reached, an approved profile kept here that has not expired answers ``approved``; otherwise the
    ``VendorError`` is raised.
    """
    now = now or timezone.now()
    try:
        status = provider.onboarding_status(user)
    except VendorError:
        kept = OnboardingProfile.objects.filter(user=user, provider=provider.name, status=APPROVED).first()
        if kept is not None and (kept.expires_at is None or kept.expires_at > now):
            return APPROVED
        raise
    keep(provider, user, status, now)
    return status


def on_vendor_message(provider_name, vendor_user_id, status, expires_at=None, now=None):
    """
    The vendor says its learner ``vendor_user_id`` now has ``status``: keep it for the learner it was
    asked about before under that id. Returns how many profiles changed (0 for a learner never asked about).
    """
    profiles = list(OnboardingProfile.objects.select_related('user')
                    .filter(provider=provider_name, vendor_user_id=vendor_user_id))
    for profile in profiles:
        changed = profile.status != status
        profile.status, profile.updated, profile.expires_at = status, now or timezone.now(), expires_at
        profile.save(update_fields=['status', 'updated', 'expires_at'])
        if changed:
            onboarding_changed.send(sender=OnboardingProfile, provider_name=provider_name, user=profile.user,
                                    status=status)
    return len(profiles)


def kept_statuses(provider_name, user_ids):
    """``{user_id: (status, expires_at)}`` of the profiles kept for these learners at ``provider_name``."""
    profiles = OnboardingProfile.objects.filter(provider=provider_name, user_id__in=list(user_ids))
    return {user_id: (status, expires_at)
            for user_id, status, expires_at in profiles.values_list('user_id', 'status', 'expires_at')}


def forget(user):
    """Delete every onboarding profile kept for ``user`` (retirement)."""
    return OnboardingProfile.objects.filter(user=user).delete()[0]


def learner_status(provider, user):
    """
    ``user``'s onboarding status at ``provider`` for the exam page: the one kept (the vendor's messages keep
    it current), else asked of the vendor once; ``UNAVAILABLE`` while the vendor cannot be reached.
    """
    kept = OnboardingProfile.objects.filter(user=user, provider=provider.name).first()
    if kept is not None:
        return kept.status
    try:
        return status_at_vendor(provider, user)
    except VendorError:
        return UNAVAILABLE


def reset(provider, user):
    """
    Start ``user``'s onboarding at ``provider`` afresh: the vendor resets the profile, and ``not_started``
    is kept. A ``VendorError`` (the vendor refused or cannot be reached) changes nothing here.
    """
    provider.reset_onboarding(user)
    return keep(provider, user, NOT_STARTED)
