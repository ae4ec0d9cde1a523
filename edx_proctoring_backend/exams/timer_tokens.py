"""
Timer tokens: what lets the exam page poll the clock of one attempt, and nothing else.

A token is "<attempt id>.<user id>.<HMAC-SHA256 of "<attempt id>.<user id>", in hex>", keyed
exactly as ``django.utils.crypto.salted_hmac(TIMER_TOKEN_SALT, ...)`` keys it (sha256(salt +
SECRET_KEY)): the key and the HMAC's padded key states are derived once per SECRET_KEY and copied
for each token, instead of being rebuilt (and OpenSSL's digest looked up) on every poll.
"""
import hashlib
import hmac
import re
from functools import lru_cache

from django.conf import settings
from django.utils.encoding import force_bytes

from .errors import InvalidStatusToken

TIMER_TOKEN_SALT = 'edx_proctoring_backend.timer'
_TIMER_TOKEN_FORMAT = re.compile(r'[0-9]{1,19}\.[0-9]{1,19}\.[0-9a-f]{64}')


@lru_cache(maxsize=4)
def _timer_token_hmac(secret_key):
    key = hashlib.sha256(force_bytes(TIMER_TOKEN_SALT) + force_bytes(secret_key)).digest()
    return hmac.new(key, digestmod=hashlib.sha256)


def _signature(ids):
    signer = _timer_token_hmac(settings.SECRET_KEY).copy()
    signer.update(ids.encode('ascii'))
    return signer.hexdigest()


def timer_token(attempt):
    """Return a signed token that lets the page poll the clock of this one attempt (and nothing else)."""
    ids = f'{int(attempt.pk)}.{int(attempt.user_id)}'
    return f'{ids}.{_signature(ids)}'


def read_timer_token(token):
    """Return (attempt id, user id) from a timer token, or raise ``InvalidStatusToken``."""
    if not isinstance(token, str) or _TIMER_TOKEN_FORMAT.fullmatch(token) is None:
        raise InvalidStatusToken()
    ids, _, signature = token.rpartition('.')
    # Both are ASCII hex of the same length here: compare_digest takes constant time.
    if not hmac.compare_digest(signature, _signature(ids)):
        raise InvalidStatusToken()
    attempt_id, user_id = ids.split('.')
    return int(attempt_id), int(user_id)
