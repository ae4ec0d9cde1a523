"""
The demo's mailbox: an e-mail backend that keeps every message it is given as an ``.eml`` file in
``var/mail`` (no mail server needed), and the pages that list and show them (linked from the front page).
"""
import email
import os
import re
from email import policy
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

_NAME = re.compile(r'^[0-9]{8}T[0-9]{12}-[0-9]+\.eml$')


def mail_dir():
    """Where the demo keeps its e-mails (``PROCTORING_DEMO_MAIL_DIR``, default ``var/mail``)."""
    return Path(getattr(settings, 'PROCTORING_DEMO_MAIL_DIR', os.path.join('var', 'mail')))


class MailboxBackend(BaseEmailBackend):
    """Django's e-mail backend interface: each message becomes one file, named by the moment it was sent."""

    def send_messages(self, email_messages):
        folder = mail_dir()
        folder.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime('%Y%m%dT%H%M%S%f')
        for number, message in enumerate(email_messages):
            (folder / f'{stamp}-{number}.eml').write_bytes(message.message().as_bytes())
        return len(email_messages)


def _parsed(path):
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)


def _message_path(name):
    """The file of the e-mail ``name`` (only names the mailbox gives), or a 404."""
    if not _NAME.match(name):
        raise Http404
    path = mail_dir() / name
    if not path.is_file():
        raise Http404
    return path


def mailbox(request):
    """Every e-mail the demo sent, newest first."""
    folder = mail_dir()
    paths = sorted(folder.glob('*.eml'), reverse=True) if folder.is_dir() else []
    messages = [{'name': path.name, 'to': str(parsed['To']), 'subject': str(parsed['Subject']).strip(),
                 'date': str(parsed['Date'])} for path, parsed in ((path, _parsed(path)) for path in paths[:200])]
    return render(request, 'demo/mailbox.html', {'messages': messages})


def message(request, name):
    """One e-mail: its headers and plain text, with its HTML part in a sandboxed frame."""
    parsed = _parsed(_message_path(name))
    text = parsed.get_body(preferencelist=('plain',))
    return render(request, 'demo/message.html', {
        'name': name, 'to': str(parsed['To']), 'sender': str(parsed['From']),
        'subject': str(parsed['Subject']).strip(), 'date': str(parsed['Date']),
        'text': text.get_content() if text is not None else '',
        'has_html': parsed.get_body(preferencelist=('html',)) is not None,
    })


def message_html(request, name):
    """The HTML part of one e-mail, as the recipient's mail program would show it (no scripts)."""
    part = _parsed(_message_path(name)).get_body(preferencelist=('html',))
    if part is None:
        raise Http404
    response = HttpResponse(part.get_content(), content_type='text/html; charset=utf-8')
    response['Content-Security-Policy'] = "sandbox; default-src 'none'; style-src 'unsafe-inline'"
    return response
