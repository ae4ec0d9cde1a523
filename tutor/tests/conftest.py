"""
Fixtures: a Tutor project root in a temporary directory, with the plugin enabled and the configuration saved
by the real ``tutor`` command, for the tests to read what Tutor rendered.
"""
import ast
import os
import pathlib
import subprocess
import sys

import pytest
import yaml

# The package this plugin installs, where the tests run inside its repository (to check the settings and the
# commands the rendered files name against the package's own); absent from the plugin's own distribution.
REPOSITORY = pathlib.Path(__file__).resolve().parents[2]
BACKEND = REPOSITORY / 'edx_proctoring_backend'
TUTOR = str(pathlib.Path(sys.executable).with_name('tutor'))


class Project:
    """A Tutor project root: runs ``tutor`` in it and reads the files it rendered."""

    def __init__(self, root):
        self.root = root
        # The plugins root too: YAML plugins of the user's own Tutor root stay out of the tests.
        self.env = dict(os.environ, TUTOR_ROOT=str(root), TUTOR_PLUGINS_ROOT=str(root / 'plugins'))

    def tutor(self, *args, check=True):
        """Run ``tutor ARGS`` in this root; the completed process."""
        result = subprocess.run([TUTOR, *args], env=self.env, capture_output=True, text=True, check=False)
        if check and result.returncode:
            raise AssertionError(f'tutor {" ".join(args)} failed:\n{result.stdout}\n{result.stderr}')
        return result

    def save(self, **values):
        """``tutor config save --set NAME=VALUE ...``: values are YAML, as on Tutor's command line."""
        options = []
        for name, value in values.items():
            options += ['--set', f'{name}={value}']
        return self.tutor('config', 'save', *options)

    def read(self, relative):
        """The text of a file of the rendered environment (``env/...``)."""
        return (self.root / 'env' / relative).read_text(encoding='utf-8')

    def yaml(self, relative):
        """The YAML documents of a file of the rendered environment, empty ones left out."""
        return [document for document in yaml.safe_load_all(self.read(relative)) if document]

    def value(self, name):
        """``tutor config printvalue NAME``: a value of the configuration, rendered."""
        return self.tutor('config', 'printvalue', name).stdout.strip().splitlines()[-1]

    def config(self):
        """The saved configuration (config.yml)."""
        return yaml.safe_load((self.root / 'config.yml').read_text(encoding='utf-8'))


@pytest.fixture(scope='module')
def project_factory(tmp_path_factory):
    """Make a project root with the plugin enabled and the configuration saved with these values."""
    def make(**values):
        project = Project(tmp_path_factory.mktemp('tutor-root'))
        project.tutor('plugins', 'enable', 'proctored-exams')
        project.save(**values)
        return project
    return make


@pytest.fixture(name='package_settings', scope='session')
def package_settings_fixture():
    """The names of the settings the package reads (its DEFAULTS), or None outside the repository."""
    return package_settings()


@pytest.fixture(name='package_commands', scope='session')
def package_commands_fixture():
    """The names of the package's management commands, or None outside the repository."""
    return package_commands()


@pytest.fixture(name='package_task_names', scope='session')
def package_task_names_fixture():
    """The Celery task names the package registers, or None outside the repository."""
    return package_task_names()


def package_settings():
    """The names of the settings the package reads (its DEFAULTS), or None outside the repository."""
    path = BACKEND / 'settings' / 'common.py'
    if not path.exists():
        return None
    for node in ast.parse(path.read_text(encoding='utf-8')).body:
        if isinstance(node, ast.Assign) and any(getattr(target, 'id', '') == 'DEFAULTS' for target in node.targets):
            return {key.value for key in node.value.keys}
    raise AssertionError(f'No DEFAULTS in {path}')


def package_commands():
    """The names of the package's management commands, or None outside the repository."""
    path = BACKEND / 'management' / 'commands'
    if not path.exists():
        return None
    return {module.stem for module in path.glob('*.py') if module.stem != '__init__'}


def package_task_names():
    """The Celery task names the package registers (``@shared_task(name=...)``), or None outside the repository."""
    path = BACKEND / 'tasks.py'
    if not path.exists():
        return None
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
        if isinstance(node, ast.keyword) and node.arg == 'name' and isinstance(node.value, ast.Constant):
            names.add(node.value.value)
    return names
