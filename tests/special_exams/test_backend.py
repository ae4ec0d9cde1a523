"""
This package's providers behind the real edx-proctoring: its Python API and REST views drive the exam
as Studio and the learning MFE do, and both sides are checked: edx-proctoring's attempt statuses and
the platform's credit and grades (through its runtime services), and this package's attempts, reviews
and vendor sessions. The vendors are the fake ones of demo/fake_vendors.py, over real HTTP both ways.
"""
from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import reverse
# edx-proctoring is the platform's, not a requirement of this package: only the LMS and the
# test-edx-proctoring environment can import it.
# pylint: disable=import-error
from edx_proctoring import api as edx_api
from edx_proctoring.exceptions import BackendProviderCannotRegisterAttempt
from edx_proctoring.models import (
    ProctoredExamSoftwareSecureReview, ProctoredExamStudentAllowance, ProctoredExamStudentAttempt,
)
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as EdxStatus
from edx_proctoring.utils import obscured_user_id

from edx_proctoring_backend import api
from edx_proctoring_backend.exams.models import ExamAttempt
from edx_proctoring_backend.exams.statuses import AttemptStatus as S
from edx_proctoring_backend.reviews.models import Review
from edx_proctoring_backend.special_exams.backend import NullBackend, ProctortrackBackend, RPNowBackend
from tests.special_exams.edx_exams import COURSE, backend, edx_attempt, opt_in, ours

pytestmark = pytest.mark.edx_proctoring


# ---- the backends ------------------------------------------------------------------------------------

def test_each_provider_is_a_backend_with_the_sites_options():
    null, rpnow, proctortrack = (backend(f'proctored_exams_{name}') for name in ('null', 'rpnow', 'proctortrack'))
    assert (type(null), type(rpnow), type(proctortrack)) == (NullBackend, RPNowBackend, ProctortrackBackend)
    assert (null.verbose_name, rpnow.verbose_name) == ('No proctoring software', 'Record and review (RPNow-style)')
    assert (null.tech_support_email, null.tech_support_phone) == ('exams@example.com', '+1 555 0100')
    assert (proctortrack.ping_interval, proctortrack.supports_onboarding) == (30, True)
    assert not rpnow.supports_onboarding
    assert rpnow.has_dashboard and rpnow.should_block_access_to_exam_material() is False
    assert rpnow.get_javascript() == ''
    assert rpnow.get_video_review_aes_key() is None   # recordings are reached through this package only
    assert dict(apps.get_app_config('edx_proctoring').get_backend_choices())['proctored_exams_rpnow'] == \
        'Record and review (RPNow-style)'


def test_an_exam_saved_in_edx_proctoring_is_kept_here(make_edx_exam):
    exam = make_edx_exam('proctored_exams_rpnow', time_limit_mins=45)
    hosted = api.hosted_exam(exam['id'])
    assert exam['external_id'] == str(hosted.pk)
    assert (hosted.course_key, hosted.display_name, hosted.time_limit_minutes, hosted.provider, hosted.exam_type,
            hosted.is_active, hosted.allow_opt_out) == (COURSE, 'Final 1', 45, 'rpnow', 'proctored', True, False)
    assert api.is_hosted_exam(hosted) and api.edx_exam_id_of(hosted) == exam['id']

    edx_api.update_exam(exam['id'], time_limit_mins=90, exam_name='Final exam')
    hosted.refresh_from_db()
    assert (hosted.time_limit_minutes, hosted.display_name) == (90, 'Final exam')
    assert backend('proctored_exams_rpnow').get_exam(edx_api.get_exam_by_id(exam['id']))['external_id'] == \
        str(hosted.pk)

    edx_api.update_exam(exam['id'], is_proctored=False)   # now a timed exam: no backend of its own
    hosted.refresh_from_db()
    assert not hosted.is_active


def test_an_exam_this_package_refuses_is_not_kept_and_takes_no_attempt(make_user, make_edx_exam, settings):
    settings.PROCTORING_ALLOW_UNRECORDED_PROCTORING = False   # ``null`` records nothing
    exam = make_edx_exam('proctored_exams_null')
    assert (exam['external_id'], api.hosted_exam(exam['id'])) == (None, None)
    with pytest.raises(BackendProviderCannotRegisterAttempt):
        opt_in(exam, make_user('learner'))
    assert not ExamAttempt.objects.exists()


def test_a_practice_exam_is_kept_as_one(make_edx_exam):
    exam = make_edx_exam('proctored_exams_null', is_practice_exam=True)
    assert api.hosted_exam(exam['id']).exam_type == 'practice'


# ---- the whole way, without a vendor --------------------------------------------------------------------------

def test_with_null_an_allowance_counts_and_the_submission_is_verified(make_user, make_edx_exam, lms_services):
    learner = make_user('learner')
    exam = make_edx_exam('proctored_exams_null')
    edx_api.add_allowance_for_user(exam['id'], learner.username,
                                   ProctoredExamStudentAllowance.ADDITIONAL_TIME_GRANTED[0], '30')

    attempt_id = opt_in(exam, learner)
    # No software to wait for: the checks pass at once on both sides, the exam code is used.
    assert edx_attempt(attempt_id)['status'] == EdxStatus.ready_to_start
    attempt = ours(exam, learner)
    assert (attempt.status, attempt.taking_as_proctored) == (S.READY_TO_START, True)
    assert attempt.code_redeemed_at is not None

    edx_api.update_attempt_status(attempt_id, EdxStatus.started)
    attempt.refresh_from_db()
    assert attempt.status == S.STARTED
    assert attempt.deadline - attempt.started_at == timedelta(minutes=90)   # edx-proctoring's allowance
    assert attempt.extra_minutes == 30

    edx_api.update_attempt_status(attempt_id, EdxStatus.submitted)
    attempt.refresh_from_db()
    assert attempt.status == S.VERIFIED   # nothing recorded, nothing to review
    assert edx_attempt(attempt_id)['status'] == EdxStatus.verified
    assert lms_services['credit'].status(learner, COURSE, exam['content_id']) == 'satisfied'
    assert [change.to_status for change in attempt.history.order_by('pk')] == [
        S.CREATED, S.READY_TO_START, S.STARTED, S.SUBMITTED, S.VERIFIED]


def test_the_learning_mfe_takes_the_exam_through_edx_proctorings_rest_api(client, make_user, make_edx_exam,
                                                                          lms_services, tracking_events):
    staff, learner = global_staff(make_user, 'staff'), make_user('learner')
    exam = make_edx_exam('proctored_exams_null')
    client.force_login(staff)   # the Special Exams tab
    allowance = {'exam_id': exam['id'], 'user_info': learner.username, 'key': 'additional_time_granted', 'value': '15'}
    response = client.put(reverse('edx_proctoring:proctored_exam.allowance'), allowance,
                          content_type='application/json')
    assert response.status_code == 200, response.content

    client.force_login(learner)   # the learning MFE
    response = client.post(reverse('edx_proctoring:proctored_exam.attempt.collection'),
                           {'exam_id': exam['id'], 'attempt_proctored': 'true', 'start_clock': 'false'},
                           content_type='application/json')
    assert response.status_code == 200, response.content
    attempt_id = response.json()['exam_attempt_id']
    attempt_url = reverse('edx_proctoring:proctored_exam.attempt', args=[attempt_id])
    assert client.get(attempt_url).json()['status'] == EdxStatus.ready_to_start
    for action in ('start', 'submit'):
        response = client.put(attempt_url, {'action': action}, content_type='application/json')
        assert response.status_code == 200, response.content

    assert client.get(attempt_url).json()['status'] == EdxStatus.verified
    attempt = ours(exam, learner)
    assert (attempt.status, attempt.extra_minutes) == (S.VERIFIED, 15)
    assert lms_services['credit'].status(learner, COURSE, exam['content_id']) == 'satisfied'
    names = [event['name'] for event in tracking_events]
    # This package's events and edx-proctoring's, each under its own names.
    assert 'proctored_exams.proctored.attempt.submitted' in names
    assert 'edx.special_exam.proctored.attempt.verified' in names


def test_proctoring_settings_and_instructions_come_from_the_backend(make_user, make_edx_exam, settings):
    exam = make_edx_exam('proctored_exams_null')
    proctoring = edx_api.get_proctoring_settings_by_exam_id(exam['id'])
    assert (proctoring['provider_name'], proctoring['provider_tech_support_email'],
            proctoring['provider_tech_support_phone']) == ('No proctoring software', 'exams@example.com', '+1 555 0100')
    assert proctoring['exam_proctoring_backend'] == {'name': 'No proctoring software', 'download_url': '',
                                                     'steps': ['exam_code'], 'rules': {}}
    null = backend('proctored_exams_null')
    assert null.get_software_download_url() is None
    settings.PROCTORING_PROVIDERS = {**settings.PROCTORING_PROVIDERS, 'null': {'download_url': 'https://x.example/'}}
    assert null.get_software_download_url() == 'https://x.example/'
    assert null.get_instructor_url(COURSE, {}) == \
        f'/api/proctored-exams/review/?course_id={COURSE.replace(":", "%3A").replace("+", "%2B")}'
    learner = make_user('learner')
    attempt_id = opt_in(exam, learner)
    external_id = edx_attempt(attempt_id)['external_id']
    assert null.get_instructor_url(COURSE, {}, exam_id=exam['external_id'], attempt_id=external_id) == \
        f'/api/proctored-exams/review/attempts/{ours(exam, learner).pk}'
    assert null.get_attempt(edx_attempt(attempt_id))['instructions'] == []   # no software: no code to type


# ---- the whole way, with a vendor ------------------------------------------------------------------------------

@pytest.fixture
def rpnow(fake_vendor, live_server):
    """The fake record-and-review vendor, configured as the ``rpnow`` provider, calling back to the live server."""
    return fake_vendor('rpnow', callback_base_url=live_server.url)


def ready(vendor, exam, learner):
    """Opt in, then type the exam code into the vendor's software: ready to start on both sides."""
    attempt_id = opt_in(exam, learner)
    attempt = ours(exam, learner)
    assert (attempt.status, edx_attempt(attempt_id)['status']) == (S.CREATED, EdxStatus.created)
    session = vendor.sessions[attempt.provider_attempt_id]
    assert (session['attempt_id'], session['exam_code']) == (attempt.pk, attempt.exam_code)
    instructions = backend('proctored_exams_rpnow').get_attempt(edx_attempt(attempt_id))['instructions']
    assert instructions == [f'Open the proctoring software and enter this exam code: {attempt.exam_code}']
    # The learning MFE's Start System Check opens the link the vendor gave for this session.
    seen = edx_api.get_exam_attempt_data(exam['id'], attempt_id, is_learning_mfe=True)
    assert seen['software_download_url'] == f'{vendor.base_url}/console#{attempt.provider_attempt_id}'

    # The learning MFE shows edx-proctoring's attempt code: the learner types it as shown.
    status, _ = vendor.check_exam_code(attempt.provider_attempt_id, edx_attempt(attempt_id)['attempt_code'])
    assert status == 200
    assert edx_attempt(attempt_id)['status'] == EdxStatus.ready_to_start
    return attempt_id


def submitted(vendor, exam, learner):
    """Take the exam to its end in edx-proctoring: the vendor's session ran, then stopped."""
    attempt_id = ready(vendor, exam, learner)
    edx_api.update_attempt_status(attempt_id, EdxStatus.started)
    attempt = ours(exam, learner)
    assert (attempt.status, vendor.sessions[attempt.provider_attempt_id]['state']) == (S.STARTED, 'started')
    edx_api.update_attempt_status(attempt_id, EdxStatus.submitted)
    attempt.refresh_from_db()
    assert (attempt.status, vendor.sessions[attempt.provider_attempt_id]['state']) == (S.SUBMITTED, 'stopped')
    assert not vendor.rejected_requests
    return attempt_id


@pytest.mark.parametrize('verdict, status, credit', [
    ('Clean', S.VERIFIED, 'satisfied'),
    ('Suspicious', S.SECOND_REVIEW_REQUIRED, 'submitted'),
    ('Rules Violation', S.SECOND_REVIEW_REQUIRED, 'submitted'),   # the vendor only suggests
    ('Not Reviewed', S.ERROR, 'failed'),
])
def test_the_vendors_review_decides_both_attempts(rpnow, make_user, make_edx_exam, lms_services, verdict, status,
                                                  credit):
    learner = make_user('learner')
    exam = make_edx_exam('proctored_exams_rpnow')
    attempt_id = submitted(rpnow, exam, learner)
    assert lms_services['credit'].status(learner, COURSE, exam['content_id']) == 'submitted'

    attempt = ours(exam, learner)
    assert rpnow.post_review(attempt.provider_attempt_id, verdict) == (204, '')

    attempt.refresh_from_db()
    assert attempt.status == status
    assert edx_attempt(attempt_id)['status'] == status
    assert lms_services['credit'].status(learner, COURSE, exam['content_id']) == credit
    assert Review.objects.get(attempt=attempt).verdict == verdict


def test_a_lost_session_submits_in_edx_proctoring_too(rpnow, make_user, make_edx_exam):
    learner = make_user('learner')
    exam = make_edx_exam('proctored_exams_rpnow')
    attempt_id = ready(rpnow, exam, learner)
    edx_api.update_attempt_status(attempt_id, EdxStatus.started)

    rpnow.report_session_lost(ours(exam, learner).provider_attempt_id)

    assert ours(exam, learner).status == S.SUBMITTED
    assert edx_attempt(attempt_id)['status'] == EdxStatus.submitted


def review_callback(client, attempt_id, **review):
    """Post a review to edx-proctoring's review callback, as a reviewing service or person would."""
    url = reverse('edx_proctoring:proctored_exam.attempt.callback', args=[edx_attempt(attempt_id)['external_id']])
    return client.post(url, review, content_type='application/json')


def test_a_persons_review_through_edx_proctoring_is_decided_here(rpnow, client, make_user, make_edx_exam,
                                                                 lms_services):
    learner, reviewer = make_user('learner'), make_user('reviewer')
    reviewer.is_staff, reviewer.email = True, 'reviewer@example.com'
    reviewer.save()
    exam = make_edx_exam('proctored_exams_rpnow')
    attempt_id = submitted(rpnow, exam, learner)
    client.force_login(reviewer)

    response = review_callback(client, attempt_id, status='violation', reviewed_by='reviewer@example.com',
                               comments=[{'comment': 'A phone on the desk', 'status': 'violation'}])

    assert response.status_code == 200, response.content
    attempt = ours(exam, learner)
    assert attempt.status == S.REJECTED
    review = Review.objects.get(attempt=attempt)
    assert (review.reviewer, review.outcome, review.comment) == (reviewer, 'unsatisfactory', 'A phone on the desk')
    assert edx_attempt(attempt_id)['status'] == EdxStatus.rejected
    edx_review = ProctoredExamSoftwareSecureReview.get_review_by_attempt_code(edx_attempt(attempt_id)['attempt_code'])
    assert (edx_review.review_status, edx_review.reviewed_by) == ('Rules Violation', reviewer)
    assert lms_services['credit'].status(learner, COURSE, exam['content_id']) == 'failed'
    assert (learner.id, COURSE, exam['content_id']) in lms_services['grades'].overrides
    assert (learner.id, COURSE) in lms_services['certificates'].invalidated
    # The decision reached edx-proctoring once: one status change, one e-mail to the learner.
    assert edx_statuses(attempt_id).count(EdxStatus.rejected) == 1


def global_staff(make_user, username):
    """A user of the site's staff (``is_staff``): edx-proctoring's reviewers and review services."""
    user = make_user(username)
    user.is_staff = True
    user.save()
    return user


def edx_statuses(attempt_id):
    """Every status edx-proctoring's attempt was saved with, oldest first (its history)."""
    history = ProctoredExamStudentAttempt.objects.get(pk=attempt_id).history.order_by('history_id')
    return [row.status for row in history]


def test_a_review_without_a_person_asks_for_a_second_review_on_both_sides(rpnow, client, make_user,
                                                                          make_edx_exam):
    learner, service = make_user('learner'), global_staff(make_user, 'review_service')
    exam = make_edx_exam('proctored_exams_rpnow')
    attempt_id = submitted(rpnow, exam, learner)
    client.force_login(service)

    assert review_callback(client, attempt_id, status='suspicious').status_code == 200

    assert ours(exam, learner).status == S.SECOND_REVIEW_REQUIRED
    assert edx_attempt(attempt_id)['status'] == EdxStatus.second_review_required


def test_a_decision_edx_proctoring_takes_alone_is_set_back_to_the_one_made_here(rpnow, make_user, make_edx_exam,
                                                                                lms_services):
    learner = make_user('learner')
    exam = make_edx_exam('proctored_exams_rpnow')
    attempt_id = submitted(rpnow, exam, learner)

    edx_api.update_attempt_status(attempt_id, EdxStatus.verified)   # no review here yet

    assert ours(exam, learner).status == S.SUBMITTED
    assert edx_attempt(attempt_id)['status'] == EdxStatus.submitted
    assert lms_services['credit'].status(learner, COURSE, exam['content_id']) == 'submitted'


def test_a_review_before_the_submission_changes_nothing(rpnow, client, make_user, make_edx_exam):
    learner, reviewer = make_user('learner'), global_staff(make_user, 'reviewer')
    exam = make_edx_exam('proctored_exams_rpnow')
    attempt_id = ready(rpnow, exam, learner)
    client.force_login(reviewer)

    assert review_callback(client, attempt_id, status='passed').status_code == 400

    assert ours(exam, learner).status == S.READY_TO_START
    assert edx_attempt(attempt_id)['status'] == EdxStatus.ready_to_start


def test_an_error_in_edx_proctoring_ends_the_session(rpnow, make_user, make_edx_exam, lms_services):
    learner = make_user('learner')
    exam = make_edx_exam('proctored_exams_rpnow')
    attempt_id = ready(rpnow, exam, learner)
    edx_api.update_attempt_status(attempt_id, EdxStatus.started)

    edx_api.update_attempt_status(attempt_id, EdxStatus.error)

    attempt = ours(exam, learner)
    assert (attempt.status, rpnow.sessions[attempt.provider_attempt_id]['state']) == (S.ERROR, 'stopped')
    assert lms_services['credit'].status(learner, COURSE, exam['content_id']) == 'failed'


def test_an_exam_resumed_in_edx_proctoring_after_an_error_opens_a_new_attempt_here(make_user, make_edx_exam,
                                                                                   lms_services):
    learner = make_user('learner')
    exam = make_edx_exam('proctored_exams_null', time_limit_mins=60)
    first_id = opt_in(exam, learner)
    edx_api.update_attempt_status(first_id, EdxStatus.started)
    edx_api.update_attempt_status(first_id, EdxStatus.error)
    errored = ours(exam, learner)
    assert errored.status == S.ERROR

    # Staff let the learner resume (the Special Exams tab); the learner continues: a new attempt on both sides.
    ProctoredExamStudentAttempt.objects.filter(pk=first_id).update(time_remaining_seconds=20 * 60)
    edx_api.mark_exam_attempt_as_ready_to_resume(first_id)
    second_id = opt_in(exam, learner)
    resumed = ours(exam, learner)
    assert resumed.pk != errored.pk and resumed.status == S.READY_TO_START
    edx_api.update_attempt_status(second_id, EdxStatus.started)
    edx_api.update_attempt_status(second_id, EdxStatus.submitted)

    resumed.refresh_from_db()
    errored.refresh_from_db()
    assert (errored.status, resumed.status) == (S.ERROR, S.VERIFIED)
    assert edx_attempt(second_id)['status'] == EdxStatus.verified
    assert edx_attempt(second_id)['allowed_time_limit_mins'] == 20   # edx-proctoring's clock: the time left
    # The decision on the last part is the sitting's: the errored part follows, and the credit counts.
    assert edx_attempt(first_id)['status'] == EdxStatus.verified
    assert lms_services['credit'].status(learner, COURSE, exam['content_id']) == 'satisfied'


def test_a_reset_in_edx_proctoring_resets_here_and_a_new_attempt_follows(rpnow, make_user, make_edx_exam,
                                                                         lms_services):
    learner, staff = make_user('learner'), make_user('staff')
    exam = make_edx_exam('proctored_exams_rpnow')
    attempt_id = submitted(rpnow, exam, learner)
    first = ours(exam, learner)

    edx_api.remove_exam_attempt(attempt_id, staff)

    first.refresh_from_db()
    assert first.status == S.RESET
    assert edx_api.get_current_exam_attempt(exam['id'], learner.id) is None
    assert len(lms_services['instructor'].deleted) == 1   # removed once, by edx-proctoring

    second_id = opt_in(exam, learner)
    second = ours(exam, learner)
    assert (second.attempt_number, second.status, edx_attempt(second_id)['status']) == (2, S.CREATED, 'created')
    assert second.provider_attempt_id != first.provider_attempt_id


def test_a_reset_made_here_removes_edx_proctorings_attempt(rpnow, make_user, make_edx_exam, lms_services):
    learner, staff = make_user('learner'), global_staff(make_user, 'staff')
    exam = make_edx_exam('proctored_exams_rpnow')
    submitted(rpnow, exam, learner)
    first = ours(exam, learner)

    api.reset_attempt(first, by=staff, reason='the learner was ill')

    first.refresh_from_db()
    assert first.status == S.RESET
    assert edx_api.get_current_exam_attempt(exam['id'], learner.id) is None
    assert lms_services['instructor'].deleted == [(learner.username, COURSE, exam['content_id'])]
    second_id = opt_in(exam, learner)
    assert (ours(exam, learner).attempt_number, edx_attempt(second_id)['status']) == (2, 'created')


def test_retiring_a_learner_through_the_backend_erases_here_and_at_the_vendor(rpnow, make_user, make_edx_exam):
    learner = make_user('learner')
    exam = make_edx_exam('proctored_exams_rpnow')
    opt_in(exam, learner)
    rpnow_backend = backend('proctored_exams_rpnow')

    assert rpnow_backend.retire_user(obscured_user_id(learner.id + 1000, 'proctored_exams_rpnow')) is None
    assert rpnow_backend.retire_user(obscured_user_id(learner.id, 'proctored_exams_rpnow')) is True

    assert api.get_provider('rpnow').anonymous_user_id(learner) in rpnow.retired_users


# ---- onboarding ------------------------------------------------------------------------------------------------

@pytest.fixture
def proctortrack(fake_vendor, live_server):
    """The fake onboarding vendor, configured as the ``proctortrack`` provider."""
    return fake_vendor('proctortrack', callback_base_url=live_server.url)


def test_without_an_approved_onboarding_edx_proctoring_shows_the_onboarding_status(proctortrack, make_user,
                                                                                   make_edx_exam, live_server):
    learner = make_user('learner')
    exam = make_edx_exam('proctored_exams_proctortrack')
    anonymous_id = obscured_user_id(learner.id, 'proctored_exams_proctortrack')
    pt_backend = backend('proctored_exams_proctortrack')

    attempt_id = opt_in(exam, learner)

    assert edx_attempt(attempt_id)['status'] == EdxStatus.onboarding_missing
    assert not ExamAttempt.objects.filter(user=learner).exists()
    assert pt_backend.get_onboarding_profile_info(COURSE, user_id=anonymous_id) == {
        'user_id': anonymous_id, 'status': 'no-profile', 'expiration_date': None}

    # The vendor approves and says so: the course's list shows it, without a call per learner.
    vendor_id = api.get_provider('proctortrack').anonymous_user_id(learner)
    proctortrack.set_onboarding(vendor_id, 'approved', expires_at='2030-01-01T00:00:00+00:00')
    callback_url = f'{live_server.url}/api/proctored-exams/v1/providers/proctortrack/callback'
    assert proctortrack.post_onboarding_update(vendor_id, callback_url=callback_url)[0] == 204
    seen = len(proctortrack.requests_seen)
    assert pt_backend.get_onboarding_profile_info(COURSE)['results'] == [
        {'user_id': anonymous_id, 'status': 'approved-in-course', 'expiration_date': '2030-01-01T00:00:00+00:00'}]
    assert len(proctortrack.requests_seen) == seen
    assert pt_backend.get_onboarding_profile_info(COURSE, status='rejected,expired')['results'] == []
    assert backend('proctored_exams_rpnow').get_onboarding_profile_info(COURSE) is None

    edx_api.remove_exam_attempt(attempt_id, learner)
    attempt_id = opt_in(exam, learner)
    assert edx_attempt(attempt_id)['status'] == EdxStatus.created
    assert ours(exam, learner).status == S.CREATED


def test_an_unreachable_onboarding_vendor_delays_the_attempt_here_without_an_error(proctortrack, make_user,
                                                                                   make_edx_exam):
    learner = make_user('learner')
    exam = make_edx_exam('proctored_exams_proctortrack')
    proctortrack.set_onboarding(api.get_provider('proctortrack').anonymous_user_id(learner), 'approved')
    proctortrack.go_down()

    attempt_id = opt_in(exam, learner)   # the learning MFE's POST answers as usual
    assert edx_attempt(attempt_id)['status'] == EdxStatus.created
    assert not ExamAttempt.objects.filter(user=learner).exists()

    proctortrack.come_back()
    data = edx_api.get_exam_attempt_data(exam['id'], attempt_id, is_learning_mfe=True)   # the MFE reads it again
    assert data['attempt_status'] == EdxStatus.created
    assert ours(exam, learner).status == S.CREATED


@pytest.mark.parametrize('verdict, edx_status', [('approved', EdxStatus.verified), ('rejected', EdxStatus.rejected)])
def test_the_vendors_onboarding_verdict_decides_edx_proctorings_onboarding_exam(proctortrack, make_user, make_edx_exam,
                                                                                verdict, edx_status):
    learner = make_user('learner')
    onboarding_exam = make_edx_exam('proctored_exams_proctortrack', is_practice_exam=True)
    attempt_id = submitted(proctortrack, onboarding_exam, learner)   # practice: no onboarding needed to take it
    assert edx_attempt(attempt_id)['status'] == EdxStatus.submitted   # waiting for the vendor's verdict

    vendor_id = api.get_provider('proctortrack').anonymous_user_id(learner)
    proctortrack.set_onboarding(vendor_id, verdict)
    assert proctortrack.post_onboarding_update(vendor_id)[0] == 204

    assert edx_attempt(attempt_id)['status'] == edx_status
    assert ours(onboarding_exam, learner).status == S.SUBMITTED   # practice is not reviewed here
    exam = make_edx_exam('proctored_exams_proctortrack')
    admitted = edx_attempt(opt_in(exam, learner))['status']
    assert admitted == (EdxStatus.created if verdict == 'approved' else EdxStatus.onboarding_failed)
