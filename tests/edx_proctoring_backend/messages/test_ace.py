"""Inside the LMS, e-mails go through the platform's messaging, edx-ace (the real one), from the same templates."""
from datetime import timedelta

import pytest

from edx_proctoring_backend.lms import messaging
from edx_proctoring_backend.messages import notices, sending
from edx_proctoring_backend.messages.models import OutgoingMessage
from tests.fakes.smtp import html_of, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def lms_messaging(settings, smtp_server):
    """ACE configured as the LMS configures it for transactional e-mail: its Django e-mail channel."""
    settings.ACE_ENABLED_CHANNELS = ['django_email']
    settings.ACE_CHANNEL_DEFAULT_EMAIL = 'django_email'
    settings.ACE_CHANNEL_TRANSACTIONAL_EMAIL = 'django_email'
    settings.ACE_ENABLED_POLICIES = []
    settings.DEFAULT_FROM_EMAIL = 'lms@example.org'
    settings.PROCTORING_EMAIL_DELIVERY = 'auto'
    return smtp_server


def queue(user, language='fr'):
    return sending.queue(notices.REVIEW_RESULT, 'ace:1', user.email, user=user, language=language,
                         context={'recipient_name': 'Ada', 'exam_name': 'Final exam',
                                  'exam_url': 'https://lms.example.org/x', 'satisfactory': False})


def test_ace_sends_the_packages_templates_in_the_learners_language(lms_messaging, make_user):
    ada = make_user('ada')
    ada.email = 'ada@example.org'
    ada.save()
    assert sending.channel() == sending.ACE
    assert sending.send(queue(ada).pk) == sending.SENT
    [received] = lms_messaging.to('ada@example.org')
    assert received['From'] == 'lms@example.org'
    # (Django's header encoding of a non-ASCII subject leaves a space before it once parsed.)
    assert received['Subject'].strip() == 'La vérification de votre examen « Final exam » est terminée'
    assert 'Bonjour Ada,' in text_of(received) and 'lang="fr"' in html_of(received)
    assert OutgoingMessage.objects.get().channel == sending.ACE


def test_a_message_ace_did_not_send_is_kept_for_another_try(lms_messaging, make_user):
    ada = make_user('ada')
    ada.email = 'ada@example.org'
    ada.save()
    # ACE's channel turns the server's refusal into an error it only logs and reports to its monitoring.
    lms_messaging.refuse = True
    message = queue(ada, language='en')
    assert sending.send(message.pk) == sending.FAILED
    message.refresh_from_db()
    assert message.sent_at is None and 'edx-ace did not send' in message.last_error
    lms_messaging.refuse = False
    assert sending.send_due(now=message.claimed_at + sending.retry_delay() + timedelta(seconds=1)) == 1
    assert len(lms_messaging.to('ada@example.org')) == 1


def test_without_a_channel_enabled_ace_is_not_used(settings):
    settings.ACE_ENABLED_CHANNELS = []
    assert not messaging.ace_configured()
