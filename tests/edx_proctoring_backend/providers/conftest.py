"""
The providers' tests' vendor: by default the onboarding and machine-review fake vendor, configured as the
``proctortrack`` provider (test_proctortrack, test_onboarding); test_rpnow and test_http have their own.
"""
import pytest

from edx_proctoring_backend.providers import registry


@pytest.fixture
def vendor(fake_vendor):
    """A running onboarding and machine-review fake vendor, configured as the ``proctortrack`` provider."""
    return fake_vendor('proctortrack')


@pytest.fixture
def provider(vendor):  # pylint: disable=unused-argument
    """The configured ``proctortrack`` provider."""
    return registry.get_provider('proctortrack')
