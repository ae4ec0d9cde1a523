"""Map the XBlock runtime's user to a Django user."""
from crum import get_current_user
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
    # The request's own user (the platform's middleware loaded it, django-crum holds it) spares a query.
    current = get_current_user()
    if not (current is not None and current.is_authenticated):
        current = None
    if attrs.get(PLATFORM_USER_ID) is not None:
        if current is not None and current.pk == attrs[PLATFORM_USER_ID]:
            return current
        return User.objects.filter(pk=attrs[PLATFORM_USER_ID]).first()
    username = attrs.get(WORKBENCH_USER_ID)
    if username:
        username = str(username)[:150]
        if current is not None and current.get_username() == username:
            return current
        user, _ = User.objects.get_or_create(username=username)
        return user
    return None


def is_course_staff(xblock_user):
    """Return True if the runtime says this user is course staff."""
    return bool(xblock_user is not None and xblock_user.opt_attrs.get(PLATFORM_USER_IS_STAFF))
