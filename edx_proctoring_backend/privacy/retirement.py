"""
Erasing a retired learner's personal data from this app; attempts keep only what the gradebook
needs (the exam, the attempt number, its status and times, the review's outcome, the grade).

Media of every attempt (recordings, photos, pictures of suggested moments, vendors' links) are
deleted for good through the same purge as the retention policy (recorded as ``PurgedItem`` with the
reason ``retired``); free text that may describe the learner (reviewers' and vendors' comments,
staff's reasons in the history, interruption details) is emptied; the exam codes and allowances go.
Running it twice changes nothing more.
"""
from django.db import transaction

from ..exams.models import Allowance, AttemptTransition, ExamAttempt
from ..recordings.models import AttemptPhoto, Recording, SessionFlag, VideoFinding
from ..reviews.models import Review
from . import retention

RETIRED = 'retired'


def _items(user):
    """Every stored item of the learner's attempts, as purge candidates."""
    attempts = {attempt.pk: attempt.exam.course_key for attempt in
                ExamAttempt.objects.filter(user=user).select_related('exam')}
    items = []
    for recording in Recording.objects.filter(attempt_id__in=attempts).values('pk', 'attempt_id', 'size_bytes'):
        items.append(retention.Candidate(retention.RECORDING, recording['pk'], recording['attempt_id'],
                                         attempts[recording['attempt_id']], RETIRED, recording['size_bytes']))
    for photo in AttemptPhoto.objects.filter(attempt_id__in=attempts).values('pk', 'attempt_id', 'kind', 'size'):
        kind = retention.ID_PHOTO if photo['kind'] == AttemptPhoto.ID else retention.USER_PHOTO
        items.append(retention.Candidate(kind, photo['pk'], photo['attempt_id'], attempts[photo['attempt_id']],
                                         RETIRED, photo['size']))
    for review in Review.objects.filter(attempt_id__in=attempts).exclude(video_url='').values('pk', 'attempt_id'):
        items.append(retention.Candidate(retention.VENDOR_LINK, review['pk'], review['attempt_id'],
                                         attempts[review['attempt_id']], RETIRED))
    return attempts, items


def erase(user, storage, now):
    """Erase the learner's personal data (see the module); return the ``PurgedItem`` records of the media."""
    attempts, items = _items(user)
    purged = [record for record in (retention.purge(item, storage, now) for item in items) if record is not None]
    with transaction.atomic():
        VideoFinding.objects.filter(recording__attempt_id__in=attempts).update(thumbnail_name='')
        Review.objects.filter(attempt_id__in=attempts).update(comment='', comments=[], video_url='')
        SessionFlag.objects.filter(attempt_id__in=attempts).update(detail='')
        # The history keeps every change of status and who made it; the reasons, staff's words, go.
        AttemptTransition.objects.filter(attempt_id__in=attempts).update(reason='')
        ExamAttempt.objects.filter(pk__in=attempts).update(exam_code=None)
        Allowance.objects.filter(user=user).delete()
    return purged
