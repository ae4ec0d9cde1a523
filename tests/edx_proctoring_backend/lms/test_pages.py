"""
The package's pages inside the LMS's own page template (``lms.pages``), tested with stand-ins of the
platform's ``main_django.html`` as its releases have written it: one title and one main region whichever.
"""
import copy
import re

import pytest
from django.test import override_settings

from tests.edx_proctoring_backend.rest.conftest import COURSE, world  # noqa: F401  pylint: disable=unused-import

# The platform's Django page template: its header and footer around the page's body; two releases' titles.
PLATFORM_PAGE = (
    '<!DOCTYPE html><html lang="{{ LANGUAGE_CODE }}"><head><meta charset="UTF-8">%(title)s'
    '{%% block headextra %%}{%% endblock %%}</head><body class="{%% block bodyclass %%}{%% endblock %%}">'
    '<header>The site header</header>%(open)s{%% block body %%}{%% endblock %%}%(close)s'
    '<footer>The site footer</footer></body></html>'
)
TITLE_INSIDE = '<title>{% block title %}The site{% endblock %}</title>'
TITLE_AROUND = '{% block title %}<title>The site</title>{% endblock %}'


def with_platform_page(settings, title, main):
    """The test settings' templates, with ``main_django.html`` found first (as the LMS's template directories)."""
    templates = copy.deepcopy(settings.TEMPLATES)
    source = PLATFORM_PAGE % {'title': title, 'open': '<main id="main">' if main else '<div id="content">',
                              'close': '</main>' if main else '</div>'}
    templates[0]['APP_DIRS'] = False
    templates[0]['OPTIONS']['loaders'] = [
        ('django.template.loaders.locmem.Loader', {'main_django.html': source}),
        'django.template.loaders.filesystem.Loader', 'django.template.loaders.app_directories.Loader',
    ]
    return override_settings(TEMPLATES=templates)


def page(client, user, path):
    client.force_login(user)
    return client.get(f'/api/proctored-exams/{path}').content.decode()


@pytest.mark.parametrize('title, main', [(TITLE_INSIDE, True), (TITLE_AROUND, False)])
def test_inside_the_lms_the_pages_wear_the_platforms_frame(world, client, settings, title, main):
    with with_platform_page(settings, title, main):
        html = page(client, world.users['staff'], f'dashboard/{COURSE}/allowances')
        reviewer = page(client, world.users['admin'], 'review/')
    for shown in (html, reviewer):
        assert 'The site header' in shown and 'The site footer' in shown
        assert shown.count('<title>') == 1 and shown.count('<main') == 1, shown
        assert 'view-proctored-exams' in shown and '.proctored-exams-page table' in shown
        assert 'max-width: 75rem' not in shown   # the platform's look, not the standalone page's
    assert re.search(r'<title>Allowances · Proctored exams · [^<]+</title>', html)
    assert '<title>Proctoring review queue</title>' in reviewer


def test_framed_in_the_instructor_dashboard_or_standalone_it_is_the_packages_own_page(world, client, settings):
    with with_platform_page(settings, TITLE_INSIDE, True):
        framed = page(client, world.users['staff'], f'dashboard/{COURSE}/allowances?embedded=1')
    standalone = page(client, world.users['staff'], f'dashboard/{COURSE}/allowances')
    for shown in (framed, standalone):
        assert 'The site header' not in shown and shown.count('<title>') == 1 and shown.count('<main') == 1
        assert 'max-width: 75rem' in shown   # the package's own small stylesheet
