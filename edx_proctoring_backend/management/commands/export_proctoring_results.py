"""Write a course's proctoring results file (CSV) to standard output or a file."""
from django.core.management.base import BaseCommand

from edx_proctoring_backend import api


class Command(BaseCommand):
    """``manage.py export_proctoring_results COURSE_KEY [--output FILE]``"""

    help = "Export a course's proctored sessions and reviews as CSV."

    def add_arguments(self, parser):
        parser.add_argument('course_key')
        parser.add_argument('--output', help='write to this file instead of standard output')

    def handle(self, *args, **options):
        text = api.results_csv(options['course_key'])
        if options['output']:
            with open(options['output'], 'w', encoding='utf-8', newline='') as output:
                output.write(text)
        else:
            self.stdout.write(text, ending='')
