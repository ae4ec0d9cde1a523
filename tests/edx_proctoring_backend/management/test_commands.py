"""``manage.py submit_expired_attempts`` does what the periodic task does."""
import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command

from edx_proctoring_backend import api
from tests import journeys


def test_command_submits_expired_attempts(learner, make_exam):
    attempt = api.start(learner, make_exam(exam_type='timed', time_limit_minutes=5))
    out = io.StringIO()
    with time_machine.travel(attempt.deadline + timedelta(seconds=1), tick=False):
        call_command('submit_expired_attempts', stdout=out)
    assert 'Submitted 1 expired attempt(s).' in out.getvalue()
    assert api.learner_state(learner, attempt.exam).status == api.AttemptStatus.SUBMITTED


def test_command_lists_and_requeues_vendor_calls(learner, make_exam):
    from edx_proctoring_backend.providers.models import ProviderCall  # pylint: disable=import-outside-toplevel
    attempt = journeys.opt_in(learner, make_exam())
    call = ProviderCall.objects.create(attempt=attempt, provider='null', action=ProviderCall.STOP_SESSION,
                                       status=ProviderCall.DEAD, tries=10, last_error='timed out')
    out = io.StringIO()
    call_command('proctoring_vendor_calls', '--course', attempt.exam.course_key, stdout=out)
    assert f'{call.pk}\tdead\tnull\tstop_session\t{attempt.exam.course_key}\tlearner' in out.getvalue()
    call_command('proctoring_vendor_calls', '--requeue', str(call.pk), stdout=out)
    assert f'Requeued vendor call {call.pk}.' in out.getvalue()
    with pytest.raises(CommandError, match='is pending, not dead'):
        call_command('proctoring_vendor_calls', '--requeue', str(call.pk))
    with pytest.raises(CommandError, match='No vendor call'):
        call_command('proctoring_vendor_calls', '--requeue', '999999')


def test_every_periodic_task_has_a_command(settings, learner, make_exam, monkeypatch):
    """Sites without celery beat run each periodic task from cron: one command each."""
    from edx_proctoring_backend.providers.models import ProviderCall  # pylint: disable=import-outside-toplevel
    from edx_proctoring_backend.settings import common  # pylint: disable=import-outside-toplevel
    commands = {
        common.EXPIRY_TASK: ['submit_expired_attempts'],
        common.RETRY_TASK: ['proctoring_vendor_calls', '--retry-due'],
        common.REQUEUE_ANALYSES_TASK: ['proctoring_requeue_analyses'],
        common.RETENTION_TASK: ['proctoring_retention', '--delete'],
        common.MESSAGES_TASK: ['proctoring_send_messages'],
        common.OPENINGS_TASK: ['proctoring_announce_openings'],
    }
    schedule = getattr(settings, 'CELERY_BEAT_SCHEDULE', None) or settings.CELERYBEAT_SCHEDULE
    scheduled = {entry['task'] for entry in schedule.values() if entry['task'].startswith('edx_proctoring_backend.')}
    assert scheduled == set(commands)
    attempt = journeys.opt_in(learner, make_exam())
    ProviderCall.objects.create(attempt=attempt, provider='null', action=ProviderCall.STOP_SESSION,
                                status=ProviderCall.PENDING, next_try_at=attempt.created)
    out = io.StringIO()
    call_command('proctoring_vendor_calls', '--retry-due', stdout=out)
    assert '1 vendor call(s) went through.' in out.getvalue()
    monkeypatch.setattr(api, 'requeue_stale_analyses', lambda: 2)
    call_command('proctoring_requeue_analyses', stdout=out)
    assert 'Queued 2 analysis(es) again.' in out.getvalue()
    monkeypatch.setattr(api, 'send_due_messages', lambda: 3)
    call_command('proctoring_send_messages', stdout=out)
    assert 'Sent 3 e-mail(s).' in out.getvalue()
    monkeypatch.setattr(api, 'announce_exam_openings', lambda: 4)
    call_command('proctoring_announce_openings', stdout=out)
    assert 'Told 4 learner(s) that an exam opens soon.' in out.getvalue()
