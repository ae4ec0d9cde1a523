#!/usr/bin/env python
"""
Benchmark of edx-proctoring's attempt-status endpoint, the one the learning MFE polls during an exam,
against a bare Django JSON view, measured as ``bench/attempt_status.py`` measures the timer.

    .venv-bench-edx-proctoring/bin/python bench/edx_proctoring_status.py [--requests N] [--db sqlite|mariadb]

Run it with the virtualenv of ``make bench-edx-proctoring`` (edx-proctoring from PyPI with its
dependencies, pinned in ``bench/requirements/edx-proctoring.txt``): it does not need this package.

The endpoint: while a timed exam runs, the MFE's timer (``src/timer/TimerProvider.jsx`` of
frontend-lib-special-exams) polls the attempt's ``exam_started_poll_url`` every minute
(``pollExamAttempt`` in ``src/data/api.js``), which edx-proctoring sets to
``GET /api/edx_proctoring/v1/proctored_exam/attempt/<attempt_id>``, served by its
``StudentProctoredExamAttempt.get`` (the attempt with its exam and user, the time remaining), signed
in by the LMS session.

Django is set up as edx-proctoring's own test settings do (its apps, the null backend, runtime services
of the LMS: minimal ones here), with what the LMS does on the way (sessions in the site's cache, DRF's
JSON renderer only), and the middleware of the demo (session, locale, CSRF, authentication, messages,
django-crum). The exam is timed, not proctored; a learner signed in through the session cookie has
started an attempt. Both views are served by one Django threaded WSGI server in a background thread and
requested over one keep-alive connection in interleaved rounds (``bench/http_rounds.py``, shared with
``bench/attempt_status.py``). It prints requests/s and p50/p95 latencies of both, their ratio and the
queries per call. It exits 0 whatever the figures; only a crash fails it.

The cache (sessions) is the site's, as with the timer: Redis with MariaDB (``--cache redis``,
127.0.0.1:6379), a per-process memory cache with SQLite.
"""
import argparse
import os
import platform
import sys
import tempfile

from django.http import JsonResponse

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from bench.databases import fresh_database  # noqa: E402  pylint: disable=wrong-import-position
from bench.http_rounds import (  # noqa: E402  pylint: disable=wrong-import-position
    add_round_arguments, check_round_arguments, describe_database, print_result, queries_per_call, serve_and_measure,
    summarise,
)
from demo.databases import mariadb  # noqa: E402  pylint: disable=wrong-import-position

BARE_URL = '/bare'
STATUS_URL = '/api/edx_proctoring/v1/proctored_exam/attempt/{attempt_id}'
COURSE_ID = 'course-v1:Bench+X+1'
CONTENT_ID = 'block-v1:Bench+X+1+type@sequential+block@bench'
# One database per run: two runs on one server never drop each other's data.
MARIADB_NAME = f'bench_edx_proctoring_{os.getpid()}'

# Filled by main() once Django is set up (edx-proctoring's URLs read the settings): ROOT_URLCONF is this module.
urlpatterns = []


def parse_args(argv=None):
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0].strip())
    add_round_arguments(parser)
    parser.add_argument('--cache', choices=('locmem', 'redis'), default=None,
                        help='where the sessions are kept (default: redis with mariadb, else locmem)')
    parser.add_argument('--conn-max-age', default=None,
                        help="override CONN_MAX_AGE (seconds, or 'none' for persistent); default: the demo's, 60")
    args = parser.parse_args(argv)
    args.cache = args.cache or ('redis' if args.db == 'mariadb' else 'locmem')
    check_round_arguments(parser, args)
    return args


# ---- Settings ---------------------------------------------------------------------------------------------

def database_settings(args):
    """The database as the demo runs it (``demo/settings.py``, ``bench/settings.py``), only elsewhere."""
    if args.conn_max_age is None:
        age = 60
    else:
        age = None if args.conn_max_age.lower() == 'none' else int(args.conn_max_age)
    if args.db == 'mariadb':
        return mariadb(MARIADB_NAME, CONN_MAX_AGE=age)
    return {
        'ENGINE': 'django.db.backends.sqlite3',
        'NAME': os.environ['BENCH_SQLITE_PATH'],
        'OPTIONS': {'timeout': 20, 'init_command': 'PRAGMA journal_mode=WAL', 'transaction_mode': 'IMMEDIATE'},
        'CONN_MAX_AGE': age,
    }


def cache_settings(args):
    """The site's cache, which keeps the sessions: Redis (as Open edX runs it) or per-process memory."""
    if args.cache == 'redis':
        return {'BACKEND': 'django_redis.cache.RedisCache',
                'LOCATION': os.environ.get('BENCH_REDIS_URL', 'redis://127.0.0.1:6379/3'),
                'KEY_PREFIX': f'bench-edx-proctoring-{os.getpid()}'}
    return {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache'}


def configure(args):
    """Configure Django for edx-proctoring (after its test settings and the LMS's) and set it up."""
    # pylint: disable=import-outside-toplevel
    import django
    from django.conf import settings

    course_id_regex = r'[^/+]+(/|\+)[^/+]+(/|\+)[^/?]+'
    settings.configure(
        DEBUG=False,
        ALLOWED_HOSTS=['127.0.0.1', 'localhost', 'testserver'],
        SECRET_KEY='bench-edx-proctoring',
        USE_TZ=True,
        TIME_ZONE='UTC',
        LANGUAGE_CODE='en-us',
        LANGUAGES=[('en', 'English'), ('fr', 'Français'), ('nl', 'Nederlands')],
        ROOT_URLCONF=__name__,
        DATABASES={'default': database_settings(args)},
        DEFAULT_AUTO_FIELD='django.db.models.AutoField',
        CACHES={'default': cache_settings(args)},
        # The LMS keeps its sessions in the cache (openedx/envs/common.py).
        SESSION_ENGINE='django.contrib.sessions.backends.cache',
        INSTALLED_APPS=[
            'django.contrib.auth', 'django.contrib.contenttypes', 'django.contrib.sessions',
            'django.contrib.messages', 'rest_framework', 'edx_when', 'rules.apps.AutodiscoverRulesConfig',
            'waffle', 'edx_proctoring',
        ],
        # The demo's middleware (bench/settings.py), less its workbench sign-in.
        MIDDLEWARE=[
            'django.middleware.common.CommonMiddleware',
            'django.contrib.sessions.middleware.SessionMiddleware',
            'django.middleware.locale.LocaleMiddleware',
            'django.middleware.csrf.CsrfViewMiddleware',
            'django.contrib.auth.middleware.AuthenticationMiddleware',
            'django.contrib.messages.middleware.MessageMiddleware',
            'crum.CurrentRequestUserMiddleware',
        ],
        AUTHENTICATION_BACKENDS=['rules.permissions.ObjectPermissionBackend',
                                 'django.contrib.auth.backends.ModelBackend'],
        TEMPLATES=[{'BACKEND': 'django.template.backends.django.DjangoTemplates', 'APP_DIRS': True,
                    'OPTIONS': {'context_processors': ['django.contrib.auth.context_processors.auth',
                                                       'django.contrib.messages.context_processors.messages']}}],
        # The LMS renders its APIs in JSON only (openedx/envs/common.py); no throttle class by default.
        REST_FRAMEWORK={'DEFAULT_RENDERER_CLASSES': ('rest_framework.renderers.JSONRenderer',)},
        JWT_AUTH={'JWT_AUTH_COOKIE': 'edx-jwt-cookie'},
        STATIC_URL='/static/',
        LOGGING={'version': 1, 'disable_existing_loggers': False,
                 'handlers': {'stderr': {'level': 'ERROR', 'class': 'logging.StreamHandler'}},
                 'root': {'handlers': ['stderr'], 'level': 'ERROR'}},
        # What edx-proctoring reads (its test_settings.py and settings/common.py): the null backend.
        PLATFORM_NAME='Open edX',
        SITE_NAME='localhost:8000',
        FEATURES={},
        HTTPS='off',
        COURSE_ID_REGEX=course_id_regex,
        COURSE_ID_PATTERN=fr'(?P<course_id>{course_id_regex})',
        LEARNING_MICROFRONTEND_URL='http://127.0.0.1:2000',
        PROCTORING_BACKENDS={'DEFAULT': 'null', 'null': {}},
        PROCTORING_SETTINGS={},
        PROCTORING_USER_OBFUSCATION_KEY='bench-edx-proctoring',
        ENV_ROOT=tempfile.gettempdir(),  # where its app would write workers.json, with NODE_MODULES_ROOT (unset)
        PROCTORED_EXAM_VIEWABLE_PAST_DUE=False,
        DEFAULT_FROM_EMAIL='no-reply@example.com',
        CONTACT_EMAIL='info@example.com',
        TECH_SUPPORT_EMAIL='technical@example.com',
        EMAIL_BACKEND='django.core.mail.backends.locmem.EmailBackend',
    )
    django.setup()


# ---- The LMS's runtime services: a course without credit, grades or certificates to touch --------------------

class CreditService:
    """The credit service: the course is not a credit course."""
    # pylint: disable=unused-argument  # the LMS's signatures

    def get_credit_state(self, user_id, course_key_or_id, return_course_info=False):
        """No credit state: edx-proctoring then names the course "your course"."""
        return None

    def set_credit_requirement_status(self, user_id, course_key_or_id, req_namespace, req_name, status='satisfied',
                                      reason=None):
        """Nothing to record."""

    def remove_credit_requirement_status(self, user_id, course_key_or_id, req_namespace,
                                         req_name):
        """Nothing to remove."""


class InstructorService:
    """The instructor service: the learner is not course staff; nothing to reset or notify."""
    # pylint: disable=unused-argument  # the LMS's signatures

    def is_course_staff(self, user, course_id):
        """Not staff."""
        return False

    def delete_student_attempt(self, student_identifier, course_id, content_id,
                               requesting_user):
        """Nothing to delete."""

    def complete_student_attempt(self, user_identifier, content_id):
        """Nothing to complete."""

    def get_proctoring_escalation_email(self, course_key):
        """No escalation address."""
        return None

    def send_support_notification(self, course_id, exam_name, student_username, review_status,
                                  review_url=None):
        """Nobody to notify."""


class GradesService:
    """The grades service: no override of grades."""
    # pylint: disable=unused-argument  # the LMS's signatures

    def should_override_grade_on_rejected_exam(self, course_key_or_id):
        """Never override."""
        return False

    def get_subsection_grade(self, user_id, course_key_or_id, usage_key_or_id):
        """No grade."""
        return None

    def override_subsection_grade(self, *args, **kwargs):
        """Nothing to override."""

    def undo_override_subsection_grade(self, user_id, course_key_or_id,
                                       usage_key_or_id):
        """Nothing to undo."""


class CertificatesService:
    """The certificates service: no certificate to invalidate."""
    # pylint: disable=unused-argument  # the LMS's signatures

    def invalidate_certificate(self, user_id, course_key_or_id):
        """Nothing to invalidate."""

    def get_invalidated_certificate(self, user_id, course_key_or_id):
        """None invalidated."""
        return None


def bare_view(request):
    """The baseline of ``bench/urls.py``: a view that answers a dict shaped like the timer's."""
    response = JsonResponse({'status': 'started', 'remaining_seconds': 35999, 'total_seconds': 36000,
                             'low_warning_seconds': 7200, 'critical_warning_seconds': 1800})
    response['Cache-Control'] = 'no-store'
    return response


def set_up_urls_and_services():
    """Mount edx-proctoring's API where the LMS mounts it (``api/``) beside the bare view; register the services."""
    # pylint: disable=import-outside-toplevel
    from django.urls import include, path
    from edx_proctoring.runtime import set_runtime_service  # pylint: disable=import-error

    urlpatterns.extend([
        path('bare', bare_view, name='bench-bare'),
        path('api/', include('edx_proctoring.urls', namespace='edx_proctoring')),
    ])
    set_runtime_service('credit', CreditService())
    set_runtime_service('instructor', InstructorService())
    set_runtime_service('grades', GradesService())
    set_runtime_service('certificates', CertificatesService())


def create_started_attempt():
    """Migrate; create a timed exam and a learner's started attempt as the MFE does; return the learner and id."""
    # pylint: disable=import-outside-toplevel
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from edx_proctoring import api  # pylint: disable=import-error
    from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus  # pylint: disable=import-error

    call_command('migrate', verbosity=0)
    user = get_user_model().objects.create_user('bench_learner', email='bench@example.com')
    exam_id = api.create_exam(COURSE_ID, CONTENT_ID, 'Bench exam', time_limit_mins=600, is_proctored=False)
    # What the MFE's "start exam" does (POST .../proctored_exam/attempt with start_clock=true).
    attempt_id = api.create_exam_attempt(exam_id, user.id, taking_as_proctored=False)
    api.start_exam_attempt(exam_id, user.id)
    assert api.get_exam_attempt_by_id(attempt_id)['status'] == ProctoredExamStudentAttemptStatus.started
    return user, attempt_id


def signed_in_client(user):
    """A Django test client signed in as ``user`` (a session in the cache) and its ``Cookie`` header."""
    # pylint: disable=import-outside-toplevel
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    return client, {'Cookie': f'{settings.SESSION_COOKIE_NAME}={session_key}'}


def statements_of_one_call(client, url):
    """The SQL of one GET of ``url`` through the test client, for the report."""
    # pylint: disable=import-outside-toplevel
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content)
    return [query['sql'] for query in context.captured_queries]


def main(argv=None):
    """Run the benchmark and print its figures."""
    args = parse_args(argv)
    cleanup = fresh_database(args.db, MARIADB_NAME)
    os.environ.pop('DJANGO_SETTINGS_MODULE', None)  # configured here, not by bench.settings
    try:
        configure(args)
        # pylint: disable=import-outside-toplevel
        import django
        import edx_proctoring  # pylint: disable=import-error
        from django.conf import settings
        from django.db import connection, connections

        set_up_urls_and_services()
        user, attempt_id = create_started_attempt()
        client, cookie = signed_in_client(user)
        status_url = STATUS_URL.format(attempt_id=attempt_id)
        endpoints = {'bare': (BARE_URL, {}), 'edx-proctoring': (status_url, cookie)}

        bare_queries, _, _ = queries_per_call(BARE_URL, {})
        status_queries, _, status_body = queries_per_call(status_url, {}, client=client)
        statements = statements_of_one_call(client, status_url)

        measured = serve_and_measure(endpoints, args.warmup, args.requests, args.round_size)
        bare_rps, bare_p50, bare_p95 = summarise(measured.latencies['bare'])
        status_rps, status_p50, status_p95 = summarise(measured.latencies['edx-proctoring'])
        ratio = status_rps / bare_rps

        database = settings.DATABASES['default']
        cache = settings.CACHES['default']
        print(f'Python {platform.python_version()}, Django {django.get_version()}, '
              f'edx-proctoring {edx_proctoring.__version__}, {describe_database(connection)}, '
              f'CONN_MAX_AGE={database.get("CONN_MAX_AGE", 0)}, DEBUG={settings.DEBUG}, '
              f'{len(settings.MIDDLEWARE)} middleware, sessions: {settings.SESSION_ENGINE.rpartition(".")[2]} '
              f'({" ".join([cache["BACKEND"].rpartition(".")[2], *filter(None, [cache.get("LOCATION")])])})')
        print(f'Server: django ThreadedWSGIServer (HTTP/1.1 keep-alive) on 127.0.0.1:{measured.port}; '
              f'{args.requests} requests per endpoint after {args.warmup} warm-up, rounds of {args.round_size}, '
              f'{measured.wall:.1f}s, reconnects {measured.reconnects}')
        print(f'edx-proctoring endpoint: GET {status_url} (session cookie); response: status '
              f'{status_body["status"]!r}, time_remaining_seconds {status_body["time_remaining_seconds"]:.0f}, '
              f'{len(status_body)} keys')
        print(f'edx-proctoring SQL per call ({len(statements)}):')
        for sql in statements:
            select, _, rest = sql.partition(' FROM ')
            print(f'    {select[:40]}... FROM {rest[:110]}')
        print()
        print(f'{"endpoint":<15} {"req/s":>9} {"p50 ms":>8} {"p95 ms":>8} {"queries/call":>13}')
        print(f'{"bare":<15} {bare_rps:9.0f} {bare_p50:8.3f} {bare_p95:8.3f} {bare_queries:13.2f}')
        print(f'{"edx-proctoring":<15} {status_rps:9.0f} {status_p50:8.3f} {status_p95:8.3f} {status_queries:13.2f}')
        print(f'ratio edx-proctoring/bare: {ratio:.3f}')
        for name, (url, _) in endpoints.items():
            print(f'server side, per {name} request: {measured.stats.per_request(url, "statements"):.2f} SQL '
                  f'statements (connection set-up included), '
                  f'{measured.stats.per_request(url, "connections"):.2f} new DB connections')
        print_result(endpoint='edx-proctoring', db=args.db, cache=args.cache, rps=status_rps, p50=status_p50,
                     p95=status_p95, queries=status_queries, bare_rps=bare_rps, bare_p50=bare_p50,
                     bare_p95=bare_p95)
        connections.close_all()
        if args.cache == 'redis':
            from django.core.cache import cache
            cache.delete_pattern('*')  # this run's keys only (its KEY_PREFIX): the sessions, edx-when's dates
    finally:
        cleanup()
    return 0


if __name__ == '__main__':
    sys.exit(main())
