"""
Read a recording once, front to back, and turn a few samples per second into events.

Browser-made WebM files announce a wrong frame count and cannot seek, so the recording is read
sequentially: every frame is ``grab()``-bed (decoded, not converted), only the frames chosen by
time (``sample_fps``) are ``retrieve()``-d, and times come from the frames' own timestamps
(``CAP_PROP_POS_MSEC``), never from a frame number.

This module runs OpenCV's decoder in the current process; :func:`~.sandbox.analyse_recording`
runs it in a limited child process, which is what hostile uploads need.
"""
import math
import os

# OpenCV is a compiled extension whose members pylint cannot see.
import cv2
import numpy as np

from . import events as kinds, sound
from .detectors import IDENTITY_UNAVAILABLE, load_identity_verifier, looking_away_score, make_detector
from .events import EventTracker
from .results import AnalysisFailed, AnalysisOptions, AnalysisResult, check_file

# Magic numbers of the containers a recording may come in: a file that starts like one of them
# but cannot be decoded is 'corrupt'; anything else that cannot be opened is 'not_a_video'.
_CONTAINER_MAGIC = (
    (0, b'\x1a\x45\xdf\xa3'),   # Matroska / WebM (EBML)
    (0, b'RIFF'),               # AVI
    (4, b'ftyp'),               # MP4, MOV
    (0, b'OggS'),               # Ogg
    (0, b'FLV'),                # Flash video
    (0, b'\x00\x00\x01\xba'),   # MPEG program stream
)
# An MPEG transport stream has a sync byte at the start of every 188-byte packet.
_TS_PACKET = 188

# A declared length above this is taken as bogus (browser WebM may report anything).
_MAX_PLAUSIBLE_S = 24 * 3600
# The recording is 'truncated' when less than this share of a plausible declared length decodes.
_TRUNCATED_SHARE = 0.9
# A warning is added when less than this share of the length the caller expected decodes.
_SHORT_SHARE = 0.5


def analyse_in_process(path, *, kind='webcam', reference_photo=None, options=None, on_progress=None,
                       expected_duration_s=None, detector=None, identity=None, on_time=None):
    """
    Analyse a recording in this process (no sandbox): the same checks as ``analyse_recording``.

    Use it only on trusted files (tests, benchmarks) or inside the sandboxed child. Only
    ``analyse_recording`` sees FFmpeg's complaint about a WebM cut short (in the child's error
    output), so only it fails or warns on such a file. ``detector``
    (a :class:`~.detectors.FaceDetector`) and ``identity`` (an
    :class:`~.detectors.IdentityVerifier`) replace the defaults; ``on_progress(fraction)`` is called
    as the reading advances, ``on_time(seconds, total_s)`` with the raw position.
    Raises :class:`~.results.AnalysisFailed`.
    """
    options = (options or AnalysisOptions()).validate()
    if kind not in ('webcam', 'screen'):
        raise AnalysisFailed('bad_request', f'unknown recording kind {kind!r} (webcam or screen)')
    path = os.fspath(path)
    check_file(path)
    analysis = _Analysis(kind, options)
    if kind == 'webcam':
        analysis.prepare_webcam(reference_photo, detector, identity)
    capture = _open(path)
    try:
        declared_s = _declared_duration(capture)
        total_s = expected_duration_s or declared_s

        def progress(time_s):
            if on_time is not None:
                on_time(time_s, total_s)
            if on_progress is not None and total_s:
                on_progress(min(0.99, time_s / total_s))

        duration_s = _read(capture, options.sample_fps, analysis.sample, progress)
    finally:
        capture.release()
    if declared_s and duration_s < _TRUNCATED_SHARE * declared_s - 1.0:
        raise AnalysisFailed('truncated', f'the file announces {declared_s:.1f} s of video but only '
                                          f'{duration_s:.1f} s could be decoded')
    if expected_duration_s and duration_s < _SHORT_SHARE * expected_duration_s:
        # Browser recordings announce no length, so a cut-off upload shows only against what the
        # caller expected; an exam may also end early, so this is for the reviewer, not a failure.
        analysis.warnings.append(f'only {duration_s:.0f} s of video could be decoded where '
                                 f'{expected_duration_s:.0f} s were expected')
    if kind == 'webcam' and options.check_sound:
        analysis.add_events(*sound.talking_events(path, options))
    result = analysis.result(duration_s)
    if on_progress is not None:
        on_progress(1.0)
    return result


def _looks_like_container(path):
    """Whether the file starts like a video container (then a refusal means it is corrupt)."""
    with open(path, 'rb') as video:
        head = video.read(2 * _TS_PACKET + 1)
    if head[:1] == head[_TS_PACKET:_TS_PACKET + 1] == head[2 * _TS_PACKET:] == b'\x47':
        return True
    return any(head[offset:offset + len(magic)] == magic for offset, magic in _CONTAINER_MAGIC)


def _open(path):
    """Open the file with FFmpeg, one decoding thread; classify a refusal."""
    params = []
    if hasattr(cv2, 'CAP_PROP_N_THREADS'):
        # One analysis per process and core: decoder threads would only fight the detector.
        params = [cv2.CAP_PROP_N_THREADS, 1]
    capture = cv2.VideoCapture(path, cv2.CAP_FFMPEG, params)
    if capture.isOpened():
        return capture
    capture.release()
    if _looks_like_container(path):
        raise AnalysisFailed('corrupt', 'the file looks like a video container but cannot be decoded')
    raise AnalysisFailed('not_a_video', 'the file is not a video that can be decoded')


def _declared_duration(capture):
    """The length the container announces, or None when it is missing or implausible."""
    frames = capture.get(cv2.CAP_PROP_FRAME_COUNT)
    fps = capture.get(cv2.CAP_PROP_FPS)
    if not (math.isfinite(frames) and math.isfinite(fps)) or frames <= 0 or not 1 <= fps <= 240:
        return None
    seconds = frames / fps
    return seconds if seconds <= _MAX_PLAUSIBLE_S else None


def _read(capture, sample_fps, on_sample, on_progress):
    """
    Decode every frame in order, hand the sampled ones to ``on_sample(time_s, frame)``.

    Returns the decoded duration. Raises AnalysisFailed('corrupt') when no frame decodes.
    """
    fps = capture.get(cv2.CAP_PROP_FPS)
    frame_interval = 1.0 / fps if math.isfinite(fps) and 1 <= fps <= 240 else 1.0 / 30
    period = 1.0 / sample_fps
    next_sample_s = 0.0
    last_s = None
    frames = 0
    retrieved = 0
    next_progress_s = 0.0
    while capture.grab():
        frames += 1
        time_s = capture.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
        # Some streams repeat or lose timestamps; time must still move forward.
        if last_s is not None and not (math.isfinite(time_s) and time_s > last_s):
            time_s = last_s + frame_interval
        elif last_s is None and not (math.isfinite(time_s) and time_s >= 0):
            time_s = 0.0
        elif last_s is not None and time_s - last_s < 0.5:
            frame_interval = time_s - last_s
        last_s = time_s
        if time_s + 1e-6 >= next_sample_s:
            ok, frame = capture.retrieve()
            if ok and frame is not None and frame.size:
                retrieved += 1
                on_sample(time_s, frame)
            next_sample_s = (math.floor(time_s / period + 1e-6) + 1) * period
        if time_s >= next_progress_s:
            on_progress(time_s)
            next_progress_s = time_s + 1.0
    if frames == 0 or retrieved == 0:
        raise AnalysisFailed('corrupt', 'no frame of the recording could be decoded')
    return last_s + frame_interval


class _Analysis:
    """The checks applied to each sample, and their trackers."""

    def __init__(self, kind, options):
        self.kind = kind
        self.options = options
        self.warnings = []
        self.extra_events = []
        self.frames_sampled = 0
        self.detector = None
        self.identity = None
        self.reference = None
        self.next_identity_s = 0.0
        self.stable_screen = None
        self.changed_since = None
        period = 1.0 / options.sample_fps
        event_kinds = ([kinds.SCREEN_CHANGED] if kind == 'screen' else
                       [kinds.NO_FACE, kinds.MULTIPLE_FACES, kinds.FACE_MISMATCH, kinds.LOOKING_AWAY,
                        kinds.CAMERA_COVERED_OR_DARK])
        self.trackers = {
            name: EventTracker(name, min_duration_s=options.min_event_s, max_gap_s=options.max_gap_s,
                               sample_period_s=max(period, options.identity_interval_s)
                               if name == kinds.FACE_MISMATCH else period)
            for name in event_kinds
        }

    # Setting up -----------------------------------------------------------------------------------

    def prepare_webcam(self, reference_photo, detector, identity):
        """Load the detector, the identity verifier and the reference face."""
        if detector is None:
            detector, warning = make_detector(self.options.detector_model_path)
            self._warn(warning)
        self.detector = detector
        if reference_photo is None:
            self._warn('no reference photo: face_mismatch not checked')
            return
        if identity is None:
            identity, warning = load_identity_verifier()
            if identity is None:
                self._warn(warning or IDENTITY_UNAVAILABLE)
                return
        photo = cv2.imread(os.fspath(reference_photo), cv2.IMREAD_COLOR) if isinstance(
            reference_photo, (str, os.PathLike)) else cv2.imdecode(
                np.frombuffer(reference_photo, np.uint8), cv2.IMREAD_COLOR)
        if photo is None:
            self._warn('the reference photo cannot be read: face_mismatch not checked')
            return
        faces = self._faces(photo)
        if not faces:
            self._warn('no face found on the reference photo: face_mismatch not checked')
            return
        self.identity = identity
        self.reference = identity.descriptor(photo, max(faces, key=lambda face: face.area))

    def _warn(self, warning):
        if warning and warning not in self.warnings:
            self.warnings.append(warning)

    # Per sample -----------------------------------------------------------------------------------

    def sample(self, time_s, frame):
        """Apply the checks of this kind of recording to one sampled frame."""
        self.frames_sampled += 1
        if frame.ndim == 2:
            frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
        thumbnail = _Thumbnail(frame, self.options)
        if self.kind == 'screen':
            self._screen(time_s, frame, thumbnail)
        else:
            self._webcam(time_s, frame, thumbnail)

    def _faces(self, frame):
        """Faces above the confidence threshold in full-frame coordinates, found on a smaller copy."""
        small, scale = _downscale(frame, self.options.detect_width)
        found = self.detector.detect(small)
        return [face.scaled(scale) for face in found if face.confidence >= self.options.min_face_confidence]

    def _webcam(self, time_s, frame, thumbnail):
        """Dark or covered camera; otherwise faces: none, several, turned away, someone else."""
        options = self.options
        small, scale = _downscale(frame, options.detect_width)
        gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
        mean, stddev = (float(value[0][0]) for value in cv2.meanStdDev(gray))
        dark = mean < options.dark_threshold
        covered = stddev < options.covered_stddev
        if dark or covered:
            # The darker or flatter, the surer; nothing else can be judged on such a frame.
            confidence = max(1.0 - mean / (2 * options.dark_threshold) if dark else 0.0,
                             1.0 - stddev / (2 * options.covered_stddev) if covered else 0.0)
            self.trackers[kinds.CAMERA_COVERED_OR_DARK].update(time_s, True, confidence, thumbnail)
            for name in (kinds.NO_FACE, kinds.MULTIPLE_FACES, kinds.LOOKING_AWAY):
                self.trackers[name].update(time_s, False)
            return
        self.trackers[kinds.CAMERA_COVERED_OR_DARK].update(time_s, False)
        candidates = self.detector.detect(small)
        faces = [face for face in candidates if face.confidence >= options.min_face_confidence]
        best_candidate = max((face.confidence for face in candidates), default=0.0)
        self.trackers[kinds.NO_FACE].update(time_s, not faces, 1.0 - best_candidate, thumbnail)
        second = sorted((face.confidence for face in faces), reverse=True)[1] if len(faces) > 1 else 0.0
        self.trackers[kinds.MULTIPLE_FACES].update(time_s, len(faces) > 1, second, thumbnail)
        yaw = looking_away_score(faces[0]) if len(faces) == 1 else None
        turned = yaw is not None and yaw >= options.looking_away_yaw
        # 0.5 at the threshold, 1.0 at twice the threshold.
        confidence = min(1.0, 0.5 * yaw / options.looking_away_yaw) if turned else 0.0
        self.trackers[kinds.LOOKING_AWAY].update(time_s, turned, confidence, thumbnail)
        if self.identity is not None and len(faces) == 1 and time_s + 1e-6 >= self.next_identity_s:
            self.next_identity_s = time_s + options.identity_interval_s
            distance = self.identity.distance(self.reference, self.identity.descriptor(frame, faces[0].scaled(scale)))
            mismatch = distance > options.identity_tolerance
            # 0.5 at the tolerance, 1.0 at 1.5 times it.
            confidence = min(1.0, 0.5 + (distance - options.identity_tolerance) / options.identity_tolerance)
            self.trackers[kinds.FACE_MISMATCH].update(time_s, mismatch, confidence, thumbnail)

    def _screen(self, time_s, frame, thumbnail):
        """
        Flag a large change of the screen that lasts.

        Each sample is compared with the last *stable* screen; small changes (typing, a cursor,
        slow scrolling) become the new stable screen at once. A large change is flagged until the
        screen goes back, or until it has stayed ``screen_settle_s`` and becomes the new normal.
        """
        options = self.options
        small, _ = _downscale(frame, 160)
        gray = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (3, 3), 0)
        if self.stable_screen is None or self.stable_screen.shape != gray.shape:
            self.stable_screen = gray
        changed = float(np.mean(cv2.absdiff(gray, self.stable_screen) > 24))
        flagged = changed > options.screen_change_fraction
        if not flagged:
            self.stable_screen = gray
            self.changed_since = None
        elif self.changed_since is None:
            self.changed_since = time_s
        elif time_s - self.changed_since >= options.screen_settle_s:
            self.stable_screen = gray
            self.changed_since = None
        confidence = 0.5 + 0.5 * (changed - options.screen_change_fraction) / (1.0 - options.screen_change_fraction)
        self.trackers[kinds.SCREEN_CHANGED].update(time_s, flagged, confidence, thumbnail)

    # The end --------------------------------------------------------------------------------------

    def add_events(self, found, warning=None):
        """Events found outside the frames (the sound's), and the note of that check, for the result."""
        self.extra_events.extend(found)
        self._warn(warning)

    def result(self, duration_s):
        """All events, in order of start, and the warnings."""
        found = list(self.extra_events)
        for tracker in self.trackers.values():
            found.extend(tracker.finish(duration_s))
        found.sort(key=lambda event: (event.start_s, event.kind))
        return AnalysisResult(duration_s=duration_s, events=found, frames_sampled=self.frames_sampled,
                              warnings=list(self.warnings))


class _Thumbnail:
    """Encode a sample as a small JPEG, only if asked (for the best sample of an event)."""

    def __init__(self, frame, options):
        self.frame = frame
        self.options = options

    def __call__(self):
        small, _ = _downscale(self.frame, self.options.thumbnail_width)
        ok, data = cv2.imencode('.jpg', small, [cv2.IMWRITE_JPEG_QUALITY, self.options.thumbnail_quality])
        return data.tobytes() if ok else None


def _downscale(frame, width):
    """A copy at most ``width`` wide, and the factor back to the original coordinates."""
    if frame.shape[1] <= width:
        return frame, 1.0
    scale = frame.shape[1] / width
    small = frame
    # Halving with INTER_AREA takes OpenCV's 2x2-average fast path (a general INTER_AREA resize
    # costs about as much as detecting faces at 224 pixels); the last step, under 2x, is linear.
    while small.shape[1] >= 2 * width:
        small = cv2.resize(small, (small.shape[1] // 2, small.shape[0] // 2), interpolation=cv2.INTER_AREA)
    if small.shape[1] != width:
        height = max(1, int(round(frame.shape[0] / scale)))
        small = cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)
    return small, scale
