"""The sandboxed child process: same results as in process, and every way it can end badly."""
import os
import sys

import psutil
import pytest

from edx_proctoring_backend.video import AnalysisFailed, analyse_in_process, analyse_recording, sandbox

from . import clips
from .conftest import assert_events_match


def _fake_child(monkeypatch, code):
    """Replace the child by a Python one-liner (the parent's side is what these tests exercise)."""
    monkeypatch.setattr(sandbox, '_child_command', lambda: [sys.executable, '-c', code])


def test_the_child_finds_what_the_pipeline_finds(timeline_webm, astronaut_photo):
    fractions = []
    result = analyse_recording(timeline_webm, reference_photo=astronaut_photo, on_progress=fractions.append)
    assert_events_match(result, clips.TIMELINE_LABELS)
    in_process = analyse_in_process(timeline_webm, reference_photo=astronaut_photo)
    assert result == in_process   # thumbnails included
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(fractions) > 5


def test_screen_recordings_through_the_child(screen_webm):
    fractions = []
    result = analyse_recording(os.fspath(screen_webm), kind='screen', expected_duration_s=20,
                               on_progress=fractions.append)
    assert_events_match(result, clips.SCREEN_LABELS)
    assert max(fractions[:-1]) < 0.5 and fractions[-1] == 1.0


@pytest.mark.parametrize('reason', ['empty', 'not_a_video', 'corrupt', 'truncated', 'not_found'])
def test_unusable_files_fail_with_a_reason(bad_inputs, reason):
    with pytest.raises(AnalysisFailed) as failure:
        analyse_recording(bad_inputs[reason])
    assert failure.value.reason == reason


def test_a_tiny_memory_limit_is_out_of_memory(covered_webm):
    with pytest.raises(AnalysisFailed) as failure:
        analyse_recording(covered_webm, memory_limit_mb=60)
    assert failure.value.reason == 'out_of_memory'


@pytest.mark.parametrize('signal_name', ['SIGSEGV', 'SIGKILL', 'SIGABRT'])
def test_a_child_killed_by_a_signal_is_crashed_and_the_parent_lives(covered_webm, monkeypatch, signal_name):
    _fake_child(monkeypatch, f'import os, signal, sys; sys.stdin.read(); os.kill(os.getpid(), signal.{signal_name})')
    with pytest.raises(AnalysisFailed) as failure:
        analyse_recording(covered_webm)
    assert failure.value.reason == 'crashed'
    assert signal_name in failure.value.message


def test_an_abort_after_a_failed_allocation_is_out_of_memory(covered_webm, monkeypatch):
    _fake_child(monkeypatch, 'import os, sys; sys.stderr.write("terminate called after throwing an instance of '
                             '\'std::bad_alloc\'\\n"); sys.stderr.flush(); os.abort()')
    with pytest.raises(AnalysisFailed) as failure:
        analyse_recording(covered_webm)
    assert failure.value.reason == 'out_of_memory'


def test_a_child_that_hangs_is_stopped_at_the_deadline(covered_webm, monkeypatch):
    _fake_child(monkeypatch, 'import time; time.sleep(60)')
    with pytest.raises(AnalysisFailed) as failure:
        analyse_recording(covered_webm, timeout_s=1)
    assert failure.value.reason == 'timeout'


def test_a_child_that_burns_cpu_is_stopped_by_its_cpu_limit(covered_webm, monkeypatch):
    _fake_child(monkeypatch, 'import resource; resource.setrlimit(resource.RLIMIT_CPU, (1, 5))\nwhile True: pass')
    with pytest.raises(AnalysisFailed) as failure:
        analyse_recording(covered_webm, timeout_s=30)
    assert failure.value.reason == 'timeout'


@pytest.mark.parametrize('output', [
    '{not json\n[1, 2]\n"result"\nHello\n{"progress_s": "soon", "total_s": 0}\n',
    '{"result": {"duration_s": 5, "events": "none"}}\n',
    '{"result": [1, 2, 3]}\n',
])
def test_a_child_that_sends_no_valid_result_is_never_a_clean_result(covered_webm, monkeypatch, output):
    _fake_child(monkeypatch, f'import sys; sys.stdout.write({output!r})')
    fractions = []
    with pytest.raises(AnalysisFailed) as failure:
        analyse_recording(covered_webm, on_progress=fractions.append)
    assert failure.value.reason == 'crashed'
    assert not fractions


def test_the_child_runs_single_threaded():
    environment = sandbox._child_environment()  # pylint: disable=protected-access
    assert environment['OMP_NUM_THREADS'] == '1'


def test_a_folder_is_refused_before_any_child_starts(tmp_path, monkeypatch):
    _fake_child(monkeypatch, 'raise SystemExit("must not run")')
    with pytest.raises(AnalysisFailed) as failure:
        analyse_recording(tmp_path)
    assert failure.value.reason == 'not_found'


def test_an_exception_in_on_progress_kills_the_child(timeline_webm):
    def stop(fraction):
        raise KeyboardInterrupt(f'stopped at {fraction}')

    with pytest.raises(KeyboardInterrupt):
        analyse_recording(timeline_webm, on_progress=stop)
    assert not psutil.Process().children()


def test_a_browser_recording_cut_short(browser_cut_short_webm):
    with pytest.raises(AnalysisFailed) as failure:
        analyse_recording(browser_cut_short_webm, expected_duration_s=16)
    assert failure.value.reason == 'truncated'
    result = analyse_recording(browser_cut_short_webm)
    assert 4 < result.duration_s < 12
    assert any('cut short' in warning for warning in result.warnings)


def test_a_child_that_floods_its_output_is_stopped(covered_webm, monkeypatch):
    monkeypatch.setattr(sandbox, '_MAX_MESSAGE_BYTES', 1 << 20)
    _fake_child(monkeypatch, 'import sys\nwhile True: sys.stdout.write("x" * 65536)')
    with pytest.raises(AnalysisFailed) as failure:
        analyse_recording(covered_webm, timeout_s=20)
    assert failure.value.reason == 'crashed' and 'oversized' in failure.value.message


def test_an_import_that_failed_for_lack_of_memory_is_out_of_memory():
    """numpy 1 (the platform's) raises a generic ImportError from the failed mapping of its extension."""
    from edx_proctoring_backend.video.child import _describe  # pylint: disable=import-outside-toplevel
    generic = ImportError('Error importing numpy: you should not try to import numpy from its source directory')
    generic.__cause__ = OSError('libopenblas.so: failed to map segment from shared object')
    assert _describe(generic)['error'] == 'out_of_memory'
    assert _describe(ImportError('No module named cv3'))['error'] == 'internal_error'
