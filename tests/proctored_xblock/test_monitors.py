"""The exam page of an exam with a nominated monitor: nominate, await the decision, then the password at the checks."""
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from edx_proctoring_backend import api
from edx_proctoring_backend.monitors.models import Nomination

from .conftest import agreed, call_handler
from .test_block import PROCTORED_60, page

pytestmark = pytest.mark.django_db
GRACE = {'name': 'Grace Hopper', 'email': 'grace@example.org', 'phone': '+31 20 555 0100', 'occupation': 'Librarian',
         'declarations': ['adult', 'not_family', 'not_student', 'present_throughout']}


@pytest.fixture
def monitored_block(workbench, settings):
    """The hour-long exam, its author having chosen the ``monitor`` provider."""
    settings.PROCTORING_PROVIDERS = {**settings.PROCTORING_PROVIDERS, 'monitor': {}}
    _, block = workbench(PROCTORED_60)
    status, body = call_handler(block, 'studio_submit', {
        'display_name': 'Final exam', 'exam_type': 'proctored', 'time_limit_minutes': '60', 'provider': 'monitor',
        'allow_opt_out': False})
    assert status == 200, body
    return block


def test_the_learner_nominates_a_monitor_and_waits_for_the_decision(monitored_block):
    html, init = page(monitored_block)
    assert 'data-state="nominate"' in html and 'data-nomination="none"' in html and 'exam-question' not in html
    assert 'My exam monitor is at least 21 years old.' in html and init['handlers']['nominate']
    assert call_handler(monitored_block, 'opt_in', agreed(monitored_block))[1]['error'] == 'monitor_not_approved'
    assert call_handler(monitored_block, 'nominate', GRACE) == (200, {'success': True})
    html, _ = page(monitored_block)
    assert 'data-nomination="pending"' in html and 'You nominated Grace Hopper as your exam monitor.' in html


@pytest.mark.parametrize('payload,fields', [
    ({**GRACE, 'email': 'nope'}, ['email']),
    ({**GRACE, 'declarations': ['adult']}, ['declarations']),
    ({**GRACE, 'declarations': 'adult'}, ['declarations']),
    ({'name': ['x'], 'email': 42}, ['name', 'email', 'phone', 'occupation', 'declarations']),
])
def test_a_nomination_missing_something_says_what(monitored_block, payload, fields):
    status, body = call_handler(monitored_block, 'nominate', payload)
    assert (status, body['error']) == (400, 'invalid_nomination') and sorted(body['fields']) == sorted(fields)
    assert body['message'].startswith('Some details of your exam monitor are missing or wrong.')
    assert not Nomination.objects.exists()


def test_once_approved_the_monitor_types_the_password_at_the_checks(monitored_block):
    call_handler(monitored_block, 'nominate', GRACE)
    staff = get_user_model().objects.create(username='staff_member')
    api.decide_nomination(Nomination.objects.get(), True, by=staff)
    html, _ = page(monitored_block)
    assert 'data-state="choose"' in html
    assert call_handler(monitored_block, 'opt_in', agreed(monitored_block))[0] == 200
    html, _ = page(monitored_block)
    assert 'data-state="checks"' in html and 'name="monitor_password" autocomplete="off" required' in html
    code = re.search(r'class="proctored-exam__code-value"', html) and monitored_block.exam().attempts.get().exam_code
    status, body = call_handler(monitored_block, 'confirm_checks', {'exam_code': code, 'monitor_password': 'nope'})
    assert (status, body['error']) == (400, 'wrong_monitor_password')
    assert 'type it again' in body['message']


def test_a_rejected_monitor_and_the_reason_are_shown_in_french(monitored_block):
    call_handler(monitored_block, 'nominate', GRACE)
    api.decide_nomination(Nomination.objects.get(), False, by=get_user_model().objects.create(username='staff_member'),
                          reason='Trop jeune.')
    with translation.override('fr'):
        html, _ = page(monitored_block)
    assert 'data-nomination="rejected"' in html and 'Trop jeune.' in html
    assert 'Nom complet' in html and 'Proposer mon surveillant d&#39;examen' in html
