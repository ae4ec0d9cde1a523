"""
What an attempt's status changes do in the LMS: real attempts driven through ``api``, with the
stand-in edx-platform (``edx_platform`` fixture) recording the credit requirement statuses and the
subsection grade overrides.
"""
import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from edx_proctoring_backend import api
from edx_proctoring_backend.credit.models import CreditRecord
from edx_proctoring_backend.exams.models import AttemptTransition, ExamAttempt
from edx_proctoring_backend.lms import effects
from edx_proctoring_backend.reviews.models import Review
from tests import journeys
from tests.journeys import started, submitted

S = api.AttemptStatus
COURSE = 'course-v1:Org+Exam+2026'
FINAL = 'block-v1:Org+Exam+2026+type@proctored_exam+block@final'
WEEK1 = 'block-v1:Org+Exam+2026+type@sequential+block@week1'
GRADE_REQUIREMENT = {'namespace': 'grade', 'name': 'grade', 'display_name': 'Minimum Grade',
                     'criteria': {'min_grade': 0.8}}
OURS = {'namespace': 'proctored_exam', 'name': FINAL, 'display_name': 'Final exam', 'criteria': {}}
REJECTED_COMMENT = 'Proctoring review unsatisfactory'


@pytest.fixture
def staff(make_user):
    """A member of the course team."""
    return make_user('staff')


@pytest.fixture
def credit_course(edx_platform, learner):
    """
    The platform offers credit in COURSE (with its grade requirement); the learner is verified; the
    course zeroes the grade of a rejected exam (its REJECTED_EXAM_OVERRIDES_GRADE flag).
    """
    edx_platform.make_credit_course(COURSE, [GRADE_REQUIREMENT])
    edx_platform.enroll(learner, COURSE, 'verified')
    edx_platform.zero_rejected_exams(COURSE)
    return edx_platform


@pytest.fixture
def final_exam(make_exam):
    """The course's final exam in the subsection week1, proctored by default."""
    def make(**settings):
        return make_exam(**{'course_key': COURSE, 'usage_key': FINAL, 'subsection_key': WEEK1,
                            'display_name': 'Final exam', **settings})
    return make


def posted(edx_platform, user=None):
    """The requirement statuses posted through the credit service, in order."""
    return [call['status'] for call in edx_platform.calls_to('set_credit_requirement_status')
            if user is None or call['user_id'] == user.pk]


def record(user, exam):
    """The package's credit record of the learner in the exam."""
    return CreditRecord.objects.get(user=user, exam=exam)


def adds_of(edx_platform, name=FINAL):
    """How many times ``set_credit_requirements`` added (or re-enabled) this exam's requirement."""
    return sum(1 for call in edx_platform.calls_to('set_credit_requirements')
               if any(requirement['name'] == name for requirement in call['requirements']))


# ---- a credit course -----------------------------------------------------------------------------------

def test_a_satisfactory_exam_satisfies_its_requirement(credit_course, learner, final_exam):
    exam = final_exam()
    assert credit_course.requirements(COURSE) == [GRADE_REQUIREMENT, OURS]   # registered with the exam

    attempt = submitted(learner, exam)

    assert attempt.status == S.VERIFIED
    assert posted(credit_course) == ['submitted', 'satisfied']
    assert credit_course.status(learner, COURSE, FINAL) == 'satisfied'
    assert credit_course.requirements(COURSE) == [GRADE_REQUIREMENT, OURS]
    assert adds_of(credit_course) == 1      # created once, ensured before each status without writing
    assert credit_course.calls_to('override_subsection_grade') == []
    assert credit_course.calls_to('undo_override_subsection_grade') == []
    assert record(learner, exam).requirement_status == 'satisfied'


def test_an_exam_kept_for_edx_proctorings_leaves_the_platform_to_edx_proctoring(credit_course, learner):
    exam = api.host_exam(7, COURSE, 'Final exam', 60, 'null')
    assert effects.register_credit_requirement(exam) is False

    attempt = submitted(learner, exam)

    assert attempt.status == S.VERIFIED and record(learner, exam).requirement_status == 'satisfied'
    assert credit_course.requirements(COURSE) == [GRADE_REQUIREMENT]   # no requirement under our key
    assert posted(credit_course) == [] and credit_course.calls_to('override_subsection_grade') == []


def test_the_requirement_is_created_at_the_first_status_when_the_course_became_a_credit_course_later(
        edx_platform, learner, final_exam):
    edx_platform.enroll(learner, COURSE, 'verified')
    exam = final_exam()
    assert edx_platform.requirements(COURSE) == []

    edx_platform.make_credit_course(COURSE, [GRADE_REQUIREMENT])
    submitted(learner, exam)

    assert edx_platform.requirements(COURSE) == [GRADE_REQUIREMENT, OURS]
    assert adds_of(edx_platform) == 1
    assert edx_platform.status(learner, COURSE, FINAL) == 'satisfied'


def test_a_requirement_disabled_by_the_platforms_publish_is_ensured_before_the_next_status(
        credit_course, make_user, final_exam, caplog):
    first, second = make_user('first'), make_user('second')
    for user in (first, second):
        credit_course.enroll(user, COURSE, 'verified')
    exam = final_exam()
    submitted(first, exam)

    credit_course.publish(COURSE, [GRADE_REQUIREMENT])   # the platform's publish task knows only its own
    assert credit_course.requirements(COURSE) == [GRADE_REQUIREMENT]

    with caplog.at_level(logging.ERROR):
        submitted(second, exam)

    assert 'does not exist' not in caplog.text
    assert credit_course.requirements(COURSE) == [GRADE_REQUIREMENT, OURS]
    assert credit_course.status(second, COURSE, FINAL) == 'satisfied'
    assert posted(credit_course, second) == ['submitted', 'satisfied']
    assert adds_of(credit_course) == 2      # at the exam's creation, and again after the publish


def test_a_pending_review_is_submitted_and_a_machine_suspicion_changes_nothing(credit_course, learner, final_exam):
    exam = final_exam(provider='counting')
    attempt = submitted(learner, exam)
    assert attempt.status == S.SUBMITTED
    assert credit_course.status(learner, COURSE, FINAL) == 'submitted'

    api.record_review(attempt, api.Outcome.UNSATISFACTORY)   # no person behind it: a second review

    assert attempt.status == S.SECOND_REVIEW_REQUIRED
    assert posted(credit_course) == ['submitted', 'submitted']
    assert credit_course.calls_to('override_subsection_grade') == []
    assert record(learner, exam).requirement_status == 'submitted'


def test_a_rejection_fails_and_zeroes_and_a_later_satisfactory_decision_restores(
        credit_course, learner, staff, final_exam):
    exam = final_exam()
    attempt = submitted(learner, exam)
    api.record_exam_grade(learner, exam, 3, 4)

    api.record_review(attempt, api.Outcome.UNSATISFACTORY, by=staff, comment='phone on the desk')

    assert attempt.status == S.REJECTED
    assert credit_course.status(learner, COURSE, FINAL) == 'failed'
    assert credit_course.override(learner, COURSE, WEEK1) == {
        'earned_all': 0.0, 'earned_graded': 0.0, 'feature': 'PROCTORING', 'overrider': staff,
        'comment': REJECTED_COMMENT}
    rejected = record(learner, exam)
    assert (rejected.requirement_status, rejected.grade_zeroed, rejected.grade) == ('failed', True, 0.0)

    api.record_review(attempt, api.Outcome.SATISFACTORY, by=staff, comment='it was a calculator')

    assert attempt.status == S.VERIFIED
    assert credit_course.status(learner, COURSE, FINAL) == 'satisfied'
    assert credit_course.override(learner, COURSE, WEEK1) is None
    assert len(credit_course.calls_to('undo_override_subsection_grade')) == 1
    restored = record(learner, exam)
    assert (restored.requirement_status, restored.grade_zeroed, restored.grade) == ('satisfied', False, 0.75)
    assert posted(credit_course) == ['submitted', 'satisfied', 'failed', 'satisfied']


def test_a_rejection_reopened_for_a_second_review_gives_the_grade_back(credit_course, learner, staff, final_exam):
    exam = final_exam(provider='counting')
    attempt = submitted(learner, exam)
    api.record_review(attempt, api.Outcome.UNSATISFACTORY, by=staff)
    assert credit_course.override(learner, COURSE, WEEK1) is not None

    api.record_provider_verdict(attempt, 'no such verdict')   # contradicts nothing: an unknown verdict

    assert attempt.status == S.SECOND_REVIEW_REQUIRED
    assert credit_course.status(learner, COURSE, FINAL) == 'submitted'
    assert credit_course.override(learner, COURSE, WEEK1) is None


def test_an_eligible_learner_keeps_the_platforms_satisfied_after_a_rejection(credit_course, learner, staff,
                                                                             final_exam):
    """
    edx-platform never takes eligibility back: once every requirement is satisfied, a later "failed"
    is refused. The grade is still zeroed and the package's record says failed.
    """
    exam = final_exam()
    attempt = submitted(learner, exam)
    service = credit_course.modules['openedx.core.djangoapps.credit.services']['CreditService']()
    service.set_credit_requirement_status(learner.pk, COURSE, 'grade', 'grade')   # the platform's grade task
    assert credit_course.is_eligible(learner, COURSE)

    api.record_review(attempt, api.Outcome.UNSATISFACTORY, by=staff)

    assert posted(credit_course)[-1] == 'failed'
    assert credit_course.status(learner, COURSE, FINAL) == 'satisfied'
    assert credit_course.override(learner, COURSE, WEEK1) is not None
    assert record(learner, exam).requirement_status == 'failed'


@pytest.mark.parametrize('opt_in_first', [False, True])
def test_opting_out_declines_the_requirement(credit_course, learner, final_exam, opt_in_first):
    exam = final_exam()
    if opt_in_first:
        journeys.opt_in(learner, exam)

    api.opt_out(learner, exam)

    assert posted(credit_course) == ['declined']
    assert credit_course.status(learner, COURSE, FINAL) == 'declined'
    assert credit_course.calls_to('override_subsection_grade') == []
    assert record(learner, exam).requirement_status == 'declined'


@pytest.mark.parametrize('how', ['created', 'started', 'submitted'])
def test_an_error_fails_the_requirement(credit_course, learner, staff, final_exam, how):
    exam = final_exam(provider='counting')
    attempt = {'created': journeys.opt_in, 'started': started, 'submitted': submitted}[how](learner, exam)

    api.mark_error(attempt, by=staff, reason='the session was lost')

    assert credit_course.status(learner, COURSE, FINAL) == 'failed'
    assert posted(credit_course)[-1] == 'failed'
    assert credit_course.calls_to('override_subsection_grade') == []
    assert record(learner, exam).requirement_status == 'failed'


def test_a_reset_removes_the_status_and_undoes_the_zero(credit_course, learner, staff, final_exam):
    exam = final_exam()
    attempt = submitted(learner, exam)
    api.record_exam_grade(learner, exam, 1, 4)
    api.record_review(attempt, api.Outcome.UNSATISFACTORY, by=staff)

    api.reset_attempt(attempt, by=staff)

    assert credit_course.status(learner, COURSE, FINAL) is None
    assert credit_course.stored_status(learner, COURSE, FINAL) is None
    assert credit_course.override(learner, COURSE, WEEK1) is None
    # Removed twice: by the rejection of the satisfactory verdict (see below), then by the reset.
    assert credit_course.calls_to('remove_credit_requirement_status')[-1] == {
        'user_id': learner.pk, 'course_key_or_id': COURSE, 'req_namespace': 'proctored_exam', 'req_name': FINAL}
    reset = record(learner, exam)
    assert (reset.requirement_status, reset.grade_zeroed, reset.earned, reset.possible) == ('', False, None, None)

    retake = submitted(learner, exam)   # the retake counts afresh
    assert retake.attempt_number == 2
    assert credit_course.status(learner, COURSE, FINAL) == 'satisfied'


def test_resetting_a_verified_attempt_removes_the_status_and_leaves_the_grade(credit_course, learner, staff,
                                                                              final_exam):
    attempt = submitted(learner, final_exam())
    api.reset_attempt(attempt, by=staff)
    assert credit_course.status(learner, COURSE, FINAL) is None
    assert credit_course.calls_to('undo_override_subsection_grade') == []


@pytest.mark.parametrize('exam_type', ['practice', 'timed'])
def test_practice_and_timed_exams_post_nothing_and_never_count(credit_course, learner, staff, final_exam,
                                                               exam_type):
    exam = final_exam(exam_type=exam_type)
    if exam_type == 'practice':
        submitted(learner, exam)
        api.mark_error(started(learner, exam), by=staff)   # a retake, lost
    else:
        api.start(learner, exam)
        api.submit(learner, exam)
    api.record_exam_grade(learner, exam, 4, 4)
    api.reset_attempt(api.learner_state(learner, exam).attempt, by=staff)

    assert credit_course.requirements(COURSE) == [GRADE_REQUIREMENT]   # no requirement for this exam
    for name in ('set_credit_requirement_status', 'remove_credit_requirement_status', 'override_subsection_grade',
                 'undo_override_subsection_grade', 'is_credit_course'):
        assert credit_course.calls_to(name) == []
    progress = api.course_progress(learner, COURSE)
    assert [(row.counts_toward_credit, row.is_credit_requirement) for row in progress] == [(False, False)]
    assert not CreditRecord.objects.filter(exam=exam).exclude(requirement_status='').exists()


def test_outside_a_credit_course_no_status_is_posted_but_a_rejection_still_zeroes(edx_platform, learner, staff,
                                                                                  final_exam):
    edx_platform.enroll(learner, COURSE, 'verified')
    edx_platform.zero_rejected_exams(COURSE)
    exam = final_exam()
    attempt = submitted(learner, exam)

    api.record_review(attempt, api.Outcome.UNSATISFACTORY, by=staff)
    assert edx_platform.override(learner, COURSE, WEEK1)['earned_graded'] == 0.0
    api.record_review(attempt, api.Outcome.SATISFACTORY, by=staff)
    assert edx_platform.override(learner, COURSE, WEEK1) is None
    api.reset_attempt(attempt, by=staff)

    assert edx_platform.calls_to('is_credit_course')
    for name in ('set_credit_requirements', 'set_credit_requirement_status', 'remove_credit_requirement_status'):
        assert edx_platform.calls_to(name) == []
    assert record(learner, exam).requirement_status == ''   # the package keeps its own record all the same


def test_an_exam_without_a_subsection_cannot_be_zeroed_in_the_gradebook(credit_course, learner, staff, final_exam,
                                                                        caplog):
    exam = final_exam(subsection_key='')
    attempt = submitted(learner, exam)
    with caplog.at_level(logging.WARNING, logger=effects.__name__):
        api.record_review(attempt, api.Outcome.UNSATISFACTORY, by=staff)
    assert f'Exam {exam.pk} has no subsection' in caplog.text
    assert credit_course.calls_to('override_subsection_grade') == []
    assert credit_course.status(learner, COURSE, FINAL) == 'failed'
    assert record(learner, exam).grade_zeroed


def test_standalone_the_package_keeps_its_own_records(learner, staff, final_exam):
    exam = final_exam()
    attempt = submitted(learner, exam)
    api.record_exam_grade(learner, exam, 2, 2)
    assert (record(learner, exam).requirement_status, record(learner, exam).counts_toward_credit) == (
        'satisfied', True)
    api.record_review(attempt, api.Outcome.UNSATISFACTORY, by=staff)
    assert (record(learner, exam).requirement_status, record(learner, exam).grade) == ('failed', 0.0)
    api.reset_attempt(attempt, by=staff)
    assert record(learner, exam).requirement_status == ''


# ---- a failing platform rolls the change back ------------------------------------------------------------

def _started(user, exam, staff):  # pylint: disable=unused-argument
    started(user, exam)


def _submitted(user, exam, staff):  # pylint: disable=unused-argument
    submitted(user, exam)


def _rejected(user, exam, staff):
    api.record_review(submitted(user, exam), api.Outcome.UNSATISFACTORY, by=staff)


def _submit(user, exam, staff):  # pylint: disable=unused-argument
    api.submit(user, exam)


def _reject(user, exam, staff):
    api.record_review(ExamAttempt.objects.get(user=user, exam=exam), api.Outcome.UNSATISFACTORY, by=staff)


def _overturn(user, exam, staff):
    api.record_review(ExamAttempt.objects.get(user=user, exam=exam), api.Outcome.SATISFACTORY, by=staff)


def _reset(user, exam, staff):
    api.reset_attempt(ExamAttempt.objects.get(user=user, exam=exam), by=staff)


def _error(user, exam, staff):
    api.mark_error(ExamAttempt.objects.get(user=user, exam=exam), by=staff)


# (how the attempt gets where it is, the failing platform callable, the change, the status the attempt keeps)
FAILURES = {
    'submit/credit status': (_started, 'set_credit_requirement_status', _submit, S.STARTED),
    'submit/is_credit_course': (_started, 'is_credit_course', _submit, S.STARTED),
    'submit/ensure requirement': (_started, 'get_credit_requirements', _submit, S.STARTED),
    'error/credit status': (_started, 'set_credit_requirement_status', _error, S.STARTED),
    'reject/grade override': (_submitted, 'override_subsection_grade', _reject, S.VERIFIED),
    'overturn/undo override': (_rejected, 'undo_override_subsection_grade', _overturn, S.REJECTED),
    'reset/remove status': (_submitted, 'remove_credit_requirement_status', _reset, S.VERIFIED),
}


@pytest.mark.parametrize('case', sorted(FAILURES))
def test_a_failing_platform_call_rolls_the_status_change_back(credit_course, learner, staff, final_exam, case):
    arrange, failing, change, kept = FAILURES[case]
    exam = final_exam()
    arrange(learner, exam, staff)
    api.record_exam_grade(learner, exam, 3, 4)
    attempt = ExamAttempt.objects.get(user=learner, exam=exam)
    history, reviews = attempt.history.count(), Review.objects.filter(attempt=attempt).count()
    before = CreditRecord.objects.filter(user=learner, exam=exam).values().first()
    credit_course.fail(failing, RuntimeError('the LMS is down'))

    with pytest.raises(RuntimeError):
        change(learner, exam, staff)

    attempt.refresh_from_db()
    assert attempt.status == kept
    assert AttemptTransition.objects.filter(attempt=attempt).count() == history
    assert Review.objects.filter(attempt=attempt).count() == reviews
    assert CreditRecord.objects.filter(user=learner, exam=exam).values().first() == before

    credit_course.failures.clear()   # the LMS is back: the same change goes through
    change(learner, exam, staff)
    attempt.refresh_from_db()
    assert attempt.status != kept


def test_a_failing_platform_call_leaves_the_attempt_object_as_it_was(credit_course, learner, final_exam):
    exam = final_exam()
    attempt = started(learner, exam)
    credit_course.fail('set_credit_requirement_status', RuntimeError('the LMS is down'))
    with pytest.raises(RuntimeError):
        api.submit(learner, exam)
    assert attempt.status == S.STARTED
    assert api.learner_state(learner, exam).status == S.STARTED


# ---- bugs --------------------------------------------------------------------------------------------------

def test_a_reset_after_the_platform_disabled_the_requirement_leaves_no_stale_status(
        credit_course, learner, make_user, staff, final_exam):
    other = make_user('other')
    credit_course.enroll(other, COURSE, 'verified')
    exam = final_exam()
    attempt = submitted(learner, exam)
    api.record_review(attempt, api.Outcome.UNSATISFACTORY, by=staff)
    credit_course.publish(COURSE, [GRADE_REQUIREMENT])   # the platform's publish disables our requirement

    api.reset_attempt(attempt, by=staff)
    submitted(other, exam)   # another learner's status brings the requirement back

    assert record(learner, exam).requirement_status == ''
    assert credit_course.status(learner, COURSE, FINAL) is None   # fails: 'failed' again


def test_the_requirement_follows_the_exams_name(credit_course, final_exam):
    final_exam(display_name='Final exam')
    final_exam(display_name='Final exam (part 1)')   # the author renames it in Studio
    assert credit_course.requirement_row(COURSE, FINAL)['display_name'] == 'Final exam (part 1)'


def test_one_failing_platform_call_does_not_stop_the_expiry_sweep(credit_course, make_user, final_exam):
    exam = final_exam(provider='counting')
    learners = [make_user(f'sweep{n}') for n in range(3)]
    for user in learners:
        credit_course.enroll(user, COURSE, 'verified')
        started(user, exam)
    first = ExamAttempt.objects.get(user=learners[0], exam=exam)
    ExamAttempt.objects.filter(exam=exam).update(deadline=timezone.now() - timedelta(minutes=1))
    ExamAttempt.objects.filter(pk=first.pk).update(deadline=timezone.now() - timedelta(minutes=2))
    real_enter = credit_course.enter

    def enter(dotted, **arguments):
        if dotted.endswith('.set_credit_requirement_status') and arguments['user_id'] == learners[0].pk:
            raise RuntimeError('the LMS refuses this one')
        real_enter(dotted, **arguments)
    credit_course.enter = enter

    api.submit_expired_attempts()

    statuses = dict(ExamAttempt.objects.filter(exam=exam).values_list('user__username', 'status'))
    assert statuses == {'sweep0': S.STARTED, 'sweep1': S.SUBMITTED, 'sweep2': S.SUBMITTED}


def test_a_course_that_does_not_zero_rejected_exams_keeps_the_grade(edx_platform, learner, staff, final_exam):
    """The platform's REJECTED_EXAM_OVERRIDES_GRADE course flag is off unless the course turns it on."""
    edx_platform.make_credit_course(COURSE, [GRADE_REQUIREMENT])
    edx_platform.enroll(learner, COURSE, 'verified')
    exam = final_exam()
    attempt = journeys.submitted(learner, exam)
    api.record_review(attempt, api.Outcome.UNSATISFACTORY, by=staff)
    assert edx_platform.status(learner, COURSE, FINAL) == 'failed'
    assert edx_platform.override(learner, COURSE, WEEK1) is None
    assert edx_platform.calls_to('override_subsection_grade') == []


def test_the_grade_override_records_who_decided(credit_course, learner, staff, final_exam):
    attempt = journeys.submitted(learner, final_exam())
    api.record_review(attempt, api.Outcome.UNSATISFACTORY, by=staff)
    api.record_review(attempt, api.Outcome.SATISFACTORY, by=staff)
    history = credit_course.override_history
    assert [(row['action'], row['user'], row['feature'], row['comments']) for row in history] == [
        ('CREATEORUPDATE', staff, 'PROCTORING', 'Proctoring review unsatisfactory'),
        ('DELETE', None, 'PROCTORING', None),
    ]


def test_a_rejection_after_a_satisfactory_verdict_leaves_the_learner_not_eligible(credit_course, learner, staff,
                                                                                  final_exam):
    """The platform refuses "satisfied" to "failed"; removing the status first is a change it accepts."""
    attempt = submitted(learner, final_exam())    # the null provider: satisfactory at once
    assert credit_course.status(learner, COURSE, FINAL) == 'satisfied'
    api.record_review(attempt, api.Outcome.UNSATISFACTORY, by=staff)
    assert credit_course.status(learner, COURSE, FINAL) == 'failed'
    service = credit_course.modules['openedx.core.djangoapps.credit.services']['CreditService']()
    service.set_credit_requirement_status(learner.pk, COURSE, 'grade', 'grade')   # the grade comes later
    assert not credit_course.is_eligible(learner, COURSE)


def test_after_a_credit_request_the_platform_changes_nothing(credit_course, learner, staff, final_exam):
    attempt = submitted(learner, final_exam())
    service = credit_course.modules['openedx.core.djangoapps.credit.services']['CreditService']()
    service.set_credit_requirement_status(learner.pk, COURSE, 'grade', 'grade')
    credit_course.request_credit(learner, COURSE)
    api.record_review(attempt, api.Outcome.UNSATISFACTORY, by=staff)
    assert credit_course.status(learner, COURSE, FINAL) == 'satisfied'   # final on the platform's side
    assert credit_course.calls_to('remove_credit_requirement_status') == []
