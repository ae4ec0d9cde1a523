"""Learners' nominations of exam monitors, the exam passwords sent to them, and their reports."""
from django.conf import settings
from django.db import models
from django.utils import timezone

from ..exams.models import Exam, ExamAttempt


class Nomination(models.Model):
    """
    A learner's nomination of an exam monitor for one exam, or for every exam of the course with a
    monitor (``exam`` None: the term): who the monitor is, what they declared, and the course team's
    decision with its reason. A rejected or withdrawn nomination stays; the learner may nominate another.

    .. pii: The learner's user id with their monitor's name, e-mail address, telephone number and
      occupation (a person without an account), the declarations the monitor made, and the user id of
      the staff member who decided with their reason. The monitor's details are erased with the
      learner's retirement (privacy.retirement) and by the retention policy's ``monitor`` rule
      (privacy.retention) after the exam.
    .. pii_types: id, name, email_address, phone_number, other
    .. pii_retirement: local_api
    """

    PENDING = 'pending'
    APPROVED = 'approved'
    REJECTED = 'rejected'
    WITHDRAWN = 'withdrawn'
    STATUSES = (PENDING, APPROVED, REJECTED, WITHDRAWN)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name='+')
    course_key = models.CharField(max_length=255, db_index=True)
    exam = models.ForeignKey(Exam, null=True, blank=True, on_delete=models.CASCADE, related_name='nominations')
    name = models.CharField(max_length=255)
    email = models.EmailField(max_length=254)
    phone = models.CharField(max_length=40)
    occupation = models.CharField(max_length=255)
    declarations = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=[(status, status) for status in STATUSES], default=PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name='+')
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=255, blank=True)
    # Set when the retention policy or a retirement erased the monitor's details.
    erased_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = 'edx_proctoring_backend'
        ordering = ['created', 'pk']

    def __str__(self):
        return f'monitor nomination {self.pk} of {self.user_id} ({self.status})'


class ExamPassword(models.Model):
    """
    The password of one exam for one approved monitor: only its hash is kept (the e-mail to the
    monitor carries it), and each use on the learner's device is checked against it.

    .. no_pii: A password hash tied to a nomination; nothing about the person beyond the nomination.
    """

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name='passwords')
    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name='+')
    password_hash = models.CharField(max_length=255)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = 'edx_proctoring_backend'
        constraints = [models.UniqueConstraint(fields=['nomination', 'exam'], name='one_password_per_exam')]

    def __str__(self):
        return f'exam password of nomination {self.nomination_id} for exam {self.exam_id}'


class MonitorReport(models.Model):
    """
    What the monitor reports after the sitting, through the signed link they were sent: when it began
    and ended, whether they were present throughout, and any incident. Shown to reviewers beside the attempt.

    .. pii: The monitor's account of the learner's sitting (times, presence, incidents in their own
      words). Erased with the learner's retirement (privacy.retirement) and by the retention policy's
      ``monitor`` rule.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name='reports')
    attempt = models.OneToOneField(ExamAttempt, on_delete=models.CASCADE, related_name='monitor_report')
    began_at = models.TimeField(null=True, blank=True)
    ended_at = models.TimeField(null=True, blank=True)
    present_throughout = models.BooleanField(default=True)
    incidents = models.TextField(blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = 'edx_proctoring_backend'

    def __str__(self):
        return f'monitor report of attempt {self.attempt_id}'
