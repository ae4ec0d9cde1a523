"""In the demo, a standard problem inside an exam answers only while the exam accepts the learner's answers."""
import json

import pytest
import time_machine
from django.utils import timezone
from workbench.runtime import WorkbenchRuntime
from workbench.runtime_util import reset_global_state
from workbench.scenarios import get_scenarios

from edx_proctoring_backend.exams.models import ExamAttempt

pytestmark = pytest.mark.usefixtures('db')
# What the problem's page posts: each named input's form fields.
ANSWER = {'days': [{'name': 'input', 'value': '7'}]}


@pytest.fixture
def quiz():
    """(exam usage id, problem usage id) of the demo's timed exam with a standard problem."""
    reset_global_state()
    scenario, = [scenario for scenario in get_scenarios().values()
                 if scenario.description == 'Timed exam with a standard problem']
    runtime = WorkbenchRuntime('alice')
    exam_id = runtime.get_block(scenario.usage_id).children[0]
    return exam_id, runtime.get_block(exam_id).children[0]


def post(client, usage_id, handler, payload=None, student='alice'):
    """Call a handler as the page does; return (status, JSON body)."""
    response = client.post(f'/handler/{usage_id}/{handler}/?student={student}', json.dumps(payload or {}),
                           content_type='application/json')
    return response.status_code, json.loads(response.content)


def test_the_problem_answers_only_inside_the_running_attempt(client, quiz):  # pylint: disable=redefined-outer-name
    exam_id, problem_id = quiz
    assert post(client, problem_id, 'check', ANSWER) == (
        409, {'error': 'exam_not_started', 'message': 'Start the exam before answering.'})

    assert post(client, exam_id, 'start')[0] == 200
    status, body = post(client, problem_id, 'check', ANSWER)
    assert status == 200 and 'is_seven' in json.dumps(body)

    deadline = ExamAttempt.objects.get(user__username='alice').deadline
    with time_machine.travel(deadline + timezone.timedelta(seconds=30), tick=False):
        assert post(client, problem_id, 'check', ANSWER)[0] == 409


def test_after_submission_the_problem_takes_no_answers(client, quiz):  # pylint: disable=redefined-outer-name
    exam_id, problem_id = quiz
    assert post(client, exam_id, 'start')[0] == 200
    assert post(client, exam_id, 'submit')[0] == 200
    status, body = post(client, problem_id, 'check', ANSWER)
    assert (status, body['error']) == (409, 'answers_closed')
    # Another learner has not started: refused as well, while the exam's own handlers still answer.
    assert post(client, problem_id, 'check', ANSWER, student='bob')[0] == 409
    assert client.post(f'/unauth_handler/{problem_id}/check/', '{}', content_type='application/json').status_code == 409
