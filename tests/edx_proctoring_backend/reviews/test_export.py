"""The instructors' results file."""
import csv
import io

import pytest
from django.core.management import call_command

from edx_proctoring_backend import api
from edx_proctoring_backend.exams.models import ExamAttempt
from edx_proctoring_backend.reviews.decisions import record_decision, record_provider_verdict
from edx_proctoring_backend.reviews.outcomes import Outcome
from tests import journeys

pytestmark = pytest.mark.mariadb
COURSE = 'course-v1:Test+Exam+2026'


def submit(user, exam):
    """Opt in, pass the checks, start and submit."""
    attempt = journeys.opt_in(user, exam)
    api.confirm_checks(user, exam, attempt.exam_code)
    api.start(user, exam)
    api.submit(user, exam)
    return ExamAttempt.objects.select_related('exam').get(pk=attempt.pk)


def rows(text):
    """Parse CSV text into dicts."""
    return list(csv.DictReader(io.StringIO(text)))


def test_results_file_has_sessions_reviews_and_decisions(make_user, make_exam, django_assert_max_num_queries):
    exam = make_exam(provider='counting')
    alice, bob = make_user('alice'), make_user('=cmd|calc')
    flagged = submit(alice, exam)
    record_provider_verdict(flagged, 'rpnow', 'Suspicious', video_url='https://vendor.example/v/1',
                            comments=[{'start_s': 12.0, 'end_s': 30.5, 'comment': 'looked away', 'status': 'warning'}])
    record_decision(flagged, Outcome.SATISFACTORY, make_user('support'), comment='reading the question aloud')
    submit(bob, exam)
    make_exam(course_key='course-v1:Other+Course+1')  # another course's exam never appears

    with django_assert_max_num_queries(4):
        result = rows(api.results_csv(COURSE))

    assert [row['username'] for row in result] == ['alice', "'=cmd|calc"]  # formulas are neutralised
    first = result[0]
    assert (first['status'], first['review_status'], first['provider']) == ('verified', 'satisfactory', 'counting')
    assert first['vendor_verdicts'] == 'rpnow: Suspicious'
    assert first['vendor_comments'] == '[12.0–30.5 s] warning: looked away'
    assert first['video_urls'] == 'https://vendor.example/v/1'
    assert 'support: satisfactory (reading the question aloud)' in first['reviewer_decisions']
    assert result[1]['review_status'] == 'pending' and result[1]['vendor_verdicts'] == ''


def test_export_command(make_user, make_exam, tmp_path):
    submit(make_user('carol'), make_exam(provider='counting'))
    out = io.StringIO()
    call_command('export_proctoring_results', COURSE, stdout=out)
    assert rows(out.getvalue())[0]['username'] == 'carol'
    target = tmp_path / 'results.csv'
    call_command('export_proctoring_results', COURSE, '--output', str(target))
    assert rows(target.read_text(encoding='utf-8'))[0]['status'] == 'submitted'
