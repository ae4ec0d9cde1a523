"""Small media and steps shared by the tests of in-house proctoring (the ``local`` provider)."""
from django.urls import reverse

from edx_proctoring_backend import api
from tests import journeys

# The first bytes of each format, then filler: enough for the checks, tiny on disk.
WEBM = b'\x1a\x45\xdf\xa3' + b'\x9f\x42\x86\x81\x01' + b'webm-cluster' * 8
MP4 = b'\x00\x00\x00\x18ftypisom' + b'mp4-fragment' * 8
JPEG = b'\xff\xd8\xff\xe0\x00\x10JFIF\x00' + b'jpeg' * 16
PNG = b'\x89PNG\r\n\x1a\n' + b'png!' * 16
COURSE = 'course-v1:Test+Exam+2026'


def local_exam(exam_type='proctored', usage='local1', **exam_rules):
    """A one-hour exam of the ``local`` provider, with the author's ``exam_rules``."""
    return api.sync_exam(COURSE, f'block-v1:Test+Exam+2026+type@proctored_exam+block@{usage}',
                         exam_type=exam_type, time_limit_minutes=60, provider='local', exam_rules=exam_rules)


def chunk(index, body=b''):
    """Bytes of chunk ``index``: a WebM header first, then a cluster's worth of bytes."""
    return WEBM + body if index == 0 else b'cluster-%d-' % index + body + b'x' * 32


def pass_checks(user, exam):
    """Agree to the terms and opt in, take both photos and pass the checks; return the ready attempt."""
    attempt = journeys.opt_in(user, exam)
    api.store_photo(user, attempt.pk, 'user', JPEG, 'image/jpeg')
    api.store_photo(user, attempt.pk, 'id', PNG, 'image/png')
    api.confirm_checks(user, exam, attempt.exam_code)
    attempt.refresh_from_db()
    return attempt


def start(user, exam):
    """Pass the checks and start the clock; return the started attempt."""
    pass_checks(user, exam)
    return api.start(user, exam)


def url(name, attempt_id, *args):
    """The URL of an upload endpoint."""
    return reverse(f'edx_proctoring_backend:{name}', args=[attempt_id, *args])


def record_and_submit(user, exam, capture_on_commit, chunks=2):
    """
    Take the exam recorded: photos, ``chunks`` webcam chunks, then submit, with the analysis run at
    once (``capture_on_commit``: pytest-django's ``django_capture_on_commit_callbacks``). Returns the attempt.
    """
    attempt = start(user, exam)
    for index in range(chunks):
        api.store_chunk(user, attempt.pk, 'webcam', index, chunk(index), 'video/webm')
    api.complete_recording(user, attempt.pk, 'webcam')
    with capture_on_commit(execute=True):
        api.submit(user, exam)
    attempt.refresh_from_db()
    return attempt
