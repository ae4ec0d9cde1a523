"""
Limits on calls from outside (django-ratelimit, in the test settings' cache): addresses that keep
sending badly signed vendor messages, a learner's upload requests, a user's REST calls. Past a limit
the answer is 429 with ``Retry-After`` and a clear message; other users and addresses go on.
"""
import json

import pytest
from django.test import Client

from tests.edx_proctoring_backend.recordings.conftest import media  # noqa: F401  pylint: disable=unused-import
from tests.edx_proctoring_backend.recordings.helpers import local_exam, start, url
from tests.edx_proctoring_backend.rest.conftest import COURSE, world  # noqa: F401  pylint: disable=unused-import

CALLBACK = '/api/proctored-exams/v1/providers/rpnow/callback'
MESSAGE = json.dumps({'type': 'review.completed', 'session_id': 'nope'})


@pytest.fixture
def limits(settings):
    """Small limits, to reach them in a test."""
    settings.PROCTORING_RATE_LIMITS = {'callback_failures': '3/m', 'uploads': '4/m', 'rest': '3/m'}
    settings.PROCTORING_PROVIDERS = {'null': {}, 'local': {}, 'rpnow': {
        'base_url': 'http://127.0.0.1:9', 'key_id': 'k', 'secret': 'whsec_' + 'c2VjcmV0' * 4}}


def assert_too_many(answer, body_key):
    assert answer.status_code == 429 and int(answer['Retry-After']) >= 1
    assert answer.json()[body_key] == 'rate_limited'


def test_an_address_sending_bad_signatures_is_not_heard_for_a_while(limits, db):  # pylint: disable=unused-argument
    vendor = Client(REMOTE_ADDR='203.0.113.7')
    for _ in range(3):
        assert vendor.post(CALLBACK, MESSAGE, content_type='application/json').status_code == 401
    assert_too_many(vendor.post(CALLBACK, MESSAGE, content_type='application/json'), 'error')
    # Another address is heard; and refusals other than signatures (the checks after it) count nothing.
    assert Client(REMOTE_ADDR='203.0.113.8').post(CALLBACK, MESSAGE, content_type='application/json').status_code == 401


def test_a_learner_past_the_upload_limit_waits_and_others_go_on(limits, learner, make_user, media):  # noqa: F811  pylint: disable=unused-argument,redefined-outer-name
    attempt = start(learner, local_exam())
    client = Client()
    client.force_login(learner)
    state = url('recording', attempt.pk, 'webcam')
    for _ in range(4):
        assert client.get(state).status_code == 200
    refused = client.get(state)
    assert_too_many(refused, 'error')
    assert refused.json()['message'] == 'Too many requests. Wait a little, then try again.'
    other = make_user('other')
    other_attempt = start(other, local_exam(usage='other'))
    other_client = Client()
    other_client.force_login(other)
    assert other_client.get(url('recording', other_attempt.pk, 'webcam')).status_code == 200


def test_rest_calls_past_the_limit_are_429_in_the_apis_shape(
        limits, world):  # pylint: disable=redefined-outer-name,unused-argument
    staff = Client()
    staff.force_login(world.users['staff'])
    exams = f'/api/proctored-exams/v1/courses/{COURSE}/exams'
    for _ in range(3):
        assert staff.get(exams).status_code == 200
    refused = staff.get(exams)
    assert_too_many(refused, 'code')
    assert refused.json()['message'] == 'Too many requests. Wait a little, then try again.'
    mine = Client()
    mine.force_login(world.users['learner'])
    assert mine.get('/api/proctored-exams/v1/me/data').status_code == 200


def test_a_limit_set_to_none_is_off(settings, world):  # pylint: disable=redefined-outer-name
    settings.PROCTORING_RATE_LIMITS = {'rest': None}
    staff = Client()
    staff.force_login(world.users['staff'])
    assert all(staff.get(f'/api/proctored-exams/v1/courses/{COURSE}/exams').status_code == 200 for _ in range(700))
