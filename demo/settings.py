"""
Settings of the standalone demo: the XBlock workbench, this package's app, SQLite, Celery eager.

Learners are chosen with ``?student=NAME`` in the workbench URL; ``audit_learner`` is in the audit
track, everybody else in the verified track.

``PROCTORING_DEMO_VENDORS=1`` also starts the fake ``rpnow`` and ``proctortrack`` vendors of
``demo/fake_vendors.py`` on 127.0.0.1 (ports ``PROCTORING_DEMO_RPNOW_PORT``, default 8101, and
``PROCTORING_DEMO_PROCTORTRACK_PORT``, default 8102) and configures their providers, which call back to
``PROCTORING_DEMO_ADDRESS`` (default 127.0.0.1:8000, set by ``make demo``).
"""
import os
import sys

import django

os.environ.setdefault('EXCLUDE_SAMPLE_XBLOCKS', 'yes')

from workbench.settings import *  # noqa: F401,F403,E402  pylint: disable=wildcard-import,unused-wildcard-import,wrong-import-position

from edx_proctoring_backend.settings.common import plugin_settings  # noqa: E402  pylint: disable=wrong-import-position
from demo.media_key import demo_media_key  # noqa: E402  pylint: disable=wrong-import-position

BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

INSTALLED_APPS = [*INSTALLED_APPS, 'edx_proctoring_backend', 'demo.apps.DemoConfig']  # noqa: F405
ROOT_URLCONF = 'demo.urls'
# The demo's front page (listing each exam for a verified and an audit learner) comes first.
TEMPLATES = [{
    **TEMPLATES[0],  # noqa: F405
    'DIRS': [os.path.join(BASE_DIR, 'demo', 'templates'), *TEMPLATES[0]['DIRS']],  # noqa: F405
    'OPTIONS': {**TEMPLATES[0].get('OPTIONS', {}), 'context_processors': [  # noqa: F405
        *TEMPLATES[0].get('OPTIONS', {}).get('context_processors', []),  # noqa: F405
        'demo.context_processors.fake_vendor_consoles',
        'demo.context_processors.demo_course',
    ]},
}]
MIDDLEWARE = [
    *MIDDLEWARE[:2], 'django.middleware.locale.LocaleMiddleware', *MIDDLEWARE[2:],  # noqa: F405
    # After authentication: ``?student=NAME`` signs the browser in as that user (the LMS's sign-in, for the demo).
    'demo.middleware.WorkbenchSignInMiddleware',
    # The request of the moment, for the site's own settings (``lms.sites``), as in the LMS.
    'crum.CurrentRequestUserMiddleware',
]
PROCTORING_DEMO_STAFF = ('staff',)
# The demo's course team (the LMS's own course roles decide there): they open the instructor dashboard.
PROCTORING_STANDALONE_COURSE_ROLES = {
    'course_staff': {'*': 'staff'}, 'instructor': {'*': 'instructor'}, 'support': {'*': 'support'},
}
LANGUAGES = [('en', 'English'), ('fr', 'Français'), ('nl', 'Nederlands'), ('ar', 'العربية')]
TIME_ZONE = 'UTC'

DATABASES = {
    'default': {
        'ENGINE': 'django.db.backends.sqlite3',
        'NAME': os.environ.get('PROCTORING_DEMO_DB', os.path.join('var', 'workbench.db')),
        'OPTIONS': {
            'timeout': 20,
            # Write-ahead logging: the timer's reads take no file locks and never wait for a writer.
            # Transactions take the write lock when they begin: one that read first could not take it
            # later while another writes (SQLite answers "database is locked" at once instead of waiting),
            # which many learners opening one exam at once would meet. Both options need Django 5.1.
            **({'init_command': 'PRAGMA journal_mode=WAL', 'transaction_mode': 'IMMEDIATE'}
               if django.VERSION >= (5, 1) else {}),
        },
        # Every learner in an exam polls the timer: keep each thread's connection for a minute
        # instead of opening one per request (no health check: it would cost a query per request).
        'CONN_MAX_AGE': 60,
    },
}

WORKBENCH = {  # noqa: F405
    **WORKBENCH,  # noqa: F405
    'services': {**WORKBENCH['services'], 'i18n': 'proctored_xblock.i18n.BlockI18nService'},  # noqa: F405
}

# The workbench stamps every block's `due` with the moment it renders: use the block's own date.
PROCTORING_IGNORE_INHERITED_DUE = True
PROCTORING_STANDALONE_ENROLLMENT_MODES = {'audit_learner': 'audit'}

CELERY_TASK_ALWAYS_EAGER = os.environ.get('CELERY_TASK_ALWAYS_EAGER', 'true').lower() == 'true'
CELERY_BROKER_URL = os.environ.get('CELERY_BROKER_URL', 'memory://')
CELERY_TASK_ACKS_LATE = True


def _flag(name):
    return os.environ.get(name, '').lower() in ('1', 'true', 'yes', 'on')


PROCTORING_DEMO_VENDORS = _flag('PROCTORING_DEMO_VENDORS')
# In-house proctoring needs no vendor: recordings stay in var/proctoring-media (the default root),
# encrypted at rest with a key the demo makes in var/ on first use.
PROCTORING_PROVIDERS = {'null': {}, 'local': {}}
# The demo's first exams show the exam flow without a camera: proctored exams with the ``null`` provider,
# which a real site must allow explicitly.
PROCTORING_ALLOW_UNRECORDED_PROCTORING = True
PROCTORING_DEFAULT_PROVIDER = 'null'
PROCTORING_MEDIA_ENCRYPTION_KEYS = [demo_media_key()]
# E-mails to learners and exam monitors land in the demo's mailbox (var/mail, listed at /demo/mail/), and
# their links to an exam lead to its workbench scenario.
EMAIL_BACKEND = 'demo.mailbox.MailboxBackend'
DEFAULT_FROM_EMAIL = 'exams@demo.example.org'
PROCTORING_SITE_URL = 'http://%s' % os.environ.get('PROCTORING_DEMO_ADDRESS', '127.0.0.1:8000')
PROCTORING_EXAM_URL = PROCTORING_SITE_URL + '/demo/exam/{usage_key}'
# Exams with an exam monitor the learner nominates (the course team approves them on the dashboard).
PROCTORING_PROVIDERS = {**PROCTORING_PROVIDERS, 'monitor': {}}

if PROCTORING_DEMO_VENDORS:
    from demo.fake_vendors import DEFAULT_KEY_ID, DEFAULT_SECRET, DEFAULT_WEBHOOK_SECRET  # noqa: E402

    _demo_host, _, _demo_port = os.environ.get('PROCTORING_DEMO_ADDRESS', '127.0.0.1:8000').rpartition(':')
    # The vendors call back over loopback whatever address the demo listens on.
    _callback_host = '127.0.0.1' if _demo_host in ('', '0.0.0.0', 'localhost') else _demo_host
    PROCTORING_DEMO_VENDOR_PORTS = {
        'rpnow': int(os.environ.get('PROCTORING_DEMO_RPNOW_PORT', '8101')),
        'proctortrack': int(os.environ.get('PROCTORING_DEMO_PROCTORTRACK_PORT', '8102')),
    }
    PROCTORING_PROVIDERS = {
        **PROCTORING_PROVIDERS,
        **{style: {
            'base_url': f'http://127.0.0.1:{port}', 'key_id': DEFAULT_KEY_ID, 'secret': DEFAULT_SECRET,
            'webhook_secrets': [DEFAULT_WEBHOOK_SECRET], 'timeout': (3.05, 10),
            'callback_base_url': f'http://{_callback_host}:{_demo_port}',
        } for style, port in PROCTORING_DEMO_VENDOR_PORTS.items()},
    }
    # The fake onboarding vendor's console stands in for its onboarding page (learners appear there by id).
    PROCTORING_PROVIDERS['proctortrack']['onboarding_url'] = (
        f'http://127.0.0.1:{PROCTORING_DEMO_VENDOR_PORTS["proctortrack"]}/console?learner={{user_id}}#onboarding')

# The same defaults and schedule the LMS gets from the plugin framework.
plugin_settings(sys.modules[__name__])
