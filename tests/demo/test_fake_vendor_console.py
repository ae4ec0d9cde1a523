"""The fake vendors' console: the demo's stand-in for a vendor's proctoring software and reviewers."""
import re

import pytest
import requests

from demo.fake_vendors import FakeVendor
from edx_proctoring_backend import api
from edx_proctoring_backend.exams.statuses import AttemptStatus as S
from edx_proctoring_backend.providers import registry
from tests import journeys


@pytest.fixture
def console_vendor(settings, live_server):
    """
    Start a fake vendor of ``style`` with its console, configured as its provider, calling back to the
    live server; every vendor started is stopped after the test.
    """
    started = []

    def start(style):
        vendor = FakeVendor(style=style, console=True).start()
        started.append(vendor)
        settings.PROCTORING_PROVIDERS = {**settings.PROCTORING_PROVIDERS, style: {
            'base_url': vendor.base_url, 'key_id': vendor.key_id, 'secret': vendor.secret,
            'webhook_secrets': [vendor.webhook_secret], 'timeout': (2, 5), 'callback_base_url': live_server.url,
        }}
        return vendor

    yield start
    for vendor in started:
        vendor.stop()


def act(vendor, action, **form):
    """Post a console form as its page does; return the console page it redirects to."""
    response = requests.post(f'{vendor.base_url}/console/{action}', data=form, timeout=10)
    assert response.status_code == 200 and response.url == f'{vendor.base_url}/console'
    return response.text


def notice(page):
    """The console's message about the last action."""
    match = re.search(r'<p role="status" class="notice">(.*?)</p>', page)
    return match.group(1) if match else ''


@pytest.mark.django_db(transaction=True)
def test_a_whole_rpnow_exam_driven_from_the_console(console_vendor, make_user, make_exam):
    vendor = console_vendor('rpnow')
    user, exam = make_user('console-learner'), make_exam(provider='rpnow', display_name='Console exam')
    attempt = journeys.opt_in(user, exam)

    page = requests.get(f'{vendor.base_url}/console', timeout=10).text
    assert attempt.provider_attempt_id in page and exam.display_name in page

    # The learner types their code into the vendor's software, which checks it with the app.
    answer = act(vendor, 'exam-code', session_id=attempt.provider_attempt_id, exam_code=attempt.exam_code)
    assert 'the app answered 200' in notice(answer)
    attempt.refresh_from_db()
    assert attempt.status == S.READY_TO_START

    api.start(user, exam)
    api.submit(user, exam)
    answer = act(vendor, 'review', session_id=attempt.provider_attempt_id, status='Clean', comment='All fine')
    assert 'Review &quot;Clean&quot; sent' in notice(answer)
    attempt.refresh_from_db()
    assert attempt.status == S.VERIFIED
    assert attempt.reviews.get().comments[0]['comment'] == 'All fine'


@pytest.mark.django_db(transaction=True)
def test_a_lost_session_submits_the_exam(console_vendor, make_user, make_exam):
    vendor = console_vendor('rpnow')
    user, exam = make_user('lost-learner'), make_exam(provider='rpnow', display_name='Console exam')
    attempt = journeys.opt_in(user, exam)
    act(vendor, 'exam-code', session_id=attempt.provider_attempt_id, exam_code=attempt.exam_code)
    api.start(user, exam)

    answer = act(vendor, 'session-lost', session_id=attempt.provider_attempt_id)
    assert 'reported lost: the app answered 204' in notice(answer)
    attempt.refresh_from_db()
    assert attempt.status == S.SUBMITTED


@pytest.mark.django_db(transaction=True)
def test_onboarding_is_set_for_a_learner_the_app_asked_about(console_vendor, make_user, make_exam):
    vendor = console_vendor('proctortrack')
    user, exam = make_user('onboarding-learner'), make_exam(provider='proctortrack')
    provider = registry.get_provider('proctortrack')
    anonymous_id = provider.anonymous_user_id(user)
    assert provider.onboarding_status(user) == 'not_started'

    page = requests.get(f'{vendor.base_url}/console', timeout=10).text
    assert anonymous_id in page  # the app asked for this learner's profile

    answer = act(vendor, 'onboarding', user_id=anonymous_id, status='approved')
    assert 'now approved' in notice(answer)
    assert provider.onboarding_status(user) == 'approved'
    assert journeys.opt_in(user, exam).status == S.CREATED


def test_bad_forms_send_nothing_and_say_why():
    with FakeVendor('rpnow', console=True) as vendor:
        answer = act(vendor, 'review', session_id='no-such-session', status='Clean')
        assert notice(answer).startswith('Not sent:')
        answer = act(vendor, 'onboarding', user_id='', status='approved')
        assert notice(answer).startswith('Not sent:')
        assert not vendor.callbacks_sent
        assert requests.get(f'{vendor.base_url}/console/review', timeout=10).status_code == 404
        assert requests.put(f'{vendor.base_url}/console', timeout=10).status_code == 405


def test_the_page_escapes_what_it_shows():
    with FakeVendor('proctortrack', console=True) as vendor:
        vendor.set_onboarding('<script>alert(1)</script>', 'pending')
        page = requests.get(f'{vendor.base_url}/console', timeout=10).text
        assert '<script>alert' not in page and '&lt;script&gt;alert(1)&lt;/script&gt;' in page


def test_without_the_console_its_pages_are_refused_like_any_unsigned_request():
    with FakeVendor('rpnow') as vendor:
        assert requests.get(f'{vendor.base_url}/console', timeout=10).status_code == 401
