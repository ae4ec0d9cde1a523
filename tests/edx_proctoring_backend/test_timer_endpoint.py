"""
The endpoint the exam timer polls: at most one query per call and none while the site's cache holds
the clock, the server's clock and the attempt's current status at every call (a change is seen at the
next poll; a missed one within a sync interval), and a token that cannot be forged or moved to
another attempt or learner.
"""
from datetime import datetime, timedelta, timezone as dt_timezone
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.core.signing import Signer
from django.db import connection
from django.http import JsonResponse
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from edx_proctoring_backend import api
from edx_proctoring_backend.exams import attempts
from edx_proctoring_backend.exams.models import AttemptTransition, ExamAttempt
from edx_proctoring_backend.exams.timer_tokens import TIMER_TOKEN_SALT
from edx_proctoring_backend.flow import learner

S = api.AttemptStatus
HEADER = 'X-Exam-Timer-Token'
pytestmark = pytest.mark.mariadb


@pytest.fixture
def timed(learner, make_exam):
    """A started one-hour timed attempt of ``learner``."""
    return api.start(learner, make_exam(exam_type='timed', time_limit_minutes=60))


def poll(client, token):
    """GET the timer with ``token`` in its header."""
    return client.get(reverse('edx_proctoring_backend:attempt-timer'), headers={HEADER: token})


# ---- one query at most, the server's clock -----------------------------------------------------------------

def test_a_poll_is_one_query_through_the_whole_stack(client, timed, django_assert_num_queries):
    token = api.timer_token(timed)
    with time_machine.travel(timed.started_at + timedelta(seconds=90.5), tick=False):
        with django_assert_num_queries(1) as captured:
            response = poll(client, token)
    assert response.status_code == 200
    expected = {'status': S.STARTED, 'remaining_seconds': 3509.5, 'total_seconds': 3600,
                'low_warning_seconds': 720, 'critical_warning_seconds': 180}
    assert response.json() == expected
    assert response.content == JsonResponse(expected).content  # the same bytes JsonResponse would send
    assert response['Content-Type'] == 'application/json'
    assert response['Cache-Control'] == 'no-store'
    assert ExamAttempt._meta.db_table in captured.captured_queries[0]['sql']


def test_later_polls_are_answered_from_the_cache(client, timed, django_assert_num_queries):
    token = api.timer_token(timed)
    with time_machine.travel(timed.started_at + timedelta(seconds=5), tick=False):
        first = poll(client, token).json()
    with time_machine.travel(timed.started_at + timedelta(seconds=15), tick=False):
        with django_assert_num_queries(0):
            later = poll(client, token).json()
    assert first['status'] == later['status'] == S.STARTED
    assert later['remaining_seconds'] == 3585  # the server's clock at this poll, not the cached one's


@override_settings(PROCTORING_TIMER_CACHE=None)
def test_without_a_timer_cache_every_poll_is_one_query(client, timed, django_assert_num_queries):
    token = api.timer_token(timed)
    poll(client, token)
    with django_assert_num_queries(1):
        assert poll(client, token).json()['status'] == S.STARTED


def test_a_cache_that_is_down_leaves_the_database_to_answer(client, timed, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ConnectionError('cache server unreachable')

    monkeypatch.setattr(cache, 'get', broken)
    monkeypatch.setattr(cache, 'set', broken)
    monkeypatch.setattr(cache, 'delete', broken)
    token = api.timer_token(timed)
    assert poll(client, token).json()['status'] == S.STARTED
    api.submit(timed.user, timed.exam)
    assert poll(client, token).json()['status'] == S.SUBMITTED
    assert 'timer cache' in caplog.text


def test_a_change_that_bypasses_the_state_machine_is_seen_within_one_sync_interval(client, timed):
    token = api.timer_token(timed)
    poll(client, token)
    ExamAttempt.objects.filter(pk=timed.pk).update(status=S.ERROR)  # e.g. another process's cache, a bulk fix
    with time_machine.travel(timezone.now() + timedelta(seconds=api.timer_sync_seconds() + 1), tick=False):
        assert poll(client, token).json()['status'] == S.ERROR


def test_the_query_is_seen_by_execute_wrappers(timed):
    seen = []

    def spy(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        api.timer_status(api.timer_token(timed))
    assert len(seen) == 1 and ExamAttempt._meta.db_table in seen[0]


def test_the_clock_ignores_anything_the_client_sends(client, timed):
    token = api.timer_token(timed)
    with time_machine.travel(timed.started_at + timedelta(minutes=10), tick=False):
        response = client.get(reverse('edx_proctoring_backend:attempt-timer') + '?remaining_seconds=99999&now=0',
                              headers={HEADER: token, 'Date': 'Thu, 01 Jan 1970 00:00:00 GMT'})
    assert response.json()['remaining_seconds'] == 3000


# ---- the current status at every poll ----------------------------------------------------------------------

def test_each_poll_shows_a_submission_from_another_tab(client, learner, timed, django_assert_num_queries):
    token = api.timer_token(timed)
    assert poll(client, token).json()['status'] == S.STARTED
    assert poll(client, token).json()['status'] == S.STARTED  # now kept in the cache
    api.submit(learner, timed.exam)
    with django_assert_num_queries(1):
        body = poll(client, token).json()
    assert body['status'] == S.SUBMITTED and body['remaining_seconds'] == 0
    assert body['total_seconds'] == 3600


def test_each_poll_shows_an_error_set_by_staff(client, make_user, timed):
    token = api.timer_token(timed)
    assert poll(client, token).json()['status'] == S.STARTED
    api.mark_error(timed, by=make_user('staff'), reason='provider lost the session')
    body = poll(client, token).json()
    assert body['status'] == S.ERROR and body['remaining_seconds'] == 0


def test_a_poll_after_the_deadline_submits_the_attempt(client, timed):
    token = api.timer_token(timed)
    with time_machine.travel(timed.deadline + timedelta(seconds=1), tick=False):
        body = poll(client, token).json()
    assert body == {'status': S.SUBMITTED, 'remaining_seconds': 0, 'total_seconds': 3600,
                    'low_warning_seconds': 720, 'critical_warning_seconds': 180}
    attempt = ExamAttempt.objects.get(pk=timed.pk)
    assert attempt.status == S.SUBMITTED and attempt.submit_reason == 'time_expired'
    assert AttemptTransition.objects.get(attempt=timed, to_status=S.SUBMITTED).reason == 'submitted: time_expired'


def test_a_change_racing_the_expiry_is_reported_not_raised(monkeypatch, timed):
    """Staff end the attempt in error between the poll's read and its submission: the poll says so."""
    real_transition = learner.transition

    def staff_first(attempt, to_status, **kwargs):
        ExamAttempt.objects.filter(pk=attempt.pk).update(status=S.ERROR)
        return real_transition(attempt, to_status, **kwargs)

    monkeypatch.setattr(learner, 'transition', staff_first)
    with time_machine.travel(timed.deadline + timedelta(seconds=1), tick=False):
        result = api.timer_status(api.timer_token(timed))
    assert result['status'] == S.ERROR and result['remaining_seconds'] == 0


# ---- the token ---------------------------------------------------------------------------------------------

def test_the_token_is_signed_by_djangos_signer_with_its_own_salt(timed):
    ids = f'{timed.pk}.{timed.user_id}'
    assert api.timer_token(timed) == Signer(salt=TIMER_TOKEN_SALT, algorithm='sha256').sign(ids)


def test_the_token_depends_on_the_secret_key(timed):
    token = api.timer_token(timed)
    with override_settings(SECRET_KEY='another secret key, another site'):
        assert api.timer_token(timed) != token
        with pytest.raises(api.InvalidStatusToken):
            api.timer_status(token)
    assert api.timer_status(token)['status'] == S.STARTED


def test_a_rotated_secret_key_keeps_open_pages_polling(timed, settings):
    token = api.timer_token(timed)  # the page was rendered before the rotation
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = 'the new secret key of the site, long and random enough'
    assert api.timer_status(token)['status'] == S.STARTED
    assert api.timer_token(timed) != token  # new pages get tokens under the new key
    settings.SECRET_KEY_FALLBACKS = []  # the old key retired: its tokens with it
    with pytest.raises(api.InvalidStatusToken):
        api.timer_status(token)


def _tampered(token):
    """Every way of changing a valid token this test tries: (name, token)."""
    ids, _, signature = token.rpartition(':')
    attempt_id, user_id = ids.split('.')
    flipped = signature[:-1] + ('A' if signature[-1] != 'A' else 'B')
    other_salt = Signer(salt='another.salt', algorithm='sha256').sign(ids)
    return [
        ('last signature character changed', f'{ids}:{flipped}'),
        ('signature in upper case', f'{ids}:{signature.upper()}' if signature.upper() != signature else f'{ids}:x'),
        ('signature truncated', f'{ids}:{signature[:-2]}'),
        ('signature extended', f'{ids}:{signature}00'),
        ('signature missing', ids),
        ('signature only', signature),
        ('ids swapped', f'{user_id}.{attempt_id}:{signature}'),
        ('another attempt', f'{int(attempt_id) + 1}.{user_id}:{signature}'),
        ('another user', f'{attempt_id}.{int(user_id) + 1}:{signature}'),
        ('leading zero', f'0{ids}:{signature}'),
        ('extra segment', f'{ids}.1:{signature}'),
        ('surrounding spaces', f' {token} '),
        ('non-ASCII digits', f'{attempt_id}.{user_id}\u0661:{signature}'),
        ('non-ASCII signature', f'{ids}:{signature[:-1]}\u00e9'),
        ('signed with another salt', other_salt),
        ('signed as sha1', Signer(salt=TIMER_TOKEN_SALT, algorithm='sha1').sign(ids)),
        ('the old format', f'{ids}.{"0" * 64}'),
        ('empty', ''),
        ('colons', '::'),
    ]


def test_tampered_tokens_are_refused(client, learner, make_exam, django_assert_num_queries):
    attempt = api.start(learner, make_exam(exam_type='timed'))
    while attempt.pk == attempt.user_id:  # so that swapping the ids changes the token
        attempt = api.start(learner, make_exam(exam_type='timed'))
    valid = api.timer_token(attempt)
    for name, token in _tampered(valid):
        assert token != valid, name
        with pytest.raises(api.InvalidStatusToken):
            api.timer_status(token)
        if token == token.strip() and token.isascii():  # what an HTTP header can carry as is
            with django_assert_num_queries(0):
                response = poll(client, token)
            assert response.status_code == 403, name
            assert response.json() == {'error': 'invalid_token'}
            assert response['Cache-Control'] == 'no-store'


@pytest.mark.parametrize('token', [None, b'1.1:' + b'A' * 43, 11, ('1', '1')])
def test_tokens_that_are_not_text_are_refused(token):
    with pytest.raises(api.InvalidStatusToken):
        api.timer_status(token)


def test_a_missing_token_is_refused(client, timed):  # pylint: disable=unused-argument
    response = client.get(reverse('edx_proctoring_backend:attempt-timer'))
    assert response.status_code == 403


def test_a_valid_token_for_another_learner_finds_nothing(client, make_user, timed):
    other = make_user('other')
    forged = api.timer_token(ExamAttempt(pk=timed.pk, user_id=other.pk))  # as if the server had signed it
    response = poll(client, forged)
    assert response.status_code == 404 and response.json() == {'error': 'attempt_not_found'}


def test_only_get_is_served(client, timed):
    url = reverse('edx_proctoring_backend:attempt-timer')
    response = client.post(url, headers={HEADER: api.timer_token(timed)})
    assert response.status_code == 405
    assert ExamAttempt.objects.get(pk=timed.pk).status == S.STARTED


# ---- reading datetimes as the ORM does --------------------------------------------------------------------

def test_read_clock_agrees_with_the_orm(timed):
    status, started_at, deadline = attempts.read_clock(timed.pk, timed.user_id)
    attempt = ExamAttempt.objects.get(pk=timed.pk)
    assert (status, started_at, deadline) == (attempt.status, attempt.started_at, attempt.deadline)
    assert started_at.utcoffset() == timedelta(0)
    assert attempts.read_clock(timed.pk, timed.user_id + 1) is None


def test_naive_datetimes_are_read_in_the_connections_zone():
    as_aware = attempts._as_aware  # pylint: disable=protected-access
    naive = datetime(2026, 3, 1, 12, 30)
    paris = ZoneInfo('Europe/Paris')
    assert as_aware(naive, dt_timezone.utc) == naive.replace(tzinfo=dt_timezone.utc)
    assert as_aware(naive, paris) == naive.replace(tzinfo=paris)
    assert as_aware(naive, None) is naive  # USE_TZ = False
    aware = naive.replace(tzinfo=dt_timezone.utc)
    assert as_aware(aware, paris) is aware
    assert as_aware('2026-03-01 12:30:00', dt_timezone.utc) == aware
    assert as_aware(None, dt_timezone.utc) is None
