"""Providers are found through the entry-point group and through settings."""
import pytest
from django.test import override_settings

from edx_proctoring_backend.providers import registry
from edx_proctoring_backend.providers.null import NullProvider
from tests.fakes.counting_provider import CountingProvider


def test_builtin_null_provider_comes_from_the_entry_point():
    assert 'null' in registry._entry_point_classes()  # pylint: disable=protected-access
    assert isinstance(registry.get_provider('null'), NullProvider)
    assert isinstance(registry.get_provider(''), NullProvider)


def test_a_provider_living_outside_the_package_is_configured_by_settings():
    provider = registry.get_provider('counting')
    assert isinstance(provider, CountingProvider)
    assert 'counting' in registry.provider_names()


@override_settings(PROCTORING_PROVIDERS={'vendor': {'class': 'tests.fakes.counting_provider.CountingProvider',
                                                    'base_url': 'http://127.0.0.1:9', 'timeout': 3}})
def test_site_options_reach_the_provider():
    provider = registry.get_provider('vendor')
    assert provider.config == {'base_url': 'http://127.0.0.1:9', 'timeout': 3}
    assert provider.name == 'vendor'  # the configured name, for its callbacks and sessions


def test_unknown_provider():
    with pytest.raises(registry.UnknownProvider):
        registry.get_provider('nobody')


def test_authors_are_offered_only_configured_providers(settings):
    settings.PROCTORING_PROVIDERS = {'counting': {'class': 'tests.fakes.counting_provider.CountingProvider'}}
    assert {'rpnow', 'proctortrack', 'null'} <= set(registry.installed_provider_names())
    assert registry.provider_names() == ['counting', 'null']
