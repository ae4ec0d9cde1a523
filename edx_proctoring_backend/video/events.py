"""
Event kinds and the merging of per-sample observations into time-stamped events.

A recording is looked at a few times per second; each look (a *sample*) says, for every kind of
event, whether the sample shows it and how confident that is. A reviewer wants intervals, not
samples, and must never be sent after a single odd frame, so :class:`EventTracker` turns the
stream of samples into events: flagged samples close together are joined (gaps of up to
``max_gap_s`` are bridged, so one missed detection does not split an event in two), and a run
shorter than ``min_duration_s`` is dropped.
"""
from dataclasses import dataclass
from typing import Callable, Optional

NO_FACE = 'no_face'
MULTIPLE_FACES = 'multiple_faces'
FACE_MISMATCH = 'face_mismatch'
LOOKING_AWAY = 'looking_away'
CAMERA_COVERED_OR_DARK = 'camera_covered_or_dark'
SCREEN_CHANGED = 'screen_changed'
TALKING = 'talking'   # speech in the webcam recording's sound, where the microphone is recorded

#: Every kind of event the pipeline can emit, webcam kinds first.
EVENT_KINDS = (NO_FACE, MULTIPLE_FACES, FACE_MISMATCH, LOOKING_AWAY, CAMERA_COVERED_OR_DARK, TALKING, SCREEN_CHANGED)

# Times are compared after float arithmetic on timestamps; this absorbs the rounding.
_EPSILON_S = 1e-3


@dataclass
class VideoEvent:
    """
    Something a human reviewer should look at, from ``start_s`` to ``end_s`` of the recording.

    ``confidence`` is in 0..1 (the mean confidence of the samples that showed it);
    ``thumbnail_jpeg`` is a small JPEG of the most confident sample, taken at ``thumbnail_s``.
    """

    kind: str
    start_s: float
    end_s: float
    confidence: float
    thumbnail_jpeg: Optional[bytes] = None
    thumbnail_s: float = 0.0

    @property
    def duration_s(self):
        """Length of the event in seconds."""
        return self.end_s - self.start_s

    def to_json(self):
        """The event without its thumbnail, as plain JSON types."""
        return {
            'kind': self.kind,
            'start_s': round(self.start_s, 2),
            'end_s': round(self.end_s, 2),
            'confidence': round(self.confidence, 3),
        }


class EventTracker:
    """
    Merge the samples of one event kind into events.

    ``sample_period_s`` is the time between two samples fed to this tracker: a flagged sample is
    taken to last that long, so a run of samples from ``t0`` to ``t1`` becomes ``[t0, t1 + period]``.
    """

    def __init__(self, kind, *, sample_period_s, min_duration_s, max_gap_s):
        if kind not in EVENT_KINDS:
            raise ValueError(f'unknown event kind {kind!r}')
        self.kind = kind
        self.sample_period_s = sample_period_s
        self.min_duration_s = min_duration_s
        self.max_gap_s = max_gap_s
        self.events = []
        self._run = None

    def update(self, time_s, flagged, confidence=0.0, thumbnail: Optional[Callable[[], bytes]] = None):
        """
        Feed one sample taken at ``time_s``.

        ``thumbnail`` is called (at most once per sample) only when this sample is the most
        confident of its run so far, so JPEG encoding is paid for a handful of samples only.
        """
        run = self._run
        if run is not None and time_s - run['last_s'] > self.sample_period_s + self.max_gap_s + _EPSILON_S:
            self._close(run['last_s'] + self.sample_period_s)
            run = None
        if not flagged:
            return
        confidence = min(1.0, max(0.0, float(confidence)))
        if run is None:
            run = self._run = {'start_s': time_s, 'last_s': time_s, 'total': 0.0, 'count': 0,
                               'best': -1.0, 'thumbnail': None, 'thumbnail_s': time_s}
        run['last_s'] = time_s
        run['total'] += confidence
        run['count'] += 1
        if confidence > run['best']:
            run['best'] = confidence
            run['thumbnail_s'] = time_s
            run['thumbnail'] = thumbnail() if thumbnail is not None else None

    def finish(self, end_s=None):
        """Close the open run (cut at ``end_s``, the end of the recording) and return all events."""
        if self._run is not None:
            end = self._run['last_s'] + self.sample_period_s
            self._close(min(end, end_s) if end_s is not None else end)
        return self.events

    def _close(self, end_s):
        run, self._run = self._run, None
        if end_s - run['start_s'] + _EPSILON_S < self.min_duration_s:
            return
        self.events.append(VideoEvent(
            kind=self.kind, start_s=run['start_s'], end_s=end_s, confidence=run['total'] / run['count'],
            thumbnail_jpeg=run['thumbnail'], thumbnail_s=run['thumbnail_s'],
        ))
