"""The demo's app: fixes the workbench for many learners; starts the fake vendors behind ``PROCTORING_DEMO_VENDORS``."""
import logging

from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

log = logging.getLogger(__name__)

#: The fake vendors this process started, by style.
RUNNING_VENDORS = {}


class DemoConfig(AppConfig):
    """Starts a ``FakeVendor`` with its console for each port in ``PROCTORING_DEMO_VENDOR_PORTS``."""

    name = 'demo'
    label = 'proctoring_demo'
    verbose_name = 'Proctored exams demo'

    def ready(self):
        from demo import workbench_patches  # pylint: disable=import-outside-toplevel
        workbench_patches.install()
        if getattr(settings, 'PROCTORING_DEMO_VENDORS', False):
            start_fake_vendors(settings.PROCTORING_DEMO_VENDOR_PORTS)


def start_fake_vendors(ports):
    """Start the fake vendors on their ports (once per process); return them by style."""
    from demo.fake_vendors import FakeVendor  # pylint: disable=import-outside-toplevel

    for style, port in ports.items():
        if style in RUNNING_VENDORS:
            continue
        try:
            RUNNING_VENDORS[style] = FakeVendor(style=style, port=port, console=True).start()
        except OSError as error:
            raise ImproperlyConfigured(
                f'The fake {style} vendor cannot listen on 127.0.0.1:{port} ({error.strerror}); stop what '
                f'uses that port or set PROCTORING_DEMO_{style.upper()}_PORT.'
            ) from error
        log.info('Fake %s vendor on %s; its console is %s/console', style, RUNNING_VENDORS[style].base_url,
                 RUNNING_VENDORS[style].base_url)
    return dict(RUNNING_VENDORS)
