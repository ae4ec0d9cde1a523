"""
Show what the retention policy would delete now, or delete it (what the periodic task does). A
vendor's data (kind ``vendor_data``, under the ``vendor_link`` rule) is deleted by the vendor when asked.
"""
from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from edx_proctoring_backend import api
from edx_proctoring_backend.privacy import retention


class Command(BaseCommand):
    """``manage.py proctoring_retention [--delete] [--kind KIND] [--now ISO-8601]``"""

    help = ('List the media, vendor links and vendor data the retention policy no longer allows to keep '
            '(nothing is deleted, nor any vendor asked, without --delete).')

    def add_arguments(self, parser):
        parser.add_argument('--delete', action='store_true', help='delete them for good, as the periodic task does')
        parser.add_argument('--kind', action='append', choices=retention.KINDS,
                            help='only this kind of data (repeatable)')
        parser.add_argument('--now', help='as if it were this moment (ISO 8601, with a time zone)')

    def handle(self, *args, **options):
        now = None
        if options['now']:
            now = parse_datetime(options['now'])
            if now is None or now.tzinfo is None:
                raise CommandError('--now takes an ISO 8601 date and time with a time zone, e.g. 2026-12-01T00:00Z')
        if options['delete']:
            if options['kind']:
                raise CommandError('--delete applies the whole policy; leave out --kind.')
            purged = api.enforce_retention(now=now)
            asked = sum(record.kind == retention.VENDOR_DATA for record in purged)
            self.stdout.write(f'Deleted {len(purged) - asked} item(s) for good; asked vendors to delete the data '
                              f'of {asked} attempt(s).')
            return
        plan = api.retention_plan(now=now, kinds=options['kind'] or retention.KINDS)
        for item in plan:
            self.stdout.write(f'{item.kind}\t{item.object_id}\tattempt {item.attempt_id}\t{item.course_key}\t'
                              f'{item.reason}\t{item.size_bytes} bytes')
        asked = sum(item.kind == retention.VENDOR_DATA for item in plan)
        self.stdout.write(f'{len(plan) - asked} item(s) would be deleted, and vendors asked to delete the data of '
                          f'{asked} attempt(s); run with --delete to do it.')
