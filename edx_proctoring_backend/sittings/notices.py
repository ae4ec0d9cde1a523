"""The e-mails about a learner's booking: confirmed, moved, cancelled (``messages``)."""
from datetime import timedelta

from django.utils import translation
from django.utils.translation import gettext

from ..exams.window import moment_parts
from ..lms.links import exam_url
from ..messages.notices import language_of, name_of
from ..messages.sending import queue

BOOKING_CONFIRMED = 'booking_confirmed'
BOOKING_MOVED = 'booking_moved'
BOOKING_CANCELLED = 'booking_cancelled'
NAMES = (BOOKING_CONFIRMED, BOOKING_MOVED, BOOKING_CANCELLED)
_BY_ACTION = {'booked': BOOKING_CONFIRMED, 'moved': BOOKING_MOVED, 'cancelled': BOOKING_CANCELLED}


def told_moment(moment, time_zone):
    """A moment as an e-mail tells it, in the active language and the exam's zone."""
    # Translators: a moment in an e-mail, e.g. "Thursday 3 December 2026 00:05 (America/Bogota, UTC−05:00)".
    return gettext('{weekday} {date_time} ({time_zone}, {utc_offset})').format(**moment_parts(moment, time_zone))


def place_label(place):
    """Where a sitting is held, as learners read it."""
    return gettext('On campus') if place == 'on_campus' else gettext('Online')


def described(exam, sitting):
    """What an e-mail and the exam page say of a sitting, in the active language."""
    return {
        'moment': told_moment(sitting.starts_at, exam.time_zone), 'minutes': sitting.minutes,
        'place': place_label(sitting.place), 'location': sitting.location,
        'begin_from': told_moment(sitting.starts_at - timedelta(minutes=exam.sitting_early_minutes), exam.time_zone),
        'begin_until': told_moment(sitting.starts_at + timedelta(minutes=exam.sitting_late_minutes), exam.time_zone),
    }


def booking_changed(change):
    """Tell the learner that their booking was made, moved or cancelled (and why, when staff did it)."""
    booking = change.booking
    user, exam = booking.user, booking.exam
    if not user.email:
        return
    name = _BY_ACTION[change.action]
    language = language_of(user)
    with translation.override(language):
        context = {
            'recipient_name': name_of(user), 'exam_name': exam.name, 'exam_url': exam_url(exam),
            'sitting': described(exam, change.to_sitting) if change.to_sitting else None,
            'previous': described(exam, change.from_sitting) if change.from_sitting else None,
            'by_staff': change.changed_by_id != user.pk, 'reason': change.reason,
            'cutoff_hours': exam.booking_cutoff_hours,
        }
    queue(name, f'{name}:{change.pk}', user.email, context, user=user, language=language)
