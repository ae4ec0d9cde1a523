"""Submit every started attempt whose time ran out (what the periodic task does), from cron or by hand."""
from django.core.management.base import BaseCommand

from edx_proctoring_backend import api


class Command(BaseCommand):
    """``manage.py submit_expired_attempts``"""

    help = 'Submit every started exam attempt whose time ran out.'

    def handle(self, *args, **options):
        count = api.submit_expired_attempts()
        self.stdout.write(f'Submitted {count} expired attempt(s).')
