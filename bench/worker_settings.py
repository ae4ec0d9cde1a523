"""
Settings of ``bench/video_workers.py`` and the Celery workers it starts: the demo's, on a SQLite file
and a media folder in ``PROCTORING_BENCH_DIR``, the ``local`` provider offered, tasks sent to the real
broker ``CELERY_BROKER_URL`` on a queue of this run's own (``PROCTORING_BENCH_QUEUE``).
"""
import os

from demo.settings import *  # noqa: F401,F403  pylint: disable=wildcard-import,unused-wildcard-import

_BENCH_DIR = os.environ['PROCTORING_BENCH_DIR']
DEBUG = False
DATABASES = {'default': {
    'ENGINE': 'django.db.backends.sqlite3', 'NAME': os.path.join(_BENCH_DIR, 'bench.db'), 'OPTIONS': {'timeout': 60},
}}
LOGGING = {'version': 1, 'disable_existing_loggers': False}
PROCTORING_MEDIA_ROOT = os.path.join(_BENCH_DIR, 'media')
PROCTORING_PROVIDERS = {'null': {}, 'local': {}}
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = os.environ.get('CELERY_BROKER_URL', 'redis://127.0.0.1:6379/15')
CELERY_TASK_DEFAULT_QUEUE = os.environ.get('PROCTORING_BENCH_QUEUE', 'proctoring-bench')
# One task per worker process at a time: a long analysis never holds back a second one (acks late).
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE = {}
