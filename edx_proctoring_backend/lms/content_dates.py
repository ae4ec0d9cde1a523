"""
Exam content answerable only inside the learner's attempt, through the platform's per-learner dates.

A standard problem refuses answers once it is closed: after its ``due`` plus the course's grace period
(``ProblemBlock.closed()``, ``xmodule/capa_block.py``). edx-when gives each learner their own dates:
the LMS binds every block to ``DateLookupFieldData`` (``edx_when/field_data.py``), where a block
without a date of its own takes its nearest ancestor's, the learner's override first. So:

* the exam block's own ``due`` is ``CONTENT_CLOSED`` for everybody. The block sets it when the
  author saves it, so the platform's publish (``extract_dates`` in
  ``openedx/core/djangoapps/course_date_signals/handlers.py``, which deactivates every date it does not
  find on a block) keeps it among the course's dates; each sync of the exam writes it too;
* each learner gets an override (``edx_when.api.set_date_for_block(..., user=...)``): open until
  their deadline plus the network grace when their clock starts; closed at the moment the attempt
  ends (submitted, time up, error); closed again by a reset, until the next start; open until the
  exam closes when they take it without proctoring (declined, or a regular exam).

edx-when refuses an override earlier than the course's date; "closed" is before any. Where edx-when
is not installed (the workbench), or the exam's ids are not opaque keys, nothing is written.
"""
import importlib
import logging
from datetime import datetime, timedelta, timezone as dt_timezone

from django.apps import apps
from django.conf import settings
from django.utils import timezone
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey, UsageKey

from ..exams.statuses import AttemptStatus as S

log = logging.getLogger(__name__)

FIELD = 'due'
# Before any course: the exam's content is closed to whoever has no override of their own.
CONTENT_CLOSED = datetime(2000, 1, 1, tzinfo=dt_timezone.utc)
# "Open until the exam closes" for an exam that never closes.
OPEN_FOR_GOOD = datetime(9999, 1, 1, tzinfo=dt_timezone.utc)


def _edx_when():
    """edx-when's API where it is installed (the LMS and Studio), else None."""
    if not apps.is_installed('edx_when'):
        return None
    return importlib.import_module('edx_when.api')


def _keys(exam):
    """(course key, exam usage key) of the exam, or None when they are not opaque keys (the workbench)."""
    try:
        return CourseKey.from_string(exam.course_key), UsageKey.from_string(exam.usage_key)
    except InvalidKeyError:
        return None


def _grace():
    return timedelta(seconds=getattr(settings, 'PROCTORING_ANSWER_GRACE_SECONDS', 15))


def close_by_default(exam):
    """Make the exam's content closed to every learner without an override (course-wide); True if written."""
    when, keys = _edx_when(), _keys(exam)
    if when is None or keys is None:
        return False
    when.set_date_for_block(*keys, FIELD, CONTENT_CLOSED)
    return True


def set_learner_window(user, exam, until, reason):
    """The learner may answer the exam's content until ``until`` (a moment in the past closes it)."""
    when, keys = _edx_when(), _keys(exam)
    if when is None or keys is None:
        return False
    # The course-wide date first (a read where it is there): an override needs it, and a publish that
    # did not list it has deactivated it. Writing it after a refusal is no option: edx-when's refusal
    # leaves the transaction unusable.
    when.set_date_for_block(*keys, FIELD, CONTENT_CLOSED)
    when.set_date_for_block(*keys, FIELD, max(until, CONTENT_CLOSED), user=user, reason=reason)
    return True


def learner_window(user, exam):
    """Until when the learner may answer the exam's content (None: edx-when does not hold it)."""
    when, keys = _edx_when(), _keys(exam)
    if when is None or keys is None:
        return None
    # Never from edx-when's cache: it keeps each learner's dates, overrides included, across requests.
    return when.get_dates_for_course(keys[0], user=user, use_cached=False).get((keys[1], FIELD))


def open_until_exam_closes(user, exam, reason):
    """Open the content for a learner who takes the exam without a clock, unless it already is."""
    until = exam.due_date or OPEN_FOR_GOOD
    current = learner_window(user, exam)
    if current is None or current >= until:
        return False   # edx-when does not hold this exam's content, or it is open already
    return set_learner_window(user, exam, until, reason)


def on_attempt_status_changed(attempt, from_status, to_status, **kwargs):
    """Open or close the learner's window on the exam's content as the attempt changes status."""
    exam, user = attempt.exam, attempt.user
    reason = f'proctored exam attempt {attempt.attempt_number}: {to_status}'
    if to_status == S.RESET:
        set_learner_window(user, exam, CONTENT_CLOSED, reason)
    elif to_status == S.STARTED:
        if attempt.deadline is not None:   # every start through the API has a clock
            set_learner_window(user, exam, attempt.deadline + _grace(), reason)
    elif from_status == S.STARTED:
        ended = min(timezone.now(), attempt.deadline) if attempt.deadline else timezone.now()
        set_learner_window(user, exam, ended + _grace(), reason)
    elif to_status == S.DECLINED:
        open_until_exam_closes(user, exam, reason)
