"""
Fake proctoring vendors: real HTTP servers on 127.0.0.1 that speak the vendor side of
docs/references/vendor-protocols.rst.

The test suite starts them to test the vendor providers over real HTTP; the demo starts them behind the
``PROCTORING_DEMO_VENDORS`` flag, with a console page (``/console``) standing in for the vendor's own
software and reviewers.

``FakeVendor(style='rpnow')`` is a record-and-review vendor, ``FakeVendor(style='proctortrack')`` an onboarding and
machine-review one. Each checks the signature of every request as a vendor would, keeps what it was told (exams,
sessions, onboarding, retired users), deletes a session's data when asked, can be made to fail, stall or disappear,
and sends signed callbacks to the ``callback_url`` of a session. Only the standard library, ``requests`` and
``providers.signing`` are used, so the demo can run these without Django.

    with FakeVendor(style='rpnow') as vendor:
        client = VendorClient(vendor.base_url, vendor.key_id, vendor.secret)
        ...
        vendor.post_review(session_id, 'Clean')
"""
import base64
import html
import itertools
import json
import re
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import requests

from edx_proctoring_backend.providers import signing

DEFAULT_KEY_ID = 'our-key'
DEFAULT_SECRET = 'fake-vendor-request-secret'
DEFAULT_WEBHOOK_SECRET = 'whsec_' + base64.b64encode(b'fake vendor webhook key, 32 bytes').decode('ascii')
STYLES = ('rpnow', 'proctortrack')

RPNOW_REVIEW_STATUSES = ('Clean', 'Rules Violation', 'Suspicious', 'Not Reviewed')
PROCTORTRACK_REVIEW_STATUSES = ('passed', 'flagged', 'failed')
ONBOARDING_STATUSES = ('not_started', 'pending', 'approved', 'rejected', 'expired')
PROCTORTRACK_RULES = ('allow_notes', 'allow_calculator', 'allow_internet', 'allow_other_people')
SESSION_STATES = ('created', 'started', 'stopped')

# What a proctortrack machine review and spot check would have said, given the final status.
_PROCTORTRACK_REVIEW_DEFAULTS = {
    'passed': ('pass', None),
    'flagged': ('flag', None),
    'failed': ('flag', 'confirmed'),
}
# Bodies larger than this are refused unread: a fake should not be the test run's memory problem.
_MAX_BODY = 1024 * 1024
_CALLBACK_TIMEOUT = (3.05, 10)


class _ApiError(Exception):
    """An answer other than 200, with the error code sent in its JSON body."""

    def __init__(self, status, code):
        super().__init__(code)
        self.status = status
        self.code = code


class _Handler(BaseHTTPRequestHandler):
    """Hands every request to the ``FakeVendor`` that owns the server."""

    # HTTP/1.0: one request per connection. A kept-alive connection would outlive go_down() and keep answering.
    protocol_version = 'HTTP/1.0'
    server_version = 'FakeVendor/1.0'

    def do_GET(self):  # pylint: disable=invalid-name
        """Answer a GET."""
        self.server.vendor.handle(self)

    def do_POST(self):  # pylint: disable=invalid-name
        """Answer a POST."""
        self.server.vendor.handle(self)

    def do_PUT(self):  # pylint: disable=invalid-name
        """Answer a PUT (always 405, after the usual checks)."""
        self.server.vendor.handle(self)

    def do_DELETE(self):  # pylint: disable=invalid-name
        """Answer a DELETE (always 405, after the usual checks)."""
        self.server.vendor.handle(self)

    def log_message(self, format, *args):
        """Stay quiet: requests are in ``requests_seen``."""


class _Server(ThreadingHTTPServer):
    """A threading server that knows its vendor and ignores clients that hung up (e.g. after a read timeout)."""

    daemon_threads = True

    def __init__(self, address, vendor):
        self.vendor = vendor
        super().__init__(address, _Handler)

    def handle_error(self, request, client_address):
        """Ignore clients that went away; report anything else as usual."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class FakeVendor:
    """
    A proctoring vendor's API on 127.0.0.1, in a daemon thread, for tests and the demo.

    Requests must be signed with ``key_id``/``secret`` (``signing.sign_request``); callbacks to us are signed with
    ``webhook_secret`` (``signing.sign_webhook``). Answers: 401 for a bad, stale or replayed signature (the reason is
    kept in ``rejected_requests``), 404 for an unknown route or id, 405 for a wrong method, 400 for a body that is not
    a JSON object or lacks a field, 409 for starting a stopped session.

    State, readable by tests (hold no references across calls; it changes under the server thread):
    ``exams`` (our exam_id → what we sent plus ``external_exam_id``), ``sessions`` (session_id → ``attempt_id``,
    ``external_exam_id``, ``exam_id``, ``user_id``, ``exam_code``, ``callback_url``, ``state``), ``onboarding``
    (user_id → ``{'status', 'expires_at'}``, proctortrack), ``retired_users``, ``deleted_sessions`` (the ids of the
    sessions deleted at our request: gone from ``sessions``), ``requests_seen`` (every request
    received, as ``(method, path, json or None)``), ``rejected_requests`` (``(method, path, reason)``) and
    ``callbacks_sent`` (one dict per callback posted).
    """

    def __init__(self, style='rpnow', key_id=DEFAULT_KEY_ID, secret=DEFAULT_SECRET,
                 webhook_secret=DEFAULT_WEBHOOK_SECRET, port=None, console=False):
        if style not in STYLES:
            raise ValueError(f'style must be one of {STYLES}')
        self.style = style
        # The demo's console page (off in tests: every route but the API is then 404).
        self.console = VendorConsole(self) if console else None
        self.key_id = key_id
        self.secret = secret
        self.webhook_secret = webhook_secret
        self.exams = {}
        self.sessions = {}
        self.onboarding = {}
        self.retired_users = set()
        self.deleted_sessions = set()
        self.requests_seen = []
        self.rejected_requests = []
        self.callbacks_sent = []
        self._nonces_seen = set()
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._failures = []  # (status, body) for each of the next requests to fail
        self._delay_seconds = 0
        # Set when the server stops, so delayed answers stop waiting.
        self._stopping = threading.Event()
        self._server = None
        self._thread = None
        self.port = port

    # Lifecycle

    @property
    def base_url(self):
        """The API's root URL, e.g. ``http://127.0.0.1:41234``."""
        if self.port is None:
            raise RuntimeError('The fake vendor has not been started.')
        return f'http://127.0.0.1:{self.port}'

    @property
    def is_up(self):
        """Whether the server is accepting connections."""
        return self._server is not None

    def start(self):
        """
        Bind 127.0.0.1 on the port given (default a free one; the same again after go_down) and serve in a
        daemon thread. Raise OSError when the port is taken.
        """
        if self._server is not None:
            raise RuntimeError('The fake vendor is already running.')
        self._stopping.clear()
        self._server = _Server(('127.0.0.1', self.port or 0), self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={'poll_interval': 0.05},
            name=f'fake-vendor-{self.style}-{self.port}', daemon=True,
        )
        self._thread.start()
        return self

    def stop(self):
        """Stop serving and close the listening socket. Requests being delayed are answered at once (if at all)."""
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    # Fault injection

    def fail_next(self, n, status=503, body=None):
        """
        Answer the next ``n`` requests with ``status`` before any other check.

        The body is ``{"error": "injected"}`` unless ``body`` (bytes, sent as it is with a JSON content type, so
        ``b'<html>'`` simulates a broken answer; use ``status=200`` for an invalid 2xx).
        """
        payload = json.dumps({'error': 'injected'}).encode() if body is None else body
        with self._lock:
            self._failures.extend([(status, payload)] * n)

    def delay(self, seconds):
        """Wait ``seconds`` before answering each request from now on (0 to stop delaying)."""
        self._delay_seconds = seconds

    def go_down(self):
        """
        Refuse connections: close the listening socket, so connecting gets ECONNREFUSED at once.

        ``come_back()`` binds the same port again (SO_REUSEADDR), keeping ``base_url`` valid; it raises OSError in
        the unlikely case that something else took the port meanwhile. Each request has its own connection
        (HTTP/1.0), so no kept-alive connection keeps a "down" vendor answering.
        """
        self.stop()

    def come_back(self):
        """Accept connections again on the same port, after ``go_down()``."""
        self.start()

    # Vendor-side state set up by tests

    def set_onboarding(self, user_id, status, expires_at=None):
        """Set a user's onboarding status (proctortrack), as ``GET /v1/users/<id>/onboarding`` will report it."""
        if status not in ONBOARDING_STATUSES:
            raise ValueError(f'status must be one of {ONBOARDING_STATUSES}')
        if hasattr(expires_at, 'isoformat'):
            expires_at = expires_at.isoformat()
        with self._lock:
            self.onboarding[user_id] = {'status': status, 'expires_at': expires_at}

    def session_for_attempt(self, attempt_id):
        """Return ``(session_id, session)`` for our attempt id, or ``(None, None)``."""
        with self._lock:
            for session_id, session in self.sessions.items():
                if session['attempt_id'] == attempt_id:
                    return session_id, dict(session)
        return None, None

    # Request handling (runs in the server's threads)

    def handle(self, handler):
        """Answer one request: injected faults, then signature, then the API route."""
        method = handler.command
        try:
            length = int(handler.headers.get('Content-Length') or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= _MAX_BODY:
            self._respond(handler, 400, {'error': 'bad_content_length'})
            return
        body = handler.rfile.read(length) if length else b''
        if self.console is not None and self.console.owns(handler.path):
            # The vendor's own pages: its staff are signed in there, not signing API requests.
            self.console.handle(handler, method, body)
            return
        parsed = self._parse_json(body)
        with self._lock:
            self.requests_seen.append((method, handler.path, parsed))
            failure = self._failures.pop(0) if self._failures else None
        if self._delay_seconds:
            self._stopping.wait(self._delay_seconds)
        if failure is not None:
            self._respond_raw(handler, failure[0], failure[1])
            return
        try:
            self._check_signature(method, handler.path, handler.headers, body)
            if method == 'POST' and not isinstance(parsed, dict):
                raise _ApiError(400, 'body_must_be_a_json_object')
            with self._lock:
                answer = self._route(method, urlsplit(handler.path).path, parsed)
        except _ApiError as error:
            self._respond(handler, error.status, {'error': error.code})
            return
        self._respond(handler, 200, answer)

    @staticmethod
    def _parse_json(body):
        """Return the decoded JSON body, or None for an empty or invalid one (answered 400 for a POST)."""
        if not body:
            return None
        try:
            return json.loads(body)
        except ValueError:
            return None

    def _check_signature(self, method, path, headers, body):
        """Verify the request signature and refuse reused nonces, as a vendor must."""
        try:
            key_id, nonce = signing.verify_request({self.key_id: self.secret}, method, path, headers, body)
        except signing.RequestSignatureError as error:
            raise self._rejection(method, path, error.reason) from None
        with self._lock:
            if (key_id, nonce) in self._nonces_seen:
                raise self._rejection(method, path, 'replayed_nonce')
            self._nonces_seen.add((key_id, nonce))

    def _rejection(self, method, path, reason):
        """Record why a request was refused and return the 401 to raise."""
        with self._lock:
            self.rejected_requests.append((method, path, reason))
        # Like a real API: the caller learns only that it was refused, not why.
        return _ApiError(401, 'unauthorized')

    def _route(self, method, path, payload):
        """Dispatch to the handler for ``path``; the caller holds the lock."""
        routes = [
            (r'/v1/exams', 'POST', self._register_exam),
            (r'/v1/exams/([^/]+)/sessions', 'POST', self._create_session),
            (r'/v1/sessions/([^/]+)/(start|stop)', 'POST', self._change_session),
            (r'/v1/sessions/([^/]+)/delete', 'POST', self._delete_session),
            (r'/v1/users/([^/]+)/retire', 'POST', self._retire_user),
        ]
        if self.style == 'proctortrack':
            routes.append((r'/v1/users/([^/]+)/onboarding', 'GET', self._get_onboarding))
            routes.append((r'/v1/users/([^/]+)/onboarding/reset', 'POST', self._reset_onboarding))
        for pattern, route_method, action in routes:
            match = re.fullmatch(pattern, path)
            if match:
                if method != route_method:
                    raise _ApiError(405, 'method_not_allowed')
                return action(payload, *(unquote(group) for group in match.groups()))
        raise _ApiError(404, 'not_found')

    def _register_exam(self, payload):
        """``POST /v1/exams``: register or update an exam, keeping its external id."""
        exam_id = _require(payload, 'exam_id', (str, int))
        name = _require(payload, 'name', str)
        time_limit = payload.get('time_limit_minutes')
        if time_limit is not None and (not isinstance(time_limit, int) or isinstance(time_limit, bool)):
            raise _ApiError(400, 'invalid_time_limit_minutes')
        is_practice = _require(payload, 'is_practice', bool)
        rules = payload.get('rules')
        if self.style == 'proctortrack' and not (
                isinstance(rules, dict) and set(rules) == set(PROCTORTRACK_RULES)
                and all(isinstance(value, bool) for value in rules.values())):
            raise _ApiError(400, 'invalid_rules')
        existing = self.exams.get(exam_id)
        external_exam_id = existing['external_exam_id'] if existing else f'{self.style}-exam-{next(self._ids)}'
        self.exams[exam_id] = {
            'external_exam_id': external_exam_id, 'name': name, 'time_limit_minutes': time_limit,
            'is_practice': is_practice, 'rules': rules,
        }
        return {'external_exam_id': external_exam_id}

    def _create_session(self, payload, external_exam_id):
        """``POST /v1/exams/<external_exam_id>/sessions``: register an attempt's session."""
        exam_id = next((key for key, exam in self.exams.items() if exam['external_exam_id'] == external_exam_id), None)
        if exam_id is None:
            raise _ApiError(404, 'unknown_exam')
        attempt_id = _require(payload, 'attempt_id', (str, int))
        exam_code = _require(payload, 'exam_code', str)
        user_id = _require(payload, 'user_id', str)
        callback_url = _require(payload, 'callback_url', str)
        if not callback_url.startswith(('http://', 'https://')):
            raise _ApiError(400, 'invalid_callback_url')
        for session_id, session in self.sessions.items():
            # The same attempt again is a retry whose first answer was lost: answer it the same way.
            if session['attempt_id'] == attempt_id and session['external_exam_id'] == external_exam_id:
                return {'session_id': session_id, 'download_url': self._download_url(session_id)}
        session_id = f'{self.style}-session-{next(self._ids)}-{uuid.uuid4().hex[:8]}'
        self.sessions[session_id] = {
            'attempt_id': attempt_id, 'external_exam_id': external_exam_id, 'exam_id': exam_id, 'user_id': user_id,
            'exam_code': exam_code, 'callback_url': callback_url, 'state': 'created',
        }
        return {'session_id': session_id, 'download_url': self._download_url(session_id)}

    def _download_url(self, session_id):
        """The session's "software": the console's row for it, where the demo types the exam code."""
        return f'{self.base_url}{VendorConsole.PATH}#{session_id}'

    def _change_session(self, payload, session_id, action):  # pylint: disable=unused-argument
        """``POST /v1/sessions/<id>/start`` or ``/stop``."""
        session = self.sessions.get(session_id)
        if session is None:
            raise _ApiError(404, 'unknown_session')
        if action == 'start':
            # Starting again is a retry; starting a stopped session is a bug on the caller's side.
            if session['state'] == 'stopped':
                raise _ApiError(409, 'session_stopped')
            session['state'] = 'started'
        else:
            session['state'] = 'stopped'
        return {'session_id': session_id, 'state': session['state']}

    def _delete_session(self, payload, session_id):  # pylint: disable=unused-argument
        """``POST /v1/sessions/<id>/delete``: delete everything kept of the session (404 once it is gone)."""
        if self.sessions.pop(session_id, None) is None:
            raise _ApiError(404, 'unknown_session')
        self.deleted_sessions.add(session_id)
        return {'session_id': session_id, 'deleted': True}

    def _retire_user(self, payload, user_id):  # pylint: disable=unused-argument
        """``POST /v1/users/<id>/retire``: forget the user's onboarding and their id on sessions."""
        # Idempotent, and fine for a user we never heard of: afterwards we hold nothing about them either way.
        self.retired_users.add(user_id)
        self.onboarding.pop(user_id, None)
        for session in self.sessions.values():
            if session['user_id'] == user_id:
                session['user_id'] = None
        return {'user_id': user_id, 'retired': True}

    def _get_onboarding(self, payload, user_id):  # pylint: disable=unused-argument
        return dict(self.onboarding.get(user_id, {'status': 'not_started', 'expires_at': None}))

    def _reset_onboarding(self, payload, user_id):  # pylint: disable=unused-argument
        """``POST /v1/users/<id>/onboarding/reset``: the learner does the onboarding again."""
        self.onboarding[user_id] = {'status': 'not_started', 'expires_at': None}
        return {'user_id': user_id, 'status': 'not_started'}

    @staticmethod
    def _respond(handler, status, payload):
        FakeVendor._respond_raw(handler, status, json.dumps(payload).encode('utf-8'))

    @staticmethod
    def _respond_raw(handler, status, body):
        """Send ``body`` (bytes) as the JSON answer with ``status``."""
        handler.send_response(status)
        handler.send_header('Content-Type', 'application/json')
        handler.send_header('Content-Length', str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    # Callbacks to the app

    def build_callback(self, session_id, callback_type, message_id=None, timestamp=None, signature=None, secret=None,
                       headers=None, body=None, callback_url=None, **fields):
        """
        Return ``(url, headers, body)`` of a signed callback, without sending it (see ``post_callback``).
        """
        if callback_url is None:
            with self._lock:
                session = self.sessions.get(session_id)
            if session is None:
                raise KeyError(f'No session {session_id!r} on this fake vendor, and no callback_url given.')
            callback_url = session['callback_url']
        if body is None:
            body = json.dumps({'type': callback_type, 'session_id': session_id, **fields}).encode('utf-8')
        message_id = message_id or f'msg_{uuid.uuid4().hex}'
        timestamp = int(time.time()) if timestamp is None else timestamp
        if signature is None:
            signature = signing.sign_webhook(secret or self.webhook_secret, message_id, timestamp, body)
        all_headers = {
            'Content-Type': 'application/json',
            'webhook-id': message_id,
            'webhook-timestamp': str(timestamp),
            'webhook-signature': signature,
        }
        for name, value in (headers or {}).items():
            all_headers.pop(name, None)
            if value is not None:
                all_headers[name] = value
        return callback_url, all_headers, body

    def post_callback(self, session_id, callback_type, message_id=None, timestamp=None, signature=None, secret=None,
                      headers=None, body=None, callback_url=None, **fields):
        """
        POST a signed callback ``{"type", "session_id", **fields}`` to the session's ``callback_url``.

        Return ``(status_code, body)``: the answer's JSON when it is JSON, else its text (``''`` for a 204).
        To test forged, replayed or stale callbacks, override ``message_id`` (default a fresh ``msg_<uuid4>``),
        ``timestamp`` (Unix seconds, default now), ``signature`` (the ``webhook-signature`` value as sent),
        ``secret`` (sign with another secret), ``body`` (bytes sent instead of the JSON; signed unless
        ``signature`` is given), ``headers`` (merged last; a None value removes that header, e.g. to send an
        unsigned callback) or ``callback_url``. ``callbacks_sent`` records each one; ``replay_callback`` resends.
        """
        url, all_headers, raw_body = self.build_callback(
            session_id, callback_type, message_id=message_id, timestamp=timestamp, signature=signature, secret=secret,
            headers=headers, body=body, callback_url=callback_url, **fields,
        )
        return self._send_callback(url, all_headers, raw_body)

    def replay_callback(self, index=-1):
        """Send an earlier callback again, byte for byte with the same headers; return ``(status_code, body)``."""
        with self._lock:
            sent = self.callbacks_sent[index]
        return self._send_callback(sent['url'], sent['headers'], sent['body'])

    def _send_callback(self, url, headers, body):
        """POST a callback, record it in ``callbacks_sent`` and return ``(status_code, body)``."""
        response = requests.post(url, data=body, headers=headers, timeout=_CALLBACK_TIMEOUT, allow_redirects=False)
        if 'json' in response.headers.get('Content-Type', ''):
            try:
                answer = response.json()
            except ValueError:
                answer = response.text
        else:
            answer = response.text
        with self._lock:
            self.callbacks_sent.append({
                'url': url, 'headers': dict(headers), 'body': body, 'status_code': response.status_code,
                'answer': answer,
            })
        return response.status_code, answer

    def post_review(self, session_id, status, comments=(), video_url=None, **fields):
        """
        Send ``review.completed`` in this vendor's shape; return ``(status_code, body)``.

        rpnow: ``status`` is one of ``RPNOW_REVIEW_STATUSES``. proctortrack: one of
        ``PROCTORTRACK_REVIEW_STATUSES``, with ``machine_result`` and ``spot_check`` derived from it unless given in
        ``fields``. ``comments`` are dicts ``{"start_s", "end_s", "comment", "status"}``; ``video_url`` defaults to a
        URL on this fake. Use ``post_callback`` for bodies outside the protocol.
        """
        allowed = RPNOW_REVIEW_STATUSES if self.style == 'rpnow' else PROCTORTRACK_REVIEW_STATUSES
        if status not in allowed:
            raise ValueError(f'A {self.style} review status is one of {allowed}; use post_callback for others.')
        review = {
            'status': status,
            'comments': [dict(comment) for comment in comments],
            'video_url': video_url or f'{self.base_url}/videos/{session_id}.mp4',
        }
        if self.style == 'proctortrack':
            machine_result, spot_check = _PROCTORTRACK_REVIEW_DEFAULTS[status]
            review['machine_result'] = machine_result
            review['spot_check'] = spot_check
        review.update(fields)
        return self.post_callback(session_id, 'review.completed', **review)

    def report_session_lost(self, session_id, **fields):
        """Send ``session.lost`` (the secure browser closed); return ``(status_code, body)``."""
        return self.post_callback(session_id, 'session.lost', **fields)

    def check_exam_code(self, session_id, exam_code, **fields):
        """Ask the app whether ``exam_code`` belongs to the session (``exam_code.check``); return ``(status, body)``."""
        return self.post_callback(session_id, 'exam_code.check', exam_code=exam_code, **fields)

    def post_onboarding_update(self, user_id, callback_url=None, session_id=None):
        """
        Send ``onboarding.updated`` with the user's current onboarding status (proctortrack).

        The doc says every callback has a ``session_id``; onboarding belongs to a user, so this sends the given one,
        else the user's latest session's (whose ``callback_url`` is used unless one is given), else null.
        """
        with self._lock:
            if session_id is None:
                session_id = next((key for key, session in reversed(self.sessions.items())
                                   if session['user_id'] == user_id), None)
            state = dict(self.onboarding.get(user_id, {'status': 'not_started', 'expires_at': None}))
        if callback_url is None and session_id is None:
            raise KeyError(f'User {user_id!r} has no session on this fake vendor; give a callback_url.')
        return self.post_callback(session_id, 'onboarding.updated', callback_url=callback_url, user_id=user_id,
                                  **state)


class VendorConsole:
    """
    The vendor's staff pages, for the demo: ``GET /console`` lists exams, sessions and onboarding profiles,
    and its forms act as the vendor's software and reviewers would (an exam code typed into the proctoring
    software, a review, a lost session, an onboarding decision). Each form posts to ``/console/<action>`` and
    is answered with a redirect back to the page, which shows what the app answered.

    Local demo only: no sign-in and no CSRF token, so never expose it beyond 127.0.0.1.
    """

    PATH = '/console'

    def __init__(self, vendor):
        self.vendor = vendor
        self.notice = ''
        self._actions = {
            'exam-code': self._check_exam_code,
            'review': self._post_review,
            'session-lost': self._report_session_lost,
            'onboarding': self._set_onboarding,
        }

    def owns(self, path):
        """Whether ``path`` is one of the console's pages."""
        path = urlsplit(path).path
        return path == self.PATH or path.startswith(self.PATH + '/')

    def handle(self, handler, method, body):
        """Answer a console request: the page for a GET, an action and a redirect for a POST."""
        action = urlsplit(handler.path).path[len(self.PATH) + 1:]
        if method == 'GET' and not action:
            self._send(handler, 200, self.page().encode('utf-8'), 'text/html; charset=utf-8')
            return
        if method != 'POST' or action not in self._actions:
            self._send(handler, 404 if method == 'GET' else 405, b'Not here.', 'text/plain; charset=utf-8')
            return
        form = {name: values[0].strip() for name, values in parse_qs(body.decode('utf-8', 'replace')).items()}
        try:
            self.notice = self._actions[action](form)
        except (KeyError, ValueError) as error:
            self.notice = f'Not sent: {error}'
        except requests.RequestException as error:
            self.notice = f'The app could not be reached: {error.__class__.__name__}'
        handler.send_response(303)
        handler.send_header('Location', self.PATH)
        handler.send_header('Content-Length', '0')
        handler.end_headers()

    @staticmethod
    def _send(handler, status, body, content_type):
        """Answer with ``body`` (bytes) of ``content_type``."""
        handler.send_response(status)
        handler.send_header('Content-Type', content_type)
        handler.send_header('Content-Length', str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _session_id(self, form):
        session_id = form.get('session_id', '')
        if session_id not in self.vendor.sessions:
            raise KeyError('choose one of the sessions listed')
        return session_id

    @staticmethod
    def _answer(sent, result):
        status, answer = result
        return f'{sent}: the app answered {status} {json.dumps(answer) if answer != "" else ""}'.rstrip()

    def _check_exam_code(self, form):
        session_id = self._session_id(form)
        return self._answer(f'Exam code checked for {session_id}',
                            self.vendor.check_exam_code(session_id, form.get('exam_code', '')))

    def _post_review(self, form):
        session_id = self._session_id(form)
        comment = form.get('comment', '')
        comments = [{'start_s': 0, 'end_s': 0, 'comment': comment, 'status': 'note'}] if comment else []
        return self._answer(f'Review "{form.get("status", "")}" sent for {session_id}',
                            self.vendor.post_review(session_id, form.get('status', ''), comments=comments))

    def _report_session_lost(self, form):
        session_id = self._session_id(form)
        return self._answer(f'Session {session_id} reported lost', self.vendor.report_session_lost(session_id))

    def _set_onboarding(self, form):
        """Set a learner's onboarding status, and tell the app at once if it has a session to send it to."""
        user_id = form.get('user_id', '')
        if not user_id:
            raise ValueError('enter the learner\'s id')
        self.vendor.set_onboarding(user_id, form.get('status', ''))
        with self.vendor._lock:  # pylint: disable=protected-access
            has_session = any(session['user_id'] == user_id for session in self.vendor.sessions.values())
        if not has_session:
            return f'Onboarding of {user_id} is now {form["status"]} (the app reads it when the learner opts in).'
        return self._answer(f'Onboarding of {user_id} is now {form["status"]}',
                            self.vendor.post_onboarding_update(user_id))

    def _learners_seen(self):
        """Learner ids the app asked about or opened sessions for, newest last."""
        seen = {}
        with self.vendor._lock:  # pylint: disable=protected-access
            for _method, path, _payload in self.vendor.requests_seen:
                match = re.fullmatch(r'/v1/users/([^/]+)/onboarding', urlsplit(path).path)
                if match:
                    seen[unquote(match.group(1))] = True
            for session in self.vendor.sessions.values():
                if session['user_id']:
                    seen[session['user_id']] = True
            seen.update(dict.fromkeys(self.vendor.onboarding, True))
        return list(seen)

    def page(self):
        """The console's HTML."""
        vendor = self.vendor
        esc = html.escape
        statuses = RPNOW_REVIEW_STATUSES if vendor.style == 'rpnow' else PROCTORTRACK_REVIEW_STATUSES
        with vendor._lock:  # pylint: disable=protected-access
            sessions = [(session_id, dict(session)) for session_id, session in vendor.sessions.items()]
            exams = {exam['external_exam_id']: exam['name'] for exam in vendor.exams.values()}
            onboarding = {user_id: dict(state) for user_id, state in vendor.onboarding.items()}
            deleted = sorted(vendor.deleted_sessions)
        rows = []
        for session_id, session in reversed(sessions):
            sid = esc(session_id)
            hidden = f'<input type="hidden" name="session_id" value="{sid}">'
            review_options = ''.join(f'<option>{esc(status)}</option>' for status in statuses)
            rows.append(
                f'<tr id="{sid}"><td>{sid}</td><td>{esc(exams.get(session["external_exam_id"], ""))}</td>'
                f'<td>{esc(str(session["attempt_id"]))}</td><td>{esc(session["user_id"] or "(retired)")}</td>'
                f'<td>{esc(session["state"])}</td>'
                f'<td><form method="post" action="{self.PATH}/exam-code">{hidden}'
                f'<label>Exam code <input name="exam_code" autocomplete="off" required></label>'
                f'<button>Check code</button></form></td>'
                f'<td><form method="post" action="{self.PATH}/review">{hidden}'
                f'<label>Verdict <select name="status">{review_options}</select></label> '
                f'<label>Comment <input name="comment"></label><button>Send review</button></form></td>'
                f'<td><form method="post" action="{self.PATH}/session-lost">{hidden}'
                f'<button>Report session lost</button></form></td></tr>'
            )
        sessions_html = (
            '<table><thead><tr><th scope="col">Session</th><th scope="col">Exam</th><th scope="col">Attempt</th>'
            '<th scope="col">Learner</th><th scope="col">State</th><th scope="col">Proctoring software</th>'
            '<th scope="col">Reviewer</th><th scope="col">Connection</th></tr></thead><tbody>'
            + ''.join(rows) + '</tbody></table>'
        ) if rows else '<p>No sessions yet: opt in to one of this vendor\'s exams in the demo.</p>'
        if deleted:
            sessions_html += f'<p>Deleted at the app\'s request: {esc(", ".join(deleted))}</p>'
        onboarding_html = ''
        if vendor.style == 'proctortrack':
            options = ''.join(f'<option>{status}</option>' for status in ONBOARDING_STATUSES)
            learners = ''.join(
                f'<li>{esc(user_id)}: {esc(onboarding.get(user_id, {}).get("status", "not_started"))}</li>'
                for user_id in self._learners_seen()
            ) or '<li>None yet: a learner\'s id appears here once they try to opt in.</li>'
            onboarding_html = (
                '<h2 id="onboarding">Onboarding profiles</h2><ul>' + learners + '</ul>'
                f'<form method="post" action="{self.PATH}/onboarding"><label>Learner id <input name="user_id" '
                f'required></label> <label>Status <select name="status">{options}</select></label>'
                '<button>Set onboarding</button></form>'
            )
        notice = f'<p role="status" class="notice">{esc(self.notice)}</p>' if self.notice else ''
        return (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<title>Fake {esc(vendor.style)} vendor console</title>'
            '<style>body{font-family:sans-serif;margin:1.5rem}td,th{padding:.3rem .6rem;text-align:left;'
            'vertical-align:top;border-bottom:1px solid #ddd}.notice{background:#eef;padding:.5rem}</style>'
            f'</head><body><h1>Fake {esc(vendor.style)} vendor console</h1>'
            '<p>Stands in for the vendor\'s proctoring software and reviewers. Every action is a signed '
            'callback to the app.</p>'
            f'{notice}<h2>Sessions</h2>{sessions_html}{onboarding_html}</body></html>'
        )


def _require(payload, name, types):
    """Return ``payload[name]`` if it has one of ``types`` (never a bool unless asked for), else answer 400."""
    value = payload.get(name)
    wants_bool = types is bool or (isinstance(types, tuple) and bool in types)
    if not isinstance(value, types) or (isinstance(value, bool) and not wants_bool) or value == '':
        raise _ApiError(400, f'missing_or_invalid_{name}')
    return value
