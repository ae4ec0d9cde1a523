"""
Two tabs, a double click, 200 requests at once: one attempt, one provider registration, one start.
Runs on SQLite (a file database shared by real threads) and on MariaDB (``make test``'s second run).
"""
import threading

import pytest
from django.db import close_old_connections, connections

from edx_proctoring_backend import api
from edx_proctoring_backend.exams.models import Allowance, AllowanceChange, AttemptTransition, ExamAttempt
from tests import journeys
from tests.fakes.counting_provider import CALLS, reset_calls

S = api.AttemptStatus
CONCURRENT_REQUESTS = 200

pytestmark = [pytest.mark.mariadb, pytest.mark.django_db(transaction=True)]


def run_at_once(action, count=CONCURRENT_REQUESTS):
    """Run ``action()`` in ``count`` threads released together; return results and errors."""
    barrier = threading.Barrier(count)
    results, errors = [], []
    lock = threading.Lock()

    def worker():
        close_old_connections()
        try:
            barrier.wait()
            outcome = action()
            with lock:
                results.append(outcome)
        except Exception as error:  # pylint: disable=broad-except
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results, errors


@pytest.fixture(autouse=True)
def _room_for_every_request():
    """MariaDB allows 151 connections by default; each thread here holds one, plus the test's own."""
    connection = connections['default']
    if connection.vendor == 'mysql':
        with connection.cursor() as cursor:
            cursor.execute('SET GLOBAL max_connections = GREATEST(@@max_connections, %s)',
                           [CONCURRENT_REQUESTS + 50])


@pytest.fixture
def counting_exam(make_exam):
    reset_calls()
    return make_exam(provider='counting')


def test_concurrent_opt_in_creates_one_attempt_and_one_registration(learner, counting_exam):
    results, errors = run_at_once(lambda: journeys.opt_in(learner, counting_exam).pk)
    assert not errors, errors[:3]
    assert len(set(results)) == 1
    assert ExamAttempt.objects.filter(exam=counting_exam, user=learner).count() == 1
    assert CALLS['register_attempt'] == 1


def test_concurrent_start_starts_once(learner, counting_exam):
    attempt = journeys.opt_in(learner, counting_exam)
    api.confirm_checks(learner, counting_exam, attempt.exam_code)
    results, errors = run_at_once(lambda: api.start(learner, counting_exam).pk)
    assert not errors, errors[:3]
    assert set(results) == {attempt.pk}
    assert CALLS['on_start'] == 1
    assert AttemptTransition.objects.filter(attempt=attempt, to_status=S.STARTED).count() == 1
    assert ExamAttempt.objects.get(pk=attempt.pk).status == S.STARTED


def test_concurrent_timed_start_creates_one_attempt(learner, make_exam):
    exam = make_exam(exam_type='timed')
    results, errors = run_at_once(lambda: api.start(learner, exam).pk)
    assert not errors, errors[:3]
    assert len(set(results)) == 1
    assert ExamAttempt.objects.filter(exam=exam, user=learner).count() == 1


def test_concurrent_code_redemption_succeeds_once(learner, counting_exam):
    attempt = journeys.opt_in(learner, counting_exam)
    code = attempt.exam_code

    def redeem():
        try:
            api.redeem_exam_code(ExamAttempt.objects.get(pk=attempt.pk), code)
            return 'ok'
        except api.InvalidExamCode:
            return 'refused'
    results, errors = run_at_once(redeem, count=50)
    assert not errors, errors[:3]
    assert results.count('ok') == 1 and results.count('refused') == 49


def test_concurrent_submit_and_expiry_submit_once(learner, counting_exam):
    attempt = journeys.opt_in(learner, counting_exam)
    api.confirm_checks(learner, counting_exam, attempt.exam_code)
    api.start(learner, counting_exam)
    results, errors = run_at_once(lambda: api.submit(learner, counting_exam).status, count=50)
    assert not errors, errors[:3]
    assert set(results) == {S.SUBMITTED}
    assert CALLS['on_submit'] == 1
    assert AttemptTransition.objects.filter(attempt=attempt, to_status=S.SUBMITTED).count() == 1


def test_simultaneous_allowance_changes_keep_one_allowance_and_an_unbroken_record(make_exam, learner, make_user):
    exam = make_exam()
    staff = make_user('course_staff')
    values = iter(str(minutes) for minutes in range(1, 41))
    lock = threading.Lock()

    def change():
        with lock:
            value = next(values)
        return api.set_allowance(exam, learner, Allowance.ADDITIONAL_MINUTES, value, created_by=staff)

    results, errors = run_at_once(change, count=40)

    assert not errors and len(results) == 40
    allowance = Allowance.objects.get(exam=exam, user=learner)
    changes = list(AllowanceChange.objects.filter(exam=exam, user=learner).order_by('pk'))
    assert len(changes) == 40
    # Each change starts from what the one before left: the record is a chain ending at the value in force.
    assert changes[0].old_value == ''
    assert all(after.old_value == before.new_value for before, after in zip(changes, changes[1:]))
    assert changes[-1].new_value == allowance.value
