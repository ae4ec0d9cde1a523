"""The package's credit records and the progress they give, standalone as in the LMS."""
import pytest

from edx_proctoring_backend import api
from edx_proctoring_backend.credit import records
from edx_proctoring_backend.credit.models import CreditRecord
from edx_proctoring_backend.credit.policy import CreditStatus as C, Effects, GradeAction as G
from edx_proctoring_backend.exams.models import Exam
from tests.journeys import ready, submitted

S = api.AttemptStatus
COURSE = 'course-v1:Org+Exam+2026'


def block(name):
    """The usage key of a block of the course."""
    return f'block-v1:Org+Exam+2026+type@proctored_exam+block@{name}'


# ---- the grade --------------------------------------------------------------------------------------

@pytest.mark.parametrize('earned, possible, zeroed, grade', [
    (3, 4, False, 0.75),
    (4, 4, False, 1.0),
    (0, 4, False, 0.0),
    (5, 4, False, 1.0),        # more than possible: clamped
    (-1, 4, False, 0.0),       # below nothing: clamped
    (3, 4, True, 0.0),         # a rejection stands
    (None, None, False, None),  # not graded yet
    (None, None, True, None),
    (0, 0, False, None),       # nothing to score
])
def test_the_grade_is_a_share_from_0_to_1(earned, possible, zeroed, grade):
    assert CreditRecord(earned=earned, possible=possible, grade_zeroed=zeroed).grade == grade


@pytest.mark.parametrize('exam_type, status, earned, expected', [
    ('proctored', C.SATISFIED, 2, True),
    ('proctored', C.SATISFIED, 1, True),
    ('proctored', C.SATISFIED, 0, False),
    ('proctored', C.SUBMITTED, 2, False),
    ('practice', C.SATISFIED, 2, False),
    ('timed', C.SATISFIED, 2, False),
])
def test_a_record_counts_by_the_policy(make_exam, learner, exam_type, status, earned, expected):
    record = CreditRecord.objects.create(user=learner, exam=make_exam(exam_type=exam_type),
                                         requirement_status=status, earned=earned, possible=2)
    assert record.counts_toward_credit is expected
    assert str(record) == f'{learner.pk} in {record.exam_id}: {status}'


def test_a_record_without_status_says_so(make_exam, learner):
    record = CreditRecord.objects.create(user=learner, exam=make_exam())
    assert str(record).endswith(': none')


# ---- applying effects and grades -----------------------------------------------------------------------

def test_effects_without_credit_or_grade_write_nothing(make_exam, learner, django_assert_num_queries):
    attempt = api.start(learner, make_exam(exam_type='timed'))
    with django_assert_num_queries(0):
        records.apply_effects(attempt, Effects(event='submitted'))
    assert not CreditRecord.objects.exists()


def test_effects_keep_the_record(make_exam, learner):
    exam = make_exam()
    attempt = ready(learner, exam)
    records.record_grade(learner, exam, 3, 4)

    records.apply_effects(attempt, Effects(credit=C.FAILED, grade=G.ZERO))
    record = CreditRecord.objects.get(user=learner, exam=exam)
    assert (record.requirement_status, record.grade_zeroed, record.grade) == (C.FAILED, True, 0.0)

    records.apply_effects(attempt, Effects(credit=C.SATISFIED, grade=G.RESTORE))
    record = CreditRecord.objects.get(user=learner, exam=exam)
    assert (record.requirement_status, record.grade_zeroed, record.grade) == (C.SATISFIED, False, 0.75)

    records.apply_effects(attempt, Effects(grade=G.ZERO))   # the grade alone: the status stays
    assert CreditRecord.objects.get(user=learner, exam=exam).requirement_status == C.SATISFIED

    records.apply_effects(attempt, Effects(credit=C.REMOVED, grade=G.RESTORE))
    record = CreditRecord.objects.get(user=learner, exam=exam)
    assert (record.requirement_status, record.grade_zeroed, record.earned, record.possible, record.grade) == (
        '', False, None, None, None)
    assert CreditRecord.objects.count() == 1


def test_a_grade_is_written_only_when_it_changes(make_exam, learner, django_assert_num_queries):
    exam = make_exam()
    records.record_grade(learner, exam, 1, 2)
    with django_assert_num_queries(1):
        records.record_grade(learner, exam, 1.0, 2.0)   # the same: read, no write
    with django_assert_num_queries(2):
        records.record_grade(learner, exam, 2, 2)
    record = CreditRecord.objects.get(user=learner, exam=exam)
    assert (record.earned, record.possible) == (2.0, 2.0)


@pytest.mark.parametrize('possible', [None, 0, -1])
def test_an_exam_without_points_records_no_grade(make_exam, learner, possible):
    api.record_exam_grade(learner, make_exam(), 0, possible)
    assert not CreditRecord.objects.exists()


# ---- the learner's progress -----------------------------------------------------------------------------

def progress_of(user):
    """The learner's progress in COURSE, by usage key."""
    return {row.exam.usage_key: row for row in api.course_progress(user, COURSE)}


def summary(row):
    """What the progress panel shows of one exam."""
    return (row.attempt_status, row.review_status, row.practice_result, row.credit_status, row.grade,
            row.counts_toward_credit, row.is_credit_requirement)


def test_course_progress_reports_each_case_in_four_queries(make_exam, make_user, learner,
                                                           django_assert_num_queries):
    staff, other = make_user('staff'), make_user('other')
    exams = {name: make_exam(exam_type=exam_type, course_key=COURSE, usage_key=block(name), provider=provider)
             for name, exam_type, provider in [
                 ('untaken', 'proctored', 'null'), ('pending', 'proctored', 'counting'),
                 ('passed', 'proctored', 'null'), ('failed_grade', 'proctored', 'null'),
                 ('rejected', 'proctored', 'null'), ('declined', 'proctored', 'null'), ('reset', 'proctored', 'null'),
                 ('retaken', 'proctored', 'null'), ('practice', 'practice', 'null'),
                 ('practice_lost', 'practice', 'null'), ('timed', 'timed', 'null')]}
    make_exam(course_key='course-v1:Org+Other+2026', usage_key='block-v1:Org+Other+2026+type@x+block@y')
    inactive = make_exam(course_key=COURSE, usage_key=block('removed'))
    Exam.objects.filter(pk=inactive.pk).update(is_active=False)

    api.record_review(submitted(learner, exams['pending']), api.Outcome.SECOND_REVIEW)
    api.record_exam_grade(learner, exams['pending'], 2, 2)
    submitted(learner, exams['passed'])
    api.record_exam_grade(learner, exams['passed'], 3, 4)
    submitted(learner, exams['failed_grade'])
    api.record_exam_grade(learner, exams['failed_grade'], 1, 4)
    api.record_review(submitted(learner, exams['rejected']), api.Outcome.UNSATISFACTORY, by=staff)
    api.record_exam_grade(learner, exams['rejected'], 4, 4)
    api.opt_out(learner, exams['declined'])
    api.record_exam_grade(learner, exams['declined'], 4, 4)
    api.reset_attempt(submitted(learner, exams['reset']), by=staff)
    api.reset_attempt(submitted(learner, exams['retaken']), by=staff)
    submitted(learner, exams['retaken'])
    api.record_exam_grade(learner, exams['retaken'], 2, 2)
    submitted(learner, exams['practice'])
    api.record_exam_grade(learner, exams['practice'], 2, 2)
    api.mark_error(ready(learner, exams['practice_lost']), by=staff)
    api.start(learner, exams['timed'])
    api.submit(learner, exams['timed'])
    api.record_exam_grade(learner, exams['timed'], 2, 2)
    submitted(other, exams['untaken'])   # another learner's attempt is not the learner's

    with django_assert_num_queries(4):   # the course's settings, exams, attempts and credit records
        rows = api.course_progress(learner, COURSE)
        shown = [summary(row) for row in rows]   # reading the rows makes no query

    assert [row.exam.pk for row in rows] == sorted(exam.pk for exam in exams.values())
    assert dict(zip((row.exam.usage_key for row in rows), shown)) == {
        block('untaken'): (None, None, None, '', None, False, True),
        block('pending'): (S.SECOND_REVIEW_REQUIRED, 'pending', None, C.SUBMITTED, 1.0, False, True),
        block('passed'): (S.VERIFIED, 'satisfactory', None, C.SATISFIED, 0.75, True, True),
        block('failed_grade'): (S.VERIFIED, 'satisfactory', None, C.SATISFIED, 0.25, False, True),
        block('rejected'): (S.REJECTED, 'unsatisfactory', None, C.FAILED, 0.0, False, True),
        block('declined'): (S.DECLINED, None, None, C.DECLINED, 1.0, False, True),
        block('reset'): (S.RESET, None, None, '', None, False, True),
        block('retaken'): (S.VERIFIED, 'satisfactory', None, C.SATISFIED, 1.0, True, True),
        block('practice'): (S.SUBMITTED, None, 'complete', '', 1.0, False, False),
        block('practice_lost'): (S.ERROR, None, 'failed', '', None, False, False),
        block('timed'): (S.SUBMITTED, None, None, '', 1.0, False, False),
    }


@pytest.mark.parametrize('count', [1, 6])
def test_course_progress_costs_four_queries_whatever_the_number_of_exams(
        make_exam, learner, count, django_assert_num_queries):
    for number in range(count):
        exam = make_exam(course_key=COURSE, usage_key=block(f'exam{number}'))
        submitted(learner, exam)
        api.record_exam_grade(learner, exam, 1, 1)
    with django_assert_num_queries(4):
        rows = api.course_progress(learner, COURSE)
        assert all(row.counts_toward_credit for row in rows) and len(rows) == count


def test_the_course_team_sets_its_own_passing_share(make_exam, make_user, learner):
    other_course = 'course-v1:Org+Other+2026'
    exams = [make_exam(course_key=course, usage_key=f'block-v1:{course[10:]}+type@proctored_exam+block@x')
             for course in (COURSE, other_course)]
    for exam in exams:
        submitted(learner, exam)
        api.record_exam_grade(learner, exam, 3, 4)   # 75 %

    def counts():
        return [(row.counts_toward_credit, row.passing_share)
                for course in (COURSE, other_course) for row in api.course_progress(learner, course)]

    assert counts() == [(True, 0.5), (True, 0.5)]   # the site's share

    api.change_course_settings(COURSE, make_user('staff'), credit_min_grade=0.8)
    assert counts() == [(False, 0.8), (True, 0.5)]   # this course only
    record = CreditRecord.objects.get(exam=exams[0], user=learner)
    assert record.counts_toward_credit is False and api.credit_min_grade(COURSE) == 0.8

    api.change_course_settings(COURSE, make_user('staff2'), credit_min_grade=None)   # back to the site's
    assert counts() == [(True, 0.5), (True, 0.5)]


def test_a_course_without_exams_has_no_progress(learner):
    assert not api.course_progress(learner, COURSE)
