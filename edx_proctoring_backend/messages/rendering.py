"""
What an e-mail says: its subject, plain text and HTML, rendered from Django templates in the
recipient's language.

The templates are where edx-ace looks for them (``edx_proctoring_backend/edx_ace/<name>/email/``:
``subject.txt``, ``body.txt``, ``body.html``, ``head.html``, and ``from_name.txt`` that some of its
channels use), so the LMS's messaging and Django's e-mail
send the same words; a site overrides any of them with a template of the same path earlier in its
template directories.
"""
import re
from dataclasses import dataclass

from django.template import loader
from django.utils import translation

from ..lms.messaging import APP_LABEL

PARTS = ('subject.txt', 'body.txt', 'body.html', 'head.html')
# Every part edx-ace's e-mail renderer asks for: each message has them all.
ACE_PARTS = (*PARTS, 'from_name.txt')


@dataclass(frozen=True)
class RenderedEmail:
    """An e-mail ready to send."""

    subject: str
    text: str
    html: str


def template_name(name, part):
    """The path of one part of message ``name`` (as edx-ace's e-mail renderer names it)."""
    return f'{APP_LABEL}/edx_ace/{name}/email/{part}'


def render(name, context, language=None):
    """Render message ``name`` with ``context`` in ``language`` (the active one when None)."""
    with translation.override(language or translation.get_language()):
        subject, text, body, head = (loader.get_template(template_name(name, part)).render(context)
                                     for part in PARTS)
    # As edx-ace's e-mail channels do: one line of subject, and the body inside a page with its head.
    subject = re.sub(r'\s+', ' ', subject).strip()
    html = f'<!DOCTYPE html>\n<html>\n  <head>\n    {head}\n  </head>\n  <body>\n    {body}\n  </body>\n</html>'
    return RenderedEmail(subject=subject, text=text.strip() + '\n', html=html)
