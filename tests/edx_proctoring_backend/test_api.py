"""The public API: the learner's path through proctored, practice and timed exams."""
from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from edx_proctoring_backend import api
from edx_proctoring_backend.exams import alternatives
from edx_proctoring_backend.exams.models import Allowance, AttemptTransition, ExamAttempt
from edx_proctoring_backend.flow import learner as learner_flow
from tests import journeys
from tests.fakes.counting_provider import CALLS, reset_calls
from tests.journeys import started

S = api.AttemptStatus
pytestmark = pytest.mark.mariadb


@pytest.fixture(autouse=True)
def _fresh_counts():
    reset_calls()


# ---- opting in and out ----------------------------------------------------------------------------

def test_verified_learner_is_offered_proctoring(learner, make_exam):
    state = api.learner_state(learner, make_exam())
    assert state.proctoring_offered and state.may_opt_out
    assert not state.content_visible
    assert state.steps == (api.Step.EXAM_CODE,)
    # The terms come first, before any attempt; nobody has refused them.
    assert state.terms.version == 1 and not state.refused and state.alternatives == ('unproctored',)


@override_settings(PROCTORING_STANDALONE_ENROLLMENT_MODES={'auditor': 'audit'})
def test_audit_learner_takes_a_regular_exam(make_user, make_exam):
    auditor, exam = make_user('auditor'), make_exam()
    state = api.learner_state(auditor, exam)
    assert not state.proctoring_offered
    assert state.content_visible
    with pytest.raises(api.NotAllowed) as raised:
        journeys.opt_in(auditor, exam)
    assert raised.value.code == 'not_verified'
    api.assert_answers_accepted(auditor, exam)


def test_opt_in_issues_one_code_and_one_registration(learner, make_exam):
    exam = make_exam(provider='counting')
    first = journeys.opt_in(learner, exam)
    again = journeys.opt_in(learner, exam)
    assert first.pk == again.pk
    assert first.status == S.CREATED and first.taking_as_proctored
    assert first.provider_attempt_id == f'session-{first.pk}'
    assert CALLS['register_attempt'] == 1
    assert len(first.exam_code.replace('-', '')) == 26


def test_opting_in_leaves_on_campus_requests_alone_where_the_exam_offers_none(learner, make_exam, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError('an exam without on-campus sittings has no request to withdraw')

    monkeypatch.setattr(alternatives, 'withdraw', refuse)
    assert journeys.opt_in(learner, make_exam()).status == S.CREATED


def test_the_code_is_used_only_if_the_attempt_becomes_ready(learner, make_exam, monkeypatch):
    exam = make_exam()
    attempt = journeys.opt_in(learner, exam)

    def another_request_first(*args, **kwargs):
        raise api.IllegalTransition(S.CREATED, S.READY_TO_START)

    monkeypatch.setattr(learner_flow, 'transition', another_request_first)
    with pytest.raises(api.IllegalTransition):
        api.confirm_checks(learner, exam, attempt.exam_code)
    assert ExamAttempt.objects.get(pk=attempt.pk).code_redeemed_at is None   # the code is still the learner's


def test_opting_out_is_final(learner, make_exam):
    exam = make_exam()
    attempt = api.opt_out(learner, exam)
    assert attempt.status == S.DECLINED
    state = api.learner_state(learner, exam)
    assert state.content_visible and state.time is None
    with pytest.raises(api.NotAllowed) as raised:
        journeys.opt_in(learner, exam)
    assert raised.value.code == 'already_declined'
    api.assert_answers_accepted(learner, exam)  # a regular exam, without time limit


def test_after_an_error_only_an_exam_kept_for_edx_proctoring_is_taken_again(learner, make_exam):
    """edx-proctoring opens a new attempt only when staff let the learner resume: this package follows."""
    hosted = api.host_exam(7, 'course-v1:Test+Exam+2026', 'Final', 60, 'null')
    for exam, again in ((make_exam(), False), (hosted, True)):
        errored = api.mark_error(started(learner, exam), reason='the session ended')
        assert (journeys.opt_in(learner, exam).pk != errored.pk) is again


def test_a_code_shown_elsewhere_is_the_exam_code_as_typed(learner, make_exam):
    """edx-proctoring's attempt code (shown by the learning MFE) is the attempt's exam code."""
    exam = make_exam()
    attempt = api.opt_in(learner, exam, api.consent_terms(exam).version,
                         exam_code='8f3a1c2e-7b4d-4e5f-9a6b-0c1d2e3f4a5b')
    assert attempt.exam_code == '8F3A1-C2E7B-4D4E5-F9A6B-0C1D2-E3F4A-5B'
    api.confirm_checks(learner, exam, '8F3A1C2E-7B4D-4E5F-9A6B-0C1D2E3F4A5B')
    assert ExamAttempt.objects.get(pk=attempt.pk).status == S.READY_TO_START


def test_opting_out_after_opting_in_but_before_starting(learner, make_exam):
    exam = make_exam()
    journeys.opt_in(learner, exam)
    assert api.opt_out(learner, exam).status == S.DECLINED


def test_opting_out_after_starting_is_refused(learner, make_exam):
    exam = make_exam()
    started(learner, exam)
    with pytest.raises(api.NotAllowed) as raised:
        api.opt_out(learner, exam)
    assert raised.value.code == 'already_started'


def test_course_can_forbid_opting_out_unless_an_allowance_permits(learner, make_user, make_exam):
    exam = make_exam(allow_opt_out=False)
    assert not api.learner_state(learner, exam).may_opt_out
    with pytest.raises(api.NotAllowed) as raised:
        api.opt_out(learner, exam)
    assert raised.value.code == 'opt_out_forbidden'
    other = make_user('other')
    api.set_allowance(exam, other, Allowance.OPT_OUT_PERMISSION, 'true')
    assert api.learner_state(other, exam).may_opt_out
    assert api.opt_out(other, exam).status == S.DECLINED


def test_practice_exams_cannot_be_declined(learner, make_exam):
    with pytest.raises(api.NotAllowed):
        api.opt_out(learner, make_exam(exam_type='practice'))


# ---- checks and exam codes ----------------------------------------------------------------------------

@pytest.mark.parametrize('answered', ['', '0', '2', None, 'one'])
def test_opting_in_needs_the_current_terms(learner, make_exam, answered):
    exam = make_exam()
    with pytest.raises(api.TermsChanged) as raised:
        api.opt_in(learner, exam, answered)
    assert raised.value.code == 'terms_changed' and raised.value.current_version == 1
    assert not ExamAttempt.objects.exists()


def test_code_of_another_learner_or_exam_is_refused(learner, make_user, make_exam):
    exam, other_exam, other = make_exam(), make_exam(), make_user('other')
    mine = journeys.opt_in(learner, exam)
    theirs = journeys.opt_in(other, exam)
    mine_elsewhere = journeys.opt_in(learner, other_exam)
    for wrong in (theirs.exam_code, mine_elsewhere.exam_code, 'AAAAA-AAAAA', ''):
        with pytest.raises(api.InvalidExamCode) as raised:
            api.confirm_checks(learner, exam, wrong)
        assert raised.value.code == 'invalid_exam_code'
    assert ExamAttempt.objects.get(pk=mine.pk).code_redeemed_at is None
    api.confirm_checks(learner, exam, mine.exam_code.lower())
    assert ExamAttempt.objects.get(pk=mine.pk).status == S.READY_TO_START


def test_code_is_single_use(learner, make_exam):
    exam = make_exam()
    attempt = journeys.opt_in(learner, exam)
    assert api.validate_exam_code(attempt.exam_code).pk == attempt.pk
    api.redeem_exam_code(attempt, attempt.exam_code)
    with pytest.raises(api.InvalidExamCode) as raised:
        api.redeem_exam_code(attempt, attempt.exam_code)
    assert raised.value.code == 'exam_code_used'
    with pytest.raises(api.InvalidExamCode):
        api.validate_exam_code(attempt.exam_code)


def test_start_requires_the_checks(learner, make_exam):
    exam = make_exam()
    with pytest.raises(api.ChecksNotPassed):
        api.start(learner, exam)
    journeys.opt_in(learner, exam)
    with pytest.raises(api.ChecksNotPassed) as raised:
        api.start(learner, exam)
    assert raised.value.code == 'not_ready'


# ---- the clock ------------------------------------------------------------------------------------------

def test_start_sets_the_deadline_once(learner, make_exam):
    exam = make_exam(provider='counting')
    attempt = started(learner, exam)
    again = api.start(learner, exam)
    assert again.pk == attempt.pk and again.deadline == attempt.deadline
    assert attempt.deadline - attempt.started_at == timedelta(minutes=60)
    assert CALLS['on_start'] == 1
    state = api.learner_state(learner, exam)
    assert state.content_visible
    assert state.time.total_seconds == 3600 and state.time.low_warning_seconds == 720
    assert state.time.critical_warning_seconds == 180


def test_allowances_apply_when_the_clock_starts_and_not_after(learner, make_exam):
    exam = make_exam(time_limit_minutes=60)
    api.set_allowance(exam, learner, Allowance.ADDITIONAL_MINUTES, '15')
    api.set_allowance(exam, learner, Allowance.TIME_MULTIPLIER, '1.5')
    attempt = started(learner, exam)
    assert attempt.deadline - attempt.started_at == timedelta(minutes=105)
    api.set_allowance(exam, learner, Allowance.ADDITIONAL_MINUTES, '120')
    assert api.learner_state(learner, exam).time.total_seconds == 105 * 60


def test_due_date_caps_the_clock(learner, make_exam):
    exam = make_exam(due_date=timezone.now() + timedelta(minutes=10))
    attempt = started(learner, exam)
    assert attempt.deadline == exam.due_date


def test_a_learners_own_due_date_caps_their_clock_instead_of_the_exams(learner, make_user, make_exam):
    """The platform personalises due dates (an extension): the learner's own, given at start, is the cap."""
    exam = make_exam(due_date=timezone.now() + timedelta(minutes=10))
    extended = make_user('extended')
    for user in (learner, extended):
        journeys.opt_in(user, exam)
        api.confirm_checks(user, exam, ExamAttempt.objects.get(user=user).exam_code)
    api.start(extended, exam, personal_due=exam.due_date + timedelta(minutes=20))
    api.start(learner, exam)
    assert ExamAttempt.objects.get(user=extended).deadline == exam.due_date + timedelta(minutes=20)
    assert ExamAttempt.objects.get(user=learner).deadline == exam.due_date


@pytest.mark.parametrize('kind,value', [
    (Allowance.ADDITIONAL_MINUTES, '0'), (Allowance.ADDITIONAL_MINUTES, 'ten'),
    (Allowance.TIME_MULTIPLIER, '0.5'), (Allowance.TIME_MULTIPLIER, '11'), ('free_pass', 'true'),
])
def test_invalid_allowances_are_refused(learner, make_exam, kind, value):
    with pytest.raises(api.NotAllowed) as raised:
        api.set_allowance(make_exam(), learner, kind, value)
    assert raised.value.code == 'invalid_allowance'
    assert not Allowance.objects.exists()


def test_timer_status_is_the_servers_and_needs_the_token(learner, make_user, make_exam):
    exam = make_exam(time_limit_minutes=1)
    attempt = started(learner, exam)
    token = api.timer_token(attempt)
    with time_machine.travel(attempt.started_at + timedelta(seconds=20), tick=False):
        status = api.timer_status(token)
    assert status == {'status': S.STARTED, 'remaining_seconds': 40, 'total_seconds': 60,
                      'low_warning_seconds': 12, 'critical_warning_seconds': 3}
    with pytest.raises(api.InvalidStatusToken):
        api.timer_status(token[:-2] + 'xx')
    with pytest.raises(api.InvalidStatusToken):
        api.timer_status('')
    forged = api.timer_token(ExamAttempt(pk=attempt.pk, user_id=make_user('other').pk))
    with pytest.raises(api.AttemptNotFound):
        api.timer_status(forged)


def test_time_running_out_submits_on_next_access(learner, make_exam):
    exam = make_exam(time_limit_minutes=1)
    attempt = started(learner, exam)
    with time_machine.travel(attempt.deadline + timedelta(seconds=1), tick=False):
        state = api.learner_state(learner, exam)
    assert state.status == S.VERIFIED  # submitted, and the null provider has nothing to review
    submitted = AttemptTransition.objects.get(attempt=attempt, to_status=S.SUBMITTED)
    assert submitted.reason == 'submitted: time_expired'
    assert ExamAttempt.objects.get(pk=attempt.pk).submit_reason == 'time_expired'


def test_periodic_task_submits_when_the_browser_is_gone(learner, make_user, make_exam):
    from edx_proctoring_backend import tasks  # pylint: disable=import-outside-toplevel
    exam = make_exam(time_limit_minutes=1, provider='counting')
    gone = started(learner, exam)
    still_running = started(make_user('slow'), make_exam(time_limit_minutes=90))
    with time_machine.travel(gone.deadline + timedelta(seconds=5), tick=False):
        tasks.submit_expired_attempts.delay()
    assert ExamAttempt.objects.get(pk=gone.pk).status == S.SUBMITTED
    assert ExamAttempt.objects.get(pk=still_running.pk).status == S.STARTED
    assert CALLS['on_submit'] == 1


def test_answers_until_the_deadline_plus_grace(learner, make_exam, settings):
    settings.PROCTORING_ANSWER_GRACE_SECONDS = 10
    exam = make_exam(time_limit_minutes=1, provider='counting')
    with pytest.raises(api.AnswersClosed) as raised:
        api.assert_answers_accepted(learner, exam)
    assert raised.value.code == 'exam_not_started'
    attempt = started(learner, exam)
    api.assert_answers_accepted(learner, exam)
    with time_machine.travel(attempt.deadline + timedelta(seconds=9), tick=False):
        api.assert_answers_accepted(learner, exam)  # the save sent at 00:00 still counts
    with time_machine.travel(attempt.deadline + timedelta(seconds=11), tick=False):
        with pytest.raises(api.AnswersClosed) as raised:
            api.assert_answers_accepted(learner, exam)
    assert raised.value.code == 'answers_closed'


def test_no_answers_after_ending_the_exam(learner, make_exam):
    exam = make_exam(provider='counting')
    started(learner, exam)
    api.submit(learner, exam)
    with pytest.raises(api.AnswersClosed):
        api.assert_answers_accepted(learner, exam)


# ---- submitting and reviews ----------------------------------------------------------------------

def test_submitting_twice_submits_once(learner, make_exam):
    exam = make_exam(provider='counting')
    started(learner, exam)
    first = api.submit(learner, exam)
    second = api.submit(learner, exam)
    assert first.pk == second.pk and second.status == S.SUBMITTED
    assert CALLS['on_submit'] == 1
    assert api.learner_state(learner, exam).review_status == api.ReviewStatus.PENDING


def test_null_provider_review_is_satisfactory(learner, make_exam):
    exam = make_exam()
    started(learner, exam)
    api.submit(learner, exam)
    assert api.learner_state(learner, exam).review_status == api.ReviewStatus.SATISFACTORY
    review = api.learner_state(learner, exam).attempt.reviews.get()
    assert review.comments == [{'comment': 'No recording to review.'}]  # the provider's remark is kept


def test_people_make_the_unsatisfactory_call(learner, make_user, make_exam):
    exam = make_exam(provider='counting')
    attempt = started(learner, exam)
    api.submit(learner, exam)
    api.record_review(attempt, api.ReviewStatus.UNSATISFACTORY)
    assert attempt.status == S.SECOND_REVIEW_REQUIRED
    reviewer = make_user('reviewer')
    api.record_review(attempt, api.ReviewStatus.UNSATISFACTORY, by=reviewer, comment='phone on desk')
    assert ExamAttempt.objects.get(pk=attempt.pk).status == S.REJECTED
    decision = AttemptTransition.objects.filter(attempt=attempt).last()
    assert decision.changed_by == reviewer and 'phone on desk' in decision.reason
    assert api.learner_state(learner, exam).review_status == api.ReviewStatus.UNSATISFACTORY


def test_review_exemption_allowance(learner, make_exam):
    exam = make_exam(provider='counting')
    api.set_allowance(exam, learner, Allowance.REVIEW_EXEMPTION, 'true')
    started(learner, exam)
    assert api.submit(learner, exam).status == S.VERIFIED


def test_practice_exams_are_never_reviewed_and_retried_without_limit(learner, make_exam):
    exam = make_exam(exam_type='practice', provider='counting')
    numbers = []
    for _ in range(3):
        attempt = started(learner, exam)
        api.submit(learner, exam)
        numbers.append(attempt.attempt_number)
        assert api.learner_state(learner, exam).practice_result == 'complete'
        with pytest.raises(api.NotAllowed):
            api.record_review(attempt, api.ReviewStatus.SATISFACTORY, by=learner)
    assert numbers == [1, 2, 3]
    attempt = started(learner, exam)
    api.mark_error(attempt, reason='proctoring software closed')
    assert api.learner_state(learner, exam).practice_result == 'failed'
    assert journeys.opt_in(learner, exam).attempt_number == 5


def test_timed_exam_starts_without_proctoring(learner, make_exam):
    exam = make_exam(exam_type='timed', time_limit_minutes=20)
    state = api.learner_state(learner, exam)
    assert not state.proctoring_offered and not state.content_visible
    with pytest.raises(api.NotAllowed):
        journeys.opt_in(learner, exam)
    attempt = api.start(learner, exam)
    assert attempt.status == S.STARTED and not attempt.taking_as_proctored
    assert api.start(learner, exam).pk == attempt.pk
    assert api.submit(learner, exam).status == S.SUBMITTED
    assert api.learner_state(learner, exam).review_status is None


def test_reset_lets_the_learner_retake_and_keeps_the_history(learner, make_user, make_exam):
    exam, staff = make_exam(), make_user('staff')
    first = started(learner, exam)
    api.mark_error(first, by=staff, reason='proctoring session lost')
    api.reset_attempt(first, by=staff, reason='support agreed')
    second = journeys.opt_in(learner, exam)
    assert second.pk != first.pk and second.attempt_number == 2
    history = [(t.from_status, t.to_status) for t in api.attempt_history(first)]
    assert history == [(None, S.CREATED), (S.CREATED, S.READY_TO_START), (S.READY_TO_START, S.STARTED),
                       (S.STARTED, S.ERROR), (S.ERROR, S.RESET)]


# ---- exam settings --------------------------------------------------------------------------------

@pytest.mark.parametrize('changes,field', [
    ({'exam_type': 'oral'}, 'exam_type'), ({'time_limit_minutes': 0}, 'time_limit_minutes'),
    ({'time_limit_minutes': 'soon'}, 'time_limit_minutes'), ({'time_limit_minutes': 10000}, 'time_limit_minutes'),
    ({'provider': 'nobody'}, 'provider'), ({'allow_opt_out': 'maybe'}, 'allow_opt_out'),
])
def test_invalid_exam_settings_are_refused(changes, field):
    values = {'exam_type': 'proctored', 'time_limit_minutes': 60, 'provider': 'null', 'allow_opt_out': True}
    values.update(changes)
    with pytest.raises(api.InvalidExamSettings) as raised:
        api.validate_exam_settings(**values)
    assert field in raised.value.errors


@pytest.mark.django_db
def test_sync_exam_writes_only_changes(django_assert_num_queries, django_capture_on_commit_callbacks):
    kwargs = {'exam_type': 'proctored', 'time_limit_minutes': 60, 'provider': 'counting'}
    with django_capture_on_commit_callbacks(execute=True):
        exam = api.sync_exam('course-v1:A+B+C', 'block-v1:x', **kwargs)
    assert CALLS['register_exam'] == 1
    with django_assert_num_queries(1), django_capture_on_commit_callbacks() as queued:
        assert api.sync_exam('course-v1:A+B+C', 'block-v1:x', **kwargs).pk == exam.pk
    assert not queued
    with django_capture_on_commit_callbacks(execute=True):
        api.sync_exam('course-v1:A+B+C', 'block-v1:x', **{**kwargs, 'time_limit_minutes': 90})
    assert api.get_exam('block-v1:x').time_limit_minutes == 90
    assert CALLS['register_exam'] == 2
    with pytest.raises(api.ExamNotFound):
        api.get_exam('block-v1:missing')
