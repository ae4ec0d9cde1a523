"""
The frame of the package's own pages (the instructor dashboard's and the reviewer's). Inside the LMS it is
the platform's Django page template, ``main_django.html``, with the site's header, footer, theme and
look; standalone, and where the LMS frames a page itself (the instructor dashboard's tab), a small page
of the package's own with its own small stylesheet.

The platform's template has changed its ``title`` block over the releases (around the ``<title>``
element, or inside it) and may hold the page's ``<main>``: the frame's source says which, so that a page
has exactly one title and one main region whichever release it runs on.
"""
import re

from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template

PLATFORM_FRAME = 'main_django.html'
STANDALONE_FRAME = 'edx_proctoring_backend/standalone.html'
_TITLE_INSIDE_ELEMENT = re.compile(r'<title>\s*\{%\s*block\s+title\s*%\}')


def _platform_source():
    """The source of the platform's page template, or None where there is none (standalone)."""
    try:
        template = get_template(PLATFORM_FRAME)
    except (TemplateDoesNotExist, TemplateSyntaxError):
        return None
    source = getattr(getattr(template, 'template', None), 'source', None)
    return source if isinstance(source, str) else None


def page_frame(framed=False):
    """
    The template context of a page's frame: ``page_frame`` (the template ``edx_proctoring_backend/page.html``
    extends), ``frame_title_tag`` (the page writes the ``<title>`` element itself) and ``frame_has_main``
    (the frame holds the page's ``<main>``). ``framed``: the page is shown inside another page of the LMS.
    """
    source = None if framed else _platform_source()
    if source is None:
        return {'page_frame': STANDALONE_FRAME, 'frame_title_tag': False, 'frame_has_main': False}
    return {'page_frame': PLATFORM_FRAME, 'frame_title_tag': not _TITLE_INSIDE_ELEMENT.search(source),
            'frame_has_main': '<main' in source}
