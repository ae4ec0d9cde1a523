"""The Django app, registered in the LMS and Studio through the edx-django-utils plugin framework."""
from django.apps import AppConfig

try:
    from edx_django_utils.plugins.constants import PluginSettings, PluginURLs
except ImportError:  # pragma: no cover - edx-django-utils is a requirement; tolerate old layouts
    PluginSettings = PluginURLs = None


def _plugin_app():
    """The edx-django-utils plugin configuration: URLs and settings in the LMS and Studio."""
    if PluginURLs is None:  # pragma: no cover
        return {}
    settings_config = {
        PluginSettings.RELATIVE_PATH: 'settings.common',
    }
    return {
        PluginURLs.CONFIG: {
            project: {
                PluginURLs.NAMESPACE: 'edx_proctoring_backend',
                PluginURLs.REGEX: r'^api/proctored-exams/',
                PluginURLs.RELATIVE_PATH: 'urls',
            }
            for project in ('lms.djangoapp', 'cms.djangoapp')
        },
        PluginSettings.CONFIG: {
            project: {kind: settings_config for kind in ('common', 'production', 'devstack', 'test')}
            for project in ('lms.djangoapp', 'cms.djangoapp')
        },
    }


class ProctoringBackendConfig(AppConfig):
    """Proctored, practice and timed exams."""

    name = 'edx_proctoring_backend'
    verbose_name = 'Proctored exams'
    default_auto_field = 'django.db.models.BigAutoField'
    plugin_app = _plugin_app()

    def ready(self):
        # pylint: disable=import-outside-toplevel
        from .exams.signals import attempt_status_changed
        from .lms.effects import on_attempt_status_changed
        attempt_status_changed.connect(on_attempt_status_changed, dispatch_uid='edx_proctoring_backend.effects')
        from .lms import content_dates
        attempt_status_changed.connect(content_dates.on_attempt_status_changed,
                                       dispatch_uid='edx_proctoring_backend.content_dates')
        from .messages import notices
        attempt_status_changed.connect(notices.on_attempt_status_changed, dispatch_uid='edx_proctoring_backend.notices')
        from .lms.retirement import connect
        connect(on_user_retired)
        from .lms import publishing
        publishing.connect()
        # The media encryption module registers its system checks.
        from .recordings import encryption  # noqa: F401  pylint: disable=unused-import


def on_user_retired(sender, user=None, **kwargs):  # pylint: disable=unused-argument
    """The LMS retired ``user``'s account: erase their data here and at the vendors."""
    from . import api  # pylint: disable=import-outside-toplevel
    if user is not None:
        api.retire_user(user)
