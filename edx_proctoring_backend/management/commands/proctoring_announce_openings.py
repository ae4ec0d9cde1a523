"""
Tell the learners of the exams that open within PROCTORING_OPENING_NOTICE_DAYS (what the periodic
task does every hour), for sites without celery beat: run it from cron.
"""
from django.core.management.base import BaseCommand

from edx_proctoring_backend import api


class Command(BaseCommand):
    """``manage.py proctoring_announce_openings``"""

    help = 'E-mail the learners of the exams that open within PROCTORING_OPENING_NOTICE_DAYS (once each).'

    def handle(self, *args, **options):
        self.stdout.write(f'Told {api.announce_exam_openings()} learner(s) that an exam opens soon.')
