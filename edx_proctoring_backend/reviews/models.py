"""Reviews of attempts and the vendor messages they came in."""
from django.conf import settings
from django.db import models
from django.utils import timezone

from ..exams.models import ExamAttempt


class ReceivedMessage(models.Model):
    """
    A vendor callback accepted once. Its (provider, message id) is unique: a replayed or re-sent
    message finds its id taken and changes nothing.

    .. no_pii: The vendor's message id, its kind and a digest of its body; never the body itself.
    """

    provider = models.CharField(max_length=64)
    message_id = models.CharField(max_length=255)
    kind = models.CharField(max_length=64, blank=True)
    body_sha256 = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = 'edx_proctoring_backend'
        constraints = [models.UniqueConstraint(fields=['provider', 'message_id'], name='one_message_per_id')]

    def __str__(self):
        return f'{self.provider}:{self.message_id}'


class Review(models.Model):
    """
    One verdict on an attempt: a provider's (``reviewer`` empty) or a person's decision. Verdicts are
    kept side by side; the attempt's status says which one counts.

    .. pii: A verdict on a learner's attempt: the reviewer's user id, the reviewer's or vendor's comments
      on the learner's conduct (free text, time-stamped remarks) and the link to the vendor's recording
      of the session. The link is emptied by the retention policy (privacy.retention); at retirement
      (privacy.retirement) the comments and the link are emptied, and the vendor is asked to erase its
      recording (its retire_user API). The verdict, outcome and reviewer are retained with the attempt.
    .. pii_types: id, video, external_service, other
    .. pii_retirement: local_api, retained, third_party
    """

    attempt = models.ForeignKey(ExamAttempt, on_delete=models.CASCADE, related_name='reviews')
    provider = models.CharField(max_length=64)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name='+')
    verdict = models.CharField(max_length=64)           # the provider's own word, or the person's outcome
    outcome = models.CharField(max_length=32)           # reviews.outcomes.Outcome
    comment = models.TextField(blank=True)
    # Time-stamped remarks: [{"start_s": 12.0, "end_s": 30.5, "comment": "...", "status": "..."}]
    comments = models.JSONField(default=list, blank=True)
    video_url = models.URLField(max_length=1000, blank=True)
    # A provider verdict that contradicts an earlier one is kept and escalated, not applied.
    conflicts_with = models.ForeignKey('self', null=True, blank=True, on_delete=models.SET_NULL, related_name='+')
    message = models.OneToOneField(ReceivedMessage, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name='review')
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = 'edx_proctoring_backend'
        ordering = ['created', 'pk']

    def __str__(self):
        return f'{self.provider} {self.verdict} ({self.outcome})'

    @property
    def by_person(self):
        """True for a decision a person made."""
        return self.reviewer_id is not None


class HeldVerdict(models.Model):
    """
    A provider's verdict on an attempt that was not submitted yet: never applied (reviews open at
    submission), answered as not applicable, and kept here for staff.

    .. pii: A vendor's comments on the learner's conduct and the link to its recording of the session.
      Both are emptied when the learner is retired (privacy.retirement), and the vendor is asked to
      erase its recording (its retire_user API); the verdict itself is retained with the attempt.
    .. pii_types: video, external_service, other
    .. pii_retirement: local_api, retained, third_party
    """

    attempt = models.ForeignKey(ExamAttempt, on_delete=models.CASCADE, related_name='held_verdicts')
    provider = models.CharField(max_length=64)
    verdict = models.CharField(max_length=64)
    attempt_status = models.CharField(max_length=32)    # where the attempt stood when the verdict came
    comments = models.JSONField(default=list, blank=True)
    video_url = models.URLField(max_length=1000, blank=True)
    message = models.OneToOneField(ReceivedMessage, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name='held_verdict')
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = 'edx_proctoring_backend'
        ordering = ['received_at', 'pk']

    def __str__(self):
        return f'{self.provider} {self.verdict} held (attempt {self.attempt_status})'


class ReviewerAssignment(models.Model):
    """
    A reviewer who took an attempt's review: only they (and the course team once it is flagged) see its media.

    .. pii: The reviewer's user id with the learner's attempt they review. Retained as the record of who
      may see (and saw fit to review) the learner's evidence; not erased at retirement.
    .. pii_types: id
    .. pii_retirement: retained
    """

    attempt = models.ForeignKey(ExamAttempt, on_delete=models.CASCADE, related_name='reviewer_assignments')
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name='+')
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = 'edx_proctoring_backend'
        constraints = [models.UniqueConstraint(fields=['attempt', 'reviewer'], name='one_assignment_per_reviewer')]

    def __str__(self):
        return f'{self.reviewer_id} reviews attempt {self.attempt_id}'


class ReviewerMark(models.Model):
    """
    A reviewer's own mark at a moment of a recording (``reviews.marks``): shown on the recording's timeline
    beside the analysis' suggestions, and kept with the attempt's review.

    .. pii: A reviewer's note on the learner's conduct at a moment of their recording, with the reviewer's
      user id. The note is emptied when the learner is retired (privacy.retirement); the moment and who
      marked it are retained with the review.
    .. pii_types: id, other
    .. pii_retirement: local_api, retained
    """

    attempt = models.ForeignKey(ExamAttempt, on_delete=models.CASCADE, related_name='reviewer_marks')
    # The recording goes at the end of its retention; the mark stays with the review.
    recording = models.ForeignKey('edx_proctoring_backend.Recording', null=True, on_delete=models.SET_NULL,
                                  related_name='marks')
    at_s = models.FloatField()
    note = models.CharField(max_length=500, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name='+')
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = 'edx_proctoring_backend'
        ordering = ['at_s', 'pk']

    def __str__(self):
        return f'mark at {self.at_s:.1f} s of recording {self.recording_id}'
