"""
Need-to-know access: every media address, asked by every role, for an attempt in every state (running
and already flagged, submitted, flagged, verified, rejected). Refusals are "not found" and record no
viewing; every file served records one.
"""
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from edx_proctoring_backend import api
from edx_proctoring_backend.privacy.models import MediaView
from edx_proctoring_backend.recordings.models import AttemptPhoto, Recording, VideoFinding
from tests.edx_proctoring_backend.recordings.helpers import COURSE, chunk, record_and_submit, start

pytestmark = pytest.mark.mariadb
ROLES = ('learner', 'other_learner', 'course_staff', 'instructor', 'instructor_assigned', 'support',
         'support_assigned', 'global_staff', 'global_staff_assigned', 'other_course_staff', 'anonymous')
# Who takes the review of each attempt (once it is submitted).
ASSIGNED = ('instructor_assigned', 'support_assigned', 'global_staff_assigned')
STATES = ('running', 'submitted', 'flagged', 'verified', 'rejected')
FLAGGED_STATES = {'flagged', 'rejected'}


@pytest.fixture
def people(make_user, settings):
    """One user per role; the assigned ones take the review of each attempt they are given."""
    made = {role: make_user(role) for role in ROLES if role != 'anonymous'}
    for role in ('global_staff', 'global_staff_assigned'):
        made[role].is_staff = True
        made[role].save()
    settings.PROCTORING_STANDALONE_COURSE_ROLES = {
        'course_staff': {COURSE: 'staff'}, 'instructor': {COURSE: 'instructor'},
        'instructor_assigned': {COURSE: 'instructor'}, 'support': {'*': 'support'},
        'support_assigned': {'*': 'support'}, 'other_course_staff': {'course-v1:Other+Course+2026': 'staff'},
    }
    return made


def take(people, exam, analyser, settings, capture):
    """The learner's recorded, submitted attempt, analysed by ``analyser``; the assigned reviewers take it."""
    settings.PROCTORING_VIDEO_ANALYSER = f'tests.edx_proctoring_backend.recordings.fake_analysers.{analyser}'
    attempt = record_and_submit(people['learner'], exam, capture)
    for role in ASSIGNED:
        api.take_review(attempt, people[role])
    return attempt


def attempt_in(state, people, exam, settings, capture):
    """The learner's attempt in ``state``, with photos and a webcam recording."""
    if state == 'running':
        # Started, recorded, and already flagged: the camera stopped once.
        attempt = start(people['learner'], exam)
        for index in range(2):
            api.store_chunk(people['learner'], attempt.pk, 'webcam', index, chunk(index), 'video/webm')
        api.flag_session(people['learner'], attempt.pk, 'camera_stopped')
        return attempt
    attempt = take(people, exam, 'two_events' if state == 'flagged' else 'nothing_found', settings, capture)
    if state in ('verified', 'rejected'):
        outcome = api.Outcome.SATISFACTORY if state == 'verified' else api.Outcome.UNSATISFACTORY
        api.record_review(attempt, outcome, by=people['instructor_assigned'], comment='Seen.')
        attempt.refresh_from_db()
    return attempt


def addresses(attempt):
    """
    (what, address, file) of every stored file of the attempt, as reviewers and the learner ask for
    them; ``file`` names the stored file (a photo has two addresses).
    """
    recording = Recording.objects.get(attempt=attempt).pk
    urls = [('recording', f'/api/proctored-exams/review/media/recording/{recording}', ('recording', recording))]
    for photo in AttemptPhoto.objects.filter(attempt=attempt):
        urls.append(('photo', f'/api/proctored-exams/review/media/photo/{photo.pk}', ('photo', photo.pk)))
        urls.append(('own_photo', f'/api/proctored-exams/v1/attempts/{attempt.pk}/photos/{photo.kind}',
                     ('photo', photo.pk)))
    for finding in VideoFinding.objects.filter(recording__attempt=attempt).exclude(thumbnail_name=''):
        urls.append(('thumbnail', f'/api/proctored-exams/review/media/thumbnail/{finding.pk}',
                     ('thumbnail', finding.pk)))
    return urls


def answers(people, attempt):
    """{(role, what, address, file): HTTP status} for every role and address."""
    seen = {}
    for role in ROLES:
        client = Client()
        if role != 'anonymous':
            client.force_login(people[role])
        for what, url, stored in addresses(attempt):
            seen[(role, what, url, stored)] = client.get(url).status_code
    return seen


# The course's own team: they see a flagged attempt without taking its review. Support and global
# staff are reviewers, not the course's team: they take the review first.
COURSE_TEAM = {'course_staff', 'instructor', 'instructor_assigned'}


def expected(role, what, state):
    """
    Who may see what: the learner their photos; once the attempt is submitted, the reviewers who took
    its review everything, the course team everything once it is flagged.
    """
    if role == 'learner':
        return what in ('photo', 'own_photo')   # their own photos, by either address; never the videos
    if what == 'own_photo' or state == 'running':
        return False
    if role in ASSIGNED:
        return True
    return state in FLAGGED_STATES and role in COURSE_TEAM


@pytest.mark.parametrize('state', STATES)
def test_every_media_address_by_every_role_in_every_state(people, exam, settings, django_capture_on_commit_callbacks,
                                                          state):
    attempt = attempt_in(state, people, exam, settings, django_capture_on_commit_callbacks)
    assert api.may_see_evidence(attempt, people['course_staff']) is (state in FLAGGED_STATES)
    assert not api.may_see_evidence(attempt, people['global_staff'])
    assert not api.may_see_evidence(attempt, people['support'])

    seen = answers(people, attempt)

    assert {what for _, what, _, _ in seen} >= {'recording', 'photo', 'own_photo'}
    for (role, what, _, _), status in seen.items():
        allowed = expected(role, what, state)
        if role == 'anonymous':
            assert status in (302, 401, 403, 404), (role, what, status)
        else:
            assert status == (200 if allowed else 404), (role, what, status, state)
    # One viewing per person and file, whichever address served it.
    viewings = {(role, stored) for (role, _, _, stored), status in seen.items() if status == 200}
    assert set(MediaView.objects.values_list('viewer__username', 'kind', 'object_id')) == {
        (role, kind, pk) for role, (kind, pk) in viewings}
    assert MediaView.objects.count() == len(viewings)


def test_nobody_takes_the_review_of_a_running_attempt(people, exam):
    attempt = start(people['learner'], exam)
    api.flag_session(people['learner'], attempt.pk, 'camera_stopped')
    for role in ASSIGNED:
        with pytest.raises(api.NotAllowed) as refused:
            api.take_review(attempt, people[role])
        assert refused.value.code == 'review_not_open'
        assert not api.may_see_evidence(attempt, people[role])

    # The reviewer's page says why, and changes nothing.
    client = Client()
    client.force_login(people['instructor_assigned'])
    page = f'/api/proctored-exams/review/attempts/{attempt.pk}'
    answer = client.post(page, {'action': 'take'})
    assert answer.status_code == 409
    assert 'its review opens when it is submitted' in answer.content.decode()
    assert not api.may_see_evidence(attempt, people['instructor_assigned'])


def test_only_the_courses_reviewers_may_take_a_review(people, exam, settings, django_capture_on_commit_callbacks):
    attempt = take(people, exam, 'nothing_found', settings, django_capture_on_commit_callbacks)
    for role in ('learner', 'course_staff', 'other_course_staff'):
        with pytest.raises(api.NotAllowed):
            api.take_review(attempt, people[role])
    assert not api.may_see_evidence(attempt, people['global_staff'])
    api.take_review(attempt, people['global_staff'])
    assert api.may_see_evidence(attempt, people['global_staff'])


def test_the_reviewer_page_shows_evidence_after_taking_the_review(people, exam, settings,
                                                                  django_capture_on_commit_callbacks):
    attempt = take(people, exam, 'nothing_found', settings, django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(people['instructor'])
    page = f'/api/proctored-exams/review/attempts/{attempt.pk}'
    before = client.get(page).content.decode()
    assert 'Take this review' in before and '/review/media/' not in before and 'name="outcome"' not in before
    refused = client.post(page, {'outcome': 'satisfactory'})
    assert refused.status_code == 409
    assert client.post(page, {'action': 'take'}).status_code == 302
    after = client.get(page).content.decode()
    assert '/review/media/recording/' in after and 'name="outcome"' in after
    user = get_user_model().objects.get(username='instructor')
    assert api.may_see_evidence(attempt, user)
