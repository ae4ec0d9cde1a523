"""Run the block in the XBlock workbench runtime, as the demo does."""
import json

import pytest
from webob import Request
from workbench.runtime import WorkbenchRuntime
from workbench.runtime_util import reset_global_state
from workbench.scenarios import get_scenarios

from edx_proctoring_backend import api


@pytest.fixture
def scenario_block(db):  # pylint: disable=unused-argument
    """Load the scenarios into the test database and return a factory of (runtime, first block of a scenario)."""
    reset_global_state()

    def open_block(scenario_id, student='learner'):
        runtime = WorkbenchRuntime(student)
        vertical = runtime.get_block(get_scenarios()[scenario_id].usage_id)
        return runtime, runtime.get_block(vertical.children[0])
    return open_block


@pytest.fixture
def workbench(scenario_block):
    """A factory of (runtime, exam block) for the exam scenarios, by index."""
    def open_scenario(scenario_index=0, student='learner'):
        return scenario_block(f'proctored_exam.{scenario_index}', student)
    return open_scenario


def call_handler(block, name, payload=None, method='POST', raw=None):
    """Call a block handler like the browser does; return (status code, JSON body)."""
    request = Request.blank('/', method=method)
    if method == 'POST':
        request.body = raw if raw is not None else json.dumps(payload or {}).encode('utf-8')
        request.content_type = 'application/json'
    response = block.runtime.handle(block, name, request)
    return response.status_code, json.loads(response.body.decode('utf-8'))


def agreed(block):
    """The payload of agreeing to the current proctoring terms of the block's exam (the opt-in button's)."""
    return {'terms_version': api.consent_terms(block.exam()).version}
