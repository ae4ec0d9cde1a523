"""The package's own credit records: what a learner's exam counts for, without the LMS's gradebook."""
from django.conf import settings
from django.db import models
from django.utils import timezone

from ..exams import course_settings
from ..exams.models import Exam
from .policy import counts_toward_credit, site_min_grade


def min_grade(course_key):
    """The share of an exam's points that passes in ``course_key``: its team's setting, else the site's."""
    own = course_settings.of_course(course_key).credit_min_grade
    return site_min_grade() if own is None else own


class CreditRecord(models.Model):
    """
    One learner's standing in one exam: the credit requirement status and the grade.

    The status follows the attempt's through ``policy.effects_of``; the grade is what the exam's
    questions scored, worth nothing while a rejection stands (``grade_zeroed``).

    .. pii: The learner's user id with their credit requirement status and grade in the exam. Retained
      when the learner is retired, like the platform's own grades: what a learner earned stays on record.
    .. pii_types: id, other
    .. pii_retirement: retained
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name='+')
    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name='credit_records')
    requirement_status = models.CharField(max_length=16, blank=True)
    earned = models.FloatField(null=True, blank=True)
    possible = models.FloatField(null=True, blank=True)
    grade_zeroed = models.BooleanField(default=False)
    modified = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = 'edx_proctoring_backend'
        constraints = [models.UniqueConstraint(fields=['user', 'exam'], name='one_credit_record_per_exam')]

    def __str__(self):
        return f'{self.user_id} in {self.exam_id}: {self.requirement_status or "none"}'

    @property
    def grade(self):
        """The exam's grade as a share from 0 to 1 (0 while a rejection stands), or None if unknown."""
        if not self.possible:
            return None
        return 0.0 if self.grade_zeroed else max(0.0, min(1.0, self.earned / self.possible))

    @property
    def counts_toward_credit(self):
        """True when this exam counts toward the learner's credit (``policy.counts_toward_credit``; one query)."""
        return counts_toward_credit(self.exam.exam_type, self.requirement_status, self.grade,
                                    min_grade(self.exam.course_key))
