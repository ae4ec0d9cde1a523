"""Sittings of an exam, learners' bookings of them, and every change of a booking."""
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from ..exams.models import AppendOnly, Exam


class Sitting(models.Model):
    """
    A time slot of an exam that learners book: when it starts and how long it lasts, how many learners
    it takes, where (online or on campus, with the room or how to join) and who proctors it. ``booked``
    counts its bookings; it changes only by conditional updates that never pass ``capacity``
    (``sittings.booking``), and the database refuses a row above it.

    .. pii: The user id of the staff member who proctors the sitting and of the one who published it.
      Retained with the course's record of its sittings.
    .. pii_types: id
    .. pii_retirement: retained
    """

    ONLINE = 'online'
    ON_CAMPUS = 'on_campus'
    PLACES = (ONLINE, ON_CAMPUS)

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name='sittings')
    starts_at = models.DateTimeField()
    minutes = models.PositiveIntegerField()
    capacity = models.PositiveIntegerField()
    booked = models.PositiveIntegerField(default=0)
    place = models.CharField(max_length=16, choices=[(place, place) for place in PLACES], default=ONLINE)
    location = models.CharField(max_length=255, blank=True)
    proctor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name='+')
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name='+')
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = 'edx_proctoring_backend'
        ordering = ['starts_at', 'pk']
        constraints = [models.CheckConstraint(condition=Q(booked__lte=F('capacity')), name='sitting_within_capacity')]
        indexes = [models.Index(fields=['exam', 'starts_at'], name='sitting_exam_start')]

    def __str__(self):
        return f'sitting of {self.exam_id} at {self.starts_at:%Y-%m-%d %H:%M} UTC'

    @property
    def ends_at(self):
        """When the sitting ends."""
        return self.starts_at + timedelta(minutes=self.minutes)

    @property
    def seats_left(self):
        """How many more learners it takes."""
        return max(0, self.capacity - self.booked)


class Booking(models.Model):
    """
    A learner's booking of a sitting of an exam: one row per learner and exam, whose ``sitting`` is the
    one booked now (None once cancelled). Its changes are kept in ``BookingChange``.

    .. pii: The learner's user id with the sitting they booked. Deleted when the learner is retired
      (privacy.retirement) with its changes.
    .. pii_types: id
    .. pii_retirement: local_api
    """

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name='bookings')
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name='+')
    sitting = models.ForeignKey(Sitting, null=True, blank=True, on_delete=models.SET_NULL, related_name='bookings')
    created = models.DateTimeField(default=timezone.now)
    modified = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = 'edx_proctoring_backend'
        constraints = [models.UniqueConstraint(fields=['exam', 'user'], name='one_booking_per_exam')]

    def __str__(self):
        return f'booking of {self.user_id} for {self.exam_id}: sitting {self.sitting_id}'


class BookingChange(AppendOnly):
    """
    One change of a booking: booked, moved or cancelled, from which sitting to which, by whom and why
    (staff always say why). Append-only.

    .. pii: The learner's booking changes with the user id of who made each and staff's reason in their
      own words. Deleted with the booking when the learner is retired (privacy.retirement).
    .. pii_types: id, other
    .. pii_retirement: local_api
    """

    BOOKED = 'booked'
    MOVED = 'moved'
    CANCELLED = 'cancelled'
    ACTIONS = (BOOKED, MOVED, CANCELLED)

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name='changes')
    action = models.CharField(max_length=16, choices=[(action, action) for action in ACTIONS])
    from_sitting = models.ForeignKey(Sitting, null=True, blank=True, on_delete=models.SET_NULL, related_name='+')
    to_sitting = models.ForeignKey(Sitting, null=True, blank=True, on_delete=models.SET_NULL, related_name='+')
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name='+')
    reason = models.CharField(max_length=255, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = 'edx_proctoring_backend'
        ordering = ['created', 'pk']

    def __str__(self):
        return f'{self.action}: {self.from_sitting_id} -> {self.to_sitting_id}'
