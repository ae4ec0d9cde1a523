"""Studio's publish: each publish gives the course's exams what the platform's own publish takes from them."""
import types

from edx_when import api as edx_when
from edx_when.models import ContentDate
from opaque_keys.edx.keys import CourseKey, UsageKey

from edx_proctoring_backend.lms import publishing

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
    assert publishing.sync_course_exams(COURSE) == [exam]   # the exam itself did not change
    assert [requirement['namespace'] for requirement in edx_platform.requirements(COURSE)] == [
        'grade', 'proctored_exam']


def test_each_publish_dates_the_exams_content_again(edx_platform, make_exam):
    """A publish whose own date extraction dropped the exam's date (self-paced courses) is followed by ours."""
    exam = make_exam(course_key=COURSE)
    published(edx_platform, exam)
    edx_when.set_dates_for_course(CourseKey.from_string(COURSE), [])
    assert publishing.sync_course_exams(COURSE) == [exam]
    assert ContentDate.objects.get(location=UsageKey.from_string(exam.usage_key)).active
