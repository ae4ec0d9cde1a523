"""A small world for the instructor dashboard: two courses, their exams and attempts, one user per role."""
from dataclasses import dataclass

import pytest

from edx_proctoring_backend import api
from edx_proctoring_backend.exams.models import Allowance

COURSE = 'course-v1:Test+Exam+2026'
OTHER_COURSE = 'course-v1:Other+Course+2026'


@dataclass
class World:
    """What the tests act on."""

    users: dict
    timed: object          # a timed exam of COURSE
    proctored: object      # a proctored exam of COURSE
    other_exam: object     # an exam of OTHER_COURSE
    attempt: object        # the learner's started attempt at ``timed``
    stranger_attempt: object  # another learner's attempt at ``timed``
    other_attempt: object  # an attempt in OTHER_COURSE
    allowance: object      # an allowance in COURSE
    other_allowance: object  # an allowance in OTHER_COURSE


@pytest.fixture
def world(make_exam, make_user, settings):
    """Two courses; ``users`` by role: learner, stranger, staff, instructor, support, admin, other_staff."""
    users = {name: make_user(name) for name in ('learner', 'stranger', 'staff', 'instructor', 'support',
                                                'admin', 'other_staff')}
    for name, user in users.items():
        user.email = f'{name}@example.org'
        user.is_staff = name == 'admin'
        user.save()
    settings.PROCTORING_STANDALONE_COURSE_ROLES = {
        'staff': {COURSE: 'staff'}, 'instructor': {COURSE: 'instructor'}, 'support': {'*': 'support'},
        'other_staff': {OTHER_COURSE: 'staff'},
    }
    timed = make_exam(exam_type='timed', display_name='Quiz', time_limit_minutes=30)
    proctored = make_exam(display_name='Final', provider='null')
    other_exam = make_exam(exam_type='timed', course_key=OTHER_COURSE, display_name='Elsewhere')
    return World(
        users=users, timed=timed, proctored=proctored, other_exam=other_exam,
        attempt=api.start(users['learner'], timed), stranger_attempt=api.start(users['stranger'], timed),
        other_attempt=api.start(users['learner'], other_exam),
        allowance=api.set_allowance(proctored, users['stranger'], Allowance.ADDITIONAL_MINUTES, '10',
                                    created_by=users['staff']).allowance,
        other_allowance=api.set_allowance(other_exam, users['stranger'], Allowance.ADDITIONAL_MINUTES, '10',
                                          created_by=users['other_staff']).allowance,
    )
