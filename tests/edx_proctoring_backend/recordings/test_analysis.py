"""
The analysis of recordings after the exam: assembled once, analysed by the configured analyser,
each finding stored once, progress saved, and every failure (or a file that keeps killing workers)
sent to a person. Nothing here decides about an attempt.
"""
import pytest

from edx_proctoring_backend import api, tasks
from edx_proctoring_backend.recordings.models import Recording, RecordingChunk, SessionFlag, VideoFinding
from edx_proctoring_backend.recordings.storage import media_storage
from edx_proctoring_backend.reviews.models import Review
from tests import journeys

from . import fake_analysers
from .helpers import PNG, chunk, local_exam, start

S = api.AttemptStatus
FAKES = 'tests.edx_proctoring_backend.recordings.fake_analysers.'
CHUNKS = [chunk(index) for index in range(3)]
pytestmark = pytest.mark.mariadb


@pytest.fixture
def submitted(learner, exam):
    """A submitted attempt with a three-chunk webcam recording, not analysed yet; returns (attempt, recording)."""
    attempt = start(learner, exam)
    for index, data in enumerate(CHUNKS):
        api.store_chunk(learner, attempt.pk, 'webcam', index, data, 'video/webm')
    api.submit(learner, exam)  # on_commit never runs inside the test's transaction: nothing analysed yet
    attempt.refresh_from_db()
    return attempt, Recording.objects.get(attempt=attempt)


def analyse(recording, analyser=None, settings=None):
    """Run the task body once, as one delivery of the task would."""
    if analyser:
        settings.PROCTORING_VIDEO_ANALYSER = FAKES + analyser
    return tasks.analyse_recording(recording.pk)


def test_the_task_is_acknowledged_late_and_requeued_when_its_worker_dies():
    assert tasks.analyse_recording.acks_late is True
    assert tasks.analyse_recording.reject_on_worker_lost is True
    assert tasks.analyse_recording.name == 'edx_proctoring_backend.tasks.analyse_recording'


def test_submission_closes_the_recordings_and_queues_their_analysis(learner, exam,
                                                                    django_capture_on_commit_callbacks):
    attempt = start(learner, exam)
    api.store_chunk(learner, attempt.pk, 'webcam', 0, CHUNKS[0], 'video/webm')
    with django_capture_on_commit_callbacks(execute=True):
        api.submit(learner, exam)
    recording = Recording.objects.get()
    assert recording.status == Recording.ANALYSED and recording.completed is not None
    assert VideoFinding.objects.count() == 2
    attempt.refresh_from_db()
    assert attempt.status == S.SUBMITTED  # the findings decide nothing: a person reviews
    assert not Review.objects.exists()


def test_a_recording_is_assembled_in_order_and_analysed(submitted):
    attempt, recording = submitted
    assert analyse(recording) == Recording.ANALYSED
    recording.refresh_from_db()
    assert len(fake_analysers.CALLS) == 1
    call = fake_analysers.CALLS[0]
    assert call['bytes'] == b''.join(CHUNKS) and call['kind'] == 'webcam'
    assert call['reference_photo'].endswith('.jpg')  # the learner's photo, for the face comparison
    assert call['expected_duration_s'] >= 0
    assert media_storage().open(recording.file_name).read() == b''.join(CHUNKS)
    assert recording.size_bytes == len(b''.join(CHUNKS)) and len(recording.file_sha256) == 64
    # The chunks' files are gone once assembled; their rows stay as the record of what arrived.
    assert set(RecordingChunk.objects.values_list('file_name', flat=True)) == {''}
    findings = list(recording.findings.values_list('kind', 'start_s', 'end_s', 'confidence'))
    assert findings == [('face_missing', 10.0, 14.5, 0.9), ('multiple_faces', 30.123, 31.0, 0.7)]
    thumbnail = recording.findings.get(kind='face_missing').thumbnail_name
    assert media_storage().open(thumbnail).read() == b'\xff\xd8\xffthumb'
    assert recording.analysis_progress == 1.0 and recording.analysis_deliveries == 1
    assert recording.analysis_summary == {'duration_s': 60.0, 'frames_sampled': 120, 'warnings': ['low light'],
                                          'findings': 2}
    attempt.refresh_from_db()
    assert attempt.status == S.SUBMITTED


def test_running_twice_keeps_one_set_of_findings(submitted, media):
    _, recording = submitted
    analyse(recording)
    first = dict(VideoFinding.objects.values_list('kind', 'pk'))
    thumbnails = set(VideoFinding.objects.values_list('thumbnail_name', flat=True))
    assert analyse(recording) == Recording.ANALYSED  # a redelivery after the end: nothing to do
    assert len(fake_analysers.CALLS) == 1
    # A delivery that raced the first and analysed again stores the same findings, not new ones.
    Recording.objects.filter(pk=recording.pk).update(status=Recording.COMPLETE)
    assert analyse(recording) == Recording.ANALYSED
    assert len(fake_analysers.CALLS) == 2
    assert dict(VideoFinding.objects.values_list('kind', 'pk')) == first
    assert set(VideoFinding.objects.values_list('thumbnail_name', flat=True)) == thumbnails
    assert sum(1 for path in media.rglob('*') if path.is_file() and 'thumbnails' in str(path)) == 1


def test_progress_is_saved_for_the_review_queue(submitted, settings):
    _, recording = submitted
    analyse(recording, 'reports_progress', settings)
    assert fake_analysers.CALLS[-1]['seen'] == [0.25, 0.5, 0.75]
    recording.refresh_from_db()
    assert recording.analysis_progress == 1.0


def test_progress_is_saved_at_most_once_per_interval(submitted, settings):
    settings.PROCTORING_ANALYSIS_PROGRESS_SECONDS = 3600
    _, recording = submitted
    analyse(recording, 'reports_progress', settings)
    assert fake_analysers.CALLS[-1]['seen'] == [0.25, 0.25, 0.25]


@pytest.mark.parametrize('analyser, reason', [('corrupt', 'corrupt'), ('buggy', 'crashed')])
def test_a_failed_analysis_sends_the_attempt_to_a_person(submitted, settings, analyser, reason):
    attempt, recording = submitted
    assert analyse(recording, analyser, settings) == Recording.ANALYSIS_FAILED
    recording.refresh_from_db()
    assert recording.analysis_error == reason and not recording.findings.exists()
    flag = SessionFlag.objects.get(attempt=attempt)
    assert (flag.kind, flag.detail) == ('analysis_failed', f'webcam: {reason}')
    attempt.refresh_from_db()
    assert attempt.status == S.SECOND_REVIEW_REQUIRED  # pending, with a person: never satisfactory
    review, = Review.objects.filter(attempt=attempt)
    assert review.outcome == api.Outcome.SECOND_REVIEW and review.reviewer is None
    assert reason in review.comment
    # Delivered again: nothing more happens.
    assert analyse(recording) == Recording.ANALYSIS_FAILED
    assert Review.objects.count() == 1 and SessionFlag.objects.count() == 1


def test_a_failure_after_a_persons_decision_leaves_the_decision(submitted, settings, learner):
    attempt, recording = submitted
    api.record_review(attempt, api.Outcome.SATISFACTORY, by=learner, comment='watched it')
    analyse(recording, 'corrupt', settings)
    attempt.refresh_from_db()
    assert attempt.status == S.VERIFIED
    assert SessionFlag.objects.get().kind == 'analysis_failed'


def test_an_empty_recording_fails_without_the_analyser(learner, exam):
    attempt = start(learner, exam)
    Recording.objects.create(attempt=attempt, kind='webcam', content_type='video/webm')
    api.submit(learner, exam)
    recording = Recording.objects.get()
    assert recording.status == Recording.COMPLETE
    assert analyse(recording) == Recording.ANALYSIS_FAILED
    assert not fake_analysers.CALLS
    recording.refresh_from_db()
    assert recording.analysis_error == 'empty'


def test_a_lost_chunk_file_fails_the_analysis(submitted):
    _, recording = submitted
    media_storage().delete(recording.chunks.get(index=1).file_name)
    assert analyse(recording) == Recording.ANALYSIS_FAILED
    recording.refresh_from_db()
    assert recording.analysis_error == 'missing_chunks'


def test_a_storage_failure_while_assembling_fails_the_analysis(submitted, monkeypatch):
    attempt, recording = submitted

    def broken(*args):
        raise OSError('storage unreachable')
    monkeypatch.setattr('edx_proctoring_backend.recordings.analysis.write_atomic', broken)
    assert analyse(recording) == Recording.ANALYSIS_FAILED
    recording.refresh_from_db()
    assert recording.analysis_error == 'assembly_failed' and not fake_analysers.CALLS
    attempt.refresh_from_db()
    assert attempt.status == S.SECOND_REVIEW_REQUIRED


@pytest.mark.django_db(transaction=True)
def test_a_recording_that_keeps_killing_workers_is_quarantined(learner, settings):
    settings.PROCTORING_VIDEO_ANALYSER = FAKES + 'kills_the_worker'
    exam = local_exam()
    attempt = start(learner, exam)
    api.store_chunk(learner, attempt.pk, 'webcam', 0, CHUNKS[0], 'video/webm')
    # Outside a test transaction the submission's on_commit runs the (eager) task: the first death.
    with pytest.raises(SystemExit):
        api.submit(learner, exam)
    recording = Recording.objects.get()
    for delivery in (2, 3):
        with pytest.raises(SystemExit):
            analyse(recording)
        recording.refresh_from_db()
        # Counted, and committed, before the analyser ran.
        assert (recording.status, recording.analysis_deliveries) == (Recording.ANALYSING, delivery)
    assert len(fake_analysers.CALLS) == 3
    assert analyse(recording) == Recording.QUARANTINED  # the fourth delivery does not analyse
    assert len(fake_analysers.CALLS) == 3
    recording.refresh_from_db()
    assert recording.analysis_error == 'quarantined' and recording.analysis_deliveries == 4
    assert SessionFlag.objects.get().kind == 'analysis_quarantined'
    attempt.refresh_from_db()
    assert attempt.status == S.SECOND_REVIEW_REQUIRED
    assert analyse(recording) == Recording.QUARANTINED and len(fake_analysers.CALLS) == 3


def test_the_number_of_deliveries_is_a_setting(submitted, settings):
    settings.PROCTORING_ANALYSIS_MAX_DELIVERIES = 1
    _, recording = submitted
    Recording.objects.filter(pk=recording.pk).update(analysis_deliveries=1, status=Recording.ANALYSING)
    assert analyse(recording) == Recording.QUARANTINED
    assert not fake_analysers.CALLS


def test_a_room_scan_is_assembled_for_the_reviewer_not_analysed(learner):
    exam = local_exam(room_scan=True)
    attempt = journeys.opt_in(learner, exam)
    api.store_chunk(learner, attempt.pk, 'room_scan', 0, CHUNKS[0], 'video/webm')
    api.complete_recording(learner, attempt.pk, 'room_scan')
    recording = Recording.objects.get()
    assert analyse(recording) == Recording.ANALYSED
    recording.refresh_from_db()
    assert not fake_analysers.CALLS and not recording.findings.exists()
    assert media_storage().open(recording.file_name).read() == CHUNKS[0]


def test_a_recording_still_being_taken_is_not_analysed(learner, attempt):
    api.store_chunk(learner, attempt.pk, 'webcam', 0, CHUNKS[0], 'video/webm')
    assert analyse(Recording.objects.get()) == Recording.RECORDING
    assert not fake_analysers.CALLS


def test_completing_after_the_submission_queues_the_analysis(learner, django_capture_on_commit_callbacks):
    exam = local_exam(require_screen=True)
    attempt = start(learner, exam)
    api.store_chunk(learner, attempt.pk, 'screen', 0, CHUNKS[0], 'video/webm')
    api.submit(learner, exam)  # closes the screen recording too
    Recording.objects.filter(kind='screen').update(status=Recording.RECORDING)  # as if it were still open
    with django_capture_on_commit_callbacks(execute=True):
        state = api.complete_recording(learner, attempt.pk, 'screen')
    assert state['status'] == 'complete'
    assert Recording.objects.get(kind='screen').status == Recording.ANALYSED
    assert fake_analysers.CALLS[0]['kind'] == 'screen' and 'reference_photo' not in fake_analysers.CALLS[0]


# ---- with the real video pipeline ---------------------------------------------------------------------------

@pytest.fixture
def real_pipeline(settings):
    """The site's default analyser (``video.analyse_recording``), and the labelled clips its tests build."""
    pytest.importorskip('cv2')
    video = pytest.importorskip('edx_proctoring_backend.video')
    clips = pytest.importorskip('tests.edx_proctoring_backend.video.clips')
    settings.PROCTORING_VIDEO_ANALYSER = 'edx_proctoring_backend.video.analyse_recording'
    return video, clips


def started_with_real_photo(learner, clips):
    """A started attempt whose reference photo is a real face."""
    exam = local_exam()
    attempt = journeys.opt_in(learner, exam)
    api.store_photo(learner, attempt.pk, 'user', clips.reference_photo_jpeg(clips.astronaut_face()), 'image/jpeg')
    api.store_photo(learner, attempt.pk, 'id', PNG, 'image/png')
    api.confirm_checks(learner, exam, attempt.exam_code)
    return exam, api.start(learner, exam)


def test_the_real_pipeline_finds_the_moments_of_an_uploaded_recording(learner, real_pipeline, tmp_path):
    _, clips = real_pipeline
    exam, attempt = started_with_real_photo(learner, clips)
    data = clips.timeline_clip(tmp_path / 'timeline.webm').read_bytes()
    third = len(data) // 3
    for index, piece in enumerate((data[:third], data[third:2 * third], data[2 * third:])):
        assert api.store_chunk(learner, attempt.pk, 'webcam', index, piece, 'video/webm;codecs=vp8')[0]
    api.submit(learner, exam)
    recording = Recording.objects.get()
    assert analyse(recording) == Recording.ANALYSED
    recording.refresh_from_db()
    kinds = set(recording.findings.values_list('kind', flat=True))
    assert {'no_face', 'multiple_faces'} <= kinds
    assert recording.analysis_summary['duration_s'] == pytest.approx(16, abs=1)
    attempt.refresh_from_db()
    assert attempt.status == S.SUBMITTED  # suggestions only: a person decides


def test_the_real_pipeline_failing_on_a_broken_file_sends_the_attempt_to_a_person(learner, real_pipeline):
    video, clips = real_pipeline
    exam, attempt = started_with_real_photo(learner, clips)
    api.store_chunk(learner, attempt.pk, 'webcam', 0, chunk(0, b'\x00garbage' * 500), 'video/webm')
    api.submit(learner, exam)
    recording = Recording.objects.get()
    assert analyse(recording) == Recording.ANALYSIS_FAILED
    recording.refresh_from_db()
    assert recording.analysis_error in video.FAILURE_REASONS
    attempt.refresh_from_db()
    assert attempt.status == S.SECOND_REVIEW_REQUIRED


# ---- the sweep for analyses whose task was lost ------------------------------------------------------------

def sweep(minutes_later, django_capture_on_commit_callbacks):
    """Run the periodic sweep ``minutes_later``; the analyses it queues run (Celery runs eagerly)."""
    from datetime import timedelta  # pylint: disable=import-outside-toplevel

    from django.utils import timezone  # pylint: disable=import-outside-toplevel
    with django_capture_on_commit_callbacks(execute=True):
        return api.requeue_stale_analyses(now=timezone.now() + timedelta(minutes=minutes_later))


def test_a_lost_analysis_task_is_queued_again_once_it_is_stale(submitted, django_capture_on_commit_callbacks):
    _, recording = submitted  # its task never ran (lost with the broker, say)
    assert not sweep(5, django_capture_on_commit_callbacks)
    assert sweep(20, django_capture_on_commit_callbacks) == [recording.pk]
    recording.refresh_from_db()
    assert recording.status == Recording.ANALYSED and recording.analysis_deliveries == 1
    assert not sweep(20, django_capture_on_commit_callbacks)  # done: nothing to queue again


def test_an_analysis_without_progress_is_queued_again_and_still_quarantined_at_last(
        submitted, settings, django_capture_on_commit_callbacks):
    attempt, recording = submitted
    settings.PROCTORING_VIDEO_ANALYSER = FAKES + 'two_events'
    # A delivery began and then stopped showing signs of life (an error outside the analyser).
    Recording.objects.filter(pk=recording.pk).update(status=Recording.ANALYSING, analysis_deliveries=3)
    assert sweep(20, django_capture_on_commit_callbacks) == [recording.pk]
    recording.refresh_from_db()
    assert recording.status == Recording.QUARANTINED  # the fourth delivery is one too many
    attempt.refresh_from_db()
    assert attempt.status == S.SECOND_REVIEW_REQUIRED


def test_recordings_of_exams_still_running_are_left_alone(learner, exam, django_capture_on_commit_callbacks):
    attempt = start(learner, exam)
    api.store_chunk(learner, attempt.pk, 'webcam', 0, CHUNKS[0], 'video/webm')
    api.complete_recording(learner, attempt.pk, 'webcam')  # complete, but analysed after submission
    assert not sweep(60, django_capture_on_commit_callbacks)


def test_the_sweep_runs_every_five_minutes():
    import types  # pylint: disable=import-outside-toplevel

    from edx_proctoring_backend.settings.common import (  # pylint: disable=import-outside-toplevel
        REQUEUE_ANALYSES_TASK, plugin_settings,
    )
    site = types.SimpleNamespace(CELERY_BEAT_SCHEDULE={})
    plugin_settings(site)
    entry = site.CELERY_BEAT_SCHEDULE['proctored-exams-requeue-stale-analyses']
    assert entry == {'task': REQUEUE_ANALYSES_TASK, 'schedule': 300.0}
    assert site.PROCTORING_ANALYSIS_REQUEUE_MINUTES == 15
    assert tasks.requeue_stale_analyses.name == REQUEUE_ANALYSES_TASK


# ---- the clock ends the exam: the page's last chunks have the answers' grace -------------------------------

def expire(learner, exam, after_deadline_s):
    """Start a recorded attempt, store one chunk, and let the clock end it; return (attempt, recording)."""
    from datetime import timedelta  # pylint: disable=import-outside-toplevel
    attempt = start(learner, exam)
    api.store_chunk(learner, attempt.pk, 'webcam', 0, CHUNKS[0], 'video/webm')
    attempt.refresh_from_db()
    api.submit_expired_attempts(now=attempt.deadline + timedelta(seconds=after_deadline_s))
    attempt.refresh_from_db()
    assert attempt.status == S.SUBMITTED and attempt.submit_reason == 'time_expired'
    return attempt, Recording.objects.get(attempt=attempt)


def test_at_time_up_the_last_chunk_is_still_taken_within_the_grace(learner, exam, settings):
    from datetime import timedelta  # pylint: disable=import-outside-toplevel

    import time_machine  # pylint: disable=import-outside-toplevel
    settings.PROCTORING_ANSWER_GRACE_SECONDS = 15
    attempt, recording = expire(learner, exam, 1)
    assert recording.status == Recording.RECORDING  # left open for the page's last chunk
    with time_machine.travel(attempt.deadline + timedelta(seconds=10), tick=False):
        created, state = api.store_chunk(learner, attempt.pk, 'webcam', 1, CHUNKS[1], 'video/webm')
    assert created and state['next_index'] == 2
    with time_machine.travel(attempt.deadline + timedelta(seconds=16), tick=False):
        with pytest.raises(api.UploadRefused) as refused:
            api.store_chunk(learner, attempt.pk, 'webcam', 2, CHUNKS[2], 'video/webm')
    assert refused.value.code == 'attempt_finished'

    # The analysis, queued for after the grace, closes the recording and analyses every chunk.
    assert analyse(recording) == Recording.ANALYSED
    recording.refresh_from_db()
    assert recording.status == Recording.ANALYSED and recording.completed is not None
    assert fake_analysers.CALLS[-1]['bytes'] == CHUNKS[0] + CHUNKS[1]


def test_at_time_up_the_analysis_waits_for_the_grace(learner, exam, settings, django_capture_on_commit_callbacks):
    from unittest import mock  # pylint: disable=import-outside-toplevel
    settings.PROCTORING_ANSWER_GRACE_SECONDS = 15
    with mock.patch.object(tasks.analyse_recording, 'apply_async') as queued:
        with django_capture_on_commit_callbacks(execute=True):
            _, recording = expire(learner, exam, 1)
    queued.assert_called_once_with((recording.pk,), countdown=20)


def test_an_exam_the_learner_ends_takes_no_late_chunk(learner, exam):
    attempt = start(learner, exam)
    api.store_chunk(learner, attempt.pk, 'webcam', 0, CHUNKS[0], 'video/webm')
    api.submit(learner, exam)
    assert Recording.objects.get(attempt=attempt).status == Recording.COMPLETE
    with pytest.raises(api.UploadRefused) as refused:
        api.store_chunk(learner, attempt.pk, 'webcam', 1, CHUNKS[1], 'video/webm')
    assert refused.value.code == 'attempt_finished'


def test_the_sweep_closes_and_analyses_a_recording_left_open_at_time_up(
        learner, exam, django_capture_on_commit_callbacks):
    _, recording = expire(learner, exam, 60)  # its delayed task was lost
    assert sweep(20, django_capture_on_commit_callbacks) == [recording.pk]
    recording.refresh_from_db()
    assert recording.status == Recording.ANALYSED


def test_the_site_names_analysis_options_as_plain_values(submitted, settings):
    from edx_proctoring_backend.video import AnalysisOptions  # pylint: disable=import-outside-toplevel
    _, recording = submitted
    settings.PROCTORING_ANALYSIS_OPTIONS = {'min_event_s': 3.0, 'sample_fps': 4.0}
    analyse(recording, 'two_events', settings)
    options = fake_analysers.CALLS[-1]['options']
    assert isinstance(options, AnalysisOptions) and (options.min_event_s, options.sample_fps) == (3.0, 4.0)
