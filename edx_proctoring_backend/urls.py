"""URLs of the plugin app (mounted under ``api/proctored-exams/`` in the LMS)."""
from django.urls import path

from .views import AttemptTimerView, ProviderCallbackView

app_name = 'edx_proctoring_backend'

urlpatterns = [
    path('v1/attempt-timer', AttemptTimerView.as_view(), name='attempt-timer'),
    path('v1/providers/<slug:provider_name>/callback', ProviderCallbackView.as_view(), name='provider-callback'),
]
