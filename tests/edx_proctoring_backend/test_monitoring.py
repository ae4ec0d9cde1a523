"""Key paths tell the platform's monitoring what they did (edx-django-utils' custom attributes)."""
import pytest
from django.test import Client

from edx_proctoring_backend import monitoring
from tests.edx_proctoring_backend.recordings.conftest import exam, media  # noqa: F401  pylint: disable=unused-import
from tests.edx_proctoring_backend.recordings.helpers import chunk, start, url


@pytest.fixture
def attributes(monkeypatch):
    """The custom attributes set, in order."""
    seen = []
    monkeypatch.setattr(monitoring, 'set_custom_attribute', lambda name, value: seen.append((name, value)))
    return seen


def test_a_vendor_message_says_its_provider_and_why_it_was_refused(attributes, db):  # pylint: disable=unused-argument
    Client().post('/api/proctored-exams/v1/providers/nobody/callback', b'{}', content_type='application/json')
    assert ('proctoring.provider', 'nobody') in attributes
    assert ('proctoring.callback_refused', 'unknown_provider') in attributes


def test_an_upload_says_its_attempt_kind_size_and_refusal(attributes, learner, exam):  # noqa: F811  pylint: disable=redefined-outer-name
    attempt = start(learner, exam)
    client = Client()
    client.force_login(learner)
    client.post(url('recording-chunk', attempt.pk, 'webcam', 0), data=chunk(0), content_type='video/webm')
    client.post(url('recording-chunk', attempt.pk, 'screen', 0), data=chunk(0), content_type='video/webm')
    assert ('proctoring.attempt_id', attempt.pk) in attributes
    assert ('proctoring.upload_kind', 'webcam') in attributes
    assert ('proctoring.chunk_bytes', len(chunk(0))) in attributes
    assert ('proctoring.upload_refused', 'not_asked') in attributes
