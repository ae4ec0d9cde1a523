"""Finding attempts: filters, pages, and a constant number of queries per page."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from edx_proctoring_backend import api
from edx_proctoring_backend.exams import search
from edx_proctoring_backend.exams.models import ExamAttempt
from edx_proctoring_backend.exams.statuses import AttemptStatus

pytestmark = pytest.mark.mariadb  # the attempts list and its queries on both databases

OTHER_COURSE = 'course-v1:Other+Course+2026'


@pytest.fixture
def attempts(make_exam, make_user):
    """Twelve learners in two exams of the course, and one attempt in another course."""
    timed = make_exam(exam_type='timed', display_name='Quiz')
    final = make_exam(exam_type='timed', display_name='Final')
    elsewhere = make_exam(exam_type='timed', course_key=OTHER_COURSE)
    made = []
    for number in range(12):
        user = make_user(f'learner{number:02d}')
        user.email = f'learner{number:02d}@example.org'
        user.save()
        made.append(api.start(user, timed if number % 2 else final))
    for attempt in made[:3]:
        api.submit(attempt.user, attempt.exam)
    api.start(made[0].user, elsewhere)
    return {'timed': timed, 'final': final, 'elsewhere': elsewhere, 'made': made}


def _usernames(page):
    return [attempt.user.username for attempt in page.items]


def test_newest_first_in_the_course_only(attempts):
    page = api.search_attempts(attempts['timed'].course_key)
    assert page.count == 12
    assert _usernames(page) == [f'learner{number:02d}' for number in reversed(range(12))]


@pytest.mark.parametrize('query, expected', [
    ('learner0', [f'learner0{number}' for number in reversed(range(10))]),
    ('LEARNER11', ['learner11']),
    ('learner03@example.org', ['learner03']),
    ('learner1@', []),        # an email is matched from its start
    ('nobody', []),
])
def test_search_by_username_or_email(attempts, query, expected):
    assert _usernames(api.search_attempts(attempts['timed'].course_key, query=query)) == expected


def test_filter_by_exam_status_and_learner(attempts):
    course = attempts['timed'].course_key
    assert api.search_attempts(course, exam_id=attempts['timed'].pk).count == 6
    submitted = api.search_attempts(course, status=AttemptStatus.SUBMITTED)
    assert sorted(_usernames(submitted)) == ['learner00', 'learner01', 'learner02']
    assert api.search_attempts(course, status=AttemptStatus.SUBMITTED, exam_id=attempts['timed'].pk).count == 1
    own = api.search_attempts(course, user=attempts['made'][4].user)
    assert _usernames(own) == ['learner04']
    with pytest.raises(ValueError):
        api.search_attempts(course, status='invented')


def test_pages_past_the_end_are_empty(attempts):
    course = attempts['timed'].course_key
    first = api.search_attempts(course, page=1, page_size=5)
    third = api.search_attempts(course, page=3, page_size=5)
    beyond = api.search_attempts(course, page=99, page_size=5)
    assert (first.num_pages, first.has_next, first.has_previous) == (3, True, False)
    assert len(third.items) == 2 and not third.has_next and third.has_previous
    assert beyond.number == 99 and not beyond.items and beyond.count == 12 and not beyond.has_next
    assert api.search_attempts(course, page_size=10_000).page_size == search.MAX_PAGE_SIZE
    with pytest.raises(ValueError):
        api.search_attempts(course, page='two')


def test_empty_course_has_one_empty_page(db):  # pylint: disable=unused-argument
    page = api.search_attempts('course-v1:No+Exams+Here')
    assert (page.count, page.items, page.number, page.num_pages) == (0, [], 1, 1)


def test_two_queries_a_page_however_many_attempts(attempts, make_user):
    course = attempts['timed'].course_key

    def queries_for_a_page(**filters):
        with CaptureQueriesContext(connection) as queries:
            page = api.search_attempts(course, page_size=50, **filters)
            for attempt in page.items:  # what the list shows of each attempt
                assert attempt.user.username and attempt.exam.name
        return len(queries)

    before = queries_for_a_page()
    for number in range(40):
        api.start(make_user(f'extra{number}'), attempts['timed'])
    assert ExamAttempt.objects.count() > 50
    assert before == queries_for_a_page() == 4  # the course's exams, the count, the page's ids and rows
    assert queries_for_a_page(query='extra', status=AttemptStatus.STARTED) == 5  # and the learners matched


def test_find_user_by_username_or_unique_email(make_user):
    alice = make_user('alice')
    alice.email = 'shared@example.org'
    alice.save()
    assert search.find_user(' alice ') == alice
    assert search.find_user('ALICE') == alice
    assert search.find_user('Shared@Example.org') == alice
    bob = make_user('bob')
    bob.email = 'shared@example.org'
    bob.save()
    assert search.find_user('shared@example.org') is None  # an address two accounts share names nobody
    assert search.find_user('') is None
