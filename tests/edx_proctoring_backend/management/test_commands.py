"""``manage.py submit_expired_attempts`` does what the periodic task does."""
import io
from datetime import timedelta

import time_machine
from django.core.management import call_command

from edx_proctoring_backend import api


def test_command_submits_expired_attempts(learner, make_exam):
    attempt = api.start(learner, make_exam(exam_type='timed', time_limit_minutes=5))
    out = io.StringIO()
    with time_machine.travel(attempt.deadline + timedelta(seconds=1), tick=False):
        call_command('submit_expired_attempts', stdout=out)
    assert 'Submitted 1 expired attempt(s).' in out.getvalue()
    assert api.learner_state(learner, attempt.exam).status == api.AttemptStatus.SUBMITTED
