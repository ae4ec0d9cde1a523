"""
Need-to-know access: every media address, asked by every role, for an attempt nothing flagged and
for a flagged one. Refusals are "not found" and record no view; every file served records one.
"""
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from edx_proctoring_backend import api
from edx_proctoring_backend.privacy.models import MediaView
from edx_proctoring_backend.recordings.models import AttemptPhoto, Recording, VideoFinding
from tests.edx_proctoring_backend.recordings.helpers import COURSE, record_and_submit

pytestmark = pytest.mark.mariadb
ROLES = ('learner', 'other_learner', 'course_staff', 'instructor', 'instructor_assigned', 'support_assigned',
         'global_staff', 'other_course_staff', 'anonymous')


@pytest.fixture
def people(make_user, settings):
    """One user per role; the assigned ones take the review of each attempt they are given."""
    made = {role: make_user(role) for role in ROLES if role != 'anonymous'}
    made['global_staff'].is_staff = True
    made['global_staff'].save()
    settings.PROCTORING_STANDALONE_COURSE_ROLES = {
        'course_staff': {COURSE: 'staff'}, 'instructor': {COURSE: 'instructor'},
        'instructor_assigned': {COURSE: 'instructor'}, 'support_assigned': {'*': 'support'},
        'other_course_staff': {'course-v1:Other+Course+2026': 'staff'},
    }
    return made


def take(people, exam, analyser, settings, capture):
    """The learner's recorded, submitted attempt, analysed by ``analyser``; the assigned reviewers take it."""
    settings.PROCTORING_VIDEO_ANALYSER = f'tests.edx_proctoring_backend.recordings.fake_analysers.{analyser}'
    attempt = record_and_submit(people['learner'], exam, capture)
    for role in ('instructor_assigned', 'support_assigned'):
        api.take_review(attempt, people[role])
    return attempt


def addresses(attempt):
    """(what, address) of every stored file of the attempt, as reviewers and the learner ask for them."""
    urls = [('recording', f'/api/proctored-exams/review/media/recording/{Recording.objects.get(attempt=attempt).pk}')]
    for photo in AttemptPhoto.objects.filter(attempt=attempt):
        urls.append(('photo', f'/api/proctored-exams/review/media/photo/{photo.pk}'))
        urls.append(('own_photo', f'/api/proctored-exams/v1/attempts/{attempt.pk}/photos/{photo.kind}'))
    for finding in VideoFinding.objects.filter(recording__attempt=attempt).exclude(thumbnail_name=''):
        urls.append(('thumbnail', f'/api/proctored-exams/review/media/thumbnail/{finding.pk}'))
    return urls


def answers(people, attempt):
    """{(role, what, address): HTTP status} for every role and address."""
    seen = {}
    for role in ROLES:
        client = Client()
        if role != 'anonymous':
            client.force_login(people[role])
        for what, url in addresses(attempt):
            seen[(role, what, url)] = client.get(url).status_code
    return seen


REVIEWERS = {'instructor_assigned', 'support_assigned'}
COURSE_TEAM = {'course_staff', 'instructor', 'instructor_assigned', 'support_assigned', 'global_staff'}


def expected(role, what, flagged):
    """Who may see what: the learner their photos, assigned reviewers everything, the course team once flagged."""
    if role == 'learner':
        return what in ('photo', 'own_photo')   # their own photos, by either address; never the videos
    if what == 'own_photo':
        return False
    if role in REVIEWERS:
        return True
    return flagged and role in COURSE_TEAM


@pytest.mark.parametrize('analyser, flagged', [('nothing_found', False), ('two_events', True)])
def test_every_media_address_by_every_role(people, exam, settings, django_capture_on_commit_callbacks,
                                           analyser, flagged):
    attempt = take(people, exam, analyser, settings, django_capture_on_commit_callbacks)
    assert api.may_see_evidence(attempt, people['course_staff']) is flagged
    assert VideoFinding.objects.filter(recording__attempt=attempt).exists() is flagged

    seen = answers(people, attempt)

    for (role, what, _), status in seen.items():
        allowed = expected(role, what, flagged)
        if role == 'anonymous':
            assert status in (302, 401, 403, 404), (role, what, status)
        else:
            assert status == (200 if allowed else 404), (role, what, status)
    served = sum(1 for status in seen.values() if status == 200)
    assert MediaView.objects.count() == served
    assert set(MediaView.objects.values_list('viewer__username', flat=True)) == {
        role for (role, _, _), status in seen.items() if status == 200}


def test_only_the_courses_reviewers_may_take_a_review(people, exam, settings, django_capture_on_commit_callbacks):
    attempt = take(people, exam, 'nothing_found', settings, django_capture_on_commit_callbacks)
    for role in ('learner', 'course_staff', 'other_course_staff'):
        with pytest.raises(api.NotAllowed):
            api.take_review(attempt, people[role])
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
