"""
The HTTP client vendor providers use to call a proctoring vendor's API.

Every request is JSON, signed with ``signing.sign_request`` (see docs/references/vendor-protocols.rst), and bounded
by a connect and a read timeout. Failures come out as two kinds of ``VendorError``:

* ``VendorUnavailable``: the vendor could not be reached or answered in a way worth trying again later (connection
  refused or reset, timeout, 5xx, 429, a 2xx whose body is not a JSON object);
* ``VendorRejected``: the vendor refused the request itself (other 4xx, or an unexpected redirect); sending it again
  unchanged will not help.

The client never retries: provider calls run in Celery tasks, which retry ``VendorUnavailable`` with exponential
backoff and keep calls that keep failing for staff to see. Retrying here as well would multiply the attempts.
"""
import json
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import urlsplit

import requests
from requests.auth import AuthBase

from edx_proctoring_backend.providers import signing

#: (connect, read) seconds. The read timeout bounds each wait for data, not the whole response.
DEFAULT_TIMEOUT = (3.05, 10)
#: This much of an error response's body is kept on the exception (never in its message) for debugging.
MAX_BODY_EXCERPT = 500
# Busy vendors answer these with "try later": as retryable as a 5xx.
_RETRYABLE_4XX = frozenset({408, 429})
# Set by ``waiting_at_most`` around calls made while a person waits for the answer.
_WAIT_CAP = ContextVar('vendor_wait_cap', default=None)


@contextmanager
def waiting_at_most(seconds):
    """
    Within the block, no vendor call waits longer than ``seconds`` to connect or for each piece of the
    answer, whatever its own timeout: a learner's request must not hold a web worker for the vendor's
    full timeout when the vendor hangs (the caller keeps the call for later instead).
    """
    token = _WAIT_CAP.set(seconds)
    try:
        yield
    finally:
        _WAIT_CAP.reset(token)


def _capped(timeout):
    """``timeout`` ((connect, read) or one number) within the cap ``waiting_at_most`` set, if any."""
    cap = _WAIT_CAP.get()
    if cap is None:
        return timeout
    connect, read = timeout if isinstance(timeout, (tuple, list)) else (timeout, timeout)
    return min(connect, cap), min(read, cap)


class VendorError(Exception):
    """
    A call to a vendor failed. ``status_code`` is the HTTP status, or None when there was no usable answer.

    The message names the method, path and status only: never the secret, the Authorization header or the body.
    The arguments are kept in ``args`` so the exception survives pickling and Celery's JSON serialization.
    """

    def __init__(self, message, status_code=None):
        super().__init__(message, status_code)
        self.status_code = status_code
        #: The start of the vendor's answer, if any: for logs and debugging, deliberately not part of ``str()``.
        self.body_excerpt = ''

    def __str__(self):
        return self.args[0]


class VendorUnavailable(VendorError):
    """The vendor could not be reached or answered with a temporary failure: retry later."""


class VendorRejected(VendorError):
    """The vendor refused the request (4xx): retrying it unchanged will not help."""


class HmacRequestAuth(AuthBase):
    """Signs each prepared request with ``signing.sign_request`` (an ``Authorization`` and a ``Content-SHA256``)."""

    def __init__(self, key_id, secret):
        self.key_id = key_id
        self._secret = secret

    def __repr__(self):
        # Keep the secret out of logs and tracebacks that print the session or its auth.
        return f'{type(self).__name__}(key_id={self.key_id!r})'

    def __call__(self, prepared):
        body = prepared.body
        if body is None:
            body = b''
        elif not isinstance(body, bytes):
            # A str body would be encoded by http.client (as Latin-1), a stream cannot be hashed up front:
            # either way the signed bytes might not be the bytes sent.
            raise TypeError('Only bytes bodies can be signed; encode JSON before sending it.')
        prepared.headers.update(
            signing.sign_request(self.key_id, self._secret, prepared.method, prepared.path_url, body),
        )
        return prepared


class VendorClient:
    """
    Signed JSON calls to one vendor's API at ``base_url`` (which may include a path prefix).

    ``timeout`` is ``(connect, read)`` seconds. The client holds a ``requests.Session`` for connection reuse; like
    that session, it is meant for one thread at a time (one client per Celery task is the usual pattern).
    It does not retry: a ``VendorUnavailable`` is for the calling Celery task to retry with backoff.
    """

    def __init__(self, base_url, key_id, secret, timeout=DEFAULT_TIMEOUT):
        parts = urlsplit(base_url)
        # Credentials in the URL would end up in error messages and logs; a query would break path joining.
        if parts.scheme not in ('http', 'https') or not parts.hostname or parts.username or parts.query \
                or parts.fragment:
            raise ValueError('A vendor base URL must be http(s)://host[:port][/prefix], without credentials or query.')
        # A key id or secret that cannot sign is a configuration error: report it now, not on the first call.
        signing.sign_request(key_id, secret, 'GET', '/', b'')
        self.base_url = base_url.rstrip('/')
        self.key_id = key_id
        self.timeout = timeout
        self.session = requests.Session()
        self.session.auth = HmacRequestAuth(key_id, secret)
        self.session.headers['Accept'] = 'application/json'

    def __repr__(self):
        return f'{type(self).__name__}({self.base_url!r}, key_id={self.key_id!r})'

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        """Close the pooled connections."""
        self.session.close()

    def post_json(self, path, payload):
        """POST ``payload`` as JSON to ``path`` (below ``base_url``, starting with ``/``) and return the JSON answer."""
        body = json.dumps(payload, separators=(',', ':')).encode('utf-8')
        return self._call('POST', path, body, {'Content-Type': 'application/json'})

    def get_json(self, path):
        """GET ``path`` (below ``base_url``, starting with ``/``) and return the JSON answer."""
        return self._call('GET', path, None, {})

    def _call(self, method, path, body, headers):
        """Send one signed request; return the answer's JSON object ({} for an empty answer) or raise VendorError."""
        if not path.startswith('/'):
            raise ValueError('A vendor API path must start with /.')
        where = f'{method} {path}'
        try:
            # No redirects: the signature covers the path, and a redirect would resend it to another one.
            response = self.session.request(
                method, self.base_url + path, data=body, headers=headers, timeout=_capped(self.timeout),
                allow_redirects=False,
            )
        except requests.Timeout as error:
            raise VendorUnavailable(f'{where}: the vendor did not answer in time ({type(error).__name__}).') from error
        except requests.RequestException as error:
            # Refused or reset connections, DNS failures, TLS errors, truncated answers: all may pass.
            raise VendorUnavailable(f'{where}: the vendor could not be reached ({type(error).__name__}).') from error
        return self._parse(where, response)

    @staticmethod
    def _parse(where, response):
        """Return the JSON object of a 2xx answer; raise the VendorError a non-2xx or unusable answer calls for."""
        status = response.status_code
        error = None
        if status >= 500 or status in _RETRYABLE_4XX:
            error = VendorUnavailable(f'{where}: the vendor answered {status}.', status)
        elif status >= 300 or status < 200:
            error = VendorRejected(f'{where}: the vendor refused the request with {status}.', status)
        if error is not None:
            error.body_excerpt = response.text[:MAX_BODY_EXCERPT]
            raise error
        if not response.content:
            return {}
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            # Often a proxy's or load balancer's HTML page: a passing condition, so retryable.
            error = VendorUnavailable(f'{where}: the vendor answered {status} without a JSON object.', status)
            error.body_excerpt = response.text[:MAX_BODY_EXCERPT]
            raise error
        return answer
