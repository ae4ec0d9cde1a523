"""An exam taken at booked sittings, and learners with an address."""
from datetime import timedelta

import pytest
from django.utils import timezone

from edx_proctoring_backend import api


@pytest.fixture
def booked_exam(make_exam):
    """A proctored exam whose learners book sittings (cutoff 72 h, begin 10 min early to 15 min late)."""
    return make_exam(display_name='Final exam', booking_required=True, time_zone='Europe/Amsterdam')


@pytest.fixture
def make_sitting(booked_exam):
    """Publish sittings of ``booked_exam``, by default in ten days, for 90 minutes, for 2 learners."""
    def make(days=10, capacity=2, exam=None, **more):
        return api.add_sitting(exam or booked_exam, timezone.now() + timedelta(days=days),
                               more.pop('minutes', 90), capacity, **more)
    return make


@pytest.fixture
def make_learner(make_user):
    """Learners with an e-mail address."""
    def make(username):
        user = make_user(username)
        user.email = f'{username}@example.org'
        user.save()
        return user
    return make
