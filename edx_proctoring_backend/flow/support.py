"""
Where a learner who is stuck gets help, and how long a review usually takes.

The course team's contact comes first (``exams.course_settings``), then the site's support
(:setting:`PROCTORING_SUPPORT_CONTACT`, per site; where it is unset inside the LMS, the platform's own
``SUPPORT_SITE_LINK`` and ``TECH_SUPPORT_EMAIL``), and the expected review time
(:setting:`PROCTORING_REVIEW_DAYS`).
"""
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from ..exams import course_settings
from ..lms import sites
from ..providers.base import safe_link

DEFAULT_REVIEW_DAYS = 5


@dataclass(frozen=True)
class Contact:
    """One way to get help: an e-mail address, a web page and a telephone number, each '' when not given."""

    email: str = ''
    url: str = ''
    phone: str = ''

    def __bool__(self):
        return bool(self.email or self.url or self.phone)


@dataclass(frozen=True)
class Support:
    """Whom a learner of a course may ask for help, and how many days a review usually takes (None: unsaid)."""

    course: Contact
    site: Contact
    review_days: int = None


def _email(value):
    """``value`` if it is an e-mail address, else ''."""
    try:
        EmailValidator()(value)
    except ValidationError:
        return ''
    return value


def _contact(email='', url='', phone=''):
    """A ``Contact`` of the usable values only: a valid address, an http(s) page, a short number."""
    phone = phone.strip() if isinstance(phone, str) and len(phone.strip()) <= 40 else ''
    return Contact(email=_email(email.strip()) if isinstance(email, str) else '', url=safe_link(url), phone=phone)


def site_contact():
    """The current site's support contact."""
    own = sites.setting('PROCTORING_SUPPORT_CONTACT', {}) or {}
    if not isinstance(own, dict):
        own = {}
    if not any(own.get(key) for key in ('email', 'url', 'phone')):
        # Inside the LMS, the platform's own support page and address.
        own = {'email': sites.setting('TECH_SUPPORT_EMAIL', ''), 'url': sites.setting('SUPPORT_SITE_LINK', '')}
    return _contact(own.get('email', ''), own.get('url', ''), own.get('phone', ''))


def review_days():
    """How many days a review usually takes on this site (None where the site says nothing)."""
    days = sites.setting('PROCTORING_REVIEW_DAYS', DEFAULT_REVIEW_DAYS)
    return days if isinstance(days, int) and not isinstance(days, bool) and days > 0 else None


def support_for(course_key):
    """The ``Support`` of a learner in ``course_key``."""
    own = course_settings.of_course(course_key)
    return Support(course=_contact(own.support_email, own.support_url), site=site_contact(),
                   review_days=review_days())
