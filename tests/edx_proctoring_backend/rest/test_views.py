"""
The instructor dashboard's REST API: what each endpoint does, and who may call it. Every endpoint is
called by every role, and with another course's objects: nothing leaks.
"""
import json

import pytest
from django.test import Client

from edx_proctoring_backend import api
from edx_proctoring_backend.exams.models import Allowance, AllowanceChange, ExamAttempt
from edx_proctoring_backend.exams.statuses import AttemptStatus as S
from edx_proctoring_backend.privacy.models import ExportRecord
from tests import journeys
from tests.edx_proctoring_backend.rest.conftest import COURSE, OTHER_COURSE

pytestmark = pytest.mark.mariadb  # the attempts list and its queries on both databases

BASE = '/api/proctored-exams/v1/courses/'


def url(path, course=COURSE):
    """An endpoint of the course."""
    return f'{BASE}{course}/{path}'


def call(client, method, path, data=None, **extra):
    """Call an endpoint with a JSON body."""
    body = json.dumps(data) if data is not None else None
    return getattr(client, method)(path, body, content_type='application/json', **extra)


def signed_in(django_client, user):
    """The client, signed in as ``user``."""
    django_client.force_login(user)
    return django_client


def endpoints(world):
    """(method, path, body, capability) of every endpoint, on the course's own objects."""
    attempt, allowance = world.attempt.pk, world.allowance.pk
    return [
        ('get', url('exams'), None, 'view'),
        ('get', url('allowances'), None, 'allowances'),
        ('post', url('allowances'), {'exam_id': world.timed.pk, 'learner': 'learner', 'kind': 'additional_minutes',
                                     'value': '5'}, 'allowances'),
        ('put', url(f'allowances/{allowance}'), {'value': '12'}, 'allowances'),
        ('post', url('allowances/bulk'), {'exam_id': world.timed.pk, 'kind': 'time_multiplier', 'value': '1.5',
                                          'learners': 'stranger'}, 'allowances'),
        ('get', url('allowances/history'), None, 'allowances'),
        ('delete', url(f'allowances/{allowance}'), None, 'allowances'),
        ('get', url(f'attempts/{attempt}'), None, 'own'),
        ('get', url('attempts'), None, 'own'),
        ('get', url('reviews'), None, 'review'),
        ('get', url('exports/attempts.csv'), None, 'export'),
        ('get', url('learners/learner/readiness'), None, 'view'),
        ('post', url(f'attempts/{attempt}/decision'), {'outcome': 'satisfactory'}, 'review'),
        ('post', url(f'attempts/{attempt}/status'), {'status': 'submitted', 'reason': 'stuck'}, 'attempts'),
        ('post', url(f'attempts/{attempt}/reset'), {'reason': 'retake'}, 'attempts'),
    ]


# Who may use which kind of endpoint (``own``: everybody signed in, limited to their own attempts).
ALLOWED = {
    'learner': {'own'},
    'stranger': {'own'},
    'other_staff': {'own'},
    'staff': {'own', 'view', 'allowances', 'attempts', 'export'},
    'instructor': {'own', 'view', 'allowances', 'attempts', 'export', 'review'},
    'support': {'own', 'view', 'attempts', 'export', 'review'},
    'admin': {'own', 'view', 'allowances', 'attempts', 'export', 'review'},
}


def test_anonymous_callers_are_refused_everywhere(world, client):
    for method, path, body, _ in endpoints(world):
        assert call(client, method, path, body).status_code in (401, 403), (method, path)
    assert ExamAttempt.objects.get(pk=world.attempt.pk).status == S.STARTED


@pytest.mark.parametrize('role', sorted(ALLOWED))
def test_each_role_may_call_what_its_role_allows_and_nothing_else(world, client, role):
    client = signed_in(client, world.users[role])
    for method, path, body, capability in endpoints(world):
        answer = call(client, method, path, body)
        if capability in ALLOWED[role]:
            expected = (404,) if capability == 'own' and 'attempts/' in path and role != 'learner' \
                and 'view' not in ALLOWED[role] else (200, 201, 409)
        else:
            expected = (403,)
        assert answer.status_code in expected, (role, method, path, answer.status_code, answer.content[:300])


def test_a_learner_sees_only_their_own_attempts(world, client):
    client = signed_in(client, world.users['learner'])
    listed = call(client, 'get', url('attempts')).json()
    assert [row['id'] for row in listed['results']] == [world.attempt.pk]
    assert call(client, 'get', url(f'attempts/{world.stranger_attempt.pk}')).status_code == 404
    mine = call(client, 'get', url(f'attempts/{world.attempt.pk}')).json()
    assert mine['learner']['username'] == 'learner' and mine['history'][0]['to_status'] == 'started'


def test_staff_of_another_course_see_nothing_of_this_one(world, client):
    client = signed_in(client, world.users['other_staff'])
    assert call(client, 'get', url('allowances')).status_code == 403
    assert call(client, 'get', url('exports/allowances.csv')).status_code == 403
    listed = call(client, 'get', url('attempts')).json()
    assert listed['count'] == 0  # an own-attempts view: they have none here
    assert call(client, 'get', url('allowances', OTHER_COURSE)).status_code == 200


def test_objects_of_another_course_are_not_found_through_this_course(world, client):
    client = signed_in(client, world.users['staff'])
    other_attempt, other_allowance = world.other_attempt.pk, world.other_allowance.pk
    refused = [
        ('get', url(f'attempts/{other_attempt}'), None),
        ('post', url(f'attempts/{other_attempt}/reset'), {'reason': 'x'}),
        ('post', url(f'attempts/{other_attempt}/status'), {'status': 'error', 'reason': 'x'}),
        ('put', url(f'allowances/{other_allowance}'), {'value': '99'}),
        ('delete', url(f'allowances/{other_allowance}'), None),
        ('post', url('allowances'), {'exam_id': world.other_exam.pk, 'learner': 'learner',
                                     'kind': 'additional_minutes', 'value': '5'}),
        ('post', url('allowances/bulk'), {'exam_id': world.other_exam.pk, 'kind': 'additional_minutes',
                                          'value': '5', 'learners': 'learner'}),
    ]
    for method, path, body in refused:
        answer = call(client, method, path, body)
        assert answer.status_code == 404, (method, path, answer.content)
        assert b'Elsewhere' not in answer.content and OTHER_COURSE.encode() not in answer.content
    world.other_attempt.refresh_from_db()
    assert world.other_attempt.status == S.STARTED
    assert Allowance.objects.get(pk=other_allowance).value == '10'
    assert not Allowance.objects.filter(exam=world.other_exam, user=world.users['learner']).exists()
    exported = call(client, 'get', url('exports/allowances.csv')).content.decode()
    assert 'Elsewhere' not in exported and 'Final' in exported


def test_every_state_change_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users['admin'])
    changes = [(method, path, body) for method, path, body, _ in endpoints(world) if method != 'get']
    for method, path, body in changes:
        answer = call(client, method, path, body)
        assert answer.status_code == 403 and b'CSRF' in answer.content, (method, path)
    assert ExamAttempt.objects.get(pk=world.attempt.pk).status == S.STARTED
    assert Allowance.objects.get(pk=world.allowance.pk).value == '10'
    client.get(f'/api/proctored-exams/dashboard/{COURSE}/allowances')  # a page sets the CSRF cookie
    token = client.cookies['csrftoken'].value
    answer = call(client, 'post', url(f'attempts/{world.attempt.pk}/reset'), {}, HTTP_X_CSRFTOKEN=token)
    assert answer.status_code == 200 and answer.json()['status'] == S.RESET


def test_allowances_add_edit_remove_and_say_when_the_attempt_started(world, client):
    client = signed_in(client, world.users['staff'])
    added = call(client, 'post', url('allowances'), {
        'exam_id': world.proctored.pk, 'learner': 'learner@example.org', 'kind': 'time_multiplier', 'value': '1.5'})
    assert added.status_code == 201
    body = added.json()
    assert body['changed'] and body['started_attempt_id'] is None
    assert body['allowance']['learner']['username'] == 'learner' and body['allowance']['value'] == '1.5'

    late = call(client, 'post', url('allowances'), {
        'exam_id': world.timed.pk, 'learner': 'learner', 'kind': 'additional_minutes', 'value': '20'}).json()
    assert late['started_attempt_id'] == world.attempt.pk and 'already started' in late['message']
    world.attempt.refresh_from_db()
    assert world.attempt.extra_minutes == 0

    edited = call(client, 'put', url(f'allowances/{world.allowance.pk}'), {'value': '45'}).json()
    assert edited['allowance']['value'] == '45'
    listed = call(client, 'get', url('allowances'), HTTP_ACCEPT='application/json').json()
    assert {(row['learner']['username'], row['kind'], row['value']) for row in listed} == {
        ('learner', 'time_multiplier', '1.5'), ('learner', 'additional_minutes', '20'),
        ('stranger', 'additional_minutes', '45')}
    assert len(call(client, 'get', url(f'allowances?exam_id={world.timed.pk}')).json()) == 1
    assert len(call(client, 'get', url('allowances?q=strang')).json()) == 1

    removed = call(client, 'delete', url(f'allowances/{world.allowance.pk}'))
    assert removed.status_code == 200 and removed.json()['allowance'] is None
    assert call(client, 'delete', url(f'allowances/{world.allowance.pk}')).status_code == 404
    history = call(client, 'get', url('allowances/history')).json()
    assert [(row['learner'], row['old_value'], row['new_value'], row['changed_by']) for row in history[:2]] == [
        ('stranger', '45', '', 'staff'), ('stranger', '10', '45', 'staff')]


@pytest.mark.parametrize('body, field', [
    ({'exam_id': 1, 'learner': 'learner', 'kind': 'additional_minutes', 'value': 'lots'}, 'code'),
    ({'exam_id': 1, 'learner': 'nobody', 'kind': 'additional_minutes', 'value': '5'}, 'learner'),
    ({'exam_id': 1, 'learner': 'learner', 'kind': 'teleport', 'value': '5'}, 'kind'),
    ({'learner': 'learner', 'kind': 'additional_minutes', 'value': '5'}, 'exam_id'),
])
def test_bad_allowances_are_refused_with_why(world, client, body, field):
    client = signed_in(client, world.users['staff'])
    body = {**body, 'exam_id': world.timed.pk} if 'exam_id' in body else body
    answer = call(client, 'post', url('allowances'), body)
    assert answer.status_code == 400 and field in answer.json()
    assert not Allowance.objects.filter(user=world.users['learner']).exists()


def test_bulk_allowances_from_text_or_a_csv_file(world, client):
    client = signed_in(client, world.users['instructor'])
    rows = call(client, 'post', url('allowances/bulk'), {
        'exam_id': world.proctored.pk, 'kind': 'opt_out_permission', 'value': 'true',
        'learners': 'username\nlearner\nstranger@example.org\nghost\n'}).json()
    assert [(row['identifier'], row['outcome']) for row in rows] == [
        ('learner', 'added'), ('stranger@example.org', 'added'), ('ghost', 'unknown_learner')]

    from django.core.files.uploadedfile import SimpleUploadedFile  # pylint: disable=import-outside-toplevel
    upload = SimpleUploadedFile('learners.csv', '\ufeffemail\nlearner@example.org\n'.encode('utf-8'), 'text/csv')
    answer = client.post(url('allowances/bulk'),
                         {'exam_id': world.timed.pk, 'kind': 'additional_minutes', 'value': '15', 'file': upload})
    assert answer.status_code == 200
    assert answer.json() == [{'identifier': 'learner@example.org', 'outcome': 'added', 'username': 'learner',
                              'started_attempt_id': world.attempt.pk}]
    bad = SimpleUploadedFile('learners.csv', b'\xff\xfe\x00bad', 'text/csv')
    assert client.post(url('allowances/bulk'), {
        'exam_id': world.timed.pk, 'kind': 'additional_minutes', 'value': '15', 'file': bad}).status_code == 400
    assert call(client, 'post', url('allowances/bulk'), {'exam_id': world.timed.pk, 'kind': 'additional_minutes',
                                                         'value': '15', 'learners': ' '}).status_code == 400


def test_attempts_search_page_and_history(world, client):
    client = signed_in(client, world.users['support'])
    everything = call(client, 'get', url('attempts')).json()
    assert everything['count'] == 2 and everything['page'] == 1
    assert [row['learner']['username'] for row in everything['results']] == ['stranger', 'learner']
    found = call(client, 'get', url('attempts?q=learn&status=started&page_size=1')).json()
    assert found['count'] == 1 and found['results'][0]['id'] == world.attempt.pk
    assert call(client, 'get', url('attempts?status=nonsense')).status_code == 400
    assert call(client, 'get', url('attempts?page=x')).status_code == 400
    detail = call(client, 'get', url(f'attempts/{world.attempt.pk}')).json()
    assert [row['to_status'] for row in detail['history']] == ['started']


def test_reset_keeps_the_history_and_the_learner_retakes(world, client):
    client = signed_in(client, world.users['staff'])
    reset = call(client, 'post', url(f'attempts/{world.attempt.pk}/reset'), {'reason': 'fire alarm'}).json()
    assert reset['status'] == S.RESET
    assert reset['history'][-1]['changed_by'] == 'staff' and 'fire alarm' in reset['history'][-1]['reason']
    again = call(client, 'post', url(f'attempts/{world.attempt.pk}/reset'), {'reason': 'twice'})
    assert again.status_code == 409 and again.json()['code'] == 'illegal_transition'
    retake = api.start(world.users['learner'], world.timed)
    assert retake.attempt_number == 2 and retake.status == S.STARTED
    assert ExamAttempt.objects.get(pk=world.attempt.pk).status == S.RESET


def test_staff_unlock_an_exam_code_through_the_api(world, client, settings):
    settings.PROCTORING_EXAM_CODE_MAX_FAILURES = 1
    attempt = journeys.opt_in(world.users['stranger'], world.proctored)
    with pytest.raises(api.ExamCodeLocked):
        api.confirm_checks(world.users['stranger'], world.proctored, 'WRONG')
    client = signed_in(client, world.users['staff'])
    before = call(client, 'get', url(f'attempts/{attempt.pk}')).json()
    assert (before['exam_code_locked'], before['exam_code_failures']) == (True, 1)
    unlocked = call(client, 'post', url(f'attempts/{attempt.pk}/unlock-code'), {'reason': 'phoned'}).json()
    assert (unlocked['exam_code_locked'], unlocked['exam_code_failures']) == (False, 0)
    assert unlocked['history'][-1]['reason'] == 'exam code unlocked: phoned'
    learner = signed_in(Client(), world.users['learner'])
    assert call(learner, 'post', url(f'attempts/{attempt.pk}/unlock-code'), {}).status_code in (403, 404)


def test_a_stuck_attempt_is_submitted_or_errored_with_a_reason(world, client):
    client = signed_in(client, world.users['support'])
    no_reason = call(client, 'post', url(f'attempts/{world.attempt.pk}/status'), {'status': 'submitted'})
    assert no_reason.status_code == 400
    submitted = call(client, 'post', url(f'attempts/{world.attempt.pk}/status'),
                     {'status': 'submitted', 'reason': 'browser crashed'}).json()
    assert submitted['status'] == S.SUBMITTED and submitted['submit_reason'] == 'staff'
    assert submitted['history'][-1]['reason'] == 'submitted by staff: browser crashed'
    assert submitted['history'][-1]['changed_by'] == 'support'
    again = call(client, 'post', url(f'attempts/{world.attempt.pk}/status'), {'status': 'submitted', 'reason': 'x'})
    assert again.status_code == 409
    errored = call(client, 'post', url(f'attempts/{world.stranger_attempt.pk}/status'),
                   {'status': 'error', 'reason': 'vendor lost it'}).json()
    assert errored['status'] == S.ERROR and 'vendor lost it' in errored['history'][-1]['reason']
    assert call(client, 'post', url(f'attempts/{world.attempt.pk}/status'),
                {'status': 'verified', 'reason': 'x'}).status_code == 400


def test_review_queue_and_decisions(world, client, make_user):
    attempt = journeys.submitted(make_user('examinee'), world.proctored)
    api.record_provider_verdict(attempt, 'suspicious', comments=[
        {'start_s': 12, 'end_s': 40, 'status': 'suspicious', 'comment': 'a second voice'}])
    client = signed_in(client, world.users['instructor'])

    queue = call(client, 'get', url('reviews')).json()
    assert [entry['attempt']['id'] for entry in queue] == [attempt.pk]
    assert {'kind': 'suspicious', 'source': 'null', 'start_s': 12.0, 'end_s': 40.0,
            'text': 'a second voice'} in queue[0]['moments']
    assert 'suspicious' in queue[0]['why']
    refused = call(client, 'post', url(f'attempts/{attempt.pk}/decision'), {'outcome': 'unsatisfactory'})
    assert refused.status_code == 400 and 'comment' in refused.json()
    decided = call(client, 'post', url(f'attempts/{attempt.pk}/decision'),
                   {'outcome': 'unsatisfactory', 'comment': 'notes on the desk'}).json()
    assert decided['status'] == S.REJECTED
    assert call(client, 'get', url('reviews')).json() == []
    not_reviewable = call(client, 'post', url(f'attempts/{world.attempt.pk}/decision'), {'outcome': 'satisfactory'})
    assert not_reviewable.status_code == 409 and not_reviewable.json()['code'] == 'not_reviewable'


@pytest.mark.parametrize('kind, header', [
    ('allowances', 'exam,exam_id,username,email,kind,value,granted_by,modified'),
    ('allowance-changes', 'exam,exam_id,username,kind,old_value,new_value,changed_by,changed_at'),
    ('attempts', 'exam,exam_id,exam_type,username,email,attempt,attempt_number,status'),
    ('reviews', 'exam,username,attempt,attempt_number,attempt_status,reviewed_at,by,provider,verdict'),
    ('results', 'exam,exam_type,provider,username,attempt'),
])
def test_exports_are_csv_files_of_the_course(world, client, kind, header):
    client = signed_in(client, world.users['staff'])
    answer = client.get(url(f'exports/{kind}.csv'))
    assert answer.status_code == 200 and answer['Content-Type'].startswith('text/csv')
    assert 'attachment' in answer['Content-Disposition'] and answer['Cache-Control'] == 'private, no-store'
    text = answer.content.decode()
    assert text.startswith(header)
    assert 'Elsewhere' not in text
    assert client.get(url('exports/secrets.csv')).status_code == 404


def test_each_download_of_a_course_file_is_recorded(world, client):
    staff = signed_in(client, world.users['staff'])
    for kind in ('attempts', 'consent', 'attempts'):
        answer = staff.get(url(f'exports/{kind}.csv'))
        assert answer.status_code == 200
    records = list(ExportRecord.objects.values_list('user__username', 'course_key', 'kind', 'size_bytes'))
    assert [record[:3] for record in records] == [('staff', COURSE, 'attempts'), ('staff', COURSE, 'consent'),
                                                  ('staff', COURSE, 'attempts')]
    assert records[0][3] == len(staff.get(url('exports/attempts.csv')).content)
    # A refused download records nothing.
    learner = signed_in(Client(), world.users['learner'])
    assert learner.get(url('exports/attempts.csv')).status_code == 403
    assert staff.get(url('exports/secrets.csv')).status_code == 404
    assert ExportRecord.objects.count() == 4


def test_exported_cells_cannot_run_as_formulas(world, client, make_user):
    sneaky = make_user('=HYPERLINK("x")')
    api.set_allowance(world.timed, sneaky, Allowance.ADDITIONAL_MINUTES, '5', created_by=world.users['staff'])
    text = signed_in(client, world.users['staff']).get(url('exports/allowances.csv')).content.decode()
    assert '\'=HYPERLINK' in text


def test_readiness_shows_practice_and_onboarding(world, client, make_exam):
    practice = make_exam(exam_type='practice', display_name='Try it')
    journeys.submitted(world.users['learner'], practice)
    client = signed_in(client, world.users['staff'])
    body = call(client, 'get', url('learners/learner@example.org/readiness')).json()
    assert body['learner']['username'] == 'learner'
    assert [(item['exam']['display_name'], item['attempts'], item['result']) for item in body['practice']] == [
        ('Try it', 1, 'complete')]
    assert body['onboarding'] == []
    assert call(client, 'get', url('learners/ghost/readiness')).status_code == 404


def test_a_reset_practice_attempt_does_not_count_in_readiness(world, client, make_exam):
    practice = make_exam(exam_type='practice', display_name='Try it')
    attempt = journeys.submitted(world.users['learner'], practice)
    api.reset_attempt(attempt, by=world.users['staff'])
    body = call(signed_in(client, world.users['staff']), 'get', url('learners/learner/readiness')).json()
    assert [(item['attempts'], item['status'], item['result']) for item in body['practice']] == [(0, None, None)]


def test_the_openapi_schema_describes_every_endpoint(world, client):  # pylint: disable=unused-argument
    answer = client.get('/api/proctored-exams/v1/schema?format=json')
    assert answer.status_code == 200
    schema = json.loads(answer.content)
    assert schema['openapi'].startswith('3.')
    paths = schema['paths']
    prefix = '/api/proctored-exams/v1/courses/{course_id}/'
    for path, methods in {
        'allowances': {'get', 'post'}, 'allowances/{allowance_id}': {'put', 'delete'},
        'allowances/bulk': {'post'}, 'allowances/history': {'get'}, 'attempts': {'get'},
        'attempts/{attempt_id}': {'get'}, 'attempts/{attempt_id}/reset': {'post'},
        'attempts/{attempt_id}/status': {'post'}, 'attempts/{attempt_id}/decision': {'post'},
        'reviews': {'get'}, 'exports/{kind}.csv': {'get'}, 'learners/{learner}/readiness': {'get'}, 'exams': {'get'},
    }.items():
        assert set(paths[prefix + path]) - {'parameters'} == methods, path
    post = paths[prefix + 'allowances']['post']
    assert post['requestBody']['content']['application/json']['schema']['$ref'].endswith('AllowanceInput')
    assert '403' in post['responses'] and '201' in post['responses']
    listed = paths[prefix + 'attempts']['get']
    assert {parameter['name'] for parameter in listed['parameters']} >= {'course_id', 'q', 'exam_id', 'status', 'page'}
    assert AllowanceChange.objects.exists()  # the world's allowances were recorded


def test_a_learner_reading_their_attempt_sees_no_staff_notes(world, client):
    staff = signed_in(Client(), world.users['support'])
    call(staff, 'post', url(f'attempts/{world.attempt.pk}/status'), {'status': 'error', 'reason': 'call the dean'})
    mine = call(signed_in(client, world.users['learner']), 'get', url(f'attempts/{world.attempt.pk}')).json()
    assert [row['to_status'] for row in mine['history']] == [S.STARTED, S.ERROR]
    assert 'call the dean' not in json.dumps(mine) and 'support' not in json.dumps(mine)
    assert set(mine['history'][-1]) == {'from_status', 'to_status', 'at'}


def test_only_stuck_attempts_are_marked_as_errors(world, client):
    client = signed_in(client, world.users['staff'])
    api.submit(world.users['learner'], world.timed)
    answer = call(client, 'post', url(f'attempts/{world.attempt.pk}/status'), {'status': 'error', 'reason': 'x'})
    assert answer.status_code == 409
    assert ExamAttempt.objects.get(pk=world.attempt.pk).status == S.SUBMITTED


@pytest.mark.parametrize('course', ['not-a-course', 'course-v1:Broken'])
def test_a_course_id_that_names_no_course_is_not_found(world, client, course):
    client = signed_in(client, world.users['admin'])
    assert call(client, 'get', url('attempts', course)).status_code == 404
    assert client.get(f'/api/proctored-exams/dashboard/{course}/attempts').status_code == 404
    assert client.get(f'/api/proctored-exams/review/?course_id={course}').status_code == 404


def test_exports_answer_clients_that_ask_for_csv(world, client):
    answer = signed_in(client, world.users['staff']).get(url('exports/attempts.csv'), HTTP_ACCEPT='text/csv')
    assert answer.status_code == 200 and answer.content.decode().startswith('exam,')


def test_pages_past_the_last_are_empty(world, client):
    body = call(signed_in(client, world.users['staff']), 'get', url('attempts?page=99')).json()
    assert body['results'] == [] and body['count'] == 2 and body['page'] == 99


def test_a_bulk_file_too_large_is_refused_not_cut(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile  # pylint: disable=import-outside-toplevel
    text = ('é' * 80 + '\n') * 7000 + 'learner\n'   # over 1 MB in bytes, under it in characters
    upload = SimpleUploadedFile('big.csv', text.encode('utf-8'), 'text/csv')
    answer = signed_in(client, world.users['staff']).post(url('allowances/bulk'), {
        'exam_id': world.timed.pk, 'kind': 'additional_minutes', 'value': '5', 'file': upload})
    assert answer.status_code == 400 and answer.json()['code'] == 'file_too_large'
    assert not Allowance.objects.filter(exam=world.timed).exists()


def test_inside_the_lms_staff_reach_only_their_courses_learners(world, client, edx_platform, make_user):
    outsider = make_user('outsider')
    outsider.email = 'outsider@example.org'
    outsider.save()
    edx_platform.grant(world.users['staff'], COURSE, 'staff')
    edx_platform.enroll(world.users['learner'], COURSE)
    client = signed_in(client, world.users['staff'])
    for who in ('outsider', 'outsider@example.org'):
        assert call(client, 'get', url(f'learners/{who}/readiness')).status_code == 404
        refused = call(client, 'post', url('allowances'), {'exam_id': world.timed.pk, 'learner': who,
                                                           'kind': 'additional_minutes', 'value': '5'})
        assert refused.status_code == 400 and 'outsider@example.org' not in refused.content.decode()
    rows = call(client, 'post', url('allowances/bulk'), {'exam_id': world.timed.pk, 'kind': 'additional_minutes',
                                                         'value': '5', 'learners': 'outsider\nlearner'}).json()
    assert [(row['identifier'], row['outcome']) for row in rows] == [('outsider', 'unknown_learner'),
                                                                     ('learner', 'added')]
    # Not enrolled (any more) but with an attempt in the course: still the course's learner.
    assert call(client, 'get', url('learners/stranger/readiness')).status_code == 200


def test_the_schema_names_each_operation_once(client, db, capsys):  # pylint: disable=unused-argument
    schema = json.loads(client.get('/api/proctored-exams/v1/schema?format=json').content)
    operation_ids = [operation['operationId'] for methods in schema['paths'].values()
                     for method, operation in methods.items() if method != 'parameters']
    assert len(operation_ids) == len(set(operation_ids))
    assert 'collisions' not in capsys.readouterr().err
