"""
What follows a change of an attempt's status outside the attempt itself.

One receiver of ``exams.signals.attempt_status_changed`` applies ``credit.policy.effects_of``: it
keeps the package's credit record, tells the LMS's credit and grades apps (inside the platform) and
sends the openedx-events exam-attempt signal where the platform's receivers should act on it
(``exam_events.should_send``). It runs in the transaction of the change, so the
status and its consequences are written together or not at all. An exam kept for edx-proctoring's
(``special_exams``) keeps only the package's record: edx-proctoring's attempt, which follows this
one, carries the platform's credit, grade and events.
"""
import logging
from functools import partial

from django.db import transaction

from ..credit import records
from ..credit.policy import CREDIT_STATUS, EXAM_ATTEMPT_EVENT, CreditStatus, GradeAction, effects_of
from ..exams.hosted import is_hosted
from ..exams.statuses import ExamType
from . import platform
from .exam_events import send_exam_attempt_event, should_send

log = logging.getLogger(__name__)


def on_attempt_status_changed(attempt, from_status, to_status, by=None, **kwargs):
    """Apply the effects of ``attempt`` moving from ``from_status`` to ``to_status`` (``sender`` is in kwargs)."""
    if to_status not in CREDIT_STATUS and to_status not in EXAM_ATTEMPT_EVENT:
        return  # still being taken: nothing outside the attempt changes (and no query is made)
    effects = effects_of(attempt.exam.exam_type, from_status, to_status)
    records.apply_effects(attempt, effects)
    if is_hosted(attempt.exam):
        return  # the platform hears of it from edx-proctoring, whose attempt follows this one
    try:
        _tell_platform(attempt, effects, by, was_satisfied=CREDIT_STATUS.get(from_status) == CreditStatus.SATISFIED)
    except platform.PlatformUnavailable:
        pass  # standalone: the package's records are the gradebook
    if effects.event and should_send(effects.event, attempt.exam, by):
        # Events tell the world what happened: only once it is committed.
        transaction.on_commit(partial(send_exam_attempt_event, effects.event, attempt, requesting_user=by))


def _tell_platform(attempt, effects, by, was_satisfied=False):
    """Post the credit requirement status and apply the grade action through edx-platform's services."""
    exam, user = attempt.exam, attempt.user
    if effects.credit is not None and platform.is_credit_course(exam.course_key):
        # The platform's publish task may have dropped the requirement, and it ignores statuses of
        # requirements it does not have: make sure it is there first.
        platform.ensure_credit_requirement(exam.course_key, exam.usage_key, exam.display_name)
        if effects.credit == CreditStatus.REMOVED:
            platform.remove_credit_requirement_status(user, exam.course_key, exam.usage_key)
        elif (effects.credit == CreditStatus.FAILED and was_satisfied
              and not platform.is_eligible_for_credit(user, exam.course_key)):
            # The platform never turns "satisfied" into "failed" (CreditRequirementStatus), but takes a
            # "failed" once the status is removed: a later rejection must not leave a satisfied exam. An
            # eligible learner (and only they may have asked for credit) keeps it: the platform refuses
            # every "failed" then, and removing the status would only hide what it still counts.
            platform.remove_credit_requirement_status(user, exam.course_key, exam.usage_key)
            platform.set_credit_requirement_status(user, exam.course_key, exam.usage_key, effects.credit)
        else:
            platform.set_credit_requirement_status(user, exam.course_key, exam.usage_key, effects.credit)
    if effects.grade != GradeAction.KEEP:
        if not exam.subsection_key:
            log.warning('Exam %s has no subsection: its grade cannot be changed in the gradebook', exam.pk)
        elif effects.grade == GradeAction.ZERO:
            # The course's choice (the platform's REJECTED_EXAM_OVERRIDES_GRADE course flag).
            if platform.should_override_grade_on_rejected_exam(exam.course_key):
                platform.zero_subsection_grade(user, exam.course_key, exam.subsection_key, overrider=by,
                                               comment='Proctoring review unsatisfactory')
        else:
            platform.undo_subsection_grade_override(user, exam.course_key, exam.subsection_key)


def register_credit_requirement(exam):
    """Inside the LMS, make a proctored exam of a credit course one of the course's credit requirements."""
    if exam.exam_type != ExamType.PROCTORED or not exam.is_active or is_hosted(exam):
        return False
    try:
        if platform.is_credit_course(exam.course_key):
            return platform.ensure_credit_requirement(exam.course_key, exam.usage_key, exam.display_name)
    except platform.PlatformUnavailable:
        pass
    return False
