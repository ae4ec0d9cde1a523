"""
Every viewing of a learner's media is recorded (who, when, what), whatever the request's headers, and
the learner can read it in their own data.
"""
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from edx_proctoring_backend import api
from edx_proctoring_backend.privacy.models import MediaView
from edx_proctoring_backend.recordings.models import AttemptPhoto, Recording
from tests.edx_proctoring_backend.recordings.helpers import record_and_submit, start

pytestmark = pytest.mark.mariadb
MY_DATA = '/api/proctored-exams/v1/me/data'


def media_url(kind, object_id):
    """The reviewer's address of a stored file."""
    return f'/api/proctored-exams/review/media/{kind}/{object_id}'


@pytest.fixture
def taken(learner, exam, django_capture_on_commit_callbacks):
    """The learner's submitted attempt with both photos and a webcam recording."""
    return record_and_submit(learner, exam, django_capture_on_commit_callbacks, chunks=3)


@pytest.fixture
def reviewer(client, taken):
    """A signed-in global staff member who took the review of the attempt."""
    user = get_user_model().objects.create(username='reviewer', is_staff=True)
    api.take_review(taken, user)
    client.force_login(user)
    return client


def views():
    """(viewer, attempt, kind, file) of every recorded viewing, in order."""
    return list(MediaView.objects.values_list('viewer__username', 'attempt_id', 'kind', 'object_id'))


def test_a_viewing_is_recorded_once_and_a_later_one_again(taken, reviewer, settings):
    photo = AttemptPhoto.objects.get(attempt=taken, kind=AttemptPhoto.ID)
    assert reviewer.get(media_url('photo', photo.pk)).status_code == 200
    assert reviewer.get(media_url('photo', photo.pk)).status_code == 200
    assert views() == [('reviewer', taken.pk, 'photo', photo.pk)]
    # Once the viewing's window is over, the next request is a new viewing.
    window = timedelta(minutes=settings.PROCTORING_MEDIA_VIEWING_MINUTES)
    MediaView.objects.update(viewed_at=timezone.now() - window - timedelta(minutes=1))
    assert reviewer.get(media_url('photo', photo.pk)).status_code == 200
    assert views() == [('reviewer', taken.pk, 'photo', photo.pk)] * 2


def test_a_video_read_in_ranges_is_one_viewing(taken, reviewer):
    recording = Recording.objects.get(attempt=taken)
    url = media_url('recording', recording.pk)
    assert reviewer.get(url, HTTP_RANGE='bytes=0-').status_code == 206
    assert reviewer.get(url, HTTP_RANGE='bytes=20-40').status_code == 206
    assert reviewer.get(url, HTTP_RANGE='bytes=41-').status_code == 206
    assert MediaView.objects.filter(kind='recording').count() == 1


# Every form a client may send, each the first request of a viewing: a suffix range, ranges not
# starting at 0, several ranges, an unknown unit, a malformed header, none.
RANGES = ['bytes=-10', 'bytes=5-', 'bytes=20-40', 'bytes=0-1,5-6', 'items=0-9', 'bytes=abc', 'bytes=999999-', None]


@pytest.mark.parametrize('header', RANGES)
def test_any_request_that_sends_media_bytes_is_on_record(taken, reviewer, header):
    recording = Recording.objects.get(attempt=taken)
    extra = {'HTTP_RANGE': header} if header is not None else {}
    answer = reviewer.get(media_url('recording', recording.pk), **extra)
    assert answer.status_code in (200, 206, 416)
    assert views() == [('reviewer', taken.pk, 'recording', recording.pk)]


def test_a_refused_view_records_nothing(taken, client, make_user):
    client.force_login(make_user('curious'))
    photo = AttemptPhoto.objects.filter(attempt=taken).first()
    assert client.get(media_url('photo', photo.pk)).status_code == 404
    assert not MediaView.objects.exists()


def test_the_learner_reads_what_is_kept_and_who_looked(taken, reviewer, learner, client, make_user):
    photo = AttemptPhoto.objects.get(attempt=taken, kind=AttemptPhoto.USER)
    reviewer.get(media_url('photo', photo.pk))
    other = make_user('someone_else')
    start(other, taken.exam)

    client.force_login(learner)
    answer = client.get(MY_DATA)

    assert answer.status_code == 200 and answer['Cache-Control'] == 'private, no-store'
    data = answer.json()
    assert data['username'] == 'learner' and len(data['attempts']) == 1
    mine = data['attempts'][0]
    assert mine['status'] == api.AttemptStatus.SUBMITTED
    assert {photo['kind'] for photo in mine['photos']} == {'user', 'id'}
    assert [recording['kind'] for recording in mine['recordings']] == ['webcam']
    assert mine['consents'][0]['accepted'] is True
    assert [(view['kind'], view['viewer']) for view in mine['media_views']] == [('photo', 'reviewer')]
    assert 'someone_else' not in answer.content.decode()


def test_nobody_reads_anybody_elses_data(client):
    assert client.get(MY_DATA).status_code in (401, 403)
