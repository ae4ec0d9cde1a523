"""
A Hypothesis state machine over the attempt lifecycle: learners and staff act in any order while
server time passes, and the rules hold after every step.
"""
# Rules and invariants are named for what they do.
# pylint: disable=missing-function-docstring
import itertools
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from edx_proctoring_backend import api
from edx_proctoring_backend.exams.models import Allowance, AttemptTransition, ExamAttempt
from edx_proctoring_backend.exams.statuses import NEW, is_allowed

S = api.AttemptStatus
_names = itertools.count()


class AttemptLifecycle(RuleBasedStateMachine):
    """One learner, one exam, a server clock that only moves forward, and every action allowed."""

    def __init__(self):
        super().__init__()
        self.now = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
        self.clock = time_machine.travel(self.now, tick=False)
        self.traveller = self.clock.start()
        self.allowance_minutes = 0
        self.last_remaining = None
        self.exam = self.learner = self.staff = None

    @initialize(exam_type=st.sampled_from(api.ExamType.ALL), limit=st.integers(min_value=1, max_value=120),
                allow_opt_out=st.booleans())
    def create_exam(self, exam_type, limit, allow_opt_out):
        number = next(_names)
        users = get_user_model().objects
        self.learner = users.create(username=f'lifecycle-learner-{number}')
        self.staff = users.create(username=f'lifecycle-staff-{number}')
        self.exam = api.sync_exam('course-v1:Prop+Erty+1', f'block-v1:lifecycle-{number}', exam_type=exam_type,
                                  time_limit_minutes=limit, provider='counting', allow_opt_out=allow_opt_out)

    def teardown(self):
        self.clock.stop()

    def _try(self, action, *args, **kwargs):
        try:
            action(*args, **kwargs)
        except api.ProctoringError:
            pass  # refused: the invariants check that nothing changed wrongly

    def _attempt(self):
        return ExamAttempt.objects.filter(exam=self.exam, user=self.learner).order_by('-attempt_number').first()

    @rule(seconds=st.integers(min_value=1, max_value=3 * 3600))
    def time_passes(self, seconds):
        self.now += timedelta(seconds=seconds)
        self.traveller.move_to(self.now)

    @rule(verdict=st.sampled_from([api.ReviewStatus.SATISFACTORY, api.ReviewStatus.UNSATISFACTORY]))
    def take_the_next_step(self, verdict):
        """What a learner (then a reviewer) does next, so that runs reach the later statuses."""
        attempt = self._attempt()
        status = attempt.status if attempt else None
        if self.exam.exam_type == api.ExamType.TIMED or status == S.READY_TO_START:
            self.start()
        elif status in (None, S.RESET) or (
                status in S.COMPLETED + (S.ERROR,) and self.exam.exam_type == api.ExamType.PRACTICE):
            self.opt_in(current_terms=True)
        elif status == S.CREATED:
            self._try(api.confirm_checks, self.learner, self.exam, attempt.exam_code)
        elif status == S.STARTED:
            self.submit()
        elif status in (S.SUBMITTED, S.SECOND_REVIEW_REQUIRED):
            self._try(api.record_review, attempt, verdict, by=self.staff if status != S.SUBMITTED else None)

    def _attempt_state(self):
        attempt = self._attempt()
        return (attempt.pk, attempt.status) if attempt else None

    @rule(current_terms=st.booleans())
    def opt_in(self, current_terms):
        before = self._attempt_state()
        version = api.consent_terms(self.exam).version if current_terms else 'old'
        self._try(api.opt_in, self.learner, self.exam, version)
        if not current_terms:  # old terms open nothing
            assert self._attempt_state() == before

    @rule()
    def refuse_terms(self):
        before = self._attempt_state()
        self._try(api.refuse_terms, self.learner, self.exam, api.consent_terms(self.exam).version)
        # Refusing costs nothing: no attempt is made or changed.
        assert self._attempt_state() == before

    @rule()
    def opt_out(self):
        self._try(api.opt_out, self.learner, self.exam)

    @rule(use_right_code=st.booleans())
    def confirm_checks(self, use_right_code):
        attempt = self._attempt()
        code = attempt.exam_code if attempt and use_right_code else 'WRONG-CODE'
        self._try(api.confirm_checks, self.learner, self.exam, code)

    @rule()
    def start(self):
        before = self._attempt()
        self._try(api.start, self.learner, self.exam)
        after = self._attempt()
        if after and after.status == S.STARTED and (before is None or before.status != S.STARTED):
            self.last_remaining = None

    @rule()
    def submit(self):
        self._try(api.submit, self.learner, self.exam)

    @rule()
    def sweep(self):
        api.submit_expired_attempts()

    @rule(minutes=st.integers(min_value=1, max_value=60))
    def grant_extra_time(self, minutes):
        self.allowance_minutes = max(self.allowance_minutes, minutes)  # the most ever granted
        api.set_allowance(self.exam, self.learner, Allowance.ADDITIONAL_MINUTES, str(minutes), created_by=self.staff)

    @rule(outcome=st.sampled_from([api.ReviewStatus.SATISFACTORY, api.ReviewStatus.UNSATISFACTORY]),
          by_person=st.booleans())
    def review(self, outcome, by_person):
        attempt = self._attempt()
        if attempt is not None:
            self._try(api.record_review, attempt, outcome, by=self.staff if by_person else None)

    @rule()
    def error(self):
        attempt = self._attempt()
        if attempt is not None:
            self._try(api.mark_error, attempt, by=self.staff)

    @rule()
    def reset(self):
        attempt = self._attempt()
        if attempt is not None:
            self._try(api.reset_attempt, attempt, by=self.staff)

    @invariant()
    def history_replays_to_the_status(self):
        if self.exam is None:
            return
        for attempt in ExamAttempt.objects.filter(exam=self.exam):
            status = NEW
            for change in AttemptTransition.objects.filter(attempt=attempt).order_by('created', 'pk'):
                assert change.from_status == status
                assert is_allowed(status, change.to_status)
                status = change.to_status
            assert status == attempt.status

    @invariant()
    def at_most_one_live_attempt(self):
        if self.exam is None:
            return
        live = ExamAttempt.objects.filter(exam=self.exam, user=self.learner).exclude(status=S.RESET)
        assert live.count() <= 1 or self.exam.exam_type == api.ExamType.PRACTICE

    @invariant()
    def time_left_is_bounded_and_never_grows(self):
        if self.exam is None:
            return
        state = api.learner_state(self.learner, self.exam)
        attempt = state.attempt
        if attempt is None or state.time is None:
            assert attempt is None or attempt.status != S.STARTED or attempt.deadline > self.now
            return
        limit_seconds = (self.exam.time_limit_minutes + attempt.extra_minutes) * 60
        assert 0 <= state.time.remaining_seconds <= limit_seconds
        assert attempt.extra_minutes <= self.allowance_minutes
        assert state.time.remaining_seconds > 0  # at 00:00 the attempt is submitted, never left running
        if self.last_remaining is not None:
            assert state.time.remaining_seconds <= self.last_remaining
        self.last_remaining = state.time.remaining_seconds

    @invariant()
    def declined_is_final_and_untimed(self):
        attempt = self._attempt() if self.exam else None
        if attempt is not None and attempt.status == S.DECLINED:
            assert attempt.deadline is None
            assert self.exam.exam_type == api.ExamType.PROCTORED


@pytest.mark.django_db
def test_attempt_lifecycle_properties():
    run_state_machine_as_test(AttemptLifecycle, settings=settings(
        max_examples=80, stateful_step_count=40, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))
