"""The address e-mails give for an exam in the demo: the workbench scenario that holds its block."""
from django.http import Http404
from django.shortcuts import redirect
from workbench.runtime import WorkbenchRuntime
from workbench.scenarios import get_scenarios


def exam_page(request, usage_key):
    """Send the visitor to the scenario whose exam block is ``usage_key`` (the workbench has no jump_to)."""
    runtime = WorkbenchRuntime()
    for name, scenario in get_scenarios().items():
        vertical = runtime.get_block(scenario.usage_id)
        if usage_key in (str(child) for child in getattr(vertical, 'children', ())):
            return redirect('workbench_show_scenario', name)
    raise Http404
