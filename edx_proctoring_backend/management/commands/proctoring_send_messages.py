"""
Send the e-mails that are due and try again the ones that failed (what the periodic task does every
minute), for sites without celery beat: run it from cron.
"""
from django.core.management.base import BaseCommand

from edx_proctoring_backend import api


class Command(BaseCommand):
    """``manage.py proctoring_send_messages``"""

    help = 'Send the e-mails to learners and exam monitors that are due, and try again the ones that failed.'

    def handle(self, *args, **options):
        self.stdout.write(f'Sent {api.send_due_messages()} e-mail(s).')
