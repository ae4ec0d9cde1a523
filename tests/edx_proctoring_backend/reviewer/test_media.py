"""Range requests for the reviewer's media: the video element seeks without downloading everything."""
import io

import pytest
from django.test import RequestFactory

from edx_proctoring_backend.reviewer.media import byte_range, file_response

BODY = bytes(range(256)) * 4  # 1024 bytes


@pytest.mark.parametrize('header, expected', [
    (None, None),
    ('', None),
    ('bytes=0-99', (0, 99)),
    ('bytes=100-', (100, 1023)),
    ('bytes=-24', (1000, 1023)),
    ('bytes=-5000', (0, 1023)),
    ('bytes=1000-5000', (1000, 1023)),
    ('bytes=1024-', 'unsatisfiable'),
    ('bytes=-0', 'unsatisfiable'),
    ('bytes=50-10', None),
    ('bytes=0-1,5-6', None),
    ('items=0-1', None),
    ('bytes=-', None),
])
def test_byte_range(header, expected):
    assert byte_range(header, len(BODY)) == expected


def answer(header=None):
    request = RequestFactory().get('/', **({'HTTP_RANGE': header} if header else {}))
    return file_response(request, io.BytesIO(BODY), len(BODY), 'video/webm')


def test_whole_file():
    response = answer()
    assert response.status_code == 200 and b''.join(response.streaming_content) == BODY
    assert response['Accept-Ranges'] == 'bytes' and response['Content-Length'] == '1024'
    assert response['Cache-Control'] == 'private, no-store' and response['X-Content-Type-Options'] == 'nosniff'


def test_a_range():
    response = answer('bytes=1000-')
    assert response.status_code == 206 and b''.join(response.streaming_content) == BODY[1000:]
    assert response['Content-Range'] == 'bytes 1000-1023/1024' and response['Content-Length'] == '24'


def test_past_the_end():
    response = answer('bytes=2000-')
    assert response.status_code == 416 and response['Content-Range'] == 'bytes */1024'
