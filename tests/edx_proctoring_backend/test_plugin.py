"""The app plugs into the LMS and Studio through edx-django-utils."""
import types

from django.apps import apps
from django.urls import reverse

from edx_proctoring_backend.settings.common import EXPIRY_TASK, plugin_settings


def test_plugin_app_config_for_lms_and_studio():
    config = apps.get_app_config('edx_proctoring_backend').plugin_app
    for project in ('lms.djangoapp', 'cms.djangoapp'):
        urls = config['url_config'][project]
        assert urls['namespace'] == 'edx_proctoring_backend' and urls['relative_path'] == 'urls'
        assert config['settings_config'][project]['common']['relative_path'] == 'settings.common'


def test_plugin_settings_fill_defaults_and_schedule_the_sweep():
    site = types.SimpleNamespace(PROCTORING_ANSWER_GRACE_SECONDS=30, CELERY_BEAT_SCHEDULE={})
    plugin_settings(site)
    assert site.PROCTORING_ANSWER_GRACE_SECONDS == 30  # a site's own value wins
    assert site.PROCTORING_TIMER_SYNC_SECONDS == 20
    assert site.CELERY_BEAT_SCHEDULE['proctored-exams-submit-expired']['task'] == EXPIRY_TASK


def test_timer_url_is_mounted_under_the_plugin_prefix():
    assert reverse('edx_proctoring_backend:attempt-timer') == '/api/proctored-exams/v1/attempt-timer'
