"""Shared fixtures: users, exams, and skipping MariaDB tests where MariaDB is absent."""
import os

import pytest
from django.contrib.auth import get_user_model

from demo.databases import mariadb_connect
from demo.fake_vendors import FakeVendor
from edx_proctoring_backend import api
from edx_proctoring_backend.lms import platform
from tests.fakes.edx_platform import FakePlatform
from tests.fakes.smtp import SmtpSink


def pytest_collection_modifyitems(config, items):  # pylint: disable=unused-argument
    """On a MariaDB run, skip everything when the server is unreachable, with the reason."""
    if os.environ.get('PROCTORING_TEST_DB') != 'mariadb':
        return
    reason = _mariadb_unreachable()
    if reason and os.environ.get('PROCTORING_REQUIRE_SERVICES'):
        raise pytest.UsageError(f'MariaDB is required (PROCTORING_REQUIRE_SERVICES) but unreachable: {reason}')
    if reason:
        skip = pytest.mark.skip(reason=f'MariaDB is not reachable ({reason}); start it to run these tests')
        for item in items:
            item.add_marker(skip)


def _mariadb_unreachable():
    """Return why MariaDB cannot be reached, or '' when it can."""
    try:
        mariadb_connect(connect_timeout=3).close()
    except Exception as error:  # pylint: disable=broad-except
        return str(error)
    return ''


@pytest.fixture
def make_user(db):  # pylint: disable=unused-argument
    """Create users by name."""
    def make(username='learner'):
        return get_user_model().objects.get_or_create(username=username)[0]
    return make


@pytest.fixture
def learner(make_user):
    """A verified-track learner."""
    return make_user('learner')


@pytest.fixture
def make_exam(db, django_capture_on_commit_callbacks):  # pylint: disable=unused-argument
    """Create exams with sensible defaults (as a save or publish would: the provider is told of each)."""
    counter = {'n': 0}

    def make(exam_type='proctored', time_limit_minutes=60, provider='null', allow_opt_out=True, due_date=None,
             course_key='course-v1:Test+Exam+2026', usage_key=None, subsection_key='', display_name='',
             alone_in_subsection=True, **more_settings):
        counter['n'] += 1
        usage_key = usage_key or f'block-v1:Test+Exam+2026+type@proctored_exam+block@exam{counter["n"]}'
        with django_capture_on_commit_callbacks(execute=True):
            return api.sync_exam(course_key, usage_key, due_date=due_date, subsection_key=subsection_key,
                                 alone_in_subsection=alone_in_subsection, exam_type=exam_type,
                                 time_limit_minutes=time_limit_minutes, provider=provider,
                                 allow_opt_out=allow_opt_out, display_name=display_name, **more_settings)
    return make


@pytest.fixture
def edx_platform():
    """
    A stand-in edx-platform (``tests.fakes.edx_platform.FakePlatform``), importable under the platform's
    real module names for the length of the test, so that ``edx_proctoring_backend.lms.platform`` calls
    it as it calls the LMS. The test arranges it (``make_credit_course``, ``enroll``, ``fail``) and reads
    it back (``requirements``, ``status``, ``override``, ``calls_to``); everything goes afterwards.
    """
    fake = FakePlatform()
    platform.forget_modules()
    fake.install()
    try:
        yield fake
    finally:
        fake.uninstall()
        platform.forget_modules()


@pytest.fixture
def fake_vendor(settings):
    """
    Start fake vendors and configure a provider for each: ``fake_vendor('rpnow')`` returns a running
    ``FakeVendor`` whose credentials are in ``settings.PROCTORING_PROVIDERS['rpnow']``.

    ``name`` configures another provider name (default: the style); ``callback_base_url`` is where the
    vendor's callbacks go (``live_server.url`` to receive them); other keyword arguments override the
    provider's settings (e.g. ``secret='wrong'``). Every vendor started is stopped after the test.
    """
    started = []

    def start(style='rpnow', name=None, callback_base_url='http://testserver', **config):
        vendor = FakeVendor(style=style).start()
        started.append(vendor)
        settings.PROCTORING_PROVIDERS = {**settings.PROCTORING_PROVIDERS, name or style: {
            'base_url': vendor.base_url, 'key_id': vendor.key_id, 'secret': vendor.secret,
            'webhook_secrets': [vendor.webhook_secret], 'timeout': (2, 5), 'callback_base_url': callback_base_url,
            **config,
        }}
        return vendor

    yield start
    for vendor in started:
        vendor.stop()


@pytest.fixture
def smtp_server(settings):
    """
    A real SMTP server on 127.0.0.1 (``tests.fakes.smtp.SmtpSink``) that Django's e-mail is sent to for the
    length of the test: read what it received with ``smtp_server.to(address)``.
    """
    sink = SmtpSink().start()
    settings.EMAIL_BACKEND = 'django.core.mail.backends.smtp.EmailBackend'
    settings.EMAIL_HOST, settings.EMAIL_PORT = sink.host, sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ''
    settings.PROCTORING_EMAIL_DELIVERY = 'django'
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture(autouse=True)
def fresh_cache():
    """Every test starts with an empty cache: no request counted by the rate limits, no clock kept."""
    from django.core.cache import cache  # pylint: disable=import-outside-toplevel
    cache.clear()
