"""E-mails: one per event, in the recipient's language, over real SMTP, and never twice."""
from datetime import timedelta
from pathlib import Path

import pytest
from django.template.loader import get_template
from django.utils import timezone, translation

from edx_proctoring_backend import api
from edx_proctoring_backend.flow.announcements import EXAM_OPENING
from edx_proctoring_backend.messages import notices, rendering, sending
from edx_proctoring_backend.messages.models import OutgoingMessage
from edx_proctoring_backend.messages.rendering import ACE_PARTS, render, template_name
from edx_proctoring_backend.monitors import notices as monitor_notices
from edx_proctoring_backend.sittings import notices as sitting_notices
from edx_proctoring_backend.tasks import send_due_messages, send_message
from tests import journeys
from tests.fakes.smtp import html_of, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada(make_user):
    """A learner with a name and an address."""
    user = make_user('ada')
    user.email, user.first_name, user.last_name = 'ada@example.org', 'Ada', 'Lovelace'
    user.save()
    return user


def queue_one(user, key='test:1', send_after=None, **context):
    return sending.queue(notices.REVIEW_RESULT, key, user.email, user=user, language='en', send_after=send_after,
                         context={'recipient_name': 'Ada', 'exam_name': 'Final exam',
                                  'exam_url': 'https://lms.example.org/x', 'satisfactory': True, **context})


def test_a_review_result_reaches_the_learner_over_smtp_with_both_parts(smtp_server, ada, make_exam, settings,
                                                                       django_capture_on_commit_callbacks):
    settings.LMS_ROOT_URL, settings.PROCTORING_EXAM_URL = 'https://lms.example.org', None   # the LMS's jump_to
    exam = make_exam(display_name='Final exam')
    with django_capture_on_commit_callbacks(execute=True), translation.override('en'):   # the page's language
        attempt = journeys.submitted(ada, exam)
    assert attempt.status == api.AttemptStatus.VERIFIED
    [received] = smtp_server.to('ada@example.org')
    assert received['Subject'] == 'The review of your exam "Final exam" is complete'
    assert received['Auto-Submitted'] == 'auto-generated'
    text = text_of(received)
    assert 'Hello Ada Lovelace,' in text
    assert 'the proctoring requirements were met.' in text
    assert f'https://lms.example.org/courses/{exam.course_key}/jump_to/{exam.usage_key}' in text
    html = html_of(received)
    assert '<a class="action" href="https://lms.example.org/courses/' in html and 'lang="en"' in html
    message = OutgoingMessage.objects.get()
    assert message.sent_at is not None and message.channel == 'django' and message.context == {}


def test_a_rejection_says_so_and_whom_to_ask(smtp_server, ada, make_exam, make_user,
                                             django_capture_on_commit_callbacks):
    staff = make_user('staff')
    exam = make_exam(display_name='Final exam')
    attempt = journeys.submitted(ada, exam)
    mail_count = len(smtp_server.messages)
    with django_capture_on_commit_callbacks(execute=True):
        # A verdict that contradicts the first goes to a person, whose decision is the result.
        api.record_review(attempt, api.Outcome.UNSATISFACTORY, comment='someone else took it')
        api.record_review(attempt, api.Outcome.UNSATISFACTORY, by=staff, comment='someone else took it')
    attempt.refresh_from_db()
    assert attempt.status == api.AttemptStatus.REJECTED
    [received] = smtp_server.to('ada@example.org')[mail_count:]
    assert 'were not met' in text_of(received) and 'contact the course team' in text_of(received)
    # Two results, two e-mails; a practice exam or a learner without an address gets none.
    assert OutgoingMessage.objects.filter(user=ada).count() == 2


def test_no_e_mail_for_a_practice_exam_nor_without_an_address(smtp_server, ada, make_user, make_exam):
    journeys.submitted(ada, make_exam(exam_type='practice'))
    journeys.submitted(make_user('no_address'), make_exam())
    assert not OutgoingMessage.objects.exists() and not smtp_server.messages


def test_the_learners_language_in_the_lms_and_the_active_one_standalone(edx_platform, ada):
    edx_platform.preferences[(ada.pk, 'pref-lang')] = 'fr'
    assert notices.language_of(ada) == 'fr'
    edx_platform.preferences.clear()
    with translation.override('nl'):
        assert notices.language_of(ada) == 'nl'


@pytest.mark.parametrize('language,subject,greeting', [
    ('fr', 'La vérification de votre examen « Final exam » est terminée', 'Bonjour Ada,'),
    ('nl', 'De beoordeling van uw examen "Final exam" is klaar', 'Hallo Ada,'),
    ('ar', 'اكتملت مراجعة امتحانك "Final exam"', 'مرحبًا Ada،'),
])
def test_e_mails_are_translated(language, subject, greeting):
    rendered = render(notices.REVIEW_RESULT, {'recipient_name': 'Ada', 'exam_name': 'Final exam',
                                              'exam_url': 'https://x', 'satisfactory': True}, language)
    assert rendered.subject == subject
    assert greeting in rendered.text
    assert f'lang="{language}"' in rendered.html
    assert ('dir="rtl"' in rendered.html) == (language == 'ar')


def test_a_site_overrides_a_template(settings, tmp_path):
    override = tmp_path / 'edx_proctoring_backend' / 'edx_ace' / notices.REVIEW_RESULT / 'email'
    override.mkdir(parents=True)
    (override / 'subject.txt').write_text('Your result for {{ exam_name }}')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], 'DIRS': [str(tmp_path), *settings.TEMPLATES[0]['DIRS']]}]
    rendered = render(notices.REVIEW_RESULT, {'recipient_name': 'Ada', 'exam_name': 'Final exam',
                                              'exam_url': 'https://x', 'satisfactory': True}, 'en')
    assert rendered.subject == 'Your result for Final exam'
    assert 'Hello Ada,' in rendered.text   # the other parts stay the package's


def test_an_event_queued_twice_and_a_task_run_twice_send_one_e_mail(smtp_server, ada,
                                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue_one(ada)
        again = queue_one(ada, exam_name='Changed')
    assert first.pk == again.pk
    assert send_message(first.pk) == sending.ALREADY_SENT        # a redelivered task
    assert send_due_messages() == 0
    assert len(smtp_server.to('ada@example.org')) == 1


def test_a_message_someone_else_is_sending_is_left_to_them(smtp_server, ada):
    message = queue_one(ada)
    OutgoingMessage.objects.filter(pk=message.pk).update(claimed_at=timezone.now())
    assert sending.send(message.pk) == sending.BUSY
    assert sending.send(message.pk, now=timezone.now() + timedelta(minutes=6)) == sending.SENT  # a stale claim
    assert len(smtp_server.messages) == 1


def test_a_failed_sending_is_tried_again_by_the_sweep(settings, smtp_server, ada):
    settings.EMAIL_PORT = 1  # nothing listens there
    message = queue_one(ada)
    assert sending.send(message.pk) == sending.FAILED
    message.refresh_from_db()
    assert message.sent_at is None and message.tries == 1 and message.last_error
    settings.EMAIL_PORT = smtp_server.port
    assert sending.send_due() == 0                                   # its claim is not stale yet
    assert sending.send_due(now=timezone.now() + timedelta(minutes=6)) == 1
    message.refresh_from_db()
    assert message.sent_at and message.tries == 2 and not message.last_error
    assert len(smtp_server.messages) == 1


def test_a_later_message_waits_for_its_time_and_can_be_withdrawn_or_moved(smtp_server, ada):
    later = queue_one(ada, key='later', send_after=timezone.now() + timedelta(days=1))
    assert sending.send(later.pk) == sending.NOT_DUE and sending.send_due() == 0
    assert sending.reschedule('later', timezone.now() - timedelta(seconds=1))
    assert sending.send_due() == 1
    assert not sending.withdraw('later')                             # sent: nothing to withdraw
    withdrawn = queue_one(ada, key='withdrawn', send_after=timezone.now() + timedelta(days=1))
    assert sending.withdraw('withdrawn') and sending.send(withdrawn.pk) == sending.WITHDRAWN
    assert len(smtp_server.messages) == 1


def test_the_django_channel_uses_the_sites_sender(settings, ada, mailoutbox):
    settings.PROCTORING_EMAIL_DELIVERY = 'django'
    settings.PROCTORING_EMAIL_FROM = 'exams@example.org'
    sending.send(queue_one(ada).pk)
    assert mailoutbox[-1].from_email == 'exams@example.org'
    settings.PROCTORING_EMAIL_DELIVERY = 'auto'
    settings.ACE_ENABLED_CHANNELS = []
    assert sending.channel() == sending.DJANGO


def test_a_retired_learners_messages_go(ada):
    queue_one(ada)
    api.retire_user(ada)
    assert not OutgoingMessage.objects.exists()


MESSAGE_NAMES = sorted(path.name for path in (Path(rendering.__file__).parents[1] / 'templates' /
                                              'edx_proctoring_backend' / 'edx_ace').iterdir() if path.name != 'common')


def test_every_message_of_the_wings_has_templates():
    assert set(MESSAGE_NAMES) == {*notices.NAMES, *sitting_notices.NAMES, *monitor_notices.NAMES, EXAM_OPENING}


@pytest.mark.parametrize('name', MESSAGE_NAMES)
def test_every_message_has_every_part_edx_ace_asks_for_and_renders_in_each_language(name):
    for part in ACE_PARTS:
        assert get_template(template_name(name, part))
    sitting = {'moment': 'Monday', 'minutes': 60, 'place': 'Online', 'location': '', 'begin_from': 'a',
               'begin_until': 'b'}
    for language in ('en', 'fr', 'nl', 'ar'):
        rendered = render(name, {'recipient_name': 'Ada', 'exam_name': 'Final', 'exam_url': 'https://x',
                                 'sitting': sitting, 'previous': sitting, 'monitor_name': 'Grace',
                                 'learner_name': 'Ada', 'password': 'ABCD', 'report_url': 'https://r',
                                 'opens': 'Monday', 'reason': 'why'}, language)
        assert rendered.subject and 'Ada' in rendered.text and f'lang="{language}"' in rendered.html
