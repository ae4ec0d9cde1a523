"""
What the HTTP benchmarks share: one Django threaded WSGI server in a background thread of the process,
one keep-alive client, interleaved rounds of requests, their figures, and queries per call.

Only Django is needed here (not the package): ``bench/attempt_status.py`` runs it with the package's
virtualenv, ``bench/edx_proctoring_status.py`` with edx-proctoring's.
"""
import http.client
import json
import socket
import statistics
import threading
import time

# The line a benchmark prints last for a driver that compares runs (``--compare-edx-proctoring``).
RESULT_PREFIX = 'BENCH-RESULT '


def add_round_arguments(parser):
    """The command-line options of the rounds (how many requests, in what rounds) and of the database."""
    parser.add_argument('--requests', type=int, default=2000, help='timed requests per endpoint (default 2000)')
    parser.add_argument('--warmup', type=int, default=200, help='untimed requests per endpoint first (default 200)')
    parser.add_argument('--round', type=int, default=50, dest='round_size',
                        help='requests per endpoint in one round of the interleaving (default 50)')
    parser.add_argument('--db', choices=('sqlite', 'mariadb'), default='sqlite')


def check_round_arguments(parser, args):
    """Refuse rounds that cannot be measured (``parser.error`` exits with the reason)."""
    if args.requests < 2 or args.warmup < 0 or args.round_size < 1:
        parser.error('--requests must be at least 2, --warmup at least 0 and --round at least 1')


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


class Measurement:  # pylint: disable=too-few-public-methods
    """What one served run measured: latencies per endpoint, the server's counts, the port, time, reconnects."""

    def __init__(self, latencies, stats, port, wall, reconnects):
        self.latencies = latencies
        self.stats = stats
        self.port = port
        self.wall = wall
        self.reconnects = reconnects


def serve_and_measure(endpoints, warmup, requests, round_size):
    """
    Serve the app, send ``warmup`` untimed then ``requests`` timed requests per endpoint over one
    keep-alive connection in interleaved rounds, stop the server; return a ``Measurement``.

    ``endpoints`` maps a name to ``(url, headers)``.
    """
    stats = ServerStats()
    server, thread, port = start_server(stats)
    client = KeepAliveClient(port)
    try:
        run_rounds(client, endpoints, warmup, round_size)
        stats.reset()
        started = time.perf_counter()
        latencies = run_rounds(client, endpoints, requests, round_size)
        wall = time.perf_counter() - started
    finally:
        client.close()
        server.shutdown()
        server.server_close()
        thread.join(5)
    return Measurement(latencies, stats, port, wall, client.reconnects)


def summarise(samples):
    """Requests/s (count over the summed latencies), p50 and p95 in milliseconds."""
    cuts = statistics.quantiles(samples, n=100, method='inclusive')
    return len(samples) / sum(samples), statistics.median(samples) * 1000, cuts[94] * 1000


def queries_per_call(url, headers, calls=20, warm=5, client=None):
    """
    Steady-state queries of one GET through the test client (middleware included), the last query's
    SQL and the last response's JSON. ``client``: a Django test client (one signed in, say).
    """
    # pylint: disable=import-outside-toplevel
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = client or Client()
    for _ in range(warm):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code, response.content)
    with CaptureQueriesContext(connection) as context:
        for _ in range(calls):
            response = client.get(url, headers=headers)
            assert response.status_code == 200, (url, response.status_code, response.content)
    sample = context.captured_queries[-1]['sql'] if context.captured_queries else ''
    return len(context.captured_queries) / calls, sample, response.json()


def describe_database(connection):
    """The database and its version (and SQLite's journal mode), for the report."""
    with connection.cursor() as cursor:
        if connection.vendor != 'sqlite':
            return f'{connection.vendor} {connection.mysql_server_info}'
        cursor.execute('PRAGMA journal_mode')
        return f'sqlite {connection.Database.sqlite_version} (journal_mode={cursor.fetchone()[0]})'


def print_result(**figures):
    """Print the figures a driver reads back, as the last line: ``BENCH-RESULT {json}``."""
    print(RESULT_PREFIX + json.dumps(figures, sort_keys=True), flush=True)


def read_result(output):
    """The figures of the last ``BENCH-RESULT`` line of a benchmark's output (None if it printed none)."""
    for line in reversed(output.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX):])
    return None
