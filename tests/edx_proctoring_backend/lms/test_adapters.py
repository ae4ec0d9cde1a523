"""The platform adapters fall back to standalone behaviour outside Open edX."""
import logging

from crum import impersonate
from django.test import override_settings
from xblock.reference.user_service import XBlockUser

from edx_proctoring_backend.lms import enrollment, events, users


@override_settings(PROCTORING_STANDALONE_ENROLLMENT_MODES={'auditor': 'audit'},
                   PROCTORING_STANDALONE_DEFAULT_MODE='verified')
def test_standalone_enrollment_modes(make_user):
    assert enrollment.enrollment_mode(make_user('auditor'), 'course-v1:A+B+C') == 'audit'
    assert enrollment.is_verified_track(make_user('someone'), 'course-v1:A+B+C')
    assert not enrollment.is_verified_track(make_user('auditor'), 'course-v1:A+B+C')


def xblock_user(**attrs):
    """An XBlock runtime user with the given optional attributes."""
    user = XBlockUser()
    user.opt_attrs.update(attrs)
    return user


def test_workbench_and_platform_users(make_user):
    workbench_user = xblock_user(**{users.WORKBENCH_USER_ID: 'alice'})
    alice = users.django_user_for(workbench_user)
    assert alice.username == 'alice'
    assert users.django_user_for(workbench_user) == alice
    platform_user = xblock_user(**{users.PLATFORM_USER_ID: make_user('bob').pk, users.PLATFORM_USER_IS_STAFF: True})
    assert users.django_user_for(platform_user).username == 'bob'
    assert users.is_course_staff(platform_user)
    assert users.django_user_for(xblock_user()) is None
    assert users.django_user_for(None) is None


def test_the_requests_own_user_is_taken_without_a_query(make_user, django_assert_num_queries):
    bob, carol = make_user('bob'), make_user('carol')
    platform_user = xblock_user(**{users.PLATFORM_USER_ID: bob.pk})
    with impersonate(bob), django_assert_num_queries(0):
        assert users.django_user_for(platform_user) is bob
    with impersonate(carol), django_assert_num_queries(1):  # never another person's request user
        assert users.django_user_for(platform_user) == bob


def test_attempt_events_are_emitted(learner, make_exam, caplog):
    from edx_proctoring_backend import api  # pylint: disable=import-outside-toplevel
    exam = make_exam(exam_type='timed')
    with caplog.at_level(logging.INFO, logger=events.__name__):
        attempt = api.start(learner, exam)
    assert 'proctored_exams.timed.attempt.started' in caplog.text
    assert 'edx.special_exam' not in caplog.text   # edx-proctoring's names, read by its analytics
    assert f"'attempt_id': {attempt.pk}" in caplog.text
