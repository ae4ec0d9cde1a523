"""
The results file of a course's proctored sessions, like the vendors' own: one row per attempt with
its status, review status, every vendor remark with its time, the people's decisions, and the calls
to the vendor that have not gone through (retrying or dead).
"""
from ..exams.csvfiles import csv_text
from ..exams.models import ExamAttempt
from ..exams.statuses import review_status
from .models import Review

COLUMNS = ('exam', 'exam_type', 'provider', 'username', 'attempt', 'attempt_number', 'status', 'review_status',
           'started_at', 'submitted_at', 'submit_reason', 'vendor_verdicts', 'vendor_comments', 'video_urls',
           'reviewer_decisions', 'vendor_call_problems')


def _remark(comment):
    """One vendor remark as ``[start–end s] status: text``."""
    span = f"{comment.get('start_s', '')}–{comment.get('end_s', '')} s"
    status = f"{comment['status']}: " if comment.get('status') else ''
    return f"[{span}] {status}{comment.get('comment', '')}"


def results_rows(course_key):
    """Yield the results of every attempt at the course's special exams, oldest first (a few queries)."""
    attempts = (ExamAttempt.objects.filter(exam__course_key=str(course_key))
                .select_related('exam', 'user').prefetch_related('reviews__reviewer', 'provider_calls')
                .order_by('exam__pk', 'created', 'pk'))
    for attempt in attempts:
        reviews = list(attempt.reviews.all())
        vendor = [review for review in reviews if not review.by_person]
        people = [review for review in reviews if review.by_person]
        yield {
            'exam': attempt.exam.display_name or attempt.exam.usage_key, 'exam_type': attempt.exam.exam_type,
            'provider': attempt.exam.provider, 'username': attempt.user.username, 'attempt': attempt.pk,
            'attempt_number': attempt.attempt_number, 'status': attempt.status,
            'review_status': review_status(attempt.exam.exam_type, attempt.status) or '',
            'started_at': attempt.started_at.isoformat() if attempt.started_at else '',
            'submitted_at': attempt.submitted_at.isoformat() if attempt.submitted_at else '',
            'submit_reason': attempt.submit_reason,
            'vendor_verdicts': ' | '.join(f'{review.provider}: {review.verdict}' for review in vendor),
            'vendor_comments': ' | '.join(_remark(comment) for review in vendor for comment in review.comments),
            'video_urls': ' | '.join(review.video_url for review in vendor if review.video_url),
            'reviewer_decisions': ' | '.join(
                f'{review.created.isoformat()} {review.reviewer.username}: {review.outcome}'
                + (f' ({review.comment})' if review.comment else '') for review in people),
            'vendor_call_problems': ' | '.join(
                f'{call.action} {call.status} after {call.tries} tries: {call.last_error}'
                for call in attempt.provider_calls.all() if call.status != call.DONE),
        }


def results_csv(course_key):
    """Return the course's results file as CSV text."""
    return csv_text(COLUMNS, results_rows(course_key))


REVIEW_COLUMNS = ('exam', 'username', 'attempt', 'attempt_number', 'attempt_status', 'reviewed_at', 'by',
                  'provider', 'verdict', 'outcome', 'comment', 'vendor_comments', 'contradicts_review')


def review_rows(course_key):
    """Yield every review of the course's attempts, oldest first: vendors' verdicts and people's decisions."""
    reviews = (Review.objects.filter(attempt__exam__course_key=str(course_key))
               .select_related('attempt__exam', 'attempt__user', 'reviewer').order_by('created', 'pk'))
    for review in reviews:
        attempt = review.attempt
        yield {
            'exam': attempt.exam.display_name or attempt.exam.usage_key, 'username': attempt.user.username,
            'attempt': attempt.pk, 'attempt_number': attempt.attempt_number, 'attempt_status': attempt.status,
            'reviewed_at': review.created.isoformat(), 'by': review.reviewer.username if review.reviewer else '',
            'provider': review.provider, 'verdict': review.verdict, 'outcome': review.outcome,
            'comment': review.comment, 'vendor_comments': ' | '.join(_remark(comment) for comment in review.comments),
            'contradicts_review': review.conflicts_with_id or '',
        }


def reviews_csv(course_key):
    """Return every review of the course's attempts as CSV text, one line per review."""
    return csv_text(REVIEW_COLUMNS, review_rows(course_key))
