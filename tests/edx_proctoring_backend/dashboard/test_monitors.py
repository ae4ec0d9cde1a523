"""The dashboard's Exam monitors page: approve a nomination or reject it saying why; the attempt shows the report."""
import pytest

from edx_proctoring_backend import api
from edx_proctoring_backend.messages.models import OutgoingMessage
from edx_proctoring_backend.monitors.models import Nomination
from tests import journeys
from tests.edx_proctoring_backend.monitors.conftest import nominate

from .test_views import as_user, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def nomination(world, make_exam, settings):
    """The learner's pending nomination of Grace Hopper for the course's exam with a monitor."""
    settings.PROCTORING_PROVIDERS = {**settings.PROCTORING_PROVIDERS, 'monitor': {}}
    exam = make_exam(display_name='Monitored final', provider='monitor')
    return nominate(world.users['learner'], exam)


def test_staff_see_the_monitor_and_approve(world, client, nomination):
    client = as_user(client, world.users['staff'])
    html = client.get(page('monitors')).content.decode()
    assert 'Grace Hopper' in html and 'grace@example.org' in html and 'Librarian' in html
    assert 'Not a relative, spouse or partner' in html
    answer = client.post(page('monitors'), {'action': 'approve', 'nomination_id': nomination.pk})
    assert answer.status_code == 302 and 'notice=monitor_approved' in answer['Location']
    nomination.refresh_from_db()
    assert nomination.status == Nomination.APPROVED and nomination.decided_by == world.users['staff']
    assert set(OutgoingMessage.objects.values_list('name', flat=True)) == {'monitor_approved', 'monitor_password'}
    assert 'No nomination awaits a decision.' in client.get(answer['Location']).content.decode()


def test_a_rejection_needs_a_reason(world, client, nomination):
    client = as_user(client, world.users['instructor'])
    refused = client.post(page('monitors'), {'action': 'reject', 'nomination_id': nomination.pk, 'reason': ''})
    assert refused.status_code == 400 and 'Say why' in refused.content.decode()
    done = client.post(page('monitors'), {'action': 'reject', 'nomination_id': nomination.pk,
                                          'reason': 'Your monitor must not be a student here.'})
    assert done.status_code == 302
    assert 'Your monitor must not be a student here.' in client.get(page('monitors')).content.decode()


@pytest.mark.parametrize('form', [{'action': 'approve', 'nomination_id': 'x'}, {'action': 'approve'},
                                  {'action': 'approve', 'nomination_id': '999999'}, {'action': 'explode'}])
def test_bad_decisions_change_nothing(world, client, nomination, form):
    answer = as_user(client, world.users['staff']).post(page('monitors'), form)
    assert answer.status_code in (400, 404)
    nomination.refresh_from_db()
    assert nomination.status == Nomination.PENDING


def test_learners_and_other_courses_decide_nothing(world, client, nomination):
    for user in ('learner', 'support', 'other_staff'):
        answer = as_user(client, world.users[user]).post(page('monitors'), {'action': 'approve',
                                                                            'nomination_id': nomination.pk})
        assert answer.status_code == 403
    nomination.refresh_from_db()
    assert nomination.status == Nomination.PENDING


def test_the_attempt_page_shows_the_monitors_report(world, client, nomination):
    api.decide_nomination(nomination, True, by=world.users['staff'])
    learner = world.users['learner']
    attempt = journeys.opt_in(learner, nomination.exam)
    attempt.started_at = attempt.created     # the learner began (the report needs a sitting)
    api.file_monitor_report(nomination, attempt, None, None, False, 'Someone came in.')
    html = as_user(client, world.users['staff']).get(page('attempts', attempt_id=attempt.pk)).content.decode()
    assert 'id="monitor-report-title">Exam monitor&#x27;s report: Grace Hopper' in html
    assert 'Someone came in.' in html
