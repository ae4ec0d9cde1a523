"""
A sitting never takes more learners than its capacity, however many book at once, and a learner who
books twice at once holds one seat. Runs on SQLite and on MariaDB (``make test``'s second run).
"""
from collections import Counter

import pytest
from django.contrib.auth import get_user_model

from edx_proctoring_backend import api
from edx_proctoring_backend.sittings.models import Booking, BookingChange, Sitting
from tests.edx_proctoring_backend.test_concurrency import run_at_once

pytestmark = [pytest.mark.mariadb, pytest.mark.django_db(transaction=True)]

LEARNERS = 60
CAPACITY = 10


def outcome_of(call):
    """'booked', or the code of the refusal."""
    try:
        call()
        return 'booked'
    except api.NotAllowed as refused:
        return refused.code


def test_sixty_learners_booking_ten_seats_at_once_fill_it_exactly(booked_exam, make_sitting):
    sitting = make_sitting(capacity=CAPACITY)
    learners = list(get_user_model().objects.bulk_create(
        get_user_model()(username=f'learner{n}', email=f'learner{n}@example.org') for n in range(LEARNERS)))
    queue = iter(learners)

    def book():
        return outcome_of(lambda: api.book_sitting(next(queue), booked_exam, sitting.pk))

    results, errors = run_at_once(book, count=LEARNERS)
    assert not errors, errors[:3]
    assert Counter(results) == {'booked': CAPACITY, 'sitting_full': LEARNERS - CAPACITY}
    sitting.refresh_from_db()
    assert sitting.booked == CAPACITY == Booking.objects.filter(sitting=sitting).count()
    assert BookingChange.objects.count() == CAPACITY


def test_one_learner_booking_two_sittings_at_once_holds_one_seat(booked_exam, make_sitting, make_learner):
    ada = make_learner('ada')
    first, second = make_sitting(capacity=5), make_sitting(days=11, capacity=5)
    targets = iter([first.pk, second.pk] * 20)

    def book():
        return outcome_of(lambda: api.book_sitting(ada, booked_exam, next(targets)))

    results, errors = run_at_once(book, count=40)
    assert not errors, errors[:3]
    assert set(results) == {'booked'}
    booking = Booking.objects.get(user=ada)
    counts = dict(Sitting.objects.values_list('pk', 'booked'))
    assert counts == {first.pk: int(booking.sitting_id == first.pk), second.pk: int(booking.sitting_id == second.pk)}
