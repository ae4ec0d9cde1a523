"""
Need-to-know access to a learner's media (recordings, photos, pictures of suggested moments): the one
rule every path to a stored file goes through (``open_media``), and the record of who saw what.

* The learner sees their own photos, never their recordings through these pages.
* Nobody else sees anything of an attempt that is still running: reviews open at submission.
* A reviewer sees an attempt's media once they have taken its review (``take_review``), while their
  role in the course still lets them review. Support and global staff are reviewers like the others.
* The course team (the course's staff and instructors) sees them once the attempt is flagged: a
  second review, a rejection, an interruption, a suggested moment, or a vendor's doubt.

Nobody else, global staff and support included: they take the review first, and every viewing is
recorded.
"""
from datetime import timedelta
from functools import reduce

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from ..exams.errors import AttemptNotFound, NotAllowed
from ..exams.statuses import AttemptStatus
from ..lms import roles
from ..recordings.models import AttemptPhoto, Recording, SessionFlag, VideoFinding
from ..recordings.storage import media_storage
from ..recordings.uploads import main_type
from ..reviews.decisions import review_open
from ..reviews.models import ReviewerAssignment
from ..reviews.outcomes import Outcome
from .models import ExportRecord, MediaView

PHOTO = 'photo'
RECORDING = 'recording'
THUMBNAIL = 'thumbnail'

#: The course's own team, who see a flagged attempt without taking its review.
COURSE_TEAM = (roles.COURSE_STAFF, roles.COURSE_INSTRUCTOR)

#: A person's requests for one file within this many minutes of the first are one viewing (one record).
DEFAULT_VIEWING_MINUTES = 30

# kind: (model, field of the file's name, its content type, path from the item to its attempt)
_MEDIA = {
    RECORDING: (Recording, 'file_name', lambda item: item.content_type or 'video/webm', 'attempt'),
    PHOTO: (AttemptPhoto, 'file_name', lambda item: item.content_type, 'attempt'),
    THUMBNAIL: (VideoFinding, 'thumbnail_name', lambda item: 'image/jpeg', 'recording__attempt'),
}


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
    if not review_open(attempt):
        return False
    role = roles.course_role(user, attempt.exam.course_key)
    if roles.REVIEW in roles.CAPABILITIES[role] and is_assigned(attempt, user):
        return True
    return role in COURSE_TEAM and is_flagged(attempt)


def take_review(attempt, reviewer):
    """
    ``reviewer`` takes the attempt's review: from now on they see its media. Raises ``NotAllowed`` for
    somebody who does not review the course, or while the attempt is still running.
    """
    if not roles.may(reviewer, roles.REVIEW, attempt.exam.course_key):
        raise NotAllowed('Only a reviewer of the course may take this review.', code='not_a_reviewer')
    if not review_open(attempt):
        raise NotAllowed('The review opens when the attempt is submitted.', code='review_not_open')
    ReviewerAssignment.objects.get_or_create(attempt=attempt, reviewer=reviewer)


def viewing_window():
    """How long a person's requests for one file count as one viewing (``PROCTORING_MEDIA_VIEWING_MINUTES``)."""
    return timedelta(minutes=getattr(settings, 'PROCTORING_MEDIA_VIEWING_MINUTES', DEFAULT_VIEWING_MINUTES))


def record_viewing(viewer, attempt, kind, object_id):
    """
    Record that ``viewer`` is sent bytes of a file, once per viewing: a video's player asks for it in many
    ranges, in any order and form, and each request within the window of the first is the same viewing.
    """
    since = timezone.now() - viewing_window()
    seen = MediaView.objects.filter(viewer=viewer, kind=kind, object_id=object_id, viewed_at__gte=since)
    if not seen.exists():
        MediaView.objects.create(viewer=viewer, attempt=attempt, kind=kind, object_id=object_id)


def open_media(kind, object_id, viewer):
    """
    Open a stored file for ``viewer``: ``kind`` is ``recording``, ``photo`` or ``thumbnail`` (of a finding).
    Return ``(binary file, size, content type)`` and record the viewing; raise ``AttemptNotFound`` when
    there is no such file or ``viewer`` may not see it (``may_view``), recording nothing.
    """
    if kind not in _MEDIA:
        raise AttemptNotFound()
    model, name_field, content_type, attempt_path = _MEDIA[kind]
    item = model.objects.select_related(f'{attempt_path}__exam').filter(pk=object_id).first()
    name = getattr(item, name_field, '') if item is not None else ''
    if not name:
        raise AttemptNotFound()
    attempt = reduce(getattr, attempt_path.split('__'), item)
    if not may_view(viewer, attempt, kind):
        raise AttemptNotFound()
    storage = media_storage()
    try:
        opened = storage.open(name, 'rb'), storage.size(name), main_type(content_type(item))
    except (FileNotFoundError, OSError) as error:
        raise AttemptNotFound() from error
    record_viewing(viewer, attempt, kind, object_id)
    return opened


def open_own_photo(user, attempt_id, kind):
    """The learner's own photo (``user`` or ``id``) of their attempt, as ``open_media``; else ``AttemptNotFound``."""
    photo = AttemptPhoto.objects.filter(attempt_id=attempt_id, attempt__user=user, kind=kind).first()
    if photo is None:
        raise AttemptNotFound()
    return open_media(PHOTO, photo.pk, viewer=user)


def record_export(user, course_key, kind, size_bytes):
    """Record that ``user`` downloaded the course's file of ``kind`` (``size_bytes`` long)."""
    return ExportRecord.objects.create(user=user, course_key=str(course_key), kind=kind, size_bytes=size_bytes)
