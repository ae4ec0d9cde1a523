"""
Applying reviews: a provider's verdict or a person's decision becomes a ``Review`` row and, through
the policy in ``outcomes``, the attempt's new status. Every change to one attempt's review happens
under ``attempt_lock``, so simultaneous deliveries of one verdict make one review and one transition.
"""
from ..exams.attempts import attempt_lock, transition
from ..exams.errors import NotAllowed
from ..exams.statuses import AttemptStatus, ExamType, is_allowed
from .models import HeldVerdict, Review
from .outcomes import Outcome, outcome_of, resulting_status

PERSON = 'staff'  # the provider name recorded on a person's decision


def _require_reviewable(attempt):
    if attempt.exam.exam_type != ExamType.PROCTORED:
        raise NotAllowed('Only proctored exams are reviewed.')
    if not review_open(attempt):
        raise NotAllowed('The attempt is not submitted yet: its review is not open.', code='review_not_open')


def review_open(attempt):
    """Whether the attempt's review is open: it is no longer running (reviews open at submission)."""
    return attempt.status not in AttemptStatus.IN_PROGRESS


def hold_provider_verdict(attempt, provider, verdict, comments=(), video_url='', message=None):
    """
    Keep, without applying it, a provider's verdict on an attempt whose review is not open; return
    the ``HeldVerdict``, or None when the review is open (apply the verdict instead).
    """
    with attempt_lock(attempt):
        if review_open(attempt):
            return None
        return HeldVerdict.objects.create(attempt=attempt, provider=provider, verdict=verdict,
                                          attempt_status=attempt.status, comments=list(comments),
                                          video_url=video_url or '', message=message)


def _apply(attempt, review, reason):
    """Move the attempt as the review's outcome says, when that move is allowed from where it is."""
    target = resulting_status(review.outcome, decided_by_person=review.by_person)
    if target is None or target == attempt.status:
        return None
    if not is_allowed(attempt.status, target):
        raise NotAllowed(f'A review cannot move an attempt that is {attempt.status!r}.', code='not_reviewable')
    transition(attempt, target, by=review.reviewer, reason=reason[:255])
    return target


def record_provider_verdict(attempt, provider, verdict, comments=(), video_url='', message=None):
    """
    Record a provider's ``verdict`` on ``attempt`` and apply it; return ``(review, new status or None)``.

    The same verdict again changes nothing. A verdict contradicting an earlier one is kept and
    escalated to a second review, never applied: people settle the contradiction.
    """
    _require_reviewable(attempt)
    with attempt_lock(attempt):
        previous = attempt.reviews.filter(reviewer__isnull=True).order_by('-created', '-pk').first()
        if previous is not None and previous.verdict == verdict:
            return previous, None
        outcome = outcome_of(provider, verdict, attempt.exam.course_key)
        review = Review.objects.create(
            attempt=attempt, provider=provider, verdict=verdict, outcome=outcome, comments=list(comments),
            video_url=video_url or '', conflicts_with=previous, message=message,
        )
        if previous is not None:
            decided_by_person = attempt.reviews.filter(reviewer__isnull=False).exists()
            if decided_by_person or not is_allowed(attempt.status, AttemptStatus.SECOND_REVIEW_REQUIRED):
                return review, None
            transition(attempt, AttemptStatus.SECOND_REVIEW_REQUIRED,
                       reason=f'{provider} verdict {verdict!r} contradicts {previous.verdict!r}')
            return review, AttemptStatus.SECOND_REVIEW_REQUIRED
        return review, _apply(attempt, review, f'{provider} review: {verdict}')


def record_decision(attempt, outcome, reviewer, comment=''):
    """
    Record a person's decision (an ``Outcome``) and apply it; return ``(review, new status or None)``.
    The decision and its author are kept with the comment.
    """
    _require_reviewable(attempt)
    if outcome not in Outcome.ALL:
        raise NotAllowed(f'Unknown review outcome {outcome!r}.', code='invalid_review')
    with attempt_lock(attempt):
        review = Review.objects.create(attempt=attempt, provider=PERSON if reviewer else 'system',
                                       reviewer=reviewer, verdict=outcome, outcome=outcome, comment=comment)
        return review, _apply(attempt, review, f'review {outcome}: {comment}')
