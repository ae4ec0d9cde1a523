"""
How long the app keeps each kind of personal data of a proctored attempt, and deleting it for good.

The site's policy (``PROCTORING_RETENTION``) gives each kind a ``Rule``:

* ``days``: delete that many days after the exam ended (None: no limit by age);
* ``when_satisfactory``: delete as soon as the review is final and satisfactory (the attempt is
  verified), as Utrecht University does when nothing was suspicious;
* ``keep_flagged_until_closed``: evidence of an attempt that something flagged (an interruption, a
  suggested moment, a vendor's doubt, a second review) is kept while its case is open, whatever its age.

The ``vendor_link`` rule covers what a vendor holds: our link to its recording and, when the rule is
due, the vendor's own copy of the session (``VENDOR_DATA``: asked of providers with
``Feature.DELETE_SESSION_DATA`` for attempts they have a session of).

An attempt whose clock runs is never touched; one abandoned before its start ages from its last
change. A practice exam taken again keeps only the latest attempt's media: the earlier attempts'
recordings, photos and pictures go at the retake (``purge_superseded``) and at every run.

Deleting an item removes its stored files first and then, in one transaction, its row (or
the field that held it) and the ``PurgedItem`` that records the deletion: a purge killed half-way
leaves rows whose files may be gone, which the next run deletes again (a missing file is no error),
and a second run finds nothing left to do. A recording's suggested moments and their pictures go
with it. A vendor's data is asked for once: its ``PurgedItem`` and a pending ``ProviderCall`` are
written together, and the provider-call retries ask again, without limit, until the vendor answers.
"""
from dataclasses import dataclass, fields
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce

from ..exams.models import ExamAttempt
from ..exams.statuses import AttemptStatus, ExamType
from ..providers import outbox
from ..providers.base import Feature
from ..providers.models import ProviderCall
from ..providers.registry import providers_with
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
# A nominated exam monitor's details and report: erased by ``monitors.nominations.erase`` (``flow.privacy``),
# the nomination's row kept, days after the last exam it covers closed.
MONITOR = 'monitor'
POLICY_KINDS = (*KINDS, MONITOR)
VENDOR_DATA = 'vendor_data'    # a vendor's copy of a session (the item is the attempt), under the vendor_link rule
# The items each kind's rule deletes, where they are more than the kind's own.
ITEMS_OF_KIND = {VENDOR_LINK: (VENDOR_LINK, VENDOR_DATA)}

AGE = 'age'                    # the exam ended longer ago than the rule's days
SATISFACTORY = 'satisfactory'  # the review is final and satisfactory
SUPERSEDED = 'superseded'      # a practice exam taken again: only the latest attempt's media are kept
# What a superseded practice attempt loses (a recording takes its pictures with it).
MEDIA_KINDS = (RECORDING, USER_PHOTO, ID_PHOTO, THUMBNAIL)

# A case is open while a review is awaited.
OPEN_CASE = (AttemptStatus.SUBMITTED, AttemptStatus.SECOND_REVIEW_REQUIRED)


@dataclass(frozen=True)
class Rule:
    """How long one kind of data is kept."""

    days: int = None
    when_satisfactory: bool = False
    keep_flagged_until_closed: bool = True


# FUN-MOOC's rules: recordings, ID and photos destroyed six weeks after the exam; what a vendor holds
# (its recordings, and our links to them) after one year.
DEFAULT_POLICY = {
    RECORDING: Rule(days=42), USER_PHOTO: Rule(days=42), ID_PHOTO: Rule(days=42), THUMBNAIL: Rule(days=42),
    VENDOR_LINK: Rule(days=365), MONITOR: Rule(days=42),
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
        if kind not in POLICY_KINDS:
            raise ImproperlyConfigured(
                f'PROCTORING_RETENTION: unknown kind {kind!r} (one of {", ".join(POLICY_KINDS)}).')
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
    attempt_path: str   # '' when the rows are the attempts
    size_field: str = ''

    def attempt_field(self, name):
        """The lookup from a row to ``name`` of its attempt."""
        return f'{self.attempt_path}__{name}' if self.attempt_path else name


def _sources(busy_recordings=False):
    """Where each kind lives; a recording being analysed is left to its analysis unless ``busy_recordings``."""
    recordings = Recording.objects.all() if busy_recordings else Recording.objects.exclude(status=Recording.ANALYSING)
    return {
        RECORDING: _Source(recordings, 'attempt', 'size_bytes'),
        USER_PHOTO: _Source(AttemptPhoto.objects.filter(kind=AttemptPhoto.USER), 'attempt', 'size'),
        ID_PHOTO: _Source(AttemptPhoto.objects.filter(kind=AttemptPhoto.ID), 'attempt', 'size'),
        THUMBNAIL: _Source(VideoFinding.objects.exclude(thumbnail_name=''), 'recording__attempt'),
        VENDOR_LINK: _Source(Review.objects.exclude(video_url=''), 'attempt'),
        VENDOR_DATA: _Source(_held_by_vendors(), ''),
    }


def _held_by_vendors():
    """The attempts a vendor that deletes on request has a session of, not yet asked for."""
    return (ExamAttempt.objects.exclude(provider_attempt_id='')
            .filter(exam__provider__in=providers_with(Feature.DELETE_SESSION_DATA))
            .exclude(Exists(PurgedItem.objects.filter(kind=VENDOR_DATA, object_id=OuterRef('pk')))))


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
    rows = source.queryset.filter(**{source.attempt_field('pk__in'): list(reasons)}).annotate(
        attempt_ref=F(source.attempt_field('pk')), course=F(source.attempt_field('exam__course_key')))
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
        for item_kind in ITEMS_OF_KIND.get(kind, (kind,)):
            found.extend(items_of(item_kind, due_by_rule[rule], limit=limit))
    return found


def _stored_files(candidate):
    """
    The names of the stored files of an item (a recording's chunks and its findings' pictures too), or
    None when the item is gone (a recording's pictures go with it).
    """
    if candidate.kind == VENDOR_DATA:
        return []   # the vendor's: nothing stored here
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


def _remove_row(candidate, now):
    """Delete the item's row (or empty the field that held it); a vendor's data, ask the vendor to delete."""
    if candidate.kind == RECORDING:
        Recording.objects.filter(pk=candidate.object_id).delete()
    elif candidate.kind in (USER_PHOTO, ID_PHOTO):
        AttemptPhoto.objects.filter(pk=candidate.object_id).delete()
    elif candidate.kind == THUMBNAIL:
        VideoFinding.objects.filter(pk=candidate.object_id).update(thumbnail_name='')
    elif candidate.kind == VENDOR_LINK:
        Review.objects.filter(pk=candidate.object_id).update(video_url='')
    elif candidate.kind == VENDOR_DATA:
        provider = ExamAttempt.objects.filter(pk=candidate.object_id).values_list('exam__provider', flat=True).get()
        ProviderCall.queue(candidate.object_id, provider, ProviderCall.DELETE_SESSION_DATA, now)


def purge(candidate, storage, now):
    """
    Delete one item for good: its files, then its row and the record of the deletion together (a
    vendor's data: the record and the call asking the vendor, made by ``api.enforce_retention`` and
    the provider-call retries). Returns the ``PurgedItem``, or None when the item was already gone.
    """
    names = _stored_files(candidate)
    if names is None:
        return None
    for name in names:
        delete_quietly(storage, name)
    with transaction.atomic():
        record, created = PurgedItem.objects.get_or_create(
            kind=candidate.kind, object_id=candidate.object_id,
            defaults={'attempt_id': candidate.attempt_id, 'course_key': candidate.course_key,
                      'reason': candidate.reason, 'size_bytes': candidate.size_bytes, 'files': len(names),
                      'purged_at': now})
        if created or candidate.kind != VENDOR_DATA:   # a vendor is asked once, by the run that records it
            _remove_row(candidate, now)
    return record


def superseded_practice_attempts(exam_id=None, user_id=None):
    """
    ``{attempt id: SUPERSEDED}`` of practice attempts that a later attempt of the same learner at the same
    exam follows (of one exam and learner, where given).
    """
    later = ExamAttempt.objects.filter(exam=OuterRef('exam'), user=OuterRef('user'), pk__gt=OuterRef('pk'))
    attempts = ExamAttempt.objects.filter(exam__exam_type=ExamType.PRACTICE).filter(Exists(later))
    if exam_id is not None:
        attempts = attempts.filter(exam_id=exam_id)
    if user_id is not None:
        attempts = attempts.filter(user_id=user_id)
    return {attempt_id: SUPERSEDED for attempt_id in attempts.values_list('pk', flat=True)}


def purge_superseded(storage, now, exam_id=None, user_id=None, batch_size=500):
    """Delete the media of superseded practice attempts (``superseded_practice_attempts``); return the records."""
    reasons = superseded_practice_attempts(exam_id=exam_id, user_id=user_id)
    purged = (purge(candidate, storage, now) for kind in MEDIA_KINDS
              for candidate in items_of(kind, reasons, limit=batch_size))
    return [record for record in purged if record is not None]


def enforce(policy, now, storage, batch_size=500):
    """
    Delete everything ``policy`` says to delete at ``now`` (at most ``batch_size`` of each kind), and the
    media of superseded practice attempts; return the records.
    """
    purged = (purge(candidate, storage, now) for candidate in candidates(policy, now, limit=batch_size))
    return [record for record in purged if record is not None] + purge_superseded(storage, now, batch_size=batch_size)


def site_policy():
    """The site's retention policy (``PROCTORING_RETENTION`` over ``DEFAULT_POLICY``)."""
    return read_policy(getattr(settings, 'PROCTORING_RETENTION', None))


def enforce_and_ask_vendors(now, storage, perform, batch_size=500):
    """
    Delete for good what the site's policy says to delete at ``now`` (at most ``batch_size`` items of each
    kind a run), and ask the vendors to delete their data that is due (``perform`` makes a provider call,
    see ``providers.outbox``); return the ``PurgedItem`` records. Safe to run twice and to kill half-way:
    the next run finishes what was begun, and a vendor not reached is asked again by the call retries.
    """
    purged = enforce(site_policy(), now, storage, batch_size=batch_size)
    asked = [record.attempt_id for record in purged if record.kind == VENDOR_DATA]
    unreachable = set()   # a vendor down must not hold the run up call after call: the retries ask it later
    for call in ProviderCall.objects.filter(attempt_id__in=asked, action=ProviderCall.DELETE_SESSION_DATA,
                                            status=ProviderCall.PENDING, next_try_at__lte=now).order_by('pk'):
        if call.provider not in unreachable and outbox.make_kept_call(call, now, perform) == ProviderCall.PENDING:
            unreachable.add(call.provider)
    return purged
