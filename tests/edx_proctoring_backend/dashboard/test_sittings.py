"""The dashboard's Sittings page: publish and cancel sittings, move and cancel bookings with a reason, export."""
import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from edx_proctoring_backend import api
from edx_proctoring_backend.messages.models import OutgoingMessage
from edx_proctoring_backend.sittings.models import Booking, BookingChange, Sitting
from tests.edx_proctoring_backend.rest.conftest import COURSE

from .test_views import as_user, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked_final(world, make_exam):
    """The course's proctored exam taken at booked sittings (Amsterdam time), with one booked sitting."""
    exam = make_exam(display_name='Booked final', booking_required=True, time_zone='Europe/Amsterdam')
    sitting = api.add_sitting(exam, timezone.now() + timedelta(days=10), 90, 2, place='on_campus',
                              location='Room 101')
    api.book_sitting(world.users['learner'], exam, sitting.pk)
    return exam, sitting


def test_staff_publish_a_sitting_in_the_exams_time_zone(world, client, booked_final):
    exam, _ = booked_final
    client = as_user(client, world.users['staff'])
    html = client.get(page('sittings')).content.decode()
    assert 'Booked final' in html and 'Room 101' in html and 'learner' in html and '1/2' in html
    assert 'Final</h2>' not in html                          # an exam without booked sittings is not listed
    answer = client.post(page('sittings'), {'action': 'add', 'exam_id': exam.pk, 'starts_at': '2027-01-14T09:00',
                                            'minutes': '120', 'capacity': '30', 'place': 'online',
                                            'location': 'https://meet.example.org/final', 'proctor': 'instructor'})
    assert answer.status_code == 302 and 'notice=sitting_added' in answer['Location']
    sitting = Sitting.objects.get(capacity=30)
    assert sitting.starts_at.isoformat() == '2027-01-14T08:00:00+00:00' and sitting.proctor == world.users['instructor']
    assert sitting.created_by == world.users['staff']
    assert 'The sitting was published: learners can book it.' in client.get(answer['Location']).content.decode()


@pytest.mark.parametrize('form,message', [
    ({'starts_at': 'tomorrow'}, 'Enter the date and time the sitting starts.'),
    ({'minutes': '0'}, 'whole minutes from 1 to 1440'),
    ({'capacity': 'many'}, 'a whole number from 1 to 10000'),
    ({'place': 'moon'}, 'Choose online or on campus.'),
    ({'proctor': 'nobody-here'}, 'No user has this username.'),
])
def test_a_refused_sitting_says_why_keeps_the_form_and_writes_nothing(world, client, booked_final, form, message):
    exam, _ = booked_final
    sent = {'action': 'add', 'exam_id': exam.pk, 'starts_at': '2027-01-14T09:00', 'minutes': '120',
            'capacity': '30', 'place': 'online', 'location': 'Hall B', **form}
    answer = as_user(client, world.users['staff']).post(page('sittings'), sent)
    assert answer.status_code == 400 and message in answer.content.decode()
    assert 'value="Hall B"' in answer.content.decode()
    assert Sitting.objects.count() == 1


def test_staff_move_and_cancel_a_booking_only_with_a_reason(world, client, booked_final):
    exam, sitting = booked_final
    other = api.add_sitting(exam, timezone.now() + timedelta(days=12), 90, 2)
    booking = Booking.objects.get()
    client = as_user(client, world.users['staff'])
    refused = client.post(page('sittings'), {'action': 'move', 'exam_id': exam.pk, 'booking_id': booking.pk,
                                             'sitting_id': other.pk, 'reason': ' '})
    assert refused.status_code == 400 and 'Say why' in refused.content.decode()
    moved = client.post(page('sittings'), {'action': 'move', 'exam_id': exam.pk, 'booking_id': booking.pk,
                                           'sitting_id': other.pk, 'reason': 'room closed for works'})
    assert moved.status_code == 302 and 'notice=booking_moved' in moved['Location']
    booking.refresh_from_db()
    assert booking.sitting == other
    cancelled = client.post(page('sittings'), {'action': 'cancel_booking', 'exam_id': exam.pk,
                                               'booking_id': booking.pk, 'reason': 'left the course'})
    assert cancelled.status_code == 302
    assert list(BookingChange.objects.values_list('action', 'reason', 'changed_by__username')) == [
        ('booked', '', 'learner'), ('moved', 'room closed for works', 'staff'),
        ('cancelled', 'left the course', 'staff')]
    assert OutgoingMessage.objects.filter(name='booking_cancelled').get().context['reason'] == 'left the course'
    sitting.refresh_from_db()
    other.refresh_from_db()
    assert (sitting.booked, other.booked) == (0, 0)


def test_staff_cancel_a_whole_sitting(world, client, booked_final):
    exam, sitting = booked_final
    answer = as_user(client, world.users['instructor']).post(page('sittings'), {
        'action': 'cancel_sitting', 'exam_id': exam.pk, 'sitting_id': sitting.pk, 'reason': 'proctor ill'})
    assert answer.status_code == 302
    sitting.refresh_from_db()
    assert sitting.cancelled_at and not Booking.objects.filter(sitting__isnull=False).exists()
    assert 'No sitting yet.' in client.get(page('sittings')).content.decode()


@pytest.mark.parametrize('form', [
    {'action': 'fly'},
    {'action': 'add', 'exam_id': 'abc'},
    {'action': 'move', 'exam_id': '999999', 'booking_id': '1'},
    {'action': 'cancel_booking', 'booking_id': 'x'},
    {'action': 'cancel_sitting', 'sitting_id': '999999'},
])
def test_bad_forms_are_refused_without_a_change(world, client, booked_final, form):
    exam, _ = booked_final
    form = {'exam_id': exam.pk, 'reason': 'r', **form}
    answer = as_user(client, world.users['staff']).post(page('sittings'), form)
    assert answer.status_code in (400, 404)
    assert Sitting.objects.filter(cancelled_at=None).count() == 1 and Booking.objects.get().sitting_id


def test_other_courses_and_learners_cannot_touch_sittings(world, client, booked_final):
    exam, sitting = booked_final
    for user in ('learner', 'support', 'other_staff'):
        answer = as_user(client, world.users[user]).post(page('sittings'), {
            'action': 'cancel_sitting', 'exam_id': exam.pk, 'sitting_id': sitting.pk, 'reason': 'x'})
        assert answer.status_code == 403
    sitting.refresh_from_db()
    assert sitting.cancelled_at is None


@pytest.mark.usefixtures('booked_final')
def test_the_bookings_export(world, client):
    answer = as_user(client, world.users['staff']).get(f'/api/proctored-exams/v1/courses/{COURSE}/exports/bookings.csv')
    assert answer.status_code == 200
    [row] = list(csv.DictReader(io.StringIO(answer.content.decode())))
    assert (row['exam'], row['username'], row['place'], row['location'], row['status'], row['last_change']) == (
        'Booked final', 'learner', 'on_campus', 'Room 101', 'booked', 'booked')
