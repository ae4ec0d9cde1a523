"""
Need-to-know access to a learner's media (recordings, photos, pictures of suggested moments).

* The learner sees their own photos.
* A reviewer sees an attempt's media once they have taken its review (``ReviewerAssignment``), while
  their role in the course still lets them review.
* The course team sees them once the attempt is flagged: a second review, a rejection, an
  interruption, a suggested moment, or a vendor's doubt.

Nobody else, global staff included: they take the review first, and every view is recorded.
"""
from django.db.models import Q

from ..exams.statuses import AttemptStatus
from ..lms import roles
from ..recordings.models import SessionFlag, VideoFinding
from ..reviews.models import ReviewerAssignment
from ..reviews.outcomes import Outcome

PHOTO = 'photo'


def is_flagged(attempt):
    """Whether something flagged the attempt for the course team's attention."""
    if attempt.status in (AttemptStatus.SECOND_REVIEW_REQUIRED, AttemptStatus.REJECTED):
        return True
    return (SessionFlag.objects.filter(attempt=attempt).exists()
            or VideoFinding.objects.filter(recording__attempt=attempt).exists()
            or attempt.reviews.filter(~Q(outcome__in=(Outcome.SATISFACTORY, Outcome.PENDING))).exists())


def is_assigned(attempt, user):
    """Whether ``user`` took the attempt's review."""
    return ReviewerAssignment.objects.filter(attempt=attempt, reviewer=user).exists()


def may_view(user, attempt, kind):
    """Whether ``user`` may see a stored file of ``kind`` (recording, photo, thumbnail) of ``attempt``."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if attempt.user_id == user.pk:
        return kind == PHOTO
    granted = roles.capabilities(user, attempt.exam.course_key)
    if roles.REVIEW in granted and is_assigned(attempt, user):
        return True
    return roles.VIEW_ATTEMPTS in granted and is_flagged(attempt)
