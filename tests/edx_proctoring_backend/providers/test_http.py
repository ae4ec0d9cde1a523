"""The vendor HTTP client against a fake vendor over loopback: signing, error classes, timeouts, outages."""
import pickle
import socket
import threading
import time
import traceback

import pytest

from demo.fake_vendors import FakeVendor
from edx_proctoring_backend.providers.http import VendorClient, VendorError, VendorRejected, VendorUnavailable

EXAM = {'exam_id': 7, 'name': 'Final', 'time_limit_minutes': 60, 'is_practice': False, 'rules': {}}
FAST = (0.5, 0.5)


@pytest.fixture
def vendor():
    """A running record-and-review fake vendor."""
    with FakeVendor(style='rpnow') as fake:
        yield fake


@pytest.fixture
def client(vendor):
    """A client with the fake's credentials and short timeouts."""
    with VendorClient(vendor.base_url, vendor.key_id, vendor.secret, timeout=FAST) as vendor_client:
        yield vendor_client


def assert_no_secrets(error, secret):
    """Neither the message, the repr nor the formatted traceback chain shows the secret or the Authorization."""
    texts = [str(error), repr(error), ''.join(traceback.format_exception(error))]
    for text in texts:
        assert secret not in text
        assert 'HMAC-SHA256' not in text
        assert 'Authorization' not in text


def test_signed_post_and_get_are_accepted(vendor, client):
    answer = client.post_json('/v1/exams', EXAM)

    assert answer['external_exam_id'] == vendor.exams[7]['external_exam_id']
    assert client.post_json(f'/v1/exams/{answer["external_exam_id"]}/sessions', {
        'attempt_id': 1, 'exam_code': 'ABC-123', 'user_id': 'anon1', 'callback_url': 'http://127.0.0.1:9/cb',
    })['session_id'] in vendor.sessions
    assert vendor.requests_seen[0] == ('POST', '/v1/exams', EXAM)
    assert not vendor.rejected_requests


def test_get_json_with_a_query_string_is_signed_over_the_path_and_query():
    with FakeVendor(style='proctortrack') as vendor:
        vendor.set_onboarding('anon1', 'approved', expires_at='2030-01-01T00:00:00+00:00')
        with VendorClient(vendor.base_url, vendor.key_id, vendor.secret, timeout=FAST) as client:
            answer = client.get_json('/v1/users/anon1/onboarding?fields=status%20expires_at')

    assert answer == {'status': 'approved', 'expires_at': '2030-01-01T00:00:00+00:00'}
    assert vendor.requests_seen == [('GET', '/v1/users/anon1/onboarding?fields=status%20expires_at', None)]


def test_base_url_with_a_path_prefix(vendor):
    # The fake has no prefix, so the prefixed path is unknown there: what matters is that it was sent and signed.
    with VendorClient(vendor.base_url + '/api/', vendor.key_id, vendor.secret, timeout=FAST) as client:
        with pytest.raises(VendorRejected) as caught:
            client.post_json('/v1/exams', EXAM)

    assert caught.value.status_code == 404
    assert vendor.requests_seen[0][1] == '/api/v1/exams'
    assert not vendor.rejected_requests


def test_wrong_secret_is_rejected_with_401_and_no_secret_in_the_error(vendor):
    wrong_secret = 'not-the-right-secret-42'
    with VendorClient(vendor.base_url, vendor.key_id, wrong_secret, timeout=FAST) as client:
        with pytest.raises(VendorRejected) as caught:
            client.post_json('/v1/exams', EXAM)

    assert caught.value.status_code == 401
    assert isinstance(caught.value, VendorError)
    assert vendor.rejected_requests == [('POST', '/v1/exams', 'bad_signature')]
    assert_no_secrets(caught.value, wrong_secret)


@pytest.mark.parametrize('status', [500, 502, 503, 504, 429])
def test_server_errors_and_throttling_are_unavailable(vendor, client, status):
    vendor.fail_next(1, status=status)

    with pytest.raises(VendorUnavailable) as caught:
        client.post_json('/v1/exams', EXAM)

    assert caught.value.status_code == status
    assert caught.value.body_excerpt == '{"error": "injected"}'
    assert_no_secrets(caught.value, vendor.secret)
    # The client does not retry: the next call is a new one, and it succeeds.
    assert len(vendor.requests_seen) == 1
    assert 'external_exam_id' in client.post_json('/v1/exams', EXAM)


@pytest.mark.parametrize('status', [400, 403, 404, 409, 422])
def test_client_errors_are_rejected(vendor, client, status):
    vendor.fail_next(1, status=status)

    with pytest.raises(VendorRejected) as caught:
        client.post_json('/v1/exams', EXAM)

    assert caught.value.status_code == status


def test_redirects_are_not_followed(vendor, client):
    vendor.fail_next(1, status=302, body=b'')

    with pytest.raises(VendorRejected) as caught:
        client.get_json('/v1/users/anon1/onboarding')

    assert caught.value.status_code == 302
    assert len(vendor.requests_seen) == 1


def test_delay_beyond_read_timeout_is_unavailable_quickly(vendor, client):
    vendor.delay(3)
    started = time.monotonic()

    with pytest.raises(VendorUnavailable) as caught:
        client.post_json('/v1/exams', EXAM)

    assert time.monotonic() - started < 1.5
    assert caught.value.status_code is None
    assert 'in time' in str(caught.value)
    assert_no_secrets(caught.value, vendor.secret)


def test_server_down_is_unavailable_and_recovers(vendor, client):
    vendor.go_down()
    started = time.monotonic()

    with pytest.raises(VendorUnavailable) as caught:
        client.post_json('/v1/exams', EXAM)

    assert time.monotonic() - started < 1
    assert 'could not be reached' in str(caught.value)
    assert_no_secrets(caught.value, vendor.secret)

    vendor.come_back()
    assert 'external_exam_id' in client.post_json('/v1/exams', EXAM)


def test_connection_reset_is_unavailable(client):
    # A listener that accepts and closes at once: the answer never comes.
    with socket.create_server(('127.0.0.1', 0)) as listener:
        port = listener.getsockname()[1]
        client.base_url = f'http://127.0.0.1:{port}'
        listener.settimeout(2)
        listener.listen()

        def hang_up():
            connection, _ = listener.accept()
            connection.close()

        thread = threading.Thread(target=hang_up, daemon=True)
        thread.start()
        with pytest.raises(VendorUnavailable):
            client.post_json('/v1/exams', EXAM)
        thread.join(timeout=2)


@pytest.mark.parametrize('body', [b'<html>Bad gateway</html>', b'[1, 2]', b'{"truncated": '])
def test_a_2xx_without_a_json_object_is_unavailable(vendor, client, body):
    vendor.fail_next(1, status=200, body=body)

    with pytest.raises(VendorUnavailable) as caught:
        client.post_json('/v1/exams', EXAM)

    assert caught.value.status_code == 200
    assert caught.value.body_excerpt == body.decode()
    assert 'JSON' in str(caught.value)


def test_an_empty_2xx_is_an_empty_answer(vendor, client):
    vendor.fail_next(1, status=200, body=b'')

    assert not client.post_json('/v1/exams', EXAM)


def test_errors_survive_pickling_with_their_status():
    error = pickle.loads(pickle.dumps(VendorRejected('POST /v1/exams: refused with 401.', 401)))

    assert isinstance(error, VendorRejected)
    assert error.status_code == 401
    assert str(error) == 'POST /v1/exams: refused with 401.'
    # Celery's JSON serializer rebuilds exceptions as cls(*args).
    assert VendorUnavailable(*VendorUnavailable('down', 503).args).status_code == 503


@pytest.mark.parametrize('base_url', ['ftp://vendor.example', 'vendor.example', 'https://user:pw@vendor.example',
                                      'https://vendor.example/?a=1'])
def test_unusable_base_urls_are_refused(base_url):
    with pytest.raises(ValueError) as caught:
        VendorClient(base_url, 'our-key', 'hunter2-secret')

    assert 'hunter2' not in str(caught.value) and 'pw' not in str(caught.value)


def test_unusable_credentials_are_refused_up_front():
    with pytest.raises(ValueError):
        VendorClient('https://vendor.example', 'our key with spaces', 'secret')
    with pytest.raises(ValueError):
        VendorClient('https://vendor.example', 'our-key', '')


def test_repr_hides_the_secret():
    client = VendorClient('https://vendor.example', 'our-key', 'hunter2-secret')

    assert 'hunter2' not in repr(client)
    assert 'hunter2' not in repr(client.session.auth)
