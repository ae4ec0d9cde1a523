"""
The records privacy asks for: what the retention policy deleted (which item, whose attempt, why and
when, never the data) and who saw a learner's media.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone

from ..exams.models import AppendOnly, ExamAttempt


class PurgedItem(AppendOnly):
    """
    One piece of media (or a vendor's link) deleted for good by the retention policy. The attempt is
    named by its id only: the record outlives the attempt and holds nothing of the learner.
    """

    kind = models.CharField(max_length=16)              # retention.KINDS
    object_id = models.BigIntegerField()                # the row it was (Recording, AttemptPhoto, ...)
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
