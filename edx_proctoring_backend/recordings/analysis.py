"""
Analysing a complete recording: assemble its chunks into one file, run the video analyser on it
and keep what it suggests, once, whatever happens to the worker.

``run`` is written for a task delivered at least once (acks late, requeued when a worker dies):

* each delivery is counted on the recording's row, and committed, before any analysis; a delivery
  beyond ``max_deliveries`` quarantines the recording instead of analysing it again, so a file that
  kills workers stops being retried;
* findings are keyed by (recording, kind, start): a second run stores each result once;
* every status change happens under the row's lock, from the status it expects.

Nothing here decides about the attempt. A failed or quarantined analysis calls ``needs_person``
(in the transaction of the change) so the caller can send the attempt to a person; findings are
only suggestions for that person.
"""
import logging
import time
from contextlib import ExitStack

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..exams.statuses import AttemptStatus
from .models import Recording, RecordingChunk, SessionFlag, VideoFinding
from .storage import delete_quietly, local_copy, media_storage, new_name, read_pieces, save_bytes, write_atomic
from .uploads import RECORDING_EXTENSIONS, lock_recording, main_type

log = logging.getLogger(__name__)

FAILED_EMPTY = 'empty'
FAILED_MISSING_CHUNKS = 'missing_chunks'
FAILED_CRASHED = 'crashed'
FAILED_ASSEMBLY = 'assembly_failed'
QUARANTINED = 'quarantined'
MAX_REASON_LENGTH = 64
#: The recordings the analyser looks at; a room scan is watched by the reviewer (it shows no face to follow).
ANALYSED_KINDS = (Recording.WEBCAM, Recording.SCREEN)


class _NotAnalysed:
    """The result kept for a recording the analyser does not look at: no findings."""

    duration_s = None
    frames_sampled = 0
    events = ()
    warnings = ('not analysed: for the reviewer to watch',)


class _Missing(Exception):
    """A chunk's file is gone."""


def assemble(recording, storage):
    """
    Join the recording's chunks, in order, into one file (once); return the recording.

    The chunk files are deleted once the assembled file's name is committed; their rows stay as the
    record of what arrived when.
    """
    if recording.file_name and storage.exists(recording.file_name):
        return recording
    chunks = list(RecordingChunk.objects.filter(recording=recording).order_by('index'))
    if [chunk.index for chunk in chunks] != list(range(len(chunks))) or not all(c.file_name for c in chunks):
        raise _Missing()

    def pieces():
        for chunk in chunks:
            if not storage.exists(chunk.file_name):
                raise _Missing()
            yield from read_pieces(storage, chunk.file_name)

    extension = RECORDING_EXTENSIONS.get(main_type(recording.content_type), '')
    name, size, digest = write_atomic(storage, new_name('recordings', extension), pieces())
    with transaction.atomic():
        Recording.objects.filter(pk=recording.pk).update(file_name=name, file_sha256=digest, size_bytes=size,
                                                         modified=timezone.now())
        RecordingChunk.objects.filter(recording=recording).update(file_name='')
        names = [chunk.file_name for chunk in chunks]
        transaction.on_commit(lambda: [delete_quietly(storage, chunk_name) for chunk_name in names])
    recording.file_name, recording.file_sha256, recording.size_bytes = name, digest, size
    return recording


def _claim(recording_id, max_deliveries, needs_person):
    """
    Count this delivery and mark the recording as being analysed; return it, or None when there is
    nothing to do (analysed already, quarantined now, or not complete).
    """
    with transaction.atomic():
        recording = lock_recording(recording_id)
        if recording.status not in (Recording.COMPLETE, Recording.ANALYSING):
            return None
        recording.analysis_deliveries += 1
        if recording.analysis_deliveries > max_deliveries:
            log.error('Recording %s was delivered %s times without finishing: quarantined', recording.pk,
                      recording.analysis_deliveries)
            recording.status = Recording.QUARANTINED
            recording.analysis_error = QUARANTINED
            recording.save(update_fields=['analysis_deliveries', 'status', 'analysis_error'])
            SessionFlag.objects.create(
                attempt_id=recording.attempt_id, kind=SessionFlag.ANALYSIS_QUARANTINED,
                detail=f'{recording.kind}: analysis stopped after {max_deliveries} attempts; review the recording')
            needs_person(recording, QUARANTINED)
            return None
        recording.status = Recording.ANALYSING
        recording.analysis_progress = 0.0
        # ``modified`` is the analysis' heartbeat: the stale-analysis sweep looks at it.
        recording.modified = timezone.now()
        recording.save(update_fields=['analysis_deliveries', 'status', 'analysis_progress', 'modified'])
    return recording


def _fail(recording, reason, needs_person):
    """The analysis cannot be done: say so to the reviewer, once."""
    reason = (str(reason or FAILED_CRASHED))[:MAX_REASON_LENGTH]
    with transaction.atomic():
        recording = lock_recording(recording.pk)
        if recording.status != Recording.ANALYSING:
            return recording.status
        recording.status = Recording.ANALYSIS_FAILED
        recording.analysis_error = reason
        recording.save(update_fields=['status', 'analysis_error'])
        SessionFlag.objects.create(attempt_id=recording.attempt_id, kind=SessionFlag.ANALYSIS_FAILED,
                                   detail=f'{recording.kind}: {reason}')
        needs_person(recording, reason)
    return recording.status


def progress_saver(recording, interval_seconds, clock=time.monotonic):
    """
    Return an ``on_progress(fraction)`` that saves the fraction done on the recording's row at most
    once per ``interval_seconds`` (and always when done), for the review queue to show.
    """
    last = [None]

    def on_progress(fraction):
        try:
            fraction = min(1.0, max(0.0, float(fraction)))
        except (TypeError, ValueError):
            return
        now = clock()
        if last[0] is not None and now - last[0] < interval_seconds and fraction < 1.0:
            return
        last[0] = now
        Recording.objects.filter(pk=recording.pk, status=Recording.ANALYSING).update(
            analysis_progress=fraction, modified=timezone.now())
    return on_progress


def stale_recordings(older_than):
    """
    The ids of recordings whose analysis should have happened by now: complete (or left open at
    time-up) with the attempt over, or being analysed, with no sign of life since ``older_than``.
    Their task was lost (a broker that dropped it, an error outside the analyser) and is queued again;
    each new delivery is counted, so a recording that keeps failing is still quarantined.
    """
    waiting = Q(status__in=(Recording.COMPLETE, Recording.ANALYSING)) | Q(
        status=Recording.RECORDING, next_chunk_index__gt=0)  # left open for the last chunks at time-up
    return list(Recording.objects.filter(waiting, modified__lt=older_than).exclude(
        attempt__status__in=AttemptStatus.IN_PROGRESS).values_list('pk', flat=True))


def _rounded(seconds):
    """Offsets are kept to the millisecond, so the same event of a second run has the same key."""
    return round(float(seconds), 3)


def _store(recording, result, storage):
    """Keep the analysis result: one finding per (kind, start), and the summary; mark the recording analysed."""
    with transaction.atomic():
        recording = lock_recording(recording.pk)
        if recording.status != Recording.ANALYSING:
            return recording.status  # another delivery finished first, or it was quarantined meanwhile
        kept = []
        for event in result.events:
            start = _rounded(event.start_s)
            existing = VideoFinding.objects.filter(recording=recording, kind=event.kind, start_s=start).first()
            thumbnail = existing.thumbnail_name if existing is not None else ''
            if not thumbnail and getattr(event, 'thumbnail_jpeg', None):
                thumbnail = save_bytes(storage, new_name('thumbnails', '.jpg'), event.thumbnail_jpeg)[0]
            thumbnail_s = getattr(event, 'thumbnail_s', None)
            finding, _ = VideoFinding.objects.update_or_create(
                recording=recording, kind=event.kind, start_s=start,
                defaults={'end_s': _rounded(event.end_s), 'confidence': float(event.confidence),
                          'thumbnail_name': thumbnail,
                          'thumbnail_s': None if thumbnail_s is None else _rounded(thumbnail_s)})
            kept.append(finding.pk)
        stale = VideoFinding.objects.filter(recording=recording).exclude(pk__in=kept)
        stale_thumbnails = list(stale.exclude(thumbnail_name='').values_list('thumbnail_name', flat=True))
        stale.delete()
        transaction.on_commit(lambda: [delete_quietly(storage, name) for name in stale_thumbnails])
        recording.status = Recording.ANALYSED
        recording.analysis_progress = 1.0
        recording.analysis_error = ''
        recording.analysis_summary = {
            'duration_s': getattr(result, 'duration_s', None),
            'frames_sampled': getattr(result, 'frames_sampled', None),
            'warnings': [str(warning) for warning in (getattr(result, 'warnings', None) or [])],
            'findings': len(kept),
        }
        recording.save(update_fields=['status', 'analysis_progress', 'analysis_error', 'analysis_summary'])
    return recording.status


def _reference_photo(recording, storage):
    """The name of the learner's photo taken before the exam (what the webcam is compared with), or None."""
    name = recording.attempt.photos.filter(kind='user').values_list('file_name', flat=True).first()
    return name if name and storage.exists(name) else None


def run(recording_id, analyser, *, max_deliveries, needs_person, progress_interval_s=5.0, analyser_kwargs=None):
    """
    Analyse one complete recording with ``analyser`` (``video.analyse_recording``'s signature);
    return the recording's status afterwards.

    ``analyser_kwargs`` go to the analyser as they are (``options``, ``timeout_s``, ``memory_limit_mb``).
    ``needs_person(recording, reason)`` is called once when the recording cannot be analysed (the
    analyser gave up, the file is empty or broken, or it was quarantined).
    """
    recording = _claim(recording_id, max_deliveries, needs_person)
    if recording is None:
        return Recording.objects.filter(pk=recording_id).values_list('status', flat=True).first()
    # From here on this delivery is counted: a worker killed below brings the recording nearer quarantine.
    storage = media_storage()
    if recording.next_chunk_index == 0:
        return _fail(recording, FAILED_EMPTY, needs_person)
    try:
        assemble(recording, storage)
    except _Missing:
        return _fail(recording, FAILED_MISSING_CHUNKS, needs_person)
    except Exception:  # pylint: disable=broad-except
        # The storage failed us: a person watches what there is rather than the recording waiting forever.
        log.exception('Could not assemble recording %s (%s)', recording.pk, recording.idempotency_key)
        return _fail(recording, FAILED_ASSEMBLY, needs_person)
    if recording.kind not in ANALYSED_KINDS:
        return _store(recording, _NotAnalysed, storage)
    expected = None
    if recording.completed and recording.started:
        expected = max(0.0, (recording.completed - recording.started).total_seconds())
    kwargs = {**(analyser_kwargs or {}), 'kind': recording.kind, 'expected_duration_s': expected,
              'on_progress': progress_saver(recording, progress_interval_s)}
    photo_name = _reference_photo(recording, storage) if recording.kind == Recording.WEBCAM else None
    try:
        with ExitStack() as files:
            path = files.enter_context(local_copy(storage, recording.file_name))
            if photo_name:
                kwargs['reference_photo'] = files.enter_context(local_copy(storage, photo_name))
            result = analyser(path, **kwargs)
    except Exception as error:  # pylint: disable=broad-except
        # The analyser's own failure (``AnalysisFailed``) names its reason; anything else is a crash of
        # the analyser. Either way a person looks at the recording: it is never taken as clean.
        reason = getattr(error, 'reason', None) or FAILED_CRASHED
        log.warning('Analysis of recording %s (%s) failed: %s', recording.pk, recording.idempotency_key, reason,
                    exc_info=True)
        return _fail(recording, reason, needs_person)
    return _store(recording, result, storage)
