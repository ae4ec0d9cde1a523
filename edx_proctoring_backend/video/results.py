"""
The values the video checks take and return: options, results and the one error they raise.

This module imports neither OpenCV nor numpy, so a web process can import the public API (to
catch :class:`AnalysisFailed` or read a stored result) without loading the video stack.
"""
import base64
import dataclasses
import math
import os
from dataclasses import dataclass, field
from typing import List, Optional

from .events import VideoEvent

# Machine-readable reasons carried by AnalysisFailed.reason.
FAILURE_REASONS = (
    'not_found',        # no file at the path
    'empty',            # the file has no bytes
    'not_a_video',      # not a container OpenCV's decoder recognises
    'corrupt',          # looks like a video container, but no frame could be decoded
    'truncated',        # the container announces more than could be decoded
    'timeout',          # wall-clock or CPU time limit reached
    'out_of_memory',    # memory limit reached
    'crashed',          # the decoding process died (signal, abort)
    'bad_request',      # invalid options or arguments
    'internal_error',   # a bug in the checks themselves
)


class AnalysisFailed(Exception):
    """
    A recording could not be analysed; there is no result (not even an empty one).

    ``reason`` is one of :data:`FAILURE_REASONS`; ``message`` is a sentence for a human.
    """

    def __init__(self, reason, message):
        super().__init__(f'{reason}: {message}')
        self.reason = reason
        self.message = message


@dataclass
class AnalysisOptions:
    """
    Tunable thresholds of the video checks; the defaults suit a webcam recording of an exam.

    Times are in seconds of the recording, brightness in 0..255 luma.
    """

    #: Samples analysed per second of video; every other frame is decoded and skipped.
    sample_fps: float = 2.0
    #: Shortest event reported: a shorter run of odd samples is ignored.
    min_event_s: float = 2.0
    #: Longest run of normal samples bridged inside one event (a missed detection or two).
    max_gap_s: float = 1.0
    #: Width of the copy of each sample the face detector sees (detection cost grows with area).
    detect_width: int = 224
    #: Detector confidence (0..1) from which a detection counts as a face.
    min_face_confidence: float = 0.6
    #: Mean luma under which the camera is taken as dark.
    dark_threshold: float = 40.0
    #: Luma standard deviation under which the picture is taken as featureless (camera covered).
    covered_stddev: float = 8.0
    #: Head turn, as the nose's horizontal offset from the face midline in inter-ocular distances,
    #: from which the person is taken as looking away.
    looking_away_yaw: float = 0.35
    #: Distance between face descriptors above which the face is not the reference person
    #: (0.6 is the usual threshold of dlib's face recognition model).
    identity_tolerance: float = 0.6
    #: Seconds between two identity checks (each costs far more than a detection).
    identity_interval_s: float = 2.0
    #: Share of the screen that must change at once for a screen recording to count as changed.
    screen_change_fraction: float = 0.3
    #: A changed screen that stays this long becomes the new normal screen (the event ends there).
    screen_settle_s: float = 10.0
    #: Width and JPEG quality of the evidence thumbnails.
    thumbnail_width: int = 160
    thumbnail_quality: int = 70
    #: Share of a second's 30 ms frames that must be speech for the second to count as talking.
    speech_share: float = 0.35
    #: WebRTC voice activity detector's mode: 0 (most frames taken for voice) to 3 (fewest).
    vad_aggressiveness: int = 2
    #: Whether the sound of a webcam recording is checked for talking (where it has sound).
    check_sound: bool = True
    #: Optional path to an ONNX face detector with YuNet's inputs and outputs, used instead of the
    #: bundled libfacedetection model.
    detector_model_path: Optional[str] = None

    def validate(self):
        """Raise AnalysisFailed('bad_request') when a value cannot work."""
        positive = ('sample_fps', 'min_event_s', 'detect_width', 'identity_interval_s', 'thumbnail_width')
        for name in positive:
            value = getattr(self, name)
            if not math.isfinite(value) or value <= 0:
                raise AnalysisFailed('bad_request', f'option {name} must be positive')
        if self.sample_fps > 60:
            raise AnalysisFailed('bad_request', 'option sample_fps must be at most 60')
        if self.max_gap_s < 0:
            raise AnalysisFailed('bad_request', 'option max_gap_s must not be negative')
        if not 0 < self.screen_change_fraction < 1 or not 0 <= self.min_face_confidence <= 1:
            raise AnalysisFailed('bad_request', 'options screen_change_fraction and min_face_confidence are in 0..1')
        if not 0 < self.speech_share <= 1 or self.vad_aggressiveness not in (0, 1, 2, 3):
            raise AnalysisFailed('bad_request', 'option speech_share is in 0..1, vad_aggressiveness one of 0..3')
        if not 1 <= self.thumbnail_quality <= 100:
            raise AnalysisFailed('bad_request', 'option thumbnail_quality must be in 1..100')
        return self

    def to_dict(self):
        """The options as plain JSON types."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values):
        """Options from :meth:`to_dict` (unknown keys are refused, not ignored)."""
        names = {item.name for item in dataclasses.fields(cls)}
        unknown = set(values) - names
        if unknown:
            raise AnalysisFailed('bad_request', f'unknown options: {", ".join(sorted(unknown))}')
        return cls(**values)


@dataclass
class AnalysisResult:
    """The events found in one recording, for human review."""

    duration_s: float
    events: List[VideoEvent] = field(default_factory=list)
    frames_sampled: int = 0
    warnings: List[str] = field(default_factory=list)

    def to_json(self):
        """The result without thumbnails, as plain JSON types."""
        return {
            'duration_s': round(self.duration_s, 2),
            'events': [event.to_json() for event in self.events],
            'warnings': list(self.warnings),
        }

    def to_transport(self):
        """Everything, thumbnails included (base64), for the trip from the decoding process."""
        events = []
        for event in self.events:
            values = dataclasses.asdict(event)
            if event.thumbnail_jpeg is not None:
                values['thumbnail_jpeg'] = base64.b64encode(event.thumbnail_jpeg).decode('ascii')
            events.append(values)
        return {'duration_s': self.duration_s, 'events': events, 'frames_sampled': self.frames_sampled,
                'warnings': list(self.warnings)}

    @classmethod
    def from_transport(cls, values):
        """The inverse of :meth:`to_transport`."""
        events = []
        for item in values['events']:
            item = dict(item)
            if item.get('thumbnail_jpeg') is not None:
                item['thumbnail_jpeg'] = base64.b64decode(item['thumbnail_jpeg'])
            events.append(VideoEvent(**item))
        return cls(duration_s=float(values['duration_s']), events=events,
                   frames_sampled=int(values['frames_sampled']), warnings=list(values['warnings']))


def check_file(path):
    """Refuse missing, empty and unreadable files before a decoder sees them."""
    try:
        size = os.path.getsize(path)
    except OSError as error:
        raise AnalysisFailed('not_found', f'cannot read {path}: {error.strerror or error}') from error
    if not os.path.isfile(path):
        raise AnalysisFailed('not_found', f'{path} is not a file')
    if size == 0:
        raise AnalysisFailed('empty', 'the recording is empty (0 bytes)')
