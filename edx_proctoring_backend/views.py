"""
The one endpoint the exam timer polls. It is authorised by the attempt's signed timer token (sent
in a header so it never lands in access logs), answers from one query, and never reads a time
from the client.
"""
from django.http import JsonResponse
from django.views import View

from . import api

TIMER_TOKEN_HEADER = 'HTTP_X_EXAM_TIMER_TOKEN'


class AttemptTimerView(View):
    """GET: the status and time left of the attempt named by the ``X-Exam-Timer-Token`` header."""

    http_method_names = ['get']

    def get(self, request):
        """Return ``{status, remaining_seconds, total_seconds, low/critical_warning_seconds}``."""
        token = request.META.get(TIMER_TOKEN_HEADER, '')
        try:
            result = api.timer_status(token)
        except api.InvalidStatusToken:
            return JsonResponse({'error': 'invalid_token'}, status=403)
        except api.AttemptNotFound:
            return JsonResponse({'error': 'attempt_not_found'}, status=404)
        response = JsonResponse(result)
        response['Cache-Control'] = 'no-store'
        return response
