"""
Stand-ins for ``edx_proctoring_backend.video.analyse_recording``, named by ``PROCTORING_VIDEO_ANALYSER``
in the tests: fast, and each showing one behaviour of a real analysis.
"""
from dataclasses import dataclass, field

from edx_proctoring_backend.recordings.models import Recording

CALLS = []


@dataclass
class Event:
    """Like ``video.VideoEvent``."""

    kind: str
    start_s: float
    end_s: float
    confidence: float
    thumbnail_jpeg: bytes = None
    thumbnail_s: float = 0.0


@dataclass
class Result:
    """Like ``video.AnalysisResult``."""

    duration_s: float
    events: list = field(default_factory=list)
    frames_sampled: int = 0
    warnings: list = field(default_factory=list)


class AnalysisFailed(Exception):
    """Like ``video.AnalysisFailed``: a reason code."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def _called(path, kwargs):
    with open(path, 'rb') as recording:
        CALLS.append({'path': path, 'bytes': recording.read(), **kwargs})


def two_events(path, **kwargs):
    """Finds a missing face and a second person, with a thumbnail."""
    _called(path, kwargs)
    kwargs['on_progress'](0.5)
    kwargs['on_progress'](1.0)
    return Result(duration_s=60.0, frames_sampled=120, warnings=['low light'], events=[
        Event('face_missing', 10.0, 14.5, 0.9, thumbnail_jpeg=b'\xff\xd8\xffthumb', thumbnail_s=12.0),
        Event('multiple_faces', 30.1234, 31.0, 0.7),
    ])


def nothing_found(path, **kwargs):
    """Finds nothing worth a look."""
    _called(path, kwargs)
    return Result(duration_s=60.0, frames_sampled=120)


def corrupt(path, **kwargs):
    """Gives up: the file cannot be decoded."""
    _called(path, kwargs)
    raise AnalysisFailed('corrupt')


def buggy(path, **kwargs):
    """Fails with an error that is not the analyser's own."""
    _called(path, kwargs)
    raise ZeroDivisionError('a bug')


def kills_the_worker(path, **kwargs):
    """The worker dies while analysing (as an out-of-memory kill or a segfault would end it)."""
    _called(path, kwargs)
    raise SystemExit(137)


def reports_progress(path, **kwargs):
    """Reports progress and notes what the row says after each report."""
    _called(path, kwargs)
    seen = []
    for fraction in (0.25, 0.5, 0.75):
        kwargs['on_progress'](fraction)
        seen.append(Recording.objects.get(status=Recording.ANALYSING).analysis_progress)
    CALLS[-1]['seen'] = seen
    return Result(duration_s=4.0)
