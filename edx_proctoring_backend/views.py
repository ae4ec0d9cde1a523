"""
The one endpoint the exam timer polls. It is authorised by the attempt's signed timer token (sent
in a header so it never lands in access logs), answers from one query, and never reads a time
from the client.
"""
import json

from django.http import HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from . import api, monitoring, rate_limits

TIMER_TOKEN_HEADER = 'HTTP_X_EXAM_TIMER_TOKEN'
_NO_STORE = {'Cache-Control': 'no-store'}  # every answer is for one learner, at one moment

# What ``JsonResponse(api.timer_status(...))`` would send, byte for byte, without building a JSON
# encoder on every poll: the status is JSON-encoded, the time left has milliseconds, the rest are ints.
_TIMER_BODY = ('{"status": %s, "remaining_seconds": %r, "total_seconds": %d, '
               '"low_warning_seconds": %d, "critical_warning_seconds": %d}')


class AttemptTimerView(View):
    """GET: the status and time left of the attempt named by the ``X-Exam-Timer-Token`` header."""

    http_method_names = ['get']

    def get(self, request):
        """Return ``{status, remaining_seconds, total_seconds, low/critical_warning_seconds}``."""
        try:
            result = api.timer_status(request.META.get(TIMER_TOKEN_HEADER, ''))
        except api.InvalidStatusToken:
            return JsonResponse({'error': 'invalid_token'}, status=403, headers=_NO_STORE)
        except api.AttemptNotFound:
            return JsonResponse({'error': 'attempt_not_found'}, status=404, headers=_NO_STORE)
        body = _TIMER_BODY % (json.dumps(result['status']), float(result['remaining_seconds']),
                              result['total_seconds'], result['low_warning_seconds'],
                              result['critical_warning_seconds'])
        return HttpResponse(  # pylint: disable=http-response-with-content-type-json
            body, content_type='application/json', headers=_NO_STORE)


@method_decorator(csrf_exempt, name='dispatch')  # vendors authenticate by signature, not by cookie
class ProviderCallbackView(View):
    """POST: a signed message from a proctoring vendor (a review, a lost session, an exam code check)."""

    http_method_names = ['post']

    def post(self, request, provider_name):
        """Answer 204 (applied or already applied), 200 with data, or a 4xx that tells nothing more."""
        # An address that keeps sending messages with bad signatures is not heard for a while.
        retry_after = rate_limits.exceeded(request, rate_limits.CALLBACK_FAILURES, increment=False)
        if retry_after:
            return rate_limits.too_many(retry_after)
        monitoring.record(provider=provider_name, callback_bytes=len(request.body))
        try:
            result = api.receive_callback(provider_name, request.headers, request.body)
        except api.CallbackRejected as error:
            monitoring.record(callback_refused=error.code)
            if error.status == 401:
                rate_limits.count(request, rate_limits.CALLBACK_FAILURES)
            return JsonResponse({'error': error.code}, status=error.status, headers=_NO_STORE)
        if result is None:
            return HttpResponse(status=204, headers=_NO_STORE)
        return JsonResponse(result, headers=_NO_STORE)
