"""
The demo as ``PROCTORING_DEMO_VENDORS=1 make demo`` runs it: its own server process on SQLite with the fake
vendors started beside it. A learner takes the RPNow-style exam in Chromium while the vendor's console types
their exam code and sends the review; the learner then sees the review result. Another takes the in-house
proctored exam with a fake camera, and the demo's staff user decides from the review queue.
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM_ARGS, MEDIA_ARGS
from tests.browser.pages import new_context, pass_system_check

pytestmark = pytest.mark.browser

REPOSITORY = Path(__file__).resolve().parents[2]


def free_port():
    """A port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


@pytest.fixture(scope='module')
def demo(tmp_path_factory):
    """The demo server with its fake vendors, in a process of its own; yields its address and the vendors'."""
    workdir = tmp_path_factory.mktemp('demo')
    address = f'127.0.0.1:{free_port()}'
    ports = {'rpnow': free_port(), 'proctortrack': free_port()}
    env = {
        **os.environ, 'PYTHONPATH': str(REPOSITORY), 'DJANGO_SETTINGS_MODULE': 'demo.settings',
        'PROCTORING_DEMO_VENDORS': '1', 'PROCTORING_DEMO_ADDRESS': address,
        'PROCTORING_DEMO_DB': str(workdir / 'demo.db'),
        'PROCTORING_DEMO_RPNOW_PORT': str(ports['rpnow']),
        'PROCTORING_DEMO_PROCTORTRACK_PORT': str(ports['proctortrack']),
    }
    (workdir / 'var').mkdir()
    subprocess.run([sys.executable, '-m', 'django', 'migrate', '--run-syncdb', '-v', '0'],
                   cwd=workdir, env=env, check=True, timeout=120)
    log = open(workdir / 'server.log', 'wb')  # pylint: disable=consider-using-with
    server = subprocess.Popen(  # pylint: disable=consider-using-with
        [sys.executable, '-m', 'django', 'runserver', '--noreload', address],
        cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f'http://{address}/', timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f'The demo did not start:\n{(workdir / "server.log").read_text()}')
            time.sleep(0.2)
        vendors = {style: f'http://127.0.0.1:{port}' for style, port in ports.items()}
        yield {'url': f'http://{address}', 'vendors': vendors}
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


@pytest.fixture
def browser_page():
    """A page in headless Debian Chromium (never a downloaded one), with a fake camera it may use."""
    executable = shutil.which('chromium')
    if executable is None:
        pytest.skip('Browser tests need Debian Chromium: no `chromium` executable on the PATH')
    from playwright.sync_api import sync_playwright  # pylint: disable=import-outside-toplevel
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS + MEDIA_ARGS,
                                             headless=True)
        try:
            page = new_context(browser).new_page()
            page.on('dialog', lambda dialog: dialog.accept())
            yield page
        finally:
            browser.close()


def test_the_front_page_offers_the_vendor_exams_and_their_consoles(demo):
    front = requests.get(demo['url'] + '/', timeout=10).text
    assert 'Proctored exam with Record and review (RPNow-style)' in front
    assert 'Proctored exam with Onboarding and machine review (Proctortrack-style)' in front
    for vendor_url in demo['vendors'].values():
        assert f'{vendor_url}/console' in front
        assert requests.get(f'{vendor_url}/console', timeout=10).status_code == 200


def test_an_rpnow_exam_from_opt_in_to_review(demo, browser_page):
    page, console = browser_page, demo['vendors']['rpnow'] + '/console'
    page.goto(demo['url'] + '/')
    row = page.locator('tr', has_text='Proctored exam with Record and review (RPNow-style)')
    exam_url = row.get_by_role('link', name='open as verified_learner').get_attribute('href')
    exam_url = demo['url'] + exam_url.replace('verified_learner', 'demo-vendor-learner')
    root = page.locator('.proctored-exam')

    page.goto(exam_url)
    page.locator('[data-action=opt_in]').click()
    expect(root).to_have_attribute('data-state', 'checks')
    code = page.locator('input.proctored-exam__code-value').input_value()

    # In the vendor's "software": the learner's session, where the exam code is typed.
    page.goto(console)
    session = page.locator('tbody tr').first
    session.get_by_label('Exam code').fill(code)
    session.get_by_role('button', name='Check code').click()
    expect(page.get_by_role('status')).to_contain_text('the app answered 200')

    page.goto(exam_url)
    expect(root).to_have_attribute('data-state', 'ready_to_start')
    page.locator('[data-action=start]').click()
    expect(root).to_have_attribute('data-state', 'started')
    page.locator('[data-action=submit]').click()
    expect(root).to_have_attribute('data-state', 'submitted')
    expect(page.locator('.proctored-exam__review')).to_have_attribute('data-review', 'pending')

    # The vendor's reviewer finds nothing wrong.
    page.goto(console)
    session = page.locator('tbody tr').first
    session.get_by_label('Verdict').select_option('Clean')
    session.get_by_role('button', name='Send review').click()
    expect(page.get_by_role('status')).to_contain_text(re.compile(r'Review "Clean" sent .*answered 204'))

    page.goto(exam_url)
    expect(page.locator('.proctored-exam__review')).to_have_attribute('data-review', 'satisfactory')


def exam_link(page, demo, description, learner):
    """The address of the front page's exam ``description`` for ``learner``."""
    page.goto(demo['url'] + '/')
    row = page.locator('tr', has_text=description)
    href = row.get_by_role('link', name='open as verified_learner').get_attribute('href')
    return demo['url'] + href.replace('verified_learner', learner)


def use_photo(page, step):
    """Take the photo of ``step`` from the (fake) webcam and use it."""
    item = page.locator(f'li[data-step={step}]')
    expect(item).to_have_attribute('data-camera', 'on', timeout=30_000)
    item.locator('[data-capture-action=take]').click()
    expect(item).to_have_attribute('data-photo', 'taken')
    item.locator('[data-capture-action=use]').click()


def test_an_in_house_exam_recorded_analysed_and_decided(demo, browser_page):
    page = browser_page
    exam_url = exam_link(page, demo, 'Proctored exam with In-house proctoring', 'demo-recorded-learner')
    root = page.locator('.proctored-exam')

    page.goto(exam_url)  # the address names the learner: the demo signs the browser in as them
    page.locator('[data-action=opt_in]').click()
    expect(root).to_have_attribute('data-state', 'checks')
    code = page.locator('input.proctored-exam__code-value').input_value()
    pass_system_check(page)
    use_photo(page, 'user_photo')
    use_photo(page, 'id_photo')
    expect(root).to_have_attribute('data-capture-step', 'exam_code')
    page.locator('form[data-action=confirm_checks] [name=exam_code]').fill(code)
    page.locator('form[data-action=confirm_checks] button[type=submit]').click()
    page.locator('[data-action=start]').click()
    expect(root).to_have_attribute('data-state', 'started')
    page.wait_for_function(  # two chunks of the webcam stored
        "() => Number(document.querySelector('.proctored-exam__capture')"
        ".getAttribute('data-stored-webcam') ?? -1) >= 1", timeout=30_000)
    page.locator('[data-action=submit]').click()
    expect(root).to_have_attribute('data-state', 'submitted', timeout=60_000)
    expect(page.locator('.proctored-exam__review')).to_have_attribute('data-review', 'pending')

    # The demo's staff user: the recording was analysed when the exam was submitted.
    page.goto(demo['url'] + '/')
    page.get_by_role('link', name='open the review queue as staff').click()
    row = page.locator('tr', has_text='demo-recorded-learner')
    expect(row.locator('.analysis[data-kind=webcam]')).to_have_attribute('data-state', 'analysed')
    row.get_by_role('link', name='Review').click()
    # Staff see the session's media once they have taken its review.
    page.get_by_role('button', name='Take this review').click()
    expect(page.get_by_role('group', name='Webcam: suggested moments')).to_be_visible()
    page.get_by_role('radio', name='Satisfactory', exact=True).check()
    page.get_by_role('button', name='Record the decision').click()
    expect(page.locator('.review-queue--empty')).to_be_visible()

    page.goto(exam_url)
    expect(page.locator('.proctored-exam__review')).to_have_attribute('data-review', 'satisfactory')
