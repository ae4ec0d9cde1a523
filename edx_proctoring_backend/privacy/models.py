"""
The records privacy asks for: what the retention policy deleted (which item, whose attempt, why and
when, never the data), who saw a learner's media, and who downloaded the course's files of personal
data.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone

from ..exams.models import AppendOnly, ExamAttempt


class PurgedItem(AppendOnly):
    """
    One piece of media (or a vendor's link) deleted for good by the retention policy, or a vendor's data
    asked for deletion (``retention.VENDOR_DATA``: the ``ProviderCall`` says whether the vendor answered).
    The attempt is named by its id only: the record outlives the attempt and holds nothing of the learner.

    .. pii: The id of the attempt whose media were deleted (which leads to the learner while the
      attempt exists), with the course, kind, size and date; never the data. Retained as the proof that
      the retention policy and retirement deleted the learner's media.
    .. pii_types: other
    .. pii_retirement: retained
    """

    kind = models.CharField(max_length=16)              # retention.KINDS, retention.VENDOR_DATA
    object_id = models.BigIntegerField()                # the row it was (Recording, AttemptPhoto, ...; the attempt)
    attempt_id = models.BigIntegerField(db_index=True)
    course_key = models.CharField(max_length=255, db_index=True)
    reason = models.CharField(max_length=32)            # retention.AGE, retention.SATISFACTORY
    size_bytes = models.BigIntegerField(default=0)
    files = models.PositiveIntegerField(default=0)      # how many stored files went with it
    purged_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        app_label = 'edx_proctoring_backend'
        ordering = ['purged_at', 'pk']
        constraints = [models.UniqueConstraint(fields=['kind', 'object_id'], name='one_purge_per_item')]

    def __str__(self):
        return f'{self.kind} {self.object_id} of attempt {self.attempt_id} ({self.reason})'


class MediaView(AppendOnly):
    """
    One view of a learner's recording, photo or picture: who, when, what. The learner can read the
    views of their own data (``api.learner_data``).

    .. pii: The user id of the staff member or reviewer who viewed a learner's recording, photo or
      picture, with the learner's attempt and when. Retained as the access log the learner can read;
      not erased at retirement.
    .. pii_types: id
    .. pii_retirement: retained
    """

    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name='+')
    attempt = models.ForeignKey(ExamAttempt, on_delete=models.CASCADE, related_name='media_views')
    kind = models.CharField(max_length=16)          # recording, photo, thumbnail (api.review_media)
    object_id = models.BigIntegerField()
    viewed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        app_label = 'edx_proctoring_backend'
        ordering = ['viewed_at', 'pk']

    def __str__(self):
        return f'{self.kind} {self.object_id} of attempt {self.attempt_id} seen by {self.viewer_id}'


class ExportRecord(AppendOnly):
    """
    One download of a course's CSV file (usernames, emails, consent answers...): who, which file, when.

    .. pii: The user id of the staff member who downloaded a file of learners' personal data (the file
      itself is not kept). Retained as the audit log of those downloads.
    .. pii_types: id
    .. pii_retirement: retained
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name='+')
    course_key = models.CharField(max_length=255, db_index=True)
    kind = models.CharField(max_length=32)              # rest.views.EXPORTS: allowances, attempts, consent...
    size_bytes = models.BigIntegerField(default=0)
    exported_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        app_label = 'edx_proctoring_backend'
        ordering = ['exported_at', 'pk']

    def __str__(self):
        return f'{self.kind} of {self.course_key} by {self.user_id}'


class ConsentTerms(AppendOnly):
    """
    One version of the terms of a provider on a site: what is collected, who processes it, where it is
    stored, who sees it and how long it is kept (``privacy.consent``). A change of any of these is a
    new version; a published version is never rewritten, so a learner's answer always names the text
    they read.

    .. no_pii: The terms a site shows for a provider; nothing about a learner.
    """

    site = models.CharField(max_length=255, blank=True)     # the site's domain ('' outside any request)
    provider = models.CharField(max_length=64)
    version = models.PositiveIntegerField()
    content = models.JSONField()
    content_sha256 = models.CharField(max_length=64)
    published = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = 'edx_proctoring_backend'
        verbose_name_plural = 'consent terms'
        ordering = ['site', 'provider', 'version']
        constraints = [
            models.UniqueConstraint(fields=['site', 'provider', 'version'], name='one_terms_per_version'),
            models.UniqueConstraint(fields=['site', 'provider', 'content_sha256'], name='one_version_per_content'),
        ]

    def __str__(self):
        return f'{self.provider} terms v{self.version} of {self.site or "every site"}'


class ConsentRecord(AppendOnly):
    """
    A learner's answer to the terms of an exam's proctoring: which version, in which language, a
    digest of the text shown, yes or no, and when. Each answer is a new row. A yes is given when the
    learner opts in and belongs to the attempt it opened; a no has no attempt (or the attempt taken
    without proctoring afterwards).

    .. pii: The learner's user id with their yes or no to a version of the proctoring terms, the language
      shown and when. Retained as the proof of the consent the proctoring relied on; not erased at
      retirement, part of the learner's own export (privacy.learner_data).
    .. pii_types: id, other
    .. pii_retirement: retained
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name='+')
    exam = models.ForeignKey('edx_proctoring_backend.Exam', null=True, on_delete=models.CASCADE, related_name='+')
    attempt = models.ForeignKey(ExamAttempt, null=True, blank=True, on_delete=models.CASCADE, related_name='consents')
    terms = models.ForeignKey(ConsentTerms, null=True, on_delete=models.PROTECT, related_name='answers')
    terms_version = models.CharField(max_length=64)
    terms_sha256 = models.CharField(max_length=64)          # of the text shown, in its language
    language = models.CharField(max_length=16, blank=True)
    accepted = models.BooleanField()
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = 'edx_proctoring_backend'
        ordering = ['created', 'pk']
        indexes = [models.Index(fields=['user', 'exam', 'created'], name='consent_of_learner')]

    def __str__(self):
        return f'terms {self.terms_version} {"accepted" if self.accepted else "declined"} for {self.attempt_id}'
