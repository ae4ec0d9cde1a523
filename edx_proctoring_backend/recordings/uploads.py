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
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext

from ..exams import timer
from ..exams.errors import ProctoringError
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


def still_recording(attempt, now, grace_seconds):
    """
    Whether chunks of the attempt are still accepted at ``now``: while it is in progress, and after the
    clock ended it, as long as answers are (the deadline plus the grace): the page's last chunk, cut at
    00:00, arrives after the server has submitted the exam.
    """
    if attempt.status in S.IN_PROGRESS:
        return True
    return (attempt.status == S.SUBMITTED and attempt.submit_reason == TIME_EXPIRED
            and attempt.deadline is not None and timer.accepts_answers(attempt.deadline, now, grace_seconds))


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


def require_asked_for(attempt, kind, asked_kinds):
    """
    Refuse a recording the exam's rules do not ask for (``asked_kinds``), or at a moment they do not:
    the room scan before the start only, the webcam and the screen from the start on.
    """
    _require_kind(kind, Recording.KINDS)
    if kind not in asked_kinds:
        raise UploadRefused('not_asked', gettext('This exam does not record that.'), 404)
    if kind == Recording.ROOM_SCAN:
        require_before_start(attempt)
    elif attempt.status in (S.CREATED, S.READY_TO_START):
        raise UploadRefused('not_started', gettext('The exam has not started: its recording begins at the start.'),
                            409)


def attempt_budget_bytes(attempt, asked_kinds, max_kbps, margin_seconds):
    """
    How many bytes an attempt's recordings may hold in all: each recording taken during the exam at
    ``max_kbps`` for the attempt's whole time (its allowances included), plus ``margin_seconds`` of it
    (the room scan, the answers' grace, a reload's new file headers).
    """
    if attempt.started_at is not None and attempt.deadline is not None:
        seconds = max(0.0, (attempt.deadline - attempt.started_at).total_seconds())
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


def _require_storable_chunk(attempt, kind, data, content_type, asked_kinds, max_chunk_bytes, grace_seconds):
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
    require_asked_for(attempt, kind, asked_kinds)
    return media_type


def store_chunk(attempt, kind, index, data, content_type, *, asked_kinds, max_chunk_bytes, max_recording_bytes,
                budget_bytes=None, gap_seconds=None, grace_seconds=0):
    """
    Store chunk ``index`` of the attempt's recording of ``kind``, one of the ``asked_kinds`` that the exam's
    rules record (``require_asked_for``); return ``(created, state)``. The attempt's recordings together
    hold at most ``budget_bytes`` (``attempt_budget_bytes``), each at most ``max_recording_bytes``.

    Chunks are accepted in order only. The same chunk again (same bytes) is answered as stored
    (``created`` False), so a page that lost an answer may send it again. The chunk's file is written
    completely before its row is: a crash in between leaves no counted half chunk. During the exam,
    a chunk arriving over ``gap_seconds`` after the previous one flags the gap for the reviewer. When
    the clock ended the exam, chunks are still accepted for ``grace_seconds`` after the deadline.
    """
    media_type = _require_storable_chunk(attempt, kind, data, content_type, asked_kinds, max_chunk_bytes,
                                         grace_seconds)
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


def add_flag(attempt, kind, detail='', max_flags=None):
    """
    Flag a moment of the session for the reviewer; return the ``SessionFlag``, or None once the attempt
    has ``max_flags`` flags (a page that keeps reporting fills no table; the reviewer has plenty).
    """
    if max_flags is not None and SessionFlag.objects.filter(attempt=attempt).count() >= max_flags:
        return None
    return SessionFlag.objects.create(attempt=attempt, kind=kind, detail=detail[:255])
