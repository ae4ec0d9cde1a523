"""
Onboarding kept of the vendor's answers (``providers.onboarding``): asked of the fake onboarding vendor
over real HTTP, kept for lists, standing in for an unreachable vendor only while it is an unexpired
approval, updated by the vendor's messages, part of the learner's export and gone at retirement.
"""
from datetime import timedelta

import pytest
from django.utils import timezone

from edx_proctoring_backend import api
from edx_proctoring_backend.providers import onboarding, registry
from edx_proctoring_backend.providers.models import OnboardingProfile


def test_the_vendors_answer_is_kept_for_lists(vendor, provider, learner, make_user):
    vendor.set_onboarding(provider.anonymous_user_id(learner), 'pending')
    assert onboarding.status_at_vendor(provider, learner) == 'pending'
    vendor.set_onboarding(provider.anonymous_user_id(learner), 'approved')
    assert onboarding.status_at_vendor(provider, learner) == 'approved'
    other = make_user('never-asked')
    seen = len(vendor.requests_seen)
    assert api.kept_onboarding_statuses('proctortrack', [learner.pk, other.pk]) == {learner.pk: ('approved', None)}
    assert len(vendor.requests_seen) == seen   # lists ask nothing of the vendor
    profile = OnboardingProfile.objects.get(user=learner)
    assert (profile.provider, profile.vendor_user_id) == ('proctortrack', provider.anonymous_user_id(learner))


@pytest.mark.parametrize('kept, expires_in, answer', [
    ('approved', None, 'approved'),
    ('approved', timedelta(days=3), 'approved'),
    ('approved', -timedelta(seconds=1), None),   # expired: the vendor must say
    ('pending', None, None),
    (None, None, None),
])
def test_an_unreachable_vendor_is_stood_in_for_by_an_unexpired_approval_only(
        vendor, provider, learner, kept, expires_in, answer):
    if kept:
        onboarding.keep(provider, learner, kept, expires_at=timezone.now() + expires_in if expires_in else None)
    vendor.go_down()
    if answer is None:
        with pytest.raises(api.VendorError):
            onboarding.status_at_vendor(provider, learner)
    else:
        assert onboarding.status_at_vendor(provider, learner) == answer


def test_an_expiry_stays_with_its_status(provider, learner):
    expires = timezone.now() + timedelta(days=30)
    onboarding.keep(provider, learner, 'approved', expires_at=expires)
    assert onboarding.keep(provider, learner, 'approved').expires_at == expires   # asked again: still approved
    assert onboarding.keep(provider, learner, 'expired').expires_at is None


def test_the_vendors_message_updates_a_kept_profile_only(provider, learner):
    onboarding.keep(provider, learner, 'approved')
    expires = timezone.now() + timedelta(days=30)
    assert onboarding.on_vendor_message('proctortrack', provider.anonymous_user_id(learner), 'expired', expires) == 1
    assert api.kept_onboarding_statuses('proctortrack', [learner.pk]) == {learner.pk: ('expired', expires)}
    assert onboarding.on_vendor_message('proctortrack', 'anon-never-asked', 'approved') == 0
    assert onboarding.on_vendor_message('rpnow', provider.anonymous_user_id(learner), 'approved') == 0


def test_the_learners_export_shows_it_and_retirement_erases_it(provider, learner):
    onboarding.keep(provider, learner, 'approved')
    assert [(item['provider'], item['status']) for item in api.learner_data(learner)['onboarding_profiles']] == [
        ('proctortrack', 'approved')]
    api.retire_user(learner)
    assert not OnboardingProfile.objects.filter(user=learner).exists()
    assert api.learner_data(learner)['onboarding_profiles'] == []


def test_the_learners_status_is_the_kept_one_else_asked_once(vendor, provider, learner):
    assert onboarding.learner_status(provider, learner) == 'not_started'   # asked of the vendor, then kept
    seen = len(vendor.requests_seen)
    vendor.set_onboarding(provider.anonymous_user_id(learner), 'approved')
    assert onboarding.learner_status(provider, learner) == 'not_started'   # the vendor's message keeps it current
    assert len(vendor.requests_seen) == seen
    onboarding.keep(provider, learner, 'approved')
    assert onboarding.learner_status(provider, learner) == 'approved'


def test_an_unreachable_vendor_leaves_the_status_unknown(vendor, provider, learner):
    vendor.go_down()
    assert onboarding.learner_status(provider, learner) == onboarding.UNAVAILABLE


def test_the_onboarding_link_names_the_learner_by_the_vendors_id(provider, learner, settings):
    assert provider.onboarding_url(learner) == ''   # the site gave none
    settings.PROCTORING_PROVIDERS = {'proctortrack': {**settings.PROCTORING_PROVIDERS['proctortrack'],
                                                      'onboarding_url': 'https://vendor.example/onboard/{user_id}'}}
    provider = registry.get_provider('proctortrack')
    assert provider.onboarding_url(learner) == f'https://vendor.example/onboard/{provider.anonymous_user_id(learner)}'
    settings.PROCTORING_PROVIDERS = {'proctortrack': {**settings.PROCTORING_PROVIDERS['proctortrack'],
                                                      'onboarding_url': 'javascript:alert(1)'}}
    assert registry.get_provider('proctortrack').onboarding_url(learner) == ''


def test_staff_reset_the_onboarding_at_the_vendor(vendor, provider, learner, make_user):
    vendor_id = provider.anonymous_user_id(learner)
    vendor.set_onboarding(vendor_id, 'rejected')
    assert onboarding.status_at_vendor(provider, learner) == 'rejected'
    api.reset_onboarding(learner, 'proctortrack', by=make_user('course_staff'))
    assert vendor.onboarding[vendor_id]['status'] == 'not_started'
    assert OnboardingProfile.objects.get(user=learner).status == 'not_started'
    with pytest.raises(api.NotAllowed):
        api.reset_onboarding(learner, 'null', by=None)
    vendor.go_down()
    with pytest.raises(api.VendorError):
        api.reset_onboarding(learner, 'proctortrack', by=None)


def test_reading_a_learners_state_asks_the_vendor_nothing_until_the_page_shows_the_onboarding(
        vendor, learner, make_exam):
    exam = make_exam(provider='proctortrack')
    seen = len(vendor.requests_seen)
    state = api.learner_state(learner, exam)   # as the content gate reads it, for every child rendered
    assert len(vendor.requests_seen) == seen
    assert state.onboarding == {'status': 'not_started', 'url': ''}   # the page asks, once
    assert len(vendor.requests_seen) == seen + 1
