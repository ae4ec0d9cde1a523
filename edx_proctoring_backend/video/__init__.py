"""
In-process video checks of the vendor-free proctoring provider.

A webcam or screen recording is read once, a few samples per second are checked with offline
models shipped in pip packages, and the observations are merged into time-stamped events for a
human reviewer, each with a confidence and an evidence thumbnail::

    from edx_proctoring_backend.video import analyse_recording, AnalysisFailed

    try:
        result = analyse_recording(path, reference_photo=photo_bytes, expected_duration_s=3600,
                                   on_progress=lambda fraction: ...)
    except AnalysisFailed as error:
        ...  # error.reason: 'empty', 'not_a_video', 'corrupt', 'timeout', 'out_of_memory', ...
    result.to_json()   # {"duration_s": ..., "events": [{"kind", "start_s", "end_s", "confidence"}], ...}

This package imports nothing from the rest of ``edx_proctoring_backend`` nor from Django, and
importing it does not load OpenCV: only the sandboxed child process (or
:func:`analyse_in_process`) does.
"""
from .events import EVENT_KINDS, VideoEvent
from .results import FAILURE_REASONS, AnalysisFailed, AnalysisOptions, AnalysisResult
from .sandbox import analyse_recording

__all__ = [
    'EVENT_KINDS', 'FAILURE_REASONS', 'AnalysisFailed', 'AnalysisOptions', 'AnalysisResult', 'VideoEvent',
    'analyse_in_process', 'analyse_recording',
]


def analyse_in_process(path, **kwargs):
    """
    Analyse a recording in this process, without the sandbox (trusted files, the child, benchmarks).

    Takes the arguments of :func:`analyse_recording` except the limits, plus ``detector`` and
    ``identity`` to replace the default models; see :func:`.pipeline.analyse_in_process`.
    """
    from .pipeline import analyse_in_process as analyse  # pylint: disable=import-outside-toplevel
    return analyse(path, **kwargs)
