"""Run the block in the XBlock workbench runtime, as the demo does."""
import json

import pytest
from webob import Request
from workbench.runtime import WorkbenchRuntime
from workbench.runtime_util import reset_global_state
from workbench.scenarios import get_scenarios


@pytest.fixture
def workbench(db):  # pylint: disable=unused-argument
    """Load the scenarios into the test database and return a factory of (runtime, exam block)."""
    reset_global_state()

    def open_scenario(scenario_index=0, student='learner'):
        runtime = WorkbenchRuntime(student)
        vertical = runtime.get_block(get_scenarios()[f'proctored_exam.{scenario_index}'].usage_id)
        return runtime, runtime.get_block(vertical.children[0])
    return open_scenario


def call_handler(block, name, payload=None, method='POST', raw=None):
    """Call a block handler like the browser does; return (status code, JSON body)."""
    request = Request.blank('/', method=method)
    if method == 'POST':
        request.body = raw if raw is not None else json.dumps(payload or {}).encode('utf-8')
        request.content_type = 'application/json'
    response = block.runtime.handle(block, name, request)
    return response.status_code, json.loads(response.body.decode('utf-8'))
