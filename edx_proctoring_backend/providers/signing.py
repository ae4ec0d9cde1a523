"""
HMAC signatures for traffic between us and proctoring vendors.

Two directions, two schemes:

* Webhooks vendors post to us (review callbacks) follow the Standard Webhooks specification (as Svix does; Stripe's
  scheme is a close relative): ``sign_webhook`` and ``verify_webhook``. The signature itself is computed by the
  specification's reference library (``standardwebhooks``); this module adds what a receiver needs around it: several
  secrets while keys rotate, bounded parsing of hostile headers, our own clock and window, and the message id to
  record against replays.
* Requests we send to a vendor's API carry an ``Authorization: HMAC-SHA256 ...`` header:
  ``sign_request`` and ``verify_request`` (the latter for fake vendors in tests, or a vendor using this package).

Nothing here needs Django, so providers, fake servers and scripts can import it without Django set up.
Neither verifier prevents replays: that needs storage, so callers record the ids and nonces they return.
"""
import base64
import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from secrets import token_hex

from standardwebhooks.webhooks import Webhook

#: How far a signed timestamp may be from our clock, either way, in seconds.
DEFAULT_TOLERANCE_SECONDS = 300
#: Only this many ``v1`` entries of a ``webhook-signature`` header are tried, to bound work on hostile input.
MAX_SIGNATURE_ENTRIES = 10
#: Longer header values are refused before any parsing.
MAX_HEADER_LENGTH = 4096
MAX_PATH_LENGTH = 8192

WEBHOOK_SECRET_PREFIX = 'whsec_'
#: The last second a webhook may carry (9999-12-31T23:59:59Z): the reference library signs datetimes.
MAX_WEBHOOK_TIME = 253402300799
AUTHORIZATION_SCHEME = 'HMAC-SHA256'

# Visible ASCII without spaces; at most 255 characters because callers store it, e.g. in a CharField(255).
_MESSAGE_ID_RE = re.compile(r'[!-~]{1,255}')
# Plain ASCII digits: int() would also take signs, underscores, spaces and non-ASCII digits.
_UNIX_TIME_RE = re.compile(r'[0-9]{1,12}')
_NONCE_RE = re.compile(r'[0-9a-f]{16,64}')
_KEY_ID_RE = re.compile(r'[A-Za-z0-9._~+/=-]{1,128}')
_SHA256_HEX_RE = re.compile(r'[0-9a-fA-F]{64}')
# An HTTP method is a "token" (RFC 9110); a newline in it or in the path would make the signed string ambiguous.
_METHOD_RE = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]{1,32}")
_PATH_RE = re.compile(r'[!-~]{1,%d}' % MAX_PATH_LENGTH)
# auth-params are name="value" with no escapes: none of our values needs a quote or a backslash.
_AUTH_PARAM = r'([A-Za-z]+)="([^"\\]*)"'
_AUTHORIZATION_RE = re.compile(
    rf'{AUTHORIZATION_SCHEME} +({_AUTH_PARAM}(?: *, *{_AUTH_PARAM})*) *', re.IGNORECASE,
)
_AUTH_PARAM_RE = re.compile(_AUTH_PARAM)
_AUTH_PARAM_NAMES = frozenset({'key', 'ts', 'nonce', 'sig'})


class _SignatureError(ValueError):
    """
    A rejected signature. ``reason`` is a short machine code; ``str()`` is a fixed, generic sentence, so it never
    carries a secret, an expected signature or anything else the sender should not learn.
    """

    MESSAGES = {}

    def __init__(self, reason):
        self.reason = reason
        super().__init__(self.MESSAGES[reason])

    def __reduce__(self):
        # The constructor takes the reason, not the message: pickle (Celery, multiprocessing) must pass the reason.
        return type(self), (self.reason,)


class WebhookVerificationError(_SignatureError):
    """A webhook was rejected; ``reason`` says why."""

    MESSAGES = {
        'missing_headers': 'Webhook signature headers are missing or unusable.',
        'bad_timestamp': 'Webhook timestamp is not a Unix time.',
        'stale': 'Webhook timestamp is outside the allowed window.',
        'bad_signature': 'Webhook signature does not match.',
        'no_secret': 'No webhook secret is configured.',
    }


class RequestSignatureError(_SignatureError):
    """A signed request was rejected; ``reason`` says why."""

    MESSAGES = {
        'missing_headers': 'Request signature headers are missing.',
        'malformed': 'Request signature headers are malformed.',
        'unknown_key': 'Request is signed with an unknown key.',
        'stale': 'Request timestamp is outside the allowed window.',
        'bad_signature': 'Request signature does not match.',
        'body_mismatch': 'Request body does not match its Content-SHA256 header.',
    }


@dataclass(frozen=True)
class WebhookMessage:
    """A webhook whose signature checked out: its id (record it to refuse replays) and Unix timestamp."""

    message_id: str
    timestamp: int


def _read_headers(headers, names, error_class, unusable_reason):
    """
    Return the values of ``names`` (lower case) from a mapping of headers, matching names in any case.

    Raise ``error_class('missing_headers')`` if one is absent or empty, and ``error_class(unusable_reason)`` if one
    is not text, is too long, or is given twice (in different case) with different values.
    """
    found = {}
    for name, value in headers.items():
        # isascii(): a non-ASCII name can lower() to an ASCII one ('\u212a'.lower() == 'k').
        if not isinstance(name, str) or not name.isascii() or name.lower() not in names:
            continue
        if not isinstance(value, str) or len(value) > MAX_HEADER_LENGTH:
            raise error_class(unusable_reason)
        # Servers strip surrounding whitespace from header values; do the same for plain dicts.
        value = value.strip(' \t')
        if found.setdefault(name.lower(), value) != value:
            raise error_class(unusable_reason)
    if any(not found.get(name) for name in names):
        raise error_class('missing_headers')
    return tuple(found[name] for name in names)


def _check_fresh(timestamp, now, tolerance_seconds, error_class):
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance_seconds:
        raise error_class('stale')


def _unix_time_text(timestamp):
    """Return ``timestamp`` (an int or a string of digits) as the digits that go in a header."""
    # bool is an int; True as a timestamp is a bug, not 1970-01-01T00:00:01.
    text = str(timestamp) if isinstance(timestamp, (int, str)) and not isinstance(timestamp, bool) else ''
    if not _UNIX_TIME_RE.fullmatch(text):
        raise ValueError('A timestamp must be whole, non-negative Unix seconds.')
    return text


def _b64decode_strict(text):
    """Decode standard, padded base64; raise ValueError on anything else (binascii.Error and non-ASCII text alike)."""
    return base64.b64decode(text, validate=True)


def _webhook_key(secret):
    """
    Return the HMAC key for a webhook secret.

    ``whsec_<base64>`` secrets (Standard Webhooks, Svix) are decoded; other strings are used as their UTF-8 bytes and
    bytes as they are. (Stripe's secrets also start with ``whsec_`` but are used undecoded, in another scheme.)
    """
    if isinstance(secret, bytes):
        return secret
    if secret.startswith(WEBHOOK_SECRET_PREFIX):
        encoded = secret[len(WEBHOOK_SECRET_PREFIX):]
        try:
            # Some vendors drop the padding.
            return _b64decode_strict(encoded + '=' * (-len(encoded) % 4))
        except ValueError:
            # A configuration error, not a bad request: say which kind of secret without showing it.
            raise ValueError('A whsec_ webhook secret is not valid base64.') from None
    return secret.encode('utf-8')


def _webhook_signature(key, message_id, timestamp_text, body):
    """The ``v1,<base64>`` signature of a webhook, as the Standard Webhooks reference library signs it."""
    moment = datetime.fromtimestamp(int(timestamp_text), tz=timezone.utc)
    return Webhook(key).sign(message_id, moment, body)


def _webhook_digest(key, message_id, timestamp_text, body):
    """The raw HMAC-SHA256 of a webhook (the decoded part of its ``v1`` signature)."""
    return base64.b64decode(_webhook_signature(key, message_id, timestamp_text, body)[len('v1,'):])


def sign_webhook(secret, message_id, timestamp, body):
    """
    Return the ``webhook-signature`` value for a webhook: ``v1,<base64 HMAC-SHA256>``.

    The signed content is ``f'{message_id}.{timestamp}.'`` followed by the raw ``body`` bytes. ``secret`` is either
    ``whsec_<base64>`` (the part after the prefix is decoded) or a raw string, used as its UTF-8 bytes.
    ``message_id`` goes in ``webhook-id`` and must be visible ASCII without spaces, at most 255 characters;
    ``timestamp`` goes in ``webhook-timestamp`` and is Unix seconds (an int, or a string of digits).
    """
    key = _webhook_key(secret)
    if not key:
        raise ValueError('The webhook secret is empty.')
    if not isinstance(message_id, str) or not _MESSAGE_ID_RE.fullmatch(message_id):
        raise ValueError('A webhook id must be 1 to 255 visible ASCII characters.')
    timestamp_text = _unix_time_text(timestamp)
    if int(timestamp_text) > MAX_WEBHOOK_TIME:
        raise ValueError('A webhook timestamp must be before the year 10000.')
    return _webhook_signature(key, message_id, timestamp_text, body)


def _webhook_candidates(signature_header):
    """Return the decoded signatures of the first ``v1`` entries of a ``webhook-signature`` header."""
    candidates = []
    for entry in signature_header.split():
        version, _, encoded = entry.partition(',')
        # Other versions (e.g. v1a, asymmetric) may sit next to v1 entries; they are not ours to check.
        if version != 'v1':
            continue
        try:
            candidates.append(_b64decode_strict(encoded))
        except ValueError:
            continue
        if len(candidates) == MAX_SIGNATURE_ENTRIES:
            break
    return candidates


def verify_webhook(secrets, headers, body, now=None, tolerance_seconds=DEFAULT_TOLERANCE_SECONDS):
    """
    Check a webhook's Standard Webhooks signature and return its ``WebhookMessage``.

    ``secrets`` lists every secret currently valid (the old and the new one while rotating keys), in the forms
    ``sign_webhook`` accepts; blank ones are ignored. ``headers`` is a mapping whose names are matched in any case,
    such as Django's ``request.headers`` or a dict, holding ``webhook-id``, ``webhook-timestamp`` (Unix seconds) and
    ``webhook-signature`` (space-separated ``v1,<base64>`` entries; one matching any secret is enough). ``body`` is
    the raw request body (``request.body``), not parsed JSON. ``now`` defaults to the current Unix time.

    Raise ``WebhookVerificationError`` with ``reason``:

    * ``no_secret``: ``secrets`` holds no usable secret;
    * ``missing_headers``: a header is absent, empty, too long, ambiguous, or the id is not visible ASCII;
    * ``bad_timestamp``: the timestamp is not plain digits;
    * ``stale``: the timestamp is more than ``tolerance_seconds`` before or after ``now``;
    * ``bad_signature``: no entry matches any secret.

    A malformed ``whsec_`` secret raises a plain ``ValueError``: that is our configuration, not the sender's fault.

    This does not refuse replays within the tolerance: that needs storage, so the caller records the returned
    ``message_id`` and refuses ids it has already seen.
    """
    # A single string would otherwise be taken as a list of one-character secrets.
    if isinstance(secrets, (str, bytes)):
        secrets = [secrets]
    # An empty key is known to everybody: treat a blank setting as no secret rather than accept forged webhooks.
    keys = [key for key in (_webhook_key(secret) for secret in secrets or ()) if key]
    if not keys:
        raise WebhookVerificationError('no_secret')
    message_id, timestamp_text, signature_header = _read_headers(
        headers, ('webhook-id', 'webhook-timestamp', 'webhook-signature'), WebhookVerificationError, 'missing_headers',
    )
    if not _MESSAGE_ID_RE.fullmatch(message_id):
        raise WebhookVerificationError('missing_headers')
    if not _UNIX_TIME_RE.fullmatch(timestamp_text) or int(timestamp_text) > MAX_WEBHOOK_TIME:
        raise WebhookVerificationError('bad_timestamp')
    timestamp = int(timestamp_text)
    _check_fresh(timestamp, now, tolerance_seconds, WebhookVerificationError)

    candidates = _webhook_candidates(signature_header)
    matched = False
    for key in keys:
        # The body is hashed once per secret, whatever the number of entries.
        expected = _webhook_digest(key, message_id, timestamp_text, body)
        for candidate in candidates:
            # Every comparison runs, and in constant time: no early exit tells which entry or secret matched.
            matched |= hmac.compare_digest(expected, candidate)
    if not matched:
        raise WebhookVerificationError('bad_signature')
    return WebhookMessage(message_id=message_id, timestamp=timestamp)


def _request_key(secret):
    return secret if isinstance(secret, bytes) else secret.encode('utf-8')


def _sha256_hex(body):
    return hashlib.sha256(body or b'').hexdigest()


def _request_digest(key, method, path_with_query, timestamp_text, nonce, body_sha256):
    signed = '\n'.join([method.upper(), path_with_query, timestamp_text, nonce, body_sha256])
    return hmac.new(key, signed.encode('ascii'), hashlib.sha256).digest()


def sign_request(key_id, secret, method, path_with_query, body, timestamp=None, nonce=None):
    r"""
    Return the headers that sign a request to a vendor's API: ``Authorization`` and ``Content-SHA256``.

    ``Authorization`` is ``HMAC-SHA256 key="<key_id>", ts="<unix>", nonce="<hex>", sig="<base64>"``, where ``sig`` is
    the HMAC-SHA256 under ``secret`` (a string, used as UTF-8, or bytes) of the lines ``METHOD``,
    ``path_with_query``, ``ts``, ``nonce`` and the hex SHA-256 of ``body``, joined by ``\n``.

    ``path_with_query`` must be exactly what goes on the wire, percent-encoded (``requests``' ``path_url`` of the
    prepared request), and ``body`` the exact bytes sent (None for no body). ``timestamp`` defaults to now and
    ``nonce`` to 16 random hex digits; pass them only to reproduce a signature.
    """
    key = _request_key(secret)
    if not key:
        raise ValueError('The request signing secret is empty.')
    if not isinstance(key_id, str) or not _KEY_ID_RE.fullmatch(key_id):
        raise ValueError('A key id must be 1 to 128 letters, digits or ._~+/=- characters.')
    if not _METHOD_RE.fullmatch(method) or not _PATH_RE.fullmatch(path_with_query):
        raise ValueError('The method or path cannot be signed: use the percent-encoded path.')
    timestamp_text = _unix_time_text(int(time.time()) if timestamp is None else timestamp)
    nonce = token_hex(8) if nonce is None else nonce
    if not isinstance(nonce, str) or not _NONCE_RE.fullmatch(nonce):
        raise ValueError('A nonce must be 16 to 64 lower-case hex digits.')
    body_sha256 = _sha256_hex(body)
    signature = base64.b64encode(_request_digest(key, method, path_with_query, timestamp_text, nonce, body_sha256))
    return {
        'Authorization': (
            f'{AUTHORIZATION_SCHEME} key="{key_id}", ts="{timestamp_text}", nonce="{nonce}", '
            f'sig="{signature.decode("ascii")}"'
        ),
        'Content-SHA256': body_sha256,
    }


def _parse_authorization(authorization):
    """Return the parameters of an ``HMAC-SHA256`` Authorization header, or raise ``RequestSignatureError``."""
    match = _AUTHORIZATION_RE.fullmatch(authorization)
    if not match:
        raise RequestSignatureError('malformed')
    params = {}
    for name, value in _AUTH_PARAM_RE.findall(match.group(1)):
        name = name.lower()
        # A repeated parameter could mean different things to different parsers: refuse it.
        if name in params or name not in _AUTH_PARAM_NAMES:
            raise RequestSignatureError('malformed')
        params[name] = value
    if set(params) != _AUTH_PARAM_NAMES:
        raise RequestSignatureError('malformed')
    if not (_KEY_ID_RE.fullmatch(params['key']) and _UNIX_TIME_RE.fullmatch(params['ts'])
            and _NONCE_RE.fullmatch(params['nonce'])):
        raise RequestSignatureError('malformed')
    try:
        params['sig'] = _b64decode_strict(params['sig'])
    except ValueError:
        raise RequestSignatureError('malformed') from None
    return params


def verify_request(secrets_by_key_id, method, path_with_query, headers, body, now=None,
                   tolerance_seconds=DEFAULT_TOLERANCE_SECONDS):
    """
    Check a request signed by ``sign_request`` and return ``(key_id, nonce)``.

    ``secrets_by_key_id`` maps each accepted key id to its secret (several while rotating). ``method`` and
    ``path_with_query`` are the request's (in Django, ``request.method`` and ``request.get_full_path()``),
    ``headers`` a mapping matched in any case, ``body`` the raw body bytes. ``now`` defaults to the current Unix time.

    Raise ``RequestSignatureError`` with ``reason``:

    * ``missing_headers``: ``Authorization`` or ``Content-SHA256`` is absent or empty;
    * ``malformed``: a header, the method or the path cannot be parsed or is ambiguous;
    * ``unknown_key``: the key id is not in ``secrets_by_key_id`` (or its secret is blank);
    * ``stale``: the timestamp is more than ``tolerance_seconds`` before or after ``now``;
    * ``body_mismatch``: ``Content-SHA256`` is not the hash of ``body``;
    * ``bad_signature``: the signature does not match.

    Replays within the tolerance are not refused here: the caller records the returned nonce and refuses repeats.
    """
    authorization, content_sha256 = _read_headers(
        headers, ('authorization', 'content-sha256'), RequestSignatureError, 'malformed',
    )
    params = _parse_authorization(authorization)
    if not _SHA256_HEX_RE.fullmatch(content_sha256):
        raise RequestSignatureError('malformed')
    if not (isinstance(method, str) and _METHOD_RE.fullmatch(method)
            and isinstance(path_with_query, str) and _PATH_RE.fullmatch(path_with_query)):
        raise RequestSignatureError('malformed')

    secret = secrets_by_key_id.get(params['key'])
    # An empty key is known to everybody: a blank setting must not accept anything.
    if not secret:
        raise RequestSignatureError('unknown_key')
    _check_fresh(int(params['ts']), now, tolerance_seconds, RequestSignatureError)

    body_sha256 = _sha256_hex(body)
    # Both sides are ASCII hex by now, which compare_digest requires of strings.
    if not hmac.compare_digest(content_sha256.lower(), body_sha256):
        raise RequestSignatureError('body_mismatch')
    expected = _request_digest(
        _request_key(secret), method, path_with_query, params['ts'], params['nonce'], body_sha256,
    )
    if not hmac.compare_digest(expected, params['sig']):
        raise RequestSignatureError('bad_signature')
    return params['key'], params['nonce']
