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
from ..recordings.models import SessionFlag
from ..reviews.models import HeldVerdict, Review
from . import retention

RETIRED = 'retired'


def erase(user, storage, now):
    """Erase the learner's personal data (see the module); return the ``PurgedItem`` records of the media."""
    attempt_ids = ExamAttempt.objects.filter(user=user).values_list('pk', flat=True)
    attempts = {attempt_id: RETIRED for attempt_id in attempt_ids}
    # Every item, a recording being analysed too; the pictures of its moments go with each recording. What
    # vendors hold goes at their retirement call (api.retire_user), not session by session.
    items = [item for kind in retention.KINDS for item in retention.items_of(kind, attempts, busy_recordings=True)]
    purged = [record for record in (retention.purge(item, storage, now) for item in items) if record is not None]
    with transaction.atomic():
        Review.objects.filter(attempt_id__in=attempts).update(comment='', comments=[], video_url='')
        HeldVerdict.objects.filter(attempt_id__in=attempts).update(comments=[], video_url='')
        SessionFlag.objects.filter(attempt_id__in=attempts).update(detail='')
        # The history keeps every change of status and who made it; the reasons, staff's words, go.
        AttemptTransition.objects.filter(attempt_id__in=attempts).update(reason='')
        ExamAttempt.objects.filter(pk__in=attempts).update(exam_code=None)
        Allowance.objects.filter(user=user).delete()
    return purged
