"""
Erasing a retired learner's personal data from this app; attempts keep only what the gradebook
needs (the exam, the attempt number, its status and times, the review's outcome, the grade).

Media of every attempt (recordings, photos, pictures of suggested moments, vendors' links) are
deleted for good through the same purge as the retention policy (recorded as ``PurgedItem`` with the
reason ``retired``); free text that may describe the learner (reviewers' and vendors' comments,
staff's reasons in the history, interruption details) is emptied; the exam codes and allowances go,
and so do the values in the allowances' history (an accommodation can reveal a disability): who
changed which kind of allowance, and when, is kept. The onboarding statuses kept of the vendors'
answers, the e-mails to the learner and their bookings of sittings (freeing their seats) are
deleted; their exam monitors' details and reports are erased. Running it twice changes nothing more.
"""
import logging

from django.db import transaction

from ..exams.models import Allowance, AllowanceChange, AttemptTransition, ExamAttempt
from ..messages import sending
from ..monitors import nominations as monitors
from ..providers import onboarding, outbox
from ..providers.base import Feature
from ..providers.models import ProviderCall
from ..providers.registry import UnknownProvider, get_provider
from ..recordings.models import SessionFlag
from ..reviews.models import HeldVerdict, Review, ReviewerMark
from ..sittings import booking as sittings
from . import retention

RETIRED = 'retired'

log = logging.getLogger(__name__)


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
        ReviewerMark.objects.filter(attempt_id__in=attempts).update(note='')
        # The history keeps every change of status and who made it; the reasons, staff's words, go.
        AttemptTransition.objects.filter(attempt_id__in=attempts).update(reason='')
        ExamAttempt.objects.filter(pk__in=attempts).update(exam_code=None, software_url='')
        Allowance.objects.filter(user=user).delete()
        AllowanceChange.objects.filter(user=user).update(old_value='', new_value='')
        onboarding.forget(user)   # the vendors erase their own profiles at their retirement call
        sending.forget(user)
        sittings.forget(user)
        monitors.forget(user)
    return purged


def retire(user, storage, now, perform):
    """
    The learner's account is retired: erase their personal data here (``privacy.retirement``) and ask
    every provider that holds some (``Feature.RETIRE_USER``) to erase theirs. A vendor that cannot be
    reached is asked again by the retry task until it answers (``perform`` makes a provider call, see
    ``providers.outbox``). Returns ``{'purged': n, 'providers': [names]}``.
    Safe to call twice: a provider already asked is not asked again.
    """
    purged = erase(user, storage, now)
    asked = []
    latest_by_provider = {}
    for attempt in ExamAttempt.objects.filter(user=user).select_related('exam', 'user').order_by('pk'):
        latest_by_provider[attempt.exam.provider] = attempt
    for name, attempt in sorted(latest_by_provider.items()):
        try:
            provider = get_provider(name)
        except (UnknownProvider, ImportError):
            log.warning('Cannot ask provider %s to retire user %s: it is not configured', name, user.pk)
            continue
        if Feature.RETIRE_USER not in provider.features:
            continue
        already = ProviderCall.objects.filter(attempt__user=user, provider=name, action=ProviderCall.RETIRE_USER) \
            .exclude(status=ProviderCall.DEAD).exists()
        if not already:   # kept as done once made, so that a second retirement does not ask again
            outbox.keep_and_make(attempt, ProviderCall.RETIRE_USER, now, perform)
        asked.append(name)
    return {'purged': len(purged), 'providers': asked}
