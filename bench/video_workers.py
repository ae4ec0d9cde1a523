#!/usr/bin/env python
"""
Many recordings at once: N Celery worker processes on the real Redis broker analyse N recordings in
about the time one takes.

    python bench/video_workers.py [--workers 2] [--seconds 30] [--broker redis://127.0.0.1:6379/15]

Builds one 640x480, 30 fps VP8 WebM (as ``bench/video_pipeline.py`` does), then starts a Celery
worker with ``--workers`` processes (prefork, one task per process at a time, OpenMP limited to one
thread per process) on a queue of its own. Learners take an in-house proctored exam through the
public API and upload the video in chunks; submitting queues the analysis task. After a warm-up
round, it times one recording alone, then ``--workers`` recordings at once, from the submissions to
the last analysis stored, and prints both, their ratio (target: about 1, at most 1.3) and the
recordings analysed per minute. Without Redis it says so and exits 2; otherwise it exits 0 whatever
the figures.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

RATIO_TARGET = 1.3
CHUNK_BYTES = 512 * 1024
DONE = ('analysed', 'analysis_failed', 'quarantined')


def parse_args():
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--workers', type=int, default=os.cpu_count() or 2, help='worker processes (default: CPUs)')
    parser.add_argument('--seconds', type=int, default=30, help='length of the recording (default 30)')
    parser.add_argument('--broker', default='redis://127.0.0.1:6379/15', help='the Redis broker URL')
    return parser.parse_args()


def redis_reachable(url):
    """Whether the broker answers a PING."""
    import redis  # pylint: disable=import-outside-toplevel
    try:
        return redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return False


def setup_django(bench_dir, broker, queue):
    """Point this process at the benchmark's settings and create its database."""
    os.environ.update({'DJANGO_SETTINGS_MODULE': 'bench.worker_settings', 'PROCTORING_BENCH_DIR': bench_dir,
                       'CELERY_BROKER_URL': broker, 'PROCTORING_BENCH_QUEUE': queue})
    import django  # pylint: disable=import-outside-toplevel
    from django.core.management import call_command  # pylint: disable=import-outside-toplevel
    django.setup()
    call_command('migrate', run_syncdb=True, verbosity=0)
    import demo.celery_app  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import  # the app tasks use


def start_worker(processes, bench_dir):
    """Start the Celery worker; return it once it answers a ping."""
    from demo.celery_app import app  # pylint: disable=import-outside-toplevel
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'PYTHONPATH': REPO_ROOT}
    log = open(os.path.join(bench_dir, 'worker.log'), 'wb')  # pylint: disable=consider-using-with
    worker = subprocess.Popen(  # pylint: disable=consider-using-with
        [sys.executable, '-m', 'celery', '-A', 'demo.celery_app', 'worker', '-P', 'prefork', '-c', str(processes),
         '-Q', os.environ['PROCTORING_BENCH_QUEUE'], '--without-mingle', '--without-gossip', '-l', 'warning',
         '-n', f'bench-{uuid.uuid4().hex[:8]}@%h'],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=REPO_ROOT,
    )
    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=1):
        if worker.poll() is not None or time.monotonic() > deadline:
            sys.exit(f'The worker did not start; see {log.name}')
    return worker


def jpeg():
    """A small real JPEG for the photos."""
    import cv2  # pylint: disable=import-outside-toplevel
    import numpy as np  # pylint: disable=import-outside-toplevel
    return cv2.imencode('.jpg', np.full((120, 160, 3), 128, np.uint8))[1].tobytes()


def take_exams(count, video, photo, exam, round_name):
    """``count`` learners take the exam up to the last chunk; return callables that submit each."""
    from django.contrib.auth import get_user_model  # pylint: disable=import-outside-toplevel

    from edx_proctoring_backend import api  # pylint: disable=import-outside-toplevel
    submits = []
    for number in range(count):
        user = get_user_model().objects.create(username=f'{round_name}-{number}')
        attempt = api.opt_in(user, exam, api.consent_terms(exam).version)
        api.store_photo(user, attempt.pk, 'user', photo, 'image/jpeg')
        api.store_photo(user, attempt.pk, 'id', photo, 'image/jpeg')
        api.confirm_checks(user, exam, attempt.exam_code)
        api.start(user, exam)
        for index in range(0, len(video), CHUNK_BYTES):
            api.store_chunk(user, attempt.pk, 'webcam', index // CHUNK_BYTES, video[index:index + CHUNK_BYTES],
                            'video/webm')
        api.complete_recording(user, attempt.pk, 'webcam')
        submits.append((user, attempt.pk))
    return submits


def analyse_round(count, video, photo, exam, round_name):
    """Submit ``count`` recorded attempts at once; return the seconds until every analysis is stored."""
    from edx_proctoring_backend import api  # pylint: disable=import-outside-toplevel
    from edx_proctoring_backend.recordings.models import Recording  # pylint: disable=import-outside-toplevel
    submits = take_exams(count, video, photo, exam, round_name)
    started = time.monotonic()
    for user, _ in submits:
        api.submit(user, exam)  # queues the analysis on commit (autocommit: at once)
    attempt_ids = [attempt_id for _, attempt_id in submits]
    while True:
        states = list(Recording.objects.filter(attempt_id__in=attempt_ids).values_list('status', flat=True))
        if len(states) == count and all(state in DONE for state in states):
            elapsed = time.monotonic() - started
            break
        if time.monotonic() - started > 600:
            sys.exit(f'{round_name}: not analysed within 10 minutes: {states}')
        time.sleep(0.05)
    failed = [state for state in states if state != 'analysed']
    if failed:
        print(f'  warning: {round_name}: {failed}')
    return elapsed


def main():
    """Build the video, start the worker, run the rounds and print the figures."""
    args = parse_args()
    if not redis_reachable(args.broker):
        print(f'Redis is not reachable at {args.broker}: start it (see README) and run again.')
        return 2
    bench_dir = tempfile.mkdtemp(prefix='proctoring-workers-')
    queue = f'proctoring-bench-{uuid.uuid4().hex[:8]}'
    worker = None
    try:
        from bench.video_pipeline import build_video  # pylint: disable=import-outside-toplevel
        video_path = os.path.join(bench_dir, 'webcam.webm')
        build_video(video_path, args.seconds)
        with open(video_path, 'rb') as handle:
            video = handle.read()
        setup_django(bench_dir, args.broker, queue)
        from edx_proctoring_backend import api  # pylint: disable=import-outside-toplevel
        exam = api.sync_exam('course-v1:Bench+Workers+2026', 'block-v1:Bench+Workers+2026+type@proctored_exam+block@w',
                             exam_type='proctored', time_limit_minutes=60, provider='local')
        photo = jpeg()
        worker = start_worker(args.workers, bench_dir)
        print(f'{args.workers} worker processes, broker {args.broker}, one {args.seconds} s 640x480 VP8 '
              f'recording ({len(video) / 1e6:.1f} MB) per learner')
        analyse_round(args.workers, video, photo, exam, 'warm-up')
        one = analyse_round(1, video, photo, exam, 'one')
        many = analyse_round(args.workers, video, photo, exam, 'many')
        ratio = many / one
        print(f'  1 recording:  {one:6.2f} s')
        print(f'  {args.workers} recordings: {many:6.2f} s')
        print(f'  ratio {ratio:.2f} (target <= {RATIO_TARGET}): {"met" if ratio <= RATIO_TARGET else "NOT met"}')
        print(f'  throughput: {60 * args.workers / many:.1f} recordings per minute '
              f'({args.workers * args.seconds / many:.1f}x real time in all)')
    finally:
        if worker is not None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        shutil.rmtree(bench_dir, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
