"""
Serving a stored file to a reviewer with HTTP range requests, so the video element can seek without
downloading the whole recording first. Never cached by shared caches: every answer is for one person.
"""
import re

from django.http import FileResponse, HttpResponse, StreamingHttpResponse

_RANGE = re.compile(r'^bytes=(\d*)-(\d*)$')
CHUNK_BYTES = 256 * 1024
PRIVATE = 'private, no-store'


def byte_range(header, size):
    """
    The ``(first, last)`` bytes a single-range ``Range`` header asks for, None to send the whole file,
    or ``'unsatisfiable'``. Several ranges are answered with the whole file (allowed, and simpler).
    """
    match = _RANGE.match((header or '').strip())
    if not match or size == 0:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        length = int(last)
        if length == 0:
            return 'unsatisfiable'
        return max(size - length, 0), size - 1
    first = int(first)
    if first >= size:
        return 'unsatisfiable'
    last = min(int(last), size - 1) if last else size - 1
    if last < first:
        return None
    return first, last


def _read(handle, first, last):
    """Yield bytes ``first`` to ``last`` of ``handle`` in pieces, and close it."""
    try:
        handle.seek(first)
        remaining = last - first + 1
        while remaining > 0:
            piece = handle.read(min(CHUNK_BYTES, remaining))
            if not piece:
                break
            remaining -= len(piece)
            yield piece
    finally:
        handle.close()


def file_response(request, handle, size, content_type):
    """Answer ``request`` with the open binary ``handle`` (``size`` bytes), honouring a ``Range`` header."""
    wanted = byte_range(request.headers.get('Range'), size)
    if wanted == 'unsatisfiable':
        handle.close()
        response = HttpResponse(status=416)
        response['Content-Range'] = f'bytes */{size}'
    elif wanted is None:
        response = FileResponse(handle, content_type=content_type)
        response['Content-Length'] = str(size)
    else:
        first, last = wanted
        response = StreamingHttpResponse(_read(handle, first, last), status=206, content_type=content_type)
        response['Content-Range'] = f'bytes {first}-{last}/{size}'
        response['Content-Length'] = str(last - first + 1)
    response['Accept-Ranges'] = 'bytes'
    response['Cache-Control'] = PRIVATE
    response['X-Content-Type-Options'] = 'nosniff'
    return response
