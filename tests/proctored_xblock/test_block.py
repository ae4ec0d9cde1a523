"""The exam block's views and handlers, in the workbench runtime."""
import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.utils import translation
from workbench.scenarios import get_scenarios

from edx_proctoring_backend import api
from edx_proctoring_backend.exams.models import Exam, ExamAttempt
from edx_proctoring_backend.providers import onboarding, registry

from .conftest import agreed, call_handler

S = api.AttemptStatus
PROCTORED_60, PROCTORED_1, NO_OPT_OUT, PRACTICE, TIMED = range(5)


def page(block):
    """Render the student view; return (html, init args)."""
    html = block.render('student_view', {}).body_html()
    # The runtime wraps each block and embeds its JS arguments; the exam's come after its children's.
    init = re.findall(r'<script type="json/xblock-args" class="xblock_json_init_args">(.*?)</script>', html, re.S)
    return html, json.loads(init[-1]) if init else {}


def opt_in_and_start(block):
    """Opt in, pass the checks with the learner's code, and start the exam."""
    assert call_handler(block, 'opt_in', agreed(block))[0] == 200
    code = ExamAttempt.objects.get(user__username=block.scope_ids.user_id).exam_code
    assert call_handler(block, 'confirm_checks', {'exam_code': code})[0] == 200
    status, body = call_handler(block, 'start')
    assert (status, body['status']) == (200, S.STARTED)


def test_learner_walks_through_a_proctored_exam(workbench):
    _, block = workbench(PROCTORED_60)
    html, init = page(block)
    assert 'data-state="choose"' in html and 'data-action="opt_out"' in html
    assert 'exam-question' not in html  # content is gated until the exam starts

    assert call_handler(block, 'opt_in', agreed(block))[0] == 200
    html, _ = page(block)
    code = re.search(r'readonly value="([A-Z0-9-]+)"', html).group(1)
    # The terms were agreed to at the opt-in: the null provider asks only for the code.
    assert 'data-step="terms_of_service"' not in html and 'data-step="exam_code"' in html

    assert call_handler(block, 'confirm_checks', {'exam_code': code})[0] == 200
    assert 'data-state="ready_to_start"' in page(block)[0]

    assert call_handler(block, 'start')[0] == 200
    html, init = page(block)
    assert 'data-state="started"' in html and html.count('exam-question__answer') == 2
    assert 'End My Exam' in html and 'role="timer"' in html and 'aria-live="assertive"' in html
    timer = init['timer']
    assert timer['url'] == '/api/proctored-exams/v1/attempt-timer'
    assert (timer['total_seconds'], timer['low_warning_seconds'], timer['critical_warning_seconds']) == (3600, 720, 180)

    assert call_handler(block, 'submit')[1]['status'] == S.VERIFIED
    html, init = page(block)
    assert 'data-state="submitted"' in html and 'data-review="satisfactory"' in html
    assert 'You answered 0 of 2 questions.' in html
    assert 'timer' not in init


def test_where_a_learner_can_be_stuck_the_page_says_whom_to_ask(workbench, settings):
    settings.PROCTORING_SUPPORT_CONTACT = {'email': 'help@site.example', 'phone': '+31 30 253 3550'}
    _, block = workbench(PROCTORED_60)
    api.change_course_settings(block.course_key, None, support_url='https://course.example/help')
    assert 'proctored-exam__support' not in page(block)[0]   # choosing: nothing to be stuck on

    assert call_handler(block, 'opt_in', agreed(block))[0] == 200
    html, _ = page(block)   # the checks
    assert re.search(r'data-contact="course">The course team:\s*<a href="https://course.example/help" '
                     r'target="_blank" rel="noopener noreferrer">', html)
    assert '<a href="mailto:help@site.example">help@site.example</a>' in html
    assert '<a href="tel:+31302533550">+31 30 253 3550</a>' in html

    code = ExamAttempt.objects.get().exam_code
    assert call_handler(block, 'confirm_checks', {'exam_code': code})[0] == 200
    assert call_handler(block, 'start')[0] == 200
    assert 'proctored-exam__support' not in page(block)[0]
    assert call_handler(block, 'submit')[1]['status'] == S.VERIFIED
    html, _ = page(block)
    assert 'data-review="satisfactory"' in html and 'proctored-exam__support' not in html
    assert 'data-review-days' not in html and 'data-review-reopened' not in html

    # A later verdict contradicts the result: pending again, and the learner is told why and when.
    api.record_review(ExamAttempt.objects.get(), api.Outcome.SECOND_REVIEW)
    html, _ = page(block)
    assert 'data-review="pending"' in html and 'data-review-reopened="true"' in html
    assert 'a later review of the session disagreed with the earlier result' in html
    assert 'data-review-days="5">Reviews usually take up to 5 days.' in html
    assert 'proctored-exam__support' in html


def test_a_session_that_ended_in_error_says_whom_to_ask(workbench, settings):
    settings.PROCTORING_SUPPORT_CONTACT = {'email': 'help@site.example'}
    _, block = workbench(PROCTORED_60)
    opt_in_and_start(block)
    api.mark_error(ExamAttempt.objects.get(), by=None)
    html, _ = page(block)
    assert 'data-state="error"' in html and '<a href="mailto:help@site.example">' in html


def test_a_first_review_pending_is_not_called_reopened(workbench, settings):
    settings.PROCTORING_REVIEW_DAYS = None
    _, block = workbench(PROCTORED_60)
    block.provider = 'counting'   # leaves the review to come
    opt_in_and_start(block)
    assert call_handler(block, 'submit')[1]['status'] == S.SUBMITTED
    api.record_review(ExamAttempt.objects.get(), api.Outcome.SECOND_REVIEW)
    html, _ = page(block)
    assert 'data-review="pending"' in html and 'data-review-reopened' not in html and 'data-review-days' not in html


def test_pages_that_hide_the_content_never_read_it(workbench, monkeypatch):
    _, block = workbench(PROCTORED_60)
    read = []
    real = type(block).visible_children
    monkeypatch.setattr(type(block), 'visible_children', lambda self: read.append(1) or real(self))
    page(block)
    assert call_handler(block, 'opt_in', agreed(block))[0] == 200
    code = re.search(r'readonly value="([A-Z0-9-]+)"', page(block)[0]).group(1)
    assert call_handler(block, 'confirm_checks', {'exam_code': code})[0] == 200
    page(block)
    assert not read  # the choice, the checks and the start pages: no child is loaded
    assert call_handler(block, 'start')[0] == 200
    page(block)
    assert read


def test_opting_out_shows_content_without_timer(workbench):
    _, block = workbench(PROCTORED_60)
    assert call_handler(block, 'opt_out')[0] == 200
    html, init = page(block)
    assert 'data-state="declined"' in html and html.count('exam-question__answer') == 2
    assert 'timer' not in init
    status, body = call_handler(block, 'opt_in', agreed(block))
    assert (status, body['error']) == (403, 'already_declined')
    assert 'cannot be undone' in body['message']


def test_course_without_opt_out(workbench):
    _, block = workbench(NO_OPT_OUT)
    html, _ = page(block)
    assert 'data-action="opt_out"' not in html and 'requires this exam' in html
    status, body = call_handler(block, 'opt_out')
    assert (status, body['error']) == (403, 'opt_out_forbidden')
    assert not ExamAttempt.objects.exists()


@override_settings(PROCTORING_STANDALONE_ENROLLMENT_MODES={'auditor': 'audit'})
def test_audit_learner_sees_a_regular_exam(workbench):
    _, block = workbench(PROCTORED_60, student='auditor')
    html, _ = page(block)
    assert 'data-state="regular"' in html and html.count('exam-question__answer') == 2
    assert call_handler(block, 'opt_in', agreed(block))[1]['error'] == 'not_verified'


def test_wrong_code_and_old_terms_get_clear_errors(workbench):
    _, block = workbench(PROCTORED_60)
    for payload in ({}, {'terms_version': '0'}):
        status, body = call_handler(block, 'opt_in', payload)
        assert (status, body['error']) == (409, 'terms_changed') and 'terms have changed' in body['message']
    assert not ExamAttempt.objects.exists()
    call_handler(block, 'opt_in', agreed(block))
    status, body = call_handler(block, 'confirm_checks', {'exam_code': 'NOPE'})
    assert (status, body['error']) == (400, 'invalid_exam_code')
    assert ExamAttempt.objects.get().status == S.CREATED


def test_guessing_the_exam_code_locks_it_with_a_clear_message(workbench, settings):
    settings.PROCTORING_EXAM_CODE_MAX_FAILURES = 2
    _, block = workbench(PROCTORED_60)
    call_handler(block, 'opt_in', agreed(block))
    assert call_handler(block, 'confirm_checks', {'exam_code': 'NOPE'})[0] == 400
    status, body = call_handler(block, 'confirm_checks', {'exam_code': 'NOPE'})
    assert (status, body['error']) == (429, 'exam_code_locked')
    assert body['message'] == ('Too many wrong exam codes were entered, so your exam code is locked. Contact the '
                               'course team: they can unlock it.')
    right = ExamAttempt.objects.get().exam_code
    assert call_handler(block, 'confirm_checks', {'exam_code': right})[0] == 429
    assert ExamAttempt.objects.get().status == S.CREATED


@pytest.mark.parametrize('method,raw,expected', [
    ('GET', None, 405), ('POST', b'{not json', 400), ('POST', b'[1, 2]', 400), ('POST', b'\xff\xfe', 400),
])
def test_bad_requests_are_refused(workbench, method, raw, expected):
    _, block = workbench(PROCTORED_60)
    status, body = call_handler(block, 'opt_in', method=method, raw=raw)
    assert status == expected and body['error'] and body['message']
    assert not ExamAttempt.objects.exists()


def test_double_click_on_start_is_harmless(workbench):
    _, block = workbench(PROCTORED_60)
    opt_in_and_start(block)
    status, body = call_handler(block, 'start')
    assert (status, body['status']) == (200, S.STARTED)
    assert ExamAttempt.objects.count() == 1


def test_timed_exam(workbench):
    _, block = workbench(TIMED)
    html, _ = page(block)
    assert 'Start timed exam' in html and 'exam-question' not in html
    assert call_handler(block, 'start')[1]['status'] == S.STARTED
    html, init = page(block)
    assert init['timer']['total_seconds'] == 20 * 60 and html.count('exam-question__answer') == 2


def test_practice_exam_result_and_retry(workbench):
    _, block = workbench(PRACTICE)
    assert 'practice exam with online proctoring' in page(block)[0]
    opt_in_and_start(block)
    call_handler(block, 'submit')
    html, _ = page(block)
    assert 'data-result="complete"' in html and 'Try the practice exam again' in html
    assert call_handler(block, 'opt_in', agreed(block))[0] == 200
    assert 'data-state="checks"' in page(block)[0]


def question_blocks(block):
    return [block.runtime.get_block(child) for child in block.children]


def save_answer(question, answer):
    return call_handler(question, 'save_answer', {'answer': answer})


def test_answers_are_saved_during_the_exam_and_refused_after(workbench, settings):
    settings.PROCTORING_ANSWER_GRACE_SECONDS = 10
    _, block = workbench(PROCTORED_1)
    first, second = question_blocks(block)
    status, body = save_answer(first, 'too early')
    assert (status, body['error']) == (409, 'exam_not_started')
    opt_in_and_start(block)
    assert save_answer(first, '42') == (200, {'success': True, 'answer': '42'})
    deadline = ExamAttempt.objects.get().deadline
    with time_machine.travel(deadline + timedelta(seconds=5), tick=False):
        assert save_answer(second, 'Amsterdam')[0] == 200  # sent at 00:00, arrives within the grace
    with time_machine.travel(deadline + timedelta(seconds=30), tick=False):
        status, body = save_answer(first, 'changed my mind')
        assert (status, body['error']) == (409, 'answers_closed')
        assert 'not saved' in body['message']
        html, _ = page(block)
    assert first.answer == '42' and second.answer == 'Amsterdam'
    assert 'The time for this exam ran out' in html and 'You answered 2 of 2 questions.' in html


def test_question_refuses_malformed_saves(workbench):
    _, block = workbench(PROCTORED_60)
    question = question_blocks(block)[0]
    status, body = call_handler(question, 'save_answer', raw=b'{"no": "answer"}')
    assert (status, body['error']) == (400, 'invalid_json')


def test_timer_handler_fallback(workbench):
    _, block = workbench(PROCTORED_60)
    opt_in_and_start(block)
    token = page(block)[1]['timer']['token']
    from webob import Request  # pylint: disable=import-outside-toplevel
    request = Request.blank('/', headers={'X-Exam-Timer-Token': token})
    body = json.loads(block.runtime.handle(block, 'timer', request).body)
    assert body['status'] == S.STARTED and body['remaining_seconds'] <= 3600
    bad = block.runtime.handle(block, 'timer', Request.blank('/', headers={'X-Exam-Timer-Token': 'x'}))
    assert bad.status_code == 403


def test_studio_view_and_valid_settings(workbench):
    _, block = workbench(PROCTORED_60)
    fragment = block.render('studio_view', {})
    html = fragment.body_html()
    assert 'name="time_limit_minutes"' in html and 'for="pe-exam-type"' in html
    assert '<option value="null" selected>' in html
    status, _ = call_handler(block, 'studio_submit', {
        'display_name': 'Midterm', 'exam_type': 'timed', 'time_limit_minutes': '45', 'provider': 'null',
        'allow_opt_out': False, 'rules_text': 'Closed book.'})
    assert status == 200
    assert (block.display_name, block.exam_type, block.time_limit_minutes, block.allow_opt_out) == (
        'Midterm', 'timed', 45, False)


def test_authors_choose_the_providers_rules(workbench, fake_vendor, django_capture_on_commit_callbacks):
    vendor = fake_vendor('proctortrack')
    _, block = workbench(PROCTORED_60)
    html = block.render('studio_view', {}).body_html()
    assert 'data-provider="proctortrack" hidden' in html and 'data-rule="allow_calculator"' in html
    payload = {'display_name': 'Final', 'exam_type': 'proctored', 'time_limit_minutes': '60',
               'provider': 'proctortrack', 'allow_opt_out': True, 'rules_text': '',
               'exam_rules': {'allow_calculator': True, 'allow_notes': False}}
    with django_capture_on_commit_callbacks(execute=True):
        assert call_handler(block, 'studio_submit', payload)[0] == 200
    assert block.exam_rules == {'allow_notes': False, 'allow_calculator': True}
    assert 'data-rule="allow_calculator" checked' in block.render('studio_view', {}).body_html()
    exam = block.exam()
    assert vendor.exams[exam.pk]['rules']['allow_calculator'] is True

    status, body = call_handler(block, 'studio_submit', {**payload, 'exam_rules': {'allow_phone': True}})
    assert status == 400 and 'exam_rules' in body['fields']
    assert block.exam_rules == {'allow_notes': False, 'allow_calculator': True}


@pytest.mark.parametrize('changes,field', [
    ({'exam_type': 'oral'}, 'exam_type'), ({'time_limit_minutes': '-5'}, 'time_limit_minutes'),
    ({'time_limit_minutes': 'one hour'}, 'time_limit_minutes'), ({'provider': 'ghost'}, 'provider'),
])
def test_invalid_studio_settings_are_not_saved(workbench, changes, field):
    _, block = workbench(PROCTORED_60)
    payload = {'display_name': 'Changed', 'exam_type': 'proctored', 'time_limit_minutes': '60', 'provider': 'null',
               'allow_opt_out': True, 'rules_text': ''}
    payload.update(changes)
    status, body = call_handler(block, 'studio_submit', payload)
    assert status == 400 and field in body['fields'] and body['message']
    assert block.display_name == 'Final exam' and block.time_limit_minutes == 60


def test_the_block_syncs_its_exam(workbench):
    _, block = workbench(PROCTORED_60)
    page(block)
    exam = Exam.objects.get()
    assert (exam.exam_type, exam.time_limit_minutes, exam.course_key) == (
        'proctored', 60, 'course-v1:Demo+Proctoring+Standalone')
    assert exam.due_date is None  # the workbench's stamped `due` is ignored in the demo


def test_anonymous_visitors_cannot_act(workbench):
    _, block = workbench(PROCTORED_60, student=None)
    status, body = call_handler(block, 'opt_in', agreed(block))
    assert (status, body['error']) == (403, 'not_signed_in')
    html = page(block)[0]
    assert 'data-state="sign_in"' in html and 'exam-question' not in html
    assert not ExamAttempt.objects.exists()


@pytest.mark.parametrize('allowed', [False, True])
def test_questions_after_submission_as_the_course_allows(workbench, allowed):
    _, block = workbench(PROCTORED_60)
    assert call_handler(block, 'studio_submit', {
        'display_name': 'Final exam', 'exam_type': 'proctored', 'time_limit_minutes': '60', 'provider': 'null',
        'allow_opt_out': True, 'content_after_submission': allowed})[0] == 200
    opt_in_and_start(block)
    question = question_blocks(block)[0]
    assert save_answer(question, '42')[0] == 200
    call_handler(block, 'submit')
    html, _ = page(block)
    assert 'data-state="submitted"' in html
    assert (html.count('exam-question__answer') == 2) is allowed
    status, body = save_answer(question, '43')  # answers stay locked either way
    assert (status, body['error']) == (409, 'answers_closed') and question.answer == '42'


def test_vendor_outage_gets_a_clear_answer(workbench, fake_vendor):
    _, block = workbench(PROCTORED_60)
    block.provider = 'proctortrack'
    fake_vendor('proctortrack').go_down()
    status, body = call_handler(block, 'opt_in', agreed(block))
    assert (status, body['error']) == (503, 'vendor_unavailable')
    assert 'cannot be reached' in body['message']
    assert not ExamAttempt.objects.exists()


def test_onboarding_required_before_a_proctored_exam(workbench, fake_vendor):
    _, block = workbench(PROCTORED_60)
    block.provider = 'proctortrack'
    fake_vendor('proctortrack')
    status, body = call_handler(block, 'opt_in', agreed(block))
    assert (status, body['error']) == (403, 'onboarding_not_started')
    assert 'onboarding' in body['message']


def test_the_exam_page_shows_the_onboarding_status_and_where_to_do_it(workbench, fake_vendor, settings):
    _, block = workbench(PROCTORED_60)
    block.provider = 'proctortrack'
    fake_vendor('proctortrack')
    settings.PROCTORING_PROVIDERS = {**settings.PROCTORING_PROVIDERS, 'proctortrack': {
        **settings.PROCTORING_PROVIDERS['proctortrack'], 'onboarding_url': 'https://vendor.example/onboard/{user_id}'}}
    html, _ = page(block)
    provider = registry.get_provider('proctortrack')
    learner = get_user_model().objects.get(username=block.scope_ids.user_id)
    assert 'data-onboarding="not_started"' in html and 'Onboarding: Not started' in html
    assert 'Do the onboarding before this exam.' in html
    assert f'href="https://vendor.example/onboard/{provider.anonymous_user_id(learner)}"' in html

    onboarding.keep(provider, learner, 'approved')   # as the vendor's message keeps it
    html, _ = page(block)
    assert 'data-onboarding="approved"' in html and 'you can take this exam with proctoring' in html
    assert 'vendor.example/onboard' not in html   # nothing left to do there


def test_learner_is_told_when_the_vendor_session_is_being_set_up(workbench, fake_vendor):
    _, block = workbench(PROCTORED_60)
    block.provider = 'rpnow'
    vendor = fake_vendor('rpnow')
    vendor.go_down()
    assert call_handler(block, 'opt_in', agreed(block))[0] == 200  # the attempt and its code are kept
    html, _ = page(block)
    assert 'data-session-pending="true"' in html and 'readonly value="' in html
    assert 'Start System Check' not in html  # the vendor has not said where its software is yet
    vendor.come_back()


def test_the_vendors_software_is_linked_beside_the_exam_code(workbench, fake_vendor):
    _, block = workbench(PROCTORED_60)
    block.provider = 'rpnow'
    vendor = fake_vendor('rpnow')
    assert call_handler(block, 'opt_in', agreed(block))[0] == 200
    html, _ = page(block)
    session_id = ExamAttempt.objects.get().provider_attempt_id
    assert f'href="{vendor.base_url}/console#{session_id}" target="_blank" rel="noopener noreferrer">' \
           'Start System Check</a>' in html


def test_course_staff_find_the_instructor_dashboard_under_the_exam(workbench, settings):
    settings.PROCTORING_STANDALONE_COURSE_ROLES = {'course_staff': {'*': 'staff'}}
    _, block = workbench(4, student='course_staff')
    html = block.render('student_view').body_html()
    assert '/api/proctored-exams/dashboard/course-v1:Demo+Proctoring+Standalone/' in html
    _, block = workbench(4, student='learner')
    assert '/dashboard/' not in block.render('student_view').body_html()


# ---- the terms, and what a learner who refuses them may do instead ---------------------------------------------

ON_CAMPUS = 5


def terms_version_on(html):
    """The terms version the page's opt-in button sends."""
    return re.search(r'data-action="opt_in" data-terms-version="(\d+)"', html).group(1)


def test_the_choice_shows_the_terms_and_agreeing_names_their_version(workbench):
    _, block = workbench(PROCTORED_60)
    html, _ = page(block)
    assert 'class="proctored-exam__terms"' in html and '<dt>Who processes it</dt>' in html
    assert '(version 1)' in html and 'data-action="refuse_terms" data-terms-version="1"' in html
    assert call_handler(block, 'opt_in', {'terms_version': terms_version_on(html)})[0] == 200
    assert ExamAttempt.objects.get().consents.get().terms_version == '1'


def test_a_refusal_offers_the_on_campus_sitting_and_costs_nothing(workbench):
    _, block = workbench(ON_CAMPUS)
    html, init = page(block)
    assert 'refuse_terms' in init['handlers'] and 'data-action="opt_out"' not in html
    status, body = call_handler(block, 'refuse_terms', {'terms_version': terms_version_on(html)})
    assert (status, body['alternatives']) == (200, ['on_campus'])
    html, _ = page(block)
    assert 'data-state="refused"' in html and 'data-action="request_on_campus"' in html
    assert 'five working days' in html and 'data-action="opt_out"' not in html
    assert call_handler(block, 'request_on_campus')[0] == 200
    html, _ = page(block)
    assert 'data-state="on_campus"' in html and 'data-action="withdraw_on_campus"' in html
    assert not ExamAttempt.objects.exists()
    # Taking it online after all is one click away, on the terms shown there.
    assert call_handler(block, 'opt_in', {'terms_version': terms_version_on(html)})[0] == 200
    assert 'data-state="checks"' in page(block)[0]


def test_a_refusal_where_only_the_unproctored_exam_is_offered(workbench):
    _, block = workbench(PROCTORED_60)
    call_handler(block, 'refuse_terms', agreed(block))
    html, _ = page(block)
    assert 'data-state="refused"' in html and 'data-action="opt_out"' in html
    assert 'data-action="request_on_campus"' not in html
    assert call_handler(block, 'refuse_terms', agreed(block))[0] == 200  # again: still nothing lost
    call_handler(block, 'opt_out')
    status, body = call_handler(block, 'refuse_terms', agreed(block))
    assert (status, body['error']) == (403, 'already_chosen')


def test_the_refusal_pages_in_french_and_dutch(workbench):
    _, block = workbench(ON_CAMPUS)
    call_handler(block, 'refuse_terms', agreed(block))
    with translation.override('fr'):
        html, _ = page(block)
    assert 'examen sur le campus</button>' in html and '<dt>Ce qui est collecté</dt>' in html
    with translation.override('nl'):
        html, _ = page(block)
    assert 'op de campus aanvragen</button>' in html and '<dt>Wat er wordt verzameld</dt>' in html


def test_studio_saves_the_on_campus_alternative(workbench):
    _, block = workbench(PROCTORED_60)
    status, _ = call_handler(block, 'studio_submit', {
        'display_name': 'Final', 'exam_type': 'proctored', 'time_limit_minutes': 60, 'provider': 'null',
        'allow_opt_out': False, 'on_campus_sitting': True, 'on_campus_instructions': ' Room 101. '})
    assert status == 200 and block.on_campus_sitting and block.on_campus_instructions == 'Room 101.'
    exam = block.exam()
    assert exam.on_campus_sitting and exam.on_campus_instructions == 'Room 101.'
    status, body = call_handler(block, 'studio_submit', {
        'display_name': 'Final', 'exam_type': 'proctored', 'time_limit_minutes': 60, 'provider': 'null',
        'on_campus_sitting': 'yes'})
    assert status == 400 and 'on_campus_sitting' in body['fields']
    assert 'name="on_campus_sitting"' in block.render('studio_view', {}).body_html()


# ---- the exam's window ---------------------------------------------------------------------------------------

def set_window(block, opens_at, closes_at, time_zone='America/Bogota'):
    """The author gives the exam opening and closing times (the form's local times, in ``time_zone``)."""
    status, body = call_handler(block, 'studio_submit', {
        'display_name': block.display_name, 'exam_type': block.exam_type,
        'time_limit_minutes': str(block.time_limit_minutes), 'provider': 'null', 'allow_opt_out': True,
        'opens_at': opens_at, 'closes_at': closes_at, 'time_zone': time_zone})
    assert status == 200, body


def test_authors_set_when_the_exam_opens_and_closes_in_a_named_zone(workbench):
    _, block = workbench(PROCTORED_60)
    set_window(block, '2026-12-03T00:05', '2026-12-06T23:55')
    assert (block.open_date.isoformat(), block.close_date.isoformat()) == (
        '2026-12-03T05:05:00+00:00', '2026-12-07T04:55:00+00:00')
    exam = Exam.objects.get()
    assert (exam.opens_at, exam.due_date, exam.time_zone) == (block.open_date, block.close_date, 'America/Bogota')
    html = block.render('studio_view', {}).body_html()   # shown again as the author typed them
    assert 'value="2026-12-03T00:05"' in html and 'value="2026-12-06T23:55"' in html
    assert '<option value="America/Bogota" selected>' in html

    status, body = call_handler(block, 'studio_submit', {
        'display_name': 'x', 'exam_type': 'proctored', 'time_limit_minutes': '60', 'provider': 'null',
        'opens_at': '2026-12-03T00:05', 'closes_at': '2026-12-02T00:05', 'time_zone': 'Nowhere/Town'})
    assert status == 400 and body['fields'] == {'closes_at': 'The exam must close after it opens.',
                                                'time_zone': 'Choose a time zone from the list.'}
    assert block.close_date.isoformat() == '2026-12-07T04:55:00+00:00'   # nothing saved


def test_the_page_says_when_the_exam_opens_and_that_it_closed(workbench):
    _, block = workbench(PROCTORED_60)
    set_window(block, '2026-12-03T00:05', '2026-12-06T23:55')
    with time_machine.travel('2026-12-01T12:00Z'):
        html, _ = page(block)
        assert 'data-state="not_open"' in html and 'exam-question' not in html
        assert 'This exam opens on Thursday Dec. 3, 2026, 12:05 a.m. (America/Bogota, UTC−05:00).' in html
        assert 'It closes on Sunday Dec. 6, 2026, 11:55 p.m. (America/Bogota, UTC−05:00)' in html
        status, body = call_handler(block, 'opt_in', agreed(block))
        assert (status, body['error']) == (403, 'exam_not_open')
        assert body['message'] == 'This exam is not open yet. Reload the page to see when it opens.'
    with time_machine.travel('2026-12-04T12:00Z'):
        html, _ = page(block)
        assert 'data-state="choose"' in html
        assert 'You can begin this exam until Sunday Dec. 6, 2026, 11:55 p.m. (America/Bogota, UTC−05:00).' in html
    with time_machine.travel('2026-12-07T05:00Z'):
        html, _ = page(block)
        assert 'data-state="closed"' in html and 'exam-question' not in html
        assert 'This exam closed on Sunday Dec. 6, 2026, 11:55 p.m. (America/Bogota, UTC−05:00).' in html
        assert call_handler(block, 'opt_in', agreed(block))[1]['error'] == 'exam_closed'
    with translation.override('fr'), time_machine.travel('2026-12-01T12:00Z'):
        assert 'Cet examen ouvre le jeudi 3 décembre 2026 00:05 (heure de America/Bogota, UTC−05:00).' in page(block)[0]


def test_the_demo_has_an_exam_that_opens_tomorrow_and_one_that_closed(scenario_block):
    pages = {}
    for title in ('Exam with a window', 'Closed quiz'):
        name = next(name for name, item in get_scenarios().items() if f'display_name="{title}"' in item.xml)
        pages[title] = page(scenario_block(name, 'learner')[1])[0]
    assert 'data-state="not_open"' in pages['Exam with a window']
    assert re.search(r'This exam opens on \w+ .*12:05 a\.m\. \(America/Bogota, UTC−05:00\)\.',
                     pages['Exam with a window'])
    assert 'data-state="closed"' in pages['Closed quiz'] and '(UTC, UTC+00:00)' in pages['Closed quiz']
