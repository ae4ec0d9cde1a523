"""
Find providers: the package's entry-point group, plus classes named in settings.

``PROCTORING_PROVIDERS`` configures them per site::

    PROCTORING_PROVIDERS = {
        'null': {},
        'my_vendor': {'class': 'my_package.MyProvider', 'base_url': '...', 'timeout': 10},
    }

Each entry's options (without ``class``) are passed to the provider's constructor.
"""
from functools import lru_cache
from importlib import import_module
from importlib.metadata import entry_points

from django.conf import settings

ENTRY_POINT_GROUP = 'edx_proctoring_backend.providers'
DEFAULT_PROVIDER = 'null'


class UnknownProvider(LookupError):
    """No provider of that name is installed."""


def _import_class(dotted_path):
    module_name, _, class_name = dotted_path.rpartition('.')
    return getattr(import_module(module_name), class_name)


@lru_cache(maxsize=None)
def _entry_point_classes():
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def _configured():
    return getattr(settings, 'PROCTORING_PROVIDERS', {}) or {}


def provider_names():
    """
    Return the names of the providers this site offers, sorted: those configured in
    ``PROCTORING_PROVIDERS``, and ``null``. An installed vendor without settings cannot work, so
    authors are not offered it.
    """
    return sorted(set(_configured()) | {DEFAULT_PROVIDER})


def providers_with(feature):
    """Return the names of the site's providers (``provider_names``) that have ``feature``, sorted."""
    names = []
    for name in provider_names():
        try:
            provider = get_provider(name)
        except (UnknownProvider, ImportError):
            continue  # a provider that cannot load can do nothing
        if feature in provider.features:
            names.append(name)
    return names


def installed_provider_names():
    """Return the names of every provider installed through the entry-point group, sorted."""
    return sorted(_entry_point_classes())


def get_provider(name):
    """Return a configured instance of the provider called ``name``."""
    name = name or DEFAULT_PROVIDER
    options = dict(_configured().get(name, {}))
    dotted = options.pop('class', None)
    if dotted:
        provider_class = _import_class(dotted)
    elif name in _entry_point_classes():
        provider_class = _entry_point_classes()[name].load()
    elif name == DEFAULT_PROVIDER:
        from .null import NullProvider  # pylint: disable=import-outside-toplevel
        provider_class = NullProvider
    else:
        raise UnknownProvider(name)
    provider = provider_class(**options)
    # A class may serve under another name on a site (``"my_vendor": {"class": ...}``): its callbacks
    # and sessions are then that name's.
    provider.name = name
    return provider
