"""The iCalendar file (RFC 5545) of a learner's booked sitting, which calendar programs import."""
from django.utils import timezone
from django.utils.translation import gettext
from icalendar import Calendar, Event

from .notices import place_label

PRODUCT_ID = '-//Open edX//Proctored exams//EN'


def booking_calendar(booking, exam_url, domain='', now=None):
    """
    The learner's sitting as an ``.ics`` file (bytes), in the active language: one event from the
    sitting's start to its end, where it is held, and when and where to begin. Its ``UID`` names the
    booking and its ``SEQUENCE`` counts the booking's changes, so a calendar updates the event it
    imported when the booking moves.
    """
    sitting, exam = booking.sitting, booking.exam
    calendar = Calendar()
    calendar.add('prodid', PRODUCT_ID)
    calendar.add('version', '2.0')
    calendar.add('method', 'PUBLISH')
    event = Event()
    event.add('uid', f'proctored-exam-booking-{booking.pk}@{domain or "openedx"}')
    event.add('sequence', booking.changes.count())
    event.add('dtstamp', now or timezone.now())
    event.add('dtstart', sitting.starts_at)
    event.add('dtend', sitting.ends_at)
    event.add('summary', gettext('Proctored exam: {exam}').format(exam=exam.name))
    event.add('location', sitting.location or place_label(sitting.place))
    event.add('description', gettext('Begin the exam on its page: {url}').format(url=exam_url))
    event.add('url', exam_url)
    calendar.add_component(event)
    return calendar.to_ical()
