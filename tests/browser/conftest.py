"""
Fixtures of the browser tests: the workbench served by pytest-django's ``live_server`` (a real HTTP
server in a background thread on 127.0.0.1, on the file SQLite test database) and headless Debian
Chromium driven by Playwright's sync API. No browser is ever downloaded: without ``chromium`` on the
PATH these tests are skipped.
"""
import contextlib
import http.server
import os
import shutil
import threading
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.browser.pages import new_context

CHROMIUM_ARGS = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
]
# A fake camera (a test pattern) and screen, and every permission prompt answered yes: the webcam and,
# from a click, the entire screen are shared without a dialog.
MEDIA_ARGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']
# The provider whose exams record in the learner's browser.
LOCAL_PROVIDER = 'edx_proctoring_backend.providers.local.LocalProvider'
# The one-minute proctored exam of the demo ("Proctored exam (1 minute, to try the warnings)").
ONE_MINUTE_SCENARIO = 'proctored_exam.1'


def launch_chromium(extra_args=()):
    """Start the system's headless Chromium (a context manager), or skip the test without one."""
    executable = shutil.which('chromium')
    if executable is None:
        pytest.skip('Browser tests need Debian Chromium: no `chromium` executable on the PATH')
    from playwright.sync_api import sync_playwright  # pylint: disable=import-outside-toplevel

    @contextlib.contextmanager
    def running():
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS + list(extra_args),
                                                 headless=True)
            try:
                yield browser
            finally:
                browser.close()
    return running()


@pytest.fixture
def chromium(transactional_db):  # pylint: disable=unused-argument
    """
    A headless Chromium: the system's, never a downloaded one.

    One per test, started after the database is set up and stopped before it is flushed: Playwright's
    sync API runs an asyncio loop on this thread, and while it runs Django refuses ORM calls here
    (SynchronousOnlyOperation), so it must not outlive the test (see ``orm`` for queries in between).
    """
    with launch_chromium() as browser:
        yield browser


@pytest.fixture
def media_chromium(transactional_db):  # pylint: disable=unused-argument
    """``chromium`` with a fake camera and screen that pages may use without asking (``MEDIA_ARGS``)."""
    with launch_chromium(MEDIA_ARGS) as browser:
        yield browser


# Screenshots the browser tests keep for people to look at (the CI keeps the checkout's var/).
ARTEFACTS = Path(__file__).resolve().parents[2] / 'var' / 'test-artefacts'


def keep_screenshot(page, name):
    """Save a full-page screenshot of ``page`` as ``var/test-artefacts/<name>.png``; return its path."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f'{name}.png'
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def page(chromium):
    """A fresh page in its own context (cookies, sessionStorage); ``page.js_errors`` lists its uncaught errors."""
    context = new_context(chromium)
    new_page = context.new_page()
    new_page.js_errors = []
    new_page.on('pageerror', lambda error: new_page.js_errors.append(str(error)))
    try:
        yield new_page
    finally:
        context.close()


@pytest.fixture
def workbench(live_server):
    """
    The live server's base URL, once the one-minute exam scenario renders under it.

    ``live_server`` makes the test transactional: the server's threads see what they commit, and the
    tables are flushed afterwards, the workbench's scenario definitions with them (they live in its
    ``XBlockState`` table): load them again for each test. The workbench writes its log under ``var/``
    in the working directory.
    """
    from workbench.runtime_util import reset_global_state  # pylint: disable=import-outside-toplevel
    os.makedirs('var', exist_ok=True)
    in_thread(reset_global_state)
    url = f'{live_server.url}/scenario/{ONE_MINUTE_SCENARIO}/?student=render-check-{uuid.uuid4().hex[:8]}'
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (our own local server)
        status, body = response.status, response.read().decode('utf-8')
    assert status == 200, f'{url} answered {status}'
    assert 'class="proctored-exam"' in body and 'One-minute exam' in body, f'{url} did not render the exam:\n{body}'
    return live_server.url


@pytest.fixture
def learner_name():
    """A learner of the verified track that no other test or run has used."""
    return f'browser-{uuid.uuid4().hex[:12]}'


@pytest.fixture
def exam_url(workbench, learner_name):
    """The one-minute exam's page for ``learner_name``."""
    return f'{workbench}/scenario/{ONE_MINUTE_SCENARIO}/?student={learner_name}'


@pytest.fixture
def orm():
    """Call ``orm(function, *args)`` to run an ORM query from a test that drives the browser."""
    return in_thread


def in_thread(function, *args, **kwargs):
    """
    Run ``function`` (an ORM query) in a short-lived thread and return its result.

    Playwright's sync API keeps an asyncio loop on the test's thread, so Django refuses ORM calls
    there (SynchronousOnlyOperation); a plain thread has no loop. Its connection is closed after.
    """
    from django.db import connections  # pylint: disable=import-outside-toplevel
    outcome = {}

    def run():
        try:
            outcome['value'] = function(*args, **kwargs)
        except BaseException as error:
            outcome['error'] = error
        finally:
            connections.close_all()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(60)
    if worker.is_alive():
        raise TimeoutError(f'{function.__name__} did not return within 60 s')
    if 'error' in outcome:
        raise outcome['error']
    return outcome['value']


@pytest.fixture
def local_exam_url(settings, live_server, learner_name):
    """
    The page of the workbench's exam recorded on the site (screen and room scan required, one-second
    chunks, a two-second room scan) for ``learner_name``; returns a factory taking the provider's options.
    """
    from workbench.runtime_util import reset_global_state  # pylint: disable=import-outside-toplevel
    from workbench.scenarios import get_scenarios  # pylint: disable=import-outside-toplevel

    def open_exam(**options):
        settings.PROCTORING_PROVIDERS = {'null': {}, 'local': {
            'class': LOCAL_PROVIDER, 'require_screen': True, 'room_scan': True, **options}}
        settings.PROCTORING_CAPTURE_TIMESLICE_SECONDS = 1
        settings.PROCTORING_CAPTURE_ROOM_SCAN_SECONDS = 2
        settings.PROCTORING_CAPTURE_FLUSH_SECONDS = 10
        in_thread(reset_global_state)
        scenario = next(name for name, item in get_scenarios().items()
                        if name.startswith('proctored_exam.') and 'provider="local"' in item.xml)
        return f'{live_server.url}/scenario/{scenario}/?student={learner_name}'
    return open_exam


def session_of(username, is_staff=False):
    """A signed-in session of ``username`` (created if needed, global staff if asked); returns its cookie value."""
    from django.contrib.auth import get_user_model  # pylint: disable=import-outside-toplevel
    from django.test import Client  # pylint: disable=import-outside-toplevel
    client = Client()
    client.force_login(get_user_model().objects.get_or_create(username=username, defaults={'is_staff': is_staff})[0])
    return client.cookies['sessionid'].value


@contextlib.contextmanager
def serve_html(page_for):
    """
    Serve HTML on 127.0.0.1, an origin apart from the live server's (a stand-in of the learning MFE):
    ``page_for(path)`` returns the page's text for a request's path. Yields the port.
    """
    class Handler(http.server.BaseHTTPRequestHandler):
        """One page per path."""

        def do_GET(self):  # pylint: disable=invalid-name
            """The page for the path."""
            self.send_response(200)
            self.send_header('Content-Type', 'text/html; charset=utf-8')
            self.end_headers()
            self.wfile.write(page_for(self.path).encode('utf-8'))

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
