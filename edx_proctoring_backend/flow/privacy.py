"""
Privacy's periodic and requested work that reaches the providers: the retention policy enforced (and
the vendors asked to delete what is due), and a retired learner's data erased here and at the vendors.
"""
from django.utils import timezone

from ..monitors import nominations as monitors
from ..privacy import retention, retirement
from ..recordings.storage import media_storage
from . import calls

RETENTION_BATCH_SIZE = 500


def enforce_retention(now=None, batch_size=RETENTION_BATCH_SIZE):
    """
    Delete for good what the retention policy says to delete now, and ask the vendors to delete their
    data that is due (the periodic task, ``privacy.retention.enforce_and_ask_vendors``); the records.
    Nominated monitors' details and reports are erased under the policy's ``monitor`` rule.
    """
    now = now or timezone.now()
    monitors.erase(monitors.expired(retention.site_policy()[retention.MONITOR].days, now), now)
    return retention.enforce_and_ask_vendors(now, media_storage(), calls.perform, batch_size=batch_size)


def retire_user(user, now=None):
    """
    The learner's account is retired: erase their personal data here and ask every provider that holds
    some to erase theirs (``privacy.retirement.retire``). Returns ``{'purged': n, 'providers': [names]}``.
    """
    return retirement.retire(user, media_storage(), now or timezone.now(), calls.perform)
