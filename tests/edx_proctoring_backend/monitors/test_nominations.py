"""Nominating an exam monitor, the course team's decision, the password only the monitor gets, the report."""
import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from edx_proctoring_backend import api
from edx_proctoring_backend.messages import sending
from edx_proctoring_backend.messages.models import OutgoingMessage
from edx_proctoring_backend.monitors import nominations as rules
from edx_proctoring_backend.monitors.models import ExamPassword, MonitorReport, Nomination
from tests import journeys
from tests.fakes.smtp import text_of

from .conftest import nominate

pytestmark = pytest.mark.django_db


def password_in(smtp_server, address='grace@example.org'):
    """The exam password of the last e-mail the monitor received."""
    return re.search(r'^\s+([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})\s*$', text_of(smtp_server.to(address)[-1]),
                     re.M).group(1)


def test_a_learner_nominates_staff_approve_and_only_the_monitor_gets_the_password(
        monitored_exam, ada, make_user, smtp_server, django_capture_on_commit_callbacks):
    nomination = nominate(ada, monitored_exam)
    assert nomination.status == Nomination.PENDING and api.learner_state(ada, monitored_exam).needs_monitor
    with pytest.raises(api.NotAllowed) as refused:
        journeys.opt_in(ada, monitored_exam)
    assert refused.value.code == 'monitor_not_approved'
    with django_capture_on_commit_callbacks(execute=True):
        api.decide_nomination(nomination, True, by=make_user('staff'))
    assert [message['Subject'] for message in smtp_server.to('ada@example.org')] == [
        'Your exam monitor, Grace Hopper, is approved']
    [received] = smtp_server.to('grace@example.org')
    assert received['Subject'] == 'The exam password for Ada Lovelace\'s exam "Final exam"'
    password = password_in(smtp_server)
    assert password not in text_of(smtp_server.to('ada@example.org')[0])
    assert '/api/proctored-exams/monitor-report/' in text_of(received)
    assert OutgoingMessage.objects.get(name='monitor_password').context == {}   # not kept once sent
    assert ExamPassword.objects.get().password_hash != password

    attempt = journeys.opt_in(ada, monitored_exam)
    with pytest.raises(api.InvalidExamCode) as refused:
        api.confirm_checks(ada, monitored_exam, attempt.exam_code, monitor_password='AAAA-BBBB-CCCC')
    assert refused.value.code == 'wrong_monitor_password'
    attempt.refresh_from_db()
    assert attempt.code_failures == 1 and attempt.code_redeemed_at is None       # counted; the code kept
    api.confirm_checks(ada, monitored_exam, attempt.exam_code, monitor_password=password.lower().replace('-', ' '))
    assert api.start(ada, monitored_exam).status == api.AttemptStatus.STARTED


def test_wrong_passwords_lock_the_attempt_like_wrong_codes(monitored_exam, ada, make_user, settings):
    settings.PROCTORING_EXAM_CODE_MAX_FAILURES = 3
    api.decide_nomination(nominate(ada, monitored_exam), True, by=make_user('staff'))
    attempt = journeys.opt_in(ada, monitored_exam)
    for _ in range(2):
        with pytest.raises(api.InvalidExamCode):
            api.confirm_checks(ada, monitored_exam, attempt.exam_code, monitor_password='nope')
    with pytest.raises(api.ExamCodeLocked):
        api.confirm_checks(ada, monitored_exam, attempt.exam_code, monitor_password='nope')


def test_a_rejection_says_why_and_the_learner_nominates_another(monitored_exam, ada, make_user):
    staff = make_user('staff')
    nomination = nominate(ada, monitored_exam)
    with pytest.raises(api.NotAllowed) as refused:
        api.decide_nomination(nomination, False, by=staff, reason=' ')
    assert refused.value.code == 'reason_required'
    api.decide_nomination(nomination, False, by=staff, reason='A monitor may not be your sister.')
    with pytest.raises(api.NotAllowed) as refused:
        api.decide_nomination(nomination, True, by=staff)
    assert refused.value.code == 'already_decided'
    rejected = OutgoingMessage.objects.get(name='monitor_rejected')
    assert rejected.context['reason'] == 'A monitor may not be your sister.'
    assert api.learner_state(ada, monitored_exam).nomination.status == Nomination.REJECTED
    another = nominate(ada, monitored_exam, name='Alan Turing', email='alan@example.org')
    assert api.learner_state(ada, monitored_exam).nomination == another
    assert not ExamPassword.objects.exists()


@pytest.mark.parametrize('changes,fields', [
    ({'name': ' '}, {'name'}),
    ({'email': 'not-an-address'}, {'email'}),
    ({'email': 'ada@example.org'}, {'email'}),                  # the learner's own
    ({'phone': ''}, {'phone'}),
    ({'occupation': 'x' * 300}, {'occupation'}),
    ({'declarations': ['adult', 'not_family', 'not_student']}, {'declarations'}),
    ({'declarations': [*['adult', 'not_family', 'not_student', 'present_throughout'], 'extra']}, {'declarations'}),
])
def test_a_nomination_needs_every_detail_and_every_declaration(monitored_exam, ada, changes, fields):
    with pytest.raises(api.InvalidSettings) as refused:
        nominate(ada, monitored_exam, **changes)
    assert set(refused.value.fields) == fields
    assert not Nomination.objects.exists()


def test_a_new_nomination_replaces_a_pending_one_but_not_an_approved_one(monitored_exam, ada, make_user):
    first = nominate(ada, monitored_exam)
    second = nominate(ada, monitored_exam, name='Alan Turing')
    first.refresh_from_db()
    assert first.status == Nomination.WITHDRAWN and second.status == Nomination.PENDING
    api.decide_nomination(second, True, by=make_user('staff'))
    with pytest.raises(api.NotAllowed) as refused:
        nominate(ada, monitored_exam)
    assert refused.value.code == 'monitor_approved'


@pytest.mark.usefixtures('monitor_provider')
def test_the_password_goes_a_week_before_the_opening_and_a_reminder_the_day_before(make_exam, ada, make_user,
                                                                                   smtp_server):
    opens = timezone.now() + timedelta(days=20)
    exam = make_exam(provider='monitor', display_name='Later exam', opens_at=opens,
                     time_zone='Europe/Amsterdam')
    api.decide_nomination(nominate(ada, exam), True, by=make_user('staff'))
    scheduled = dict(OutgoingMessage.objects.filter(email='grace@example.org').values_list('name', 'send_after'))
    assert scheduled == {'monitor_password': opens - timedelta(days=7), 'monitor_reminder': opens - timedelta(hours=24)}
    assert sending.send_due() == 1 and not smtp_server.to('grace@example.org')    # the learner's decision only
    with time_machine.travel(opens - timedelta(days=7), tick=False):
        assert sending.send_due() == 1
    with time_machine.travel(opens - timedelta(hours=23), tick=False):
        assert sending.send_due() == 1
    subjects = [message['Subject'] for message in smtp_server.to('grace@example.org')]
    assert subjects == ['The exam password for Ada Lovelace\'s exam "Later exam"',
                        'Reminder: you are Ada Lovelace\'s exam monitor for "Later exam"']
    assert 'The exam can be begun from' in text_of(smtp_server.to('grace@example.org')[1])


@pytest.mark.usefixtures('monitor_provider')
def test_a_monitor_for_the_whole_course_gets_the_password_of_each_exam(make_exam, ada, make_user):
    first = make_exam(provider='monitor', display_name='Midterm')
    nomination = nominate(ada, first, whole_course=True)
    api.decide_nomination(nomination, True, by=make_user('staff'))
    later = make_exam(provider='monitor', display_name='Final')        # added after the approval
    assert api.learner_state(ada, later).nomination == nomination and not api.learner_state(ada, later).needs_monitor
    journeys.opt_in(ada, later)
    assert set(ExamPassword.objects.values_list('exam__display_name', flat=True)) == {'Midterm', 'Final'}
    assert OutgoingMessage.objects.filter(name='monitor_password').count() == 2


def test_the_monitor_reports_through_the_signed_link_and_a_person_decides(
        monitored_exam, ada, make_user, smtp_server, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api.decide_nomination(nominate(ada, monitored_exam), True, by=make_user('staff'))
    password = password_in(smtp_server)
    link = re.search(r'(/api/proctored-exams/monitor-report/\S+)', text_of(smtp_server.to('grace@example.org')[-1]))
    report_page = link.group(1).rstrip('.')
    assert 'has not taken the exam yet' in client.get(report_page).content.decode()
    attempt = journeys.opt_in(ada, monitored_exam)
    api.confirm_checks(ada, monitored_exam, attempt.exam_code, monitor_password=password)
    api.start(ada, monitored_exam)
    attempt = api.submit(ada, monitored_exam)
    assert attempt.status == api.AttemptStatus.SUBMITTED                          # a person decides
    assert [entry['attempt'].pk for entry in api.awaiting_review()] == [attempt.pk]

    refused = client.post(report_page, {'began_at': 'noonish', 'ended_at': '', 'present_throughout': 'yes'})
    assert refused.status_code == 400 and not MonitorReport.objects.exists()
    filed = client.post(report_page, {'began_at': '09:02', 'ended_at': '10:01', 'present_throughout': 'no',
                                      'incidents': 'A phone rang; the learner left the room for two minutes.'})
    assert filed.status_code == 302 and 'Thank you' in client.get(filed['Location']).content.decode()
    report = api.monitor_report_of(attempt)
    assert (str(report.began_at), report.present_throughout) == ('09:02:00', False)
    assert client.get(report_page.replace('monitor-report/', 'monitor-report/x')).status_code == 404
    with time_machine.travel(timezone.now() + timedelta(days=61)):
        assert 'not valid any more' in client.get(report_page).content.decode()


def test_retirement_and_retention_erase_the_monitors_details(monitored_exam, ada, make_user, settings):
    nomination = nominate(ada, monitored_exam)
    api.decide_nomination(nomination, True, by=make_user('staff'))
    monitored_exam.due_date = timezone.now() - timedelta(days=1)
    monitored_exam.save()
    assert rules.expired(42, timezone.now()).count() == 0
    settings.PROCTORING_RETENTION = {'monitor': {'days': 0}}
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        api.enforce_retention()
    nomination.refresh_from_db()
    assert nomination.erased_at and nomination.name == rules.ERASED and nomination.phone == ''
    assert not ExamPassword.objects.exists()
    other = nominate(make_user('bob'), monitored_exam)
    api.retire_user(other.user)
    other.refresh_from_db()
    assert other.erased_at and other.email == 'erased@invalid'


def test_the_terms_say_what_the_monitor_holds_and_how_long_it_is_kept(monitored_exam):
    terms = dict(api.consent_terms(monitored_exam).sections)
    assert ("Your exam monitor's name, e-mail address, telephone number and occupation, and their report on your "
            'exam') in terms['What is collected']
    assert 'the course team, who approve your monitor' in terms['Who sees it'][0]
    assert terms['How long it is kept'][0].startswith("Your exam monitor's details and report: deleted 42 days after")


def test_only_learners_offered_proctoring_nominate(monitored_exam, make_user, settings):
    settings.PROCTORING_STANDALONE_ENROLLMENT_MODES = {'audit_learner': 'audit'}
    with pytest.raises(api.NotAllowed) as refused:
        nominate(make_user('audit_learner'), monitored_exam)
    assert refused.value.code == 'not_verified' and not Nomination.objects.exists()
