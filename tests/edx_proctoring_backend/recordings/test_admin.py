"""Support staff see recordings, their analysis and the session's flags in the Django admin, read-only."""
from django.contrib.auth import get_user_model
from django.urls import reverse

from edx_proctoring_backend import api, tasks
from edx_proctoring_backend.recordings.models import Recording

from .helpers import chunk, start


def test_recordings_and_flags_are_listed_without_storage_names(client, learner, exam):
    attempt = start(learner, exam)
    api.store_chunk(learner, attempt.pk, 'webcam', 0, chunk(0), 'video/webm')
    api.flag_session(learner, attempt.pk, 'camera_stopped')
    api.submit(learner, exam)
    recording = Recording.objects.get()
    tasks.analyse_recording(recording.pk)
    recording.refresh_from_db()
    client.force_login(get_user_model().objects.create_superuser('support', 'support@example.com', 'secret'))
    listing = client.get(reverse('admin:edx_proctoring_backend_recording_changelist'))
    assert listing.status_code == 200 and 'analysed' in listing.content.decode()
    detail = client.get(reverse('admin:edx_proctoring_backend_recording_change', args=[recording.pk]))
    assert detail.status_code == 200
    assert 'face_missing' in detail.content.decode()
    assert recording.file_name not in detail.content.decode()
    flags = client.get(reverse('admin:edx_proctoring_backend_sessionflag_changelist'))
    assert flags.status_code == 200 and 'camera_stopped' in flags.content.decode()
