"""
Vendors delete their copy of a session when the ``vendor_link`` rule is due, asked over real HTTP (the
fake vendors of demo/fake_vendors.py) with a frozen clock: not before, once, again while the vendor is
down, neither twice nor never after a crash, and not while a case is open or of a vendor that cannot.
"""
from datetime import datetime, timedelta, timezone as dt_timezone
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from edx_proctoring_backend import api
from edx_proctoring_backend.flow import calls
from edx_proctoring_backend.privacy import retention
from edx_proctoring_backend.privacy.models import PurgedItem
from edx_proctoring_backend.providers import outbox
from edx_proctoring_backend.providers.base import Feature
from edx_proctoring_backend.providers.models import ProviderCall
from edx_proctoring_backend.providers.registry import get_provider
from edx_proctoring_backend.providers.rpnow import RPNowProvider
from edx_proctoring_backend.reviews.models import Review
from tests import journeys

pytestmark = pytest.mark.mariadb
S = api.AttemptStatus
EXAM_DAY = datetime(2026, 6, 1, 9, 0, tzinfo=dt_timezone.utc)
A_YEAR_LATER = EXAM_DAY + timedelta(days=366)
VERDICTS = {'rpnow': {'clean': 'Clean', 'doubt': 'Suspicious'},
            'proctortrack': {'clean': 'passed', 'doubt': 'flagged'}}


class KeepingProvider(RPNowProvider):
    """A vendor that deletes nothing session by session (only what a retired learner left)."""

    features = RPNowProvider.features - {Feature.DELETE_SESSION_DATA}


def deliver(vendor, provider_name, session_id, callback_type, **fields):
    """A signed callback of the vendor, handed to the app as its callback endpoint hands it."""
    _, headers, body = vendor.build_callback(session_id, callback_type, **fields)
    return api.receive_callback(provider_name, headers, body)


def take_exam(user, exam, vendor, verdict=None):
    """
    On exam day the learner takes ``exam`` in the vendor's software; the vendor then sends its ``verdict``
    (``clean`` or ``doubt``) with a link to its recording. Without a verdict the exam is left running.
    """
    name = exam.provider
    with time_machine.travel(EXAM_DAY, tick=False):
        if vendor.style == 'proctortrack':
            vendor.set_onboarding(get_provider(name).anonymous_user_id(user), 'approved')
        attempt = journeys.opt_in(user, exam)
        session_id = attempt.provider_attempt_id
        deliver(vendor, name, session_id, 'exam_code.check', exam_code=attempt.exam_code)
        api.start(user, exam)
        if verdict:
            api.submit(user, exam)
            deliver(vendor, name, session_id, 'review.completed', status=VERDICTS[vendor.style][verdict],
                    comments=[], video_url=f'{vendor.base_url}/videos/{session_id}.mp4')
    attempt.refresh_from_db()
    return attempt


def deletions(vendor):
    """The paths of the deletions the vendor was asked for, in order."""
    return [path for method, path, _ in vendor.requests_seen if method == 'POST' and path.endswith('/delete')]


def deletion_call(attempt):
    """The kept call asking the vendor to delete the attempt's session."""
    return ProviderCall.objects.get(attempt=attempt, action=ProviderCall.DELETE_SESSION_DATA)


@pytest.fixture
def rpnow(fake_vendor):
    """A running RPNow-style fake vendor, configured as ``rpnow``."""
    return fake_vendor('rpnow')


@pytest.fixture
def taken(learner, make_exam, rpnow):
    """The learner took an exam proctored by the RPNow-style vendor, which found it clean."""
    return take_exam(learner, make_exam(provider='rpnow'), rpnow, 'clean')


@pytest.mark.parametrize('style', ['rpnow', 'proctortrack'])
def test_a_year_after_the_exam_the_vendor_is_asked_once_to_delete_its_copy(style, learner, make_exam, fake_vendor):
    vendor = fake_vendor(style)
    attempt = take_exam(learner, make_exam(provider=style), vendor, 'clean')
    session_id = attempt.provider_attempt_id
    review = Review.objects.get(attempt=attempt)
    assert attempt.status == S.VERIFIED and session_id in vendor.sessions and review.video_url

    assert not api.retention_plan(now=EXAM_DAY + timedelta(days=364))
    assert api.enforce_retention(now=EXAM_DAY + timedelta(days=364)) == []
    assert deletions(vendor) == [] and session_id in vendor.sessions

    assert {(item.kind, item.object_id) for item in api.retention_plan(now=A_YEAR_LATER)} == {
        (retention.VENDOR_LINK, review.pk), (retention.VENDOR_DATA, attempt.pk)}
    purged = api.enforce_retention(now=A_YEAR_LATER)

    assert {record.kind for record in purged} == {retention.VENDOR_LINK, retention.VENDOR_DATA}
    assert session_id not in vendor.sessions and vendor.deleted_sessions == {session_id}
    assert deletions(vendor) == [f'/v1/sessions/{session_id}/delete'] and not vendor.rejected_requests
    call = deletion_call(attempt)   # kept as done, for the record
    assert (call.status, call.tries, call.provider) == (ProviderCall.DONE, 1, style)
    record = PurgedItem.objects.get(kind=retention.VENDOR_DATA)
    assert (record.object_id, record.attempt_id, record.reason, record.purged_at) == (
        attempt.pk, attempt.pk, retention.AGE, A_YEAR_LATER)
    review.refresh_from_db()
    assert review.video_url == '' and review.verdict == VERDICTS[style]['clean']
    attempt.refresh_from_db()
    assert attempt.status == S.VERIFIED and attempt.provider_attempt_id == session_id   # the gradebook's facts stay

    # Run again, and the retries too: nothing more is asked.
    assert api.enforce_retention(now=A_YEAR_LATER + timedelta(days=1)) == []
    assert api.retry_provider_calls(now=A_YEAR_LATER + timedelta(days=30)) == 0
    assert len(deletions(vendor)) == 1 and ProviderCall.objects.count() == 1


def test_a_vendor_that_is_down_is_asked_again_until_it_answers(taken, rpnow):
    rpnow.go_down()
    api.enforce_retention(now=A_YEAR_LATER)
    call = deletion_call(taken)
    assert call.status == ProviderCall.PENDING and call.tries == 1

    later = A_YEAR_LATER
    for _ in range(12):   # more tries than any other call gets: an erasure is never given up
        later += timedelta(hours=2)
        api.retry_provider_calls(now=later)
    call.refresh_from_db()
    assert call.status == ProviderCall.PENDING and call.tries > outbox.max_tries()
    assert api.enforce_retention(now=later) == []   # asked already: the retries see to it

    rpnow.come_back()
    rpnow.fail_next(1, status=503)   # back, but not quite yet
    later += timedelta(hours=2)
    assert api.retry_provider_calls(now=later) == 0
    later += timedelta(hours=2)
    assert api.retry_provider_calls(now=later) == 1
    call.refresh_from_db()
    assert call.status == ProviderCall.DONE and call.last_error.endswith('503.')
    assert taken.provider_attempt_id in rpnow.deleted_sessions and not rpnow.sessions
    assert len(deletions(rpnow)) == 2   # the 503 and the answer: none while it was down


def test_a_vendor_that_refuses_leaves_a_dead_call_for_staff(taken, rpnow):
    rpnow.fail_next(1, status=403)
    api.enforce_retention(now=A_YEAR_LATER)

    assert deletion_call(taken).status == ProviderCall.DEAD
    assert list(api.provider_call_problems(taken.exam.course_key)) == [deletion_call(taken)]
    assert api.requeue_provider_call(deletion_call(taken), now=A_YEAR_LATER)
    assert api.retry_provider_calls(now=A_YEAR_LATER) == 1
    assert taken.provider_attempt_id in rpnow.deleted_sessions


@pytest.mark.parametrize('dies_at', ['before the request is recorded', 'before the vendor is asked'])
def test_a_purge_killed_half_way_neither_asks_twice_nor_forgets(taken, rpnow, monkeypatch, dies_at):
    def killed(*args, **kwargs):
        raise SystemExit('the worker was killed')

    if dies_at == 'before the request is recorded':
        monkeypatch.setattr(ProviderCall, 'queue', killed)
    else:
        monkeypatch.setattr(outbox, 'make_kept_call', killed)
    with pytest.raises(SystemExit):
        api.enforce_retention(now=A_YEAR_LATER)
    recorded = PurgedItem.objects.filter(kind=retention.VENDOR_DATA).exists()
    # Either both the record and the call were written, or neither.
    assert recorded == ProviderCall.objects.filter(action=ProviderCall.DELETE_SESSION_DATA).exists()
    assert recorded == (dies_at == 'before the vendor is asked')
    assert deletions(rpnow) == [] and taken.provider_attempt_id in rpnow.sessions
    monkeypatch.undo()

    api.enforce_retention(now=A_YEAR_LATER + timedelta(hours=1))
    api.retry_provider_calls(now=A_YEAR_LATER + timedelta(hours=1))
    api.enforce_retention(now=A_YEAR_LATER + timedelta(hours=2))

    assert len(deletions(rpnow)) == 1 and taken.provider_attempt_id in rpnow.deleted_sessions
    assert deletion_call(taken).status == ProviderCall.DONE
    assert PurgedItem.objects.filter(kind=retention.VENDOR_DATA).count() == 1


def test_an_answer_lost_on_the_way_is_asked_again_and_already_gone_is_done(taken, rpnow, monkeypatch):
    real_perform = calls.perform

    def killed_after_the_vendor_answered(attempt, action):
        real_perform(attempt, action)
        raise SystemExit('the worker was killed')

    monkeypatch.setattr(calls, 'perform', killed_after_the_vendor_answered)
    with pytest.raises(SystemExit):
        api.enforce_retention(now=A_YEAR_LATER)
    monkeypatch.undo()
    assert taken.provider_attempt_id in rpnow.deleted_sessions
    assert deletion_call(taken).status == ProviderCall.PENDING

    # Another sweep waits for the dead worker's lease to run out, then asks again: 404, deleted already.
    assert api.retry_provider_calls(now=A_YEAR_LATER + timedelta(minutes=1)) == 0
    assert api.retry_provider_calls(now=A_YEAR_LATER + timedelta(minutes=6)) == 1
    assert deletion_call(taken).status == ProviderCall.DONE and len(deletions(rpnow)) == 2


def test_an_open_case_or_a_running_exam_is_not_asked(learner, make_user, make_exam, rpnow):
    exam = make_exam(provider='rpnow')
    doubted = take_exam(learner, exam, rpnow, 'doubt')
    running = take_exam(make_user('still_writing'), exam, rpnow)
    assert (doubted.status, running.status) == (S.SECOND_REVIEW_REQUIRED, S.STARTED)

    assert api.enforce_retention(now=EXAM_DAY + timedelta(days=4000)) == []
    assert deletions(rpnow) == [] and len(rpnow.sessions) == 2

    with time_machine.travel(EXAM_DAY + timedelta(days=2), tick=False):
        api.record_review(doubted, api.Outcome.SATISFACTORY, by=make_user('reviewer'))   # the case is closed
    api.enforce_retention(now=A_YEAR_LATER)
    assert deletions(rpnow) == [f'/v1/sessions/{doubted.provider_attempt_id}/delete']
    assert set(rpnow.sessions) == {running.provider_attempt_id}


def test_a_vendor_that_cannot_delete_is_not_asked(learner, make_exam, fake_vendor):
    vendor = fake_vendor('rpnow', **{'class': f'{__name__}.KeepingProvider'})
    attempt = take_exam(learner, make_exam(provider='rpnow'), vendor, 'clean')
    assert attempt.status == S.VERIFIED

    assert [item.kind for item in api.retention_plan(now=A_YEAR_LATER)] == [retention.VENDOR_LINK]
    assert [record.kind for record in api.enforce_retention(now=A_YEAR_LATER)] == [retention.VENDOR_LINK]
    assert deletions(vendor) == [] and attempt.provider_attempt_id in vendor.sessions
    assert not ProviderCall.objects.filter(action=ProviderCall.DELETE_SESSION_DATA).exists()


def test_the_site_s_vendor_link_rule_governs_the_vendors_data(taken, rpnow, settings):
    settings.PROCTORING_RETENTION = {'vendor_link': None}   # kept without limit
    assert api.enforce_retention(now=EXAM_DAY + timedelta(days=4000)) == []
    settings.PROCTORING_RETENTION = {'vendor_link': {'days': None, 'when_satisfactory': True}}
    assert {record.reason for record in api.enforce_retention(now=EXAM_DAY + timedelta(days=1))} == {
        retention.SATISFACTORY}
    assert deletions(rpnow) == [f'/v1/sessions/{taken.provider_attempt_id}/delete']


def test_the_dry_run_lists_what_vendors_would_be_asked(taken, rpnow):
    now = A_YEAR_LATER.isoformat()
    out = StringIO()
    call_command('proctoring_retention', '--now', now, '--kind', 'vendor_link', stdout=out)
    listing = out.getvalue()
    assert f'vendor_data\t{taken.pk}\tattempt {taken.pk}\t{taken.exam.course_key}\tage' in listing
    assert 'vendor_link\t' in listing
    assert '1 item(s) would be deleted, and vendors asked to delete the data of 1 attempt(s)' in listing
    assert deletions(rpnow) == [] and not ProviderCall.objects.filter(action=ProviderCall.DELETE_SESSION_DATA)

    out = StringIO()
    call_command('proctoring_retention', '--delete', '--now', now, stdout=out)
    assert 'Deleted 1 item(s) for good; asked vendors to delete the data of 1 attempt(s).' in out.getvalue()
    assert taken.provider_attempt_id in rpnow.deleted_sessions
