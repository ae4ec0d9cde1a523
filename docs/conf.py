"""
Sphinx configuration of the documentation of openedx-proctored-exams.

Build it with ``make docs`` (warnings are errors). At build time the OpenAPI schema of the REST API is
generated from the code, as the site serves it at ``/api/proctored-exams/v1/schema``, with the minimal
Django settings of ``docs/docs_settings.py``, and rendered by ``sphinxcontrib-openapi``
(``references/rest-api.rst``). The settings reference is checked against the code: a ``PROCTORING_*``
setting the package reads but ``references/settings.rst`` does not document fails the build.
"""
import json
import os
import re
import sys
from datetime import date
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(DOCS))

# -- Project -----------------------------------------------------------------------------------------------

project = 'openedx-proctored-exams'
author = 'The openedx-proctored-exams authors'
copyright = f'{date.today().year}, {author}'  # pylint: disable=redefined-builtin
release = re.search(r"^__version__ = ['\"]([^'\"]+)['\"]",
                    (ROOT / 'edx_proctoring_backend' / '__init__.py').read_text(encoding='utf-8'), re.M).group(1)
version = release

extensions = [
    'sphinxcontrib.openapi',   # also loads sphinxcontrib.httpdomain
]

# The current renderer (the default is the old one, kept by the extension for compatibility).
openapi_default_renderer = 'httpdomain'

root_doc = 'index'
exclude_patterns = ['_build', 'Thumbs.db', '.DS_Store']
nitpicky = True

# -- HTML ----------------------------------------------------------------------------------------------------

html_theme = 'sphinx_book_theme'
html_title = 'Proctored exams for Open edX'
html_theme_options = {
    'navigation_with_keys': False,
    'show_toc_level': 2,
}
html_static_path = []

# -- The REST API's OpenAPI schema ----------------------------------------------------------------------------

OPENAPI_DIR = DOCS / '_build' / 'openapi'
OPENAPI_FILE = OPENAPI_DIR / 'openapi.json'


def generate_openapi_schema():
    """Write the schema the site serves at ``/api/proctored-exams/v1/schema`` to ``OPENAPI_FILE``."""
    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'docs_settings')
    import django  # pylint: disable=import-outside-toplevel
    django.setup()
    from django.test import RequestFactory  # pylint: disable=import-outside-toplevel

    from edx_proctoring_backend.rest.views import SchemaView  # pylint: disable=import-outside-toplevel

    request = RequestFactory().get('/api/proctored-exams/v1/schema', {'format': 'json'})
    response = SchemaView.as_view()(request)
    response.render()
    if response.status_code != 200:
        raise RuntimeError(f'The OpenAPI schema view answered {response.status_code}.')
    schema = json.loads(response.content)
    OPENAPI_DIR.mkdir(parents=True, exist_ok=True)
    text = json.dumps(schema, indent=2, sort_keys=False) + '\n'
    # Written only when it changed, so that an unchanged schema does not rebuild the page.
    if not OPENAPI_FILE.exists() or OPENAPI_FILE.read_text(encoding='utf-8') != text:
        OPENAPI_FILE.write_text(text, encoding='utf-8')


generate_openapi_schema()

# -- The settings reference is complete -----------------------------------------------------------------------

SETTING_NAME = re.compile(r'\bPROCTORING_[A-Z0-9_]*[A-Z0-9]\b')
# Settings of the standalone demo (demo/settings.py, make demo), not read by the package.
NOT_PACKAGE_SETTINGS = re.compile(r'PROCTORING_DEMO_|PROCTORING_TEST_|PROCTORING_REQUIRE_SERVICES')


def settings_read_by_the_package():
    """Every ``PROCTORING_*`` name in the package's Python code."""
    names = set()
    for package in ('edx_proctoring_backend', 'proctored_xblock'):
        for path in (ROOT / package).rglob('*.py'):
            names.update(SETTING_NAME.findall(path.read_text(encoding='utf-8')))
    return {name for name in names if not NOT_PACKAGE_SETTINGS.match(name)}


def check_settings_reference(app):  # pylint: disable=unused-argument  # Sphinx's builder-inited event
    """Warn (an error with -W) about a setting the package reads that the settings reference leaves out."""
    # Sphinx is in the documentation's environment only (requirements/doc.txt).
    from sphinx.util import logging  # pylint: disable=import-outside-toplevel,import-error
    documented = set(re.findall(r'^\.\. setting:: (PROCTORING_[A-Z0-9_]+)\s*$',
                                (DOCS / 'references' / 'settings.rst').read_text(encoding='utf-8'), re.M))
    logger = logging.getLogger(__name__)
    for name in sorted(settings_read_by_the_package() - documented):
        logger.warning('%s is read by the package but not documented in references/settings.rst', name,
                       location='references/settings')
    for name in sorted(documented - settings_read_by_the_package()):
        logger.warning('%s is documented in references/settings.rst but the package no longer reads it', name,
                       location='references/settings')


def setup(app):
    """Add the ``setting`` directive and role (``.. setting:: NAME``, ``:setting:`NAME```) and the check."""
    app.add_object_type('setting', 'setting', indextemplate='pair: %s; setting')
    app.connect('builder-inited', check_settings_reference)
