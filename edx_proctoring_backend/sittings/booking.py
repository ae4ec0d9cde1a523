"""
The rules of booked sittings: which sittings a learner may book, booking, moving and cancelling, and
when a learner with a booking may begin the exam.

A learner books, moves or cancels until the exam's cutoff before the sitting (72 hours by default) and
until its registration deadline; course staff may move or cancel a booking at any time, always saying
why. A sitting never takes more learners than its capacity, however many book at once: a seat is taken
by one conditional update of the sitting's count (``booked < capacity``), which exactly one of two
racing requests wins on every database, and the learner's booking is one row per exam that each change
locks first (then the sittings, in the order of their ids). Each change is kept (``BookingChange``) and
tells the learner by e-mail.
"""
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ..exams.errors import NotAllowed
from ..exams.statuses import ExamType
from . import notices
from .models import Booking, BookingChange, Sitting

UNBOOKED = 'unbooked'   # no booking yet
WAITING = 'waiting'     # booked; the sitting's time to begin has not come
NOW = 'now'             # within the booked sitting's time to begin
MISSED = 'missed'       # the booked sitting's time to begin is over


def requires_booking(exam):
    """True for an exam whose learners take it at a sitting they booked (proctored exams only)."""
    return exam.booking_required and exam.exam_type == ExamType.PROCTORED


def cutoff(exam):
    """How long before a sitting its bookings stop changing (except by staff)."""
    return timedelta(hours=exam.booking_cutoff_hours)


def begin_between(exam, sitting):
    """The moments between which a learner booked on ``sitting`` may begin the exam."""
    return (sitting.starts_at - timedelta(minutes=exam.sitting_early_minutes),
            sitting.starts_at + timedelta(minutes=exam.sitting_late_minutes))


def registration_open(exam, now):
    """True until the exam's registration deadline (always, without one)."""
    return exam.booking_deadline is None or now < exam.booking_deadline


def sittings_of(exam):
    """The exam's sittings that are not cancelled, in order."""
    return Sitting.objects.filter(exam=exam, cancelled_at=None).select_related('proctor')


def bookable(exam, now, excluding=None):
    """The sittings a learner may book now: past the cutoff from now, with a seat left, in order."""
    sittings = sittings_of(exam).filter(starts_at__gt=now + cutoff(exam), booked__lt=F('capacity'))
    return list(sittings.exclude(pk=excluding) if excluding else sittings)


def booking_of(exam, user):
    """The learner's booking of a sitting of ``exam`` (with its sitting), or None."""
    return Booking.objects.filter(exam=exam, user=user, sitting__isnull=False).select_related('sitting').first()


def phase(exam, booking, now):
    """Where the learner stands (``UNBOOKED``, ``WAITING``, ``NOW`` or ``MISSED``) with ``booking`` at ``now``."""
    if booking is None or booking.sitting is None:
        return UNBOOKED
    opens, closes = begin_between(exam, booking.sitting)
    if now < opens:
        return WAITING
    return NOW if now <= closes else MISSED


def may_change(exam, booking, now):
    """True while the learner may move or cancel their booking themselves."""
    return (booking is not None and booking.sitting is not None and registration_open(exam, now)
            and now < booking.sitting.starts_at - cutoff(exam))


@dataclass(frozen=True)
class Standing:
    """What the exam page shows a learner of an exam with booked sittings."""

    phase: str
    booking: Booking = None
    bookable: tuple = ()
    registration_open: bool = True
    may_change: bool = False


def standing(exam, user, now=None):
    """The learner's ``Standing`` in ``exam`` (which requires a booking) at ``now``."""
    now = now or timezone.now()
    booking = booking_of(exam, user)
    is_open = registration_open(exam, now)
    changeable = may_change(exam, booking, now)
    offered = () if not is_open or (booking is not None and not changeable) else tuple(
        bookable(exam, now, excluding=booking.sitting_id if booking else None))
    return Standing(phase=phase(exam, booking, now), booking=booking, bookable=offered, registration_open=is_open,
                    may_change=changeable)


def require_in_sitting(exam, user, now=None, checks_done=False):
    """
    Refuse to begin an exam that requires a booking outside the learner's booked sitting:
    ``no_booking``, ``sitting_not_yet`` (before its time to begin) or ``sitting_missed`` (after).
    ``checks_done``: the learner began within the time and passed the checks; their clock may start
    until the sitting ends.
    """
    if not requires_booking(exam):
        return
    now = now or timezone.now()
    booking = booking_of(exam, user)
    current = phase(exam, booking, now)
    if checks_done and current == MISSED and now < booking.sitting.ends_at:
        return
    if current == UNBOOKED:
        raise NotAllowed('Book a sitting of this exam first.', code='no_booking')
    if current == WAITING:
        raise NotAllowed('Your sitting has not begun yet.', code='sitting_not_yet')
    if current == MISSED:
        raise NotAllowed('The time to begin your sitting is over.', code='sitting_missed')


# ---- Changes -----------------------------------------------------------------------------------------------

def book(user, exam, sitting_id, now=None):
    """
    The learner books sitting ``sitting_id`` of ``exam``, or moves their booking to it; return the
    ``Booking``. Booking the sitting already booked changes nothing. Refused (``NotAllowed``) after the
    registration deadline (``booking_closed``), within the cutoff of either sitting (``booking_cutoff``),
    for a sitting that is not the exam's (``sitting_not_found``) or full (``sitting_full``).
    """
    now = now or timezone.now()
    if not requires_booking(exam):
        raise NotAllowed('This exam is not taken at booked sittings.', code='no_sittings')
    if not registration_open(exam, now):
        raise NotAllowed('Booking for this exam has closed.', code='booking_closed')
    sitting = _sitting(exam, sitting_id)
    if sitting.starts_at <= now + cutoff(exam):
        raise NotAllowed('This sitting can no longer be booked.', code='booking_cutoff')
    return _change(exam, user, sitting, by=user, now=now, learner=True)


def cancel(user, exam, now=None):
    """The learner cancels their booking (until the cutoff); return True if they had one."""
    return _cancel(exam, user, by=user, now=now or timezone.now(), learner=True)


def staff_move(booking, sitting_id, by, reason, now=None):
    """Course staff move a learner's booking to another sitting of the exam, at any time, saying why."""
    _require_reason(reason)
    sitting = _sitting(booking.exam, sitting_id)
    return _change(booking.exam, booking.user, sitting, by=by, now=now or timezone.now(), reason=reason)


def staff_cancel(booking, by, reason, now=None):
    """Course staff cancel a learner's booking, at any time, saying why; return True if there was one."""
    _require_reason(reason)
    return _cancel(booking.exam, booking.user, by=by, now=now or timezone.now(), reason=reason)


def cancel_sitting(sitting, by, reason, now=None):
    """
    Course staff cancel a whole sitting, saying why: every booking of it is cancelled (each learner is
    told, and may book another) and nobody can book it any more. Return how many bookings it had.
    """
    _require_reason(reason)
    now = now or timezone.now()
    # Closed first, on its own: nobody books it from then on. Each booking is then cancelled as a learner's
    # change is made (its booking, then its sitting), so that the two never wait for each other.
    if not Sitting.objects.filter(pk=sitting.pk, cancelled_at=None).update(cancelled_at=now):
        return 0
    bookings = list(Booking.objects.filter(sitting=sitting).select_related('exam', 'user'))
    return sum(_cancel(booking.exam, booking.user, by=by, now=now, reason=reason, of_sitting=sitting)
               for booking in bookings)


def _require_reason(reason):
    if not (reason or '').strip():
        raise NotAllowed('Say why.', code='reason_required')


def _sitting(exam, sitting_id):
    sitting = Sitting.objects.filter(pk=sitting_id, exam=exam, cancelled_at=None).first()
    if sitting is None:
        raise NotAllowed('No such sitting of this exam.', code='sitting_not_found')
    return sitting


def _make_booking_row(exam, user, now):
    """The learner's booking row for ``exam`` exists (empty at first) before any transaction changes it."""
    try:
        Booking.objects.get_or_create(exam=exam, user=user, defaults={'created': now, 'modified': now})
    except IntegrityError:  # made at the same moment by another request of the learner's
        pass


def _locked_booking(exam, user, now):
    """
    The learner's booking, locked until the transaction ends. The write comes first: SQLite takes its
    write lock before reading anything, and MariaDB locks the existing row (no gap lock, no deadlock).
    """
    Booking.objects.filter(exam=exam, user=user).update(modified=now)
    return Booking.objects.select_related('sitting').filter(exam=exam, user=user).first()


def _move_seats(taken, freed):
    """
    Take a seat of sitting ``taken`` (unless None) and free one of ``freed`` (unless None), locking the
    two sittings in the order of their ids, so that two learners moving opposite ways never deadlock.
    Raises ``NotAllowed`` (``sitting_full``) when ``taken`` has no seat left.
    """
    steps = sorted([(sitting.pk, step) for sitting, step in ((taken, 1), (freed, -1)) if sitting is not None])
    for sitting_id, step in steps:
        if step > 0:
            if not Sitting.objects.filter(pk=sitting_id, cancelled_at=None, booked__lt=F('capacity')) \
                    .update(booked=F('booked') + 1):
                raise NotAllowed('This sitting is full.', code='sitting_full')
        else:
            Sitting.objects.filter(pk=sitting_id, booked__gt=0).update(booked=F('booked') - 1)


def _change(exam, user, sitting, by, now, reason='', learner=False):
    """Book ``sitting`` for the learner, or move their booking to it (``learner``: within their own limits)."""
    _make_booking_row(exam, user, now)
    with transaction.atomic():
        booking = _locked_booking(exam, user, now)
        previous = booking.sitting
        if previous is not None and previous.pk == sitting.pk:
            return booking
        if learner and previous is not None and not may_change(exam, booking, now):
            raise NotAllowed('Your booking can no longer be changed.', code='booking_cutoff')
        _move_seats(taken=sitting, freed=previous)
        booking.sitting, booking.modified = sitting, now
        booking.save(update_fields=['sitting', 'modified'])
        change = BookingChange.objects.create(
            booking=booking, action=BookingChange.MOVED if previous else BookingChange.BOOKED,
            from_sitting=previous, to_sitting=sitting, changed_by=by, reason=reason[:255], created=now)
        notices.booking_changed(change)
    return booking


def _cancel(exam, user, by, now, reason='', learner=False, of_sitting=None):
    """
    Cancel the learner's booking, if any (``learner``: within their own limits; ``of_sitting``: only a
    booking of that sitting, one the learner moved away from meanwhile stays); True if there was one.
    """
    with transaction.atomic():
        booking = _locked_booking(exam, user, now)
        if booking is None or booking.sitting is None or (of_sitting and booking.sitting_id != of_sitting.pk):
            return False
        if learner and not may_change(exam, booking, now):
            raise NotAllowed('Your booking can no longer be changed.', code='booking_cutoff')
        previous = booking.sitting
        _move_seats(taken=None, freed=previous)
        booking.sitting, booking.modified = None, now
        booking.save(update_fields=['sitting', 'modified'])
        change = BookingChange.objects.create(booking=booking, action=BookingChange.CANCELLED, from_sitting=previous,
                                              changed_by=by, reason=reason[:255], created=now)
        notices.booking_changed(change)
    return True


# ---- The learner's data -----------------------------------------------------------------------------------

def bookings_of(user):
    """The learner's bookings (each with its exam, sitting and changes), oldest first."""
    return (Booking.objects.filter(user=user).select_related('exam', 'sitting').prefetch_related('changes')
            .order_by('pk'))


def forget(user):
    """A retired learner's bookings go, and the seats they held are freed; return how many bookings went."""
    with transaction.atomic():
        for booking in Booking.objects.filter(user=user, sitting__isnull=False).select_related('sitting'):
            _move_seats(taken=None, freed=booking.sitting)
        return Booking.objects.filter(user=user).delete()[1].get(Booking._meta.label, 0)
