"""The openedx-events exam-attempt signals, as edx-platform's receivers get them."""
from datetime import timedelta

import pytest
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey, UsageKey
from openedx_events.learning import signals
from openedx_events.learning.data import ExamAttemptData, UserData, UserPersonalData

from edx_proctoring_backend import api
from edx_proctoring_backend.exams.models import ExamAttempt
from edx_proctoring_backend.lms import exam_events
from tests.journeys import started

# Events are sent once the change is committed: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

S = api.AttemptStatus
COURSE = 'course-v1:Org+Exam+2026'
FINAL = 'block-v1:Org+Exam+2026+type@proctored_exam+block@final'
WEEK1 = 'block-v1:Org+Exam+2026+type@sequential+block@week1'
SIGNALS = exam_events.SIGNALS


def test_each_name_is_its_openedx_event():
    assert sorted(SIGNALS) == ['errored', 'rejected', 'reset', 'submitted', 'verified']
    assert all(signal.event_type == f'org.openedx.learning.exam.attempt.{name}.v1' for name, signal in SIGNALS.items())


@pytest.fixture
def received():
    """Every exam-attempt event sent during the test, as ``(name, exam_attempt)`` in order."""
    events = []
    receivers = []
    for name, signal in SIGNALS.items():
        def receiver(sender, exam_attempt, metadata, name=name, **kwargs):  # pylint: disable=unused-argument
            assert metadata.event_type == SIGNALS[name].event_type
            events.append((name, exam_attempt))
        signal.connect(receiver, weak=False)
        receivers.append((signal, receiver))
    yield events
    for signal, receiver in receivers:
        signal.disconnect(receiver)


@pytest.fixture
def staff(make_user):
    """A member of the course team, with a name and an email address."""
    user = make_user('staff')
    user.first_name, user.last_name, user.email = 'Sam', 'Staff', 'staff@example.org'
    user.save()
    return user


def user_data(user):
    """The ``UserData`` a receiver gets for ``user``."""
    return UserData(id=user.pk, is_active=user.is_active, pii=UserPersonalData(
        username=user.username, email=user.email, name=user.get_full_name()))


def expected(user, usage_key=WEEK1, exam_type='proctored', requesting_user=None):
    """The ``ExamAttemptData`` of the learner's attempt at the final exam."""
    return ExamAttemptData(student_user=user_data(user), course_key=CourseKey.from_string(COURSE),
                           usage_key=UsageKey.from_string(usage_key), exam_type=exam_type,
                           requesting_user=user_data(requesting_user) if requesting_user else None)


def names(events):
    """The events' names, in order."""
    return [name for name, _ in events]


def test_each_change_sends_its_event_once_with_the_attempts_data(received, learner, staff, make_exam):
    exam = make_exam(course_key=COURSE, usage_key=FINAL, subsection_key=WEEK1)
    started(learner, exam)
    assert received == []   # nothing while the exam is being taken

    attempt = api.submit(learner, exam)   # the null provider's review is satisfactory at once
    api.record_review(attempt, api.Outcome.UNSATISFACTORY, by=staff)
    api.reset_attempt(attempt, by=staff)
    api.mark_error(started(learner, exam), by=staff)

    # The platform marks the subsection complete, and clears it on reset; the package applies the
    # review's grade itself (who decided, the course's choice), so no verified, rejected or errored.
    assert received == [
        ('submitted', expected(learner, requesting_user=learner)),
        ('reset', expected(learner, requesting_user=staff)),
    ]
    assert all(isinstance(data, ExamAttemptData) for _, data in received)


def test_an_exam_sharing_its_subsection_sends_nothing(received, learner, staff, make_exam):
    """The platform's receivers would complete and reset the subsection's other content too."""
    exam = make_exam(course_key=COURSE, usage_key=FINAL, subsection_key=WEEK1, alone_in_subsection=False)
    attempt = started(learner, exam)
    api.submit(learner, exam)
    api.reset_attempt(attempt, by=staff)
    assert received == []


def test_a_reset_without_the_staff_member_sends_nothing(received, learner, make_exam, caplog):
    """The platform's reset receiver needs requesting_user: without it, it would fail."""
    exam = make_exam(course_key=COURSE, usage_key=FINAL, subsection_key=WEEK1)
    attempt = started(learner, exam)
    api.submit(learner, exam)
    api.reset_attempt(attempt, by=None)
    assert names(received) == ['submitted']
    assert 'needs the staff member who reset it' in caplog.text


def test_the_events_are_the_same_inside_the_platform(edx_platform, received, learner, staff, make_exam):
    edx_platform.make_credit_course(COURSE, [{'namespace': 'grade', 'name': 'grade', 'display_name': 'Grade',
                                              'criteria': {'min_grade': 0.8}}])
    edx_platform.enroll(learner, COURSE, 'verified')
    exam = make_exam(course_key=COURSE, usage_key=FINAL, subsection_key=WEEK1)
    attempt = started(learner, exam)
    api.submit(learner, exam)
    api.record_review(attempt, api.Outcome.UNSATISFACTORY, by=staff)
    assert names(received) == ['submitted']
    assert edx_platform.status(learner, COURSE, FINAL) == 'failed'


def test_without_a_subsection_no_event_is_sent(received, learner, make_exam):
    """The platform's receivers act on a subsection: an exam outside any sends nothing."""
    exam = make_exam(course_key=COURSE, usage_key=FINAL)
    started(learner, exam)
    api.submit(learner, exam)
    assert received == [] and not exam.alone_in_subsection
    assert exam_events.exam_attempt_data(ExamAttempt.objects.get()).usage_key == UsageKey.from_string(FINAL)


def test_a_submission_by_the_clock_has_no_requesting_user(received, learner, make_exam):
    exam = make_exam(course_key=COURSE, usage_key=FINAL, subsection_key=WEEK1, provider='counting')
    attempt = started(learner, exam)
    ExamAttempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))

    assert api.submit_expired_attempts() == 1

    assert received == [('submitted', expected(learner))]


@pytest.mark.parametrize('exam_type', ['practice', 'timed'])
def test_practice_and_timed_exams_send_their_type(received, learner, staff, make_exam, exam_type):
    exam = make_exam(exam_type=exam_type, course_key=COURSE, usage_key=FINAL, subsection_key=WEEK1)
    attempt = started(learner, exam) if exam_type == 'practice' else api.start(learner, exam)
    api.submit(learner, exam)
    api.reset_attempt(attempt, by=staff)
    assert received == [('submitted', expected(learner, exam_type=exam_type, requesting_user=learner)),
                        ('reset', expected(learner, exam_type=exam_type, requesting_user=staff))]


def test_a_second_review_and_an_opt_out_send_nothing(received, learner, make_user, make_exam):
    exam = make_exam(course_key=COURSE, usage_key=FINAL, subsection_key=WEEK1, provider='counting')
    attempt = started(learner, exam)
    api.submit(learner, exam)
    api.record_review(attempt, api.Outcome.SECOND_REVIEW)
    api.opt_out(make_user('decliner'), exam)
    assert names(received) == ['submitted']


@pytest.mark.parametrize('course_key, usage_key, subsection_key', [
    (COURSE, 'proctored_exam.abc', ''),                        # the workbench's block ids
    ('workbench', FINAL, ''),
    (COURSE, FINAL, 'sequential.week1'),
])
def test_no_event_without_opaque_keys(received, learner, staff, make_exam, course_key, usage_key, subsection_key):
    exam = make_exam(course_key=course_key, usage_key=usage_key, subsection_key=subsection_key)
    attempt = started(learner, exam)
    api.submit(learner, exam)
    api.record_review(attempt, api.Outcome.UNSATISFACTORY, by=staff)
    api.reset_attempt(attempt, by=staff)

    assert received == []
    assert attempt.status == S.RESET   # the exam works all the same
    assert exam_events.exam_attempt_data(attempt) is None
    assert not exam_events.send_exam_attempt_event('reset', attempt, requesting_user=staff)


def test_no_event_when_the_change_is_rolled_back(edx_platform, received, learner, staff, make_exam):
    edx_platform.make_credit_course(COURSE)
    edx_platform.enroll(learner, COURSE, 'verified')
    exam = make_exam(course_key=COURSE, usage_key=FINAL, subsection_key=WEEK1)
    attempt = started(learner, exam)
    api.submit(learner, exam)
    edx_platform.zero_rejected_exams(COURSE)
    edx_platform.fail('override_subsection_grade', RuntimeError('the LMS is down'))

    with pytest.raises(RuntimeError):
        api.record_review(attempt, api.Outcome.UNSATISFACTORY, by=staff)
    edx_platform.failures.clear()
    api.reset_attempt(attempt, by=staff)   # the submission stands: still reviewed, then reset

    assert names(received) == ['submitted', 'reset']


def test_a_failing_receiver_does_not_undo_the_change(learner, make_exam):
    """openedx-events sends robustly: a receiver that raises is logged and the change stands."""
    def broken(**kwargs):
        raise RuntimeError('a receiver in the LMS is broken')
    signals.EXAM_ATTEMPT_SUBMITTED.connect(broken, weak=False)
    try:
        exam = make_exam(course_key=COURSE, usage_key=FINAL, subsection_key=WEEK1, provider='counting')
        started(learner, exam)
        assert api.submit(learner, exam).status == S.SUBMITTED
    finally:
        signals.EXAM_ATTEMPT_SUBMITTED.disconnect(broken)
    assert ExamAttempt.objects.get(user=learner, exam=exam).status == S.SUBMITTED


def test_the_platforms_receivers_complete_and_reset_the_exams_subsection(edx_platform, learner, staff, make_exam):
    edx_platform.make_credit_course(COURSE)
    edx_platform.enroll(learner, COURSE, 'verified')
    edx_platform.zero_rejected_exams(COURSE)
    exam = make_exam(course_key=COURSE, usage_key=FINAL, subsection_key=WEEK1)
    attempt = started(learner, exam)
    api.submit(learner, exam)
    assert edx_platform.completions == {(learner.pk, WEEK1): 1.0}

    api.record_review(attempt, api.Outcome.UNSATISFACTORY, by=staff)
    # One override, the package's, saying who decided: no receiver of the platform overwrote it.
    assert [(row['action'], row['user']) for row in edx_platform.override_history] == [('CREATEORUPDATE', staff)]

    api.reset_attempt(attempt, by=staff)
    assert edx_platform.state_resets == [(learner.pk, WEEK1, staff.pk)]
    assert edx_platform.completions == {(learner.pk, WEEK1): 0.0}
    assert edx_platform.override(learner, COURSE, WEEK1) is None
