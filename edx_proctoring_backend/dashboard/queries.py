"""
What the instructor dashboard (its pages and its REST API) asks of the domain: a course's exams,
allowances and attempts, learners looked up within the course, the bulk allowance, and a learner's
readiness. Each query is the course's only: an object of another course is "not found".
"""
from dataclasses import dataclass

from django.db import transaction
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from ..exams import allowances, search
from ..exams.errors import AllowanceNotFound, AttemptNotFound, ExamNotFound
from ..exams.ids import parse_id
from ..exams.models import Allowance, AllowanceChange, Exam, ExamAttempt
from ..exams.statuses import AttemptStatus, ExamType, practice_result
from ..lms.enrollment import enrollment_mode
from ..providers import onboarding as onboarding_profiles
from ..providers.base import Feature
from ..providers.http import VendorError
from ..providers.registry import UnknownProvider, get_provider
from ..recordings import capture


def course_exams(course_key):
    """The course's special exams, in the order they were created."""
    return list(Exam.objects.filter(course_key=str(course_key)).order_by('pk'))


def course_exam(course_key, exam_id):
    """Return the course's exam ``exam_id``; an exam of another course is "not found"."""
    exam = Exam.objects.filter(course_key=str(course_key), pk=exam_id).first()
    if exam is None:
        raise ExamNotFound()
    return exam


def find_learner(identifier, course_key):
    """
    Return the learner of the course whose username or email is ``identifier``, or None: somebody
    enrolled in the course (inside the LMS; standalone, everybody is) or with an attempt at one of its
    exams. Staff of one course learn nothing of the site's other users.
    """
    user = search.find_user(identifier)
    if user is None:
        return None
    if enrollment_mode(user, course_key) is not None:
        return user
    if ExamAttempt.objects.filter(user=user, exam__course_key=str(course_key)).exists():
        return user
    return None


def course_key_or_none(text):
    """The course key ``text`` names, normalised, or None when it names no course."""
    try:
        return str(CourseKey.from_string(str(text)))
    except InvalidKeyError:
        return None


def course_allowances(course_key, exam_id=None, query=''):
    """The allowances in force in the course, by exam and learner (filter by exam and learner)."""
    found = (Allowance.objects.filter(exam__course_key=str(course_key))
             .select_related('exam', 'user', 'created_by').order_by('exam_id', 'user__username', 'kind'))
    if exam_id:
        found = found.filter(exam_id=exam_id)
    if query and query.strip():
        found = found.filter(search.learner_filter(query))
    return found


def course_allowance(course_key, allowance_id):
    """Return the course's allowance ``allowance_id``; another course's is "not found"."""
    allowance = (Allowance.objects.select_related('exam', 'user')
                 .filter(pk=allowance_id, exam__course_key=str(course_key)).first())
    if allowance is None:
        raise AllowanceNotFound()
    return allowance


def course_allowance_change(course_key, change_id):
    """The course's allowance change ``change_id`` with its learner, or None (another course's: None)."""
    try:
        change_id = parse_id(change_id)
    except ValueError:
        return None
    if change_id is None:
        return None
    return AllowanceChange.objects.select_related('user').filter(pk=change_id, exam__course_key=str(course_key)).first()


def allowance_changes(course_key, limit=None):
    """Every change to the course's allowances, newest first, with who made it."""
    changes = (AllowanceChange.objects.filter(exam__course_key=str(course_key))
               .select_related('exam', 'user', 'changed_by').order_by('-created', '-pk'))
    return changes[:limit] if limit else changes


@dataclass(frozen=True)
class BulkRow:
    """What a bulk allowance did for one line of the file."""

    identifier: str
    outcome: str          # added, updated, unchanged, unknown_learner
    user: object = None
    started_attempt: object = None   # the attempt already running, which the allowance does not reach


def bulk_set_allowances(exam, csv_text, kind, value, by):
    """
    Grant the same allowance to every learner a file names (usernames or emails, see
    ``allowances.read_identifiers``; a first line ``username`` or ``email`` is the header unless a learner
    has that name); return one ``BulkRow`` per learner. The value is checked before anything is
    written; somebody who is no learner of the course is reported and the others still get it.
    All the file's allowances are written in one transaction.
    """
    allowances.parse_allowance_value(kind, value)
    rows = []
    with transaction.atomic():  # the whole file or nothing: a request cut short leaves no half
        for number, identifier in enumerate(allowances.read_identifiers(csv_text)):
            user = find_learner(identifier, exam.course_key)
            if user is None and number == 0 and allowances.looks_like_header(identifier):
                continue  # the column's name, unless a learner is called so
            if user is None:
                rows.append(BulkRow(identifier, 'unknown_learner'))
                continue
            result = allowances.set_allowance(exam, user, kind, value, created_by=by)
            if result.change is None:
                outcome = 'unchanged'
            else:
                outcome = 'updated' if result.change.old_value else 'added'
            rows.append(BulkRow(identifier, outcome, user, result.started_attempt))
    return rows


def search_attempts(course_key, query='', exam_id=None, status=None, page=1, page_size=search.DEFAULT_PAGE_SIZE,
                    user=None):
    """
    One page (``exams.search.Page``) of the course's attempts, newest first, matching a learner
    (``query``: username or email), an exam and a status; ``user``: that learner's own only. At most
    five queries a page (see ``exams.search``), whatever the number of attempts. Raises ``ValueError``
    for an unknown status.
    """
    return search.paginate(search.course_attempts(course_key, query=query, exam_id=exam_id, status=status,
                                                  user=user), page=page, page_size=page_size)


def course_attempt(course_key, attempt_id, user=None):
    """Return the course's attempt ``attempt_id`` (``user``: only if it is theirs); else ``AttemptNotFound``."""
    attempts = ExamAttempt.objects.select_related('exam', 'user').filter(pk=attempt_id,
                                                                         exam__course_key=str(course_key))
    if user is not None:
        attempts = attempts.filter(user=user)
    attempt = attempts.first()
    if attempt is None:
        raise AttemptNotFound()
    return attempt


def attempt_history_with_people(attempt):
    """The attempt's status changes, oldest first, with who made each."""
    return list(attempt.history.select_related('changed_by'))


@dataclass
class Readiness:
    """How ready a learner is for the course's proctored exams: practice attempts and onboarding."""

    user: object
    practice: list    # [{'exam', 'attempt' or None, 'result': 'complete' / 'failed' / None, 'attempts': n}]
    onboarding: list  # [{'provider', 'verbose_name', 'status': 'approved' / ... / 'unavailable'}]


def learner_readiness(user, course_key):
    """
    Return the learner's ``Readiness`` in the course: each practice exam's latest attempt and result,
    and, for each provider with onboarding that a proctored exam of the course uses, the learner's
    onboarding status as the vendor says (``unavailable`` while it cannot be reached).
    """
    exams = course_exams(course_key)
    attempts = {}
    counts = {}
    taken = ExamAttempt.objects.filter(exam__in=exams, user=user).exclude(status=AttemptStatus.RESET)
    for attempt in taken.order_by('attempt_number'):  # a reset attempt was taken back: it does not count
        attempts[attempt.exam_id] = attempt
        counts[attempt.exam_id] = counts.get(attempt.exam_id, 0) + 1
    practice = []
    practice_exams = [exam for exam in exams if exam.exam_type == ExamType.PRACTICE]
    interrupted = capture.interrupted_recordings((attempts[exam.pk].pk, exam) for exam in practice_exams
                                                 if exam.pk in attempts)
    for exam in practice_exams:
        latest = attempts.get(exam.pk)
        result = practice_result(latest.status, latest.submit_reason, latest.pk in interrupted) if latest else None
        practice.append({'exam': exam, 'attempt': latest, 'attempts': counts.get(exam.pk, 0), 'result': result})
    onboarding = []
    for name in sorted({exam.provider for exam in exams if exam.exam_type == ExamType.PROCTORED}):
        try:
            provider = get_provider(name)
        except (UnknownProvider, ImportError):
            continue
        if Feature.ONBOARDING not in provider.features:
            continue
        try:
            status = onboarding_profiles.status_at_vendor(provider, user)
        except VendorError:
            status = 'unavailable'
        onboarding.append({'provider': name, 'verbose_name': provider.verbose_name or name, 'status': status})
    return Readiness(user=user, practice=practice, onboarding=onboarding)
