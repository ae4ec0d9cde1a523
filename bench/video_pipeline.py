#!/usr/bin/env python
"""
Benchmark of the video checks against bare decoding, on one core.

    python bench/video_pipeline.py [--seconds 60] [--video PATH] [--keep PATH]

Builds a 640x480, 30 fps VP8 WebM with Opus sound, as a browser records a webcam and its microphone (a
face that moves slightly in front of a wall, with sensor noise so that the codec has real work; a voice
every other ten seconds), then, pinned to one CPU with OpenMP and OpenCV limited to one thread, measures:

* decode only: every video frame read in order (``read()``), nothing else;
* the whole pipeline: ``analyse_in_process`` with the default options (webcam checks, the sound's
  talking check included);
* the sandboxed ``analyse_recording``, which adds the child process and its start-up.

It prints frames per second of each, the ratio pipeline / decode (target >= 0.8) and how many
times faster than real time the pipeline runs (target >= 10x). Figures are CPU seconds of the
process doing the work (this one, or the child), best of three interleaved rounds: on a shared
machine, wall-clock time mostly measures the neighbours; wall-clock seconds are printed beside
them. ``--video`` measures an existing file instead; ``--keep`` keeps the built one. It exits 0
whatever the figures; only a crash fails it.
"""
import argparse
import os
import resource
import sys
import tempfile
import time

# Before numpy, OpenCV or the detector's OpenMP runtime load: one thread each, as in the child.
os.environ['OMP_NUM_THREADS'] = '1'
os.environ.setdefault('OPENCV_LOG_LEVEL', 'ERROR')
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# pylint: disable=wrong-import-position
import av  # noqa: E402
import cv2  # noqa: E402
import numpy as np  # noqa: E402
from skimage import data  # noqa: E402

from edx_proctoring_backend.video import analyse_in_process, analyse_recording  # noqa: E402
from tests.edx_proctoring_backend.video import clips  # noqa: E402

WIDTH, HEIGHT, FPS = 640, 480, 30
RATIO_TARGET = 0.8
REAL_TIME_TARGET = 10.0


def build_video(path, seconds):
    """
    Write the benchmark recording: the astronaut's face drifting slowly, plus noise (VP8), and its sound
    (Opus): a voice every other ten seconds, a quiet room between.
    """
    face = cv2.resize(cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)[20:240, 110:330], (260, 260))
    wall = cv2.resize(cv2.cvtColor(data.brick(), cv2.COLOR_GRAY2BGR), (WIDTH, HEIGHT))
    noise = np.random.default_rng(0).normal(0.0, 1.0, (11, HEIGHT, WIDTH, 3)).astype(np.float32)
    silent = path + '.video.webm'
    writer = cv2.VideoWriter(silent, cv2.VideoWriter_fourcc(*'VP80'), FPS, (WIDTH, HEIGHT))
    if not writer.isOpened():
        sys.exit('this OpenCV build cannot write VP8 WebM')
    for number in range(seconds * FPS):
        time_s = number / FPS
        frame = wall.copy()
        left = int(190 + 20 * np.sin(time_s / 2))
        top = int(110 + 10 * np.sin(time_s / 3))
        frame[top:top + 260, left:left + 260] = face
        writer.write(np.clip(frame + noise[number % len(noise)], 0, 255).astype(np.uint8))
    writer.release()
    sound = np.concatenate([(clips.speech_like if part % 2 else clips.quiet)(10, seed=part)
                            for part in range((seconds + 9) // 10)])[:seconds * clips.SOUND_RATE]
    add_sound(silent, path, sound)
    os.remove(silent)


def add_sound(video_path, path, sound):
    """Copy the video of ``video_path`` (its packets, not re-encoded) to ``path`` with ``sound`` in Opus."""
    with av.open(video_path) as source, av.open(path, 'w', format='webm') as container:
        video = container.add_stream_from_template(source.streams.video[0])
        audio = container.add_stream('libopus', rate=clips.SOUND_RATE)
        audio.layout = 'mono'
        for packet in source.demux(source.streams.video[0]):
            if packet.dts is not None:
                packet.stream = video
                container.mux(packet)
        samples = (np.clip(sound, -1, 1) * 32767).astype(np.int16)
        for start in range(0, len(samples) - 959, 960):   # Opus's 20 ms frames
            chunk = av.AudioFrame.from_ndarray(samples[None, start:start + 960], format='s16', layout='mono')
            chunk.sample_rate = clips.SOUND_RATE
            chunk.pts = start
            container.mux(audio.encode(chunk))
        container.mux(audio.encode())


def decode_only(path):
    """Read every frame in order, nothing else; returns the number of frames."""
    params = [cv2.CAP_PROP_N_THREADS, 1] if hasattr(cv2, 'CAP_PROP_N_THREADS') else []
    capture = cv2.VideoCapture(path, cv2.CAP_FFMPEG, params)
    frames = 0
    while capture.read()[0]:
        frames += 1
    capture.release()
    return frames


def _cpu_seconds():
    """CPU time of this process and of its finished children (the sandbox), user and system."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(function, *args, **kwargs):
    """(CPU seconds, wall seconds) taken by one call, and its return value."""
    cpu, wall = _cpu_seconds(), time.perf_counter()
    value = function(*args, **kwargs)
    return (_cpu_seconds() - cpu, time.perf_counter() - wall), value


def main():
    """Build or take the video, measure, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--seconds', type=int, default=60, help='length of the built video (default 60)')
    parser.add_argument('--video', help='measure this file instead of building one')
    parser.add_argument('--keep', help='where to keep the built video')
    args = parser.parse_args()

    cpu = None
    if hasattr(os, 'sched_setaffinity'):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
    cv2.setNumThreads(1)

    with tempfile.TemporaryDirectory(prefix='video-bench-') as folder:
        path = args.video or args.keep or os.path.join(folder, 'bench.webm')
        if not args.video:
            print(f'building {args.seconds} s of {WIDTH}x{HEIGHT} {FPS} fps VP8 WebM ...', flush=True)
            (_, build_seconds), _ = timed(build_video, path, args.seconds)
            print(f'  built in {build_seconds:.1f} s ({os.path.getsize(path) / 1e6:.1f} MB)')
        print(f'OpenCV {cv2.__version__}, pinned to CPU {cpu}, cv2 threads {cv2.getNumThreads()}, '
              f'OMP_NUM_THREADS={os.environ["OMP_NUM_THREADS"]}')

        # Interleaved rounds, so that a hiccup of the machine hits no measurement alone.
        runs = {'decode': [], 'pipeline': [], 'sandbox': []}
        for _ in range(3):
            seconds, frames = timed(decode_only, path)
            runs['decode'].append(seconds)
            seconds, result = timed(analyse_in_process, path)
            runs['pipeline'].append(seconds)
            seconds, _ = timed(analyse_recording, path)
            runs['sandbox'].append(seconds)
        decode_cpu, decode_wall = (min(values) for values in zip(*runs['decode']))
        pipeline_cpu, pipeline_wall = (min(values) for values in zip(*runs['pipeline']))
        sandbox_cpu, sandbox_wall = (min(values) for values in zip(*runs['sandbox']))

    duration = result.duration_s
    decode_fps = frames / decode_cpu
    pipeline_fps = frames / pipeline_cpu
    ratio = pipeline_fps / decode_fps
    real_time = duration / pipeline_cpu
    print(f'video: {duration:.1f} s, {frames} frames, {result.frames_sampled} samples analysed, '
          f'{len(result.events)} events')
    print(f'decode only:        {decode_fps:8.1f} frames/s ({decode_cpu:.2f} s CPU, {decode_wall:.2f} s wall)')
    print(f'pipeline:           {pipeline_fps:8.1f} frames/s ({pipeline_cpu:.2f} s CPU, '
          f'{pipeline_wall:.2f} s wall)')
    print(f'sandboxed pipeline: {frames / sandbox_cpu:8.1f} frames/s ({sandbox_cpu:.2f} s CPU, '
          f'{sandbox_wall:.2f} s wall, child process start-up included)')
    print(f'pipeline / decode:  {ratio:8.2f}   (target >= {RATIO_TARGET}: '
          f'{"met" if ratio >= RATIO_TARGET else "MISSED"})')
    print(f'real-time multiple: {real_time:8.1f}x  (target >= {REAL_TIME_TARGET:g}x: '
          f'{"met" if real_time >= REAL_TIME_TARGET else "MISSED"})')


if __name__ == '__main__':
    main()
