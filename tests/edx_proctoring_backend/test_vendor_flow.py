"""
End to end, over real HTTP both ways: the API calls a fake vendor (demo/fake_vendors.py) through the
``rpnow`` and ``proctortrack`` providers, and the fake vendor posts signed callbacks to the app served by
pytest-django's ``live_server``. Nothing is mocked.

Each test starts both fake vendors; their providers send callbacks to ``live_server.url``.
"""
import time
from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from edx_proctoring_backend import api
from edx_proctoring_backend.credit.models import CreditRecord
from edx_proctoring_backend.exams.models import ExamAttempt
from edx_proctoring_backend.exams.statuses import AttemptStatus as S
from edx_proctoring_backend.providers import registry
from edx_proctoring_backend.providers.models import ProviderCall
from edx_proctoring_backend.reviews import export
from edx_proctoring_backend.reviews.models import HeldVerdict, ReceivedMessage, Review
from tests import journeys

STYLES = ('rpnow', 'proctortrack')
CLEAN = {'rpnow': 'Clean', 'proctortrack': 'passed'}
COMMENT = {'start_s': 12, 'end_s': 30.5, 'comment': 'Looked away from the screen', 'status': 'minor'}


@pytest.fixture
def vendors(fake_vendor, live_server):
    """Both fake vendors, running, configured as their providers, calling back to the live server."""
    return {style: fake_vendor(style, callback_base_url=live_server.url) for style in STYLES}


def state(attempt):
    """The attempt as the database has it now."""
    return ExamAttempt.objects.get(pk=attempt.pk)


def transitions_to(attempt, status):
    """How many times the attempt's history entered ``status``."""
    return attempt.history.filter(to_status=status).count()


def opt_in(vendor, user, exam):
    """Opt in (after an approved onboarding where the vendor has one): the session is registered."""
    approve_onboarding(vendor, user, exam)
    attempt = journeys.opt_in(user, exam)
    assert attempt.status == S.CREATED
    assert vendor.sessions[attempt.provider_attempt_id]['attempt_id'] == attempt.pk
    return attempt


def approve_onboarding(vendor, user, exam):
    """The learner's onboarding profile is approved at a vendor that has onboarding."""
    if vendor.style == 'proctortrack':
        vendor.set_onboarding(registry.get_provider(exam.provider).anonymous_user_id(user), 'approved')


def check_code(vendor, attempt):
    """The learner types the exam code into the vendor's software, which checks it with us: ready to start."""
    session_id = attempt.provider_attempt_id
    status, answer = vendor.check_exam_code(session_id, vendor.sessions[session_id]['exam_code'])
    assert (status, answer) == (200, {'exam_name': attempt.exam.display_name,
                                      'time_limit_minutes': attempt.exam.time_limit_minutes})
    assert state(attempt).status == S.READY_TO_START


def started(vendor, user, exam):
    """Opt in, pass the checks in the vendor's software and start: the vendor's session runs."""
    attempt = opt_in(vendor, user, exam)
    check_code(vendor, attempt)
    attempt = api.start(user, exam)
    assert attempt.status == S.STARTED
    assert vendor.sessions[attempt.provider_attempt_id]['state'] == 'started'
    return attempt


def submitted(vendor, user, exam):
    """Take the exam to its end: submitted, the vendor's session stopped, the review pending."""
    attempt = started(vendor, user, exam)
    api.submit(user, exam)
    attempt = state(attempt)
    assert (attempt.status, attempt.submit_reason) == (S.SUBMITTED, 'learner')
    assert vendor.sessions[attempt.provider_attempt_id]['state'] == 'stopped'
    assert not vendor.rejected_requests
    return attempt


# ---- the whole way, for each verdict -------------------------------------------------------------------------

@pytest.mark.parametrize('style, verdict, expected', [
    ('rpnow', 'Clean', S.VERIFIED),
    ('rpnow', 'Rules Violation', S.SECOND_REVIEW_REQUIRED),  # no rejection without a person
    ('rpnow', 'Suspicious', S.SECOND_REVIEW_REQUIRED),
    ('rpnow', 'Not Reviewed', S.ERROR),
    ('proctortrack', 'passed', S.VERIFIED),
    ('proctortrack', 'flagged', S.SECOND_REVIEW_REQUIRED),
    ('proctortrack', 'failed', S.SECOND_REVIEW_REQUIRED),  # the course team decides
])
def test_a_review_decides_the_attempt(vendors, make_user, make_exam, style, verdict, expected):
    vendor = vendors[style]
    learner = make_user(f'learner_{style}_{verdict.replace(" ", "_").lower()}')
    exam = make_exam(provider=style)
    attempt = submitted(vendor, learner, exam)

    status, answer = vendor.post_review(attempt.provider_attempt_id, verdict, comments=[COMMENT])

    assert (status, answer) == (204, '')
    attempt = state(attempt)
    assert attempt.status == expected
    assert transitions_to(attempt, expected) == 1
    review = Review.objects.get(attempt=attempt)
    assert (review.provider, review.verdict, review.comments) == (style, verdict, [COMMENT])
    assert review.video_url == f'{vendor.base_url}/videos/{attempt.provider_attempt_id}.mp4'
    assert review.message.message_id == vendor.callbacks_sent[-1]['headers']['webhook-id']


def test_the_reviewer_sees_the_vendors_verdict_remarks_video_and_the_exams_rules(vendors, make_user, make_exam,
                                                                                 client):
    vendor = vendors['proctortrack']
    learner = make_user('learner_reviewed')
    exam = make_exam(provider='proctortrack', exam_rules={'allow_calculator': True},
                     rules_text='One sheet of notes.\n\nNo phone.')
    attempt = submitted(vendor, learner, exam)
    vendor.post_review(attempt.provider_attempt_id, 'flagged', comments=[COMMENT])
    staff = make_user('reviewing_staff')
    staff.is_staff = True
    staff.save()
    client.force_login(staff)

    html = unescape(client.get(reverse('edx_proctoring_backend:review-attempt', args=[attempt.pk])).content.decode())

    assert 'Status: Second review required' in html and 'second_review_required<' not in html
    assert '<p class="stage" data-stage="support">Stage: Second review, by support</p>' in html
    assert '<li data-rule="allow_calculator" data-on="yes">Calculator allowed: <strong>yes</strong></li>' in html
    assert '<li data-rule="allow_internet" data-on="no">Other websites allowed: <strong>no</strong></li>' in html
    assert '<li>One sheet of notes.</li><li>No phone.</li>' in html
    assert ('<strong>Escalated for another review</strong> by Onboarding and machine review (Proctortrack-style) '
            "(the proctoring service's verdict: <q>flagged</q>)") in html
    assert '<li data-start="12">0:12–0:30 [minor]: Looked away from the screen</li>' in html
    assert (f'<a class="vendor-video" href="{vendor.base_url}/videos/{attempt.provider_attempt_id}.mp4" '
            'target="_blank" rel="noopener noreferrer">') in html


UNSATISFACTORY = {'rpnow': 'Rules Violation', 'proctortrack': 'failed'}


def credit_of(attempt):
    """The learner's credit record for the attempt's exam, as the progress panel reads it."""
    return CreditRecord.objects.select_related('exam').get(user=attempt.user, exam=attempt.exam)


@pytest.mark.parametrize('style', STYLES)
def test_a_clean_review_and_a_passing_grade_count_toward_credit(vendors, make_user, make_exam, style):
    learner = make_user(f'credit_{style}')
    exam = make_exam(provider=style)
    attempt = submitted(vendors[style], learner, exam)
    api.record_exam_grade(learner, exam, 2, 2)
    assert credit_of(attempt).requirement_status == 'submitted'
    assert not credit_of(attempt).counts_toward_credit  # the review is pending

    vendors[style].post_review(attempt.provider_attempt_id, CLEAN[style])

    record = credit_of(attempt)
    assert (record.requirement_status, record.grade, record.counts_toward_credit) == ('satisfied', 1.0, True)
    progress = {row.exam.pk: row for row in api.course_progress(learner, exam.course_key)}[exam.pk]
    assert (progress.review_status, progress.counts_toward_credit) == ('satisfactory', True)


@pytest.mark.parametrize('style', STYLES)
def test_a_violation_costs_credit_and_grade_only_when_a_person_confirms_it(vendors, make_user, make_exam, style):
    learner, staff = make_user(f'violation_{style}'), make_user(f'staff_{style}')
    exam = make_exam(provider=style)
    attempt = submitted(vendors[style], learner, exam)
    api.record_exam_grade(learner, exam, 1, 2)

    vendors[style].post_review(attempt.provider_attempt_id, UNSATISFACTORY[style])
    record = credit_of(attempt)
    assert (state(attempt).status, record.requirement_status, record.grade) == (
        S.SECOND_REVIEW_REQUIRED, 'submitted', 0.5)  # the vendor only suggests

    api.record_review(state(attempt), api.Outcome.UNSATISFACTORY, by=staff, comment='phone on the desk')
    record = credit_of(attempt)
    assert (state(attempt).status, record.requirement_status, record.grade, record.counts_toward_credit) == (
        S.REJECTED, 'failed', 0.0, False)

    api.record_review(state(attempt), api.Outcome.SATISFACTORY, by=staff, comment='it was a calculator')
    record = credit_of(attempt)
    assert (state(attempt).status, record.requirement_status, record.grade, record.counts_toward_credit) == (
        S.VERIFIED, 'satisfied', 0.5, True)


@pytest.mark.parametrize('style', STYLES)
def test_inside_the_lms_credit_and_grade_land_through_its_services(vendors, edx_platform, make_user, make_exam,
                                                                   style):
    course, week = 'course-v1:Test+Exam+2026', 'block-v1:Test+Exam+2026+type@sequential+block@week1'
    learner, staff = make_user(f'lms_{style}'), make_user(f'lms_staff_{style}')
    edx_platform.make_credit_course(course, requirements=[
        {'namespace': 'grade', 'name': 'grade', 'display_name': 'Grade', 'criteria': {'min_grade': 0.5}}])
    edx_platform.enroll(learner, course, 'verified')
    edx_platform.zero_rejected_exams(course)   # the course's REJECTED_EXAM_OVERRIDES_GRADE flag
    exam = make_exam(provider=style, course_key=course, subsection_key=week, display_name='Final')
    assert [req['namespace'] for req in edx_platform.requirements(course)] == ['grade', 'proctored_exam']

    attempt = submitted(vendors[style], learner, exam)
    assert edx_platform.status(learner, course, exam.usage_key) == 'submitted'
    vendors[style].post_review(attempt.provider_attempt_id, UNSATISFACTORY[style])   # over HTTP, to the LMS
    assert edx_platform.override(learner, course, week) is None   # no person decided yet

    api.record_review(state(attempt), api.Outcome.UNSATISFACTORY, by=staff, comment='second screen')
    assert edx_platform.status(learner, course, exam.usage_key) == 'failed'
    assert edx_platform.override(learner, course, week)['earned_all'] == 0.0

    api.record_review(state(attempt), api.Outcome.SATISFACTORY, by=staff, comment='appeal upheld')
    assert edx_platform.status(learner, course, exam.usage_key) == 'satisfied'
    assert edx_platform.override(learner, course, week) is None


def test_onboarding_updates_are_acknowledged_once(vendors, learner, make_exam, live_server):
    vendor = vendors['proctortrack']
    exam = make_exam(provider='proctortrack')
    attempt = opt_in(vendor, learner, exam)   # onboarding approved at the vendor, read at opt-in
    user_id = registry.get_provider(exam.provider).anonymous_user_id(learner)
    callback_url = f'{live_server.url}/api/proctored-exams/v1/providers/proctortrack/callback'

    assert vendor.post_onboarding_update(user_id)[0] == 204                                # with its session
    vendor.set_onboarding('anon-without-session', 'pending')
    assert vendor.post_onboarding_update('anon-without-session', callback_url=callback_url)[0] == 204  # without
    assert vendor.replay_callback()[0] == 204
    assert ReceivedMessage.objects.filter(kind='onboarding').count() == 2
    assert vendor.post_onboarding_update(user_id, callback_url=callback_url, session_id='nope')[0] == 404
    assert state(attempt).status == S.CREATED   # nothing about the attempt changes
    # What the vendor says is kept for the course's lists.
    vendor.set_onboarding(user_id, 'expired')
    assert vendor.post_onboarding_update(user_id)[0] == 204
    assert api.kept_onboarding_statuses('proctortrack', [learner.pk])[learner.pk][0] == 'expired'


def test_learners_and_vendors_do_not_mix(vendors, make_user, make_exam):
    """Two learners in two exams of two vendors, reviewed differently: each review reaches its own attempt."""
    rpnow_exam, proctortrack_exam = make_exam(provider='rpnow'), make_exam(provider='proctortrack')
    first = submitted(vendors['rpnow'], make_user('first'), rpnow_exam)
    second = submitted(vendors['proctortrack'], make_user('second'), proctortrack_exam)

    assert vendors['rpnow'].post_review(first.provider_attempt_id, 'Suspicious')[0] == 204
    assert vendors['proctortrack'].post_review(second.provider_attempt_id, 'passed')[0] == 204

    assert (state(first).status, state(second).status) == (S.SECOND_REVIEW_REQUIRED, S.VERIFIED)
    assert set(vendors['rpnow'].sessions) == {first.provider_attempt_id}
    assert set(vendors['proctortrack'].sessions) == {second.provider_attempt_id}


# ---- repeated and forged reviews ----------------------------------------------------------------------------

@pytest.mark.parametrize('style', STYLES)
def test_a_replayed_review_is_applied_once(vendors, learner, make_exam, style):
    vendor = vendors[style]
    attempt = submitted(vendor, learner, make_exam(provider=style))
    assert vendor.post_review(attempt.provider_attempt_id, CLEAN[style])[0] == 204

    assert vendor.replay_callback() == (204, '')  # the same webhook-id, byte for byte

    assert Review.objects.filter(attempt=attempt).count() == 1
    assert ReceivedMessage.objects.filter(provider=style).count() == 2  # the code check and the review, once
    assert transitions_to(attempt, S.VERIFIED) == 1


def test_the_same_review_sent_again_with_a_new_id_changes_nothing(vendors, learner, make_exam):
    vendor = vendors['rpnow']
    attempt = submitted(vendor, learner, make_exam(provider='rpnow'))
    assert vendor.post_review(attempt.provider_attempt_id, 'Suspicious')[0] == 204
    history = list(attempt.history.values_list('pk', flat=True))

    assert vendor.post_review(attempt.provider_attempt_id, 'Suspicious') == (204, '')

    assert Review.objects.filter(attempt=attempt).count() == 1
    assert list(attempt.history.values_list('pk', flat=True)) == history
    assert state(attempt).status == S.SECOND_REVIEW_REQUIRED


def assert_nothing_written(attempt, messages_before):
    """A refused callback leaves no message, no review and no status change."""
    assert ReceivedMessage.objects.count() == messages_before
    assert not Review.objects.filter(attempt=attempt).exists()
    assert state(attempt).status == S.SUBMITTED


@pytest.mark.parametrize('forgery', [
    {'secret': 'whsec_' + 'Zm9yZ2VkIGtleSwgbm90IHRoZSB2ZW5kb3Incw=='},  # signed with another secret
    {'secret': 'the vendor secret, guessed'},
    {'timestamp_offset': -600},                                       # ten minutes old
    {'timestamp_offset': 600},                                        # from the future
    {'headers': {'webhook-signature': None}},                         # unsigned
    {'headers': {'webhook-id': None, 'webhook-timestamp': None, 'webhook-signature': None}},
    {'signature': 'v1,' + 'A' * 44},
])
def test_forged_stale_and_unsigned_reviews_are_refused(vendors, learner, make_exam, forgery):
    vendor = vendors['rpnow']
    attempt = submitted(vendor, learner, make_exam(provider='rpnow'))
    messages_before = ReceivedMessage.objects.count()
    forgery = dict(forgery)
    if 'timestamp_offset' in forgery:  # computed now: a collection-time value could drift into the window
        forgery['timestamp'] = int(time.time()) + forgery.pop('timestamp_offset')

    status, answer = vendor.post_review(attempt.provider_attempt_id, 'Clean', **forgery)

    assert status == 401
    assert answer['error'] in ('bad_signature', 'stale')
    assert_nothing_written(attempt, messages_before)


def test_a_stale_review_is_refused_even_when_correctly_signed(vendors, learner, make_exam):
    vendor = vendors['proctortrack']
    attempt = submitted(vendor, learner, make_exam(provider='proctortrack'))
    messages_before = ReceivedMessage.objects.count()

    assert vendor.post_review(attempt.provider_attempt_id, 'passed', timestamp=int(time.time()) - 600) == (
        401, {'error': 'stale'})
    assert_nothing_written(attempt, messages_before)


def test_a_review_of_an_unknown_session_is_404(vendors, learner, make_exam, live_server):
    vendor = vendors['rpnow']
    attempt = submitted(vendor, learner, make_exam(provider='rpnow'))
    messages_before = ReceivedMessage.objects.count()

    status, answer = vendor.post_callback(
        'rpnow-session-that-never-was', 'review.completed', status='Clean',
        callback_url=f'{live_server.url}/api/proctored-exams/v1/providers/rpnow/callback')

    assert (status, answer) == (404, {'error': 'unknown_session'})
    assert_nothing_written(attempt, messages_before)


def test_a_review_of_another_providers_session_is_404(vendors, make_user, make_exam):
    """Signed correctly for rpnow (both fakes share a webhook secret), about a proctortrack attempt: refused."""
    proctortrack_attempt = submitted(vendors['proctortrack'], make_user('other'), make_exam(provider='proctortrack'))
    rpnow_attempt = submitted(vendors['rpnow'], make_user('mine'), make_exam(provider='rpnow'))
    rpnow_callback = vendors['rpnow'].sessions[rpnow_attempt.provider_attempt_id]['callback_url']
    messages_before = ReceivedMessage.objects.count()

    status, answer = vendors['rpnow'].post_callback(
        proctortrack_attempt.provider_attempt_id, 'review.completed', status='Clean', callback_url=rpnow_callback)

    assert (status, answer) == (404, {'error': 'unknown_session'})
    assert_nothing_written(proctortrack_attempt, messages_before)


def test_a_malformed_review_is_400(vendors, learner, make_exam):
    vendor = vendors['rpnow']
    attempt = submitted(vendor, learner, make_exam(provider='rpnow'))
    messages_before = ReceivedMessage.objects.count()

    status, answer = vendor.post_callback(attempt.provider_attempt_id, 'review.completed', status='passed')

    assert (status, answer) == (400, {'error': 'malformed'})
    assert_nothing_written(attempt, messages_before)


# ---- sessions that end early, exam codes ---------------------------------------------------------------------

@pytest.mark.parametrize('style', STYLES)
def test_a_lost_session_submits_the_started_exam(vendors, learner, make_exam, style):
    vendor = vendors[style]
    attempt = started(vendor, learner, make_exam(provider=style))

    assert vendor.report_session_lost(attempt.provider_attempt_id) == (204, '')

    attempt = state(attempt)
    assert (attempt.status, attempt.submit_reason) == (S.SUBMITTED, 'proctoring_session_lost')
    assert vendor.sessions[attempt.provider_attempt_id]['state'] == 'stopped'
    # Then the review arrives as usual.
    assert vendor.post_review(attempt.provider_attempt_id, CLEAN[style])[0] == 204
    assert state(attempt).status == S.VERIFIED


@pytest.mark.parametrize('style', STYLES)
def test_a_practice_session_the_vendor_lost_failed(vendors, learner, make_exam, style):
    vendor = vendors[style]
    exam = make_exam(provider=style, exam_type='practice')
    attempt = started(vendor, learner, exam)
    assert vendor.report_session_lost(attempt.provider_attempt_id) == (204, '')
    assert api.learner_state(learner, exam).practice_result == 'failed'


@pytest.mark.parametrize('style, verdict', [('rpnow', 'Not Reviewed'), ('rpnow', 'Clean'),
                                            ('rpnow', 'Rules Violation'), ('proctortrack', 'failed')])
@pytest.mark.parametrize('stage', ['created', 'ready_to_start', 'started'])
def test_no_verdict_changes_an_attempt_before_its_submission(vendors, learner, make_exam, style, verdict, stage):
    vendor = vendors[style]
    exam = make_exam(provider=style)
    attempt = {'created': opt_in, 'started': started}.get(stage, opt_in)(vendor, learner, exam)
    if stage == 'ready_to_start':
        check_code(vendor, attempt)

    status, body = vendor.post_review(attempt.provider_attempt_id, verdict)

    # Answered as not applicable, kept for staff, and nothing changed.
    assert (status, body) == (409, {'error': 'not_applicable'})
    assert state(attempt).status == stage
    assert not Review.objects.filter(attempt=attempt).exists()
    held = HeldVerdict.objects.get(attempt=attempt)
    assert (held.provider, held.verdict, held.attempt_status) == (style, verdict, stage)
    assert held.message.kind == 'review'
    # The review opens at submission: the vendor's verdict then decides as usual.
    if stage != 'started':
        return
    api.submit(learner, exam)
    assert vendor.post_review(attempt.provider_attempt_id, CLEAN[style])[0] == 204
    assert state(attempt).status == S.VERIFIED


def test_a_session_lost_before_the_start_ends_the_attempt_in_error(vendors, learner, make_exam):
    vendor = vendors['rpnow']
    attempt = opt_in(vendor, learner, make_exam(provider='rpnow'))

    assert vendor.report_session_lost(attempt.provider_attempt_id) == (204, '')

    assert state(attempt).status == S.ERROR
    assert vendor.sessions[attempt.provider_attempt_id]['state'] == 'stopped'  # on_error stopped it


def test_a_wrong_or_reused_exam_code_is_refused(vendors, learner, make_exam):
    vendor = vendors['proctortrack']
    attempt = opt_in(vendor, learner, make_exam(provider='proctortrack'))
    session_id = attempt.provider_attempt_id

    assert vendor.check_exam_code(session_id, 'AAAAA-BBBBB-CCCCC-DDDDD-EEEEE-F') == (
        400, {'error': 'invalid_exam_code'})
    assert state(attempt).status == S.CREATED
    check_code(vendor, attempt)
    assert vendor.check_exam_code(session_id, attempt.exam_code) == (409, {'error': 'not_applicable'})


def test_codes_guessed_in_the_vendors_software_count_and_lock_the_code(vendors, learner, make_exam, settings):
    settings.PROCTORING_EXAM_CODE_MAX_FAILURES = 3
    vendor = vendors['proctortrack']
    attempt = opt_in(vendor, learner, make_exam(provider='proctortrack'))
    session_id = attempt.provider_attempt_id
    wrong = 'AAAAA-BBBBB-CCCCC-DDDDD-EEEEE-F'
    assert [vendor.check_exam_code(session_id, wrong) for _ in range(3)] == [
        (400, {'error': 'invalid_exam_code'})] * 2 + [(429, {'error': 'exam_code_locked'})]
    assert vendor.check_exam_code(session_id, attempt.exam_code) == (429, {'error': 'exam_code_locked'})
    attempt = state(attempt)
    assert (attempt.status, attempt.code_failures) == (S.CREATED, 3)


def test_a_code_checked_by_the_vendor_is_not_usable_on_our_page(vendors, learner, make_exam):
    exam = make_exam(provider='rpnow')
    attempt = opt_in(vendors['rpnow'], learner, exam)
    check_code(vendors['rpnow'], attempt)

    # Ready already: confirming on our page changes nothing.
    assert api.confirm_checks(learner, exam, attempt.exam_code).status == S.READY_TO_START


def test_confirming_on_our_page_leaves_the_code_to_the_vendor_software(vendors, learner, make_exam):
    exam = make_exam(provider='rpnow')
    attempt = opt_in(vendors['rpnow'], learner, exam)

    with pytest.raises(api.ChecksNotPassed) as raised:
        api.confirm_checks(learner, exam, attempt.exam_code)
    assert raised.value.code == 'checks_in_software'

    check_code(vendors['rpnow'], attempt)


# ---- the vendor failing while the API calls it -----------------------------------------------------------------

def retry_sweep_after(seconds):
    """Run the retry task as the periodic schedule would, ``seconds`` from now."""
    with time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=False):
        return api.retry_provider_calls()


def test_vendor_down_during_opt_in_loses_no_session(vendors, learner, make_exam):
    vendor = vendors['rpnow']
    exam = make_exam(provider='rpnow')
    vendor.go_down()

    attempt = journeys.opt_in(learner, exam)  # the learner gets the attempt and the code at once

    assert (state(attempt).status, state(attempt).provider_attempt_id) == (S.CREATED, '')
    call = ProviderCall.objects.get(attempt=attempt)
    assert (call.action, call.status, call.tries) == (ProviderCall.REGISTER_ATTEMPT, ProviderCall.PENDING, 1)
    assert 'could not be reached' in call.last_error and vendor.secret not in call.last_error
    assert retry_sweep_after(10) == 0  # not due yet: the first retry waits 30 s
    assert retry_sweep_after(31) == 0  # due, but the vendor is still down: the next wait doubles
    assert ProviderCall.objects.get(pk=call.pk).tries == 2

    vendor.come_back()
    assert retry_sweep_after(31 + 61) == 1
    session_id = state(attempt).provider_attempt_id
    assert vendor.sessions[session_id]['attempt_id'] == attempt.pk
    assert ProviderCall.objects.get(pk=call.pk).status == ProviderCall.DONE
    check_code(vendor, state(attempt))


def test_vendor_failing_at_start_and_submit_is_caught_up(vendors, learner, make_exam):
    vendor = vendors['rpnow']
    exam = make_exam(provider='rpnow')
    attempt = opt_in(vendor, learner, exam)
    check_code(vendor, attempt)
    session_id = attempt.provider_attempt_id

    vendor.fail_next(1, status=503)
    assert api.start(learner, exam).status == S.STARTED  # the learner's clock runs regardless
    assert vendor.sessions[session_id]['state'] == 'created'
    vendor.go_down()
    assert api.submit(learner, exam).status == S.SUBMITTED
    assert ProviderCall.objects.filter(attempt=attempt, status=ProviderCall.PENDING).count() == 2

    vendor.come_back()
    assert retry_sweep_after(31) == 2
    assert vendor.sessions[session_id]['state'] == 'stopped'


def test_calls_the_vendor_refuses_or_that_keep_failing_are_dead(vendors, learner, make_user, make_exam, settings):
    settings.PROCTORING_PROVIDER_MAX_TRIES = 3
    vendor = vendors['rpnow']
    exam = make_exam(provider='rpnow')
    vendor.go_down()
    attempt = journeys.opt_in(learner, exam)
    assert retry_sweep_after(31) == 0
    assert retry_sweep_after(31 + 61) == 0
    call = ProviderCall.objects.get(attempt=attempt)
    assert (call.status, call.tries) == (ProviderCall.DEAD, 3)
    assert retry_sweep_after(3600) == 0  # dead calls wait for a person

    vendor.come_back()
    vendor.fail_next(1, status=400)
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):  # after the pause the outage began
        refused = journeys.opt_in(make_user('other'), exam)
    assert ProviderCall.objects.get(attempt=refused).status == ProviderCall.DEAD

    # Staff see both dead calls, in the course's results file too, and make one again.
    assert {problem.attempt_id for problem in api.provider_call_problems(exam.course_key)} == {attempt.pk, refused.pk}
    assert not api.provider_call_problems('course-v1:Other+Course+1').exists()
    rows = {row['attempt']: row for row in export.results_rows(exam.course_key)}
    assert rows[attempt.pk]['vendor_call_problems'].startswith('register_attempt dead after 3 tries: ')
    assert api.requeue_provider_call(call)
    assert not api.requeue_provider_call(call)  # only dead calls are requeued
    assert retry_sweep_after(1) == 1
    assert ProviderCall.objects.get(pk=call.pk).status == ProviderCall.DONE
    assert state(attempt).provider_attempt_id in vendor.sessions


def test_a_hanging_vendor_holds_no_learner_for_its_timeout(vendors, make_user, make_exam, settings):
    settings.PROCTORING_VENDOR_WAIT_SECONDS = 0.5
    vendor = vendors['rpnow']  # its own timeout: (2, 5) seconds
    exam = make_exam(provider='rpnow')
    vendor.delay(3)
    began = time.monotonic()
    first = journeys.opt_in(make_user('first'), exam)
    assert time.monotonic() - began < 2
    call = ProviderCall.objects.get(attempt=first)
    assert (call.status, call.tries) == (ProviderCall.PENDING, 1) and 'did not answer in time' in call.last_error

    # The next learners' calls are kept without being tried while the vendor is paused.
    requests_before = len(vendor.requests_seen)
    second = journeys.opt_in(make_user('second'), exam)
    assert len(vendor.requests_seen) == requests_before
    call = ProviderCall.objects.get(attempt=second)
    assert (call.status, call.tries, call.next_try_at <= timezone.now()) == (ProviderCall.PENDING, 0, True)

    # The retry task makes them with the provider's own timeout, which a slow vendor meets.
    vendor.delay(0.2)
    assert retry_sweep_after(31) == 2
    assert state(first).provider_attempt_id and state(second).provider_attempt_id
    third = journeys.opt_in(make_user('third'), exam)  # a call that went through ended the pause
    assert state(third).provider_attempt_id and not ProviderCall.objects.filter(attempt=third).exists()


def test_a_cache_that_is_down_only_costs_the_pause(vendors, make_user, make_exam, monkeypatch):
    from django.core.cache import cache  # pylint: disable=import-outside-toplevel

    def broken(*args, **kwargs):
        raise ConnectionError('cache server unreachable')

    for operation in ('get', 'set', 'delete'):
        monkeypatch.setattr(cache, operation, broken)
    vendor = vendors['rpnow']
    exam = make_exam(provider='rpnow')
    vendor.go_down()
    for name in ('first', 'second'):  # each is tried (no pause is kept), each kept for the retry task
        attempt = journeys.opt_in(make_user(name), exam)
        assert ProviderCall.objects.get(attempt=attempt).tries == 1
    vendor.come_back()
    assert retry_sweep_after(31) == 2


def test_the_retry_task_runs_from_celery(vendors, learner, make_exam):
    from edx_proctoring_backend import tasks  # pylint: disable=import-outside-toplevel
    vendor = vendors['rpnow']
    vendor.go_down()
    attempt = journeys.opt_in(learner, make_exam(provider='rpnow'))
    vendor.come_back()
    with time_machine.travel(timezone.now() + timedelta(seconds=31), tick=False):
        tasks.retry_provider_calls.delay()
    assert state(attempt).provider_attempt_id in vendor.sessions


def test_vendor_down_when_a_lost_session_is_reported(vendors, learner, make_exam):
    """
    The vendor reports a lost session but its API then fails our stop call: the exam is submitted
    at once and the stop call is kept for the retry task.
    """
    vendor = vendors['rpnow']
    attempt = started(vendor, learner, make_exam(provider='rpnow'))
    vendor.fail_next(1, status=503)

    status, _ = vendor.report_session_lost(attempt.provider_attempt_id)

    assert status == 204
    assert (state(attempt).status, state(attempt).submit_reason) == (S.SUBMITTED, 'proctoring_session_lost')
    assert ProviderCall.objects.get(attempt=attempt).action == ProviderCall.STOP_SESSION
    assert vendor.replay_callback()[0] == 204  # the same message again changes nothing
    assert retry_sweep_after(31) == 1
