"""
Run the video checks in a child process with time and memory limits.

OpenCV's decoder (FFmpeg) parses whatever a learner's browser, or an attacker, uploaded; a
hostile file can make it crash or read out of bounds. So the decoding runs in a fresh Python
process (:mod:`.child`) that first limits itself (``RLIMIT_AS`` for memory, ``RLIMIT_CPU`` for
time, no core files), while this process watches a wall-clock deadline, relays progress and turns
every way the child can end into a result or an :class:`~.results.AnalysisFailed`.

This module imports neither OpenCV nor numpy.
"""
import binascii
import json
import math
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time

from .results import AnalysisFailed, AnalysisOptions, AnalysisResult, check_file

DEFAULT_MEMORY_LIMIT_MB = 2048
# Without a known length, allow an hour of work; with one, twice the recording's length
# (the checks run well over ten times faster than real time on one core).
DEFAULT_TIMEOUT_S = 3600.0
_MIN_TIMEOUT_S = 120.0
# The tail of the child's error output kept to explain a crash.
_STDERR_TAIL_BYTES = 8192
# What FFmpeg's Matroska/WebM reader logs when the file stops inside an element.
_PREMATURE_END = 'File ended prematurely'
_TRUNCATED_SHARE = 0.9
# The longest message line accepted from the child (a result with thousands of thumbnails fits).
_MAX_MESSAGE_BYTES = 64 * 1024 * 1024
# Seconds a child that has closed its output may take to exit before it is killed.
_EXIT_GRACE_S = 5.0
_MEMORY_HINTS = ('MemoryError', 'bad_alloc', 'Insufficient memory', 'Failed to allocate', 'Cannot allocate memory',
                 'out of memory', 'failed to map segment')


def analyse_recording(path, *, kind='webcam', reference_photo=None, options=None, on_progress=None,
                      expected_duration_s=None, timeout_s=None, memory_limit_mb=None):
    """
    Analyse a recording in a sandboxed child process and return its :class:`~.results.AnalysisResult`.

    ``kind`` is ``'webcam'`` (face checks) or ``'screen'`` (screen changes). ``reference_photo``
    (a path or the bytes of an image) is the learner's reference or ID photo for face_mismatch.
    ``on_progress(fraction)`` is called in this process as the child advances, when the length is
    known (``expected_duration_s`` or the length the file announces), and with 1.0 at the end.
    ``timeout_s`` bounds wall-clock and CPU time (default: twice ``expected_duration_s``, at
    least two minutes, else an hour); ``memory_limit_mb`` bounds the child's address space.

    Raises :class:`~.results.AnalysisFailed` with ``reason`` 'not_found', 'empty', 'not_a_video',
    'corrupt', 'truncated', 'timeout', 'out_of_memory', 'crashed', 'bad_request' or
    'internal_error'; never returns an empty result for a file that could not be read. A file that
    announces a length and decodes to less than 90% of it is 'truncated'; so is a WebM that stops
    inside a block (a browser upload cut short) when less than 90% of ``expected_duration_s``
    decodes, otherwise the result carries a warning.
    """
    options = (options or AnalysisOptions()).validate()
    if kind not in ('webcam', 'screen'):
        raise AnalysisFailed('bad_request', f'unknown recording kind {kind!r} (webcam or screen)')
    path = os.path.abspath(os.fspath(path))
    check_file(path)
    if timeout_s is None:
        timeout_s = max(_MIN_TIMEOUT_S, 2.0 * expected_duration_s) if expected_duration_s else DEFAULT_TIMEOUT_S
    memory_limit_mb = memory_limit_mb or DEFAULT_MEMORY_LIMIT_MB
    with tempfile.TemporaryDirectory(prefix='proctoring-video-') as folder:
        if isinstance(reference_photo, (bytes, bytearray, memoryview)):
            photo_path = os.path.join(folder, 'reference')
            with open(photo_path, 'wb') as photo:
                photo.write(reference_photo)
            reference_photo = photo_path
        request = {
            'path': path,
            'kind': kind,
            'reference_photo': os.fspath(reference_photo) if reference_photo is not None else None,
            'options': options.to_dict(),
            'expected_duration_s': expected_duration_s,
            'cpu_limit_s': int(timeout_s) + 1,
            'memory_limit_bytes': int(memory_limit_mb) * 1024 * 1024,
        }
        result = _run_child(request, timeout_s, expected_duration_s, on_progress)
    if on_progress is not None:
        on_progress(1.0)
    return result


def _child_command():
    """The command line of the child process (a separate function so tests can replace the child)."""
    return [sys.executable, '-m', 'edx_proctoring_backend.video.child']


def _child_environment():
    """The parent's environment with single-threaded numeric libraries, set before the child imports them."""
    environment = dict(os.environ)
    # An OpenMP pool sized to the machine, fighting the decoder for the same cores, was seen to make
    # detection 25 times slower; one process analyses one recording on one core.
    for name in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'):
        environment[name] = '1'
    environment.setdefault('OPENCV_LOG_LEVEL', 'ERROR')
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    environment['PYTHONPATH'] = os.pathsep.join(filter(None, [root, environment.get('PYTHONPATH')]))
    return environment


def _run_child(request, timeout_s, expected_duration_s, on_progress):
    """Start the child, relay its progress, and turn however it ends into a result or an error."""
    deadline = time.monotonic() + timeout_s
    # pylint: disable=consider-using-with
    child = subprocess.Popen(_child_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=_child_environment(), start_new_session=True,
                             close_fds=True)
    outcome = {'result': None, 'error': None, 'stderr': b'', 'timed_out': False, 'oversized': False}
    relayed = False
    try:
        try:
            child.stdin.write(json.dumps(request).encode('utf-8'))
            child.stdin.close()
        except BrokenPipeError:
            pass  # the child died at once; its exit status says why
        _relay(child, deadline, expected_duration_s, on_progress, outcome)
        relayed = True
    finally:
        # Whatever happened here (a deadline, an exception from on_progress), no child outlives
        # the call. One that closed its output is exiting: give it a moment to finish.
        if not relayed:
            _kill(child)
        try:
            child.wait(timeout=_EXIT_GRACE_S)
        except subprocess.TimeoutExpired:
            _kill(child)
            child.wait()
        for stream in (child.stdout, child.stderr):
            stream.close()
    return _outcome(child.returncode, outcome, timeout_s, expected_duration_s)


def _relay(child, deadline, expected_duration_s, on_progress, outcome):
    """Read the child's messages and error output until both close or the deadline passes."""
    selector = selectors.DefaultSelector()
    selector.register(child.stdout, selectors.EVENT_READ, 'messages')
    selector.register(child.stderr, selectors.EVENT_READ, 'stderr')
    pending = b''
    open_streams = 2
    while open_streams:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            outcome['timed_out'] = True
            _kill(child)
            break
        for key, _ in selector.select(timeout=min(remaining, 1.0)):
            data = os.read(key.fileobj.fileno(), 65536)
            if not data:
                selector.unregister(key.fileobj)
                open_streams -= 1
            elif key.data == 'stderr':
                outcome['stderr'] = (outcome['stderr'] + data)[-_STDERR_TAIL_BYTES:]
            else:
                pending += data
                if b'\n' in data:
                    *lines, pending = pending.split(b'\n')
                    for line in lines:
                        _message(line, expected_duration_s, on_progress, outcome)
                if len(pending) > _MAX_MESSAGE_BYTES:
                    # A subverted child must not make this process run out of memory instead.
                    outcome['oversized'] = True
                    _kill(child)
                    open_streams = 0
                    break
    selector.close()


def _message(line, expected_duration_s, on_progress, outcome):
    """Handle one line from the child: progress, a result or an error."""
    # A child whose decoder was subverted may write anything here: trust no shape or value.
    try:
        message = json.loads(line)
    except ValueError:
        return  # not a protocol line; the exit status decides
    if not isinstance(message, dict):
        return
    if 'progress_s' in message:
        try:
            fraction = float(message['progress_s']) / float(expected_duration_s or message.get('total_s') or 'nan')
        except (TypeError, ValueError, ZeroDivisionError):
            return
        if on_progress is not None and math.isfinite(fraction):
            on_progress(min(0.99, max(0.0, fraction)))
    elif 'result' in message:
        outcome['result'] = message['result']
    elif 'error' in message:
        outcome['error'] = (str(message['error']), str(message.get('message', '')))


def _check_ending(result, stderr, expected_duration_s):
    """
    Fail or warn when the decoder says the file stops in the middle of a block.

    Browser recordings announce no length, so only FFmpeg's own complaint shows that an upload was
    cut short. Losing the last seconds of a long exam should not throw the whole analysis away: the
    result stands, with a warning, unless less than 90% of the expected length could be decoded.
    """
    if _PREMATURE_END not in stderr:
        return result
    if expected_duration_s and result.duration_s < _TRUNCATED_SHARE * expected_duration_s:
        raise AnalysisFailed('truncated', f'the file ends in the middle of a block after {result.duration_s:.1f} s '
                                          f'of the {expected_duration_s:.1f} s expected')
    result.warnings.append(f'the file ends in the middle of a block after {result.duration_s:.1f} s: '
                           'the recording may have been cut short')
    return result


def _kill(child):
    """Kill the child's process group (it runs in its own session), then the child itself."""
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        child.kill()


def _outcome(returncode, outcome, timeout_s, expected_duration_s):
    """The result, or the AnalysisFailed that explains how the child ended."""
    stderr = outcome['stderr'].decode('utf-8', 'replace')
    if outcome['timed_out']:
        raise AnalysisFailed('timeout', f'the analysis took longer than {timeout_s:g} s and was stopped')
    if outcome['oversized']:
        raise AnalysisFailed('crashed', 'the decoding process sent an oversized message and was stopped')
    if outcome['error'] is not None:
        raise AnalysisFailed(*outcome['error'])
    if outcome['result'] is not None:
        # Complete and parsed: a crash while the interpreter shuts down afterwards changes nothing.
        try:
            result = AnalysisResult.from_transport(outcome['result'])
        except (KeyError, TypeError, ValueError, binascii.Error) as error:
            raise AnalysisFailed('crashed', f'the decoding process sent a malformed result ({error})') from error
        return _check_ending(result, stderr, expected_duration_s)
    memory = any(hint in stderr for hint in _MEMORY_HINTS)
    if returncode is not None and returncode < 0:
        number = -returncode
        name = signal.Signals(number).name if number in signal.valid_signals() else f'signal {number}'
        if number == signal.SIGXCPU:
            raise AnalysisFailed('timeout', f'the analysis used more than {timeout_s:g} s of CPU time and was stopped')
        if memory:
            raise AnalysisFailed('out_of_memory', f'the decoding process ran out of memory ({name})')
        raise AnalysisFailed('crashed', f'the decoding process crashed ({name}); the file may be malformed')
    if memory:
        raise AnalysisFailed('out_of_memory', 'the decoding process ran out of memory')
    last_line = stderr.strip().splitlines()[-1:] or ['no output']
    raise AnalysisFailed('crashed', f'the decoding process ended without a result (exit status {returncode}: '
                                    f'{last_line[0][:200]})')
