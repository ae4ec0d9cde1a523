"""
Delivering an e-mail through the platform's messaging, edx-ace, where it is installed and configured.

Inside the LMS, ``ace.send`` renders the message from the same templates the package renders itself
(``<app_label>/edx_ace/<name>/email/``) and delivers it through the site's e-mail channel. It reports a
failed delivery only to its monitoring, so a delivery counts here when ACE says it sent the message
(its ``ACE_MESSAGE_SENT`` signal for this message).
"""
import importlib

from django.conf import settings

APP_LABEL = 'edx_proctoring_backend'


class DeliveryFailed(Exception):
    """The message was not delivered; sending it again later may succeed."""


def _edx_ace():
    try:
        return importlib.import_module('edx_ace')
    except ImportError:
        return None


def ace_configured():
    """True where edx-ace is installed and the site enabled a channel (the LMS's ``ACE_ENABLED_CHANNELS``)."""
    return _edx_ace() is not None and bool(getattr(settings, 'ACE_ENABLED_CHANNELS', None))


def send_with_ace(name, user_id, email, language, context, from_address=None):
    """
    Send message ``name`` to ``email`` (the platform's user ``user_id``, or None for someone without an
    account) through edx-ace, as a transactional message. Raises ``DeliveryFailed`` when ACE did not send it.
    """
    # pylint: disable=import-outside-toplevel
    from edx_ace import ace
    from edx_ace.message import Message
    from edx_ace.recipient import Recipient
    from edx_ace.signals import ACE_MESSAGE_SENT

    options = {'transactional': True}
    if from_address:
        options['from_address'] = from_address
    message = Message(app_label=APP_LABEL, name=name, recipient=Recipient(lms_user_id=user_id, email_address=email),
                      language=language or None, context=context, options=options)
    sent = []

    def on_sent(sender, message=None, **kwargs):  # pylint: disable=unused-argument
        if message and message.get('uuid') == str(ace_message_uuid):
            sent.append(message)

    ace_message_uuid = message.uuid
    ACE_MESSAGE_SENT.connect(on_sent, weak=False)
    try:
        ace.send(message)
    finally:
        ACE_MESSAGE_SENT.disconnect(on_sent)
    if not sent:
        raise DeliveryFailed('edx-ace did not send the message (see its log)')
