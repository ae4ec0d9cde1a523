"""
The site's cache used where it is only a shortcut: a cache server that is down must cost the shortcut
(the database answers, a pause is not kept), never the request.
"""
import logging

log = logging.getLogger(__name__)


def best_effort(failure, operation, *args, **kwargs):
    """Return ``operation(*args, **kwargs)``, a cache call; when the cache fails, log ``failure`` and return None."""
    try:
        return operation(*args, **kwargs)
    except Exception:  # pylint: disable=broad-except
        # Cache backends raise their own errors (redis-py's, pymemcache's): none of them may reach the request.
        log.warning(failure, exc_info=True)
        return None
