"""
List the calls to proctoring vendors that have not gone through, requeue dead ones, or make again
those that are due (``--retry-due``: what the periodic task does, for sites without celery beat).
"""
from django.core.management.base import BaseCommand, CommandError

from edx_proctoring_backend import api
from edx_proctoring_backend.providers.models import ProviderCall


class Command(BaseCommand):
    """``manage.py proctoring_vendor_calls [--course COURSE_KEY] [--requeue ID ...] [--retry-due]``"""

    help = 'List vendor calls that are retrying or dead; --requeue makes dead ones again.'

    def add_arguments(self, parser):
        parser.add_argument('--course', help='only the calls of this course')
        parser.add_argument('--requeue', nargs='+', type=int, metavar='ID', help='requeue these dead calls')
        parser.add_argument('--retry-due', action='store_true',
                            help='make again every kept call that is due, as the periodic task does')

    def handle(self, *args, **options):
        if options['retry_due']:
            self.stdout.write(f'{api.retry_provider_calls()} vendor call(s) went through.')
            return
        if options['requeue']:
            for call_id in options['requeue']:
                call = ProviderCall.objects.filter(pk=call_id).first()
                if call is None:
                    raise CommandError(f'No vendor call {call_id}.')
                if not api.requeue_provider_call(call):
                    raise CommandError(f'Vendor call {call_id} is {call.status}, not dead.')
                self.stdout.write(f'Requeued vendor call {call_id}.')
            return
        for call in api.provider_call_problems(options['course']):
            attempt = call.attempt
            self.stdout.write(
                f'{call.pk}\t{call.status}\t{call.provider}\t{call.action}\t{attempt.exam.course_key}\t'
                f'{attempt.user.username}\tattempt {attempt.pk}\t{call.tries} tries\t{call.last_error}')
