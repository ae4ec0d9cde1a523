"""
Headers of the staff pages (the instructor dashboard's and the reviewers'): they show learners'
personal data, so no cache keeps them, no other site frames them, and no address of theirs leaves the
site as a referrer.

The dashboard is framed by the LMS's own instructor dashboard (the same origin) and, where a site says
so, by the origins in ``PROCTORING_DASHBOARD_FRAME_ANCESTORS`` (e.g. the instructor dashboard app's
``https://apps.example.org``). The reviewers' pages are never framed.
"""
from django.conf import settings

DASHBOARD = 'dashboard'
REVIEWER = 'reviewer'


def frame_ancestors(kind):
    """The CSP ``frame-ancestors`` sources of a page of ``kind``."""
    if kind == REVIEWER:
        return "'none'"
    extra = [origin for origin in getattr(settings, 'PROCTORING_DASHBOARD_FRAME_ANCESTORS', ()) or ()
             if origin and not any(char in origin for char in ' ;,\'"')]
    return ' '.join(["'self'", *extra])


def protect(response, kind):
    """Add the staff pages' headers to ``response`` (a page of ``kind``: ``DASHBOARD`` or ``REVIEWER``)."""
    response['Cache-Control'] = 'private, no-store'
    response['Referrer-Policy'] = 'same-origin'
    response['X-Content-Type-Options'] = 'nosniff'
    response['X-Frame-Options'] = 'DENY' if kind == REVIEWER else 'SAMEORIGIN'
    response['Content-Security-Policy'] = f'frame-ancestors {frame_ancestors(kind)}'
    return response
