"""
Settings of the benchmarks: the demo's, with DEBUG off, quiet logging, the bench URLs and a
database chosen by ``bench/attempt_status.py`` through environment variables:

* ``BENCH_DB=sqlite`` (default): the demo's SQLite settings, on a file at ``BENCH_SQLITE_PATH``;
* ``BENCH_DB=mariadb``: the database ``BENCH_MARIADB_NAME`` on ``MARIADB_HOST:MARIADB_PORT``, with the
  demo's connection settings (``CONN_MAX_AGE``, ``CONN_HEALTH_CHECKS``).

``BENCH_CONN_MAX_AGE`` overrides ``CONN_MAX_AGE`` (``none`` for persistent connections).
``BENCH_CACHE`` chooses the cache that keeps the timer's clocks: ``locmem`` (the demo's), ``redis``
(127.0.0.1:6379, keys prefixed with ``BENCH_CACHE_PREFIX``, as Open edX runs) or ``none``.
"""
import copy
import os
import tempfile

from demo.databases import mariadb
from demo.settings import *  # noqa: F401,F403  pylint: disable=wildcard-import,unused-wildcard-import

DEBUG = False
ALLOWED_HOSTS = ['127.0.0.1', 'localhost', 'testserver']
ROOT_URLCONF = 'bench.urls'

# The database runs as the demo ships it (persistent connections, health checks, SQLite options):
# only where it lives changes.
_DEMO_DATABASE = DATABASES['default']  # noqa: F405
_CONNECTION_SETTINGS = {key: _DEMO_DATABASE[key] for key in ('CONN_MAX_AGE', 'CONN_HEALTH_CHECKS')
                        if key in _DEMO_DATABASE}

if os.environ.get('BENCH_DB', 'sqlite') == 'mariadb':
    DATABASES = {'default': mariadb(os.environ.get('BENCH_MARIADB_NAME', 'bench_proctored_exams'),
                                    **_CONNECTION_SETTINGS)}
else:
    DATABASES = {
        'default': {
            **copy.deepcopy(_DEMO_DATABASE),
            'NAME': os.environ.get('BENCH_SQLITE_PATH', os.path.join(tempfile.gettempdir(), 'bench-proctoring.db')),
        },
    }

if 'BENCH_CONN_MAX_AGE' in os.environ:
    _AGE = os.environ['BENCH_CONN_MAX_AGE'].lower()
    DATABASES['default']['CONN_MAX_AGE'] = None if _AGE == 'none' else int(_AGE)

# The demo logs everything to var/workbench.log; a benchmark should only show errors.
LOGGING = {
    'version': 1,
    'disable_existing_loggers': False,
    'handlers': {'stderr': {'level': 'ERROR', 'class': 'logging.StreamHandler'}},
    'root': {'handlers': ['stderr'], 'level': 'ERROR'},
}

_CACHE = os.environ.get('BENCH_CACHE', 'locmem')
if _CACHE == 'redis':
    CACHES = {
        'default': {
            'BACKEND': 'django_redis.cache.RedisCache',
            'LOCATION': os.environ.get('BENCH_REDIS_URL', 'redis://127.0.0.1:6379/3'),
            'KEY_PREFIX': os.environ.get('BENCH_CACHE_PREFIX', 'bench'),
        },
    }
PROCTORING_TIMER_CACHE = None if _CACHE == 'none' else 'default'

# The exam rush (bench/exam_rush.py): statements counted per request, and the provider of its exam.
if os.environ.get('BENCH_COUNT_STATEMENTS'):
    MIDDLEWARE = ['bench.statements.StatementCountMiddleware', *MIDDLEWARE]  # noqa: F405
if os.environ.get('BENCH_VENDOR_URL'):
    from demo.fake_vendors import DEFAULT_KEY_ID, DEFAULT_SECRET, DEFAULT_WEBHOOK_SECRET

    PROCTORING_PROVIDERS = {**PROCTORING_PROVIDERS, 'rpnow': {  # noqa: F405
        'base_url': os.environ['BENCH_VENDOR_URL'], 'key_id': DEFAULT_KEY_ID, 'secret': DEFAULT_SECRET,
        'webhook_secrets': [DEFAULT_WEBHOOK_SECRET], 'timeout': (3.05, 10),
        'callback_base_url': os.environ['BENCH_CALLBACK_URL'],
    }}
    PROCTORING_DEFAULT_PROVIDER = 'rpnow'
