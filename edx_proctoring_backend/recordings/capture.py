"""
In-house proctoring's use-cases (the ``local`` provider): what the exam page uploads (recordings,
photos) and is given (the capture plan), and the analysis of the recordings once the exam is
submitted. The learner's own attempt only: anybody else's, or another provider's, is "not found".
"""
import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from ..exams.attempts import latest_attempt
from ..exams.errors import AttemptNotFound
from ..exams.hosted import is_hosted
from ..exams.models import ExamAttempt
from ..exams.statuses import AttemptStatus
from ..exams.timer import answer_grace_seconds
from ..providers.local import LocalProvider
from ..providers.registry import UnknownProvider, get_provider
from ..video import AnalysisOptions
from . import analysis as recording_analysis, uploads

log = logging.getLogger(__name__)


DEFAULT_MAX_CHUNK_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_RECORDING_BYTES = 4 * 1024 ** 3
DEFAULT_MAX_PHOTO_BYTES = 5 * 1024 * 1024
# A browser's WebM of a webcam or a screen stays well below this bitrate (kilobits a second).
DEFAULT_MAX_RECORDING_KBPS = 4000
DEFAULT_RECORDING_MARGIN_SECONDS = 600
# What the page's recorder aims at for each recording (kilobits a second), and so what the learner's
# connection must carry for each; the upload check asks this much more for the moments it is slower.
DEFAULT_RECORDER_KBPS = 1000
UPLOAD_CHECK_HEADROOM = 1.5
# The microphone's sound, where recorded with the webcam (Opus speech in WebM: kilobits a second).
AUDIO_KBPS = 64
# The upload check's sample: big enough to time, small enough for a slow line (about 3 s at 1.4 Mbit/s).
UPLOAD_CHECK_BYTES = 512 * 1024
DEFAULT_MAX_FLAGS_PER_ATTEMPT = 500
DEFAULT_UPLOAD_GAP_SECONDS = 60
DEFAULT_ANALYSER = 'edx_proctoring_backend.video.analyse_recording'


def upload_limits():
    """
    Return the site's upload limits: ``{'max_chunk_bytes', 'max_recording_bytes', 'max_photo_bytes',
    'max_recording_kbps', 'recording_margin_seconds', 'max_flags'}`` (settings ``PROCTORING_MAX_CHUNK_BYTES``,
    ``PROCTORING_MAX_RECORDING_BYTES``, ``PROCTORING_MAX_PHOTO_BYTES``, ``PROCTORING_MAX_RECORDING_KBPS``,
    ``PROCTORING_RECORDING_MARGIN_SECONDS``, ``PROCTORING_MAX_FLAGS_PER_ATTEMPT``).
    """
    return {
        'max_chunk_bytes': int(getattr(settings, 'PROCTORING_MAX_CHUNK_BYTES', DEFAULT_MAX_CHUNK_BYTES)),
        'max_recording_bytes': int(getattr(settings, 'PROCTORING_MAX_RECORDING_BYTES', DEFAULT_MAX_RECORDING_BYTES)),
        'max_photo_bytes': int(getattr(settings, 'PROCTORING_MAX_PHOTO_BYTES', DEFAULT_MAX_PHOTO_BYTES)),
        'max_recording_kbps': float(getattr(settings, 'PROCTORING_MAX_RECORDING_KBPS', DEFAULT_MAX_RECORDING_KBPS)),
        'recording_margin_seconds': int(getattr(settings, 'PROCTORING_RECORDING_MARGIN_SECONDS',
                                                DEFAULT_RECORDING_MARGIN_SECONDS)),
        'max_flags': int(getattr(settings, 'PROCTORING_MAX_FLAGS_PER_ATTEMPT', DEFAULT_MAX_FLAGS_PER_ATTEMPT)),
    }


def recorded_attempt(user, attempt_id):
    """
    Return ``(attempt, provider)`` for the learner's own attempt of an exam recorded on this site.
    Anybody else's attempt, or one of another provider, is "not found": nothing is told about it.
    """
    attempt = None
    if user is not None and user.is_authenticated:
        attempt = ExamAttempt.objects.select_related('exam').filter(pk=attempt_id, user=user).first()
    provider = recording_provider(attempt.exam) if attempt is not None else None
    if provider is None:
        raise AttemptNotFound()
    return attempt, provider


def recorder_kbps():
    """The bitrate (kbit/s) the page records each recording at (``PROCTORING_RECORDER_KBPS``)."""
    return int(getattr(settings, 'PROCTORING_RECORDER_KBPS', DEFAULT_RECORDER_KBPS))


def upload_check(user, attempt_id, received_bytes):
    """
    The learner's connection check before an exam recorded on this site: the page timed the upload of a
    sample (``received_bytes`` arrived, nothing is kept). Only the learner's own attempt, before the start.
    """
    attempt, _ = recorded_attempt(user, attempt_id)
    uploads.require_before_start(attempt)
    return {'received_bytes': received_bytes}


def recording_provider(exam):
    """The provider of ``exam`` when it records on this site (``LocalProvider``), else None."""
    try:
        provider = get_provider(exam.provider)
    except (UnknownProvider, ImportError):
        return None
    return provider if isinstance(provider, LocalProvider) else None


def interrupted_recordings(attempts_and_exams):
    """
    The ids among ``(attempt_id, exam)`` pairs of attempts recorded on this site whose recording was
    interrupted (``uploads.interrupted``): one query, none when no attempt is recorded here.
    """
    recorded = [attempt_id for attempt_id, exam in attempts_and_exams if recording_provider(exam) is not None]
    return uploads.interrupted(recorded) if recorded else set()


def recording_state(user, attempt_id, kind):
    """
    Return ``{'kind', 'next_index', 'size_bytes', 'status'}`` of the learner's recording of ``kind``
    (webcam, screen, room_scan), so a reloaded page resumes at ``next_index``. ``status`` is
    ``not_started``, ``recording``, ``complete``, ``analysing``, ``analysed``, ``analysis_failed`` or
    ``quarantined``.
    """
    attempt, _ = recorded_attempt(user, attempt_id)
    return uploads.recording_state(attempt, kind)


def store_chunk(user, attempt_id, kind, index, data, content_type):
    """
    Store chunk ``index`` (bytes ``data`` of ``content_type``, video/webm or video/mp4) of the learner's
    recording of ``kind``; return ``(created, state)``: ``created`` is False for a repeat of a stored
    chunk. Raises ``AttemptNotFound`` or ``UploadRefused`` (see ``recordings.uploads.store_chunk``).
    """
    attempt, provider = recorded_attempt(user, attempt_id)
    limits = upload_limits()
    asked = provider.upload_kinds(attempt.exam)
    # Behind edx-proctoring the recording runs before the start, which waits for it (records_before_start).
    early = is_hosted(attempt.exam)
    return uploads.store_chunk(
        attempt, kind, index, data, content_type, asked_kinds=asked, max_chunk_bytes=limits['max_chunk_bytes'],
        budget_bytes=uploads.attempt_budget_bytes(attempt, asked, limits['max_recording_kbps'],
                                                  limits['recording_margin_seconds'], records_before_start=early),
        max_recording_bytes=limits['max_recording_bytes'], gap_seconds=upload_gap_seconds(),
        grace_seconds=answer_grace_seconds(), records_before_start=early)


def upload_gap_seconds():
    """
    How long a running recording may go without a chunk (``PROCTORING_UPLOAD_GAP_SECONDS``, 60): a longer
    gap is flagged for the reviewer, and a recording that edx-proctoring waits on is no longer live.
    """
    return getattr(settings, 'PROCTORING_UPLOAD_GAP_SECONDS', DEFAULT_UPLOAD_GAP_SECONDS)


def recording_status(attempt):
    """
    Where the in-house recording of ``attempt`` stands, as edx-proctoring's worker asks before the start
    and at each ping (``special_exams``): ``{'status': the attempt's status, 'recording': overall,
    'recordings': {kind: state}}`` (``recordings.uploads.liveness``). ``recording`` is ``live`` when every
    recording the exam takes is, ``stopped`` when one stopped, ``ended`` once the attempt is over, else
    ``not_started``. Raises ``AttemptNotFound`` for an attempt of another provider.
    """
    provider = recording_provider(attempt.exam)
    if provider is None:
        raise AttemptNotFound()
    states = uploads.liveness(attempt, provider.recording_kinds(attempt.exam), timezone.now(), upload_gap_seconds())
    if attempt.status not in AttemptStatus.IN_PROGRESS:
        overall = 'ended'
    elif all(state == uploads.LIVE for state in states.values()):
        overall = uploads.LIVE
    elif any(state != uploads.NOT_STARTED for state in states.values()):
        overall = uploads.STOPPED
    else:
        overall = uploads.NOT_STARTED
    return {'status': attempt.status, 'recording': overall, 'recordings': states}


def complete_recording(user, attempt_id, kind):
    """
    The page stopped the recording of ``kind``: no more chunks; return its state. Completing twice is
    harmless. The recording is assembled and analysed after the exam is submitted (at once when it
    already is). Raises ``AttemptNotFound`` or ``UploadRefused`` (``nothing_recorded`` 409).
    """
    attempt, _ = recorded_attempt(user, attempt_id)
    recording, newly = uploads.complete_recording(attempt, kind)
    if newly and attempt.status not in AttemptStatus.IN_PROGRESS:
        queue_analysis([recording.pk])
    return uploads.state_of(recording)


def store_photo(user, attempt_id, kind, data, content_type):
    """
    Store the learner's photo (``kind`` ``user``) or ID photo (``id``), a JPEG or PNG checked by its first
    bytes, replacing the previous one; refused once the exam has started. Returns the ``AttemptPhoto``.
    """
    attempt, _ = recorded_attempt(user, attempt_id)
    return uploads.store_photo(attempt, kind, data, content_type, max_bytes=upload_limits()['max_photo_bytes'])


def capture_plan(user, exam):
    """
    Return what the exam page needs to record the learner's current attempt, or None when the exam is not
    recorded on this site or there is no attempt being taken::

        {
            'attempt_id': 12,
            'status': 'created',                        # the attempt's status
            'steps': ['user_photo', 'id_photo', 'exam_code'],  # with 'room_scan' if asked
            'recordings': ['webcam'],                   # plus 'screen' where the exam records it
            'room_scan': False,
            'record_sound': False,                      # the webcam's recording carries the microphone's sound
            'on_capture_lost': 'continue',              # or 'end'
            'photos': [],                               # the photos already taken ('user', 'id')
            'state': {'webcam': {'kind', 'next_index', 'size_bytes', 'status'}, ...},  # resume from here
            'limits': {'max_chunk_bytes', 'max_recording_bytes', 'max_photo_bytes'},
            'upload_check': {'url': POST a sample, 'sample_bytes', 'recorder_kbps', 'audio_kbps', 'needed_kbps'},
            'content_types': {'recording': ['video/webm', 'video/mp4'], 'photo': ['image/jpeg', 'image/png']},
            'urls': {
                'flags': POST {"kind"},
                'photos': {'user': POST image, 'id': POST image},
                'recordings': {kind: {'state': GET, 'chunk': POST to .format(index=n), 'complete': POST}},
            },
        }

    Every URL is session-authenticated and CSRF-protected (send the ``X-CSRFToken`` header).
    """
    attempt = latest_attempt(exam, user)
    if attempt is None or attempt.status not in AttemptStatus.IN_PROGRESS:
        return None
    provider = recording_provider(exam)
    if provider is None:
        return None
    options = provider.options(exam)
    kinds = provider.upload_kinds(exam)

    def url(name, *args):
        return reverse(f'edx_proctoring_backend:{name}', args=[attempt.pk, *args])

    recordings = list(provider.recording_kinds(exam))
    recorder, audio = recorder_kbps(), AUDIO_KBPS if options['record_sound'] else 0
    recording_urls = {}
    for kind in kinds:
        base = url('recording', kind)
        recording_urls[kind] = {'state': base, 'chunk': base + '/chunks/{index}',
                                'complete': url('recording-complete', kind)}
    return {
        'attempt_id': attempt.pk,
        'status': attempt.status,
        'steps': list(provider.steps_for(exam)),
        'recordings': recordings,
        'room_scan': options['room_scan'],
        'record_sound': options['record_sound'],
        'on_capture_lost': options['on_capture_lost'],
        'photos': sorted(uploads.photo_kinds(attempt)),
        'state': {kind: uploads.recording_state(attempt, kind) for kind in kinds},
        'limits': upload_limits(),
        # The connection check: the sample to send and the speed the recordings need (kbit/s).
        'upload_check': {'url': url('attempt-upload-check'), 'sample_bytes': UPLOAD_CHECK_BYTES,
                         'recorder_kbps': recorder, 'audio_kbps': audio,
                         'needed_kbps': round((recorder * len(recordings) + audio) * UPLOAD_CHECK_HEADROOM)},
        'content_types': {'recording': sorted(uploads.RECORDING_TYPES), 'photo': sorted(uploads.PHOTO_TYPES)},
        'urls': {
            'flags': url('attempt-flags'),
            'photos': {kind: url('attempt-photo', kind) for kind in ('user', 'id')},
            'recordings': recording_urls,
        },
    }


# ---- In-house proctoring: analysing the recordings ---------------------------------------------------------

def queue_analysis(recording_ids, countdown=None):
    """Queue the analysis of recordings once the current transaction commits (``countdown`` seconds later)."""
    # The task module is a thin wrapper over this one; it is imported when work is queued, not at load.
    from ..tasks import analyse_recording as analyse_task  # pylint: disable=import-outside-toplevel,cyclic-import
    for recording_id in recording_ids:
        transaction.on_commit(partial(analyse_task.apply_async, (recording_id,), countdown=countdown))


def queue_session_analysis(attempt, provider):
    """
    After a session recorded on this site is submitted, analyse its recordings: at once, or, when the
    submission did not wait for the page (the clock, edx-proctoring), once the grace for its last chunks is over.
    """
    if isinstance(provider, LocalProvider):
        late = attempt.submit_reason in uploads.LATE_CHUNK_REASONS
        queue_analysis(uploads.recordings_to_analyse(attempt), countdown=answer_grace_seconds() + 5 if late else None)


def analyse(recording_id, needs_person):
    """
    Analyse one complete recording (the Celery task's body); return its status afterwards.

    The analyser is ``PROCTORING_VIDEO_ANALYSER`` (a dotted path, default ``video.analyse_recording``).
    Each delivery is counted first; after ``PROCTORING_ANALYSIS_MAX_DELIVERIES`` (3) the recording is
    quarantined. A failed or quarantined analysis goes to ``needs_person(recording, reason)``; findings
    are only suggestions and never decide anything.
    """
    uploads.close_if_over(recording_id)
    analyser = import_string(getattr(settings, 'PROCTORING_VIDEO_ANALYSER', None) or DEFAULT_ANALYSER)
    options = getattr(settings, 'PROCTORING_ANALYSIS_OPTIONS', None)
    if isinstance(options, dict):  # the site's settings name the options as plain values
        options = AnalysisOptions.from_dict(options)
    kwargs = {'options': options,
              'timeout_s': getattr(settings, 'PROCTORING_ANALYSIS_TIMEOUT_SECONDS', None),
              'memory_limit_mb': getattr(settings, 'PROCTORING_ANALYSIS_MEMORY_LIMIT_MB', None)}
    return recording_analysis.run(
        recording_id, analyser,
        max_deliveries=int(getattr(settings, 'PROCTORING_ANALYSIS_MAX_DELIVERIES', 3)),
        progress_interval_s=float(getattr(settings, 'PROCTORING_ANALYSIS_PROGRESS_SECONDS', 5)),
        needs_person=needs_person,
        analyser_kwargs={name: value for name, value in kwargs.items() if value is not None})


DEFAULT_ANALYSIS_REQUEUE_MINUTES = 15


def requeue_stale_analyses(now=None):
    """
    Queue again the analyses that should have run by now (the periodic sweep; see
    ``recordings.analysis.stale_recordings``): complete recordings of finished attempts, or analyses
    with no progress, untouched for ``PROCTORING_ANALYSIS_REQUEUE_MINUTES`` (15). Returns their ids.
    """
    minutes = float(getattr(settings, 'PROCTORING_ANALYSIS_REQUEUE_MINUTES', DEFAULT_ANALYSIS_REQUEUE_MINUTES))
    stale = recording_analysis.stale_recordings((now or timezone.now()) - timedelta(minutes=minutes))
    if stale:
        log.warning('Queueing the analysis of recordings %s again: no progress for %s minutes', stale, minutes)
        queue_analysis(stale)
    return stale


def session_evidence(attempt):
    """
    Return what a reviewer sees of a session recorded on this site: ``{'consents', 'photos', 'flags',
    'recordings'}`` (querysets; each recording's ``findings`` are its suggested moments).
    """
    return {
        'consents': attempt.consents.all(),
        'photos': attempt.photos.all(),
        'flags': attempt.session_flags.all(),
        'recordings': attempt.recordings.prefetch_related('findings').order_by('kind'),
    }
