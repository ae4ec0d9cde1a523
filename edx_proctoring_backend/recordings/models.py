"""
What in-house proctoring keeps about an attempt: recordings (in chunks), photos, moments the
capture stopped, and what the video analysis suggests (the learner's consent is ``privacy.models``).

Media live in the proctoring storage (``recordings.storage``) under random names; rows hold only
those names, never the bytes.
"""
import uuid

from django.db import models
from django.utils import timezone

from ..exams.models import ExamAttempt


def new_idempotency_key():
    """A fresh random key (a module-level function, so migrations can name it)."""
    return uuid.uuid4().hex


def _choices(values):
    return [(value, value) for value in values]


class Recording(models.Model):
    """
    One capture of an attempt (the webcam, the screen or the room scan), uploaded in numbered chunks.

    Chunks are accepted strictly in order, so ``next_chunk_index`` is both how many are stored and the
    one the browser sends next (after a reload too). ``analysis_deliveries`` counts how often a worker
    began analysing it: a file that keeps killing workers is quarantined instead of analysed forever.

    .. pii: Names the stored video of the learner during their attempt (webcam: their face and room;
      screen: what their screen showed; room scan) and its digest; the file is encrypted at rest
      (recordings.encryption, AES-256-GCM) where the site sets PROCTORING_MEDIA_ENCRYPTION_KEYS or its
      storage encrypts itself. The file and the row are deleted by the retention policy
      (privacy.retention) and when the learner is retired (privacy.retirement).
    .. pii_types: video, image
    .. pii_retirement: local_api
    """

    WEBCAM = 'webcam'
    SCREEN = 'screen'
    ROOM_SCAN = 'room_scan'
    KINDS = (WEBCAM, SCREEN, ROOM_SCAN)

    RECORDING = 'recording'
    COMPLETE = 'complete'
    ANALYSING = 'analysing'
    ANALYSED = 'analysed'
    ANALYSIS_FAILED = 'analysis_failed'
    QUARANTINED = 'quarantined'
    STATUSES = (RECORDING, COMPLETE, ANALYSING, ANALYSED, ANALYSIS_FAILED, QUARANTINED)

    attempt = models.ForeignKey(ExamAttempt, on_delete=models.CASCADE, related_name='recordings')
    kind = models.CharField(max_length=16, choices=_choices(KINDS))
    content_type = models.CharField(max_length=100, blank=True)
    next_chunk_index = models.PositiveIntegerField(default=0)
    size_bytes = models.BigIntegerField(default=0)
    status = models.CharField(max_length=16, choices=_choices(STATUSES), default=RECORDING)
    # The name of the assembled file in the proctoring storage, and its digest.
    file_name = models.CharField(max_length=255, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    # Identifies this recording's analysis to the analyser and in logs; stable across redeliveries.
    idempotency_key = models.CharField(max_length=32, unique=True, default=new_idempotency_key)
    analysis_progress = models.FloatField(default=0.0)
    analysis_deliveries = models.PositiveIntegerField(default=0)
    analysis_error = models.CharField(max_length=64, blank=True)
    # Duration, frames sampled and warnings of the last analysis (no findings: those are rows).
    analysis_summary = models.JSONField(default=dict, blank=True)
    started = models.DateTimeField(default=timezone.now)
    completed = models.DateTimeField(null=True, blank=True)
    last_chunk_at = models.DateTimeField(null=True, blank=True)
    modified = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = 'edx_proctoring_backend'
        constraints = [models.UniqueConstraint(fields=['attempt', 'kind'], name='one_recording_per_kind')]
        indexes = [models.Index(fields=['status'], name='recording_status')]

    def __str__(self):
        return f'{self.kind} of attempt {self.attempt_id} ({self.status})'


class RecordingChunk(models.Model):
    """
    One stored chunk of a recording; a row exists only once its file is completely written.

    .. pii: Names a stored piece of the learner's webcam, screen or room-scan video, encrypted at rest
      (recordings.encryption) where the site sets PROCTORING_MEDIA_ENCRYPTION_KEYS or its storage
      encrypts itself. Deleted with its recording by the retention policy (privacy.retention) and
      when the learner is retired (privacy.retirement).
    .. pii_types: video, image
    .. pii_retirement: local_api
    """

    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name='chunks')
    index = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # Emptied once the chunk is part of the assembled file and its own file is deleted.
    file_name = models.CharField(max_length=255, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = 'edx_proctoring_backend'
        constraints = [models.UniqueConstraint(fields=['recording', 'index'], name='one_chunk_per_index')]
        ordering = ['recording', 'index']

    def __str__(self):
        return f'chunk {self.index} of recording {self.recording_id}'


class AttemptPhoto(models.Model):
    """
    The learner's photo or ID photo taken before the exam; a new one replaces the old before the start.

    .. pii: Names the stored photo of the learner's face or of their identity document (which shows
      their name, face, birth date and whatever else the document carries), encrypted at rest
      (recordings.encryption) where the site sets PROCTORING_MEDIA_ENCRYPTION_KEYS or its storage
      encrypts itself. The file and the row are deleted by the retention policy (privacy.retention)
      and when the learner is retired (privacy.retirement).
    .. pii_types: image, name, birth_date, other
    .. pii_retirement: local_api
    """

    USER = 'user'
    ID = 'id'
    KINDS = (USER, ID)

    attempt = models.ForeignKey(ExamAttempt, on_delete=models.CASCADE, related_name='photos')
    kind = models.CharField(max_length=8, choices=_choices(KINDS))
    file_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = 'edx_proctoring_backend'
        constraints = [models.UniqueConstraint(fields=['attempt', 'kind'], name='one_photo_per_kind')]

    def __str__(self):
        return f'{self.kind} photo of attempt {self.attempt_id}'


class SessionFlag(models.Model):
    """
    Something a reviewer should look at, at a moment of the session (server time).

    .. pii: What happened during the learner's attempt and when (their camera or screen sharing stopped,
      the recorder closed, uploads stopped) with a detail the server writes. At retirement
      (privacy.retirement) the details are emptied; the kinds and times are retained with the attempt.
    .. pii_types: other
    .. pii_retirement: local_api, retained
    """

    CAMERA_STOPPED = 'camera_stopped'
    SCREEN_STOPPED = 'screen_stopped'
    RECORDER_CLOSED = 'recorder_closed'
    UPLOAD_GAP = 'upload_gap'
    RECORDING_MISSING = 'recording_missing'
    ANALYSIS_FAILED = 'analysis_failed'
    ANALYSIS_QUARANTINED = 'analysis_quarantined'
    #: The flags the browser reports; the others the server raises itself.
    FROM_BROWSER = (CAMERA_STOPPED, SCREEN_STOPPED, RECORDER_CLOSED)
    KINDS = FROM_BROWSER + (UPLOAD_GAP, RECORDING_MISSING, ANALYSIS_FAILED, ANALYSIS_QUARANTINED)
    #: The flags that say the recording did not hold during the session (a practice session then fails).
    INTERRUPTIONS = FROM_BROWSER + (UPLOAD_GAP, RECORDING_MISSING)

    attempt = models.ForeignKey(ExamAttempt, on_delete=models.CASCADE, related_name='session_flags')
    kind = models.CharField(max_length=32, choices=_choices(KINDS))
    at = models.DateTimeField(default=timezone.now)
    detail = models.CharField(max_length=255, blank=True)

    class Meta:
        app_label = 'edx_proctoring_backend'
        ordering = ['at', 'pk']

    def __str__(self):
        return f'{self.kind} at {self.at:%H:%M:%S} in attempt {self.attempt_id}'


class VideoFinding(models.Model):
    """
    A moment the video analysis suggests a reviewer looks at. Only a suggestion: nothing is decided
    from it. One row per (recording, kind, start), so analysing again stores each result once.

    .. pii: What the video analysis saw in the learner's recording (no face, another face...) and when,
      and the name of a stored picture of that moment (a frame of the video), encrypted at rest
      (recordings.encryption) where the site sets PROCTORING_MEDIA_ENCRYPTION_KEYS or its storage
      encrypts itself. The picture is deleted by the retention policy (privacy.retention); the rows go
      with their recording, at retention and when the learner is retired (privacy.retirement).
    .. pii_types: image, other
    .. pii_retirement: local_api
    """

    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name='findings')
    kind = models.CharField(max_length=32)
    start_s = models.FloatField()
    end_s = models.FloatField()
    confidence = models.FloatField()
    thumbnail_name = models.CharField(max_length=255, blank=True)
    thumbnail_s = models.FloatField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = 'edx_proctoring_backend'
        constraints = [models.UniqueConstraint(fields=['recording', 'kind', 'start_s'], name='one_finding_per_start')]
        ordering = ['recording', 'start_s', 'kind']

    def __str__(self):
        return f'{self.kind} at {self.start_s:.1f}s of recording {self.recording_id}'
