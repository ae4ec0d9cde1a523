"""Template context of the demo's pages."""
from demo.apps import RUNNING_VENDORS
from proctored_xblock.services import DEFAULT_COURSE_KEY


def fake_vendor_consoles(request):
    """The console URL of each fake vendor this demo runs, for the front page."""
    return {'fake_vendor_consoles': sorted(
        (style, f'{vendor.base_url}{vendor.console.PATH}') for style, vendor in RUNNING_VENDORS.items()
    )}


def demo_course(request):
    """The course the workbench's exams belong to, for the instructor dashboard's links."""
    return {'demo_course_key': DEFAULT_COURSE_KEY}
