"""
Publish the sittings of the demo's exam taken at booked sittings: one every half hour for the next
twelve hours (learners may begin half an hour before theirs, so one can always be taken at once) and
an on-campus one tomorrow morning. Run by ``make demo``; running it again only adds what is missing.
"""
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone
from workbench.runtime import WorkbenchRuntime
from workbench.scenarios import get_scenarios

from edx_proctoring_backend import api

BOOKED_EXAM = 'Booked final exam'


def booked_exam_block():
    """The demo's exam block taken at booked sittings."""
    runtime = WorkbenchRuntime('course_staff')
    for scenario in get_scenarios().values():
        if f'display_name="{BOOKED_EXAM}"' in scenario.xml:
            return runtime.get_block(runtime.get_block(scenario.usage_id).children[0])
    raise LookupError(BOOKED_EXAM)


class Command(BaseCommand):
    """``manage.py demo_sittings``"""

    help = "Publish the sittings of the demo's exam taken at booked sittings."

    def handle(self, *args, **options):
        exam = booked_exam_block().sync_exam()
        proctor, _ = get_user_model().objects.get_or_create(username='proctor')
        now = timezone.now().replace(second=0, microsecond=0)
        first = now - timedelta(minutes=now.minute % 30) + timedelta(minutes=30)
        wanted = [(first + timedelta(minutes=30 * n), api.SITTING_PLACES[0], 'https://meet.example.org/final', 10)
                  for n in range(24)]
        amsterdam = api.zone_named(exam.time_zone)
        tomorrow = datetime.combine(timezone.now().astimezone(amsterdam).date() + timedelta(days=1), time(9, 0),
                                    amsterdam)
        wanted.append((tomorrow, api.SITTING_PLACES[1], 'Room 101, Library building', 2))
        existing = set(exam.sittings.values_list('starts_at', flat=True))
        added = 0
        for starts_at, place, location, capacity in wanted:
            if starts_at not in existing:
                api.add_sitting(exam, starts_at, 60, capacity, place=place, location=location, proctor='proctor')
                added += 1
        self.stdout.write(f'Published {added} sitting(s) of "{exam.name}" (proctor: {proctor.username}).')
