"""
In-house recording of an exam kept for edx-proctoring (a hosted exam): it may begin once the checks
are done (edx-proctoring's start waits for it), its state is what edx-proctoring's worker reads, and its
last chunks still arrive after edx-proctoring's submission. The edx-proctoring side is tested beside the
real edx-proctoring (tests/special_exams).
"""
from datetime import timedelta

import pytest
from django.utils import timezone

from edx_proctoring_backend import api
from edx_proctoring_backend.exams.models import ExamAttempt
from edx_proctoring_backend.recordings import uploads
from edx_proctoring_backend.recordings.models import Recording, SessionFlag

from .helpers import COURSE, chunk, local_exam, pass_checks

S = api.AttemptStatus


@pytest.fixture
def hosted_exam(db, settings):  # pylint: disable=unused-argument
    """A 30-minute exam of the ``local`` provider kept for edx-proctoring's exam 7."""
    settings.PROCTORING_PROVIDERS = {**settings.PROCTORING_PROVIDERS, 'local': {}}
    return api.host_exam(7, COURSE, 'Final exam', 30, 'local')


def store(learner, attempt, index, kind='webcam'):
    """Store chunk ``index`` of the learner's recording; return ``(created, state)``."""
    return api.store_chunk(learner, attempt.pk, kind, index, chunk(index), 'video/webm')


def recording(attempt):
    """The overall state of the attempt's recording, as edx-proctoring's worker reads it."""
    attempt.refresh_from_db()
    return api.recording_status(attempt)['recording']


def test_a_hosted_exam_records_from_the_checks_on_and_the_block_from_the_start(learner, hosted_exam):
    attempt = pass_checks(learner, hosted_exam)
    assert attempt.status == S.READY_TO_START and recording(attempt) == 'not_started'
    assert store(learner, attempt, 0)[0] is True
    assert api.recording_status(attempt) == {'status': S.READY_TO_START, 'recording': 'live',
                                             'recordings': {'webcam': 'live'}}

    unit_attempt = pass_checks(learner, local_exam())
    with pytest.raises(api.UploadRefused) as refused:
        store(learner, unit_attempt, 0)
    assert refused.value.code == 'not_started'


def test_a_reported_stop_or_a_long_silence_stops_the_recording(learner, hosted_exam):
    attempt = api.start(learner, pass_checks(learner, hosted_exam).exam)
    store(learner, attempt, 0)
    api.flag_session(learner, attempt.pk, SessionFlag.SCREEN_STOPPED)   # the exam records no screen
    assert recording(attempt) == 'live'
    api.flag_session(learner, attempt.pk, SessionFlag.CAMERA_STOPPED)
    store(learner, attempt, 1)   # the stopped recorder's last chunk
    assert recording(attempt) == 'stopped'
    SessionFlag.objects.filter(attempt=attempt).update(
        at=timezone.now() - timedelta(seconds=uploads.STOP_SETTLE_SECONDS + 1))
    store(learner, attempt, 2)   # shared again
    assert recording(attempt) == 'live'
    Recording.objects.filter(attempt=attempt).update(last_chunk_at=timezone.now() - timedelta(seconds=61))
    assert recording(attempt) == 'stopped'


def test_the_last_chunks_arrive_after_edx_proctorings_submission_within_the_grace(learner, hosted_exam, settings):
    settings.PROCTORING_ANSWER_GRACE_SECONDS = 30
    attempt = api.start(learner, pass_checks(learner, hosted_exam).exam)
    store(learner, attempt, 0)
    api.submit(learner, hosted_exam, reason=api.SUBMITTED_IN_EDX_PROCTORING)
    assert recording(attempt) == 'ended'
    assert store(learner, attempt, 1)[0] is True   # the recording stays open for the grace
    ExamAttempt.objects.filter(pk=attempt.pk).update(submitted_at=timezone.now() - timedelta(seconds=31))
    with pytest.raises(api.UploadRefused) as refused:
        store(learner, attempt, 2)
    assert refused.value.code == 'attempt_finished'
    assert not SessionFlag.objects.filter(attempt=attempt, kind=SessionFlag.RECORDING_MISSING).exists()


def test_the_time_recorded_before_the_start_counts_in_the_budget(learner, hosted_exam):
    attempt = pass_checks(learner, hosted_exam)
    store(learner, attempt, 0)
    Recording.objects.filter(attempt=attempt).update(started=timezone.now() - timedelta(minutes=5))
    attempt = api.start(learner, hosted_exam)
    kinds, kbps = ('webcam',), 8
    assert uploads.attempt_budget_bytes(attempt, kinds, kbps, 0) == 30 * 60 * kbps * 1000 // 8
    with_early = uploads.attempt_budget_bytes(attempt, kinds, kbps, 0, records_before_start=True)
    assert abs(with_early - 35 * 60 * kbps * 1000 // 8) <= kbps * 1000 // 8 * 2


def test_only_in_house_recordings_have_a_status(learner, db, settings):  # pylint: disable=unused-argument
    exam = api.host_exam(8, COURSE, 'Final exam', 30, 'null')
    attempt = api.opt_in(learner, exam, api.consent_terms(exam).version)
    with pytest.raises(api.AttemptNotFound):
        api.recording_status(attempt)
