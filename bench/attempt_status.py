#!/usr/bin/env python
"""
Benchmark of the endpoint the exam timer polls, against a bare Django JSON view.

    python bench/attempt_status.py [--requests N] [--db sqlite|mariadb] [--profile]

Both views are served by one real HTTP server (Django's threaded WSGI server, the one behind
``runserver`` and ``LiveServerTestCase``: HTTP/1.1 keep-alive) in a background thread of this
process, through the demo's whole middleware stack. The main thread sends the requests over one
keep-alive connection, in interleaved rounds (bare, timer, timer, bare, ...), so that drift of the
machine hits both alike. It prints requests/s and p50/p95 latencies of both, their ratio, the
queries per timer call in steady state, and a verdict against the targets (ratio >= 0.8, at most
2 queries per call). It exits 0 whatever the figures; only a crash fails it.

``--profile`` adds a cProfile of both views called in-process (no sockets), to see what the timer
pays for on top of the bare view.
"""
import argparse
import cProfile
import http.client
import io
import os
import platform
import pstats
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from wsgiref.util import setup_testing_defaults

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from demo.databases import fresh_mariadb_database  # noqa: E402  pylint: disable=wrong-import-position

TARGET_RATIO = 0.8
TARGET_QUERIES = 2
BARE_URL = '/bare'
TIMER_URL = '/api/proctored-exams/v1/attempt-timer'
TOKEN_HEADER = 'X-Exam-Timer-Token'
# One database per run: two runs on one server never drop each other's data.
MARIADB_NAME = f'bench_proctored_exams_{os.getpid()}'


def parse_args(argv=None):
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0].strip())
    parser.add_argument('--requests', type=int, default=2000, help='timed requests per endpoint (default 2000)')
    parser.add_argument('--warmup', type=int, default=200, help='untimed requests per endpoint first (default 200)')
    parser.add_argument('--round', type=int, default=50, dest='round_size',
                        help='requests per endpoint in one round of the interleaving (default 50)')
    parser.add_argument('--db', choices=('sqlite', 'mariadb'), default='sqlite')
    parser.add_argument('--conn-max-age', default=None,
                        help="override CONN_MAX_AGE (seconds, or 'none' for persistent); default: the demo's")
    parser.add_argument('--profile', action='store_true', help='also cProfile both views called in-process')
    parser.add_argument('--profile-requests', type=int, default=2000, help='calls per view under cProfile')
    args = parser.parse_args(argv)
    if args.requests < 2 or args.warmup < 0 or args.round_size < 1:
        parser.error('--requests must be at least 2, --warmup at least 0 and --round at least 1')
    return args


# ---- Database -------------------------------------------------------------------------------------------

def prepare_environment(args):
    """Choose the settings and create the empty database; return a function that removes it."""
    os.environ['DJANGO_SETTINGS_MODULE'] = 'bench.settings'
    os.environ['BENCH_DB'] = args.db
    if args.conn_max_age is not None:
        os.environ['BENCH_CONN_MAX_AGE'] = args.conn_max_age
    if args.db == 'mariadb':
        os.environ['BENCH_MARIADB_NAME'] = MARIADB_NAME
        return fresh_mariadb_database(MARIADB_NAME)
    directory = tempfile.mkdtemp(prefix='bench-proctoring-')
    os.environ['BENCH_SQLITE_PATH'] = os.path.join(directory, 'bench.db')
    return lambda: shutil.rmtree(directory, ignore_errors=True)


def create_attempt():
    """Migrate, then create a learner with a started timed attempt; return the attempt's timer token."""
    # pylint: disable=import-outside-toplevel
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from edx_proctoring_backend import api

    call_command('migrate', run_syncdb=True, verbosity=0)
    user = get_user_model().objects.create_user('bench_learner', email='bench@example.com')
    exam = api.sync_exam('course-v1:Bench+X+1', 'block-v1:bench', exam_type='timed', time_limit_minutes=600,
                         provider='null')
    attempt = api.start(user, exam)
    return api.timer_token(attempt)


# ---- Queries per call -------------------------------------------------------------------------------------

def queries_per_call(url, headers, calls=20, warm=5):
    """Steady-state queries of one GET through the test client (middleware included), and one sample."""
    # pylint: disable=import-outside-toplevel
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(headers=headers)
    for _ in range(warm):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content)
    with CaptureQueriesContext(connection) as context:
        for _ in range(calls):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code, response.content)
    sample = context.captured_queries[-1]['sql'] if context.captured_queries else ''
    return len(context.captured_queries) / calls, sample, response.json()


# ---- Server and client ------------------------------------------------------------------------------------

class ServerStats:
    """What the server thread did per endpoint: requests, SQL statements, new database connections."""

    def __init__(self):
        self.path = None
        self.counts = {}
        self.reset()

    def reset(self):
        """Forget everything counted so far (after the warm-up)."""
        self.counts = {}

    def add(self, what, path=None):
        """Count one ``what`` for ``path`` (default: the request being served)."""
        key = (path or self.path, what)
        self.counts[key] = self.counts.get(key, 0) + 1

    def per_request(self, path, what):
        """Average count of ``what`` per request to ``path``."""
        requests = self.counts.get((path, 'requests'), 0)
        return self.counts.get((path, what), 0) / requests if requests else float('nan')


def start_server(stats):
    """Serve the Django WSGI app on a free port of 127.0.0.1 in a daemon thread; return (server, thread, port)."""
    # pylint: disable=import-outside-toplevel
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from django.db import connection, connections
    from django.db.backends.signals import connection_created

    django_app = get_wsgi_application()

    def app(environ, start_response):
        stats.path = environ['PATH_INFO']
        stats.add('requests')
        return django_app(environ, start_response)

    def count_statement(execute, sql, params, many, context):
        stats.add('statements')
        return execute(sql, params, many, context)

    def count_connection(sender, **kwargs):  # pylint: disable=unused-argument
        if threading.current_thread().name.startswith('bench-server'):
            stats.add('connections')

    connection_created.connect(count_connection, weak=False)

    class QuietHandler(WSGIRequestHandler):
        """Django's keep-alive handler, without access logs, with TCP_NODELAY, counting SQL statements."""

        disable_nagle_algorithm = True

        def log_message(self, format, *args):
            pass

        def handle(self):
            threading.current_thread().name = 'bench-server-connection'
            try:
                with connection.execute_wrapper(count_statement):
                    super().handle()
            finally:
                connections.close_all()  # this thread's connections, persistent or not

    server = ThreadedWSGIServer(('127.0.0.1', 0), QuietHandler, allow_reuse_address=False)
    server.set_app(app)
    thread = threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.05},
                              name='bench-server', daemon=True)
    thread.start()
    return server, thread, server.server_address[1]


class KeepAliveClient:
    """One persistent HTTP/1.1 connection; counts reconnections (there should be none)."""

    def __init__(self, port):
        self.port = port
        self.reconnects = 0
        self.conn = self._connect()

    def _connect(self):
        conn = http.client.HTTPConnection('127.0.0.1', self.port, timeout=30)
        conn.connect()
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return conn

    def get(self, url, headers):
        """GET ``url``; return the latency in seconds. Fails on anything but a 200."""
        start = time.perf_counter()
        self.conn.request('GET', url, headers=headers)
        response = self.conn.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - start
        if response.status != 200:
            raise RuntimeError(f'GET {url}: {response.status} {body[:200]!r}')
        if response.will_close:
            self.conn.close()
            self.conn = self._connect()
            self.reconnects += 1
        return elapsed

    def close(self):
        """Close the connection."""
        self.conn.close()


def run_rounds(client, endpoints, requests, round_size):
    """Interleave ``round_size`` requests per endpoint, alternating which goes first; return latencies."""
    latencies = {name: [] for name in endpoints}
    names = list(endpoints)
    done = 0
    round_number = 0
    while done < requests:
        count = min(round_size, requests - done)
        order = names if round_number % 2 == 0 else names[::-1]
        for name in order:
            url, headers = endpoints[name]
            samples = latencies[name]
            for _ in range(count):
                samples.append(client.get(url, headers))
        done += count
        round_number += 1
    return latencies


def summarise(samples):
    """Requests/s (count over the summed latencies), p50 and p95 in milliseconds."""
    cuts = statistics.quantiles(samples, n=100, method='inclusive')
    return len(samples) / sum(samples), statistics.median(samples) * 1000, cuts[94] * 1000


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


def describe_database(connection):
    """The database and its version (and SQLite's journal mode), for the report."""
    with connection.cursor() as cursor:
        if connection.vendor != 'sqlite':
            return f'{connection.vendor} {connection.mysql_server_info}'
        cursor.execute('PRAGMA journal_mode')
        return f'sqlite {connection.Database.sqlite_version} (journal_mode={cursor.fetchone()[0]})'


# ---- Main -------------------------------------------------------------------------------------------------

def main(argv=None):
    """Run the benchmark and print its figures."""
    args = parse_args(argv)
    cleanup = prepare_environment(args)
    try:
        import django  # pylint: disable=import-outside-toplevel
        django.setup()
        from django.conf import settings  # pylint: disable=import-outside-toplevel
        from django.db import connection, connections  # pylint: disable=import-outside-toplevel

        token = create_attempt()
        endpoints = {'bare': (BARE_URL, {}), 'timer': (TIMER_URL, {TOKEN_HEADER: token})}

        bare_queries, _, _ = queries_per_call(BARE_URL, {})
        timer_queries, timer_sql, timer_body = queries_per_call(TIMER_URL, {TOKEN_HEADER: token})

        stats = ServerStats()
        server, thread, port = start_server(stats)
        client = KeepAliveClient(port)
        try:
            run_rounds(client, endpoints, args.warmup, args.round_size)
            stats.reset()
            started = time.perf_counter()
            latencies = run_rounds(client, endpoints, args.requests, args.round_size)
            wall = time.perf_counter() - started
        finally:
            client.close()
            server.shutdown()
            server.server_close()
            thread.join(5)

        bare_rps, bare_p50, bare_p95 = summarise(latencies['bare'])
        timer_rps, timer_p50, timer_p95 = summarise(latencies['timer'])
        ratio = timer_rps / bare_rps

        database = settings.DATABASES['default']
        print(f'Python {platform.python_version()}, Django {django.get_version()}, '
              f'{describe_database(connection)}, CONN_MAX_AGE={database.get("CONN_MAX_AGE", 0)}, '
              f'CONN_HEALTH_CHECKS={database.get("CONN_HEALTH_CHECKS", False)}, '
              f'DEBUG={settings.DEBUG}, {len(settings.MIDDLEWARE)} middleware')
        print(f'Server: django ThreadedWSGIServer (HTTP/1.1 keep-alive) on 127.0.0.1:{port}; '
              f'{args.requests} requests per endpoint after {args.warmup} warm-up, rounds of {args.round_size}, '
              f'{wall:.1f}s, reconnects {client.reconnects}')
        print(f'Timer response: {timer_body}')
        select, _, rest = timer_sql.partition(' FROM ')
        print(f'Timer SQL ({select.count(",") + 1} columns, {len(timer_sql)} chars): '
              f'{select[:60]}... FROM {rest[:400]}')
        print()
        print(f'{"endpoint":<8} {"req/s":>9} {"p50 ms":>8} {"p95 ms":>8} {"queries/call":>13}')
        print(f'{"bare":<8} {bare_rps:9.0f} {bare_p50:8.3f} {bare_p95:8.3f} {bare_queries:13.2f}')
        print(f'{"timer":<8} {timer_rps:9.0f} {timer_p50:8.3f} {timer_p95:8.3f} {timer_queries:13.2f}')
        print(f'ratio timer/bare: {ratio:.3f}')
        for name, (url, _) in endpoints.items():
            print(f'server side, per {name} request: {stats.per_request(url, "statements"):.2f} SQL statements '
                  f'(connection set-up included), {stats.per_request(url, "connections"):.2f} new DB connections')
        ratio_ok = ratio >= TARGET_RATIO
        queries_ok = timer_queries <= TARGET_QUERIES
        print(f'VERDICT [{args.db}]: {"PASS" if ratio_ok and queries_ok else "FAIL"} '
              f'(ratio {ratio:.3f} {">=" if ratio_ok else "<"} {TARGET_RATIO}; '
              f'queries/call {timer_queries:.2f} {"<=" if queries_ok else ">"} {TARGET_QUERIES})')

        if args.profile:
            profile_in_process(endpoints, args.profile_requests)
        connections.close_all()
    finally:
        cleanup()
    return 0


if __name__ == '__main__':
    sys.exit(main())
