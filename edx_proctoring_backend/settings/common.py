"""Default settings of the plugin app; a site overrides any of them in its own settings."""

DEFAULTS = {
    # Providers available on this site and their options (keys, base URLs, timeouts).
    'PROCTORING_PROVIDERS': {'null': {}},
    # Seconds after the deadline during which a save sent at 00:00 is still accepted.
    'PROCTORING_ANSWER_GRACE_SECONDS': 15,
    # How often the browser re-reads the time left from the server.
    'PROCTORING_TIMER_SYNC_SECONDS': 20,
}

EXPIRY_TASK = 'edx_proctoring_backend.tasks.submit_expired_attempts'
RETRY_TASK = 'edx_proctoring_backend.tasks.retry_provider_calls'


def plugin_settings(settings):
    """Fill in defaults and schedule the expiry sweep and the provider-call retries every minute."""
    for name, value in DEFAULTS.items():
        if not hasattr(settings, name):
            setattr(settings, name, value)
    schedule_name = 'CELERY_BEAT_SCHEDULE' if hasattr(settings, 'CELERY_BEAT_SCHEDULE') else 'CELERYBEAT_SCHEDULE'
    schedule = getattr(settings, schedule_name, None)
    if schedule is None:
        schedule = {}
        setattr(settings, schedule_name, schedule)
    schedule.setdefault('proctored-exams-submit-expired', {'task': EXPIRY_TASK, 'schedule': 60.0})
    schedule.setdefault('proctored-exams-retry-provider-calls', {'task': RETRY_TASK, 'schedule': 60.0})
