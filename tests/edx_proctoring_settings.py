"""
The test settings (``tests.settings``) plus the real edx-proctoring, as the LMS installs it, with this
package's ``openedx.proctoring`` backends named in ``PROCTORING_BACKENDS``. Used by
``make test-edx-proctoring`` for ``tests/special_exams`` only.
"""
import os

from tests.settings import *  # noqa: F401,F403  pylint: disable=wildcard-import,unused-wildcard-import

INSTALLED_APPS = [  # noqa: F405
    *INSTALLED_APPS,  # noqa: F405
    'rest_framework',
    'rules.apps.AutodiscoverRulesConfig',   # edx-proctoring's permissions
    'waffle',
    'edx_proctoring',
]
AUTHENTICATION_BACKENDS = ['rules.permissions.ObjectPermissionBackend', 'django.contrib.auth.backends.ModelBackend']
ROOT_URLCONF = 'tests.special_exams.urls'
EMAIL_BACKEND = 'django.core.mail.backends.locmem.EmailBackend'

# What edx-proctoring reads of the LMS's settings.
ENV_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROCTORING_USER_OBFUSCATION_KEY = 'tests-obfuscation-key'
PROCTORING_SETTINGS = {'LINK_URLS': {'online_proctoring_rules': '', 'faq': '', 'contact_us': '',
                                     'tech_requirements': ''}}
PLATFORM_NAME = 'Open edX'
SITE_NAME = 'testserver'
HTTPS = 'off'
LMS_ROOT_URL = 'http://testserver'
LEARNING_MICROFRONTEND_URL = 'http://learning.testserver'
COURSE_ID_PATTERN = r'(?P<course_id>[^/+]+(/|\+)[^/+]+(/|\+)[^/?]+)'
TECH_SUPPORT_EMAIL = 'support@example.com'
CONTACT_EMAIL = 'contact@example.com'
DEFAULT_FROM_EMAIL = 'no-reply@example.com'

# One backend per provider of this package; ``null`` is edx-proctoring's own, the default of new exams.
PROCTORING_BACKENDS = {
    'DEFAULT': 'null',
    'null': {},
    'proctored_exams_null': {'tech_support_email': 'exams@example.com', 'tech_support_phone': '+1 555 0100'},
    'proctored_exams_rpnow': {},
    'proctored_exams_proctortrack': {'ping_interval': 30},
    'proctored_exams_local': {},
}
# The fake vendors' providers are configured per test (the ``fake_vendor`` fixture); the backends
# are built at start-up, when edx-proctoring loads them.
PROCTORING_PROVIDERS = {**PROCTORING_PROVIDERS, 'rpnow': {}, 'proctortrack': {}, 'local': {}}  # noqa: F405
PROCTORING_ALLOW_UNRECORDED_PROCTORING = True
