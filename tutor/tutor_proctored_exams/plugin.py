"""
The Tutor plugin: installs openedx-proctored-exams in the Open edX images, writes its settings, and runs
the Celery worker of the video analysis and the periodic tasks (celery beat, or the commands from cron).
"""
import base64
import os
import secrets
from importlib import resources

from tutor import hooks
from tutor.exceptions import TutorError

from .__about__ import __version__

PLUGIN = 'proctored-exams'
VIDEO_IMAGE = 'proctored-exams-video'
# How the periodic tasks run: this plugin's celery beat, the management commands from cron, or the site's own
# celery beat (which reads the schedule the package's settings add, so the plugin runs nothing).
PERIODIC_TASK_MODES = ('beat', 'cron', 'site')

# The periodic tasks' management commands (edx_proctoring_backend/management/commands) and how often cron runs
# them: the intervals of the beat schedule the package's settings add (settings/common.py).
CRON_COMMANDS = (
    # (name of the k8s CronJob, schedule, seconds between runs, command line after "./manage.py lms")
    ('submit-expired', '* * * * *', 60, 'submit_expired_attempts'),
    ('retry-vendor-calls', '* * * * *', 60, 'proctoring_vendor_calls --retry-due'),
    ('requeue-analyses', '*/5 * * * *', 300, 'proctoring_requeue_analyses'),
    ('retention', '0 * * * *', 3600, 'proctoring_retention --delete'),
)
# The beat schedule's entries, dropped from the settings in cron mode so that a celery beat the site may run
# anyway does not run the same work a second time.
BEAT_ENTRIES = (
    'proctored-exams-submit-expired',
    'proctored-exams-retry-provider-calls',
    'proctored-exams-requeue-stale-analyses',
    'proctored-exams-enforce-retention',
)

CONFIG = {
    'defaults': {
        # Any pip requirement of the distribution openedx-proctored-exams: a version, a wheel's URL, a git URL
        # ("openedx-proctored-exams @ git+https://...@main").
        'PIP_REQUIREMENT': f'openedx-proctored-exams=={__version__}',
        # settings.PROCTORING_PROVIDERS: the built-in vendor-free providers; vendors' keys go here too.
        'PROVIDERS': {'null': {}, 'local': {}},
        'DEFAULT_PROVIDER': None,
        'ALLOW_UNRECORDED_PROCTORING': False,
        # The in-house provider's recordings and photos: a directory of the private media volume, which the
        # LMS, its workers and the video worker share and nothing serves by URL; or a storage of its own.
        'MEDIA_ROOT': '/openedx/media-private/proctored-exams',
        'MEDIA_STORAGE': None,
        'MEDIA_STORAGE_ENCRYPTS': False,
        'MEDIA_ENCRYPTION_OLD_KEYS': [],
        'RETENTION': None,
        'DASHBOARD_FRAME_ANCESTORS': [],
        'ANALYSIS_OPTIONS': None,
        'ANALYSIS_TIMEOUT_SECONDS': None,
        'ANALYSIS_MEMORY_LIMIT_MB': None,
        # The worker that analyses the recordings, in an image of its own with the package's video extra.
        'VIDEO_WORKER': True,
        'VIDEO_EXTRAS': 'video',
        'VIDEO_QUEUE': 'edx.lms.core.proctored_exams_video',
        'VIDEO_WORKER_CONCURRENCY': 1,
        'VIDEO_WORKER_REPLICAS': 1,
        'DOCKER_IMAGE_VIDEO': '{{ DOCKER_IMAGE_OPENEDX }}-proctored-exams-video',
        'PERIODIC_TASKS': 'beat',
        # Kubernetes: the volume the LMS and the workers share for the media when MEDIA_STORAGE is not set.
        'K8S_MEDIA_VOLUME_SIZE': '10Gi',
        'K8S_MEDIA_STORAGE_CLASS': '',
    },
    'unique': {
        # AES-256 key of the media at rest, generated once per site.
        'MEDIA_ENCRYPTION_KEY': '{{ 32|proctored_exams_random_key }}',
    },
}


def random_key(size):
    """A new random key of ``size`` bytes, in base64: the form PROCTORING_MEDIA_ENCRYPTION_KEYS takes."""
    return base64.b64encode(secrets.token_bytes(int(size))).decode('ascii')


def python_literal(value):
    """
    A configuration value as Python source for the settings files: YAML's booleans, nulls and nested values
    written the way Python reads them (``True``, ``None``), strings quoted and escaped.
    """
    return repr(value)


def validate(config):
    """Refuse a configuration whose values the templates cannot render into something that runs."""
    mode = config.get('PROCTORED_EXAMS_PERIODIC_TASKS')
    if mode not in PERIODIC_TASK_MODES:
        raise TutorError(
            f'PROCTORED_EXAMS_PERIODIC_TASKS is {mode!r}; it takes one of {", ".join(PERIODIC_TASK_MODES)}.')


_video_worker = {'enabled': True}


def remember_config(config):
    """
    Validate the loaded configuration and keep whether the video worker runs. Tutor asks which images to
    build on launch without giving the configuration, so the answer is kept from the last load.
    """
    validate(config)
    _video_worker['enabled'] = bool(config.get('PROCTORED_EXAMS_VIDEO_WORKER'))


def images_to_build(images, config):
    """The video worker's image, where it runs: ``tutor images build proctored-exams-video``."""
    if config.get('PROCTORED_EXAMS_VIDEO_WORKER'):
        images.append((VIDEO_IMAGE, ('plugins', PLUGIN, 'build', VIDEO_IMAGE),
                       '{{ PROCTORED_EXAMS_DOCKER_IMAGE_VIDEO }}', ()))
    return images


def remote_images(images, config):
    """The video worker's image, pulled and pushed with the platform's (a cluster pulls it from a registry)."""
    if config.get('PROCTORED_EXAMS_VIDEO_WORKER'):
        images.append((VIDEO_IMAGE, '{{ PROCTORED_EXAMS_DOCKER_IMAGE_VIDEO }}'))
    return images


def images_required_on_launch(images, context_name):  # pylint: disable=unused-argument
    """
    Build the video worker's image on ``tutor local/dev launch``: no registry has it, so Docker Compose could
    not pull it.
    """
    if _video_worker['enabled']:
        images.append(VIDEO_IMAGE)
    return images


def iter_cron_commands():
    """The periodic tasks' commands for cron: (name, cron schedule, seconds between runs, command line)."""
    yield from CRON_COMMANDS


def read_patches():
    """(patch name, template) of each file in ``patches/``: the file names are Tutor's patch names."""
    patches = resources.files('tutor_proctored_exams') / 'patches'
    return sorted((entry.name, entry.read_text(encoding='utf-8')) for entry in patches.iterdir() if entry.is_file())


hooks.Filters.CONFIG_DEFAULTS.add_items([(f'PROCTORED_EXAMS_{name}', value)
                                         for name, value in CONFIG['defaults'].items()])
hooks.Filters.CONFIG_UNIQUE.add_items([(f'PROCTORED_EXAMS_{name}', value) for name, value in CONFIG['unique'].items()])
hooks.Actions.CONFIG_LOADED.add()(remember_config)

hooks.Filters.ENV_TEMPLATE_FILTERS.add_items([
    ('proctored_exams_random_key', random_key),
    ('proctored_exams_py', python_literal),
])
hooks.Filters.ENV_TEMPLATE_VARIABLES.add_items([
    ('proctored_exams_cron_commands', iter_cron_commands),
    ('proctored_exams_beat_entries', BEAT_ENTRIES),
])
hooks.Filters.ENV_TEMPLATE_ROOTS.add_item(str(resources.files('tutor_proctored_exams') / 'templates'))
# Rendered under env/plugins/proctored-exams/: the video worker's Dockerfile and the cron loop of Docker Compose.
hooks.Filters.ENV_TEMPLATE_TARGETS.add_items([
    (os.path.join(PLUGIN, 'build'), 'plugins'),
    (os.path.join(PLUGIN, 'apps'), 'plugins'),
])
hooks.Filters.ENV_PATCHES.add_items(read_patches())

hooks.Filters.IMAGES_BUILD.add()(images_to_build)
hooks.Filters.IMAGES_PULL.add()(remote_images)
hooks.Filters.IMAGES_PUSH.add()(remote_images)
hooks.Filters.IMAGES_BUILD_REQUIRED.add()(images_required_on_launch)
