"""The exam page of an exam taken at booked sittings: book, move, cancel, the calendar, then begin in time."""
from datetime import timedelta

import icalendar
import pytest
import time_machine
from django.utils import translation
from webob import Request

from edx_proctoring_backend import api
from edx_proctoring_backend.exams.models import Exam
from edx_proctoring_backend.sittings.models import Sitting

from .conftest import agreed, call_handler
from .test_block import PRACTICE, PROCTORED_60, page

pytestmark = pytest.mark.django_db
NOW = '2026-12-01T12:00Z'


def require_booking(block, **more):
    """The author has learners book sittings (Studio's form), with the exam's window in Amsterdam time."""
    status, body = call_handler(block, 'studio_submit', {
        'display_name': 'Final exam', 'exam_type': block.exam_type, 'time_limit_minutes': '60', 'provider': 'null',
        'allow_opt_out': True, 'time_zone': 'Europe/Amsterdam', 'booking_required': True,
        'booking_cutoff_hours': '72', 'sitting_early_minutes': '10', 'sitting_late_minutes': '15', **more})
    assert status == 200, body
    return Exam.objects.get(usage_key=str(block.scope_ids.usage_id))


def calendar_of(block):
    response = block.runtime.handle(block, 'booking_calendar', Request.blank('/'))
    return response


@time_machine.travel(NOW, tick=False)
def test_a_learner_books_a_sitting_adds_it_to_a_calendar_moves_it_and_cancels_it(workbench):
    _, block = workbench(PROCTORED_60)
    exam = require_booking(block)
    first = api.add_sitting(exam, '2026-12-10T09:00', 90, 2, place='on_campus', location='Room 101')
    second = api.add_sitting(exam, '2026-12-11T14:00', 90, 1)
    api.add_sitting(exam, '2026-12-02T09:00', 90, 5)              # within the 72 hours: not offered

    html, init = page(block)
    assert 'data-state="book"' in html and 'data-booking="unbooked"' in html and 'exam-question' not in html
    assert 'Thursday Dec. 10, 2026, 9 a.m. (Europe/Amsterdam, UTC+01:00)' in html
    assert '90 minutes, On campus: Room 101. 2 places left' in html
    assert html.count('name="sitting"') == 2
    assert init['handlers']['book'] and init['messages']['choose_sitting']
    assert calendar_of(block).status_code == 404

    assert call_handler(block, 'book', {'sitting': str(first.pk)}) == (200, {'success': True})
    html, _ = page(block)
    assert 'data-booking="waiting"' in html and 'You booked the sitting on Thursday Dec. 10, 2026, 9 a.m.' in html
    assert 'you can begin the exam between Thursday Dec. 10, 2026, 8:50 a.m.' in html
    assert 'Move my booking' in html and 'data-action="cancel_booking"' in html

    response = calendar_of(block)
    assert response.status_code == 200 and response.content_type == 'text/calendar'
    assert 'attachment' in response.headers['Content-Disposition']
    event = icalendar.Calendar.from_ical(response.body).walk('VEVENT')[0]
    assert event.decoded('dtstart') == first.starts_at and event.decoded('dtend') == first.ends_at
    assert str(event['summary']) == 'Proctored exam: Final exam' and str(event['location']) == 'Room 101'
    assert int(event['sequence']) == 1

    assert call_handler(block, 'book', {'sitting': second.pk})[0] == 200
    event = icalendar.Calendar.from_ical(calendar_of(block).body).walk('VEVENT')[0]
    assert event.decoded('dtstart') == second.starts_at and int(event['sequence']) == 2   # the same event, updated
    assert call_handler(block, 'cancel_booking')[0] == 200
    assert 'data-booking="unbooked"' in page(block)[0]


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize('payload,status,code', [
    ({'sitting': 'abc'}, 403, 'sitting_not_found'),
    ({'sitting': True}, 403, 'sitting_not_found'),
    ({'sitting': None}, 403, 'sitting_not_found'),
    ({'sitting': [1]}, 403, 'sitting_not_found'),
    ({'sitting': '999999'}, 403, 'sitting_not_found'),
    ({'sitting': '9' * 40}, 403, 'sitting_not_found'),
    ({'sitting': -3}, 403, 'sitting_not_found'),
    ({}, 403, 'sitting_not_found'),
])
def test_bad_bookings_are_refused_with_a_reason(workbench, payload, status, code):
    _, block = workbench(PROCTORED_60)
    require_booking(block)
    answer_status, body = call_handler(block, 'book', payload)
    assert (answer_status, body['error']) == (status, code) and body['message']
    assert not Sitting.objects.exists()


def test_a_full_sitting_and_a_closed_booking_say_so(workbench):
    _, block = workbench(PROCTORED_60)
    with time_machine.travel(NOW, tick=False):
        exam = require_booking(block, booking_deadline='2026-12-05T12:00')
        sitting = api.add_sitting(exam, '2026-12-10T09:00', 90, 1)
        _, other_block = workbench(PROCTORED_60, student='other')
        assert call_handler(other_block, 'book', {'sitting': sitting.pk})[0] == 200
        status, body = call_handler(block, 'book', {'sitting': sitting.pk})
        assert (status, body['error']) == (403, 'sitting_full')
        assert body['message'] == 'This sitting has just been fully booked. Choose another one.'
        html, _ = page(block)
        assert 'No sitting can be booked at the moment.' in html
        assert 'Book a sitting before Saturday Dec. 5, 2026, noon (Europe/Amsterdam, UTC+01:00).' in html
    with time_machine.travel('2026-12-05T12:00Z', tick=False):
        assert 'Booking for this exam has closed.' in page(block)[0]
        assert call_handler(block, 'book', {'sitting': sitting.pk})[1]['error'] == 'booking_closed'


def test_the_learner_begins_at_their_sitting_and_not_before(workbench):
    _, block = workbench(PROCTORED_60)
    with time_machine.travel(NOW, tick=False):
        exam = require_booking(block)
        sitting = api.add_sitting(exam, '2026-12-10T09:00', 90, 1)
        call_handler(block, 'book', {'sitting': sitting.pk})
        status, body = call_handler(block, 'opt_in', agreed(block))
        assert (status, body['error']) == (403, 'sitting_not_yet')
    with time_machine.travel(sitting.starts_at - timedelta(minutes=5), tick=False):
        html, _ = page(block)
        assert 'data-state="choose"' in html and 'It is time for your sitting of Thursday Dec. 10, 2026, 9 a.m.' in html
        assert call_handler(block, 'opt_in', agreed(block))[0] == 200
        assert 'data-state="checks"' in page(block)[0]


def test_a_missed_sitting_sends_the_learner_to_the_course_team(workbench):
    _, block = workbench(PROCTORED_60)
    with time_machine.travel(NOW, tick=False):
        exam = require_booking(block)
        sitting = api.add_sitting(exam, '2026-12-10T09:00', 90, 1)
        call_handler(block, 'book', {'sitting': sitting.pk})
    with time_machine.travel(sitting.starts_at + timedelta(minutes=16), tick=False):
        html, _ = page(block)
        assert 'data-booking="missed"' in html and 'The time to begin it is over' in html
        assert call_handler(block, 'opt_in', agreed(block))[1]['error'] == 'sitting_missed'


def test_studio_keeps_the_booking_settings_and_refuses_bad_ones(workbench):
    _, block = workbench(PROCTORED_60)
    with time_machine.travel(NOW, tick=False):
        exam = require_booking(block, booking_deadline='2026-12-05T12:00', booking_cutoff_hours='48')
    assert exam.booking_required and exam.booking_cutoff_hours == 48
    assert exam.booking_deadline.isoformat() == '2026-12-05T11:00:00+00:00'
    html = block.render('studio_view', {}).body_html()
    assert 'name="booking_required" type="checkbox" aria-describedby="pe-booking-help" checked' in html
    assert 'value="2026-12-05T12:00"' in html
    status, body = call_handler(block, 'studio_submit', {
        'display_name': 'x', 'exam_type': 'proctored', 'time_limit_minutes': '60', 'provider': 'null',
        'booking_required': 'yes', 'booking_cutoff_hours': '-1', 'booking_deadline': 'soon',
        'sitting_early_minutes': '1000', 'sitting_late_minutes': 'x'})
    assert status == 400 and set(body['fields']) == {'booking_required', 'booking_cutoff_hours', 'booking_deadline',
                                                     'sitting_early_minutes', 'sitting_late_minutes'}
    assert body['fields']['booking_cutoff_hours'] == 'Enter a whole number of hours from 0 to 720.'


def test_practice_exams_are_never_booked(workbench):
    _, block = workbench(PRACTICE)
    exam = require_booking(block)
    assert not exam.booking_required and 'data-state="choose"' in page(block)[0]


@time_machine.travel(NOW, tick=False)
def test_the_booking_page_in_french(workbench):
    _, block = workbench(PROCTORED_60)
    exam = require_booking(block)
    api.add_sitting(exam, '2026-12-10T09:00', 90, 2)
    with translation.override('fr'):
        html, _ = page(block)
    assert 'Réserver cette session' in html and 'jeudi 10 décembre 2026 09:00' in html


def test_no_calendar_without_a_booking_nor_for_an_exam_not_set_up(workbench):
    _, block = workbench(PROCTORED_60)
    block.provider = 'not-configured'      # an exam its author has not finished setting up
    assert calendar_of(block).status_code == 404
