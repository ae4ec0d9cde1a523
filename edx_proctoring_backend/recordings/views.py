"""
The endpoints the exam page of in-house proctoring uploads to: photos, recording chunks
and capture flags. Thin JSON views over ``api``; they sit with the recordings they serve but belong
to the top floor, beside the other views.

Every endpoint is for the signed-in learner's own attempt (anybody else's is "not found"), and is
protected against cross-site requests by Django's CSRF check (the page sends ``X-CSRFToken``).
Errors are ``{"error": code, "message": text for the learner, ...}`` with a 4xx status.
"""
import json

from django.http import JsonResponse
from django.utils.translation import gettext
from django.views import View

from .. import api, monitoring, rate_limits
from ..reviewer.media import file_response

_NO_STORE = {'Cache-Control': 'no-store'}


def _answer(payload, status=200):
    return JsonResponse(payload, status=status, headers=_NO_STORE)


def _refused(code, message, status, **details):
    return _answer({'error': code, 'message': message, **details}, status=status)


def _read_body(request, limit):
    """
    Read at most ``limit + 1`` bytes of the body: enough to tell a too large upload without holding
    all of it, and not bound by ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (meant for forms, smaller than a chunk).
    """
    try:
        declared = int(request.META.get('CONTENT_LENGTH') or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return b'\0' * (limit + 1)  # refused as too large by the rules, without reading it
    return request.read(limit + 1)


def _json_body(request):
    """The request's JSON object, or an ``invalid_request`` refusal."""
    try:
        payload = json.loads(request.body or b'null')
    except (ValueError, UnicodeDecodeError) as error:
        raise api.UploadRefused('invalid_request', gettext('The request is not valid JSON.'), 400) from error
    if not isinstance(payload, dict):
        raise api.UploadRefused('invalid_request', gettext('The request is not valid JSON.'), 400)
    return payload


class _AttemptUploadView(View):
    """Authentication and error answers shared by the upload endpoints."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _refused('not_authenticated', gettext('Sign in again to continue.'), 401)
        retry_after = rate_limits.exceeded(request, rate_limits.UPLOADS)
        if retry_after:
            # The page keeps what it could not send and tries again later (capture.js backs off).
            return rate_limits.too_many(retry_after)
        monitoring.record(attempt_id=kwargs.get('attempt_id'), upload_kind=kwargs.get('kind', 'flag'))
        try:
            return super().dispatch(request, *args, **kwargs)
        except api.AttemptNotFound:
            return _refused('attempt_not_found', gettext('There is no such exam attempt.'), 404)
        except api.UploadRefused as refused:
            monitoring.record(upload_refused=refused.code)
            return _refused(refused.code, str(refused), refused.status, **refused.details)


class RecordingView(_AttemptUploadView):
    """GET: where a recording stands, ``{"kind", "next_index", "size_bytes", "status"}`` (resume after a reload)."""

    http_method_names = ['get']

    def get(self, request, attempt_id, kind):
        """Answer the recording's state."""
        return _answer(api.recording_state(request.user, attempt_id, kind))


class RecordingChunkView(_AttemptUploadView):
    """POST the raw bytes of chunk ``index`` (``Content-Type: video/webm`` or ``video/mp4``, codecs allowed)."""

    http_method_names = ['post']

    def post(self, request, attempt_id, kind, index):
        """201 ``{"next_index": n + 1, ...}`` when stored; 200 for a repeat of a stored chunk."""
        data = _read_body(request, api.upload_limits()['max_chunk_bytes'])
        monitoring.record(chunk_bytes=len(data))
        created, state = api.store_chunk(request.user, attempt_id, kind, index, data,
                                         request.META.get('CONTENT_TYPE', ''))
        return _answer(state, status=201 if created else 200)


class RecordingCompleteView(_AttemptUploadView):
    """POST: the page stopped this recording; no more chunks follow."""

    http_method_names = ['post']

    def post(self, request, attempt_id, kind):
        """Answer the recording's state (``status`` complete, or later)."""
        return _answer(api.complete_recording(request.user, attempt_id, kind))


class PhotoView(_AttemptUploadView):
    """
    POST the raw bytes of the learner's photo (``user``) or ID photo (``id``): image/jpeg or image/png.
    GET it back: the learner sees their own photos (each view is recorded like anybody's).
    """

    http_method_names = ['get', 'post']

    def get(self, request, attempt_id, kind):
        """The photo's bytes, never cached; 404 for anybody else's or a missing one."""
        handle, size, content_type = api.own_photo(request.user, attempt_id, kind)
        return file_response(request, handle, size, content_type)

    def post(self, request, attempt_id, kind):
        """201 ``{"kind", "content_type", "size"}``; a new photo replaces the previous one before the start."""
        data = _read_body(request, api.upload_limits()['max_photo_bytes'])
        photo = api.store_photo(request.user, attempt_id, kind, data, request.META.get('CONTENT_TYPE', ''))
        return _answer({'kind': photo.kind, 'content_type': photo.content_type, 'size': photo.size}, status=201)


class UploadCheckView(_AttemptUploadView):
    """POST a sample of bytes (the connection check before the start): read and dropped, never stored."""

    http_method_names = ['post']

    def post(self, request, attempt_id):
        """200 ``{"received_bytes"}``; the page times the request. 413 for more than the check's sample."""
        data = _read_body(request, api.UPLOAD_CHECK_BYTES)
        if len(data) > api.UPLOAD_CHECK_BYTES:
            return _refused('too_large', gettext('The connection check sends less than this.'), 413)
        return _answer(api.upload_check(request.user, attempt_id, len(data)))


class FlagView(_AttemptUploadView):
    """POST ``{"kind": "camera_stopped" | "screen_stopped" | "recorder_closed"}``: the capture stopped."""

    http_method_names = ['post']

    def post(self, request, attempt_id):
        """201 ``{"action": "continue" | "ended", "message": ...}``: what the page tells the learner."""
        payload = _json_body(request)
        return _answer(api.flag_session(request.user, attempt_id, payload.get('kind')), status=201)
