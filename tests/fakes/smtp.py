"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every e-mail it receives, for the tests to read."""
import email
import socket
import threading
from email import policy

from aiosmtpd.controller import Controller


def _free_port():
    """A port nothing listens on now (aiosmtpd connects to its own port to know it is up: not 0)."""
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


class SmtpSink:
    """Receives e-mail over SMTP on a free local port; ``messages`` holds them parsed, in order of arrival."""

    def __init__(self):
        self.messages = []
        self.refuse = False   # True: every message is refused (a permanent SMTP error)
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname='127.0.0.1', port=_free_port())

    async def handle_DATA(self, server, session, envelope):  # pylint: disable=invalid-name,unused-argument
        """aiosmtpd's hook: keep the message with its envelope's recipients."""
        if self.refuse:
            return '554 Transaction failed'
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return '250 Message accepted for delivery'

    def start(self):
        """Start serving (on a thread of its own); return self."""
        self._controller.start()
        return self

    def stop(self):
        """Stop serving."""
        self._controller.stop()

    @property
    def host(self):
        """The address it listens on."""
        return self._controller.hostname

    @property
    def port(self):
        """The port it listens on."""
        return self._controller.port

    def to(self, address):
        """The messages received for ``address``."""
        with self._lock:
            return [message for recipients, message in self.messages if address in recipients]


def text_of(message):
    """The plain-text part of a received message."""
    return message.get_body(preferencelist=('plain',)).get_content()


def html_of(message):
    """The HTML part of a received message."""
    return message.get_body(preferencelist=('html',)).get_content()
