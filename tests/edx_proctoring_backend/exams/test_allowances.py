"""Allowances: every change recorded with who made it; a change after the start does not reach that attempt."""
import pytest

from edx_proctoring_backend import api
from edx_proctoring_backend.exams import allowances
from edx_proctoring_backend.exams.errors import NotAllowed
from edx_proctoring_backend.exams.models import Allowance, AllowanceChange
from edx_proctoring_backend.exams.statuses import AttemptStatus as S
from tests import journeys

pytestmark = pytest.mark.mariadb  # the attempts list and its queries on both databases

MINUTES = Allowance.ADDITIONAL_MINUTES


@pytest.fixture
def staff(make_user):
    """The course team member who grants allowances."""
    return make_user('course_staff')


def test_each_change_is_recorded_with_its_author_and_values(make_exam, learner, staff):
    exam = make_exam(exam_type='timed')
    first = api.set_allowance(exam, learner, MINUTES, '10', created_by=staff)
    again = api.set_allowance(exam, learner, MINUTES, '10', created_by=staff)
    changed = api.set_allowance(exam, learner, MINUTES, '25', created_by=staff)
    removed = api.remove_allowance(exam, learner, MINUTES, removed_by=staff)

    assert first.change is not None and first.started_attempt is None
    assert again.change is None  # the same value again changes nothing and records nothing
    assert changed.allowance.value == '25'
    assert removed.allowance is None and removed.change is not None
    history = list(AllowanceChange.objects.filter(exam=exam, user=learner).values_list(
        'old_value', 'new_value', 'changed_by__username'))
    assert history == [('', '10', 'course_staff'), ('10', '25', 'course_staff'), ('25', '', 'course_staff')]
    assert not Allowance.objects.filter(exam=exam, user=learner).exists()


def test_removing_nothing_records_nothing(make_exam, learner, staff):
    result = api.remove_allowance(make_exam(), learner, MINUTES, removed_by=staff)
    assert result.change is None and not AllowanceChange.objects.exists()


def test_the_history_is_append_only(make_exam, learner, staff):
    change = api.set_allowance(make_exam(), learner, MINUTES, '10', created_by=staff).change
    change.new_value = '99'
    with pytest.raises(ValueError):
        change.save()
    with pytest.raises(ValueError):
        change.delete()


def test_an_allowance_after_the_start_says_so_and_leaves_the_running_clock(make_exam, learner, staff):
    exam = make_exam(exam_type='timed', time_limit_minutes=30)
    attempt = api.start(learner, exam)
    deadline = attempt.deadline

    result = api.set_allowance(exam, learner, MINUTES, '60', created_by=staff)

    assert result.started_attempt == attempt
    assert result.change.started_attempt == attempt
    attempt.refresh_from_db()
    assert attempt.deadline == deadline and attempt.extra_minutes == 0


def test_after_a_reset_the_allowance_reaches_the_retake(make_exam, learner, staff):
    exam = make_exam(exam_type='timed', time_limit_minutes=30)
    first = api.start(learner, exam)
    api.reset_attempt(first, by=staff)

    result = api.set_allowance(exam, learner, MINUTES, '15', created_by=staff)
    retake = api.start(learner, exam)

    assert result.started_attempt is None
    assert retake.attempt_number == 2 and retake.extra_minutes == 15
    assert (retake.deadline - retake.started_at).total_seconds() == 45 * 60


@pytest.mark.parametrize('text, expected', [
    ('alice\nbob@example.org\n', ['alice', 'bob@example.org']),
    ('username,name\nalice,Alice A\n\nBob,Bob B\nalice,again\n', ['username', 'alice', 'Bob']),
    ('email\r\nalice@example.org\r\n', ['email', 'alice@example.org']),
    ('\ufeffalice\n', ['alice']),  # a byte order mark is no part of the first name
    ('', []),
])
def test_bulk_files_are_read_by_first_column_without_header_blanks_or_repeats(text, expected):
    assert allowances.read_identifiers(text) == expected


def test_a_header_line_is_skipped_unless_a_learner_has_that_name(make_exam, make_user, staff):
    exam = make_exam(exam_type='timed')
    make_user('alice')
    rows = api.bulk_set_allowances(exam, 'username\nalice\n', MINUTES, '5', by=staff)
    assert [(row.identifier, row.outcome) for row in rows] == [('alice', 'added')]
    make_user('email')
    rows = api.bulk_set_allowances(exam, 'email\nalice\n', MINUTES, '5', by=staff)
    assert [(row.identifier, row.outcome) for row in rows] == [('email', 'added'), ('alice', 'unchanged')]
    rows = api.bulk_set_allowances(exam, 'learner\nalice\n', MINUTES, '5', by=staff)  # no header name
    assert [(row.identifier, row.outcome) for row in rows] == [('learner', 'unknown_learner'), ('alice', 'unchanged')]


def test_a_bulk_file_too_long_is_refused():
    with pytest.raises(NotAllowed):
        allowances.read_identifiers('\n'.join(f'user{number}' for number in range(allowances.MAX_BULK_ROWS + 1)))


@pytest.mark.parametrize('text, code', [
    ('a' * 140_000, 'file_not_csv'),           # past the csv module's field limit
    ('learner\nnul\x00byte', 'not_an_identifier'),
    ('learner\n' + 'b' * 300, 'not_an_identifier'),
])
def test_a_bulk_file_that_cannot_be_a_list_of_learners_is_refused(text, code):
    with pytest.raises(NotAllowed) as refused:
        allowances.read_identifiers(text)
    assert refused.value.code == code


def test_bulk_allowances_report_each_line_and_check_the_value_first(make_exam, make_user, staff):
    exam = make_exam(exam_type='timed')
    alice = make_user('alice')
    bob = make_user('bob')
    bob.email = 'bob@example.org'
    bob.save()
    api.set_allowance(exam, alice, MINUTES, '5', created_by=staff)
    api.start(bob, exam)

    with pytest.raises(NotAllowed):
        api.bulk_set_allowances(exam, 'alice\n', MINUTES, 'many', by=staff)
    assert Allowance.objects.get(user=alice).value == '5'

    rows = api.bulk_set_allowances(exam, 'alice\nBOB@example.org\nnobody\n', MINUTES, '20', by=staff)

    assert [(row.identifier, row.outcome) for row in rows] == [
        ('alice', 'updated'), ('BOB@example.org', 'added'), ('nobody', 'unknown_learner')]
    assert rows[1].user == bob and rows[1].started_attempt is not None
    again = api.bulk_set_allowances(exam, 'alice', MINUTES, '20', by=staff)
    assert again[0].outcome == 'unchanged'


def test_an_exemption_after_the_start_does_not_reach_that_attempt(make_exam, learner, staff):
    exam = make_exam(provider='counting')
    running = journeys.started(learner, exam)
    api.set_allowance(exam, learner, Allowance.REVIEW_EXEMPTION, 'true', created_by=staff)
    assert api.submit(learner, exam).status == S.SUBMITTED  # reviewed as usual: it started without one
    api.reset_attempt(running, by=staff)
    journeys.started(learner, exam)
    assert api.submit(learner, exam).status == S.VERIFIED  # the retake started with the exemption
