"""
The package's openedx-filters steps in the site's ``OPEN_EDX_FILTERS_CONFIG``.

openedx-filters (``OpenEdxPublicFilter.get_pipeline_configuration``) reads each filter's entry in
three forms: a dict (``pipeline`` and ``fail_silently``, other keys being the steps' extra
configuration), a list of steps, or one step as a string; a dict's ``pipeline`` may itself be a
string. The platform merges nothing into this setting, so a plugin adds its steps to what the site
configured, in whatever form, keeping everything else.
"""
import logging

log = logging.getLogger(__name__)


def _as_list(pipeline):
    if isinstance(pipeline, str):
        return [pipeline] if pipeline else []
    return list(pipeline or ())


def add_steps(site_settings, filter_type, steps, fail_silently=True):
    """
    Append ``steps`` (dotted paths) to ``filter_type``'s pipeline in ``site_settings``, each once. A
    filter the site did not configure gets ``fail_silently``; a configured one keeps its own.
    """
    config = getattr(site_settings, 'OPEN_EDX_FILTERS_CONFIG', None)
    if config is None:
        config = {}
        site_settings.OPEN_EDX_FILTERS_CONFIG = config
    if not isinstance(config, dict):
        log.error('OPEN_EDX_FILTERS_CONFIG is not a dict; %s steps not added', filter_type)
        return
    entry = config.get(filter_type)
    if entry is None:
        entry = {'fail_silently': fail_silently, 'pipeline': []}
    elif isinstance(entry, (str, list, tuple)):
        # A list or a string is a pipeline that fails silently (openedx-filters' default): so is the dict.
        entry = {'pipeline': _as_list(entry)}
    elif isinstance(entry, dict):
        entry = {**entry, 'pipeline': _as_list(entry.get('pipeline'))}
    else:
        log.error('OPEN_EDX_FILTERS_CONFIG[%r] is neither a dict, a list nor a string; steps not added', filter_type)
        return
    entry['pipeline'] += [step for step in steps if step not in entry['pipeline']]
    config[filter_type] = entry
