"""
Open edX's user retirement: when the LMS retires an account it sends ``USER_RETIRE_LMS_MISC``; this
app's receiver erases the learner's data (``api.retire_user``). The retirement pipeline can also
call the app's endpoint (``views.RetireUserView``) directly.
"""
import logging

from . import platform

log = logging.getLogger(__name__)
DISPATCH_UID = 'edx_proctoring_backend.retire_user'


def connect(receiver):
    """Connect ``receiver(sender, user=..., **kwargs)`` to the LMS's retirement signal; False outside the LMS."""
    try:
        signal = platform.retirement_signal()
    except platform.PlatformUnavailable:
        return False
    signal.connect(receiver, dispatch_uid=DISPATCH_UID, weak=False)
    return True
