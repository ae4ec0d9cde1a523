#!/usr/bin/env python
"""
Benchmark of the endpoint the exam timer polls, against a bare Django JSON view.

    python bench/attempt_status.py [--requests N] [--db sqlite|mariadb] [--cache locmem|redis|none] [--profile]

Both views are served by one real HTTP server (Django's threaded WSGI server, the one behind
``runserver`` and ``LiveServerTestCase``: HTTP/1.1 keep-alive) in a background thread of this
process, through the demo's whole middleware stack. The main thread sends the requests over one
keep-alive connection, in interleaved rounds (bare, timer, timer, bare, ...), so that drift of the
machine hits both alike. It prints requests/s and p50/p95 latencies of both, their ratio, the
queries per timer call in steady state and on a cache miss, and a verdict against the targets (ratio
>= 0.8; at most one query per call, none in steady state where a cache holds the clock). It exits 0
whatever the figures; only a crash fails it.

The clock is kept in the site's cache as Open edX runs it: Redis with MariaDB (``--cache redis``,
127.0.0.1:6379), the demo's per-process memory cache with SQLite; ``--cache none`` reads the
database at every poll.

``--profile`` adds a cProfile of both views called in-process (no sockets), to see what the timer
pays for on top of the bare view.

``--compare-edx-proctoring`` measures instead the timer against edx-proctoring's attempt-status
endpoint, the one the learning MFE polls during an exam (``bench/edx_proctoring_status.py``, run with
the virtualenv of ``make bench-edx-proctoring``): both benchmarks alternately, ``--compare-runs``
times each (ours, theirs, ours, theirs, ...) on the same kind of database, then the mean figures,
"timer / edx-proctoring = N.Nx" for requests/s and a verdict against the target (at least 8x).
"""
import argparse
import cProfile
import io
import os
import platform
import pstats
import statistics
import subprocess
import sys
import time
from wsgiref.util import setup_testing_defaults

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from bench.databases import fresh_database  # noqa: E402  pylint: disable=wrong-import-position
from bench.http_rounds import (  # noqa: E402  pylint: disable=wrong-import-position
    add_round_arguments, check_round_arguments, describe_database, print_result, queries_per_call, read_result,
    serve_and_measure, summarise,
)

TARGET_RATIO = 0.8
TARGET_QUERIES = 1
BARE_URL = '/bare'
TIMER_URL = '/api/proctored-exams/v1/attempt-timer'
TOKEN_HEADER = 'X-Exam-Timer-Token'
# One database per run: two runs on one server never drop each other's data.
MARIADB_NAME = f'bench_proctored_exams_{os.getpid()}'
# The comparison with edx-proctoring: its benchmark, the virtualenv that runs it, the target.
EDX_PROCTORING_SCRIPT = os.path.join(REPO_ROOT, 'bench', 'edx_proctoring_status.py')
EDX_PROCTORING_PYTHON = os.path.join(REPO_ROOT, '.venv-bench-edx-proctoring', 'bin', 'python')
TARGET_TIMES_EDX_PROCTORING = 8
# The same bare view served by both: beyond this difference, the load of the machine changed between runs.
BARE_TOLERANCE = 0.15


def parse_args(argv=None):
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0].strip())
    add_round_arguments(parser)
    parser.add_argument('--cache', choices=('locmem', 'redis', 'none'), default=None,
                        help='where the clock is kept between polls (default: redis with mariadb, else locmem)')
    parser.add_argument('--conn-max-age', default=None,
                        help="override CONN_MAX_AGE (seconds, or 'none' for persistent); default: the demo's")
    parser.add_argument('--profile', action='store_true', help='also cProfile both views called in-process')
    parser.add_argument('--profile-requests', type=int, default=2000, help='calls per view under cProfile')
    parser.add_argument('--compare-edx-proctoring', action='store_true',
                        help="compare the timer with edx-proctoring's attempt-status endpoint (runs both benchmarks)")
    parser.add_argument('--compare-runs', type=int, default=2,
                        help='runs of each benchmark in the comparison, alternating (default 2)')
    parser.add_argument('--edx-proctoring-python', default=EDX_PROCTORING_PYTHON,
                        help='the Python of the virtualenv with edx-proctoring (default: .venv-bench-edx-proctoring)')
    args = parser.parse_args(argv)
    args.explicit_cache = args.cache
    args.cache = args.cache or ('redis' if args.db == 'mariadb' else 'locmem')
    check_round_arguments(parser, args)
    if args.compare_runs < 1:
        parser.error('--compare-runs must be at least 1')
    return args


# ---- Database -------------------------------------------------------------------------------------------

def prepare_environment(args):
    """Choose the settings and create the empty database; return a function that removes it."""
    os.environ['BENCH_CACHE'] = args.cache
    os.environ['BENCH_CACHE_PREFIX'] = f'bench-{os.getpid()}'
    if args.conn_max_age is not None:
        os.environ['BENCH_CONN_MAX_AGE'] = args.conn_max_age
    return fresh_database(args.db, MARIADB_NAME)


def create_attempt():
    """Migrate, then create a learner with a started timed attempt; return its id and timer token."""
    # pylint: disable=import-outside-toplevel
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from edx_proctoring_backend import api

    call_command('migrate', run_syncdb=True, verbosity=0)
    user = get_user_model().objects.create_user('bench_learner', email='bench@example.com')
    exam = api.sync_exam('course-v1:Bench+X+1', 'block-v1:bench', exam_type='timed', time_limit_minutes=600,
                         provider='null')
    attempt = api.start(user, exam)
    return attempt.pk, api.timer_token(attempt)


# ---- Queries per call -------------------------------------------------------------------------------------

def queries_on_a_miss(url, headers, attempt_id):
    """Queries of one GET of the timer when the cache does not hold its clock (after a status change)."""
    # pylint: disable=import-outside-toplevel
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from edx_proctoring_backend.exams.clocks import forget_clock

    forget_clock(attempt_id)
    with CaptureQueriesContext(connection) as context:
        response = Client(headers=headers).get(url)
    assert response.status_code == 200, (url, response.status_code, response.content)
    return len(context.captured_queries)


# ---- In-process profile -----------------------------------------------------------------------------------

def profile_in_process(endpoints, calls):
    """Call the WSGI app directly (middleware included, no sockets) under cProfile; print the hot spots."""
    from django.core.wsgi import get_wsgi_application  # pylint: disable=import-outside-toplevel

    app = get_wsgi_application()

    def environ_for(url, headers):
        environ = {'REQUEST_METHOD': 'GET', 'PATH_INFO': url, 'SERVER_NAME': '127.0.0.1',
                   'HTTP_HOST': '127.0.0.1', 'wsgi.input': io.BytesIO(b'')}
        for key, value in headers.items():
            environ['HTTP_' + key.upper().replace('-', '_')] = value
        setup_testing_defaults(environ)
        return environ

    def start_response(status, headers, exc_info=None):  # pylint: disable=unused-argument
        assert status.startswith('200'), status

    def call(environ):
        result = app(dict(environ), start_response)
        try:
            return b''.join(result)
        finally:
            result.close()

    print('\nIn-process (WSGI app called directly, no server):')
    for name, (url, headers) in endpoints.items():
        environ = environ_for(url, headers)
        for _ in range(200):
            call(environ)
        start = time.perf_counter()
        for _ in range(calls):
            call(environ)
        elapsed = time.perf_counter() - start
        print(f'  {name:<6} {calls / elapsed:9.0f} req/s  {elapsed / calls * 1e6:7.1f} us/call')
    for name, (url, headers) in endpoints.items():
        environ = environ_for(url, headers)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(calls):
            call(environ)
        profiler.disable()
        print(f'\n---- cProfile: {name} view, {calls} in-process calls, top 30 by cumulative time ----')
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.strip_dirs().sort_stats('cumulative').print_stats(30)
        print(f'---- cProfile: {name} view, top 20 by own time ----')
        stats.sort_stats('tottime').print_stats(20)


def describe_cache(settings):
    """The cache that keeps the clocks, for the report."""
    alias = settings.PROCTORING_TIMER_CACHE
    if not alias:
        return 'none (the database at every poll)'
    cache = settings.CACHES[alias]
    return f'{alias}: {cache["BACKEND"].rpartition(".")[2]} {cache.get("LOCATION", "")}'


def print_verdict(args, settings, ratio, timer_queries, miss_queries):
    """The verdict against the targets: the ratio, and the queries in steady state and on a miss."""
    ratio_ok = ratio >= TARGET_RATIO
    steady_target = 0 if settings.PROCTORING_TIMER_CACHE else TARGET_QUERIES
    queries_ok = timer_queries <= steady_target and miss_queries <= TARGET_QUERIES
    print(f'VERDICT [{args.db}, cache {args.cache}]: {"PASS" if ratio_ok and queries_ok else "FAIL"} '
          f'(ratio {ratio:.3f} {">=" if ratio_ok else "<"} {TARGET_RATIO}; '
          f'queries/call {timer_queries:.2f} (target <= {steady_target}), on a miss {miss_queries} '
          f'(target <= {TARGET_QUERIES}))')


# ---- Main -------------------------------------------------------------------------------------------------

def main(argv=None):
    """Run the benchmark and print its figures."""
    args = parse_args(argv)
    if args.compare_edx_proctoring:
        return compare_with_edx_proctoring(args)
    cleanup = prepare_environment(args)
    try:
        import django  # pylint: disable=import-outside-toplevel
        django.setup()
        from django.conf import settings  # pylint: disable=import-outside-toplevel
        from django.db import connection, connections  # pylint: disable=import-outside-toplevel

        attempt_id, token = create_attempt()
        endpoints = {'bare': (BARE_URL, {}), 'timer': (TIMER_URL, {TOKEN_HEADER: token})}

        bare_queries, _, _ = queries_per_call(BARE_URL, {})
        miss_queries = queries_on_a_miss(TIMER_URL, {TOKEN_HEADER: token}, attempt_id)
        timer_queries, timer_sql, timer_body = queries_per_call(TIMER_URL, {TOKEN_HEADER: token})

        measured = serve_and_measure(endpoints, args.warmup, args.requests, args.round_size)
        stats = measured.stats

        bare_rps, bare_p50, bare_p95 = summarise(measured.latencies['bare'])
        timer_rps, timer_p50, timer_p95 = summarise(measured.latencies['timer'])
        ratio = timer_rps / bare_rps

        database = settings.DATABASES['default']
        print(f'Python {platform.python_version()}, Django {django.get_version()}, '
              f'{describe_database(connection)}, CONN_MAX_AGE={database.get("CONN_MAX_AGE", 0)}, '
              f'CONN_HEALTH_CHECKS={database.get("CONN_HEALTH_CHECKS", False)}, '
              f'DEBUG={settings.DEBUG}, {len(settings.MIDDLEWARE)} middleware, '
              f'timer cache: {describe_cache(settings)}')
        print(f'Server: django ThreadedWSGIServer (HTTP/1.1 keep-alive) on 127.0.0.1:{measured.port}; '
              f'{args.requests} requests per endpoint after {args.warmup} warm-up, rounds of {args.round_size}, '
              f'{measured.wall:.1f}s, reconnects {measured.reconnects}')
        print(f'Timer response: {timer_body}')
        select, _, rest = timer_sql.partition(' FROM ')
        if timer_sql:
            print(f'Timer SQL ({select.count(",") + 1} columns, {len(timer_sql)} chars): '
                  f'{select[:60]}... FROM {rest[:400]}')
        print(f'Timer queries on a cache miss (after a status change): {miss_queries}')
        print()
        print(f'{"endpoint":<8} {"req/s":>9} {"p50 ms":>8} {"p95 ms":>8} {"queries/call":>13}')
        print(f'{"bare":<8} {bare_rps:9.0f} {bare_p50:8.3f} {bare_p95:8.3f} {bare_queries:13.2f}')
        print(f'{"timer":<8} {timer_rps:9.0f} {timer_p50:8.3f} {timer_p95:8.3f} {timer_queries:13.2f}')
        print(f'ratio timer/bare: {ratio:.3f}')
        for name, (url, _) in endpoints.items():
            print(f'server side, per {name} request: {stats.per_request(url, "statements"):.2f} SQL statements '
                  f'(connection set-up included), {stats.per_request(url, "connections"):.2f} new DB connections')
        print_verdict(args, settings, ratio, timer_queries, miss_queries)

        print_result(endpoint='timer', db=args.db, cache=args.cache, rps=timer_rps, p50=timer_p50, p95=timer_p95,
                     queries=timer_queries, bare_rps=bare_rps, bare_p50=bare_p50, bare_p95=bare_p95)

        if args.profile:
            profile_in_process(endpoints, args.profile_requests)
        connections.close_all()
    finally:
        cleanup()
    return 0


# ---- Comparison with edx-proctoring -------------------------------------------------------------------------

def run_benchmark(label, command):
    """Run one benchmark in a process of its own, show its output; return its figures."""
    shown = ' '.join(os.path.relpath(part, REPO_ROOT) if os.path.isabs(part) else part for part in command)
    print(f'---- {label}: {shown}', flush=True)
    completed = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    figures = read_result(completed.stdout)
    for line in completed.stdout.splitlines():
        if not line.startswith('BENCH-RESULT '):
            print(f'    {line}')
    if completed.returncode != 0 or figures is None:
        sys.stderr.write(completed.stderr)
        raise SystemExit(f'{label} failed (exit {completed.returncode})')
    return figures


def mean_figures(runs):
    """The mean of each figure over runs of one benchmark."""
    return {key: statistics.fmean(run[key] for run in runs)
            for key in ('rps', 'p50', 'p95', 'queries', 'bare_rps', 'bare_p50', 'bare_p95')}


def compare_with_edx_proctoring(args):
    """Run our benchmark and edx-proctoring's alternately; print both and the ratio with a verdict."""
    if not os.path.exists(args.edx_proctoring_python):
        raise SystemExit(f'{args.edx_proctoring_python} is missing: `make bench-edx-proctoring` creates it')
    common = ['--requests', str(args.requests), '--warmup', str(args.warmup), '--round', str(args.round_size),
              '--db', args.db]
    ours_command = [sys.executable, os.path.abspath(__file__), *common]
    theirs_command = [args.edx_proctoring_python, EDX_PROCTORING_SCRIPT, *common]
    if args.explicit_cache:
        ours_command += ['--cache', args.explicit_cache]
        if args.explicit_cache != 'none':  # edx-proctoring keeps only its sessions in the cache
            theirs_command += ['--cache', args.explicit_cache]
    if args.conn_max_age is not None:
        ours_command += ['--conn-max-age', args.conn_max_age]
        theirs_command += ['--conn-max-age', args.conn_max_age]
    ours, theirs = [], []
    for number in range(1, args.compare_runs + 1):
        ours.append(run_benchmark(f'run {number}/{args.compare_runs}: timer', ours_command))
        theirs.append(run_benchmark(f'run {number}/{args.compare_runs}: edx-proctoring', theirs_command))

    print()
    print(f'Comparison [{args.db}]: runs of each: {args.compare_runs}, alternating; {args.requests} requests per '
          f'endpoint per run; each against the bare view of its own server')
    print(f'{"endpoint":<16} {"run":>4} {"req/s":>9} {"p50 ms":>8} {"p95 ms":>8} {"queries/call":>13} '
          f'{"bare req/s":>11} {"ratio to bare":>14}')
    for name, runs in (('timer', ours), ('edx-proctoring', theirs)):
        for number, run in enumerate([*runs, mean_figures(runs)], start=1):
            label = str(number) if number <= len(runs) else 'mean'
            print(f'{name:<16} {label:>4} {run["rps"]:9.0f} {run["p50"]:8.3f} {run["p95"]:8.3f} '
                  f'{run["queries"]:13.2f} {run["bare_rps"]:11.0f} {run["rps"] / run["bare_rps"]:14.3f}')
    ours_mean, theirs_mean = mean_figures(ours), mean_figures(theirs)
    times = ours_mean['rps'] / theirs_mean['rps']
    bare_times = ours_mean['bare_rps'] / theirs_mean['bare_rps']
    print(f'timer / edx-proctoring = {times:.1f}x (req/s); p50 {theirs_mean["p50"] / ours_mean["p50"]:.1f}x '
          f'lower, p95 {theirs_mean["p95"] / ours_mean["p95"]:.1f}x lower')
    print(f'bare views: ours / theirs = {bare_times:.2f}x; each against its bare view: '
          f'{times / bare_times:.1f}x')
    if abs(bare_times - 1) > BARE_TOLERANCE:
        print(f'WARNING: the two bare views differ by more than {BARE_TOLERANCE:.0%}: the machine was not equally '
              f'busy during the two benchmarks; rerun on a quiet machine (or with more --compare-runs)')
    passed = times >= TARGET_TIMES_EDX_PROCTORING
    print(f'VERDICT [{args.db}, timer vs edx-proctoring]: {"PASS" if passed else "FAIL"} '
          f'({times:.1f}x {">=" if passed else "<"} {TARGET_TIMES_EDX_PROCTORING}x)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
