"""
Who decides, and what awaits them: the attempts a person must review, oldest first.

An attempt awaits a person when a review asked for a second look (any provider), and, for exams
recorded on this site or watched by a nominated monitor, as soon as it is submitted: there a person
always makes the decision.
"""
from django.db.models import Q, prefetch_related_objects

from ..exams.errors import AttemptNotFound
from ..exams.models import ExamAttempt
from ..exams.statuses import AttemptStatus, ExamType
from ..providers.registry import UnknownProvider, get_provider, provider_names
from ..recordings.models import Recording
from .outcomes import Outcome

PAGE_SIZE = 50


def awaiting_person(person_decides_providers, course_key=None):
    """
    The attempts awaiting a person's decision, oldest submission first, with their exam, learner and
    recordings fetched along (a constant number of queries however long the page).

    ``person_decides_providers``: the names of the providers whose every session a person reviews.
    """
    waiting = Q(status=AttemptStatus.SECOND_REVIEW_REQUIRED) | Q(
        status=AttemptStatus.SUBMITTED, exam__provider__in=list(person_decides_providers))
    attempts = ExamAttempt.objects.filter(waiting, exam__exam_type=ExamType.PROCTORED, taking_as_proctored=True)
    if course_key is not None:
        attempts = attempts.filter(exam__course_key=str(course_key))
    return (attempts.select_related('exam', 'user').prefetch_related('recordings', 'reviews')
            .order_by('submitted_at', 'pk'))


# Who decides an attempt awaiting a person (the author guide's two stages of a second review).
FIRST_REVIEW = 'first_review'        # a session recorded on this site, submitted: any reviewer of the course
SUPPORT_STAGE = 'support'            # a second review (a suspicious or contradicting verdict): support first
COURSE_TEAM_STAGE = 'course_team'    # a person escalated it: the course team makes the final decision


def review_stage(attempt):
    """``attempt``'s stage of review while it awaits a person (uses its prefetched ``reviews``), else None."""
    if attempt.status == AttemptStatus.SUBMITTED:
        return FIRST_REVIEW
    if attempt.status != AttemptStatus.SECOND_REVIEW_REQUIRED:
        return None
    latest = max(attempt.reviews.all(), key=lambda review: (review.created, review.pk), default=None)
    escalated = latest is not None and latest.by_person and latest.outcome == Outcome.SECOND_REVIEW
    return COURSE_TEAM_STAGE if escalated else SUPPORT_STAGE


def person_decides_providers():
    """
    The configured providers whose every session a person reviews (``person_decides``: those recording on
    this site, and exam monitors).
    """
    names = []
    for name in provider_names():
        try:
            if get_provider(name).person_decides:
                names.append(name)
        except (UnknownProvider, ImportError):
            continue
    return names


def awaiting_review(course_key=None, limit=PAGE_SIZE):
    """
    Return the attempts awaiting a person's decision, oldest submission first (at most ``limit``), each as
    ``{'attempt', 'recordings': [{'kind', 'status', 'percent'}], 'stage': review_stage}``; ``percent`` is the
    analysis progress (0–100) while analysing and once analysed, else None.
    """
    entries = []
    for attempt in awaiting_person(person_decides_providers(), course_key)[:limit]:
        recordings = []
        for recording in sorted(attempt.recordings.all(), key=lambda item: item.kind):
            percent = None
            if recording.status == Recording.ANALYSING:
                percent = int(recording.analysis_progress * 100)
            elif recording.status == Recording.ANALYSED:
                percent = 100
            recordings.append({'kind': recording.kind, 'status': recording.status, 'percent': percent})
        entries.append({'attempt': attempt, 'recordings': recordings, 'stage': review_stage(attempt)})
    return entries


def attempt_under_review(attempt_id):
    """Return the proctored attempt ``attempt_id`` with its exam and learner; raise ``AttemptNotFound``."""
    attempt = ExamAttempt.objects.select_related('exam', 'user').filter(
        pk=attempt_id, exam__exam_type=ExamType.PROCTORED).first()
    if attempt is None:
        raise AttemptNotFound()
    return attempt


# What a person may decide on a review; the second review escalates (support, then the course team).
PERSON_DECISIONS = (Outcome.SATISFACTORY, Outcome.UNSATISFACTORY, Outcome.SECOND_REVIEW)


def review_queue_entries(course_key=None, limit=PAGE_SIZE):
    """
    The attempts awaiting a person's decision (a second review, a suspicious verdict, a failed
    analysis, or a session recorded on this site), oldest first, each with what was flagged::

        {'attempt', 'recordings': [...as awaiting_review...], 'why': the history's reason for the wait,
         'moments': [{'kind', 'source', 'text', and 'start_s', 'end_s' (video seconds) or 'at' (a time)}]}

    A constant number of queries however long the queue.
    """
    entries = awaiting_review(course_key=course_key, limit=limit)
    attempts = [entry['attempt'] for entry in entries]
    prefetch_related_objects(attempts, 'recordings__findings', 'session_flags', 'reviews', 'history')
    for entry in entries:
        attempt = entry['attempt']
        moments = []
        for recording in attempt.recordings.all():
            for finding in recording.findings.all():
                moments.append({'kind': finding.kind, 'source': recording.kind, 'start_s': finding.start_s,
                                'end_s': finding.end_s, 'text': ''})
        for flag in attempt.session_flags.all():
            moments.append({'kind': flag.kind, 'source': 'session', 'at': flag.at, 'text': flag.detail})
        for review in attempt.reviews.all():
            for comment in review.comments:
                moments.append({'kind': comment.get('status') or 'remark', 'source': review.provider,
                                'start_s': comment.get('start_s'), 'end_s': comment.get('end_s'),
                                'text': comment.get('comment', '')})
        waits = [change for change in attempt.history.all() if change.to_status == attempt.status]
        entry['why'] = waits[-1].reason if waits else ''
        entry['moments'] = moments
    return entries
