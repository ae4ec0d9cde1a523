"""
The demo's stand-in for the LMS sign-in: the workbench names its learner in the address
(``?student=NAME``), and this signs the browser in as the Django user of that name, so the app's own
endpoints (uploads of in-house proctoring, the reviewer pages) see the same person as the exam page.

Demo only: anybody can be anybody here. Names in ``PROCTORING_DEMO_STAFF`` are global staff (they
may open the review queue).
"""
from django.conf import settings
from django.contrib.auth import get_user_model, login


class WorkbenchSignInMiddleware:
    """Sign the browser in as the workbench's ``student`` of each request that names one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        username = request.GET.get('student', '')[:150]
        if username and request.user.get_username() != username:
            user, _ = get_user_model().objects.get_or_create(username=username)
            wants_staff = username in getattr(settings, 'PROCTORING_DEMO_STAFF', ())
            if user.is_staff != wants_staff:
                user.is_staff = wants_staff
                user.save(update_fields=['is_staff'])
            login(request, user, backend='django.contrib.auth.backends.ModelBackend')
        return self.get_response(request)
