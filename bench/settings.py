"""
Settings of the benchmarks: the demo's, with DEBUG off, quiet logging, the bench URLs and a
database chosen by ``bench/attempt_status.py`` through environment variables:

* ``BENCH_DB=sqlite`` (default): a SQLite file at ``BENCH_SQLITE_PATH``;
* ``BENCH_DB=mariadb``: the database ``BENCH_MARIADB_NAME`` on ``MARIADB_HOST:MARIADB_PORT``.

``BENCH_CONN_MAX_AGE`` overrides ``CONN_MAX_AGE`` (``none`` for persistent connections).
"""
import os
import tempfile

from demo.settings import *  # noqa: F401,F403  pylint: disable=wildcard-import,unused-wildcard-import

DEBUG = False
ALLOWED_HOSTS = ['127.0.0.1', 'localhost', 'testserver']
ROOT_URLCONF = 'bench.urls'

if os.environ.get('BENCH_DB', 'sqlite') == 'mariadb':
    DATABASES = {
        'default': {
            'ENGINE': 'django.db.backends.mysql',
            'HOST': os.environ.get('MARIADB_HOST', '127.0.0.1'),
            'PORT': int(os.environ.get('MARIADB_PORT', '3306')),
            'USER': os.environ.get('MARIADB_USER', 'root'),
            'PASSWORD': os.environ.get('MARIADB_PASSWORD', ''),
            'NAME': os.environ.get('BENCH_MARIADB_NAME', 'bench_proctored_exams'),
            'OPTIONS': {'charset': 'utf8mb4', 'isolation_level': 'read committed'},
        },
    }
else:
    DATABASES = {
        'default': {
            'ENGINE': 'django.db.backends.sqlite3',
            'NAME': os.environ.get('BENCH_SQLITE_PATH', os.path.join(tempfile.gettempdir(), 'bench-proctoring.db')),
            'OPTIONS': {'timeout': 20},
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
