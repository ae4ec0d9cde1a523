"""The package's steps join the site's OPEN_EDX_FILTERS_CONFIG in every form openedx-filters reads."""
import types

import pytest
from openedx_filters.learning.filters import RenderXBlockStarted

from edx_proctoring_backend.lms import filters_config
from edx_proctoring_backend.settings.common import plugin_settings

FILTER = RenderXBlockStarted.filter_type
OURS = 'edx_proctoring_backend.lms.content_gate.HoldExamContentOnItsOwnPage'


@pytest.mark.parametrize('configured,expected', [
    (None, {'fail_silently': False, 'pipeline': [OURS]}),
    ('other.Step', {'pipeline': ['other.Step', OURS]}),
    (['other.Step', 'more.Step'], {'pipeline': ['other.Step', 'more.Step', OURS]}),
    (('other.Step',), {'pipeline': ['other.Step', OURS]}),
    ({'fail_silently': True, 'pipeline': 'other.Step', 'option': 1},
     {'fail_silently': True, 'pipeline': ['other.Step', OURS], 'option': 1}),
    ({'pipeline': []}, {'pipeline': [OURS]}),
    ({'fail_silently': False}, {'fail_silently': False, 'pipeline': [OURS]}),
])
def test_every_form_the_platform_accepts_is_kept_and_extended(settings, configured, expected):
    settings.OPEN_EDX_FILTERS_CONFIG = {} if configured is None else {FILTER: configured}
    filters_config.add_steps(settings, FILTER, [OURS], fail_silently=False)
    filters_config.add_steps(settings, FILTER, [OURS], fail_silently=False)   # twice: once
    assert settings.OPEN_EDX_FILTERS_CONFIG[FILTER] == expected
    # openedx-filters itself reads the result: the same steps, the same failing behaviour.
    pipeline, fail_silently, _ = RenderXBlockStarted.get_pipeline_configuration()
    assert pipeline == expected['pipeline']
    assert fail_silently is expected.get('fail_silently', True)


def test_a_setting_the_filters_cannot_read_is_left_alone_without_crashing(settings, caplog):
    settings.OPEN_EDX_FILTERS_CONFIG = {FILTER: 42}
    plugin_settings(settings)
    assert settings.OPEN_EDX_FILTERS_CONFIG[FILTER] == 42
    assert 'neither a dict, a list nor a string' in caplog.text


def test_a_site_without_the_setting_gets_one():
    site = types.SimpleNamespace()
    plugin_settings(site)
    assert OURS in site.OPEN_EDX_FILTERS_CONFIG[FILTER]['pipeline']
