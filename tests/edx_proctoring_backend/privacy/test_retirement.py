"""
Retiring a learner, end to end: their media and free text erased here, the fake vendor asked over
HTTP (again and again while it is down), the gradebook's facts kept; through the LMS's retirement
signal and through the pipeline's endpoint.
"""
from datetime import timedelta

import pytest
from django.utils import timezone

from edx_proctoring_backend import api
from edx_proctoring_backend.apps import on_user_retired
from edx_proctoring_backend.exams.models import Allowance, AllowanceChange, AttemptTransition, ExamAttempt
from edx_proctoring_backend.lms import retirement as lms_retirement
from edx_proctoring_backend.privacy.models import PurgedItem
from edx_proctoring_backend.providers import outbox
from edx_proctoring_backend.providers.models import ProviderCall
from edx_proctoring_backend.providers.registry import get_provider
from edx_proctoring_backend.recordings.models import AttemptPhoto, Recording, SessionFlag
from edx_proctoring_backend.reviews.models import Review, ReviewerMark
from tests import journeys
from tests.edx_proctoring_backend.privacy.test_retention import files_in
from tests.edx_proctoring_backend.recordings.helpers import record_and_submit

pytestmark = pytest.mark.mariadb
S = api.AttemptStatus


@pytest.fixture
def history(learner, exam, make_exam, make_user, fake_vendor, django_capture_on_commit_callbacks):
    """The learner took an in-house proctored exam (recorded) and an exam proctored by an RPNow-style vendor."""
    vendor = fake_vendor('rpnow')
    staff = make_user('course_staff')
    local_attempt = record_and_submit(learner, exam, django_capture_on_commit_callbacks, chunks=1)
    api.add_reviewer_mark(local_attempt, Recording.objects.get(attempt=local_attempt).pk, 1.0,
                          'Her sister at the desk', staff)
    api.record_review(local_attempt, api.Outcome.UNSATISFACTORY, by=staff, comment='Her sister answered for her')
    vendor_exam = make_exam(provider='rpnow', display_name='Final (vendor)')
    api.set_allowance(vendor_exam, learner, Allowance.ADDITIONAL_MINUTES, '30', created_by=staff)
    vendor_attempt = journeys.opt_in(learner, vendor_exam)
    Review.objects.create(attempt=vendor_attempt, provider='rpnow', verdict='Suspicious', outcome='second_review',
                          video_url='https://vendor.example/v/1', comments=[{'comment': 'a red jumper'}])
    return {'vendor': vendor, 'local': local_attempt, 'remote': vendor_attempt, 'exam': vendor_exam}


def test_retirement_erases_here_and_at_the_vendor_and_keeps_the_gradebook(learner, history, media):
    assert files_in(media) and ExamAttempt.objects.get(pk=history['local'].pk).exam_code

    summary = api.retire_user(learner)

    assert summary['providers'] == ['rpnow']
    vendor = history['vendor']
    assert vendor.retired_users == {get_provider('rpnow').anonymous_user_id(learner)}
    # Here: no media, no free text that could describe the learner, no exam codes, no allowances.
    assert files_in(media) == []
    assert not Recording.objects.exists() and not AttemptPhoto.objects.exists()
    assert not Review.objects.exclude(comment='').exists() and not Review.objects.exclude(video_url='').exists()
    assert not Review.objects.exclude(comments=[]).exists()
    assert not SessionFlag.objects.exclude(detail='').exists()
    assert ReviewerMark.objects.get().note == '' and ReviewerMark.objects.get().at_s == 1.0   # the moment stays
    assert not AttemptTransition.objects.filter(attempt__user=learner).exclude(reason='').exists()
    assert not ExamAttempt.objects.filter(user=learner, exam_code__isnull=False).exists()
    assert not Allowance.objects.filter(user=learner).exists()
    changes = AllowanceChange.objects.filter(user=learner)
    assert changes.exists() and not changes.exclude(old_value='', new_value='').exists()
    assert set(PurgedItem.objects.values_list('reason', flat=True)) == {'retired'}
    # Kept: what the gradebook and credit need.
    local = ExamAttempt.objects.get(pk=history['local'].pk)
    assert local.status == S.REJECTED and local.submitted_at is not None
    assert Review.objects.filter(attempt=local, outcome='unsatisfactory').exists()
    assert api.course_progress(learner, local.exam.course_key)

    again = api.retire_user(learner)
    assert again['purged'] == 0
    assert len([path for _, path, _ in vendor.requests_seen if path.endswith('/retire')]) == 1


def test_a_vendor_that_is_down_is_asked_again_until_it_answers(learner, history):
    vendor = history['vendor']
    vendor.go_down()
    api.retire_user(learner)
    call = ProviderCall.objects.get(action=ProviderCall.RETIRE_USER)
    assert call.status == ProviderCall.PENDING

    later = timezone.now()
    for _ in range(12):   # more tries than any other call gets: a retirement is never given up
        later += timedelta(hours=2)
        api.retry_provider_calls(now=later)
    call.refresh_from_db()
    assert call.status == ProviderCall.PENDING and call.tries > outbox.max_tries()

    vendor.come_back()
    api.retry_provider_calls(now=later + timedelta(hours=2))
    call.refresh_from_db()
    assert call.status == ProviderCall.DONE
    assert vendor.retired_users == {get_provider('rpnow').anonymous_user_id(learner)}


def test_the_lms_retirement_signal_retires_the_learner(learner, history, edx_platform, media):
    assert lms_retirement.connect(on_user_retired)
    signal = edx_platform.modules['openedx.core.djangoapps.user_api.accounts.signals']['USER_RETIRE_LMS_MISC']
    signal.send(sender=None, user=learner)
    assert files_in(media) == [] and history['vendor'].retired_users


def test_outside_the_lms_there_is_no_signal_to_connect():
    assert lms_retirement.connect(on_user_retired) is False


def test_the_pipeline_endpoint_is_for_the_retirement_worker_only(learner, history, make_user, client, settings):
    settings.RETIREMENT_SERVICE_WORKER_USERNAME = 'retirement_worker'
    url = f'/api/proctored-exams/v1/retire_user/{learner.pk}'
    assert client.post(url).status_code in (401, 403)
    client.force_login(make_user('course_staff'))
    assert client.post(url).status_code == 403
    assert not history['vendor'].retired_users
    client.force_login(make_user('retirement_worker'))
    assert client.post(url).status_code == 204
    assert history['vendor'].retired_users
    assert client.post(url).status_code == 204   # again: nothing more to do
    assert client.post('/api/proctored-exams/v1/retire_user/987654').status_code == 404
