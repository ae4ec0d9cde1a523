"""Learners are told once that an exam opens soon: in the LMS its enrolled verified learners, standalone those known."""
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from edx_proctoring_backend import api
from edx_proctoring_backend.messages.models import OutgoingMessage
from edx_proctoring_backend.messages.rendering import render
from tests import journeys

pytestmark = pytest.mark.django_db
COURSE = 'course-v1:Test+Exam+2026'


def learner(make_user, name):
    """A learner with an address."""
    user = make_user(name)
    user.email = f'{name}@example.org'
    user.save()
    return user


def test_enrolled_verified_learners_are_told_once_two_weeks_before(edx_platform, make_user, make_exam):
    ada, bob, cy, dee = (learner(make_user, name) for name in ('ada', 'bob', 'cy', 'dee'))
    for user, mode in ((ada, 'verified'), (bob, 'audit'), (cy, 'verified'), (dee, 'professional')):
        edx_platform.enroll(user, COURSE, mode)
    opens = timezone.now() + timedelta(days=20)
    exam = make_exam(display_name='Final exam', opens_at=opens, time_zone='Europe/Amsterdam')
    assert api.announce_exam_openings() == 0                            # three weeks away: not yet
    with time_machine.travel(opens - timedelta(days=14), tick=False):
        assert api.announce_exam_openings() == 3
        assert api.announce_exam_openings() == 0                        # once
    told = set(OutgoingMessage.objects.filter(name='exam_opening').values_list('email', flat=True))
    assert told == {'ada@example.org', 'cy@example.org', 'dee@example.org'}   # not the audit learner
    context = OutgoingMessage.objects.filter(name='exam_opening').first().context
    rendered = render('exam_opening', context, 'en')
    assert rendered.subject.startswith('Your exam "Final exam" opens on ') and '(Europe/Amsterdam, UTC+01:00)' in \
        rendered.subject
    assert 'technical check' in rendered.text
    exam.opens_at = opens + timedelta(days=1)                            # the opening moved: a new notice
    exam.save()
    with time_machine.travel(opens - timedelta(days=13), tick=False):
        assert api.announce_exam_openings() == 3


def test_standalone_the_learners_known_to_the_course_who_have_not_begun(make_user, make_exam, settings):
    ada, bob = learner(make_user, 'ada'), learner(make_user, 'bob')
    journeys.submitted(ada, make_exam(display_name='Quiz'))               # ada took part in the course
    make_exam(display_name='Final exam', opens_at=timezone.now() + timedelta(days=3))
    assert api.announce_exam_openings() == 1
    assert OutgoingMessage.objects.get(name='exam_opening').user == ada     # bob never took part
    assert not OutgoingMessage.objects.filter(user=bob).exists()
    settings.PROCTORING_OPENING_NOTICE_DAYS = None
    assert api.announce_exam_openings() == 0


def test_a_learner_who_began_is_not_told(make_user, make_exam):
    ada = learner(make_user, 'ada')
    exam = make_exam(display_name='Practice', exam_type='practice', opens_at=timezone.now() - timedelta(days=1))
    journeys.opt_in(ada, exam)
    exam.opens_at = timezone.now() + timedelta(days=2)
    exam.save()
    assert api.announce_exam_openings() == 0
