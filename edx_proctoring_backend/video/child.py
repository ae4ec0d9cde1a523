"""
The sandboxed decoding process: ``python -m edx_proctoring_backend.video.child``.

It reads one JSON request on standard input, limits itself, analyses the recording and writes
JSON lines for the parent: ``{"progress_s": s, "total_s": s}`` while reading, then either
``{"result": {...}}`` or ``{"error": reason, "message": text}``. The limits are set before OpenCV
is imported, and the parent has already set ``OMP_NUM_THREADS=1`` in its environment.
"""
import json
import os
import resource
import sys


def _limit(memory_bytes, cpu_seconds):
    """Cap the address space and CPU time of this process; never write core files."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    if cpu_seconds:
        # SIGXCPU at the soft limit, SIGKILL a little later should it be ignored.
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))


def main():
    """Run one request from standard input; the exit status is 0 whenever a message was sent."""
    # The protocol gets its own copy of standard output; anything a library prints goes to stderr.
    channel = os.fdopen(os.dup(1), 'w', buffering=1, encoding='utf-8')
    os.dup2(2, 1)

    def send(message):
        channel.write(json.dumps(message) + '\n')
        channel.flush()

    try:
        request = json.loads(sys.stdin.read())
        _limit(request.get('memory_limit_bytes'), request.get('cpu_limit_s'))
        send({'result': _analyse(request, send).to_transport()})
    except MemoryError:
        send({'error': 'out_of_memory', 'message': 'the decoding process ran out of memory'})
    except Exception as error:  # pylint: disable=broad-except
        send(_describe(error))
    channel.close()


def _analyse(request, send):
    """Import the video stack (after the limits) and analyse the requested recording."""
    # pylint: disable=import-outside-toplevel
    import cv2
    cv2.setNumThreads(1)
    from .pipeline import analyse_in_process
    from .results import AnalysisOptions

    def on_time(time_s, total_s):
        send({'progress_s': time_s, 'total_s': total_s})

    return analyse_in_process(
        request['path'], kind=request['kind'], reference_photo=request.get('reference_photo'),
        options=AnalysisOptions.from_dict(request.get('options') or {}),
        expected_duration_s=request.get('expected_duration_s'), on_time=on_time,
    )


def _describe(error):
    """The protocol message for an exception raised while analysing."""
    from .results import AnalysisFailed  # pylint: disable=import-outside-toplevel
    if isinstance(error, AnalysisFailed):
        return {'error': error.reason, 'message': error.message}
    # Import errors may span many lines; one line of at most a few hundred characters is plenty.
    text = ' '.join(f'{type(error).__name__}: {error}'.split())
    memory_words = ('Insufficient memory', 'Failed to allocate', 'Cannot allocate memory', 'failed to map segment',
                    'bad_alloc')
    # numpy 1 hides a failed load of its extension (too little memory to map it) behind a generic
    # ImportError: the cause says what happened.
    causes, cause = [], error.__cause__ or error.__context__
    while cause is not None and len(causes) < 5:
        causes.append(f'{type(cause).__name__}: {cause}')
        cause = cause.__cause__ or cause.__context__
    if any(word in part for part in [text, *causes] for word in memory_words):
        return {'error': 'out_of_memory', 'message': f'the decoding process ran out of memory ({text[:200]})'}
    if type(error).__name__ == 'error' and type(error).__module__.startswith('cv2'):
        return {'error': 'corrupt', 'message': f'the decoder failed on this file ({text[:200]})'}
    return {'error': 'internal_error', 'message': text[:500]}


if __name__ == '__main__':
    main()
