"""
Test settings: the demo's (workbench + this app), on a file SQLite database by default so that
threads really share it, or on MariaDB with ``PROCTORING_TEST_DB=mariadb``.
"""
import os
import tempfile

from demo.databases import mariadb
from demo.settings import *  # noqa: F401,F403  pylint: disable=wildcard-import,unused-wildcard-import

if os.environ.get('PROCTORING_TEST_DB') == 'mariadb':
    DATABASES = {
        # One test database per run, so that two runs on one server never collide.
        'default': mariadb(os.environ.get('MARIADB_DATABASE', 'test'),
                           TEST={'NAME': f'test_proctored_exams_{os.getpid()}', 'CHARSET': 'utf8mb4'}),
    }
else:
    DATABASES = {
        'default': {
            'ENGINE': 'django.db.backends.sqlite3',
            'NAME': os.path.join(tempfile.gettempdir(), 'proctored-exams-test.db'),
            'OPTIONS': {'timeout': 30},
            # A file, not shared memory: the concurrency tests need real SQLite locking.
            'TEST': {'NAME': os.path.join(tempfile.gettempdir(), f'proctored-exams-test-{os.getpid()}.db')},
        },
    }

# edx-when, as the LMS installs it: exams with opaque keys hold their content through per-learner dates.
INSTALLED_APPS = [*INSTALLED_APPS, 'edx_when']  # noqa: F405
PASSWORD_HASHERS = ['django.contrib.auth.hashers.MD5PasswordHasher']
LOGGING = {'version': 1, 'disable_existing_loggers': False}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = 'memory://'
PROCTORING_PROVIDERS = {
    'null': {},
    'counting': {'class': 'tests.fakes.counting_provider.CountingProvider'},
}
