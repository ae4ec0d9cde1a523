"""
No input makes a server error: every URL of the app (the REST API, the dashboard's and reviewer's
pages, uploads, the timer, vendor callbacks), each asked with generated path parts, query strings and
bodies, by a member of global staff, a learner and nobody, is answered below 500.

Values lean towards what broke before: numbers beyond the database's range, very long fields, NUL
bytes, other courses, and real ids of the test's world, so that the deep paths run too.
"""
import json
import re
from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from edx_proctoring_backend.urls import urlpatterns
from tests.edx_proctoring_backend.rest.conftest import (  # noqa: F401  pylint: disable=unused-import
    COURSE, OTHER_COURSE, world,
)

PREFIX = '/api/proctored-exams/'
PART = re.compile(r'<(?:(\w+):)?(\w+)>')
# What breaks a careless parser: numbers past the database's range, odd numbers, long and odd text.
BAD = ('9' * 19, '9' * 25, str(2 ** 63), str(2 ** 64), '-1', '0', '1e9', '0x10', '\u0661\u0662', ' 7 ',
       '', '\x00', 'a' * 140_000, 'x,"y\n"z', '<script>', '[]', '{}', 'None')
METHODS = ('get', 'post', 'put', 'patch', 'delete')


def routes():
    """(name, route, the methods its view answers) of every URL of the app."""
    found = []
    for pattern in urlpatterns:
        view = pattern.callback.view_class
        methods = [method for method in METHODS if method in view.http_method_names and hasattr(view, method)]
        found.append((pattern.name, str(pattern.pattern), methods))
    return found


def plausible(world):
    """A valid-looking value for every field a page or endpoint reads, so that the deep paths run."""
    return {
        'q': 'learner', 'exam_id': str(world.timed.pk), 'status': 'started', 'page': '1', 'page_size': '10',
        'change': '1', 'notice': 'added', 'embedded': '1', 'learner': 'stranger', 'course_id': COURSE,
        'learners': 'learner\nstranger', 'kind': 'additional_minutes', 'value': '10',
        'allowance_id': str(world.allowance.pk), 'outcome': 'satisfactory', 'comment': 'Seen.', 'reason': 'Stuck.',
        'terms_version': '1', 'exam_code': 'ABCDE', 'action': 'add',
    }


ACTIONS = ('add', 'update', 'remove', 'bulk', 'reset', 'submit', 'error', 'decide', 'take')


def fill(route, draw, known):
    """The route with each ``<converter:name>`` part drawn (the real course and ids most of the time)."""
    def part(match):
        converter, name = match.groups()
        if name == 'course_id':
            return draw(st.sampled_from([COURSE, COURSE, COURSE, OTHER_COURSE, 'course-v1:x', 'nonsense', '%00']))
        if converter in ('dbid', 'int'):
            return draw(st.one_of(st.sampled_from(sorted(str(value) for value in known)),
                                  st.sampled_from(['0', '9' * 19, '9' * 25]), st.integers(0, 60).map(str)))
        if converter == 'slug':
            return draw(st.sampled_from(['webcam', 'screen', 'room_scan', 'user', 'id', 'recording', 'photo',
                                         'thumbnail', 'attempts', 'allowances', 'results', 'rpnow', 'x']))
        return draw(st.sampled_from(['learner', 'stranger', 'nobody', 'a' * 300]))
    return PREFIX + PART.sub(part, route)


@pytest.fixture
def clients(world):
    """Clients of global staff, a learner and nobody."""
    made = {}
    for name in ('admin', 'learner'):
        made[name] = Client()
        made[name].force_login(world.users[name])
    made['anonymous'] = Client()
    return made


@pytest.mark.parametrize('name, route, methods', routes())
def test_no_input_makes_a_server_error(world, clients, name, route, methods):
    known = {world.attempt.pk, world.stranger_attempt.pk, world.other_attempt.pk, world.allowance.pk,
             world.timed.pk, world.proctored.pk, world.users['learner'].pk}
    fields = plausible(world)

    @hypothesis_settings(max_examples=25, deadline=None, database=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(st.data())
    def ask(data):
        url = fill(route, data.draw, known)
        who = data.draw(st.sampled_from(['admin', 'admin', 'admin', 'learner', 'anonymous']))
        method = data.draw(st.sampled_from(methods))
        # Every field plausible, then one to three of them bad (or odd text).
        sent = dict(fields, action=data.draw(st.sampled_from(ACTIONS)))
        for field in data.draw(st.lists(st.sampled_from(sorted(fields)), min_size=1, max_size=3, unique=True)):
            sent[field] = data.draw(st.one_of(st.sampled_from(BAD), st.text(max_size=20)))
        client = clients[who]
        if method == 'get':
            answer = client.get(url, sent)
        elif data.draw(st.booleans()):
            answer = getattr(client, method)(url, json.dumps(sent), content_type='application/json')
        elif method == 'post':
            answer = client.post(url, sent)
        else:
            answer = getattr(client, method)(url, urlencode(sent), content_type='application/x-www-form-urlencoded')
        assert answer.status_code < 500, (name, method, url, who, answer.status_code)

    ask()  # pylint: disable=no-value-for-parameter


# Each of these, in any one field, broke a page or an endpoint before: a number past the database's
# range, a field past the csv module's limit.
SWEEP = ('9' * 25, str(2 ** 63), 'a' * 140_000)


@pytest.mark.parametrize('name, route, methods', routes())
def test_each_field_past_its_limits_is_refused_not_a_server_error(world, clients, name, route, methods):
    fields = plausible(world)

    def real(match):
        converter, part = match.groups()
        if part == 'course_id':
            return COURSE
        return str(world.attempt.pk) if converter == 'dbid' else 'webcam'
    url = PREFIX + PART.sub(real, route)
    for field in sorted(fields):
        for bad in SWEEP:
            sent = dict(fields, **{field: bad})
            for method in methods:
                if method == 'get':
                    answer = clients['admin'].get(url, sent)
                else:
                    answer = getattr(clients['admin'], method)(url, json.dumps(sent), content_type='application/json')
                    assert answer.status_code < 500, (name, method, url, field, answer.status_code)
                    answer = getattr(clients['admin'], method)(
                        url, urlencode(sent), content_type='application/x-www-form-urlencoded')
                assert answer.status_code < 500, (name, method, url, field, answer.status_code)
