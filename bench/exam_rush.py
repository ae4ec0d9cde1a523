#!/usr/bin/env python
"""
Benchmark of an exam rush: many learners open one proctored exam and start it at the same moment.

    python bench/exam_rush.py [--learners 200] [--workers 2] [--db mariadb|sqlite]
                              [--vendor none|fast|slow|hung] [--vendor-delay 0.3]

The demo (the XBlock workbench with this package) is served by gunicorn with ``--workers`` sync
workers, as a production LMS serves it, on a fresh database (MariaDB by default, one per run) with
the timer's clocks in Redis. Tasks are queued for Celery workers as in production, not run in the
web worker as the demo runs them (none runs during the rush: only the web workers are measured).
Every learner, in a thread of its own, waits for the others and then
goes the whole way as the exam page does, each step a real HTTP request:

1. ``page``: the exam page (the choice, the terms);
2. ``opt_in``: agree to the terms; the page is shown again (``checks_page``) with the exam code;
3. ``checks``: the checks are confirmed with the code (``--vendor none``: the ``null`` provider's
   page), or the vendor's software checks the code with us (a signed callback from a fake
   RPNow-style vendor, answering after ``--vendor-delay`` seconds with ``slow``);
4. ``start``: the clock starts (the vendor's session too); the page shows the exam (``exam_page``).

``--vendor hung`` is a vendor that accepts connections and never answers: no learner may wait for
the provider's whole timeout (10 s), and since no session can be registered the journey ends after
the opt-in. It prints, per step, the requests, errors (any answer but 2xx), p50/p99 latency as the
learner sees it (queueing for a worker included), the longest time a request of that step held a
worker, and the SQL statements of the package and Django apart from those of the workbench's block
state; then the starts per second over the rush and a verdict against its targets (no errors; with
a hung vendor, no request holding a worker longer than the wait a learner's request allows the
vendor, plus a second). It exits 0 whatever the figures.
"""
import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from html import unescape

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

import requests  # noqa: E402  pylint: disable=wrong-import-position

from bench.databases import fresh_database  # noqa: E402  pylint: disable=wrong-import-position

MARIADB_NAME = f'bench_exam_rush_{os.getpid()}'
SCENARIO_DESCRIPTION = 'Proctored exam (60 minutes)'
HUNG_SECONDS = 3600
ERRORS = []  # the first unexpected answer, for the report
STEPS = ('page', 'opt_in', 'checks_page', 'checks', 'start', 'exam_page')

_EXAM_TAG = re.compile(r'<[^>]*data-block-type=[\'"]proctored_exam[\'"][^>]*>')
_USAGE = re.compile(r'data-usage=[\'"]([^\'"]+)[\'"]')
_TERMS_VERSION = re.compile(r'data-action="opt_in" data-terms-version="([^"]*)"')
_EXAM_CODE = re.compile(r'readonly value="([^"]+)" class="proctored-exam__code-value"')


def parse_args(argv=None):
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0].strip())
    parser.add_argument('--learners', type=int, default=200)
    parser.add_argument('--workers', type=int, default=2, help='gunicorn sync workers (default 2)')
    parser.add_argument('--db', choices=('sqlite', 'mariadb'), default='mariadb')
    parser.add_argument('--vendor', choices=('none', 'fast', 'slow', 'hung'), default='none',
                        help='none: the null provider; else a fake RPNow-style vendor (default none)')
    parser.add_argument('--vendor-delay', type=float, default=0.3, help="the slow vendor's delay (default 0.3 s)")
    args = parser.parse_args(argv)
    if args.learners < 1 or args.workers < 1:
        parser.error('--learners and --workers must be at least 1')
    return args


def free_port():
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


# ---- The site ---------------------------------------------------------------------------------------------

def prepare_environment(args, port):
    """Choose the settings, create the empty database; return a function that removes it."""
    os.environ.update({
        'BENCH_COUNT_STATEMENTS': '1',
        'BENCH_CACHE': 'redis' if args.db == 'mariadb' else 'locmem', 'BENCH_CACHE_PREFIX': f'rush-{os.getpid()}',
        'CELERY_TASK_ALWAYS_EAGER': 'false', 'CELERY_BROKER_URL': 'memory://',
    })
    if args.vendor != 'none':
        os.environ['BENCH_CALLBACK_URL'] = f'http://127.0.0.1:{port}'
    return fresh_database(args.db, MARIADB_NAME)


def start_vendor(args):
    """The fake vendor for ``--vendor`` (None for ``none``), its address in the environment."""
    if args.vendor == 'none':
        return None
    from demo.fake_vendors import FakeVendor  # pylint: disable=import-outside-toplevel
    vendor = FakeVendor(style='rpnow').start()
    vendor.delay({'fast': 0, 'slow': args.vendor_delay, 'hung': HUNG_SECONDS}[args.vendor])
    os.environ['BENCH_VENDOR_URL'] = vendor.base_url
    return vendor


def migrate():
    """Create the tables (the server's workers then find them)."""
    import django  # pylint: disable=import-outside-toplevel
    django.setup()
    from django.core.management import call_command  # pylint: disable=import-outside-toplevel
    call_command('migrate', run_syncdb=True, verbosity=0)


def start_server(args, port):
    """Run gunicorn with ``--workers`` sync workers; return the process once it answers."""
    server = subprocess.Popen(  # pylint: disable=consider-using-with
        [sys.executable, '-m', 'gunicorn', '--workers', str(args.workers), '--worker-class', 'sync',
         '--bind', f'127.0.0.1:{port}', '--timeout', '120', '--log-level', 'warning', '--chdir', REPO_ROOT,
         'django.core.wsgi:get_wsgi_application()'],
        env={**os.environ, 'OMP_NUM_THREADS': '1'},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f'http://127.0.0.1:{port}/bare', timeout=5).status_code == 200:
                # Each worker imports the site on its first request: warm them all before the rush.
                for _ in range(args.workers * 4):
                    requests.get(f'http://127.0.0.1:{port}/bare', timeout=30)
                return server
        except requests.ConnectionError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError('gunicorn did not answer within 60 s')


def scenario_id():
    """The workbench scenario of the rush's exam."""
    from workbench.scenarios import get_scenarios  # pylint: disable=import-outside-toplevel
    return next(key for key, scenario in get_scenarios().items() if scenario.description == SCENARIO_DESCRIPTION)


# ---- A learner --------------------------------------------------------------------------------------------

class Journey:
    """One learner's way through the exam; each step's (latency, HTTP status, statements)."""

    def __init__(self, base_url, scenario, learner, vendor):
        self.base_url = base_url
        self.scenario = scenario
        self.learner = learner
        self.vendor = vendor
        self.http = requests.Session()
        self.results = {}
        self.exam_usage = None
        self.started_at = None

    def run(self, barrier):
        """Wait for every learner, then go as far as the exam lets this one."""
        barrier.wait()
        page = self._page('page')
        version, tag = _TERMS_VERSION.search(page), _EXAM_TAG.search(page)
        if version is None or tag is None:
            return
        self.exam_usage = _USAGE.search(tag.group(0)).group(1)
        if not self._handler('opt_in', {'terms_version': unescape(version.group(1))}):
            return
        code = _EXAM_CODE.search(self._page('checks_page'))
        if code is None:
            return
        if not self._checks(unescape(code.group(1))):
            return
        if self._handler('start', {}):
            self.started_at = time.monotonic()
            self._page('exam_page')

    def _record(self, step, began, status, headers=None):
        """Keep one step's result; return whether it succeeded."""
        headers = headers or {}
        # The vendor's own request (its code check) reports nothing: None.
        counted = headers.get('X-Bench-Statements')
        package, workbench = (int(part) for part in counted.split(',')) if counted else (None, None)
        held = float(headers.get('X-Bench-Seconds', 0))
        self.results[step] = (time.monotonic() - began, status, package, workbench, held)
        return 200 <= status < 300

    def _page(self, step):
        """GET the exam page as this learner; return its HTML ('' on an error)."""
        began = time.monotonic()
        response = self.http.get(f'{self.base_url}/scenario/{self.scenario}/', params={'student': self.learner},
                                 timeout=120)
        if not response.ok and not ERRORS:
            ERRORS.append(f'{step}: {response.status_code} {response.text[:300]}')
        self._record(step, began, response.status_code, response.headers)
        return response.text if response.ok else ''

    def _handler(self, name, payload, step=None):
        """POST to one of the exam block's handlers as the page does; return whether it succeeded."""
        began = time.monotonic()
        response = self.http.post(f'{self.base_url}/handler/{self.exam_usage}/{name}/',
                                  params={'student': self.learner}, json=payload, timeout=120,
                                  headers={'X-CSRFToken': self.http.cookies.get('csrftoken', '')})
        if not response.ok and not ERRORS:
            ERRORS.append(f'{name}: {response.status_code} {response.text[:300]}')
        return self._record(step or name, began, response.status_code, response.headers)

    def _checks(self, code):
        """Pass the checks: on the page (``null``), or in the vendor's software (its signed code check)."""
        if self.vendor is None:
            return self._handler('confirm_checks', {'exam_code': code}, step='checks')
        session_id = next((key for key, session in list(self.vendor.sessions.items())
                           if session.get('exam_code') == code), None)
        if session_id is None:
            return False  # the session was never registered (the vendor hangs)
        began = time.monotonic()
        status, _ = self.vendor.check_exam_code(session_id, code)
        return self._record('checks', began, status)


# ---- Report -----------------------------------------------------------------------------------------------

def percentile(values, share):
    """The ``share`` quantile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def _span(counts):
    """``min-max`` of statement counts, or ``-`` where the request was not ours to count."""
    counts = [count for count in counts if count is not None]
    return f'{min(counts)}-{max(counts)}' if counts else '-'


def report(args, journeys, began, wall, wait_seconds):
    """Print the figures and the verdict."""
    by_step = defaultdict(list)
    for journey in journeys:
        for step, result in journey.results.items():
            by_step[step].append(result)
    starts = [journey.started_at for journey in journeys if journey.started_at is not None]
    print(f'{"step":<12} {"requests":>8} {"errors":>6} {"p50 s":>7} {"p99 s":>7} {"max s":>7} {"held s":>7} '
          f'{"package SQL":>12} {"workbench SQL":>14}')
    errors = 0
    longest_held = 0.0
    for step in STEPS:
        results = by_step.get(step)
        if not results:
            continue
        latencies = [result[0] for result in results]
        step_errors = sum(not 200 <= result[1] < 300 for result in results)
        errors += step_errors
        held = max(result[4] for result in results)
        longest_held = max(longest_held, held)
        print(f'{step:<12} {len(results):8d} {step_errors:6d} {statistics.median(latencies):7.3f} '
              f'{percentile(latencies, 0.99):7.3f} {max(latencies):7.3f} {held:7.3f} '
              f'{_span(result[2] for result in results):>12} {_span(result[3] for result in results):>14}')
    for error in ERRORS:
        print(f'first error: {error}')
    rate = len(starts) / (max(starts) - began) if starts else 0.0
    print(f'{len(starts)} of {args.learners} learners started in {wall:.1f} s: {rate:.1f} starts/s')
    if args.vendor == 'hung':
        verdict = errors == 0 and longest_held <= wait_seconds + 1
        print(f'VERDICT [{args.db}, {args.workers} workers, vendor hung]: {"PASS" if verdict else "FAIL"} '
              f'(errors {errors}; the longest a request held a worker: {longest_held:.2f} s; a learner\'s request '
              f'waits for the vendor at most {wait_seconds} s, the provider\'s own timeout is 10 s)')
    else:
        verdict = errors == 0 and len(starts) == args.learners
        print(f'VERDICT [{args.db}, {args.workers} workers, vendor {args.vendor}]: {"PASS" if verdict else "FAIL"} '
              f'(errors {errors}; {len(starts)} of {args.learners} started)')


def main(argv=None):
    """Run the rush and print its figures."""
    args = parse_args(argv)
    port = free_port()
    cleanup = prepare_environment(args, port)
    vendor = server = None
    try:
        vendor = start_vendor(args)
        migrate()
        from django.conf import settings  # pylint: disable=import-outside-toplevel
        server = start_server(args, port)
        scenario = scenario_id()
        journeys = [Journey(f'http://127.0.0.1:{port}', scenario, f'rush_{number}', vendor)
                    for number in range(args.learners)]
        barrier = threading.Barrier(args.learners + 1)
        threads = [threading.Thread(target=journey.run, args=(barrier,), daemon=True) for journey in journeys]
        for thread in threads:
            thread.start()
        barrier.wait()
        began = time.monotonic()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - began
        print(f'{args.learners} learners, gunicorn {args.workers} sync workers, {args.db}, '
              f'cache {settings.CACHES["default"]["BACKEND"].rpartition(".")[2]}, vendor {args.vendor}'
              + (f' ({args.vendor_delay} s)' if args.vendor == 'slow' else ''))
        report(args, journeys, began, wall, settings.PROCTORING_VENDOR_WAIT_SECONDS)
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
        if vendor is not None:
            vendor.stop()
        from django.db import connections  # pylint: disable=import-outside-toplevel
        connections.close_all()
        cleanup()
    return 0


if __name__ == '__main__':
    sys.exit(main())
