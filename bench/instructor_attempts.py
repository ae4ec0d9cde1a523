#!/usr/bin/env python
"""
Benchmark of the instructor dashboard's attempts list and search, on a course with 100,000 attempts.

    python bench/instructor_attempts.py [--attempts N] [--users N] [--repeat N] [--db sqlite|mariadb]

It builds the data with ``bulk_create`` (not through the API): a course with five special exams
and ``--attempts`` attempts by ``--users`` learners in a realistic mix of statuses (reset attempts
followed by a second one included), and a second course with its own exams and attempts, so that
filtering by course matters. It prints how long building took.

Then it calls ``api.search_attempts`` for the first page, deep pages and the last page, filtered by
status, by exam, by learner (username prefix, exact email) and by combinations of these, and the
instructor REST endpoint (``GET /api/proctored-exams/v1/courses/<course_key>/attempts``) through
Django's in-process test client as a signed-in global staff user. Each call is repeated
``--repeat`` times after a warm-up; the table shows the matches, the median and p95 time per page
and the queries per page, with every item's learner and exam read inside the capture (so an N+1
would show), and the median time of each query in order ("SQL ms": the database's execute, rows
fetched afterwards count only in the call's time). The REST rows count the session and
authentication queries too; when the endpoint answers 404 they read "REST endpoint not available".

The verdict per row is against the target: the same number of queries for the first page as for
deep ones (and for every repetition), at most 5 per page for the API calls, and the number of
matches the one a plain query finds. It exits 0 whatever the figures; only a crash fails it.

SQLite (the demo's settings) runs on a temporary file, removed at the end; ``--db mariadb`` creates
the database ``bench_instructor_attempts_<pid>`` on ``MARIADB_HOST:MARIADB_PORT`` (one per run) and drops it at
the end. The tables' statistics are refreshed after the bulk load (``ANALYZE TABLE``), as a site should
after a bulk import.
"""
import argparse
import datetime
import os
import platform
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from bench.databases import fresh_database  # noqa: E402  pylint: disable=wrong-import-position

# One database per run: two runs on one server never drop each other's data.
MARIADB_NAME = f'bench_instructor_attempts_{os.getpid()}'
COURSE_KEY = 'course-v1:Bench+Attempts+2026'
OTHER_COURSE_KEY = 'course-v1:Bench+Other+2026'
PAGE_SIZE = 50
DEEP_PAGE = 1000
TARGET_API_QUERIES = 5  # the exams, the learners a search matches, the count, the page (ids, rows)
BATCH_SIZE = 5000
# What ``make_password(None)`` stores, minus its randomness: no password matches it.
UNUSABLE_PASSWORD = '!bench-unusable-password-0000000000000000'
STAFF_USERNAME = 'bench_staff'
LEARNER_PREFIX = 'learner0123'
LEARNER_EMAIL = 'learner01234@example.org'
ATTEMPTS_URL = '/api/proctored-exams/v1/courses/{course_key}/attempts'
BASE_TIME = datetime.datetime(2026, 1, 5, 8, 0, tzinfo=datetime.timezone.utc)

# (usage key suffix, display name, exam type, time limit in minutes) of the benchmarked course...
EXAMS = (
    ('midterm', 'Midterm exam', 'proctored', 90),
    ('final', 'Final exam', 'proctored', 180),
    ('practice', 'Practice proctored exam', 'practice', 30),
    ('quiz1', 'Timed quiz 1', 'timed', 20),
    ('quiz2', 'Timed quiz 2', 'timed', 20),
)
# ... and of the other one.
OTHER_EXAMS = (
    ('final', 'Other course final', 'proctored', 120),
    ('practice', 'Other course practice', 'practice', 30),
    ('quiz', 'Other course quiz', 'timed', 15),
)

# The statuses of a learner's latest attempt, by exam type, with their weights. Earlier attempts
# of the same learner at the same exam are 'reset' (staff reset them and a new one followed).
STATUS_MIX = {
    'proctored': (('verified', 45), ('submitted', 22), ('rejected', 4), ('second_review_required', 2),
                  ('started', 5), ('ready_to_start', 2), ('created', 4), ('declined', 8), ('error', 3),
                  ('reset', 5)),
    'practice': (('submitted', 70), ('error', 8), ('started', 6), ('ready_to_start', 3), ('created', 8),
                 ('reset', 5)),
    'timed': (('submitted', 84), ('started', 10), ('error', 2), ('reset', 4)),
}
NOT_STARTED = ('created', 'ready_to_start', 'declined')
FINISHED = ('submitted', 'second_review_required', 'verified', 'rejected', 'error')
SECOND_ATTEMPT_SHARE = 0.04


def parse_args(argv=None):
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0].strip())
    parser.add_argument('--attempts', type=int, default=100000,
                        help='attempts in the benchmarked course (default 100000)')
    parser.add_argument('--other-attempts', type=int, default=None,
                        help='attempts in the second course (default: a fifth of --attempts)')
    parser.add_argument('--users', type=int, default=20000, help='learners (default 20000)')
    parser.add_argument('--repeat', type=int, default=20, help='timed calls per row (default 20)')
    parser.add_argument('--warmup', type=int, default=2, help='untimed calls per row first (default 2)')
    parser.add_argument('--db', choices=('sqlite', 'mariadb'), default='sqlite')
    parser.add_argument('--seed', type=int, default=2026, help='seed of the generated data (default 2026)')
    args = parser.parse_args(argv)
    if args.other_attempts is None:
        args.other_attempts = args.attempts // 5
    if args.attempts < 1 or args.other_attempts < 0 or args.users < 1 or args.repeat < 2 or args.warmup < 0:
        parser.error('--attempts and --users must be at least 1, --repeat at least 2, '
                     '--other-attempts and --warmup at least 0')
    return args


# ---- Database -------------------------------------------------------------------------------------------

def prepare_environment(args):
    """Choose the settings and create the empty database; return a function that removes it."""
    return fresh_database(args.db, MARIADB_NAME)


def describe_database(connection):
    """The database and its version, for the report."""
    if connection.vendor == 'sqlite':
        return f'sqlite {connection.Database.sqlite_version}'
    connection.ensure_connection()
    return f'{connection.vendor} {connection.mysql_server_info}'


# ---- Data -------------------------------------------------------------------------------------------------

def _weighted(rng, mix):
    statuses, weights = zip(*mix)
    return rng.choices(statuses, weights=weights)[0]


def _plan_attempts(rng, exams, user_ids, count):
    """
    ``count`` (exam, user id, attempt number, status) tuples, oldest first: each learner takes each
    exam once, a few twice (the first reset), in a shuffled order; past one attempt per learner and
    exam, further rounds add later attempt numbers.
    """
    pairs = [(exam, user_id) for exam in exams for user_id in user_ids]
    plan = []
    number = 1
    while len(plan) < count:
        rng.shuffle(pairs)
        for exam, user_id in pairs:
            if len(plan) >= count:
                break
            if rng.random() < SECOND_ATTEMPT_SHARE and len(plan) + 1 < count:
                plan.append((exam, user_id, number, 'reset'))
                plan.append((exam, user_id, number + 1, _weighted(rng, STATUS_MIX[exam.exam_type])))
            else:
                plan.append((exam, user_id, number, _weighted(rng, STATUS_MIX[exam.exam_type])))
        number += 2
    return plan


def _attempt(rng, model, plan_row, created):
    """The unsaved ``ExamAttempt`` of one planned row, with times that agree with its status."""
    exam, user_id, number, status = plan_row
    started_at = deadline = submitted_at = None
    if status not in NOT_STARTED:
        started_at = created + datetime.timedelta(seconds=rng.randint(30, 600))
        deadline = started_at + datetime.timedelta(minutes=exam.time_limit_minutes)
        if status in FINISHED or status == 'reset':
            submitted_at = started_at + datetime.timedelta(seconds=rng.randint(60, exam.time_limit_minutes * 60))
    return model(exam=exam, user_id=user_id, attempt_number=number, status=status,
                 taking_as_proctored=exam.exam_type != 'timed' and status != 'declined',
                 started_at=started_at, deadline=deadline, submitted_at=submitted_at,
                 submit_reason='learner' if submitted_at and status != 'error' else '',
                 created=created, modified=submitted_at or started_at or created)


def _interleave(rng, first, second):
    """
    The two courses' attempts interleaved in time, as on a real site, each list keeping its order
    (a reset attempt comes before the one that follows it): the primary keys follow the creation
    times, and the list shows the newest first by primary key.
    """
    merged, i, j = [], 0, 0
    while i < len(first) or j < len(second):
        if j >= len(second) or (i < len(first) and rng.random() * (len(first) + len(second) - i - j) < len(first) - i):
            merged.append(first[i])
            i += 1
        else:
            merged.append(second[j])
            j += 1
    return merged


def _create_exams(exam_model, course_key, exams):
    """Create the course's exams (``EXAMS``-like tuples); return them in creation order."""
    rows = [exam_model(course_key=course_key, usage_key=f'block-v1:{course_key[10:]}+type@proctored+block@{name}',
                       display_name=display_name, exam_type=exam_type, time_limit_minutes=minutes, provider='null')
            for name, display_name, exam_type, minutes in exams]
    exam_model.objects.bulk_create(rows)
    return list(exam_model.objects.filter(course_key=course_key).order_by('pk'))


def build_data(args):
    """Migrate, then create the learners, exams and attempts; return (staff user, exams of the course, seconds)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction

    from edx_proctoring_backend.exams.models import Exam, ExamAttempt

    call_command('migrate', run_syncdb=True, verbosity=0)
    user_model = get_user_model()
    rng = random.Random(args.seed)
    started = time.perf_counter()
    with transaction.atomic():
        user_model.objects.bulk_create(
            (user_model(username=f'learner{number:05d}', email=f'learner{number:05d}@example.org',
                        password=UNUSABLE_PASSWORD, date_joined=BASE_TIME)
             for number in range(1, args.users + 1)),
            batch_size=BATCH_SIZE)
        user_ids = list(user_model.objects.filter(username__startswith='learner').order_by('pk')
                        .values_list('pk', flat=True))
        staff = user_model.objects.create_user(STAFF_USERNAME, email='staff@example.org', is_staff=True)
        exams = _create_exams(Exam, COURSE_KEY, EXAMS)
        other_exams = _create_exams(Exam, OTHER_COURSE_KEY, OTHER_EXAMS)

        plan = _plan_attempts(rng, exams, user_ids, args.attempts)
        other_plan = _plan_attempts(rng, other_exams, user_ids, args.other_attempts)
        merged = _interleave(rng, plan, other_plan)
        step = datetime.timedelta(days=120) / max(1, len(merged))
        ExamAttempt.objects.bulk_create(
            (_attempt(rng, ExamAttempt, row, BASE_TIME + step * index) for index, row in enumerate(merged)),
            batch_size=BATCH_SIZE)
    analyse_tables([user_model, Exam, ExamAttempt])
    return staff, exams, time.perf_counter() - started


def analyse_tables(models):
    """
    Refresh the database's statistics of ``models``' tables after a bulk load, as a site should after a
    bulk import: MariaDB otherwise plans the page query on stale statistics (15 ms instead of 2 ms).
    """
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            table = connection.ops.quote_name(model._meta.db_table)
            if connection.vendor == 'mysql':
                cursor.execute(f'ANALYZE TABLE {table}')
                cursor.fetchall()
            elif connection.vendor == 'sqlite':
                cursor.execute(f'ANALYZE {table}')


def describe_data():
    """One line per course: exams, attempts and attempts per status."""
    from django.db.models import Count

    from edx_proctoring_backend.exams.models import ExamAttempt

    lines = []
    for course_key in (COURSE_KEY, OTHER_COURSE_KEY):
        rows = (ExamAttempt.objects.filter(exam__course_key=course_key).values('status')
                .annotate(n=Count('pk')).order_by('-n'))
        total = sum(row['n'] for row in rows)
        mix = ', '.join(f'{row["status"]} {row["n"]}' for row in rows)
        lines.append(f'  {course_key}: {total} attempts ({mix})')
    return lines


# ---- Measurements -----------------------------------------------------------------------------------------

@dataclass
class Result:
    """The figures of one row of the table."""

    name: str
    group: str
    kind: str  # 'api' or 'rest'
    times: list = field(default_factory=list)
    queries: list = field(default_factory=list)
    sql_times: list = field(default_factory=list)
    count: object = None
    expected: object = None
    page: object = None
    items: object = None
    unavailable: str = ''

    @property
    def median_ms(self):
        """Median time of one call in milliseconds."""
        return statistics.median(self.times) * 1000

    @property
    def p95_ms(self):
        """95th percentile of the time of one call in milliseconds."""
        return statistics.quantiles(self.times, n=100, method='inclusive')[94] * 1000

    @property
    def sql_ms(self):
        """The median time of each query of a call, in order, in milliseconds: '140+6'."""
        calls = [times for times in self.sql_times if len(times) == len(self.sql_times[0])]
        return '+'.join(f'{statistics.median(column) * 1000:.0f}' for column in zip(*calls)) or '-'

    @property
    def query_counts(self):
        """The distinct numbers of queries seen, smallest first."""
        return sorted(set(self.queries))


def _capture(call, repeat, warmup):
    """Call ``call`` ``warmup`` times, then ``repeat`` times timed with its queries captured; the figures."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        call()
    times, queries, sql_times, outcome = [], [], [], None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as context:
            start = time.perf_counter()
            outcome = call()
            elapsed = time.perf_counter() - start
        times.append(elapsed)
        queries.append(len(context.captured_queries))
        sql_times.append([float(query['time']) for query in context.captured_queries])
    return times, queries, sql_times, outcome


def measure_api(name, group, course_key, args, expected, **filters):
    """Time ``api.search_attempts`` with ``filters``, reading every item's learner and exam inside the capture."""
    from edx_proctoring_backend import api

    def call():
        page = api.search_attempts(course_key, page_size=PAGE_SIZE, **filters)
        for attempt in page.items:
            _ = (attempt.user.username, attempt.exam.display_name)
        return page

    times, queries, sql_times, page = _capture(call, args.repeat, args.warmup)
    return Result(name=name, group=group, kind='api', times=times, queries=queries, sql_times=sql_times,
                  count=page.count,
                  expected=expected, page=f'{page.number}/{page.num_pages}', items=len(page.items))


def measure_rest(name, group, client, course_key, args, expected, **params):
    """Time one GET of the instructor REST endpoint through the test client."""
    url = ATTEMPTS_URL.format(course_key=quote(course_key, safe=':+')) + '?' + urlencode(params)
    response = client.get(url)
    if response.status_code == 404:
        return Result(name=name, group=group, kind='rest', unavailable='REST endpoint not available')
    if response.status_code != 200:
        return Result(name=name, group=group, kind='rest',
                      unavailable=f'REST endpoint answered HTTP {response.status_code}')

    times, queries, sql_times, response = _capture(lambda: client.get(url), args.repeat, args.warmup)
    result = Result(name=name, group=group, kind='rest', times=times, queries=queries, sql_times=sql_times,
                    expected=expected)
    body = response.json() if response.get('Content-Type', '').startswith('application/json') else None
    if isinstance(body, dict):
        result.count = body.get('count')
        items = body.get('results', body.get('items', body.get('attempts')))
        result.items = len(items) if isinstance(items, list) else None
        number, pages = body.get('page', body.get('number')), body.get('num_pages')
        result.page = f'{number}/{pages}' if number is not None and pages is not None else None
    return result


def expected_count(course_key, exam_id=None, status=None, query=''):
    """How many of the course's attempts match, by a plain query independent of ``exams.search``."""
    from django.db.models import Q

    from edx_proctoring_backend.exams.models import ExamAttempt

    attempts = ExamAttempt.objects.filter(exam__course_key=course_key)
    if exam_id:
        attempts = attempts.filter(exam_id=exam_id)
    if status:
        attempts = attempts.filter(status=status)
    if query:
        condition = Q(user__username__istartswith=query)
        if '@' in query:
            condition |= Q(user__email__istartswith=query)
        attempts = attempts.filter(condition)
    return attempts.count()


def run_measurements(args, staff, exams):
    """Measure every row; return the results in table order."""
    from django.test import Client

    exam = exams[0]
    total = expected_count(COURSE_KEY)
    last = max(1, -(-total // PAGE_SIZE))
    deep = min(DEEP_PAGE, last)
    submitted = expected_count(COURSE_KEY, status='submitted')
    exam_submitted = expected_count(COURSE_KEY, exam_id=exam.pk, status='submitted')
    learner = expected_count(COURSE_KEY, query=LEARNER_PREFIX)

    api_rows = (
        ('all, page 1', 'all', total, {}),
        (f'all, page {deep}', 'all', total, {'page': deep}),
        (f'all, last page ({last})', 'all', total, {'page': last}),
        ('status=submitted, page 1', 'submitted', submitted, {'status': 'submitted'}),
        ('status=submitted, last page', 'submitted', submitted,
         {'status': 'submitted', 'page': max(1, -(-submitted // PAGE_SIZE))}),
        (f'exam_id={exam.pk}, page 1', 'exam', expected_count(COURSE_KEY, exam_id=exam.pk), {'exam_id': exam.pk}),
        (f'exam_id={exam.pk}, page {min(DEEP_PAGE // 5, last)}', 'exam', expected_count(COURSE_KEY, exam_id=exam.pk),
         {'exam_id': exam.pk, 'page': min(DEEP_PAGE // 5, last)}),
        (f'q={LEARNER_PREFIX}', 'learner', learner, {'query': LEARNER_PREFIX}),
        (f'q={LEARNER_EMAIL}', 'email', expected_count(COURSE_KEY, query=LEARNER_EMAIL), {'query': LEARNER_EMAIL}),
        (f'exam_id={exam.pk}&status=submitted, page 1', 'exam+status', exam_submitted,
         {'exam_id': exam.pk, 'status': 'submitted'}),
        (f'exam_id={exam.pk}&status=submitted, last page', 'exam+status', exam_submitted,
         {'exam_id': exam.pk, 'status': 'submitted', 'page': max(1, -(-exam_submitted // PAGE_SIZE))}),
        (f'q={LEARNER_PREFIX}&status=submitted', 'learner+status',
         expected_count(COURSE_KEY, status='submitted', query=LEARNER_PREFIX),
         {'query': LEARNER_PREFIX, 'status': 'submitted'}),
        (f'q={LEARNER_PREFIX}&exam_id={exam.pk}&status=submitted', 'learner+exam+status',
         expected_count(COURSE_KEY, exam_id=exam.pk, status='submitted', query=LEARNER_PREFIX),
         {'query': LEARNER_PREFIX, 'exam_id': exam.pk, 'status': 'submitted'}),
    )
    results = [measure_api(name, group, COURSE_KEY, args, expected, **filters)
               for name, group, expected, filters in api_rows]

    client = Client()
    client.force_login(staff)
    rest_rows = (
        ('GET page=1', 'rest', total, {'page': 1, 'page_size': PAGE_SIZE}),
        (f'GET page={deep}', 'rest', total, {'page': deep, 'page_size': PAGE_SIZE}),
        (f'GET q={LEARNER_PREFIX}&status=submitted', 'rest-search',
         expected_count(COURSE_KEY, status='submitted', query=LEARNER_PREFIX),
         {'q': LEARNER_PREFIX, 'status': 'submitted', 'page': 1, 'page_size': PAGE_SIZE}),
    )
    results += [measure_rest(name, group, client, COURSE_KEY, args, expected, **params)
                for name, group, expected, params in rest_rows]
    return results


# ---- Report -----------------------------------------------------------------------------------------------

def verdict(result, reference):
    """'PASS' or 'FAIL' with the reasons, against the first row of the same group (``reference``)."""
    if result.unavailable:
        return 'SKIP', result.unavailable
    reasons, ok = [], True
    counts = result.query_counts
    if len(counts) > 1:
        ok = False
        reasons.append(f'queries vary between calls ({counts[0]}..{counts[-1]})')
    if reference is not result and not reference.unavailable:
        if reference.query_counts == counts:
            reasons.append(f'same queries as "{reference.name}"')
        elif result.count == 0 and counts[-1] < reference.query_counts[0]:
            reasons.append(f'no matches: {counts[-1]} queries (no page to read) vs {reference.query_counts[-1]} '
                           f'on "{reference.name}"')
        else:
            ok = False
            reasons.append(f'{counts[-1]} queries vs {reference.query_counts[-1]} on "{reference.name}"')
    if result.kind == 'api':
        within = counts[-1] <= TARGET_API_QUERIES
        ok = ok and within
        reasons.append(f'{counts[-1]} {"<=" if within else ">"} {TARGET_API_QUERIES} queries')
    else:
        reasons.append(f'{counts[-1]} queries with session and authentication')
    if result.count is not None and result.count != result.expected:
        ok = False
        reasons.append(f'{result.count} matches, a plain query finds {result.expected}')
    elif result.count is not None:
        reasons.append('matches agree')
    return 'PASS' if ok else 'FAIL', '; '.join(reasons)


def print_table(results, db_name):
    """The figures and a verdict per row; return how many rows failed."""
    references = {}
    for result in results:
        references.setdefault(result.group, result)
    width = max(len(result.name) for result in results)
    header = (f'{"call":<{width}} {"matches":>8} {"page":>10} {"items":>5} {"median ms":>10} {"p95 ms":>9} '
              f'{"queries":>7} {"SQL ms":>12}  verdict')
    failures = 0
    for kind, title in (('api', 'api.search_attempts(course_key, ..., page_size=50)'),
                        ('rest', f'GET {ATTEMPTS_URL} (test client, staff signed in)')):
        print(f'\n{title}')
        print(header)
        print('-' * len(header))
        for result in (row for row in results if row.kind == kind):
            outcome, reasons = verdict(result, references[result.group])
            failures += outcome == 'FAIL'
            if result.unavailable:
                print(f'{result.name:<{width}} {result.unavailable}')
                continue
            queries = '/'.join(str(count) for count in result.query_counts)
            print(f'{result.name:<{width}} {_cell(result.count):>8} {_cell(result.page):>10} '
                  f'{_cell(result.items):>5} {result.median_ms:10.2f} {result.p95_ms:9.2f} {queries:>7} '
                  f'{result.sql_ms:>12}  {outcome}')
        print()
        for result in (row for row in results if row.kind == kind):
            outcome, reasons = verdict(result, references[result.group])
            print(f'VERDICT [{db_name}] {result.name}: {outcome} ({reasons})')
    return failures


def _cell(value):
    return '-' if value is None else str(value)


# ---- Main -------------------------------------------------------------------------------------------------

def main(argv=None):
    """Run the benchmark and print its figures."""
    args = parse_args(argv)
    run_started = time.perf_counter()
    cleanup = prepare_environment(args)
    try:
        import django
        django.setup()
        from django.conf import settings
        from django.db import connection, connections

        staff, exams, build_seconds = build_data(args)
        print(f'Python {platform.python_version()}, Django {django.get_version()}, {describe_database(connection)}, '
              f'DEBUG={settings.DEBUG}')
        print(f'Built {args.users} learners, {len(EXAMS)} + {len(OTHER_EXAMS)} exams, '
              f'{args.attempts} + {args.other_attempts} attempts (bulk_create, batches of {BATCH_SIZE}) '
              f'in {build_seconds:.1f}s')
        for line in describe_data():
            print(line)
        print(f'Each row: {args.warmup} warm-up calls, then {args.repeat} timed calls; page size {PAGE_SIZE}; '
              f'queries per call (several figures when they vary); SQL ms: median time of each query in order')

        measured = time.perf_counter()
        results = run_measurements(args, staff, exams)
        measure_seconds = time.perf_counter() - measured
        failures = print_table(results, args.db)
        rows = sum(1 for result in results if not result.unavailable)
        print(f'\n{rows} rows measured in {measure_seconds:.1f}s, {failures} failing the target; '
              f'whole run {time.perf_counter() - run_started:.1f}s')
        connections.close_all()
    finally:
        cleanup()
    return 0


if __name__ == '__main__':
    sys.exit(main())
