"""
``lms.platform``, the one module that calls edx-platform, against the stand-in platform
(``tests/fakes/edx_platform.py``) whose signatures are those of ``platform_contract.py``.
"""
import logging

import pytest
from django.test import override_settings
from opaque_keys.edx.keys import CourseKey

from edx_proctoring_backend import api
from edx_proctoring_backend.lms import effects, enrollment, platform
from tests import journeys
from tests.fakes.edx_platform import FakePlatform

from .platform_contract import BY_NAME

COURSE = 'course-v1:Org+Exam+2026'
FINAL = 'block-v1:Org+Exam+2026+type@proctored_exam+block@final'
MIDTERM = 'block-v1:Org+Exam+2026+type@proctored_exam+block@midterm'
WEEK1 = 'block-v1:Org+Exam+2026+type@sequential+block@week1'
GRADE_REQUIREMENT = {'namespace': 'grade', 'name': 'grade', 'display_name': 'Minimum Grade',
                     'criteria': {'min_grade': 0.8}}


def ours(name=FINAL, display_name='Final exam'):
    """This package's requirement for an exam, as the platform lists it."""
    return {'namespace': 'proctored_exam', 'name': name, 'display_name': display_name, 'criteria': {}}


# ---- outside the platform ---------------------------------------------------------------------------

STANDALONE_CALLS = {
    'enrollment_mode': lambda user: platform.enrollment_mode(user, COURSE),
    'enrolled_users': lambda user: platform.enrolled_users(COURSE),
    'is_credit_course': lambda user: platform.is_credit_course(COURSE),
    'ensure_credit_requirement': lambda user: platform.ensure_credit_requirement(COURSE, FINAL, 'Final'),
    'set_credit_requirement_status': lambda user: platform.set_credit_requirement_status(
        user, COURSE, FINAL, 'satisfied'),
    'remove_credit_requirement_status': lambda user: platform.remove_credit_requirement_status(user, COURSE, FINAL),
    'zero_subsection_grade': lambda user: platform.zero_subsection_grade(user, COURSE, WEEK1),
    'undo_subsection_grade_override': lambda user: platform.undo_subsection_grade_override(user, COURSE, WEEK1),
    'user_language': platform.user_language,
}


@pytest.mark.parametrize('name', sorted(STANDALONE_CALLS))
def test_outside_the_platform_every_call_raises_platform_unavailable(learner, name):
    with pytest.raises(platform.PlatformUnavailable):
        STANDALONE_CALLS[name](learner)


def test_the_modules_are_looked_up_again_only_when_forgotten(learner):
    """The absence of edx-platform is remembered (imports are not cheap) until ``forget_modules``."""
    fake = FakePlatform()
    platform.forget_modules()
    with pytest.raises(platform.PlatformUnavailable):
        platform.is_credit_course(COURSE)
    fake.install()
    try:
        with pytest.raises(platform.PlatformUnavailable):
            platform.is_credit_course(COURSE)  # still remembered as absent
        platform.forget_modules()
        fake.make_credit_course(COURSE)
        assert platform.is_credit_course(COURSE)
        fake.enroll(learner, COURSE, 'verified')
        assert enrollment.enrollment_mode(learner, COURSE) == 'verified'
    finally:
        fake.uninstall()
        platform.forget_modules()
    with pytest.raises(platform.PlatformUnavailable):
        platform.is_credit_course(COURSE)


def test_the_stand_in_leaves_nothing_behind(edx_platform):
    import sys  # pylint: disable=import-outside-toplevel
    names = edx_platform.module_names()
    assert {'common', 'common.djangoapps', 'common.djangoapps.student', 'common.djangoapps.student.models',
            'openedx', 'openedx.core', 'openedx.core.djangoapps', 'openedx.core.djangoapps.credit',
            'openedx.core.djangoapps.credit.api', 'openedx.core.djangoapps.credit.services',
            'lms', 'lms.djangoapps', 'lms.djangoapps.grades', 'lms.djangoapps.grades.services'} <= set(names)
    # pylint: disable=import-outside-toplevel,import-error
    from openedx.core.djangoapps.credit.services import CreditService
    assert CreditService.__name__ == 'CreditService'
    edx_platform.uninstall()
    assert not set(names) & set(sys.modules)
    edx_platform.install()  # the fixture removes it again


# ---- enrollment -------------------------------------------------------------------------------------

@pytest.mark.parametrize('mode, is_active, expected', [
    ('verified', True, 'verified'),
    ('professional', True, 'professional'),
    ('audit', True, 'audit'),
    ('honor', True, 'honor'),
    ('verified', False, None),   # an enrollment that was deactivated
])
def test_the_enrollment_mode_comes_from_the_platform(edx_platform, learner, mode, is_active, expected):
    edx_platform.enroll(learner, COURSE, mode, is_active=is_active)
    assert enrollment.enrollment_mode(learner, COURSE) == expected
    assert enrollment.is_verified_track(learner, COURSE) == (expected in ('verified', 'professional'))
    for call in edx_platform.calls_to('enrollment_mode_for_user'):
        assert call['user'] == learner
        assert call['course_id'] == CourseKey.from_string(COURSE) and isinstance(call['course_id'], CourseKey)


@override_settings(PROCTORING_STANDALONE_DEFAULT_MODE='verified',
                   PROCTORING_STANDALONE_ENROLLMENT_MODES={'learner': 'verified'})
@pytest.mark.usefixtures('edx_platform')
def test_inside_the_platform_the_standalone_settings_do_not_apply(learner):
    assert enrollment.enrollment_mode(learner, COURSE) is None   # not enrolled
    assert not enrollment.is_verified_track(learner, COURSE)


def test_only_verified_learners_of_the_platform_are_offered_proctoring(edx_platform, make_user, make_exam):
    verified, auditor, left = make_user('verified'), make_user('auditor'), make_user('left')
    edx_platform.enroll(verified, COURSE, 'verified')
    edx_platform.enroll(auditor, COURSE, 'audit')
    edx_platform.enroll(left, COURSE, 'verified', is_active=False)
    exam = make_exam(course_key=COURSE, usage_key=FINAL)

    assert api.learner_state(verified, exam).proctoring_offered
    assert journeys.opt_in(verified, exam).status == api.AttemptStatus.CREATED
    for user in (auditor, left):
        assert not api.learner_state(user, exam).proctoring_offered
        with pytest.raises(api.NotAllowed) as raised:
            journeys.opt_in(user, exam)
        assert raised.value.code == 'not_verified'


# ---- credit requirements ----------------------------------------------------------------------------

def test_is_credit_course(edx_platform):
    edx_platform.make_credit_course(COURSE)
    assert platform.is_credit_course(COURSE)
    assert not platform.is_credit_course('course-v1:Org+Other+2026')
    assert all(isinstance(call['course_key'], CourseKey) for call in edx_platform.calls_to('is_credit_course'))


def test_the_requirement_is_added_once_and_the_others_stay(edx_platform):
    edx_platform.make_credit_course(COURSE, [GRADE_REQUIREMENT])

    assert platform.ensure_credit_requirement(COURSE, FINAL, 'Final exam')
    assert not platform.ensure_credit_requirement(COURSE, FINAL, 'Final exam')
    assert platform.ensure_credit_requirement(COURSE, MIDTERM, '')

    assert edx_platform.requirements(COURSE) == [
        GRADE_REQUIREMENT, ours(), ours(MIDTERM, display_name=MIDTERM)]   # no display name: the block id
    assert len(edx_platform.calls_to('set_credit_requirements')) == 3      # the publish, then one per exam
    assert all(isinstance(call['course_key'], CourseKey) for call in edx_platform.calls_to('set_credit_requirements'))


def test_a_requirement_the_platform_disabled_is_added_again(edx_platform, learner):
    edx_platform.make_credit_course(COURSE, [GRADE_REQUIREMENT])
    edx_platform.enroll(learner, COURSE, 'verified')
    platform.ensure_credit_requirement(COURSE, FINAL, 'Final exam')
    platform.set_credit_requirement_status(learner, COURSE, FINAL, 'submitted')

    edx_platform.publish(COURSE, [GRADE_REQUIREMENT])   # the platform's publish does not know our exams
    assert edx_platform.requirements(COURSE) == [GRADE_REQUIREMENT]
    assert not edx_platform.requirement_row(COURSE, FINAL)['active']

    assert platform.ensure_credit_requirement(COURSE, FINAL, 'Final exam')
    assert edx_platform.requirements(COURSE) == [GRADE_REQUIREMENT, ours()]
    assert edx_platform.status(learner, COURSE, FINAL) == 'submitted'   # the platform kept the status row


def test_a_requirement_outside_a_credit_course_is_refused_by_the_platform(edx_platform):
    """The callers ask ``is_credit_course`` first: the platform refuses requirements elsewhere."""
    with pytest.raises(edx_platform.modules['openedx.core.djangoapps.credit.exceptions']['InvalidCreditCourse']):
        platform.ensure_credit_requirement(COURSE, FINAL, 'Final exam')


@pytest.mark.parametrize('exam_type, credit_course, expected', [
    ('proctored', True, True),
    ('proctored', False, False),
    ('practice', True, False),
    ('timed', True, False),
])
def test_syncing_an_exam_registers_its_requirement(edx_platform, make_exam, exam_type, credit_course, expected):
    if credit_course:
        edx_platform.make_credit_course(COURSE, [GRADE_REQUIREMENT])
    exam = make_exam(exam_type=exam_type, course_key=COURSE, usage_key=FINAL, display_name='Final exam')
    assert (ours() in edx_platform.requirements(COURSE)) == expected
    assert not effects.register_credit_requirement(exam)   # already there, or never one
    make_exam(exam_type=exam_type, course_key=COURSE, usage_key=FINAL, display_name='Final exam')  # unchanged
    assert len([call for call in edx_platform.calls_to('set_credit_requirements')
                if ours() in call['requirements']]) == (1 if expected else 0)


def test_standalone_an_exam_registers_no_requirement(make_exam):
    exam = make_exam(course_key=COURSE, usage_key=FINAL)
    assert not effects.register_credit_requirement(exam)


# ---- statuses and grades: the calls bind to edx-platform's signatures ----------------------------------

def test_requirement_statuses_go_through_the_credit_service(edx_platform, learner):
    edx_platform.make_credit_course(COURSE, [GRADE_REQUIREMENT])
    edx_platform.enroll(learner, COURSE, 'verified')
    platform.ensure_credit_requirement(COURSE, FINAL, 'Final exam')

    platform.set_credit_requirement_status(learner, COURSE, FINAL, 'submitted')
    assert edx_platform.status(learner, COURSE, FINAL) == 'submitted'
    platform.remove_credit_requirement_status(learner, COURSE, FINAL)
    assert edx_platform.status(learner, COURSE, FINAL) is None

    assert edx_platform.calls_to('set_credit_requirement_status') == [{
        'user_id': learner.pk, 'course_key_or_id': COURSE, 'req_namespace': 'proctored_exam', 'req_name': FINAL,
        'status': 'submitted', 'reason': None}]
    assert edx_platform.calls_to('remove_credit_requirement_status') == [{
        'user_id': learner.pk, 'course_key_or_id': COURSE, 'req_namespace': 'proctored_exam', 'req_name': FINAL}]


def test_subsection_grades_go_through_the_grades_service(edx_platform, learner, make_user):
    staff = make_user('staff')
    platform.zero_subsection_grade(learner, COURSE, WEEK1, overrider=staff, comment='Proctoring review unsatisfactory')
    assert edx_platform.override(learner, COURSE, WEEK1) == {
        'earned_all': 0.0, 'earned_graded': 0.0, 'feature': 'PROCTORING', 'overrider': staff,
        'comment': 'Proctoring review unsatisfactory'}

    platform.undo_subsection_grade_override(learner, COURSE, WEEK1)
    assert edx_platform.override(learner, COURSE, WEEK1) is None
    platform.undo_subsection_grade_override(learner, COURSE, WEEK1)   # nothing to undo: no error

    (undo, _) = edx_platform.calls_to('undo_override_subsection_grade')
    assert undo == {'user_id': learner.pk, 'course_key_or_id': COURSE, 'usage_key_or_id': WEEK1,
                    'feature': 'PROCTORING'}


def test_the_adapter_uses_exactly_the_callables_of_the_contract(edx_platform, learner):
    edx_platform.make_credit_course(COURSE)
    edx_platform.enroll(learner, COURSE)
    platform.enrollment_mode(learner, COURSE)
    platform.is_credit_course(COURSE)
    platform.is_eligible_for_credit(learner, COURSE)
    platform.ensure_credit_requirement(COURSE, FINAL, 'Final exam')
    platform.set_credit_requirement_status(learner, COURSE, FINAL, 'satisfied')
    platform.remove_credit_requirement_status(learner, COURSE, FINAL)
    platform.zero_subsection_grade(learner, COURSE, WEEK1)
    platform.undo_subsection_grade_override(learner, COURSE, WEEK1)
    platform.should_override_grade_on_rejected_exam(COURSE)
    platform.has_access(learner, 'staff', COURSE)
    platform.site_configuration_value('PROCTORING_CONSENT_TERMS', {})
    platform.published_blocks(COURSE, 'proctored_exam')
    platform.user_language(learner)
    assert list(platform.enrolled_users(COURSE)) == [learner]

    assert {dotted for dotted, _ in edx_platform.calls} == set(BY_NAME)


# ---- the stand-in keeps edx-platform's rules -----------------------------------------------------------

def test_the_platform_validates_requirements(edx_platform):
    invalid = edx_platform.modules['openedx.core.djangoapps.credit.exceptions']['InvalidCreditRequirements']
    edx_platform.make_credit_course(COURSE)
    for requirement in ({**ours(), 'display_name': ''}, {'namespace': 'proctored_exam', 'name': FINAL,
                                                         'display_name': 'Final exam'}):
        with pytest.raises(invalid):
            edx_platform.publish(COURSE, [requirement])


def test_the_platform_ignores_statuses_it_cannot_record(edx_platform, make_user, caplog):
    learner, auditor = make_user('learner'), make_user('auditor')
    edx_platform.make_credit_course(COURSE, [GRADE_REQUIREMENT])
    edx_platform.enroll(learner, COURSE, 'verified')
    edx_platform.enroll(auditor, COURSE, 'audit')

    with caplog.at_level(logging.ERROR):
        platform.set_credit_requirement_status(learner, COURSE, FINAL, 'submitted')  # no such requirement
    assert 'because the requirement does not exist' in caplog.text
    assert edx_platform.stored_status(learner, COURSE, FINAL) is None

    platform.ensure_credit_requirement(COURSE, FINAL, 'Final exam')
    platform.set_credit_requirement_status(auditor, COURSE, FINAL, 'satisfied')   # not a credit-eligible track
    assert edx_platform.status(auditor, COURSE, FINAL) is None


def test_the_platform_keeps_an_eligible_learner_eligible(edx_platform, learner):
    """Once every requirement is satisfied the learner is eligible: the platform refuses "failed" then."""
    edx_platform.make_credit_course(COURSE, [GRADE_REQUIREMENT])
    edx_platform.enroll(learner, COURSE, 'verified')
    platform.ensure_credit_requirement(COURSE, FINAL, 'Final exam')
    service = edx_platform.modules['openedx.core.djangoapps.credit.services']['CreditService']()
    platform.set_credit_requirement_status(learner, COURSE, FINAL, 'satisfied')
    assert not edx_platform.is_eligible(learner, COURSE)
    service.set_credit_requirement_status(learner.pk, COURSE, 'grade', 'grade')
    assert edx_platform.is_eligible(learner, COURSE)

    platform.set_credit_requirement_status(learner, COURSE, FINAL, 'failed')
    assert edx_platform.status(learner, COURSE, FINAL) == 'satisfied'
    platform.remove_credit_requirement_status(learner, COURSE, FINAL)
    assert edx_platform.is_eligible(learner, COURSE)


def test_undoing_leaves_the_overrides_of_other_features(edx_platform, learner):
    service = edx_platform.modules['lms.djangoapps.grades.services']['GradesService']()
    service.override_subsection_grade(learner.pk, COURSE, WEEK1, earned_all=3.0, earned_graded=3.0, feature='gradebook')
    platform.undo_subsection_grade_override(learner, COURSE, WEEK1)
    assert edx_platform.override(learner, COURSE, WEEK1)['feature'] == 'gradebook'


def test_the_platform_never_turns_satisfied_into_failed(edx_platform, learner):
    """credit/models.py CreditRequirementStatus.add_or_update_requirement_status; a removed status may be set again."""
    edx_platform.make_credit_course(COURSE, [GRADE_REQUIREMENT])
    edx_platform.enroll(learner, COURSE, 'verified')
    platform.ensure_credit_requirement(COURSE, FINAL, 'Final exam')
    platform.set_credit_requirement_status(learner, COURSE, FINAL, 'satisfied')
    platform.set_credit_requirement_status(learner, COURSE, FINAL, 'failed')
    assert edx_platform.status(learner, COURSE, FINAL) == 'satisfied'
    platform.remove_credit_requirement_status(learner, COURSE, FINAL)
    platform.set_credit_requirement_status(learner, COURSE, FINAL, 'failed')
    assert edx_platform.status(learner, COURSE, FINAL) == 'failed'


def test_the_platform_changes_no_status_after_a_credit_request(edx_platform, learner):
    """credit/api/eligibility.py set_credit_requirement_status: a learner who requested credit is final."""
    edx_platform.make_credit_course(COURSE, [GRADE_REQUIREMENT])
    edx_platform.enroll(learner, COURSE, 'verified')
    platform.ensure_credit_requirement(COURSE, FINAL, 'Final exam')
    platform.set_credit_requirement_status(learner, COURSE, FINAL, 'submitted')
    edx_platform.request_credit(learner, COURSE)
    platform.set_credit_requirement_status(learner, COURSE, FINAL, 'satisfied')
    assert edx_platform.status(learner, COURSE, FINAL) == 'submitted'
