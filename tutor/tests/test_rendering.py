"""
What the plugin makes Tutor render: the images' pip lines, the LMS and Studio settings, the Docker Compose
services and the Kubernetes resources, with the periodic tasks run by celery beat, by cron or by the site.
"""
import ast
import base64
import re
import subprocess

import pytest

from tutor_proctored_exams import plugin
from tutor_proctored_exams.__about__ import __version__

ANALYSIS_TASK = 'edx_proctoring_backend.tasks.analyse_recording'
VIDEO_QUEUE = 'edx.lms.core.proctored_exams_video'
SETTINGS_FILES = [
    'apps/openedx/settings/lms/production.py',
    'apps/openedx/settings/lms/development.py',
    'apps/openedx/settings/cms/production.py',
    'apps/openedx/settings/cms/development.py',
]
BEAT_ENTRIES = {
    'proctored-exams-submit-expired': 'edx_proctoring_backend.tasks.submit_expired_attempts',
    'proctored-exams-retry-provider-calls': 'edx_proctoring_backend.tasks.retry_provider_calls',
    'proctored-exams-requeue-stale-analyses': 'edx_proctoring_backend.tasks.requeue_stale_analyses',
    'proctored-exams-enforce-retention': 'edx_proctoring_backend.tasks.enforce_retention',
}
CRON_COMMANDS = {
    'submit_expired_attempts': '* * * * *',
    'proctoring_vendor_calls --retry-due': '* * * * *',
    'proctoring_requeue_analyses': '*/5 * * * *',
    'proctoring_retention --delete': '0 * * * *',
}


@pytest.fixture(scope='module')
def beat(project_factory):
    """The defaults: celery beat, the video worker, media as files on the shared private volume."""
    return project_factory()


@pytest.fixture(scope='module')
def cron(project_factory):
    """A site without celery beat: the commands from cron."""
    return project_factory(PROCTORED_EXAMS_PERIODIC_TASKS='cron')


@pytest.fixture(scope='module')
def site(project_factory):
    """A site that runs its own celery beat and no video worker, with its media in object storage."""
    return project_factory(
        PROCTORED_EXAMS_PERIODIC_TASKS='site',
        PROCTORED_EXAMS_VIDEO_WORKER='false',
        PROCTORED_EXAMS_MEDIA_STORAGE='{"BACKEND": "storages.backends.s3.S3Storage", '
                                      '"OPTIONS": {"bucket_name": "proctoring"}}',
        PROCTORED_EXAMS_MEDIA_STORAGE_ENCRYPTS='true',
    )


@pytest.fixture(scope='module')
def custom(project_factory):
    """The package from a git branch, with the identity check, vendors and the analysis' limits."""
    return project_factory(
        PROCTORED_EXAMS_PIP_REQUIREMENT='"openedx-proctored-exams @ git+https://git.example.org/exams.git@main"',
        PROCTORED_EXAMS_VIDEO_EXTRAS='video,identity',
        PROCTORED_EXAMS_PROVIDERS='{"local": {"room_scan": true}, "rpnow": {"base_url": "https://rp.example/api", '
                                  '"secret": "it\'s \\"quoted\\""}}',
        PROCTORED_EXAMS_DEFAULT_PROVIDER='local',
        PROCTORED_EXAMS_ALLOW_UNRECORDED_PROCTORING='true',
        PROCTORED_EXAMS_MEDIA_ENCRYPTION_OLD_KEYS='["b2xkLWtleQ=="]',
        PROCTORED_EXAMS_ANALYSIS_TIMEOUT_SECONDS='900',
        PROCTORED_EXAMS_ANALYSIS_MEMORY_LIMIT_MB='0',
        PROCTORED_EXAMS_DOCKER_IMAGE_VIDEO='registry.example.org/openedx-video:1',
        PROCTORED_EXAMS_VIDEO_WORKER_CONCURRENCY='2',
    )


def plugin_settings(project, relative='apps/openedx/settings/lms/production.py'):
    """The plugin's part of a rendered settings file, run as the platform would after its own settings."""
    text = project.read(relative)
    ast.parse(text)  # the whole rendered file is Python
    start = text.index('# openedx-proctored-exams (tutor-contrib-proctored-exams)')
    end = text.index('######## End of settings common to LMS and CMS', start)
    other_entry = {'task': 'lms.other.task', 'schedule': 60.0}
    namespace = {
        'EXPLICIT_QUEUES': {'lms.other.task': {'queue': 'edx.lms.core.high'}},
        'CELERYBEAT_SCHEDULE': dict({name: {'task': task} for name, task in BEAT_ENTRIES.items()},
                                    other=other_entry),
    }
    exec(compile(text[start:end], relative, 'exec'), namespace)  # pylint: disable=exec-used
    return {name: value for name, value in namespace.items() if not name.startswith('__')}


def service(project, name, compose='local/docker-compose.yml'):
    """A Docker Compose service of the rendered environment, or None."""
    return project.yaml(compose)[0]['services'].get(name)


def k8s(project, relative='k8s/deployments.yml'):
    """{(kind, name): resource} of a rendered Kubernetes file."""
    return {(document['kind'], document['metadata']['name']): document for document in project.yaml(relative)}


def stage(dockerfile, name):
    """The text of one stage of a Dockerfile (``FROM ... AS name`` to the next ``FROM``)."""
    match = re.search(rf'^FROM \S+ AS {name}\n(.*?)(?=^FROM )', dockerfile, re.M | re.S)
    assert match, f'no stage {name}'
    return match.group(1)


# Images ---------------------------------------------------------------------------------------------------

def test_openedx_image_installs_the_package_at_the_plugins_version(beat):
    requirements = stage(beat.read('build/openedx/Dockerfile'), 'python-requirements')
    assert f"$PIP_COMMAND install 'openedx-proctored-exams=={__version__}'" in requirements
    # Without the video extra: the LMS and Studio never import OpenCV.
    assert '[video' not in beat.read('build/openedx/Dockerfile')


def test_video_image_adds_the_video_extra_to_the_openedx_image(beat):
    dockerfile = beat.read('plugins/proctored-exams/build/proctored-exams-video/Dockerfile')
    assert (f"RUN uv pip install --no-cache 'openedx-proctored-exams=={__version__}' "
            "'openedx-proctored-exams[video]'") in dockerfile
    assert f"FROM {beat.value('DOCKER_IMAGE_OPENEDX')}\n" in dockerfile
    tag = beat.tutor('images', 'printtag', 'proctored-exams-video').stdout.strip().splitlines()[-1]
    assert tag == beat.value('DOCKER_IMAGE_OPENEDX') + '-proctored-exams-video'


def test_pip_requirement_and_extras_are_configurable(custom):
    requirement = 'openedx-proctored-exams @ git+https://git.example.org/exams.git@main'
    assert f"$PIP_COMMAND install '{requirement}'" in custom.read('build/openedx/Dockerfile')
    dockerfile = custom.read('plugins/proctored-exams/build/proctored-exams-video/Dockerfile')
    assert f"'{requirement}' 'openedx-proctored-exams[video,identity]'" in dockerfile
    assert service(custom, 'proctored-exams-video-worker')['image'] == 'registry.example.org/openedx-video:1'


def test_video_image_is_built_on_launch_only_where_the_worker_runs(beat, site):
    assert beat.tutor('images', 'printtag', 'proctored-exams-video').returncode == 0
    assert site.tutor('images', 'printtag', 'proctored-exams-video', check=False).returncode != 0
    plugin.remember_config({'PROCTORED_EXAMS_PERIODIC_TASKS': 'beat', 'PROCTORED_EXAMS_VIDEO_WORKER': True})
    assert plugin.images_required_on_launch([], 'local') == ['proctored-exams-video']
    plugin.remember_config({'PROCTORED_EXAMS_PERIODIC_TASKS': 'site', 'PROCTORED_EXAMS_VIDEO_WORKER': False})
    assert not plugin.images_required_on_launch([], 'dev')


# Settings -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('relative', SETTINGS_FILES)
def test_settings_in_lms_and_studio_production_and_development(beat, relative):
    settings = plugin_settings(beat, relative)
    assert settings['PROCTORING_PROVIDERS'] == {'null': {}, 'local': {}}
    assert settings['PROCTORING_ALLOW_UNRECORDED_PROCTORING'] is False
    assert settings['PROCTORING_MEDIA_ROOT'] == '/openedx/media-private/proctored-exams'
    assert settings['PROCTORING_MEDIA_STORAGE_ENCRYPTS'] is False
    assert 'PROCTORING_MEDIA_STORAGE' not in settings
    assert 'PROCTORING_DEFAULT_PROVIDER' not in settings


def test_only_settings_the_package_reads(beat, custom, site, package_settings):
    known = package_settings
    if known is None:
        pytest.skip('outside the openedx-proctored-exams repository')
    for project in (beat, custom, site):
        names = {name for name in plugin_settings(project) if name.startswith('PROCTORING_')}
        assert names <= known, names - known


def test_media_encryption_key_is_generated_once_and_kept(beat):
    key = beat.config()['PROCTORED_EXAMS_MEDIA_ENCRYPTION_KEY']
    assert len(base64.b64decode(key, validate=True)) == 32
    assert plugin_settings(beat)['PROCTORING_MEDIA_ENCRYPTION_KEYS'] == [key]
    beat.save()
    assert beat.config()['PROCTORED_EXAMS_MEDIA_ENCRYPTION_KEY'] == key
    assert plugin_settings(beat)['PROCTORING_MEDIA_ENCRYPTION_KEYS'] == [key]


def test_each_site_gets_its_own_key(beat, cron):
    name = 'PROCTORED_EXAMS_MEDIA_ENCRYPTION_KEY'
    assert beat.config()[name] != cron.config()[name]


def test_configured_values_become_python(custom):
    settings = plugin_settings(custom)
    assert settings['PROCTORING_PROVIDERS'] == {
        'local': {'room_scan': True}, 'rpnow': {'base_url': 'https://rp.example/api', 'secret': 'it\'s "quoted"'}}
    assert settings['PROCTORING_DEFAULT_PROVIDER'] == 'local'
    assert settings['PROCTORING_ALLOW_UNRECORDED_PROCTORING'] is True
    key = custom.config()['PROCTORED_EXAMS_MEDIA_ENCRYPTION_KEY']
    assert settings['PROCTORING_MEDIA_ENCRYPTION_KEYS'] == [key, 'b2xkLWtleQ==']
    assert settings['PROCTORING_ANALYSIS_TIMEOUT_SECONDS'] == 900
    assert settings['PROCTORING_ANALYSIS_MEMORY_LIMIT_MB'] == 0


def test_media_storage_of_its_own(site):
    settings = plugin_settings(site)
    assert settings['PROCTORING_MEDIA_STORAGE'] == {
        'BACKEND': 'storages.backends.s3.S3Storage', 'OPTIONS': {'bucket_name': 'proctoring'}}
    assert settings['PROCTORING_MEDIA_STORAGE_ENCRYPTS'] is True


def test_analysis_is_routed_to_the_video_queue(beat, package_task_names):
    known = package_task_names
    if known is not None:
        assert ANALYSIS_TASK in known
        assert set(BEAT_ENTRIES.values()) <= known
    for relative in SETTINGS_FILES:
        queues = plugin_settings(beat, relative)['EXPLICIT_QUEUES']
        assert queues[ANALYSIS_TASK] == {'queue': VIDEO_QUEUE}
        assert queues['lms.other.task'] == {'queue': 'edx.lms.core.high'}


def test_no_routing_without_the_video_worker(site):
    assert ANALYSIS_TASK not in plugin_settings(site)['EXPLICIT_QUEUES']


def test_beat_keeps_the_schedule(beat, site):
    for project in (beat, site):
        assert set(BEAT_ENTRIES) <= set(plugin_settings(project)['CELERYBEAT_SCHEDULE'])


@pytest.mark.parametrize('relative', SETTINGS_FILES)
def test_cron_drops_the_beat_entries(cron, relative):
    schedule = plugin_settings(cron, relative)['CELERYBEAT_SCHEDULE']
    assert list(schedule) == ['other']


# Docker Compose -------------------------------------------------------------------------------------------

def test_video_worker_service(beat):
    worker = service(beat, 'proctored-exams-video-worker')
    assert worker['image'] == beat.tutor('images', 'printtag', 'proctored-exams-video').stdout.split()[-1]
    assert worker['command'][:4] == ['celery', '--app=lms.celery', 'worker', '--loglevel=info']
    assert f'--queues={VIDEO_QUEUE}' in worker['command']
    assert '--concurrency=1' in worker['command']
    assert worker['environment']['DJANGO_SETTINGS_MODULE'] == 'lms.envs.tutor.production'
    # It reads the recordings the LMS wrote, where the settings say they are.
    assert '../../data/openedx-media-private:/openedx/media-private:z' in worker['volumes']
    assert '../apps/openedx/settings/lms:/openedx/edx-platform/lms/envs/tutor:roz' in worker['volumes']


def test_the_lms_workers_do_not_take_the_analysis(beat):
    for name in ('lms-worker', 'cms-worker'):
        command = service(beat, name, 'local/docker-compose.prod.yml')['command']
        queues = [argument for argument in command if argument.startswith('--queues=')]
        assert queues and VIDEO_QUEUE not in queues[0]


def test_beat_service(beat):
    beat_service = service(beat, 'proctored-exams-beat')
    assert beat_service['image'] == beat.value('DOCKER_IMAGE_OPENEDX')
    assert beat_service['command'][:3] == ['celery', '--app=lms.celery', 'beat']
    assert service(beat, 'proctored-exams-cron') is None
    # `tutor dev` runs it from the development image.
    dev_image = beat.value('DOCKER_IMAGE_OPENEDX_DEV')
    assert service(beat, 'proctored-exams-beat', 'dev/docker-compose.yml')['image'] == dev_image


def test_cron_service(cron):
    assert service(cron, 'proctored-exams-beat') is None
    cron_service = service(cron, 'proctored-exams-cron')
    assert cron_service['command'] == ['sh', '/openedx/proctored-exams/cron.sh']
    assert ('../plugins/proctored-exams/apps/cron.sh:/openedx/proctored-exams/cron.sh:roz'
            in cron_service['volumes'])
    assert '../../data/openedx-media-private:/openedx/media-private:z' in cron_service['volumes']
    dev_image = cron.value('DOCKER_IMAGE_OPENEDX_DEV')
    assert service(cron, 'proctored-exams-cron', 'dev/docker-compose.yml')['image'] == dev_image


def test_cron_script_runs_every_command_at_its_interval(cron):
    script = cron.read('plugins/proctored-exams/apps/cron.sh')
    subprocess.run(['sh', '-n'], input=script, text=True, check=True)
    intervals = {'* * * * *': 60, '*/5 * * * *': 300, '0 * * * *': 3600}
    for command, schedule in CRON_COMMANDS.items():
        assert f'./manage.py lms {command} ||' in script
        block = script[:script.index(f'./manage.py lms {command} ||')].rsplit('if [', 1)[1]
        assert f'-ge {intervals[schedule]} ]' in block


def test_cron_commands_are_the_packages(package_commands):
    known = package_commands
    if known is None:
        pytest.skip('outside the openedx-proctored-exams repository')
    assert {command.split()[0] for command in CRON_COMMANDS} <= known


def test_site_beat_runs_nothing_of_its_own(site):
    for name in ('proctored-exams-beat', 'proctored-exams-cron', 'proctored-exams-video-worker'):
        assert service(site, name) is None


# Kubernetes -----------------------------------------------------------------------------------------------

def test_k8s_video_worker_and_beat(beat):
    resources = k8s(beat)
    worker = resources['Deployment', 'proctored-exams-video-worker']['spec']
    container = worker['template']['spec']['containers'][0]
    assert container['image'] == service(beat, 'proctored-exams-video-worker')['image']
    assert f'--queues={VIDEO_QUEUE}' in container['args']
    assert {'mountPath': '/openedx/media-private/proctored-exams', 'name': 'proctored-exams-media'} in \
        container['volumeMounts']
    beat_deployment = resources['Deployment', 'proctored-exams-beat']['spec']
    assert beat_deployment['replicas'] == 1
    assert beat_deployment['strategy'] == {'type': 'Recreate'}
    assert beat_deployment['template']['spec']['containers'][0]['args'][:3] == ['celery', '--app=lms.celery', 'beat']
    assert not [kind for kind, _name in resources if kind == 'CronJob']


def test_k8s_cron_jobs(cron):
    resources = k8s(cron)
    assert ('Deployment', 'proctored-exams-beat') not in resources
    jobs = {tuple(job['spec']['jobTemplate']['spec']['template']['spec']['containers'][0]['args']):
            job['spec'] for (kind, _name), job in resources.items() if kind == 'CronJob'}
    assert {args[:2] for args in jobs} == {('./manage.py', 'lms')}
    assert {' '.join(args[2:]): spec['schedule'] for args, spec in jobs.items()} == CRON_COMMANDS
    assert {spec['concurrencyPolicy'] for spec in jobs.values()} == {'Forbid'}
    retention = jobs['./manage.py', 'lms', 'proctoring_retention', '--delete']['jobTemplate']['spec']['template']
    assert {'name': 'proctored-exams-media', 'persistentVolumeClaim': {'claimName': 'proctored-exams-media'}} in \
        retention['spec']['volumes']


def test_k8s_shared_media_volume(beat):
    claim = k8s(beat, 'k8s/volumes.yml')['PersistentVolumeClaim', 'proctored-exams-media']
    assert claim['spec']['accessModes'] == ['ReadWriteMany']
    assert claim['spec']['resources']['requests']['storage'] == '10Gi'
    overrides = k8s(beat, 'k8s/override.yml')
    for name in ('lms', 'lms-worker'):
        pod = overrides['Deployment', name]['spec']['template']['spec']
        assert pod['containers'] == [{'name': name, 'volumeMounts': [
            {'mountPath': '/openedx/media-private/proctored-exams', 'name': 'proctored-exams-media'}]}]
    assert 'k8s/override.yml' in beat.read('kustomization.yml')


def test_k8s_with_a_media_storage_and_the_sites_beat(site):
    resources = k8s(site)
    assert not [name for _kind, name in resources if name.startswith('proctored-exams')]
    assert ('PersistentVolumeClaim', 'proctored-exams-media') not in k8s(site, 'k8s/volumes.yml')
    assert 'proctored-exams-media' not in site.read('k8s/override.yml')
    # Nothing to override: Kustomize is given no empty patch.
    assert 'k8s/override.yml' not in site.read('kustomization.yml')


# Configuration --------------------------------------------------------------------------------------------

def test_unknown_periodic_task_mode_is_refused(project_factory):
    project = project_factory()
    result = project.tutor('config', 'save', '--set', 'PROCTORED_EXAMS_PERIODIC_TASKS=celery', check=False)
    assert result.returncode != 0
    assert 'PROCTORED_EXAMS_PERIODIC_TASKS' in result.stdout + result.stderr
