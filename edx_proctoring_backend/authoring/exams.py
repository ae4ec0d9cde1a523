"""
An exam's settings, from the block to the ``Exam`` row.

The row is written when the author saves the block (a runtime without publishing: the workbench) or
publishes it (Studio: ``lms/publishing.py``), never by a learner's page: a learner's page reads the
row, and creates it only when no save or publish ever did (content imported before this version).
The provider hears of a new or changed exam from a Celery task once the row is committed, so that a
vendor that is slow or down delays nobody.
"""
import logging
from functools import partial

from django.conf import settings
from django.db import transaction

from ..exams.errors import InvalidExamSettings
from ..exams.models import Exam
from ..exams.statuses import ExamType
from ..exams.window import read_moment, time_zone_names
from ..lms import content_dates, platform
from ..lms.effects import register_credit_requirement
from ..providers.http import VendorError
from ..providers.registry import UnknownProvider, get_provider, provider_names

log = logging.getLogger(__name__)

MAX_TIME_LIMIT_MINUTES = 24 * 60
# Bookings close at most 30 days before a sitting; learners begin at most 4 hours early or late.
MAX_BOOKING_CUTOFF_HOURS = 30 * 24
MAX_SITTING_MARGIN_MINUTES = 4 * 60
UNRECORDED_PROVIDER = 'null'
EXAM_BLOCK_TYPE = 'proctored_exam'


def unrecorded_proctoring_allowed():
    """Whether this site lets a proctored or practice exam use a provider that records nothing."""
    return bool(getattr(settings, 'PROCTORING_ALLOW_UNRECORDED_PROCTORING', False))


def records(provider_name):
    """Whether the provider records the learner (False for ``null``, or a provider that cannot load)."""
    try:
        return get_provider(provider_name).records
    except (UnknownProvider, ImportError):
        return False


def default_provider():
    """
    The provider a new proctored exam uses until its author chooses one: the site's
    ``PROCTORING_DEFAULT_PROVIDER``, else the first configured provider that records, else ``null``
    where the site allows unrecorded proctoring; None when there is none (the author must choose).
    """
    names = provider_names()
    chosen = getattr(settings, 'PROCTORING_DEFAULT_PROVIDER', None)
    if chosen in names:
        return chosen
    configured = [name for name in getattr(settings, 'PROCTORING_PROVIDERS', None) or {} if name in names]
    for name in configured:
        if records(name):
            return name
    return UNRECORDED_PROVIDER if unrecorded_proctoring_allowed() else None


def _checked_provider(exam_type, provider, errors):
    """The provider an exam of ``exam_type`` uses (a timed exam: ``null``); an error for one it may not use."""
    if exam_type == ExamType.TIMED:
        return UNRECORDED_PROVIDER
    provider = provider or default_provider()
    if provider is None:
        errors['provider'] = 'Choose a proctoring provider.'
    elif provider not in provider_names():
        errors['provider'] = 'This proctoring provider is not configured on this site.'
    elif not records(provider) and not unrecorded_proctoring_allowed():
        errors['provider'] = 'This provider records nothing: choose one that proctors.'
    return provider


def _moment(value, time_zone, field, errors):
    """``value`` read in ``time_zone`` (``exams.window.read_moment``); None and an error when unusable."""
    try:
        return read_moment(value, time_zone)
    except ValueError:
        errors[field] = 'Enter a date and a time.'
        return None


def _checked_window(opens_at, closes_at, time_zone, errors):
    """The exam's window, cleaned: (opens_at, closes_at, time_zone); errors for what is unusable."""
    time_zone = time_zone or ''
    if time_zone and (not isinstance(time_zone, str) or time_zone not in time_zone_names()):
        errors['time_zone'] = 'Choose a time zone from the list.'
        time_zone = ''
    opens_at = _moment(opens_at, time_zone, 'opens_at', errors)
    closes_at = _moment(closes_at, time_zone, 'closes_at', errors)
    if opens_at and closes_at and closes_at <= opens_at:
        errors['closes_at'] = 'The exam must close after it opens.'
    return opens_at, closes_at, time_zone


def _whole_number(value, field, highest, errors):
    """``value`` as a whole number from 0 to ``highest``; an error for anything else."""
    try:
        number = int(value)
        if isinstance(value, bool) or not 0 <= number <= highest or str(number) != str(value).strip():
            raise ValueError
    except (TypeError, ValueError):
        errors[field] = f'Enter a whole number from 0 to {highest}.'
        return 0
    return number


def _checked_booking(required, cutoff_hours, deadline, early_minutes, late_minutes, time_zone, errors):
    """The booked sittings' settings, cleaned (``sittings.booking``); errors for what is unusable."""
    if not isinstance(required, bool):
        errors['booking_required'] = 'Choose yes or no.'
    return {
        'booking_required': required is True,
        'booking_cutoff_hours': _whole_number(cutoff_hours, 'booking_cutoff_hours', MAX_BOOKING_CUTOFF_HOURS, errors),
        'booking_deadline': _moment(deadline, time_zone, 'booking_deadline', errors),
        'sitting_early_minutes': _whole_number(early_minutes, 'sitting_early_minutes', MAX_SITTING_MARGIN_MINUTES,
                                               errors),
        'sitting_late_minutes': _whole_number(late_minutes, 'sitting_late_minutes', MAX_SITTING_MARGIN_MINUTES,
                                              errors),
    }


def validate_exam_settings(exam_type, time_limit_minutes, provider, allow_opt_out=False, rules_text='',
                           display_name='', exam_rules=None, on_campus_sitting=False, on_campus_instructions='',
                           opens_at=None, closes_at=None, time_zone='', booking_required=False,
                           booking_cutoff_hours=72, booking_deadline=None, sitting_early_minutes=10,
                           sitting_late_minutes=15):
    """
    Check the settings a course author chose; return them cleaned, or raise ``InvalidExamSettings``
    with one message per invalid field. An empty ``provider`` is the site's ``default_provider``.
    ``opens_at``, ``closes_at`` and ``booking_deadline`` (each optional) are read in ``time_zone`` when
    they carry none, and returned in UTC (``closes_at`` as ``due_date``, the model's name for it).
    Booked sittings (``booking_required``) are for proctored exams only.
    """
    errors = {}
    if exam_type not in ExamType.ALL:
        errors['exam_type'] = 'Choose proctored, practice or timed.'
    try:
        time_limit_minutes = int(time_limit_minutes)
        if not 1 <= time_limit_minutes <= MAX_TIME_LIMIT_MINUTES:
            raise ValueError
    except (TypeError, ValueError):
        errors['time_limit_minutes'] = f'Enter a whole number of minutes from 1 to {MAX_TIME_LIMIT_MINUTES}.'
    provider = _checked_provider(exam_type, provider, errors)
    if not isinstance(allow_opt_out, bool):
        errors['allow_opt_out'] = 'Choose yes or no.'
    if not isinstance(on_campus_sitting, bool):
        errors['on_campus_sitting'] = 'Choose yes or no.'
    if not isinstance(on_campus_instructions, str):
        errors['on_campus_instructions'] = 'Enter text.'
    if len(display_name or '') > 255:
        errors['display_name'] = 'Use at most 255 characters.'
    opens_at, closes_at, time_zone = _checked_window(opens_at, closes_at, time_zone, errors)
    booking = _checked_booking(booking_required, booking_cutoff_hours, booking_deadline, sitting_early_minutes,
                               sitting_late_minutes, time_zone, errors)
    options = {}
    if 'provider' not in errors:
        choices = get_provider(provider).exam_rule_choices
        exam_rules = exam_rules or {}
        if not isinstance(exam_rules, dict) or not set(exam_rules) <= set(choices) \
                or not all(isinstance(value, bool) for value in exam_rules.values()):
            errors['exam_rules'] = 'Choose yes or no for each of the provider\'s rules.'
        elif exam_rules:
            options['rules'] = {rule: exam_rules[rule] for rule in choices if rule in exam_rules}
    if errors:
        raise InvalidExamSettings(errors)
    return {
        'exam_type': exam_type, 'time_limit_minutes': time_limit_minutes, 'provider': provider,
        'allow_opt_out': allow_opt_out, 'rules_text': rules_text or '', 'display_name': display_name or '',
        'provider_options': options,
        'on_campus_sitting': on_campus_sitting and exam_type == ExamType.PROCTORED,
        'on_campus_instructions': (on_campus_instructions or '').strip(),
        'opens_at': opens_at, 'due_date': closes_at, 'time_zone': time_zone,   # the due date closes the exam
        **booking, 'booking_required': booking['booking_required'] and exam_type == ExamType.PROCTORED,
    }


def sync_exam(course_key, usage_key, due_date=None, subsection_key='', alone_in_subsection=False, **exam_settings):
    """
    Create or update the exam of an XBlock usage from its settings and place (its subsection, and
    whether it is all that subsection holds); return the ``Exam``.

    Writes the row only when something changed, and then queues the provider's registration of the
    exam. Every time, makes a proctored exam of a credit course one of its credit requirements
    (inside the LMS) and closes its content to learners without an attempt (where edx-when holds the
    course's dates).
    """
    values = validate_exam_settings(**exam_settings, closes_at=due_date)
    values.update(course_key=str(course_key), due_date=due_date, subsection_key=str(subsection_key or ''),
                  alone_in_subsection=bool(subsection_key) and alone_in_subsection)
    exam = Exam.objects.filter(usage_key=str(usage_key)).first()
    if exam is None or any(getattr(exam, name) != value for name, value in values.items()):
        exam, _ = Exam.objects.update_or_create(usage_key=str(usage_key), defaults=values)
        if exam.is_proctored_kind:
            _queue_registration(exam.pk)
    # Even when the exam did not change: the platform's publish rebuilds the course's credit
    # requirements without it, and may drop the date that holds its content closed.
    register_credit_requirement(exam)
    content_dates.close_by_default(exam)
    return exam


def sync_course_exams(course_key):
    """
    Give every published exam block of the course its exam settings (``block.exam_settings()``);
    return the exams. A block whose settings are invalid is logged and left as it was: Studio's
    validation shows the author what to fix.
    """
    exams = []
    for block in platform.published_blocks(course_key, EXAM_BLOCK_TYPE):
        try:
            exams.append(sync_exam(course_key, block.scope_ids.usage_id, **block.exam_settings()))
        except InvalidExamSettings:
            log.warning('Exam %s of %s not synchronised: its settings are invalid', block.scope_ids.usage_id,
                        course_key, exc_info=True)
    return exams


def exam_for_learner(course_key, usage_key, block_settings):
    """
    The exam a learner's page shows: the row the last save or publish wrote, unchanged. Only an exam
    that no save or publish ever wrote is created here, once, from ``block_settings()`` (called only
    then: reading a block's settings walks its course).
    """
    exam = Exam.objects.filter(usage_key=str(usage_key)).first()
    return exam if exam is not None else sync_exam(course_key, usage_key, **block_settings())


def _queue_registration(exam_id):
    """Queue the provider's registration of the exam once the current transaction commits."""
    # The task module is a thin wrapper over the API; it is imported when work is queued, not at load.
    from ..tasks import register_exam  # pylint: disable=import-outside-toplevel,cyclic-import
    transaction.on_commit(partial(register_exam.delay, exam_id))


def register_with_provider(exam_id):
    """
    Tell the exam's provider about it (the ``register_exam`` task). A vendor that cannot be reached
    is no failure: every attempt's session registers the exam again.
    """
    exam = Exam.objects.filter(pk=exam_id).first()
    if exam is None or not exam.is_proctored_kind:
        return False
    try:
        get_provider(exam.provider).register_exam(exam)
    except VendorError:
        log.warning('Could not tell provider %s about exam %s', exam.provider, exam.pk, exc_info=True)
        return False
    return True


def open_content_without_clock(user, exam):
    """A learner takes the exam as a regular exam: its content is theirs to answer until it closes."""
    return content_dates.open_until_exam_closes(user, exam, 'regular exam')
