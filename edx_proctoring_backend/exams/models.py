"""
Database models for exams, attempts, allowances and the attempt history.

Rules about how these rows may change live in ``attempts`` and ``allowances``; the models only hold
data and refuse edits to the append-only history.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone

from .statuses import AttemptStatus, ExamType


class Exam(models.Model):
    """
    A special exam: one XBlock usage in one course.

    .. no_pii: The exam's settings as course staff authored them; nothing about a learner.
    """

    TYPE_CHOICES = [(value, value) for value in ExamType.ALL]

    course_key = models.CharField(max_length=255, db_index=True)
    usage_key = models.CharField(max_length=255, unique=True)
    # The subsection (sequential) holding the exam inside a course, whose grade the gradebook keeps.
    subsection_key = models.CharField(max_length=255, blank=True)
    display_name = models.CharField(max_length=255, blank=True)
    exam_type = models.CharField(max_length=16, choices=TYPE_CHOICES, default=ExamType.PROCTORED)
    time_limit_minutes = models.PositiveIntegerField()
    provider = models.CharField(max_length=64, default='null')
    # What the author chose for the provider, e.g. {"rules": {"allow_calculator": true}}.
    provider_options = models.JSONField(default=dict, blank=True)
    rules_text = models.TextField(blank=True)
    allow_opt_out = models.BooleanField(default=True)
    # The course's other way for a learner who refuses online proctoring: a sitting on campus later.
    on_campus_sitting = models.BooleanField(default=False)
    on_campus_instructions = models.TextField(blank=True)
    # When the exam may be begun (exams.window): from ``opens_at`` until ``due_date`` (each None: no
    # limit), told to learners in ``time_zone`` (an IANA name; empty: UTC).
    opens_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateTimeField(null=True, blank=True)
    time_zone = models.CharField(max_length=64, blank=True)
    # Booked sittings (``sittings``): learners of a proctored exam book one of its sittings and begin only
    # within it, from ``sitting_early_minutes`` before its start until ``sitting_late_minutes`` after. They
    # book, move or cancel until ``booking_cutoff_hours`` before the sitting, and until ``booking_deadline``.
    booking_required = models.BooleanField(default=False)
    booking_cutoff_hours = models.PositiveIntegerField(default=72)
    booking_deadline = models.DateTimeField(null=True, blank=True)
    sitting_early_minutes = models.PositiveIntegerField(default=10)
    sitting_late_minutes = models.PositiveIntegerField(default=15)
    # The exam is the only content of its subsection: the platform's receivers of the exam-attempt
    # events (completion, reset) act on the whole subsection, so they are sent only then.
    alone_in_subsection = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = 'edx_proctoring_backend'

    def __str__(self):
        return f'{self.display_name or self.usage_key} ({self.exam_type})'

    @property
    def name(self):
        """What people call the exam: its display name, else its usage key."""
        return self.display_name or self.usage_key

    @property
    def is_proctored_kind(self):
        """True for proctored and practice proctored exams."""
        return self.exam_type in ExamType.PROCTORED_KINDS


class ExamAttempt(models.Model):
    """
    One learner's attempt at one exam.

    ``attempt_number`` is unique per learner and exam: it is what makes a double start (two tabs, a
    double click) produce one attempt on every database, since MariaDB has no conditional unique
    constraints and SQLite no row locks.

    .. pii: The learner's user id with their attempt (status, times, allowances applied), the exam code
      given to them, and the id of the vendor's session of the attempt with the vendor's link to its
      software for that session. At retirement (privacy.retirement) the exam code and that link are
      erased and every medium of the attempt deleted, and the
      vendors are asked to erase what they hold (their retire_user API); the row itself, with the user
      id, status, times and the vendor's session id, is retained for the gradebook and the record of
      the exam.
    .. pii_types: id, external_service, other
    .. pii_retirement: local_api, retained, third_party
    """

    STATUS_CHOICES = [(value, value) for value in AttemptStatus.ALL]

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name='attempts')
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name='+')
    attempt_number = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=32, choices=STATUS_CHOICES, db_index=True)
    taking_as_proctored = models.BooleanField(default=False)
    exam_code = models.CharField(max_length=64, unique=True, null=True, blank=True)
    code_redeemed_at = models.DateTimeField(null=True, blank=True)
    # Wrong exam codes given for this attempt, and when that many locked its code (exams.codes).
    code_failures = models.PositiveIntegerField(default=0)
    code_locked_at = models.DateTimeField(null=True, blank=True)
    provider_attempt_id = models.CharField(max_length=255, blank=True)
    # Where the learner gets and runs the vendor's software for this session, as the vendor gave it.
    software_url = models.URLField(max_length=1000, blank=True)
    # Allowances are read once, when the attempt starts; later changes do not touch a running clock.
    extra_minutes = models.PositiveIntegerField(default=0)
    time_multiplier = models.FloatField(default=1.0)
    review_exempt = models.BooleanField(default=False)
    started_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True, db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submit_reason = models.CharField(max_length=32, blank=True)
    created = models.DateTimeField(default=timezone.now)
    modified = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = 'edx_proctoring_backend'
        constraints = [
            models.UniqueConstraint(fields=['exam', 'user', 'attempt_number'], name='one_attempt_per_number'),
        ]
        indexes = [
            models.Index(fields=['status', 'deadline'], name='attempt_status_deadline'),
            # The instructor dashboard lists a course's attempts by exam and status, newest first.
            models.Index(fields=['exam', 'status'], name='attempt_exam_status'),
        ]

    def __str__(self):
        return f'attempt {self.pk} ({self.status})'


class Allowance(models.Model):
    """
    A per-learner accommodation for one exam, set by course staff before the learner starts.

    .. pii: The learner's user id with their accommodation (extra time, time multiplier, review
      exemption, opt-out permission), which can reveal a disability, and the user id of the staff member
      who set it. Deleted when the learner is retired (privacy.retirement).
    .. pii_types: id, other
    .. pii_retirement: local_api
    """

    ADDITIONAL_MINUTES = 'additional_minutes'
    TIME_MULTIPLIER = 'time_multiplier'
    REVIEW_EXEMPTION = 'review_exemption'
    OPT_OUT_PERMISSION = 'opt_out_permission'
    KINDS = (ADDITIONAL_MINUTES, TIME_MULTIPLIER, REVIEW_EXEMPTION, OPT_OUT_PERMISSION)
    KIND_CHOICES = [(kind, kind) for kind in KINDS]

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name='allowances')
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name='+')
    kind = models.CharField(max_length=32, choices=KIND_CHOICES)
    value = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name='+')
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = 'edx_proctoring_backend'
        constraints = [models.UniqueConstraint(fields=['exam', 'user', 'kind'], name='one_allowance_per_kind')]

    def __str__(self):
        return f'{self.kind}={self.value}'


class AppendOnly(models.Model):
    """A record that is written once and never rewritten or deleted row by row."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        """Insert only."""
        if self.pk is not None:
            raise ValueError(f'{self._meta.verbose_name_plural} are append-only.')
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        """Never one row at a time (a learner's rows go with the learner)."""
        raise ValueError(f'{self._meta.verbose_name_plural} are append-only.')


class AttemptTransition(AppendOnly):
    """
    One change of an attempt's status: who, when, from, to and why. Append-only.

    .. pii: Who changed the status of a learner's attempt (the user id of the learner or of staff) and
      the reason staff gave in their own words. At retirement (privacy.retirement) the reasons are
      emptied; the changes of status and who made them are retained as the attempt's history.
    .. pii_types: id, other
    .. pii_retirement: local_api, retained
    """

    attempt = models.ForeignKey(ExamAttempt, on_delete=models.CASCADE, related_name='history')
    from_status = models.CharField(max_length=32, null=True, blank=True)
    to_status = models.CharField(max_length=32)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name='+')
    reason = models.CharField(max_length=255, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = 'edx_proctoring_backend'
        ordering = ['created', 'pk']

    def __str__(self):
        return f'{self.from_status} -> {self.to_status}'


class AllowanceChange(AppendOnly):
    """
    One change to a learner's allowance: what it was, what it became, who changed it and when.

    Append-only, like the attempt history: ``old_value`` is empty for an allowance added and
    ``new_value`` empty for one removed. ``applies_to_attempt`` is the attempt already started when
    the change was made (it keeps the allowances it started with), else None.

    .. pii: The learner's user id with the old and new values of their accommodation (which can reveal
      a disability) and the user id of the staff member who changed it. At retirement
      (privacy.retirement) the values are emptied; who changed which kind of allowance, and when, is
      retained as the record of the changes.
    .. pii_types: id, other
    .. pii_retirement: local_api, retained
    """

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name='allowance_changes')
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name='+')
    kind = models.CharField(max_length=32, choices=Allowance.KIND_CHOICES)
    old_value = models.CharField(max_length=64, blank=True)
    new_value = models.CharField(max_length=64, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name='+')
    started_attempt = models.ForeignKey(ExamAttempt, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name='+')
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = 'edx_proctoring_backend'
        ordering = ['created', 'pk']

    def __str__(self):
        return f'{self.kind}: {self.old_value or "-"} -> {self.new_value or "-"}'


class OnCampusRequest(models.Model):
    """
    A learner who refused online proctoring asks to sit the exam on campus at a later date (where the
    exam offers it). One row per learner and exam; withdrawing keeps the row with the time.

    .. pii: The learner's user id and the times they asked for (or withdrew) a sitting on campus, which
      says they refused online proctoring. Retained for the course's organisation of the sitting; not
      erased when the learner is retired (privacy.retirement), part of their own export
      (privacy.learner_data).
    .. pii_types: id, other
    .. pii_retirement: retained
    """

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name='on_campus_requests')
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name='+')
    requested_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = 'edx_proctoring_backend'
        ordering = ['requested_at', 'pk']
        constraints = [models.UniqueConstraint(fields=['exam', 'user'], name='one_on_campus_request')]

    def __str__(self):
        return f'on-campus sitting of {self.exam_id} for {self.user_id}'

    @property
    def is_open(self):
        """True while the learner still asks for the sitting."""
        return self.withdrawn_at is None


class CourseSettings(models.Model):
    """
    What a course's team sets for every proctored exam of the course (``exams.course_settings``): the
    course's support contact shown to learners where they can be stuck, and the share of an exam's
    points that passes for credit. Blank (or None) leaves the site's setting in force.

    .. pii: The user id of the staff member who last changed the course's settings. Retained as the
      record of who changed them; the course's support address is the course team's, not a learner's.
    .. pii_types: id
    .. pii_retirement: retained
    """

    course_key = models.CharField(max_length=255, unique=True)
    support_email = models.EmailField(max_length=254, blank=True)
    support_url = models.URLField(max_length=500, blank=True)
    credit_min_grade = models.FloatField(null=True, blank=True)
    modified = models.DateTimeField(default=timezone.now)
    modified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name='+')

    class Meta:
        app_label = 'edx_proctoring_backend'
        verbose_name_plural = 'course settings'

    def __str__(self):
        return f'proctoring settings of {self.course_key}'
