"""
What the exam page uploads during in-house proctoring: photos, recording chunks and
capture flags, each checked and stored here.

Callers pass an attempt they have already checked (the learner's own, of a recording provider) and
the limits; every refusal is an ``UploadRefused`` with a stable code, an HTTP status and a
message for the learner.
"""
import hashlib
from datetime import timedelta

from django.db import transaction
from django.db.models import Max, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext

from ..exams import timer
from ..exams.errors import ProctoringError
from ..exams.hosted import SUBMITTED_IN_EDX_PROCTORING
from ..exams.statuses import AttemptStatus
from .models import AttemptPhoto, Recording, RecordingChunk, SessionFlag
from .storage import delete_quietly, media_storage, new_name, save_bytes

S = AttemptStatus

#: The containers browsers record in (``MediaRecorder``), with the bytes a first chunk starts with.
RECORDING_TYPES = {
    'video/webm': (b'\x1a\x45\xdf\xa3',),          # EBML header
    'video/mp4': (b'ftyp',),                       # at offset 4: the ISO BMFF file type box
}
PHOTO_TYPES = {
    'image/jpeg': (b'\xff\xd8\xff',),
    'image/png': (b'\x89PNG\r\n\x1a\n',),
}
PHOTO_EXTENSIONS = {'image/jpeg': '.jpg', 'image/png': '.png'}
RECORDING_EXTENSIONS = {'video/webm': '.webm', 'video/mp4': '.mp4'}


class UploadRefused(ProctoringError):
    """An upload the rules refuse; ``status`` is its HTTP status, ``details`` more JSON for the page."""

    code = 'upload_refused'

    def __init__(self, code, message, status=400, **details):
        super().__init__(message, code=code)
        self.status = status
        self.details = details


class _Raced(Exception):
    """Another request stored the same chunk first."""


def main_type(content_type):
    """``video/webm;codecs=vp8`` → ``video/webm``."""
    return (content_type or '').split(';', 1)[0].strip().lower()


def _require_kind(kind, kinds):
    if kind not in kinds:
        raise UploadRefused('unknown_kind', gettext('There is nothing of that kind to upload here.'), 404)
    return kind


def require_in_progress(attempt):
    """Refuse anything for an attempt that is over (submitted, reviewed, ended in error, reset, declined)."""
    if attempt.status not in S.IN_PROGRESS:
        raise UploadRefused('attempt_finished', gettext('This exam has ended: nothing more can be uploaded.'), 409)


TIME_EXPIRED = 'time_expired'
#: Submit reasons after which the page's last chunks still come: the clock's (the chunk cut at 00:00),
#: and edx-proctoring's (its page submits without waiting for the recording window).
LATE_CHUNK_REASONS = (TIME_EXPIRED, SUBMITTED_IN_EDX_PROCTORING)


def still_recording(attempt, now, grace_seconds):
    """
    Whether chunks of the attempt are still accepted at ``now``: while it is in progress, and after a
    submission that did not wait for them (``LATE_CHUNK_REASONS``) as long as answers would be: for the
    answers' grace after the deadline the clock reached, or after edx-proctoring's submission.
    """
    if attempt.status in S.IN_PROGRESS:
        return True
    if attempt.status != S.SUBMITTED or attempt.submit_reason not in LATE_CHUNK_REASONS:
        return False
    ended = attempt.deadline if attempt.submit_reason == TIME_EXPIRED else attempt.submitted_at
    return ended is not None and timer.accepts_answers(ended, now, grace_seconds)


def require_before_start(attempt):
    """Refuse changes to what was checked before the start (photos, the room scan) once the exam has begun."""
    require_in_progress(attempt)
    if attempt.status == S.STARTED:
        raise UploadRefused('attempt_started', gettext('The exam has started: this can no longer be changed.'), 409)


def lock_recording(recording_pk):
    """
    Lock a recording's row for the rest of the transaction and return it fresh. The write comes first
    so SQLite takes its write lock before reading; MariaDB's row lock is taken by either statement.
    """
    Recording.objects.filter(pk=recording_pk).update(modified=timezone.now())
    return Recording.objects.select_for_update().get(pk=recording_pk)


def state_of(recording):
    """The state the page resumes from: ``{kind, next_index, size_bytes, status}``."""
    return {'kind': recording.kind, 'next_index': recording.next_chunk_index, 'size_bytes': recording.size_bytes,
            'status': recording.status}


def recording_state(attempt, kind):
    """Return the state of the attempt's recording of ``kind``; ``status`` is ``not_started`` before any chunk."""
    _require_kind(kind, Recording.KINDS)
    recording = Recording.objects.filter(attempt=attempt, kind=kind).first()
    if recording is None:
        return {'kind': kind, 'next_index': 0, 'size_bytes': 0, 'status': 'not_started'}
    return state_of(recording)


def _looks_like(data, content_type):
    if content_type == 'video/mp4':
        return data[4:8] == b'ftyp'
    return any(data.startswith(magic) for magic in RECORDING_TYPES.get(content_type, ()))


def _known_chunk(recording, index, digest):
    """
    The answer for a chunk that is not the next one: its state again when it is a repeat of a
    stored chunk, else a refusal.
    """
    if index > recording.next_chunk_index:
        raise UploadRefused('out_of_order', gettext('A chunk is missing before this one: send the missing one first.'),
                            409, next_index=recording.next_chunk_index)
    stored = RecordingChunk.objects.filter(recording=recording, index=index).values_list('sha256', flat=True).first()
    if stored != digest:
        raise UploadRefused('chunk_conflict', gettext('A different chunk with this number was already received.'),
                            409, next_index=recording.next_chunk_index)
    return state_of(recording)


def require_asked_for(attempt, kind, asked_kinds, records_before_start=False):
    """
    Refuse a recording the exam's rules do not ask for (``asked_kinds``), or at a moment they do not:
    the room scan before the start only, the webcam and the screen from the start on, or, where the
    recording must be running before the start (``records_before_start``: an exam behind edx-proctoring,
    whose start waits for it), once the checks are done.
    """
    _require_kind(kind, Recording.KINDS)
    if kind not in asked_kinds:
        raise UploadRefused('not_asked', gettext('This exam does not record that.'), 404)
    if kind == Recording.ROOM_SCAN:
        require_before_start(attempt)
    elif attempt.status == S.CREATED or (attempt.status == S.READY_TO_START and not records_before_start):
        raise UploadRefused('not_started', gettext('The exam has not started: its recording begins at the start.'),
                            409)


def attempt_budget_bytes(attempt, asked_kinds, max_kbps, margin_seconds, records_before_start=False):
    """
    How many bytes an attempt's recordings may hold in all: each recording taken during the exam at
    ``max_kbps`` for the attempt's whole time (its allowances included), plus ``margin_seconds`` of it
    (the room scan, the answers' grace, a reload's new file headers). Where the recording runs before the
    start (``records_before_start``), the time from its first chunk to the start counts too.
    """
    if attempt.started_at is not None and attempt.deadline is not None:
        begun = attempt.started_at
        if records_before_start:
            first = (Recording.objects.filter(attempt=attempt).exclude(kind=Recording.ROOM_SCAN)
                     .aggregate(first=Min('started'))['first'])
            begun = min(begun, first or begun)
        seconds = max(0.0, (attempt.deadline - begun).total_seconds())
    else:
        seconds = attempt.exam.time_limit_minutes * 60
    during = max(1, len([kind for kind in asked_kinds if kind != Recording.ROOM_SCAN]))
    return int((seconds * during + margin_seconds) * max_kbps * 1000 / 8)


def require_room_in_budget(attempt, size, budget_bytes):
    """Refuse ``size`` more bytes for an attempt whose recordings would then hold over ``budget_bytes``."""
    held = Recording.objects.filter(attempt=attempt).aggregate(total=Sum('size_bytes'))['total'] or 0
    if held + size > budget_bytes:
        raise UploadRefused('attempt_quota', gettext("This exam's recordings have reached their size limit."), 413,
                            max_bytes=budget_bytes)


# pylint: disable-next=too-many-positional-arguments
def _require_storable_chunk(attempt, kind, data, content_type, asked_kinds, max_chunk_bytes, grace_seconds,
                            records_before_start):
    """Refuse a chunk that no recording of the attempt may take now; return its media type."""
    _require_kind(kind, Recording.KINDS)
    if not data:
        raise UploadRefused('empty', gettext('The upload is empty.'), 400)
    media_type = main_type(content_type)
    if media_type not in RECORDING_TYPES:
        raise UploadRefused('unsupported_type', gettext('Recordings are sent as WebM or MP4 video.'), 415)
    if len(data) > max_chunk_bytes:
        raise UploadRefused('chunk_too_large', gettext('This chunk is too large.'), 413, max_bytes=max_chunk_bytes)
    if not still_recording(attempt, timezone.now(), grace_seconds):
        require_in_progress(attempt)
    require_asked_for(attempt, kind, asked_kinds, records_before_start)
    return media_type


def store_chunk(attempt, kind, index, data, content_type, *, asked_kinds, max_chunk_bytes, max_recording_bytes,
                budget_bytes=None, gap_seconds=None, grace_seconds=0, records_before_start=False):
    """
    Store chunk ``index`` of the attempt's recording of ``kind``, one of the ``asked_kinds`` that the exam's
    rules record (``require_asked_for``); return ``(created, state)``. The attempt's recordings together
    hold at most ``budget_bytes`` (``attempt_budget_bytes``), each at most ``max_recording_bytes``.

    Chunks are accepted in order only. The same chunk again (same bytes) is answered as stored
    (``created`` False), so a page that lost an answer may send it again. The chunk's file is written
    completely before its row is: a crash in between leaves no counted half chunk. During the exam,
    a chunk arriving over ``gap_seconds`` after the previous one flags the gap for the reviewer. After a
    submission that did not wait for the page (``still_recording``), chunks are still accepted for
    ``grace_seconds``. ``records_before_start``: the recording may begin once the checks are done.
    """
    media_type = _require_storable_chunk(attempt, kind, data, content_type, asked_kinds, max_chunk_bytes,
                                         grace_seconds, records_before_start)
    recording, _ = Recording.objects.get_or_create(attempt=attempt, kind=kind,
                                                   defaults={'content_type': content_type[:100]})
    digest = hashlib.sha256(data).hexdigest()
    if index != recording.next_chunk_index:
        return False, _known_chunk(recording, index, digest)
    if recording.status != Recording.RECORDING:
        raise UploadRefused('recording_complete', gettext('This recording is complete.'), 409)
    if index > 0 and main_type(recording.content_type) != media_type:
        raise UploadRefused('unsupported_type', gettext('A recording keeps the video type it started with.'), 415)
    if index == 0 and not _looks_like(data, media_type):
        raise UploadRefused('not_a_video', gettext('The upload is not a video of the type it claims.'), 415)
    if recording.size_bytes + len(data) > max_recording_bytes:
        raise UploadRefused('recording_too_large', gettext('This recording has reached its size limit.'), 413,
                            max_bytes=max_recording_bytes)
    if budget_bytes is not None:
        require_room_in_budget(attempt, len(data), budget_bytes)
    storage = media_storage()
    name, size, digest = save_bytes(storage, new_name('chunks', '.part'), data)
    try:
        with transaction.atomic():
            recording = lock_recording(recording.pk)
            if recording.status != Recording.RECORDING:
                raise UploadRefused('recording_complete', gettext('This recording is complete.'), 409)
            if index != recording.next_chunk_index:
                # Another request stored this index meanwhile (a retry racing its original).
                raise _Raced()
            if recording.size_bytes + size > max_recording_bytes:
                raise UploadRefused('recording_too_large', gettext('This recording has reached its size limit.'),
                                    413, max_bytes=max_recording_bytes)
            now = timezone.now()
            RecordingChunk.objects.create(recording=recording, index=index, size=size, sha256=digest, file_name=name,
                                          created=now)
            _flag_gap(attempt, recording, now, gap_seconds)
            if index == 0:  # the first chunk says what the recording is and when it began
                recording.content_type, recording.started = content_type[:100], now
            recording.next_chunk_index = index + 1
            recording.size_bytes += size
            recording.last_chunk_at = now
            recording.modified = now
            recording.save(update_fields=['content_type', 'started', 'next_chunk_index', 'size_bytes',
                                          'last_chunk_at', 'modified'])
    except _Raced:
        delete_quietly(storage, name)
        return False, _known_chunk(Recording.objects.get(pk=recording.pk), index, digest)
    except BaseException:
        delete_quietly(storage, name)
        raise
    return True, state_of(recording)


def _flag_gap(attempt, recording, now, gap_seconds):
    """Flag a pause in the uploads of a running exam (the page was closed, the network down)."""
    if gap_seconds is None or attempt.status != S.STARTED or recording.last_chunk_at is None:
        return
    gap = now - recording.last_chunk_at
    if gap > timedelta(seconds=gap_seconds):
        SessionFlag.objects.create(attempt=attempt, kind=SessionFlag.UPLOAD_GAP, at=now,
                                   detail=f'{recording.kind}: no upload for {int(gap.total_seconds())} s')


#: The recording each flag from the browser says stopped (a closed recorder: any of them).
_STOPPED_RECORDING = {SessionFlag.CAMERA_STOPPED: Recording.WEBCAM, SessionFlag.SCREEN_STOPPED: Recording.SCREEN}
LIVE = 'live'
NOT_STARTED = 'not_started'
STOPPED = 'stopped'


#: After a reported stop, the stopped recorder's last chunk still arrives: a recording is live again only
#: with a chunk this long after the stop (the learner shared again and chunks keep coming).
STOP_SETTLE_SECONDS = 10


def liveness(attempt, kinds, now, gap_seconds):
    """
    Whether the attempt's recordings of ``kinds`` are running, as seen from the server, for whoever waits
    on them (edx-proctoring's start and ping): ``{kind: state}``, each ``live`` (a chunk within the last
    ``gap_seconds``, and since the last reported stop), ``not_started`` (no chunk yet), ``stopped`` (a stop
    reported and no chunk over ``STOP_SETTLE_SECONDS`` after it, or no chunk for ``gap_seconds``) or the
    recording's status once it is no longer recording (``complete`` and after).
    """
    recordings = {recording.kind: recording for recording in Recording.objects.filter(attempt=attempt, kind__in=kinds)}
    last_stops = (SessionFlag.objects.filter(attempt=attempt, kind__in=SessionFlag.FROM_BROWSER)
                  .values('kind').annotate(last=Max('at')).values_list('kind', 'last'))
    stopped_at = {}
    for flag_kind, at in last_stops:
        for kind in ((_STOPPED_RECORDING[flag_kind],) if flag_kind in _STOPPED_RECORDING else kinds):
            stopped_at[kind] = max(at, stopped_at.get(kind, at))
    settle = timedelta(seconds=STOP_SETTLE_SECONDS)
    states = {}
    for kind in kinds:
        recording = recordings.get(kind)
        if recording is None or recording.last_chunk_at is None:
            states[kind] = NOT_STARTED
        elif recording.status != Recording.RECORDING:
            states[kind] = recording.status
        elif (stopped_at.get(kind) and recording.last_chunk_at < stopped_at[kind] + settle) \
                or now - recording.last_chunk_at > timedelta(seconds=gap_seconds):
            states[kind] = STOPPED
        else:
            states[kind] = LIVE
    return states


def complete_recording(attempt, kind):
    """
    Mark the attempt's recording of ``kind`` complete: no more chunks. Return ``(recording, newly)``,
    ``newly`` False when it was complete already.
    """
    _require_kind(kind, Recording.KINDS)
    recording = Recording.objects.filter(attempt=attempt, kind=kind).first()
    if recording is None or recording.next_chunk_index == 0:
        raise UploadRefused('nothing_recorded', gettext('Nothing of this recording was received.'), 409)
    return _complete(recording)


def _complete(recording):
    """Close an open recording under its lock; return ``(recording, whether this call closed it)``."""
    with transaction.atomic():
        recording = lock_recording(recording.pk)
        if recording.status != Recording.RECORDING:
            return recording, False
        recording.status = Recording.COMPLETE
        recording.completed = recording.modified
        recording.save(update_fields=['status', 'completed'])
    return recording, True


def complete_open_recordings(attempt):
    """Complete every recording of the attempt still open (the exam ended); return them."""
    return [_complete(recording)[0] for recording in attempt.recordings.filter(status=Recording.RECORDING)]


def close_if_over(recording_id):
    """Close the recording if it is still open and its exam is over (its last chunks had their grace)."""
    recording = Recording.objects.filter(pk=recording_id, status=Recording.RECORDING).exclude(
        attempt__status__in=S.IN_PROGRESS).first()
    if recording is not None and recording.next_chunk_index:
        _complete(recording)


def recordings_to_analyse(attempt):
    """
    Return the ids of the attempt's recordings not analysed yet: complete ones, and those left open for
    the last chunks after the clock ended the exam.
    """
    waiting = Q(status=Recording.COMPLETE) | Q(status=Recording.RECORDING, next_chunk_index__gt=0)
    return list(attempt.recordings.filter(waiting).values_list('pk', flat=True))


def store_photo(attempt, kind, data, content_type, *, max_bytes):
    """
    Store the learner's photo or ID photo (``kind`` user or id), replacing the one taken before;
    return the ``AttemptPhoto``. Only JPEG and PNG, recognised by their first bytes, before the start.
    """
    _require_kind(kind, AttemptPhoto.KINDS)
    if not data:
        raise UploadRefused('empty', gettext('The upload is empty.'), 400)
    media_type = main_type(content_type)
    if media_type not in PHOTO_TYPES:
        raise UploadRefused('unsupported_type', gettext('Photos are sent as JPEG or PNG images.'), 415)
    if len(data) > max_bytes:
        raise UploadRefused('photo_too_large', gettext('This photo is too large.'), 413, max_bytes=max_bytes)
    if not any(data.startswith(magic) for magic in PHOTO_TYPES[media_type]):
        raise UploadRefused('not_an_image', gettext('The upload is not an image of the type it claims.'), 415)
    require_before_start(attempt)
    storage = media_storage()
    name, size, _ = save_bytes(storage, new_name('photos', PHOTO_EXTENSIONS[media_type]), data)
    try:
        with transaction.atomic():
            previous = AttemptPhoto.objects.select_for_update().filter(attempt=attempt, kind=kind).first()
            old_name = previous.file_name if previous else ''
            photo, _ = AttemptPhoto.objects.update_or_create(
                attempt=attempt, kind=kind,
                defaults={'file_name': name, 'content_type': media_type, 'size': size, 'created': timezone.now()})
            transaction.on_commit(lambda: delete_quietly(storage, old_name))
    except BaseException:
        delete_quietly(storage, name)
        raise
    return photo


def photo_kinds(attempt):
    """The kinds of photo the attempt has."""
    return set(attempt.photos.values_list('kind', flat=True))


def interrupted(attempt_ids):
    """The ids among ``attempt_ids`` whose recording was interrupted (``SessionFlag.INTERRUPTIONS``), in one query."""
    return set(SessionFlag.objects.filter(attempt_id__in=list(attempt_ids), kind__in=SessionFlag.INTERRUPTIONS)
               .values_list('attempt_id', flat=True).distinct())


def add_flag(attempt, kind, detail='', max_flags=None):
    """
    Flag a moment of the session for the reviewer; return the ``SessionFlag``, or None once the attempt
    has ``max_flags`` flags (a page that keeps reporting fills no table; the reviewer has plenty).
    """
    if max_flags is not None and SessionFlag.objects.filter(attempt=attempt).count() >= max_flags:
        return None
    return SessionFlag.objects.create(attempt=attempt, kind=kind, detail=detail[:255])
