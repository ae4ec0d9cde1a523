"""The demo's booked exam: its sittings, a booking e-mailed to the demo's mailbox, and the links of its e-mails."""
import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from workbench.runtime_util import reset_global_state

from demo import mailbox
from demo.management.commands.demo_sittings import booked_exam_block
from edx_proctoring_backend import api
from edx_proctoring_backend.exams.models import Exam

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_mail(settings, tmp_path):
    """The demo's mailbox backend, writing to a folder of the test's."""
    settings.EMAIL_BACKEND = 'demo.mailbox.MailboxBackend'
    settings.PROCTORING_DEMO_MAIL_DIR = str(tmp_path)
    settings.PROCTORING_EMAIL_DELIVERY = 'django'
    return tmp_path


def test_the_demo_publishes_a_sitting_every_half_hour_and_one_on_campus():
    reset_global_state()
    out = io.StringIO()
    call_command('demo_sittings', stdout=out)
    assert 'Published 25 sitting(s) of "Booked final exam" (proctor: proctor).' in out.getvalue()
    call_command('demo_sittings', stdout=out)
    assert 'Published 0 sitting(s)' in out.getvalue()                     # again: nothing missing
    exam = Exam.objects.get(display_name='Booked final exam')
    assert api.requires_booking(exam) and exam.booking_cutoff_hours == 0 and exam.sitting_early_minutes == 30
    first = exam.sittings.order_by('starts_at').first()
    assert timezone.now() < first.starts_at <= timezone.now() + timedelta(minutes=30)
    assert exam.sittings.filter(place='on_campus').count() == 1


def test_a_booking_lands_in_the_demo_mailbox_with_a_link_to_the_exam(demo_mail, client,
                                                                     django_capture_on_commit_callbacks):
    reset_global_state()
    call_command('demo_sittings', stdout=io.StringIO())
    exam = Exam.objects.get(display_name='Booked final exam')
    learner, _ = get_user_model().objects.get_or_create(username='verified_learner', email='learner@example.org')
    with django_capture_on_commit_callbacks(execute=True):
        api.book_sitting(learner, exam, exam.sittings.order_by('starts_at').first().pk)
    [eml] = list(demo_mail.glob('*.eml'))
    listing = client.get('/demo/mail/').content.decode()
    assert 'Your sitting of &quot;Booked final exam&quot; is booked' in listing
    shown = client.get(f'/demo/mail/{eml.name}').content.decode()
    link = re.search(r'http://[^/\s]+(/demo/exam/[^\s<]+)', shown).group(1)
    assert client.get(link)['Location'].startswith('/scenario/proctored_exam.')
    html = client.get(f'/demo/mail/{eml.name}/html')
    assert 'sandbox' in html['Content-Security-Policy'] and b'Go to the exam' in html.content
    assert client.get('/demo/mail/..%2Fsecret.eml').status_code == 404
    assert client.get('/demo/exam/no-such-block').status_code == 404


def test_the_front_page_links_the_sittings_and_the_mailbox(client):
    html = client.get('/').content.decode()
    assert 'Proctored exam booked at sittings' in html
    assert 'class="demo-sittings" href="/api/proctored-exams/dashboard/' in html and 'href="/demo/mail/"' in html
    assert 'class="demo-monitors" href="/api/proctored-exams/dashboard/' in html


def test_the_block_of_the_booked_exam_is_found():
    reset_global_state()
    assert booked_exam_block().booking_required
    assert mailbox.mail_dir().name == 'mail'
