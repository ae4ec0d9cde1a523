"""Booking, moving and cancelling sittings, and beginning the exam only within one's own."""
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from edx_proctoring_backend import api
from edx_proctoring_backend.messages.models import OutgoingMessage
from edx_proctoring_backend.sittings import booking as rules
from edx_proctoring_backend.sittings.models import BookingChange, Sitting
from tests import journeys

pytestmark = [pytest.mark.mariadb, pytest.mark.django_db]


def seats(sitting):
    sitting.refresh_from_db()
    return sitting.booked


def test_a_learner_books_moves_and_cancels_and_each_change_is_kept_and_mailed(booked_exam, make_sitting,
                                                                              make_learner):
    ada = make_learner('ada')
    first, second = make_sitting(days=10), make_sitting(days=12)
    booking = api.book_sitting(ada, booked_exam, first.pk)
    assert booking.sitting == first and seats(first) == 1
    assert api.book_sitting(ada, booked_exam, first.pk) == booking         # the same again: nothing changes
    api.book_sitting(ada, booked_exam, second.pk)
    assert (seats(first), seats(second)) == (0, 1)
    assert api.cancel_booking(ada, booked_exam) and seats(second) == 0
    assert not api.cancel_booking(ada, booked_exam)                        # nothing left to cancel
    assert list(BookingChange.objects.values_list('action', 'from_sitting', 'to_sitting')) == [
        ('booked', None, first.pk), ('moved', first.pk, second.pk), ('cancelled', second.pk, None)]
    assert list(OutgoingMessage.objects.order_by('pk').values_list('name', flat=True)) == [
        'booking_confirmed', 'booking_moved', 'booking_cancelled']


def test_only_bookable_sittings_are_offered(booked_exam, make_sitting, make_learner):
    soon, full, later = make_sitting(days=2), make_sitting(days=5, capacity=1), make_sitting(days=6)
    api.book_sitting(make_learner('bob'), booked_exam, full.pk)
    cancelled = make_sitting(days=7)
    api.cancel_sitting(cancelled, by=None, reason='room unavailable')
    assert rules.bookable(booked_exam, timezone.now()) == [later]           # 2 days is within the 72-hour cutoff
    assert soon not in rules.standing(booked_exam, make_learner('ada')).bookable


def test_refusals_say_why_and_change_nothing(booked_exam, make_sitting, make_learner, make_exam):
    ada = make_learner('ada')
    soon, full = make_sitting(days=2), make_sitting(days=5, capacity=1)
    api.book_sitting(make_learner('bob'), booked_exam, full.pk)
    other_exam = make_exam(booking_required=True)
    other = make_sitting(exam=other_exam)
    cases = [
        ('booking_cutoff', lambda: api.book_sitting(ada, booked_exam, soon.pk)),
        ('sitting_full', lambda: api.book_sitting(ada, booked_exam, full.pk)),
        ('sitting_not_found', lambda: api.book_sitting(ada, booked_exam, other.pk)),
        ('sitting_not_found', lambda: api.book_sitting(ada, booked_exam, 999999)),
        ('no_sittings', lambda: api.book_sitting(ada, make_exam(), full.pk)),
    ]
    for code, call in cases:
        with pytest.raises(api.NotAllowed) as refused:
            call()
        assert refused.value.code == code
    assert api.booking_of(booked_exam, ada) is None and seats(full) == 1 and seats(soon) == 0


def test_after_the_registration_deadline_nothing_is_booked(booked_exam, make_sitting, make_learner):
    sitting = make_sitting(days=10)
    booked_exam.booking_deadline = timezone.now() - timedelta(minutes=1)
    booked_exam.save()
    with pytest.raises(api.NotAllowed, match='closed'):
        api.book_sitting(make_learner('ada'), booked_exam, sitting.pk)
    standing = rules.standing(booked_exam, make_learner('bob'))
    assert not standing.registration_open and not standing.bookable


def test_within_the_cutoff_only_staff_move_or_cancel_and_they_say_why(booked_exam, make_sitting, make_learner,
                                                                      make_user):
    ada, staff = make_learner('ada'), make_user('staff')
    sitting, other = make_sitting(days=4), make_sitting(days=8)
    booking = api.book_sitting(ada, booked_exam, sitting.pk)
    with time_machine.travel(sitting.starts_at - timedelta(hours=71)):
        for call in (lambda: api.cancel_booking(ada, booked_exam),
                     lambda: api.book_sitting(ada, booked_exam, other.pk)):
            with pytest.raises(api.NotAllowed) as refused:
                call()
            assert refused.value.code == 'booking_cutoff'
        with pytest.raises(api.NotAllowed) as refused:
            api.staff_move_booking(booking, other.pk, by=staff, reason='  ')
        assert refused.value.code == 'reason_required'
        api.staff_move_booking(booking, other.pk, by=staff, reason='illness, certificate seen')
        assert api.staff_cancel_booking(booking, by=staff, reason='withdrew from the course')
    change = BookingChange.objects.filter(action='moved').get()
    assert change.changed_by == staff and change.reason == 'illness, certificate seen'
    moved = OutgoingMessage.objects.get(name='booking_moved')
    assert moved.context['by_staff'] and moved.context['reason'] == 'illness, certificate seen'
    assert (seats(sitting), seats(other)) == (0, 0)


def test_cancelling_a_sitting_cancels_its_bookings_and_tells_each_learner(booked_exam, make_sitting, make_learner,
                                                                          make_user):
    sitting = make_sitting(days=10, capacity=3)
    for name in ('ada', 'bob'):
        api.book_sitting(make_learner(name), booked_exam, sitting.pk)
    assert api.cancel_sitting(sitting, by=make_user('staff'), reason='the room flooded') == 2
    assert api.cancel_sitting(sitting, by=None, reason='again') == 0
    sitting.refresh_from_db()
    assert sitting.cancelled_at is not None and sitting.booked == 0
    assert OutgoingMessage.objects.filter(name='booking_cancelled').count() == 2
    with pytest.raises(api.NotAllowed, match='No such sitting'):
        api.book_sitting(make_learner('cy'), booked_exam, sitting.pk)


def test_the_exam_begins_only_within_the_booked_sitting(booked_exam, make_sitting, make_learner):
    ada = make_learner('ada')
    with pytest.raises(api.NotAllowed) as refused:
        journeys.opt_in(ada, booked_exam)
    assert refused.value.code == 'no_booking'
    sitting = make_sitting(days=10)
    api.book_sitting(ada, booked_exam, sitting.pk)
    with time_machine.travel(sitting.starts_at - timedelta(minutes=11)):
        with pytest.raises(api.NotAllowed) as refused:
            journeys.opt_in(ada, booked_exam)
        assert refused.value.code == 'sitting_not_yet'
        assert api.learner_state(ada, booked_exam).sitting.phase == rules.WAITING
    with time_machine.travel(sitting.starts_at + timedelta(minutes=16)):
        with pytest.raises(api.NotAllowed) as refused:
            journeys.opt_in(ada, booked_exam)
        assert refused.value.code == 'sitting_missed'
    with time_machine.travel(sitting.starts_at + timedelta(minutes=14)):
        journeys.ready(ada, booked_exam)
        assert api.learner_state(ada, booked_exam).sitting is None          # chosen: the sitting is behind
    # Checks done in time, the clock may start until the sitting ends.
    with time_machine.travel(sitting.starts_at + timedelta(minutes=30)):
        assert api.start(ada, booked_exam).status == api.AttemptStatus.STARTED


def test_a_learner_whose_checks_ran_past_the_sitting_cannot_start(booked_exam, make_sitting, make_learner):
    ada = make_learner('ada')
    sitting = make_sitting(days=10, minutes=30)
    api.book_sitting(ada, booked_exam, sitting.pk)
    with time_machine.travel(sitting.starts_at):
        journeys.ready(ada, booked_exam)
    with time_machine.travel(sitting.ends_at + timedelta(seconds=1)):
        with pytest.raises(api.NotAllowed) as refused:
            api.start(ada, booked_exam)
    assert refused.value.code == 'sitting_missed'


def test_booking_applies_to_proctored_exams_only(make_exam):
    assert not api.requires_booking(make_exam(exam_type='practice', booking_required=True))
    assert not api.requires_booking(make_exam(exam_type='timed', booking_required=True))


def test_a_retired_learner_frees_their_seat(booked_exam, make_sitting, make_learner):
    ada = make_learner('ada')
    sitting = make_sitting()
    api.book_sitting(ada, booked_exam, sitting.pk)
    data = api.learner_data(ada)
    assert data['bookings'][0]['changes'][0]['action'] == 'booked'
    api.retire_user(ada)
    assert seats(sitting) == 0 and not api.booking_of(booked_exam, ada)
    assert Sitting.objects.filter(pk=sitting.pk).exists()


def test_cancelling_a_sitting_spares_a_learner_who_moved_away_meanwhile(booked_exam, make_sitting, make_learner):
    ada = make_learner('ada')
    first, second = make_sitting(days=10), make_sitting(days=12)
    api.book_sitting(ada, booked_exam, second.pk)          # moved away before the cancellation reached her
    cancel = rules._cancel  # pylint: disable=protected-access
    assert not cancel(booked_exam, ada, by=None, now=timezone.now(), reason='closed', of_sitting=first)
    assert api.booking_of(booked_exam, ada).sitting == second
