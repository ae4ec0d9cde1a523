"""
The course's allowances, attempts, answers to the proctoring terms and requests for on-campus
sittings as CSV files (the reviews are in ``reviews.export``).
"""
from ..privacy.models import ConsentRecord
from .alternatives import course_requests
from .csvfiles import csv_text, iso
from .models import Allowance, AllowanceChange, ExamAttempt

ALLOWANCE_COLUMNS = ('exam', 'exam_id', 'username', 'email', 'kind', 'value', 'granted_by', 'modified')
ALLOWANCE_CHANGE_COLUMNS = ('exam', 'exam_id', 'username', 'kind', 'old_value', 'new_value', 'changed_by',
                            'changed_at', 'attempt_already_started')
ATTEMPT_COLUMNS = ('exam', 'exam_id', 'exam_type', 'username', 'email', 'attempt', 'attempt_number', 'status',
                   'taking_as_proctored', 'started_at', 'deadline', 'submitted_at', 'submit_reason',
                   'extra_minutes', 'time_multiplier')
CONSENT_COLUMNS = ('exam', 'exam_id', 'username', 'terms_version', 'site', 'language', 'accepted', 'answered_at',
                   'attempt_number')
ON_CAMPUS_COLUMNS = ('exam', 'exam_id', 'username', 'email', 'requested_at')


def allowance_rows(course_key):
    """Yield the course's allowances in force, by exam and learner (one query)."""
    allowances = (Allowance.objects.filter(exam__course_key=str(course_key))
                  .select_related('exam', 'user', 'created_by').order_by('exam_id', 'user__username', 'kind'))
    for allowance in allowances:
        yield {'exam': allowance.exam.name, 'exam_id': allowance.exam_id,
               'username': allowance.user.username, 'email': allowance.user.email, 'kind': allowance.kind,
               'value': allowance.value, 'granted_by': allowance.created_by.username if allowance.created_by else '',
               'modified': iso(allowance.modified)}


def allowance_change_rows(course_key):
    """Yield every change to the course's allowances, oldest first (one query)."""
    changes = (AllowanceChange.objects.filter(exam__course_key=str(course_key))
               .select_related('exam', 'user', 'changed_by').order_by('created', 'pk'))
    for change in changes:
        yield {'exam': change.exam.name, 'exam_id': change.exam_id, 'username': change.user.username,
               'kind': change.kind, 'old_value': change.old_value, 'new_value': change.new_value,
               'changed_by': change.changed_by.username if change.changed_by else '',
               'changed_at': iso(change.created), 'attempt_already_started': change.started_attempt_id or ''}


def attempt_rows(course_key):
    """Yield every attempt at the course's special exams, oldest first (one query)."""
    attempts = (ExamAttempt.objects.filter(exam__course_key=str(course_key))
                .select_related('exam', 'user').order_by('exam_id', 'created', 'pk'))
    for attempt in attempts.iterator(chunk_size=2000):
        yield {'exam': attempt.exam.name, 'exam_id': attempt.exam_id, 'exam_type': attempt.exam.exam_type,
               'username': attempt.user.username, 'email': attempt.user.email, 'attempt': attempt.pk,
               'attempt_number': attempt.attempt_number, 'status': attempt.status,
               'taking_as_proctored': attempt.taking_as_proctored, 'started_at': iso(attempt.started_at),
               'deadline': iso(attempt.deadline), 'submitted_at': iso(attempt.submitted_at),
               'submit_reason': attempt.submit_reason, 'extra_minutes': attempt.extra_minutes,
               'time_multiplier': attempt.time_multiplier}


def allowances_csv(course_key):
    """The course's allowances in force (CSV)."""
    return csv_text(ALLOWANCE_COLUMNS, allowance_rows(course_key))


def allowance_changes_csv(course_key):
    """Every change to the course's allowances, with who made it (CSV)."""
    return csv_text(ALLOWANCE_CHANGE_COLUMNS, allowance_change_rows(course_key))


def attempts_csv(course_key):
    """Every attempt at the course's special exams (CSV)."""
    return csv_text(ATTEMPT_COLUMNS, attempt_rows(course_key))


def consent_rows(course_key):
    """Yield every answer to the proctoring terms of the course's exams, oldest first (one query)."""
    answers = (ConsentRecord.objects.filter(exam__course_key=str(course_key))
               .select_related('exam', 'user', 'attempt', 'terms').order_by('created', 'pk'))
    for answer in answers.iterator(chunk_size=2000):
        yield {'exam': answer.exam.name, 'exam_id': answer.exam_id, 'username': answer.user.username,
               'terms_version': answer.terms_version, 'site': answer.terms.site if answer.terms else '',
               'language': answer.language, 'accepted': answer.accepted, 'answered_at': iso(answer.created),
               'attempt_number': answer.attempt.attempt_number if answer.attempt else ''}


def consent_csv(course_key):
    """Every answer learners gave to the proctoring terms: agreed or refused, which version, when (CSV)."""
    return csv_text(CONSENT_COLUMNS, consent_rows(course_key))


def on_campus_csv(course_key):
    """The learners who ask to sit an exam on campus, oldest request first (CSV)."""
    return csv_text(ON_CAMPUS_COLUMNS, ({
        'exam': request.exam.name, 'exam_id': request.exam_id, 'username': request.user.username,
        'email': request.user.email, 'requested_at': iso(request.requested_at),
    } for request in course_requests(course_key)))
