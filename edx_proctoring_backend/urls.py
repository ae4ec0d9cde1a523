"""URLs of the plugin app (mounted under ``api/proctored-exams/`` in the LMS)."""
from django.urls import path

from .views import AttemptTimerView

app_name = 'edx_proctoring_backend'

urlpatterns = [
    path('v1/attempt-timer', AttemptTimerView.as_view(), name='attempt-timer'),
]
