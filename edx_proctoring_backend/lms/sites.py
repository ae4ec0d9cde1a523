"""
The site a request is for, and its own settings.

Inside Open edX a setting can be given per site in the site's configuration (``SiteConfiguration``),
the platform's own place for it; outside, ``PROCTORING_SITES`` does the same by domain::

    PROCTORING_SITES = {'exams.example.org': {'PROCTORING_CONSENT_TERMS': {...}}}

Either way a site without a value of its own gets the Django setting of that name; where both are
dicts, the site's keys replace the setting's (as the platform merges them).
"""
from crum import get_current_request
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site

from . import platform


def current_domain():
    """The domain of the site the current request is for ('' outside a request: a worker, a command)."""
    request = get_current_request()
    if request is None:
        return ''
    # The sites framework where it is installed (the LMS), else the request's host.
    return get_current_site(request).domain


def setting(name, default=None):
    """The current site's value of the setting ``name``, else the Django setting, else ``default``."""
    fallback = getattr(settings, name, default)
    try:
        return platform.site_configuration_value(name, fallback)
    except platform.PlatformUnavailable:
        pass
    own = (getattr(settings, 'PROCTORING_SITES', None) or {}).get(current_domain(), {})
    if name not in own:
        return fallback
    if isinstance(fallback, dict) and isinstance(own[name], dict):
        return {**fallback, **own[name]}
    return own[name]
