"""
The public API of proctored, practice and timed exams.

The XBlock, the REST views, the Celery tasks and other plugins call these names and nothing deeper.
Each one is a wing's: the learner's way, staff's actions, provider calls and vendors' messages in
``flow``; uploads and analyses in ``recordings``; the dashboard's queries in ``dashboard``; reviews'
access, retention and retirement in ``privacy``; booked sittings in ``sittings``; nominated exam monitors in
``monitors``; e-mails in ``messages``.
This module only delegates.
"""
import logging

from django.utils import timezone

from .authoring import exams as authoring
from .credit import models as credit_models, policy as credit_policy, records as credit_records
from .credit.policy import CreditStatus
from .dashboard import queries as dashboard_queries
from .exams import allowances, codes, course_settings, export as exam_export, hosted as hosted_keys, search, window
from .exams.clocks import sync_seconds as timer_sync_seconds
from .exams.errors import (
    AllowanceNotFound, AnswersClosed, AttemptNotFound, ChecksNotPassed, ExamCodeLocked, ExamNotFound, IllegalTransition,
    InvalidExamCode, InvalidExamSettings, InvalidStatusToken, NotAllowed, ProctoringError, TermsChanged,
)
from .exams.ids import parse_id
from .exams.models import Allowance
from .exams.signals import attempt_status_changed
from .exams.statuses import AttemptStatus, ExamType, ReviewStatus
from .exams.timer_tokens import timer_token
from .flow import (
    announcements, calls, learner, privacy as flow_privacy, reviews as flow_reviews, staff, support, vendor_messages,
)
from .lms import content_dates, links, publishing, roles
from .messages import sending as messages
from .monitors import nominations as monitors
from .privacy import access, learner_data as privacy_learner_data, retention
from .providers import onboarding, outbox
from .providers.base import Feature, Step
from .providers.http import VendorError
from .providers.registry import UnknownProvider, get_provider, provider_names
from .recordings import capture, uploads
from .reviews import callbacks, export, marks as review_marks, queue as review_queue
from .reviews.outcomes import Outcome
from .sittings import booking as sittings, calendar as sitting_calendar, notices as sitting_notices, schedule
from .special_exams import hosting as special_exams

log = logging.getLogger(__name__)
CallbackRejected = callbacks.CallbackRejected

S = AttemptStatus
MAX_TIME_LIMIT_MINUTES = authoring.MAX_TIME_LIMIT_MINUTES

__all__ = [
    'AllowanceNotFound', 'AnswersClosed', 'AttemptNotFound', 'ChecksNotPassed', 'ExamNotFound', 'IllegalTransition',
    'InvalidExamCode', 'InvalidExamSettings', 'InvalidStatusToken', 'NotAllowed', 'ProctoringError',
    'validate_exam_settings', 'sync_exam', 'exam_for_learner', 'default_provider', 'provider_records', 'may_author',
    'syncs_on_publish', 'open_content_without_clock', 'CONTENT_CLOSED', 'register_exam_with_provider', 'get_exam',
    'learner_state', 'opt_in', 'opt_out', 'time_zone_names', 'zone_named', 'moment_parts',
    'confirm_checks', 'start', 'submit', 'timer_status', 'submit_expired_attempts',
    'assert_answers_accepted', 'record_review', 'mark_error', 'reset_attempt', 'set_allowance',
    'remove_allowance', 'attempt_history', 'provider_names', 'available_providers', 'validate_exam_code',
    'redeem_exam_code', 'unlock_exam_code', 'ExamCodeLocked', 'exam_code_max_failures', 'timer_token',
    'timer_sync_seconds',
    'record_provider_verdict', 'Outcome', 'AttemptStatus', 'ExamType',
    'ReviewStatus', 'Step', 'receive_callback', 'CallbackRejected', 'VendorError', 'retry_provider_calls',
    'results_csv', 'record_exam_grade', 'course_progress', 'provider_call_problems', 'requeue_provider_call',
    'exam_rule_choices', 'CreditStatus', 'UploadRefused', 'upload_limits', 'TermsChanged',
    'recording_state', 'store_chunk', 'complete_recording', 'store_photo', 'flag_session', 'capture_plan',
    'analyse_recording', 'session_evidence', 'may_review', 'awaiting_review', 'attempt_under_review',
    'may_decide', 'review_media', 'requeue_stale_analyses', 'mark_submitted', 'Role', 'AllowanceResult', 'Page',
    'course_exams', 'course_exam', 'find_learner', 'course_allowances', 'course_allowance',
    'allowance_changes', 'BulkRow', 'bulk_set_allowances', 'search_attempts', 'course_attempt',
    'attempt_history_with_people', 'review_queue_entries', 'allowances_csv', 'allowance_changes_csv',
    'attempts_csv', 'reviews_csv', 'Readiness', 'learner_readiness', 'PERSON_DECISIONS',
    'DEFAULT_PAGE_SIZE', 'paginate', 'Allowance', 'course_key_or_none',
    'mark_stuck_error', 'course_allowance_change', 'read_bulk_file', 'retention_policy', 'retention_plan',
    'enforce_retention', 'retire_user', 'learner_data', 'take_review', 'may_see_evidence', 'own_photo',
    'record_export',
    'consent_terms', 'refuse_terms', 'request_on_campus', 'withdraw_on_campus', 'on_campus_requests',
    'consent_csv', 'on_campus_csv',
    'Feature', 'attempt_status_changed', 'host_exam', 'hosted_exam', 'hosted_attempt', 'is_hosted_exam',
    'edx_exam_id_of', 'SUBMITTED_IN_EDX_PROCTORING', 'recording_status', 'RECORDING_LIVE',
    'onboarding_status_at_vendor',
    'kept_onboarding_statuses', 'onboarding_changed', 'credit_min_grade', 'course_settings_of',
    'change_course_settings', 'InvalidSettings', 'support_for', 'site_credit_min_grade', 'exam_rules_in_force',
    'add_reviewer_mark', 'reviewer_marks', 'parse_moment', 'review_stage', 'FIRST_REVIEW', 'person_decisions',
    'reset_onboarding', 'upload_check', 'UPLOAD_CHECK_BYTES', 'send_due_messages', 'announce_exam_openings',
    'parse_id', 'requires_booking', 'sitting_begin_between', 'exam_url', 'book_sitting', 'cancel_booking',
    'booking_of', 'booking_calendar',
    'told_moment', 'place_label',
    'SITTING_PLACES', 'booking_exams', 'add_sitting', 'exam_sitting', 'exam_schedule', 'exam_booking',
    'bookings_csv', 'cancel_sitting', 'staff_move_booking', 'staff_cancel_booking', 'MONITOR_DECLARATIONS',
    'uses_monitor', 'nominate_monitor', 'decide_nomination', 'course_nominations', 'course_nomination',
    'monitor_report_target', 'file_monitor_report', 'monitor_report_of',
]


# ---- Exams -----------------------------------------------------------------------------------------

validate_exam_settings = authoring.validate_exam_settings
time_zone_names = window.time_zone_names
zone_named = window.zone_named
moment_parts = window.moment_parts
sync_exam = authoring.sync_exam
exam_for_learner = authoring.exam_for_learner
default_provider = authoring.default_provider
provider_records = authoring.records
may_author = roles.may_author
syncs_on_publish = publishing.syncs_on_publish
open_content_without_clock = authoring.open_content_without_clock
CONTENT_CLOSED = content_dates.CONTENT_CLOSED
register_exam_with_provider = authoring.register_with_provider


# ---- The learner's way through an exam (flow/learner.py) -----------------------------------------------

get_exam = learner.get_exam
TimeStatus = learner.TimeStatus
LearnerState = learner.LearnerState
learner_state = learner.learner_state
opt_in = learner.opt_in
consent_terms = learner.consent_terms
refuse_terms = learner.refuse_terms
request_on_campus = learner.request_on_campus
withdraw_on_campus = learner.withdraw_on_campus
on_campus_requests = learner.on_campus_requests
opt_out = learner.opt_out
confirm_checks = learner.confirm_checks
exam_code_max_failures = codes.max_failures
redeem_exam_code = learner.redeem_exam_code
validate_exam_code = learner.validate_exam_code
start = learner.start
submit = learner.submit
submit_expired_attempts = learner.submit_expired_attempts
timer_status = learner.timer_status
assert_answers_accepted = learner.assert_answers_accepted
CAPTURE_LOST_REASON = learner.CAPTURE_LOST_REASON
flag_session = learner.flag_session


# ---- Calls to the provider (flow/calls.py, providers/outbox.py) ----------------------------------------

retry_provider_calls = calls.retry_provider_calls
requeue_provider_call = calls.requeue_provider_call
provider_call_problems = outbox.problems
onboarding_status_at_vendor = onboarding.status_at_vendor
kept_onboarding_statuses = onboarding.kept_statuses
onboarding_changed = onboarding.onboarding_changed


# ---- Reviews, vendors' messages and staff actions (flow/) --------------------------------------------------

record_review = flow_reviews.record_review
record_provider_verdict = flow_reviews.record_provider_verdict
receive_callback = vendor_messages.receive_callback
unlock_exam_code = staff.unlock_exam_code
mark_error = staff.mark_error
reset_attempt = staff.reset_attempt
STAFF_SUBMIT_REASON = staff.STAFF_SUBMIT_REASON
mark_submitted = staff.mark_submitted
mark_stuck_error = staff.mark_stuck_error
attempt_history = staff.attempt_history
set_allowance = staff.set_allowance
remove_allowance = staff.remove_allowance


def results_csv(course_key):
    """The course's proctoring results file (CSV): sessions, review statuses, vendor remarks, decisions."""
    return export.results_csv(course_key)


def record_exam_grade(user, exam, earned, possible):
    """Record what the learner's answers in ``exam`` scored (``earned`` of ``possible`` points)."""
    if possible is None or float(possible) <= 0:
        return
    credit_records.record_grade(user, exam, earned, possible)


def course_progress(user, course_key):
    """
    Return the learner's progress in the course's exams: per exam (``credit.records.ExamProgress``)
    the review status, the grade, and whether it counts toward credit.
    """
    return credit_records.course_progress(user, course_key)


credit_min_grade = credit_models.min_grade
site_credit_min_grade = credit_policy.site_min_grade
course_settings_of = course_settings.of_course
change_course_settings = course_settings.change
InvalidSettings = course_settings.InvalidSettings
support_for = support.support_for
add_reviewer_mark = review_marks.add_mark
reviewer_marks = review_marks.marks_of
parse_moment = review_marks.parse_moment


def exam_rule_choices(provider):
    """Return {rule: label to translate} of the binary exam rules an author chooses for ``provider``."""
    try:
        return dict(get_provider(provider).exam_rule_choices)
    except (UnknownProvider, ImportError):
        return {}


def exam_rules_in_force(exam):
    """
    What ``exam`` allows, as its reviewers read it: the author's rules text, one rule per line, and
    ``(rule, label to translate, True or False)`` for each of its provider's binary rules.
    """
    lines = [line.strip() for line in (exam.rules_text or '').splitlines() if line.strip()]
    try:
        provider = get_provider(exam.provider)
    except (UnknownProvider, ImportError):
        return lines, []
    states = provider.rules_in_force(exam)
    return lines, [(rule, label, states.get(rule, False)) for rule, label in provider.exam_rule_choices.items()]


def available_providers():
    """Return (name, verbose name) for every installed provider."""
    choices = []
    for name in provider_names():
        try:
            choices.append((name, get_provider(name).verbose_name or name))
        except (UnknownProvider, ImportError):
            log.warning('Proctoring provider %s could not be loaded', name)
    return choices


# ---- In-house proctoring (the ``local`` provider): what the exam page uploads ------------------------------

UploadRefused = uploads.UploadRefused
upload_limits = capture.upload_limits
recording_state = capture.recording_state
store_chunk = capture.store_chunk
complete_recording = capture.complete_recording
store_photo = capture.store_photo
capture_plan = capture.capture_plan
upload_check = capture.upload_check
UPLOAD_CHECK_BYTES = capture.UPLOAD_CHECK_BYTES
recording_status = capture.recording_status
RECORDING_LIVE = uploads.LIVE   # ``recording_status``'s ``recording`` while every recording runs
requeue_stale_analyses = capture.requeue_stale_analyses
session_evidence = capture.session_evidence


def analyse_recording(recording_id):
    """
    Analyse one complete recording (the Celery task's body, ``recordings.capture.analyse``); a failed or
    quarantined analysis sends the attempt to a person. Returns the recording's status afterwards.
    """
    return capture.analyse(recording_id, flow_reviews.send_to_person)


# ---- Reviewing sessions recorded on this site ----------------------------------------------------------------

def may_review(user, course_key=None):
    """
    Whether ``user`` may open the review queue, see recordings and decide reviews: in ``course_key``
    (its instructors, support and global staff), or, without one, in every course (support and global staff).
    """
    return roles.may(user, roles.REVIEW, course_key)


awaiting_review = review_queue.awaiting_review
attempt_under_review = review_queue.attempt_under_review
review_queue_entries = review_queue.review_queue_entries
PERSON_DECISIONS = review_queue.PERSON_DECISIONS
review_stage = review_queue.review_stage
FIRST_REVIEW = review_queue.FIRST_REVIEW
person_decisions = flow_reviews.person_decisions
reset_onboarding = staff.reset_onboarding


def take_review(attempt, reviewer):
    """``reviewer`` takes the attempt's review: from now on they see its media (``privacy.access``)."""
    access.take_review(attempt, reviewer)


def may_see_evidence(attempt, user):
    """Whether ``user`` may see the attempt's recordings and photos (``privacy.access``)."""
    return access.may_view(user, attempt, access.RECORDING)


def own_photo(user, attempt_id, kind):
    """The learner's own photo (``user`` or ``id``) of their attempt, as ``review_media``; else ``AttemptNotFound``."""
    return access.open_own_photo(user, attempt_id, kind)


def record_export(user, course_key, kind, size_bytes):
    """Record a download of one of the course's CSV files (``privacy.access``)."""
    return access.record_export(user, course_key, kind, size_bytes)


def may_decide(attempt):
    """Whether a person's review can be recorded on ``attempt`` now (submitted, or decided and appealed)."""
    return (attempt.exam.exam_type == ExamType.PROCTORED and attempt.taking_as_proctored
            and attempt.status in S.COMPLETED)


def review_media(kind, object_id, viewer):
    """
    Open a stored file for ``viewer``: ``kind`` is ``recording``, ``photo`` or ``thumbnail`` (of a finding).
    Return ``(binary file, size, content type)``; raise ``AttemptNotFound`` when there is no such file, or
    when ``viewer`` may not see it (``privacy.access``: the learner their photos, the reviewer who took
    the review, the course team once it is flagged). The viewing is recorded (``privacy.models.MediaView``).
    """
    return access.open_media(kind, object_id, viewer)


# ---- The instructor dashboard: roles, allowances, attempts, the review queue, exports -------------------------

Role = roles
AllowanceResult = allowances.AllowanceResult
Page = search.Page
DEFAULT_PAGE_SIZE = search.DEFAULT_PAGE_SIZE
paginate = search.paginate


course_exams = dashboard_queries.course_exams
course_exam = dashboard_queries.course_exam
find_learner = dashboard_queries.find_learner
course_key_or_none = dashboard_queries.course_key_or_none
course_allowances = dashboard_queries.course_allowances
course_allowance = dashboard_queries.course_allowance
course_allowance_change = dashboard_queries.course_allowance_change
allowance_changes = dashboard_queries.allowance_changes
BulkRow = dashboard_queries.BulkRow
bulk_set_allowances = dashboard_queries.bulk_set_allowances
search_attempts = dashboard_queries.search_attempts
course_attempt = dashboard_queries.course_attempt
attempt_history_with_people = dashboard_queries.attempt_history_with_people
Readiness = dashboard_queries.Readiness
learner_readiness = dashboard_queries.learner_readiness


def read_bulk_file(upload):
    """The text of an uploaded bulk allowance file, or ``NotAllowed`` (see ``allowances.read_bulk_file``)."""
    return allowances.read_bulk_file(upload)


def allowances_csv(course_key):
    """The course's allowances in force (CSV text)."""
    return exam_export.allowances_csv(course_key)


def allowance_changes_csv(course_key):
    """Every change to the course's allowances, with who made it (CSV text)."""
    return exam_export.allowance_changes_csv(course_key)


def attempts_csv(course_key):
    """Every attempt at the course's special exams (CSV text)."""
    return exam_export.attempts_csv(course_key)


def consent_csv(course_key):
    """Every answer to the proctoring terms of the course's exams (CSV text)."""
    return exam_export.consent_csv(course_key)


def on_campus_csv(course_key):
    """The open requests for on-campus sittings of the course's exams (CSV text)."""
    return exam_export.on_campus_csv(course_key)


def reviews_csv(course_key):
    """Every review of the course's attempts, vendors' verdicts and people's decisions (CSV text)."""
    return export.reviews_csv(course_key)


# ---- Privacy: retention, retirement, the learner's own data ------------------------------------------------

RETENTION_BATCH_SIZE = flow_privacy.RETENTION_BATCH_SIZE
retention_policy = retention.site_policy
learner_data = privacy_learner_data.learner_data


def retention_plan(now=None, kinds=retention.KINDS):
    """
    What the retention policy would delete now, and the vendors' data it would ask them to delete
    (``retention.VENDOR_DATA``): ``privacy.retention.Candidate`` items, deleting nothing.
    """
    return retention.candidates(retention.site_policy(), now or timezone.now(), kinds=kinds)


enforce_retention = flow_privacy.enforce_retention
retire_user = flow_privacy.retire_user


# ---- Booked sittings (sittings/) ------------------------------------------------------------------------------

requires_booking = sittings.requires_booking
book_sitting = sittings.book
cancel_booking = sittings.cancel
booking_of = sittings.booking_of
booking_calendar = sitting_calendar.booking_calendar
sitting_begin_between = sittings.begin_between
exam_url = links.exam_url
told_moment = sitting_notices.told_moment
place_label = sitting_notices.place_label
SITTING_PLACES = sittings.Sitting.PLACES
booking_exams = schedule.booking_exams
add_sitting = schedule.add_sitting
exam_sitting = schedule.exam_sitting
exam_schedule = schedule.exam_schedule
exam_booking = schedule.exam_booking
bookings_csv = schedule.bookings_csv
cancel_sitting = sittings.cancel_sitting
staff_move_booking = sittings.staff_move
staff_cancel_booking = sittings.staff_cancel


# ---- Nominated exam monitors (monitors/) ----------------------------------------------------------------------

MONITOR_DECLARATIONS = monitors.DECLARATIONS
uses_monitor = monitors.uses_monitor
nominate_monitor = learner.nominate_monitor
decide_nomination = monitors.decide
course_nominations = monitors.course_nominations
course_nomination = monitors.course_nomination
monitor_report_target = monitors.from_report_token
file_monitor_report = monitors.file_report
monitor_report_of = monitors.report_of


# ---- E-mails to learners and exam monitors (messages/) --------------------------------------------------------

send_due_messages = messages.send_due
announce_exam_openings = announcements.announce_openings


# ---- Exams and attempts kept for edx-proctoring's (special_exams/hosting.py) ---------------------------------

host_exam = special_exams.host_exam
hosted_exam = special_exams.hosted_exam
hosted_attempt = special_exams.hosted_attempt
is_hosted_exam = hosted_keys.is_hosted
edx_exam_id_of = hosted_keys.edx_exam_id_of
SUBMITTED_IN_EDX_PROCTORING = hosted_keys.SUBMITTED_IN_EDX_PROCTORING
