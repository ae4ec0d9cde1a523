"""The fake vendors of demo/fake_vendors.py speak docs/references/vendor-protocols.rst, and their callbacks verify."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from demo.fake_vendors import FakeVendor
from edx_proctoring_backend.providers import signing

RPNOW_EXAM = {'exam_id': 'exam-1', 'name': 'Final', 'time_limit_minutes': 90, 'is_practice': False, 'rules': []}
PROCTORTRACK_RULES = {'allow_notes': False, 'allow_calculator': True, 'allow_internet': False,
                      'allow_other_people': False}


def signed(vendor, method, path, payload=None, secret=None, nonce=None):
    """Return ``(url, headers, body)`` for a request signed as our providers sign them."""
    body = b'' if payload is None else json.dumps(payload).encode()
    headers = signing.sign_request(vendor.key_id, secret or vendor.secret, method, path, body, nonce=nonce)
    headers['Content-Type'] = 'application/json'
    return vendor.base_url + path, headers, body


def call(vendor, method, path, payload=None, **options):
    """Send a signed request to the fake; return ``(status, json)``."""
    url, headers, body = signed(vendor, method, path, payload, **options)
    response = requests.request(method, url, data=body, headers=headers, timeout=5)
    return response.status_code, response.json()


class Receiver:
    """A tiny HTTP server standing in for our callback endpoint: it keeps each request and answers ``status``."""

    def __init__(self, status=204, answer=b''):
        self.requests = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            """Captures one callback."""

            def do_POST(self):  # pylint: disable=invalid-name
                """Keep the request and answer."""
                body = self.rfile.read(int(self.headers.get('Content-Length') or 0))
                receiver.requests.append({'path': self.path, 'headers': dict(self.headers.items()), 'body': body})
                self.send_response(status)
                if answer:
                    self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format, *args):
                """Stay quiet."""

        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = f'http://127.0.0.1:{self.server.server_address[1]}/api/proctored-exams/v1/providers/fake/callback'
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        """Stop the server."""
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    """A running callback receiver answering 204."""
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def rpnow():
    """A running record-and-review fake vendor."""
    with FakeVendor(style='rpnow') as vendor:
        yield vendor


@pytest.fixture
def proctortrack():
    """A running onboarding and machine-review fake vendor."""
    with FakeVendor(style='proctortrack') as vendor:
        yield vendor


def open_session(vendor, callback_url, exam=None, attempt_id=11, user_id='anon-1'):
    """Register an exam and a session on ``vendor``; return the session id."""
    status, answer = call(vendor, 'POST', '/v1/exams', exam or RPNOW_EXAM)
    assert status == 200
    status, answer = call(vendor, 'POST', f'/v1/exams/{answer["external_exam_id"]}/sessions', {
        'attempt_id': attempt_id, 'exam_code': 'CODE-1', 'user_id': user_id, 'callback_url': callback_url,
    })
    assert status == 200
    return answer['session_id']


# Protocol

def test_register_exam_and_update_keeps_its_external_id(rpnow):
    status, first = call(rpnow, 'POST', '/v1/exams', RPNOW_EXAM)
    status_again, again = call(rpnow, 'POST', '/v1/exams', {**RPNOW_EXAM, 'name': 'Final (revised)'})

    assert status == status_again == 200
    assert first == again
    assert rpnow.exams['exam-1']['name'] == 'Final (revised)'


def test_session_lifecycle(rpnow):
    session_id = open_session(rpnow, 'http://127.0.0.1:9/callback')
    session = rpnow.sessions[session_id]
    assert session['state'] == 'created'
    assert (session['attempt_id'], session['user_id'], session['exam_code'], session['exam_id']) == (
        11, 'anon-1', 'CODE-1', 'exam-1')

    assert call(rpnow, 'POST', f'/v1/sessions/{session_id}/start', {}) == (
        200, {'session_id': session_id, 'state': 'started'})
    assert call(rpnow, 'POST', f'/v1/sessions/{session_id}/stop', {})[1]['state'] == 'stopped'
    assert call(rpnow, 'POST', f'/v1/sessions/{session_id}/start', {}) == (409, {'error': 'session_stopped'})
    assert rpnow.session_for_attempt(11)[0] == session_id


def test_deleting_a_session_forgets_it(proctortrack):
    session_id = open_session(proctortrack, 'http://127.0.0.1:9/cb', exam={**RPNOW_EXAM, 'rules': PROCTORTRACK_RULES})
    other = open_session(proctortrack, 'http://127.0.0.1:9/cb', exam={**RPNOW_EXAM, 'rules': PROCTORTRACK_RULES},
                         attempt_id=12)

    assert call(proctortrack, 'POST', f'/v1/sessions/{session_id}/delete', {}) == (
        200, {'session_id': session_id, 'deleted': True})
    assert call(proctortrack, 'POST', f'/v1/sessions/{session_id}/delete', {}) == (404, {'error': 'unknown_session'})
    assert call(proctortrack, 'POST', f'/v1/sessions/{session_id}/start', {})[0] == 404

    assert set(proctortrack.sessions) == {other} and proctortrack.deleted_sessions == {session_id}
    assert proctortrack.session_for_attempt(11) == (None, None)
    with pytest.raises(KeyError):   # no callbacks about a session the vendor no longer has
        proctortrack.post_review(session_id, 'passed')


def test_creating_a_session_twice_for_an_attempt_returns_the_same_session(rpnow):
    first = open_session(rpnow, 'http://127.0.0.1:9/callback')

    assert open_session(rpnow, 'http://127.0.0.1:9/callback') == first
    assert len(rpnow.sessions) == 1


def test_unknown_ids_and_routes_are_404(rpnow):
    assert call(rpnow, 'POST', '/v1/sessions/nope/start', {}) == (404, {'error': 'unknown_session'})
    assert call(rpnow, 'POST', '/v1/exams/nope/sessions', {
        'attempt_id': 1, 'exam_code': 'C', 'user_id': 'u', 'callback_url': 'http://x/cb'})[0] == 404
    # Onboarding is proctortrack's.
    assert call(rpnow, 'GET', '/v1/users/anon-1/onboarding')[0] == 404
    assert call(rpnow, 'GET', '/v1/exams')[0] == 405


@pytest.mark.parametrize('payload, error', [
    ({**RPNOW_EXAM, 'exam_id': None}, 'missing_or_invalid_exam_id'),
    ({**RPNOW_EXAM, 'is_practice': 'no'}, 'missing_or_invalid_is_practice'),
    ({**RPNOW_EXAM, 'time_limit_minutes': True}, 'invalid_time_limit_minutes'),
    (['not', 'an', 'object'], 'body_must_be_a_json_object'),
])
def test_malformed_bodies_are_400(rpnow, payload, error):
    assert call(rpnow, 'POST', '/v1/exams', payload) == (400, {'error': error})


def test_invalid_json_is_400(rpnow):
    url, headers, _ = signed(rpnow, 'POST', '/v1/exams')
    body = b'{"exam_id": '
    headers.update(signing.sign_request(rpnow.key_id, rpnow.secret, 'POST', '/v1/exams', body))

    assert requests.post(url, data=body, headers=headers, timeout=5).status_code == 400


def test_proctortrack_exams_need_the_four_binary_rules(proctortrack):
    exam = {**RPNOW_EXAM, 'rules': PROCTORTRACK_RULES}

    assert call(proctortrack, 'POST', '/v1/exams', exam)[0] == 200
    assert call(proctortrack, 'POST', '/v1/exams', {**exam, 'rules': {'allow_notes': True}}) == (
        400, {'error': 'invalid_rules'})
    assert call(proctortrack, 'POST', '/v1/exams', {**exam, 'rules': {**PROCTORTRACK_RULES, 'allow_notes': 1}})[0] \
        == 400


def test_onboarding_status(proctortrack):
    assert call(proctortrack, 'GET', '/v1/users/anon-1/onboarding') == (
        200, {'status': 'not_started', 'expires_at': None})

    proctortrack.set_onboarding('anon-1', 'approved', expires_at='2030-06-01T00:00:00+00:00')

    assert call(proctortrack, 'GET', '/v1/users/anon-1/onboarding') == (
        200, {'status': 'approved', 'expires_at': '2030-06-01T00:00:00+00:00'})
    with pytest.raises(ValueError):
        proctortrack.set_onboarding('anon-1', 'maybe')


def test_retire_erases_the_user(proctortrack):
    session_id = open_session(proctortrack, 'http://127.0.0.1:9/cb', exam={**RPNOW_EXAM, 'rules': PROCTORTRACK_RULES})
    proctortrack.set_onboarding('anon-1', 'approved')

    assert call(proctortrack, 'POST', '/v1/users/anon-1/retire', {}) == (200, {'user_id': 'anon-1', 'retired': True})
    assert call(proctortrack, 'POST', '/v1/users/anon-1/retire', {})[0] == 200

    assert 'anon-1' in proctortrack.retired_users
    assert proctortrack.sessions[session_id]['user_id'] is None
    assert call(proctortrack, 'GET', '/v1/users/anon-1/onboarding')[1]['status'] == 'not_started'


# Signatures

def test_a_reused_nonce_is_refused(rpnow):
    url, headers, body = signed(rpnow, 'POST', '/v1/exams', RPNOW_EXAM)

    assert requests.post(url, data=body, headers=headers, timeout=5).status_code == 200
    assert requests.post(url, data=body, headers=headers, timeout=5).status_code == 401
    assert rpnow.rejected_requests == [('POST', '/v1/exams', 'replayed_nonce')]


@pytest.mark.parametrize('tamper, reason', [
    (lambda headers, body: ({**headers, 'Authorization': headers['Authorization'].replace('our-key', 'other')}, body),
     'unknown_key'),
    (lambda headers, body: (headers, body.replace(b'Final', b'Fin4l')), 'body_mismatch'),
    (lambda headers, body: ({key: value for key, value in headers.items() if key != 'Authorization'}, body),
     'missing_headers'),
])
def test_bad_signatures_are_401_and_recorded(rpnow, tamper, reason):
    url, headers, body = signed(rpnow, 'POST', '/v1/exams', RPNOW_EXAM)
    headers, body = tamper(headers, body)

    response = requests.post(url, data=body, headers=headers, timeout=5)

    assert (response.status_code, response.json()) == (401, {'error': 'unauthorized'})
    assert rpnow.rejected_requests == [('POST', '/v1/exams', reason)]
    assert not rpnow.exams


def test_the_signature_covers_the_raw_path(rpnow):
    # Signed for one path, sent to another.
    _, headers, body = signed(rpnow, 'POST', '/v1/exams', RPNOW_EXAM)

    response = requests.post(rpnow.base_url + '/v1/exams?x=1', data=body, headers=headers, timeout=5)

    assert response.status_code == 401
    assert rpnow.rejected_requests == [('POST', '/v1/exams?x=1', 'bad_signature')]


# Faults

def test_fail_next_delay_and_outage(rpnow):
    rpnow.fail_next(2, status=502)
    assert call(rpnow, 'POST', '/v1/exams', RPNOW_EXAM)[0] == 502
    assert call(rpnow, 'POST', '/v1/exams', RPNOW_EXAM)[0] == 502
    assert call(rpnow, 'POST', '/v1/exams', RPNOW_EXAM)[0] == 200
    assert len(rpnow.requests_seen) == 3

    rpnow.delay(0.3)
    started = time.monotonic()
    assert call(rpnow, 'POST', '/v1/exams', RPNOW_EXAM)[0] == 200
    assert time.monotonic() - started >= 0.3
    rpnow.delay(0)

    base_url = rpnow.base_url
    rpnow.go_down()
    with pytest.raises(requests.ConnectionError):
        call(rpnow, 'POST', '/v1/exams', RPNOW_EXAM)
    rpnow.come_back()
    assert rpnow.base_url == base_url
    assert call(rpnow, 'POST', '/v1/exams', RPNOW_EXAM)[0] == 200


# Callbacks

def test_callbacks_verify_with_the_webhook_secret(rpnow, receiver):
    session_id = open_session(rpnow, receiver.url)

    assert rpnow.post_callback(session_id, 'session.lost', reason='browser_closed') == (204, '')

    [sent] = receiver.requests
    assert sent['path'] == '/api/proctored-exams/v1/providers/fake/callback'
    message = signing.verify_webhook([rpnow.webhook_secret], sent['headers'], sent['body'])
    assert message.message_id == sent['headers']['webhook-id']
    assert abs(message.timestamp - time.time()) < 5
    assert json.loads(sent['body']) == {'type': 'session.lost', 'session_id': session_id, 'reason': 'browser_closed'}
    assert rpnow.callbacks_sent[0]['status_code'] == 204


def test_rpnow_review_shape(rpnow, receiver):
    session_id = open_session(rpnow, receiver.url)
    comment = {'start_s': 10, 'end_s': 25, 'comment': 'Looked away', 'status': 'Suspicious'}

    rpnow.post_review(session_id, 'Suspicious', comments=[comment], video_url='https://videos.example/1')

    assert json.loads(receiver.requests[0]['body']) == {
        'type': 'review.completed', 'session_id': session_id, 'status': 'Suspicious', 'comments': [comment],
        'video_url': 'https://videos.example/1',
    }
    with pytest.raises(ValueError):
        rpnow.post_review(session_id, 'passed')


def test_proctortrack_review_and_onboarding_shapes(proctortrack, receiver):
    session_id = open_session(proctortrack, receiver.url, exam={**RPNOW_EXAM, 'rules': PROCTORTRACK_RULES})
    proctortrack.set_onboarding('anon-1', 'expired', expires_at='2026-01-01T00:00:00+00:00')

    proctortrack.post_review(session_id, 'failed')
    proctortrack.post_onboarding_update('anon-1')

    review, onboarding = (json.loads(sent['body']) for sent in receiver.requests)
    assert review['type'] == 'review.completed'
    assert (review['status'], review['machine_result'], review['spot_check']) == ('failed', 'flag', 'confirmed')
    assert review['video_url'].startswith(proctortrack.base_url)
    assert onboarding == {'type': 'onboarding.updated', 'session_id': session_id, 'user_id': 'anon-1',
                          'status': 'expired', 'expires_at': '2026-01-01T00:00:00+00:00'}
    for sent in receiver.requests:
        signing.verify_webhook(proctortrack.webhook_secret, sent['headers'], sent['body'])


def test_exam_code_check_returns_the_answer(rpnow):
    receiver = Receiver(status=200, answer=b'{"name": "Final", "time_limit_minutes": 90}')
    try:
        session_id = open_session(rpnow, receiver.url)
        assert rpnow.check_exam_code(session_id, 'CODE-1') == (200, {'name': 'Final', 'time_limit_minutes': 90})
    finally:
        receiver.close()
    assert json.loads(receiver.requests[0]['body'])['exam_code'] == 'CODE-1'


def test_forged_stale_and_replayed_callbacks(rpnow, receiver):
    session_id = open_session(rpnow, receiver.url)

    rpnow.post_callback(session_id, 'session.lost', secret='whsec_' + 'A' * 44)
    rpnow.post_callback(session_id, 'session.lost', timestamp=int(time.time()) - 3600)
    rpnow.post_callback(session_id, 'session.lost', headers={'webhook-signature': None})
    rpnow.post_callback(session_id, 'session.lost', message_id='msg_fixed')
    rpnow.replay_callback()

    forged, stale, unsigned, original, replayed = receiver.requests
    reasons = []
    for sent in (forged, stale, unsigned):
        with pytest.raises(signing.WebhookVerificationError) as caught:
            signing.verify_webhook([rpnow.webhook_secret], sent['headers'], sent['body'])
        reasons.append(caught.value.reason)
    assert reasons == ['bad_signature', 'stale', 'missing_headers']
    # A replay is byte for byte the original: only the receiver's record of ids can refuse it.
    assert (replayed['headers']['webhook-id'], replayed['body']) == ('msg_fixed', original['body'])
    assert signing.verify_webhook([rpnow.webhook_secret], replayed['headers'], replayed['body']).message_id == \
        'msg_fixed'


def test_altered_body_fails_verification(rpnow, receiver):
    session_id = open_session(rpnow, receiver.url)
    _, headers, body = rpnow.build_callback(session_id, 'session.lost')

    rpnow.post_callback(session_id, 'session.lost', body=body.replace(b'lost', b'LOST'),
                        signature=headers['webhook-signature'], message_id=headers['webhook-id'],
                        timestamp=int(headers['webhook-timestamp']))

    sent = receiver.requests[0]
    with pytest.raises(signing.WebhookVerificationError) as caught:
        signing.verify_webhook([rpnow.webhook_secret], sent['headers'], sent['body'])
    assert caught.value.reason == 'bad_signature'


def test_callbacks_need_a_known_session(rpnow):
    with pytest.raises(KeyError):
        rpnow.post_callback('no-such-session', 'session.lost')
