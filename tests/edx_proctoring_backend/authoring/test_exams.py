"""
An exam's settings: safe defaults, the provider rules, the provider told after the commit, and each
publish giving the course's exams what the platform's own publish takes from them.
"""
import types
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from edx_when import api as edx_when
from edx_when.models import ContentDate
from opaque_keys.edx.keys import CourseKey, UsageKey

from edx_proctoring_backend import api
from edx_proctoring_backend.authoring import exams
from tests.fakes.counting_provider import CALLS, reset_calls

pytestmark = pytest.mark.usefixtures('db')
COUNTING = {'class': 'tests.fakes.counting_provider.CountingProvider'}


@pytest.mark.parametrize('providers,chosen,allowed,expected', [
    ({'null': {}, 'counting': COUNTING}, None, False, 'counting'),   # the first that records
    ({'null': {}, 'counting': COUNTING}, 'null', True, 'null'),      # the site's explicit choice
    ({'null': {}, 'counting': COUNTING}, 'ghost', False, 'counting'),  # a choice the site does not offer
    ({'null': {}}, None, False, None),                               # nothing that records: the author chooses
    ({'null': {}}, None, True, 'null'),                              # unless the site allows unrecorded proctoring
])
def test_the_default_provider_is_never_silently_one_that_records_nothing(settings, providers, chosen, allowed,
                                                                         expected):
    settings.PROCTORING_PROVIDERS = providers
    settings.PROCTORING_DEFAULT_PROVIDER = chosen
    settings.PROCTORING_ALLOW_UNRECORDED_PROCTORING = allowed
    assert exams.default_provider() == expected


@pytest.mark.parametrize('exam_type', ['proctored', 'practice'])
def test_a_proctored_exam_refuses_a_provider_that_records_nothing_unless_the_site_allows_it(settings, exam_type):
    settings.PROCTORING_ALLOW_UNRECORDED_PROCTORING = False
    with pytest.raises(api.InvalidExamSettings) as raised:
        api.validate_exam_settings(exam_type, 60, 'null')
    assert raised.value.errors == {'provider': 'This provider records nothing: choose one that proctors.'}
    settings.PROCTORING_ALLOW_UNRECORDED_PROCTORING = True
    assert api.validate_exam_settings(exam_type, 60, 'null')['provider'] == 'null'


def test_a_timed_exam_uses_null_whatever_the_site_allows(settings):
    settings.PROCTORING_ALLOW_UNRECORDED_PROCTORING = False
    assert api.validate_exam_settings('timed', 60, '')['provider'] == 'null'
    assert api.validate_exam_settings('timed', 60, 'counting')['provider'] == 'null'


def test_opting_out_is_off_unless_the_author_allows_it():
    assert api.validate_exam_settings('proctored', 60, 'counting')['allow_opt_out'] is False


def test_the_provider_hears_of_an_exam_after_the_commit_only(django_capture_on_commit_callbacks):
    reset_calls()
    with django_capture_on_commit_callbacks() as queued:
        exam = api.sync_exam('course-v1:A+B+C', 'block-v1:A+B+C+type@proctored_exam+block@x',
                             exam_type='proctored', time_limit_minutes=60, provider='counting')
    assert CALLS['register_exam'] == 0 and len(queued) == 1
    queued[0]()
    assert CALLS['register_exam'] == 1
    assert api.register_exam_with_provider(exam.pk) is True
    assert api.register_exam_with_provider(exam.pk + 1000) is False


def test_a_vendor_that_is_down_does_not_fail_the_registration(fake_vendor):
    vendor = fake_vendor('rpnow')
    exam = api.sync_exam('course-v1:A+B+C', 'block-v1:A+B+C+type@proctored_exam+block@y',
                         exam_type='proctored', time_limit_minutes=60, provider='rpnow')
    vendor.stop()
    assert api.register_exam_with_provider(exam.pk) is False


def test_a_learners_page_creates_a_missing_exam_once_and_never_updates_it():
    usage, read = 'block-v1:A+B+C+type@proctored_exam+block@z', []

    def block_settings(minutes):
        def read_settings():
            read.append(minutes)
            return {'exam_type': 'timed', 'time_limit_minutes': minutes, 'provider': ''}
        return read_settings
    first = api.exam_for_learner('course-v1:A+B+C', usage, block_settings(30))
    again = api.exam_for_learner('course-v1:A+B+C', usage, block_settings(90))
    assert first.pk == again.pk and again.time_limit_minutes == 30
    assert read == [30]   # the block's settings are read only to create the missing exam


# ---- Studio's publish -----------------------------------------------------------------------------------

COURSE = 'course-v1:Test+Exam+2026'
GRADE = {'namespace': 'grade', 'name': 'grade', 'display_name': 'Minimum Grade', 'criteria': {'min_grade': 0.8}}


def published(edx_platform, exam):
    """Put a block of ``exam`` in the course's published content, as Studio's modulestore gives it."""
    block = types.SimpleNamespace(
        scope_ids=types.SimpleNamespace(usage_id=exam.usage_key, block_type='proctored_exam'),
        exam_settings=lambda: {'exam_type': 'proctored', 'time_limit_minutes': 60, 'provider': 'null',
                               'allow_opt_out': True})
    edx_platform.save_content(COURSE, [block])


def test_each_publish_adds_the_exam_to_the_credit_requirements_again(edx_platform, make_exam):
    edx_platform.make_credit_course(COURSE, [GRADE])
    exam = make_exam(course_key=COURSE)
    published(edx_platform, exam)
    edx_platform.publish(COURSE, [GRADE])   # the platform's publish task knows nothing of this exam
    assert [requirement['namespace'] for requirement in edx_platform.requirements(COURSE)] == ['grade']
    assert exams.sync_course_exams(COURSE) == [exam]   # the exam itself did not change
    assert [requirement['namespace'] for requirement in edx_platform.requirements(COURSE)] == [
        'grade', 'proctored_exam']


def test_each_publish_dates_the_exams_content_again(edx_platform, make_exam):
    """A publish whose own date extraction dropped the exam's date (self-paced courses) is followed by ours."""
    exam = make_exam(course_key=COURSE)
    published(edx_platform, exam)
    edx_when.set_dates_for_course(CourseKey.from_string(COURSE), [])
    assert exams.sync_course_exams(COURSE) == [exam]
    assert ContentDate.objects.get(location=UsageKey.from_string(exam.usage_key)).active


# ---- the exam's window -------------------------------------------------------------------------------------

def window_settings(**window):
    """A timed exam's settings with ``window``, checked."""
    return exams.validate_exam_settings('timed', 30, '', **window)


def test_the_window_is_read_in_the_named_zone_and_kept_in_utc():
    cleaned = window_settings(opens_at='2026-12-03T00:05', closes_at='2026-12-06T23:55', time_zone='America/Bogota')
    assert cleaned['opens_at'] == datetime(2026, 12, 3, 5, 5, tzinfo=timezone.utc)        # UTC-5
    assert cleaned['due_date'] == datetime(2026, 12, 7, 4, 55, tzinfo=timezone.utc)
    assert cleaned['time_zone'] == 'America/Bogota'
    # Without a zone: UTC; a moment that carries its zone keeps it; nothing: no limit.
    assert window_settings(opens_at='2026-12-03T00:05')['opens_at'] == datetime(2026, 12, 3, 0, 5, tzinfo=timezone.utc)
    amsterdam = datetime(2026, 12, 3, 9, 0, tzinfo=ZoneInfo('Europe/Amsterdam'))
    assert window_settings(opens_at=amsterdam, time_zone='America/Bogota')['opens_at'] == amsterdam
    assert (window_settings()['opens_at'], window_settings(closes_at='')['due_date']) == (None, None)


@pytest.mark.parametrize('window,errors', [
    ({'opens_at': 'Thursday'}, {'opens_at': 'Enter a date and a time.'}),
    ({'closes_at': 20261203}, {'closes_at': 'Enter a date and a time.'}),
    ({'time_zone': 'Mars/Olympus_Mons'}, {'time_zone': 'Choose a time zone from the list.'}),
    ({'time_zone': ['UTC']}, {'time_zone': 'Choose a time zone from the list.'}),
    ({'opens_at': '2026-12-03T00:05', 'closes_at': '2026-12-03T00:05'},
     {'closes_at': 'The exam must close after it opens.'}),
])
def test_an_unusable_window_is_refused_with_why(window, errors):
    with pytest.raises(api.InvalidExamSettings) as raised:
        window_settings(**window)
    assert raised.value.errors == errors


def test_the_exam_keeps_its_window_and_its_due_date_closes_it(make_exam):
    opens = datetime(2026, 12, 3, 5, 5, tzinfo=timezone.utc)
    exam = make_exam(opens_at=opens, time_zone='Europe/Amsterdam', due_date=opens + timedelta(days=3))
    assert (exam.opens_at, exam.due_date, exam.time_zone) == (opens, opens + timedelta(days=3), 'Europe/Amsterdam')
    with pytest.raises(api.InvalidExamSettings):
        make_exam(opens_at=opens, due_date=opens - timedelta(days=1))
