"""Calls to a vendor that could not be made at once, and what vendors said of learners' onboarding."""
from django.conf import settings
from django.db import models
from django.utils import timezone

from ..exams.models import ExamAttempt


class ProviderCall(models.Model):
    """
    One call to the attempt's provider that failed while the vendor was unreachable. The retry task
    makes it again with growing delays; after too many tries, or when the vendor refuses it, it is
    kept as "dead" for staff to see and act on. Nothing about the learner's exam is lost meanwhile.
    An erasure (``ERASURES``) is kept before it is made, and kept as done afterwards, for the record.

    .. pii: Links a call to the vendor (registering, starting or stopping the learner's session, erasing
      their data) to the learner's attempt, with the vendor's last error text. Retained as the record
      that the vendor was asked to erase what it holds (retire_user, delete_session_data): the vendor's
      own copy of the learner's data is erased through the vendor's API.
    .. pii_types: other
    .. pii_retirement: retained, third_party
    """

    REGISTER_ATTEMPT = 'register_attempt'
    START_SESSION = 'start_session'
    STOP_SESSION = 'stop_session'
    END_IN_ERROR = 'end_in_error'
    RETIRE_USER = 'retire_user'      # the learner's account was retired: the vendor erases what it holds
    DELETE_SESSION_DATA = 'delete_session_data'  # retention: the vendor deletes the session's recording and data
    ACTIONS = (REGISTER_ATTEMPT, START_SESSION, STOP_SESSION, END_IN_ERROR, RETIRE_USER, DELETE_SESSION_DATA)
    # Erasures are made whatever became of the attempt, and tried until the vendor answers.
    ERASURES = (RETIRE_USER, DELETE_SESSION_DATA)

    PENDING = 'pending'
    DONE = 'done'
    DEAD = 'dead'
    STATUSES = (PENDING, DONE, DEAD)

    attempt = models.ForeignKey(ExamAttempt, on_delete=models.CASCADE, related_name='provider_calls')
    provider = models.CharField(max_length=64)
    action = models.CharField(max_length=32, choices=[(action, action) for action in ACTIONS])
    status = models.CharField(max_length=16, choices=[(status, status) for status in STATUSES], default=PENDING)
    tries = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    next_try_at = models.DateTimeField(default=timezone.now)
    created = models.DateTimeField(default=timezone.now)
    modified = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = 'edx_proctoring_backend'
        indexes = [models.Index(fields=['status', 'next_try_at'], name='provider_call_due')]

    @classmethod
    def queue(cls, attempt_id, provider, action, now):
        """Keep a call to make now: whoever makes it first, or the retry task after a failure or a crash."""
        return cls.objects.create(attempt_id=attempt_id, provider=provider, action=action, next_try_at=now,
                                  created=now, modified=now)

    def __str__(self):
        return f'{self.provider} {self.action} ({self.status}, {self.tries} tries)'


class OnboardingProfile(models.Model):
    """
    A learner's onboarding status at a provider with onboarding, as the vendor last said it: its answer
    when asked (at an opt-in, on the learner's progress page), or its ``onboarding.updated`` message.
    Lists of a course's learners read it instead of asking the vendor learner by learner; the vendor
    is asked again whenever a learner's admission depends on it.

    .. pii: The learner's onboarding status at a vendor, with the vendor's id of the learner (an HMAC, not
      the username) and when the status expires. Deleted at retirement (privacy.retirement), when the
      vendor is asked to erase its own profile.
    .. pii_types: id, other
    .. pii_retirement: local_api, third_party
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name='onboarding_profiles')
    provider = models.CharField(max_length=64)
    vendor_user_id = models.CharField(max_length=255, db_index=True)
    status = models.CharField(max_length=32)
    expires_at = models.DateTimeField(null=True, blank=True)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = 'edx_proctoring_backend'
        constraints = [models.UniqueConstraint(fields=['user', 'provider'], name='one_onboarding_profile')]

    def __str__(self):
        return f'{self.provider} onboarding of user {self.user_id}: {self.status}'
