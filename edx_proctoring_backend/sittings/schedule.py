"""
The course team's side of booked sittings: publishing and cancelling sittings, and reading and
exporting who booked which. Moving and cancelling one learner's booking is ``booking.staff_move`` and
``booking.staff_cancel``.
"""
from django.contrib.auth import get_user_model

from ..exams.csvfiles import csv_text, iso
from ..exams.errors import InvalidSettings
from ..exams.models import Exam
from ..exams.window import read_moment
from .booking import requires_booking, sittings_of
from .models import Booking, Sitting

MAX_SITTING_MINUTES = 24 * 60
MAX_CAPACITY = 10000


def booking_exams(course_key):
    """The course's exams taken at booked sittings, in the order they were created."""
    return [exam for exam in Exam.objects.filter(course_key=str(course_key), booking_required=True).order_by('pk')
            if requires_booking(exam)]


def _bounded(value, field, lowest, highest, fields):
    """``value`` as a whole number from ``lowest`` to ``highest``; else None, and why in ``fields``."""
    try:
        number = int(str(value).strip())
        if not lowest <= number <= highest:
            raise ValueError
        return number
    except (TypeError, ValueError):
        fields[field] = f'Enter a whole number from {lowest} to {highest}.'
        return None


def add_sitting(exam, starts_at, minutes, capacity, place=Sitting.ONLINE, location='', proctor='', by=None):
    """
    Publish a sitting of ``exam``: ``starts_at`` (an aware moment, or as a form sends it, read in the
    exam's time zone), its length in ``minutes``, how many learners it takes, ``place`` (``online`` or
    ``on_campus``), ``location`` (the room, or how to join) and the username of its ``proctor`` ('' for
    none yet). Raises ``InvalidSettings`` with what is wrong with each field.
    """
    fields = {}
    if not requires_booking(exam):
        fields['exam'] = 'This exam is not taken at booked sittings.'
    try:
        starts_at = read_moment(starts_at, exam.time_zone)
    except ValueError:
        starts_at = None
    if starts_at is None:
        fields['starts_at'] = 'Enter a date and a time.'
    minutes = _bounded(minutes, 'minutes', 1, MAX_SITTING_MINUTES, fields)
    capacity = _bounded(capacity, 'capacity', 1, MAX_CAPACITY, fields)
    if place not in Sitting.PLACES:
        fields['place'] = 'Choose online or on campus.'
    location = (location or '').strip()
    if len(location) > 255:
        fields['location'] = 'Use at most 255 characters.'
    proctor_user = None
    if (proctor or '').strip():
        proctor_user = get_user_model().objects.filter(username=proctor.strip()).first()
        if proctor_user is None:
            fields['proctor'] = 'No user has this username.'
    if fields:
        raise InvalidSettings(fields)
    return Sitting.objects.create(exam=exam, starts_at=starts_at, minutes=minutes, capacity=capacity, place=place,
                                  location=location, proctor=proctor_user, created_by=by)


def exam_sitting(exam, sitting_id):
    """The exam's sitting ``sitting_id`` (cancelled ones too), or None."""
    return Sitting.objects.filter(exam=exam, pk=sitting_id).first()


def exam_schedule(exam):
    """``[(sitting, [booking, ...]), ...]``: the exam's sittings in order with who booked each."""
    bookings = {}
    for booking in Booking.objects.filter(exam=exam, sitting__isnull=False).select_related('user').order_by('pk'):
        bookings.setdefault(booking.sitting_id, []).append(booking)
    return [(sitting, bookings.get(sitting.pk, [])) for sitting in sittings_of(exam)]


def exam_booking(exam, booking_id):
    """The exam's booking ``booking_id`` (with its learner and sitting), or None."""
    return Booking.objects.filter(exam=exam, pk=booking_id).select_related('user', 'sitting', 'exam').first()


BOOKING_COLUMNS = ('exam', 'username', 'email', 'sitting_starts_at', 'sitting_minutes', 'place', 'location', 'proctor',
                   'status', 'last_change', 'last_change_by', 'last_change_reason', 'last_change_at')


def bookings_csv(course_key):
    """The course's bookings as CSV: one row per learner and exam, with the sitting booked and the last change."""
    # A learner's row exists from their first try; it is a booking once something was booked.
    bookings = (Booking.objects.filter(exam__course_key=str(course_key), changes__isnull=False).distinct()
                .select_related('exam', 'user', 'sitting__proctor').prefetch_related('changes__changed_by')
                .order_by('exam_id', 'sitting__starts_at', 'user__username'))
    return csv_text(BOOKING_COLUMNS, (_booking_row(booking) for booking in bookings))


def _booking_row(booking):
    """One line of the bookings file."""
    sitting = booking.sitting
    changes = list(booking.changes.all())
    last = changes[-1] if changes else None
    row = {'exam': booking.exam.name, 'username': booking.user.get_username(), 'email': booking.user.email,
           'status': 'booked' if sitting else 'cancelled'}
    if sitting is not None:
        row.update(sitting_starts_at=iso(sitting.starts_at), sitting_minutes=sitting.minutes, place=sitting.place,
                   location=sitting.location, proctor=sitting.proctor.get_username() if sitting.proctor else '')
    if last is not None:
        row.update(last_change=last.action, last_change_reason=last.reason, last_change_at=iso(last.created),
                   last_change_by=last.changed_by.get_username() if last.changed_by else '')
    return row
