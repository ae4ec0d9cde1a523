"""
Timer tokens: what lets the exam page poll the clock of one attempt, and nothing else.

A token is ``"<attempt id>.<user id>:<signature>"``, signed by ``django.core.signing.Signer`` with
its own salt and SHA-256: a token signed under a key in ``SECRET_KEY_FALLBACKS`` is still read, so
rotating the site's secret key does not stop the open exam pages' clocks.
"""
import re

from django.core.signing import BadSignature, Signer

from .errors import InvalidStatusToken

TIMER_TOKEN_SALT = 'edx_proctoring_backend.timer'
# Both ids as plain ASCII digits, and the unpadded URL-safe base64 of a SHA-256 HMAC: anything else is
# refused before any signature is computed.
_TIMER_TOKEN_FORMAT = re.compile(r'[0-9]{1,19}\.[0-9]{1,19}:[A-Za-z0-9_-]{43}')


def _signer():
    # Built per call: it reads SECRET_KEY and SECRET_KEY_FALLBACKS as they are now.
    return Signer(salt=TIMER_TOKEN_SALT, algorithm='sha256')


def timer_token(attempt):
    """Return a signed token that lets the page poll the clock of this one attempt (and nothing else)."""
    return _signer().sign(f'{int(attempt.pk)}.{int(attempt.user_id)}')


def read_timer_token(token):
    """Return (attempt id, user id) from a timer token, or raise ``InvalidStatusToken``."""
    if not isinstance(token, str) or _TIMER_TOKEN_FORMAT.fullmatch(token) is None:
        raise InvalidStatusToken()
    try:
        ids = _signer().unsign(token)
    except BadSignature:
        raise InvalidStatusToken() from None
    attempt_id, user_id = ids.split('.')
    return int(attempt_id), int(user_id)
