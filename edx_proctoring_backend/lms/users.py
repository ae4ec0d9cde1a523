"""Map the XBlock runtime's user to a Django user."""
from django.contrib.auth import get_user_model

PLATFORM_USER_ID = 'edx-platform.user_id'
PLATFORM_USER_IS_STAFF = 'edx-platform.user_is_staff'
WORKBENCH_USER_ID = 'xblock-workbench.user_id'


def django_user_for(xblock_user):
    """
    Return the Django user behind an XBlock ``XBlockUser``, or None for an anonymous one.

    Inside the LMS the runtime gives the platform's user id. The workbench (demo, tests) names its
    learners by a string id, which becomes a Django user of that username.
    """
    if xblock_user is None:
        return None
    attrs = xblock_user.opt_attrs
    User = get_user_model()
    if attrs.get(PLATFORM_USER_ID) is not None:
        return User.objects.filter(pk=attrs[PLATFORM_USER_ID]).first()
    username = attrs.get(WORKBENCH_USER_ID)
    if username:
        user, _ = User.objects.get_or_create(username=str(username)[:150])
        return user
    return None


def is_course_staff(xblock_user):
    """Return True if the runtime says this user is course staff."""
    return bool(xblock_user is not None and xblock_user.opt_attrs.get(PLATFORM_USER_IS_STAFF))
