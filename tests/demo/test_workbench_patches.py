"""The demo holds through concurrent renders of one exam: duplicated workbench state is merged, not fatal."""
import pytest
from workbench.models import XBlockState
from workbench.runtime import WorkbenchRuntime
from workbench.runtime_util import reset_global_state
from workbench.scenarios import get_scenarios
from xblock.core import XBlockAside

pytestmark = [pytest.mark.usefixtures('db'), pytest.mark.mariadb]


def exam_scenario():
    """The demo's first proctored exam scenario: its id and the exam block's usage id."""
    reset_global_state()
    scenario_id, scenario = next((scenario_id, scenario) for scenario_id, scenario in get_scenarios().items()
                                 if scenario.description == 'Proctored exam (60 minutes)')
    vertical = WorkbenchRuntime('student_1').get_block(scenario.usage_id)
    return scenario_id, vertical.children[0]


def test_the_aside_types_are_read_once_per_process(monkeypatch):
    runtime = WorkbenchRuntime('student_1')
    block = runtime.get_block(get_scenarios()[exam_scenario()[0]].usage_id)
    expected = [aside_type for aside_type, _ in XBlockAside.load_classes()]
    assert runtime.applicable_aside_types(block) == expected
    monkeypatch.setattr(XBlockAside, 'load_classes', lambda: pytest.fail('entry points read again'))
    assert runtime.applicable_aside_types(block) == expected


def test_duplicated_block_state_is_merged_and_the_page_answers(client):
    scenario_id, exam_usage = exam_scenario()
    assert client.get(f'/scenario/{scenario_id}/', {'student': 'alice'}).status_code == 200
    # The exam's shared settings (usage scope, no user): what concurrent first renders duplicated.
    original = XBlockState.objects.get(scope='usage', scope_id=exam_usage, user_id=None)
    # What two processes rendering at once leave behind: the same row twice.
    XBlockState.objects.create(scope=original.scope, scope_id=original.scope_id, user_id=original.user_id,
                               scenario=original.scenario, tag=original.tag, state=original.state)

    for _ in range(2):
        assert client.get(f'/scenario/{scenario_id}/', {'student': 'alice'}).status_code == 200
    assert XBlockState.objects.filter(scope=original.scope, scope_id=original.scope_id,
                                      user_id=original.user_id).count() == 1
