"""Package metadata for proctored exams in Open edX (the XBlock and its Django plugin app)."""
import os
import re

from setuptools import find_packages, setup


def package_version():
    """Read the version from the backend package without importing it."""
    with open(os.path.join('edx_proctoring_backend', '__init__.py'), encoding='utf-8') as init:
        return re.search(r"^__version__ = ['\"]([^'\"]+)['\"]", init.read(), re.M).group(1)


REQUIREMENT = re.compile(r'^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(.*)$')


def _read_lines(path):
    """The requirement lines of a requirements file (comments and options dropped)."""
    with open(path, encoding='utf-8') as reqs:
        for line in reqs:
            line = line.split('#', 1)[0].strip()
            if line and not line.startswith('-'):
                yield line


def _constraints():
    """{package name: version limits} of requirements/constraints.txt."""
    limits = {}
    for line in _read_lines(os.path.join('requirements', 'constraints.txt')):
        name, _extras, specifier = REQUIREMENT.match(line).groups()
        limits[name.lower()] = specifier
    return limits


def load_requirements(*requirements_paths):
    """
    The direct requirements of requirements/*.in files, each with its own lower bound and the limits
    that requirements/constraints.txt sets on it (a published requirement keeps, e.g., Django below 6).
    """
    limits = _constraints()
    requirements = set()
    for path in requirements_paths:
        for line in _read_lines(path):
            name, extras, specifier = REQUIREMENT.match(line).groups()
            specifiers = list(dict.fromkeys(part for part in (specifier, limits.get(name.lower(), '')) if part))
            requirements.add(f"{name}{extras or ''}{','.join(specifiers)}")
    return sorted(requirements)


with open('README.rst', encoding='utf-8') as readme:
    LONG_DESCRIPTION = readme.read()

setup(
    name='openedx-proctored-exams',
    version=package_version(),
    description='Proctored, practice and timed exams for Open edX: an XBlock and a pluggable proctoring backend',
    long_description=LONG_DESCRIPTION,
    long_description_content_type='text/x-rst',
    license='AGPL-3.0-only',
    license_files=['LICENSE.txt'],
    author='The openedx-proctored-exams authors',
    python_requires='>=3.11',
    packages=find_packages(include=['proctored_xblock', 'proctored_xblock.*',
                                    'edx_proctoring_backend', 'edx_proctoring_backend.*'])
    + ['proctored_xblock.static'],
    # The block's JS/CSS live at the top of the repository; the wheel carries them inside the block's
    # package, where XBlock resources look them up.
    package_dir={
        'proctored_xblock.static': 'static',
    },
    # The catalogues are each package's conf/locale, shipped where they are looked up: the block's in
    # proctored_xblock/translations (the platform's XBlock i18n service), the app's in
    # edx_proctoring_backend/locale (Django); both are links to conf/locale in the repository.
    package_data={
        'proctored_xblock': ['templates/*.html', 'translations/*/LC_MESSAGES/text.po',
                             'translations/*/LC_MESSAGES/text.mo'],
        'edx_proctoring_backend': ['templates/edx_proctoring_backend/*.html',
                                   'templates/edx_proctoring_backend/*/*.html',
                                   # The e-mails (messages/): edx-ace's layout, <name>/email/<part>.
                                   'templates/edx_proctoring_backend/edx_ace/*/*.html',
                                   'templates/edx_proctoring_backend/edx_ace/*/*.txt',
                                   'templates/edx_proctoring_backend/edx_ace/*/email/*.html',
                                   'templates/edx_proctoring_backend/edx_ace/*/email/*.txt',
                                   'templates/instructor_dashboard/*.html',
                                   'locale/*/LC_MESSAGES/django.po', 'locale/*/LC_MESSAGES/django.mo'],
        'proctored_xblock.static': ['js/*.js', 'css/*.css'],
    },
    include_package_data=False,
    install_requires=load_requirements('requirements/base.in'),
    extras_require={
        # The machines that analyse recordings (the analysis queue's Celery workers): OpenCV, numpy, the
        # face detector and the identity check (a binary wheel of dlib and its models). The LMS and Studio
        # web processes never import them.
        'video': load_requirements('requirements/video.in'),
        # The identity check was once an extra of its own; the name stays for installs that still ask for it.
        'identity': load_requirements('requirements/video.in'),
    },
    entry_points={
        'console_scripts': [
            'proctoring-analyse = edx_proctoring_backend.video.cli:run',
        ],
        'xblock.v1': [
            'proctored_exam = proctored_xblock.block:ProctoredExamBlock',
            'exam_question = proctored_xblock.question:ExamQuestionBlock',
            'proctoring_progress = proctored_xblock.progress:ProctoringProgressBlock',
        ],
        'lms.djangoapp': [
            'edx_proctoring_backend = edx_proctoring_backend.apps:ProctoringBackendConfig',
        ],
        'cms.djangoapp': [
            'edx_proctoring_backend = edx_proctoring_backend.apps:ProctoringBackendConfig',
        ],
        'edx_proctoring_backend.providers': [
            'null = edx_proctoring_backend.providers.null:NullProvider',
            'rpnow = edx_proctoring_backend.providers.rpnow:RPNowProvider',
            'proctortrack = edx_proctoring_backend.providers.proctortrack:ProctortrackProvider',
            'local = edx_proctoring_backend.providers.local:LocalProvider',
            'monitor = edx_proctoring_backend.providers.monitor:MonitorProvider',
        ],
        # This package's providers as edx-proctoring backends (PROCTORING_BACKENDS): docs/decisions/0005.
        'openedx.proctoring': [
            'proctored_exams_null = edx_proctoring_backend.special_exams.backend:NullBackend',
            'proctored_exams_rpnow = edx_proctoring_backend.special_exams.backend:RPNowBackend',
            'proctored_exams_proctortrack = edx_proctoring_backend.special_exams.backend:ProctortrackBackend',
            'proctored_exams_local = edx_proctoring_backend.special_exams.backend:LocalBackend',
        ],
    },
    classifiers=[
        'Development Status :: 4 - Beta',
        'Framework :: Django',
        'Framework :: Django :: 5.2',
        'Programming Language :: Python :: 3.11',
        'Programming Language :: Python :: 3.12',
    ],
    zip_safe=False,
)
