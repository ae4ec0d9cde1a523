"""Template context of the demo's pages."""
from demo.apps import RUNNING_VENDORS


def fake_vendor_consoles(request):
    """The console URL of each fake vendor this demo runs, for the front page."""
    return {'fake_vendor_consoles': sorted(
        (style, f'{vendor.base_url}{vendor.console.PATH}') for style, vendor in RUNNING_VENDORS.items()
    )}
