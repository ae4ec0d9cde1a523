"""
What a course's team sets for all the course's proctored exams (``CourseSettings``): the course's support
contact, shown to learners where they can be stuck, and the share of an exam's points that passes for
credit. Where the team sets nothing, the site's settings apply (read by the callers: ``flow.support``,
``credit.models.min_grade``).
"""
import math

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import timezone

from .errors import InvalidSettings
from .models import CourseSettings

_URL = URLValidator(schemes=['http', 'https'])
_EMAIL = EmailValidator()


def of_course(course_key):
    """The course's settings: its saved row, or an unsaved one with nothing set."""
    return CourseSettings.objects.filter(course_key=str(course_key)).first() or CourseSettings(
        course_key=str(course_key))


def passing_share(value):
    """``value`` as a passing share (more than 0, at most 1), or None for '' and None; ValueError otherwise."""
    if value is None or value == '':
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    share = float(value)
    if not math.isfinite(share) or not 0 < share <= 1:
        raise ValueError(value)
    return share


def change(course_key, by, support_email='', support_url='', credit_min_grade=None):
    """
    Save the course's settings as the team gave them (``by``: who); raise ``InvalidSettings`` naming each
    unusable field, saving nothing. Blank values (None for the share) leave the site's setting in force.
    """
    support_email, support_url = str(support_email or '').strip(), str(support_url or '').strip()
    problems = {}
    for name, value, validator, limit in (('support_email', support_email, _EMAIL, 254),
                                          ('support_url', support_url, _URL, 500)):
        try:
            if value:
                validator(value)
                if len(value) > limit:
                    raise ValidationError('too long')
        except ValidationError:
            problems[name] = 'invalid'
    try:
        credit_min_grade = passing_share(credit_min_grade)
    except (TypeError, ValueError):
        problems['credit_min_grade'] = 'invalid'
    if problems:
        raise InvalidSettings(problems)
    settings, _ = CourseSettings.objects.update_or_create(course_key=str(course_key), defaults={
        'support_email': support_email, 'support_url': support_url, 'credit_min_grade': credit_min_grade,
        'modified': timezone.now(), 'modified_by': by,
    })
    return settings
