"""
How long the app keeps each kind of personal data of a proctored attempt, and deleting it for good.

The site's policy (``PROCTORING_RETENTION``) gives each kind a ``Rule``:

* ``days``: delete that many days after the exam ended (None: no limit by age);
* ``when_satisfactory``: delete as soon as the review is final and satisfactory (the attempt is
  verified), as Utrecht University does when nothing was suspicious;
* ``keep_flagged_until_closed``: evidence of an attempt that something flagged (an interruption, a
  suggested moment, a vendor's doubt, a second review) is kept while its case is open, whatever its age.

An attempt whose clock runs is never touched; one abandoned before its start ages from its last
change. Deleting an item removes its stored files first and then, in one transaction, its row (or
the field that held it) and the ``PurgedItem`` that records the deletion: a purge killed half-way
leaves rows whose files may be gone, which the next run deletes again (a missing file is no error),
and a second run finds nothing left to do. A recording's suggested moments and their pictures go
with it.
"""
from dataclasses import dataclass, fields
from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce

from ..exams.models import ExamAttempt
from ..exams.statuses import AttemptStatus
from ..recordings.models import AttemptPhoto, Recording, SessionFlag, VideoFinding
from ..recordings.storage import delete_quietly
from ..reviews.models import Review
from ..reviews.outcomes import Outcome
from .models import PurgedItem

RECORDING = 'recording'
USER_PHOTO = 'user_photo'
ID_PHOTO = 'id_photo'
THUMBNAIL = 'thumbnail'
VENDOR_LINK = 'vendor_link'
KINDS = (RECORDING, USER_PHOTO, ID_PHOTO, THUMBNAIL, VENDOR_LINK)

AGE = 'age'                    # the exam ended longer ago than the rule's days
SATISFACTORY = 'satisfactory'  # the review is final and satisfactory

# A case is open while a review is awaited.
OPEN_CASE = (AttemptStatus.SUBMITTED, AttemptStatus.SECOND_REVIEW_REQUIRED)


@dataclass(frozen=True)
class Rule:
    """How long one kind of data is kept."""

    days: int = None
    when_satisfactory: bool = False
    keep_flagged_until_closed: bool = True


# FUN-MOOC's rules: recordings, ID and photos destroyed six weeks after the exam; what a vendor holds
# (its links to recordings) after one year.
DEFAULT_POLICY = {
    RECORDING: Rule(days=42), USER_PHOTO: Rule(days=42), ID_PHOTO: Rule(days=42), THUMBNAIL: Rule(days=42),
    VENDOR_LINK: Rule(days=365),
}


def read_policy(configured):
    """
    The policy from a site's setting: ``{kind: {"days": 42, "when_satisfactory": false,
    "keep_flagged_until_closed": true}}``; kinds it leaves out keep ``DEFAULT_POLICY``'s rule, and
    ``{kind: null}`` keeps that kind without limit. Raises ``ImproperlyConfigured`` for anything else.
    """
    policy = dict(DEFAULT_POLICY)
    if not configured:
        return policy
    if not isinstance(configured, dict):
        raise ImproperlyConfigured('PROCTORING_RETENTION must map kinds of data to rules.')
    names = {field.name for field in fields(Rule)}
    for kind, rule in configured.items():
        if kind not in KINDS:
            raise ImproperlyConfigured(f'PROCTORING_RETENTION: unknown kind {kind!r} (one of {", ".join(KINDS)}).')
        if rule is None:
            policy[kind] = Rule()
            continue
        if not isinstance(rule, dict) or not set(rule) <= names:
            raise ImproperlyConfigured(f'PROCTORING_RETENTION[{kind!r}]: use {sorted(names)}.')
        days = rule.get('days')
        if days is not None and (not isinstance(days, int) or isinstance(days, bool) or days < 0):
            raise ImproperlyConfigured(f'PROCTORING_RETENTION[{kind!r}]["days"]: a whole number of days, or null.')
        policy[kind] = Rule(days=days, when_satisfactory=bool(rule.get('when_satisfactory', False)),
                            keep_flagged_until_closed=bool(rule.get('keep_flagged_until_closed', True)))
    return policy


@dataclass(frozen=True)
class Candidate:
    """One item the policy says to delete now."""

    kind: str
    object_id: int
    attempt_id: int
    course_key: str
    reason: str
    size_bytes: int = 0


@dataclass(frozen=True)
class _Source:
    """Where a kind of data lives: its rows, the path from a row to its attempt, and its size."""

    queryset: object
    attempt_path: str
    size_field: str = ''


def _sources(busy_recordings=False):
    """Where each kind lives; a recording being analysed is left to its analysis unless ``busy_recordings``."""
    recordings = Recording.objects.all() if busy_recordings else Recording.objects.exclude(status=Recording.ANALYSING)
    return {
        RECORDING: _Source(recordings, 'attempt', 'size_bytes'),
        USER_PHOTO: _Source(AttemptPhoto.objects.filter(kind=AttemptPhoto.USER), 'attempt', 'size'),
        ID_PHOTO: _Source(AttemptPhoto.objects.filter(kind=AttemptPhoto.ID), 'attempt', 'size'),
        THUMBNAIL: _Source(VideoFinding.objects.exclude(thumbnail_name=''), 'recording__attempt'),
        VENDOR_LINK: _Source(Review.objects.exclude(video_url=''), 'attempt'),
    }


def _flagged():
    """An expression: something flagged the attempt (``OuterRef('pk')`` is the attempt)."""
    return (Exists(SessionFlag.objects.filter(attempt=OuterRef('pk')))
            | Exists(VideoFinding.objects.filter(recording__attempt=OuterRef('pk')))
            | Exists(Review.objects.filter(attempt=OuterRef('pk'))
                     .exclude(outcome__in=(Outcome.SATISFACTORY, Outcome.PENDING))))


def due_attempts(rule, now):
    """The attempts whose data of a kind with ``rule`` is due for deletion at ``now``, with the reason."""
    attempts = ExamAttempt.objects.exclude(status=AttemptStatus.STARTED).annotate(
        ended=Coalesce('submitted_at', 'deadline', 'modified'))
    reasons = []
    if rule.days is not None:
        reasons.append((AGE, Q(ended__lte=now - timedelta(days=rule.days))))
    if rule.when_satisfactory:
        reasons.append((SATISFACTORY, Q(status=AttemptStatus.VERIFIED)))
    if not reasons:
        return {}
    if rule.keep_flagged_until_closed:
        attempts = attempts.annotate(flagged=_flagged()).exclude(
            Q(flagged=True) & Q(status__in=OPEN_CASE) | Q(status=AttemptStatus.SECOND_REVIEW_REQUIRED))
    due = {}
    for reason, condition in reasons:  # the first reason that applies is the one recorded
        for attempt_id in attempts.filter(condition).values_list('pk', flat=True).iterator():
            due.setdefault(attempt_id, reason)
    return due


def items_of(kind, reasons, limit=None, busy_recordings=False):
    """The stored items of ``kind`` of the attempts ``reasons`` names (``{attempt id: reason}``), as candidates."""
    if not reasons:
        return []
    source = _sources(busy_recordings)[kind]
    rows = source.queryset.filter(**{f'{source.attempt_path}__in': list(reasons)}).annotate(
        attempt_ref=F(f'{source.attempt_path}__pk'), course=F(f'{source.attempt_path}__exam__course_key'))
    values = ['pk', 'attempt_ref', 'course'] + ([source.size_field] if source.size_field else [])
    return [Candidate(kind=kind, object_id=row['pk'], attempt_id=row['attempt_ref'], course_key=row['course'],
                      reason=reasons[row['attempt_ref']], size_bytes=row.get(source.size_field, 0) or 0)
            for row in rows.order_by('pk').values(*values)[:limit]]


def candidates(policy, now, kinds=KINDS, limit=None):
    """The items ``policy`` says to delete at ``now``, kind by kind (at most ``limit`` of each)."""
    due_by_rule = {}   # kinds often share a rule: their attempts are looked up once
    found = []
    for kind in kinds:
        rule = policy.get(kind)
        if rule is None:
            continue
        if rule not in due_by_rule:
            due_by_rule[rule] = due_attempts(rule, now)
        found.extend(items_of(kind, due_by_rule[rule], limit=limit))
    return found


def _stored_files(candidate):
    """
    The names of the stored files of an item (a recording's chunks and its findings' pictures too), or
    None when the item is gone (a recording's pictures go with it).
    """
    if candidate.kind == RECORDING:
        recording = Recording.objects.filter(pk=candidate.object_id).first()
        if recording is None:
            return None
        names = [recording.file_name, *recording.chunks.values_list('file_name', flat=True),
                 *recording.findings.values_list('thumbnail_name', flat=True)]
    else:
        model, field = {USER_PHOTO: (AttemptPhoto, 'file_name'), ID_PHOTO: (AttemptPhoto, 'file_name'),
                        THUMBNAIL: (VideoFinding, 'thumbnail_name'), VENDOR_LINK: (Review, 'video_url')}[candidate.kind]
        values = list(model.objects.filter(pk=candidate.object_id).values_list(field, flat=True))
        if not values or not values[0]:
            return None
        names = values if candidate.kind != VENDOR_LINK else []
    return [name for name in names if name]


def _remove_row(candidate):
    """Delete the item's row (or empty the field that held it)."""
    if candidate.kind == RECORDING:
        Recording.objects.filter(pk=candidate.object_id).delete()
    elif candidate.kind in (USER_PHOTO, ID_PHOTO):
        AttemptPhoto.objects.filter(pk=candidate.object_id).delete()
    elif candidate.kind == THUMBNAIL:
        VideoFinding.objects.filter(pk=candidate.object_id).update(thumbnail_name='')
    elif candidate.kind == VENDOR_LINK:
        Review.objects.filter(pk=candidate.object_id).update(video_url='')


def purge(candidate, storage, now):
    """
    Delete one item for good: its files, then its row and the record of the deletion together.
    Returns the ``PurgedItem``, or None when the item was already gone.
    """
    names = _stored_files(candidate)
    if names is None:
        return None
    for name in names:
        delete_quietly(storage, name)
    with transaction.atomic():
        record, _ = PurgedItem.objects.get_or_create(
            kind=candidate.kind, object_id=candidate.object_id,
            defaults={'attempt_id': candidate.attempt_id, 'course_key': candidate.course_key,
                      'reason': candidate.reason, 'size_bytes': candidate.size_bytes, 'files': len(names),
                      'purged_at': now})
        _remove_row(candidate)
    return record


def enforce(policy, now, storage, batch_size=500):
    """Delete everything ``policy`` says to delete at ``now`` (at most ``batch_size`` of each kind); the records."""
    purged = (purge(candidate, storage, now) for candidate in candidates(policy, now, limit=batch_size))
    return [record for record in purged if record is not None]
