"""
The learner's way through an exam's window: nobody opts in, opts out or starts before it opens or once
it has closed, the page's state says which, and a running clock never passes the close.
"""
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from edx_proctoring_backend import api
from edx_proctoring_backend.exams import window
from edx_proctoring_backend.exams.models import ExamAttempt
from tests import journeys

pytestmark = pytest.mark.mariadb


@pytest.fixture
def windowed_exam(make_exam):
    """An exam of any type that opens in one day and closes in three, told in Bogotá's time."""
    def make(**settings):
        now = timezone.now()
        return make_exam(opens_at=now + timedelta(days=1), due_date=now + timedelta(days=3),
                         time_zone='America/Bogota', **settings)
    return make


def refused(action, *args, **kwargs):
    """The code of the ``NotAllowed`` that ``action`` raises."""
    with pytest.raises(api.NotAllowed) as raised:
        action(*args, **kwargs)
    return raised.value.code


def test_before_it_opens_nothing_begins(learner, make_user, windowed_exam, settings):
    exam, timed = windowed_exam(), windowed_exam(exam_type='timed')
    state = api.learner_state(learner, exam)
    assert state.window_state == window.NOT_OPEN and state.exam_window.time_zone == 'America/Bogota'
    assert refused(journeys.opt_in, learner, exam) == 'exam_not_open'
    assert refused(api.opt_out, learner, exam) == 'exam_not_open'
    assert refused(api.start, learner, timed) == 'exam_not_open'
    assert not ExamAttempt.objects.exists()
    # A learner outside the verified track does not see the questions before the opening either.
    settings.PROCTORING_STANDALONE_ENROLLMENT_MODES = {'auditor': 'audit'}
    assert api.learner_state(make_user('auditor'), exam).content_visible is False
    with time_machine.travel(exam.opens_at):
        assert api.learner_state(make_user('auditor'), exam).content_visible is True


def test_once_open_it_begins_and_the_clock_stops_at_the_close(learner, windowed_exam):
    exam = windowed_exam()
    with time_machine.travel(exam.due_date - timedelta(minutes=10)):
        assert api.learner_state(learner, exam).window_state == window.OPEN
        attempt = journeys.started(learner, exam)
    assert attempt.deadline == exam.due_date   # 10 minutes of the hour: the close caps the clock


def test_once_closed_nothing_begins_and_checks_done_are_not_started(learner, make_user, windowed_exam):
    exam, timed = windowed_exam(), windowed_exam(exam_type='timed')
    ready, checking = make_user('ready'), make_user('checking')
    with time_machine.travel(exam.opens_at + timedelta(hours=1)):
        journeys.ready(ready, exam)
        journeys.opt_in(checking, exam)
    with time_machine.travel(timed.due_date):   # the later of the two closes
        assert api.learner_state(learner, exam).window_state == window.CLOSED
        assert refused(journeys.opt_in, learner, exam) == 'exam_closed'
        assert refused(api.start, learner, timed) == 'exam_closed'
        assert refused(api.start, ready, exam) == 'exam_closed'
        assert refused(api.opt_out, checking, exam) == 'exam_closed'
    assert ExamAttempt.objects.get(user=ready).status == api.AttemptStatus.READY_TO_START


def test_a_learners_extension_keeps_their_window_open(learner, windowed_exam):
    exam = windowed_exam(exam_type='timed')
    with time_machine.travel(exam.due_date + timedelta(hours=1)):
        extended = exam.due_date + timedelta(days=1)
        assert api.learner_state(learner, exam, personal_due=extended).window_state == window.OPEN
        attempt = api.start(learner, exam, personal_due=extended)
    assert attempt.status == api.AttemptStatus.STARTED


def test_an_exam_without_times_is_always_open(learner, make_exam):
    state = api.learner_state(learner, make_exam())
    assert state.window_state == window.OPEN and state.exam_window == window.ExamWindow()


def test_an_exam_kept_for_edx_proctorings_is_begun_when_edx_proctoring_lets_the_learner(learner):
    due = timezone.now() - timedelta(hours=1)
    hosted = api.host_exam(7, 'course-v1:Test+Exam+2026', 'Final', 60, 'null', due_date=due)
    journeys.ready(learner, hosted)
    attempt = api.start(learner, hosted)     # edx-proctoring started it: its dates are its own
    assert attempt.status == api.AttemptStatus.STARTED and attempt.deadline == attempt.started_at
