"""
Exam content answerable only inside the learner's attempt, through edx-when (the real library and its
tables) as the LMS uses it: the exam's own due date closes its content for everybody, and each
learner's attempt opens and closes it for them; a problem inside the exam takes the exam's date.
"""
import types
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from edx_when import api as edx_when
from edx_when.field_data import DateLookupFieldData
from edx_when.models import ContentDate, UserDate
from opaque_keys.edx.keys import CourseKey, UsageKey
from xblock.field_data import DictFieldData

from edx_proctoring_backend import api
from edx_proctoring_backend.lms import content_dates
from tests import journeys

COURSE = 'course-v1:Test+Exam+2026'
GRACE = timedelta(seconds=15)


def window(user, exam):
    """Until when ``user`` may answer the exam's content, as edx-when says (no cache)."""
    dates = edx_when.get_dates_for_course(CourseKey.from_string(COURSE), user=user, use_cached=False)
    return dates[(UsageKey.from_string(exam.usage_key), 'due')]


def block(usage_key, parent=None):
    """A block as DateLookupFieldData sees one: its location and its parent."""
    return types.SimpleNamespace(location=UsageKey.from_string(usage_key), get_parent=lambda: parent)


def problem_due(user, exam):
    """The ``due`` the LMS gives a problem inside the exam for ``user`` (DateLookupFieldData, bound by block_render)."""
    problem = block(exam.usage_key.replace('type@proctored_exam', 'type@problem') + '_q1', block(exam.usage_key))
    field_data = DateLookupFieldData(DictFieldData({}), course_id=CourseKey.from_string(COURSE), user=user,
                                     use_cached=False)
    assert not field_data.has(problem, 'due')   # no date of its own: it inherits the exam's
    return field_data.default(problem, 'due')


def closed(due, now, graceperiod=timedelta(0)):
    """capa's ``ProblemBlock.closed()`` by date: past ``due`` plus the course's grace period (``close_date``)."""
    return due is not None and now > due + graceperiod


def test_a_written_exam_holds_its_content_closed_for_everybody(learner, make_exam):
    exam = make_exam()
    content_date = ContentDate.objects.get(location=UsageKey.from_string(exam.usage_key), field='due')
    assert content_date.active and content_date.policy.abs_date == api.CONTENT_CLOSED
    assert window(learner, exam) == api.CONTENT_CLOSED
    assert closed(problem_due(learner, exam), timezone.now())


def test_the_clock_opens_the_content_to_the_learner_alone_until_the_deadline(learner, make_user, make_exam):
    exam, other = make_exam(), make_user('other')
    attempt = journeys.started(learner, exam)
    assert window(learner, exam) == attempt.deadline + GRACE
    assert not closed(problem_due(learner, exam), timezone.now())
    assert closed(problem_due(other, exam), timezone.now())
    # The deadline passes with the browser gone: the content closes for the learner too, grace included.
    assert not closed(problem_due(learner, exam), attempt.deadline + GRACE)
    assert closed(problem_due(learner, exam), attempt.deadline + GRACE + timedelta(seconds=1))


def test_submitting_closes_the_content_at_once(learner, make_exam):
    exam = make_exam()
    journeys.started(learner, exam)
    moment = timezone.now() + timedelta(minutes=5)
    with time_machine.travel(moment, tick=False):
        api.submit(learner, exam)
    assert window(learner, exam) == moment + GRACE


def test_time_up_closes_the_content_at_the_deadline_whenever_the_sweep_runs(learner, make_exam):
    exam = make_exam(time_limit_minutes=1)
    attempt = journeys.started(learner, exam)
    with time_machine.travel(attempt.deadline + timedelta(minutes=3), tick=False):
        assert api.submit_expired_attempts() == 1
    assert window(learner, exam) == attempt.deadline + GRACE


def test_only_a_reset_reopens_the_content_through_the_next_start(learner, make_user, make_exam):
    exam = make_exam()
    journeys.submitted(learner, exam)
    first = api.learner_state(learner, exam).attempt
    api.reset_attempt(first, by=make_user('staff'))
    assert window(learner, exam) == api.CONTENT_CLOSED
    second = journeys.started(learner, exam)
    assert second.pk != first.pk and window(learner, exam) == second.deadline + GRACE


def test_declining_opens_the_content_until_the_exam_closes(learner, make_user, make_exam):
    due = timezone.now() + timedelta(days=3)
    exam, open_exam = make_exam(due_date=due), make_exam()
    api.opt_out(learner, exam)
    assert window(learner, exam) == due
    api.opt_out(make_user('other'), open_exam)
    assert window(make_user('other'), open_exam) == content_dates.OPEN_FOR_GOOD


def test_a_regular_learners_content_is_opened_once(learner, make_exam):
    exam = make_exam()
    assert api.open_content_without_clock(learner, exam) is True
    assert window(learner, exam) == content_dates.OPEN_FOR_GOOD
    assert api.open_content_without_clock(learner, exam) is False
    assert UserDate.objects.count() == 1


def test_the_platforms_publish_keeps_the_date_the_block_holds(learner, make_exam):
    """extract_dates lists every block with a due set on it: the exam block's own keeps its content closed."""
    exam = make_exam()
    course = CourseKey.from_string(COURSE)
    edx_when.set_dates_for_course(course, [(UsageKey.from_string(exam.usage_key), {'due': api.CONTENT_CLOSED})])
    assert window(learner, exam) == api.CONTENT_CLOSED
    # A publish that does not list it deactivates it; the next learner action writes it again.
    edx_when.set_dates_for_course(course, [])
    assert not ContentDate.objects.get(location=UsageKey.from_string(exam.usage_key)).active
    attempt = journeys.started(learner, exam)
    assert window(learner, exam) == attempt.deadline + GRACE


def test_an_exam_no_publish_dated_gets_its_date_at_the_first_start(learner, make_exam):
    exam = make_exam()
    ContentDate.objects.all().delete()
    attempt = journeys.started(learner, exam)
    assert window(learner, exam) == attempt.deadline + GRACE


@pytest.mark.parametrize('usage_key', ['proctored-exam-60-minutes.proctored_exam.d0.u0'])
def test_exams_without_opaque_keys_write_no_dates(learner, make_exam, usage_key):
    exam = make_exam(usage_key=usage_key)
    journeys.started(learner, exam)
    assert not ContentDate.objects.exists() and not UserDate.objects.exists()
