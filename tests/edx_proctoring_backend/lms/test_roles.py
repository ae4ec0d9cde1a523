"""Roles in a course, standalone (settings) and inside the LMS (the platform's ``has_access``)."""
import pytest

from edx_proctoring_backend.lms import roles

COURSE = 'course-v1:Test+Exam+2026'
OTHER = 'course-v1:Other+Course+2026'


@pytest.fixture
def people(make_user):
    """One user of each kind."""
    made = {name: make_user(name) for name in ('learner', 'course_staff', 'course_instructor', 'support',
                                               'admin', 'inactive')}
    made['admin'].is_staff = True
    made['admin'].save()
    made['inactive'].is_staff = True
    made['inactive'].is_active = False
    made['inactive'].save()
    return made


def test_standalone_roles_come_from_settings(people, settings):
    settings.PROCTORING_STANDALONE_COURSE_ROLES = {
        'course_staff': {COURSE: 'staff'}, 'course_instructor': {COURSE: 'instructor'}, 'support': {'*': 'support'},
    }
    assert roles.course_role(people['learner'], COURSE) == roles.LEARNER
    assert roles.course_role(people['course_staff'], COURSE) == roles.COURSE_STAFF
    assert roles.course_role(people['course_staff'], OTHER) == roles.LEARNER
    assert roles.course_role(people['course_instructor'], COURSE) == roles.COURSE_INSTRUCTOR
    assert roles.course_role(people['support'], OTHER) == roles.SUPPORT
    assert roles.course_role(people['support'], None) == roles.SUPPORT
    assert roles.course_role(people['course_staff'], None) == roles.LEARNER
    assert roles.course_role(people['admin'], OTHER) == roles.GLOBAL_STAFF
    assert roles.course_role(people['inactive'], COURSE) == roles.LEARNER
    assert roles.course_role(None, COURSE) == roles.LEARNER


def test_an_unknown_role_in_settings_grants_nothing(people, settings):
    settings.PROCTORING_STANDALONE_COURSE_ROLES = {'course_staff': {COURSE: 'superhero'}}
    assert roles.capabilities(people['course_staff'], COURSE) == frozenset()


def test_inside_the_lms_the_platform_decides(people, edx_platform, settings):
    settings.PROCTORING_STANDALONE_COURSE_ROLES = {'learner': {'*': 'instructor'}}  # ignored in the LMS
    edx_platform.grant(people['course_staff'], COURSE, 'staff')
    edx_platform.grant(people['course_instructor'], COURSE, 'instructor')
    edx_platform.make_support(people['support'])

    assert roles.course_role(people['learner'], COURSE) == roles.LEARNER
    assert roles.course_role(people['course_staff'], COURSE) == roles.COURSE_STAFF
    assert roles.course_role(people['course_staff'], OTHER) == roles.LEARNER
    assert roles.course_role(people['course_instructor'], COURSE) == roles.COURSE_INSTRUCTOR
    assert roles.course_role(people['support'], OTHER) == roles.SUPPORT
    assert roles.course_role(people['admin'], COURSE) == roles.GLOBAL_STAFF
    actions = {(call['action'], str(call['obj'])) for call in edx_platform.calls_to('has_access')}
    assert ('staff', 'global') in actions and ('instructor', COURSE) in actions


def test_organisation_roles_reach_every_course_of_the_organisation(people, edx_platform):
    edx_platform.grant_org(people['course_staff'], 'Test', 'staff')
    edx_platform.grant_org(people['course_instructor'], 'Test', 'instructor')
    assert roles.course_role(people['course_staff'], COURSE) == roles.COURSE_STAFF
    assert roles.course_role(people['course_instructor'], COURSE) == roles.COURSE_INSTRUCTOR
    assert roles.course_role(people['course_staff'], OTHER) == roles.LEARNER   # another organisation's course
    assert roles.may_author(people['course_staff'], COURSE) and not roles.may_author(people['course_staff'], OTHER)


def test_course_staff_viewing_the_course_as_a_learner_are_a_learner_there(people, edx_platform):
    edx_platform.grant(people['course_staff'], COURSE, 'staff')
    edx_platform.masquerade(people['course_staff'], COURSE)
    assert roles.course_role(people['course_staff'], COURSE) == roles.LEARNER
    assert not roles.may_author(people['course_staff'], COURSE)
    # Site-wide staff rights ("global") know nothing of masquerading, as in the platform.
    edx_platform.masquerade(people['admin'], COURSE)
    assert roles.course_role(people['admin'], COURSE) == roles.GLOBAL_STAFF


@pytest.mark.parametrize('role, capability, allowed', [
    (roles.LEARNER, roles.VIEW_ATTEMPTS, False),
    (roles.COURSE_STAFF, roles.MANAGE_ALLOWANCES, True),
    (roles.COURSE_STAFF, roles.REVIEW, False),
    (roles.COURSE_INSTRUCTOR, roles.REVIEW, True),
    (roles.SUPPORT, roles.REVIEW, True),
    (roles.SUPPORT, roles.MANAGE_ALLOWANCES, False),
    (roles.SUPPORT, roles.MANAGE_ATTEMPTS, True),
    (roles.GLOBAL_STAFF, roles.EXPORT, True),
])
def test_what_each_role_may_do(role, capability, allowed):
    assert (capability in roles.CAPABILITIES[role]) is allowed


def test_every_role_has_its_capabilities():
    assert set(roles.CAPABILITIES) == set(roles.ROLES)
