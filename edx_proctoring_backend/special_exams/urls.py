"""
The URLs of in-house proctoring behind edx-proctoring (``views``), under the app's own (``api/proctored-exams/``
in the LMS). Included by the app's URLs only where edx-proctoring is installed.
"""
from django.urls import path

from .views import RecordingStatusView, RecordingWindowView, WorkerScriptView

urlpatterns = [
    path('v1/special-exams/worker.js', WorkerScriptView.as_view(), name='special-exams-worker'),
    path('v1/special-exams/attempts/<slug:external_id>/recording', RecordingWindowView.as_view(),
         name='special-exams-recording'),
    path('v1/special-exams/attempts/<slug:external_id>/recording/status', RecordingStatusView.as_view(),
         name='special-exams-recording-status'),
]
