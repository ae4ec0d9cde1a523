"""
Limits on calls from outside, through django-ratelimit (as the LMS uses it), on the cache it is told to
use (``RATELIMIT_USE_CACHE``, the site's ``default`` cache unless set; ``RATELIMIT_ENABLE`` turns every
limit off). ``PROCTORING_RATE_LIMITS`` sets each limit (``"<count>/<s|m|h|d>"``, None: no limit):

* ``callback_failures``: refused vendor messages (bad signature, stale, malformed, unknown session)
  from one address; past it, every message from that address is answered 429 until the window ends;
* ``uploads``: a learner's requests to the recording endpoints (chunks, photos, flags, states);
* ``rest``: a user's calls to the instructor dashboard's REST API.

The exam code's own limit, per learner and exam, is in ``exams.codes``: it locks the code until
staff unlock it.
"""
from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

CALLBACK_FAILURES = 'callback_failures'
UPLOADS = 'uploads'
REST = 'rest'
DEFAULTS = {CALLBACK_FAILURES: '30/m', UPLOADS: '600/m', REST: '600/m'}
# Whom each limit counts: an address for vendors, the signed-in user (else the address) for people.
KEYS = {CALLBACK_FAILURES: 'ip', UPLOADS: 'user_or_ip', REST: 'user_or_ip'}


def rate(limit):
    """The configured rate of ``limit`` (``PROCTORING_RATE_LIMITS``, else ``DEFAULTS``), or None."""
    configured = getattr(settings, 'PROCTORING_RATE_LIMITS', None) or {}
    return configured.get(limit, DEFAULTS[limit])


def _usage(request, limit, increment):
    """django-ratelimit's count of ``limit`` for the request's key; None when the limit is off."""
    limit_rate = rate(limit)
    if not limit_rate:
        return None
    return get_usage(request, group=f'edx_proctoring_backend.{limit}', key=KEYS[limit], rate=limit_rate,
                     method=ALL, increment=increment)


def exceeded(request, limit, increment=True):
    """
    Whether the request is over ``limit`` (counting it, unless ``increment`` is False); returns the
    seconds until the window ends, or 0 when it is not.
    """
    usage = _usage(request, limit, increment)
    if not usage:
        return 0
    # Asked without counting (what ``count`` records later), the limit is reached at its count.
    over = usage['should_limit'] if increment else usage['count'] >= usage['limit']
    return max(1, int(usage['time_left'])) if over else 0


def count(request, limit):
    """Count the request against ``limit`` without asking (a refusal that counts: a bad signature)."""
    _usage(request, limit, increment=True)


def refusal_message():
    """What a caller past a limit reads, in the active language."""
    return gettext('Too many requests. Wait a little, then try again.')


def too_many(retry_after):
    """The 429 answer: a JSON body saying so (``{"error": "rate_limited", "message"}``) and ``Retry-After``."""
    response = JsonResponse({'error': 'rate_limited', 'message': refusal_message()}, status=429)
    response['Retry-After'] = str(retry_after)
    return response
