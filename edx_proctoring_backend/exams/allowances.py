"""
Allowances: extra time, time multipliers, review exemptions and opt-out permissions.

Every change is recorded (``AllowanceChange``) with who made it. An allowance is read when the
learner's clock starts, so a change made after the start leaves that attempt as it is; the change
record names the attempt it did not reach.
"""
import csv
import io
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from .attempts import latest_attempt
from .errors import NotAllowed
from .models import Allowance, AllowanceChange, Exam, ExamAttempt
from .search import MAX_QUERY_LENGTH
from .statuses import AttemptStatus

MAX_EXTRA_MINUTES = 24 * 60
MAX_MULTIPLIER = 10.0


@dataclass(frozen=True)
class EffectiveAllowance:
    """The accommodations that apply to one learner in one exam."""

    extra_minutes: int = 0
    time_multiplier: float = 1.0
    review_exempt: bool = False
    may_opt_out: bool = False


def parse_allowance_value(kind, value):
    """Validate an allowance value for its kind and return it normalised as a string."""
    try:
        if kind == Allowance.ADDITIONAL_MINUTES:
            minutes = int(value)
            if not 0 < minutes <= MAX_EXTRA_MINUTES:
                raise ValueError
            return str(minutes)
        if kind == Allowance.TIME_MULTIPLIER:
            multiplier = float(value)
            if not 1.0 <= multiplier <= MAX_MULTIPLIER:
                raise ValueError
            return repr(multiplier)
        if kind in (Allowance.REVIEW_EXEMPTION, Allowance.OPT_OUT_PERMISSION):
            if str(value).lower() not in ('true', '1', 'yes'):
                raise ValueError
            return 'true'
    except (TypeError, ValueError) as error:
        raise NotAllowed(f'Invalid value for {kind}: {value!r}', code='invalid_allowance') from error
    raise NotAllowed(f'Unknown allowance kind {kind!r}', code='invalid_allowance')


def effective_allowance(exam, user):
    """Return the ``EffectiveAllowance`` of ``user`` in ``exam`` (one query)."""
    values = dict(Allowance.objects.filter(exam=exam, user=user).values_list('kind', 'value'))
    return EffectiveAllowance(
        extra_minutes=int(values.get(Allowance.ADDITIONAL_MINUTES, 0)),
        time_multiplier=float(values.get(Allowance.TIME_MULTIPLIER, 1.0)),
        review_exempt=Allowance.REVIEW_EXEMPTION in values,
        may_opt_out=Allowance.OPT_OUT_PERMISSION in values,
    )


def started_attempt(exam, user):
    """
    The learner's current attempt whose clock already started (or that is finished), which an
    allowance changed now no longer reaches; None when the next start will read it.
    """
    attempt = latest_attempt(exam, user)
    if attempt is None or attempt.status in (AttemptStatus.CREATED, AttemptStatus.READY_TO_START,
                                             AttemptStatus.RESET):
        return None
    return attempt


@dataclass(frozen=True)
class AllowanceResult:
    """What setting or removing an allowance did."""

    allowance: Allowance       # the allowance now in force (None after a removal)
    change: AllowanceChange    # the record of the change (None when nothing changed)
    started_attempt: ExamAttempt = None  # the attempt the change does not reach (already started)


def _lock_allowances(exam):
    """
    Serialise changes to the exam's allowances until the transaction ends: a write to the exam's row,
    which changes nothing, takes MariaDB's row lock and SQLite's write lock before anything is read
    (an allowance that does not exist yet has no row to lock).
    """
    Exam.objects.filter(pk=exam.pk).update(modified=F('modified'))


def set_allowance(exam, user, kind, value, created_by=None):
    """
    Create or replace one allowance and record the change; returns an ``AllowanceResult``. The same
    value again changes nothing (not even who granted it) and records nothing.
    """
    normalised = parse_allowance_value(kind, value)
    with transaction.atomic():
        _lock_allowances(exam)
        current = Allowance.objects.filter(exam=exam, user=user, kind=kind).first()
        started = started_attempt(exam, user)
        old_value = current.value if current is not None else ''
        if old_value == normalised:
            return AllowanceResult(current, None, started)
        if current is None:
            allowance = Allowance.objects.create(exam=exam, user=user, kind=kind, value=normalised,
                                                 created_by=created_by)
        else:
            allowance = current
            allowance.value, allowance.created_by = normalised, created_by
            allowance.save(update_fields=['value', 'created_by', 'modified'])
        change = AllowanceChange.objects.create(
            exam=exam, user=user, kind=kind, old_value=old_value, new_value=normalised,
            changed_by=created_by, started_attempt=started)
    return AllowanceResult(allowance, change, started)


def remove_allowance(exam, user, kind, removed_by=None):
    """Remove one allowance and record the change; returns an ``AllowanceResult`` (``change`` None: there was none)."""
    with transaction.atomic():
        _lock_allowances(exam)
        current = Allowance.objects.filter(exam=exam, user=user, kind=kind).first()
        if current is None:
            return AllowanceResult(None, None, None)
        current.delete()
        started = started_attempt(exam, user)
        change = AllowanceChange.objects.create(
            exam=exam, user=user, kind=kind, old_value=current.value, new_value='', changed_by=removed_by,
            started_attempt=started)
    return AllowanceResult(None, change, started)


MAX_BULK_ROWS = 5000
HEADER_NAMES = frozenset({'username', 'email'})
MAX_BULK_FILE_BYTES = 1024 * 1024


def read_identifiers(csv_text):
    """
    Read the usernames or emails of a bulk allowance file: one per line, or the first column of a CSV.
    Blank lines and repeats are dropped; the order is kept. Raises ``NotAllowed`` for a file that is too
    long. A first row naming the column (see ``looks_like_header``) is kept: only the caller knows
    whether a learner has that name.
    """
    identifiers, seen = [], set()
    try:
        # A byte order mark (a file saved by a spreadsheet, pasted) is not part of the first name.
        for row in csv.reader(io.StringIO(csv_text.lstrip('\ufeff'))):
            cell = (row[0] if row else '').strip()
            if not cell or cell.lower() in seen:
                continue
            if len(cell) > MAX_QUERY_LENGTH or not cell.isprintable():
                raise NotAllowed('A line of the file is not a username or an email.', code='not_an_identifier')
            seen.add(cell.lower())
            identifiers.append(cell)
            if len(identifiers) > MAX_BULK_ROWS:
                raise NotAllowed(f'A bulk file may name at most {MAX_BULK_ROWS} learners.', code='too_many_rows')
    except csv.Error as error:
        # A field over the csv module's limit, a NUL byte, an unclosed quote at the end of the file.
        raise NotAllowed('The file could not be read as a list or a CSV file.', code='file_not_csv') from error
    return identifiers


def read_bulk_file(upload):
    """
    The text of an uploaded bulk allowance file (UTF-8, with or without a byte order mark). Raises
    ``NotAllowed``: ``file_too_large`` over ``MAX_BULK_FILE_BYTES``, ``file_not_text`` when it does not
    decode. The size is checked before anything is read, so a long file is refused, never cut.
    """
    if upload.size is None or upload.size > MAX_BULK_FILE_BYTES:
        raise NotAllowed('The file is too large.', code='file_too_large')
    try:
        return upload.read().decode('utf-8-sig')
    except UnicodeDecodeError as error:
        raise NotAllowed('The file is not UTF-8 text.', code='file_not_text') from error


def looks_like_header(identifier):
    """Whether the first cell of a bulk file may be its column's name (``username``, ``email``, ...)."""
    return identifier.lower() in HEADER_NAMES
