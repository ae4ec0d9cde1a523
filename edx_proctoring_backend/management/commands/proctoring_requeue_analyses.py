"""
Queue again the analyses of recordings that a lost or stopped task left behind (what the periodic task
does every five minutes), for sites without celery beat: run it from cron.
"""
from django.core.management.base import BaseCommand

from edx_proctoring_backend import api


class Command(BaseCommand):
    """``manage.py proctoring_requeue_analyses``"""

    help = 'Queue again the analyses that made no progress for PROCTORING_ANALYSIS_REQUEUE_MINUTES.'

    def handle(self, *args, **options):
        self.stdout.write(f'Queued {api.requeue_stale_analyses()} analysis(es) again.')
