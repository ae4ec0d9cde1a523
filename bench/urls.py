"""The demo's URLs (so the proctoring app is mounted exactly as there) plus a bare JSON view."""
from django.http import JsonResponse
from django.urls import path

from demo.urls import urlpatterns as demo_urlpatterns

BARE_PATH = 'bare'


def bare_view(request):
    """A view that does nothing but answer a dict shaped like the timer's: the baseline."""
    response = JsonResponse({'status': 'started', 'remaining_seconds': 35999, 'total_seconds': 36000,
                             'low_warning_seconds': 7200, 'critical_warning_seconds': 1800})
    response['Cache-Control'] = 'no-store'
    return response


urlpatterns = [
    path(BARE_PATH, bare_view, name='bench-bare'),
    *demo_urlpatterns,
]
