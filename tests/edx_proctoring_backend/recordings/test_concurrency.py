"""
A page that sends the same chunk several times at once (a retry racing its original, two tabs):
one chunk stored, one file kept, every request answered as stored.
"""
import pytest

from edx_proctoring_backend import api
from edx_proctoring_backend.recordings.models import Recording, RecordingChunk
from tests.edx_proctoring_backend.test_concurrency import run_at_once

from .helpers import chunk, local_exam, start

pytestmark = [pytest.mark.mariadb, pytest.mark.django_db(transaction=True)]
COPIES = 20


def test_the_same_chunk_sent_at_once_is_stored_once(learner, media):
    attempt = start(learner, local_exam())
    results, errors = run_at_once(
        lambda: api.store_chunk(learner, attempt.pk, 'webcam', 0, chunk(0), 'video/webm'), count=COPIES)
    assert not errors
    assert sorted(created for created, _ in results) == [False] * (COPIES - 1) + [True]
    assert {state['next_index'] for _, state in results} == {1}
    assert RecordingChunk.objects.count() == 1 and Recording.objects.get().size_bytes == len(chunk(0))
    assert [path.name for path in (media / 'chunks').rglob('*') if path.is_file()] == [
        RecordingChunk.objects.get().file_name.split('/')[-1]]
