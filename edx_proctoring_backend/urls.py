"""URLs of the plugin app (mounted under ``api/proctored-exams/`` in the LMS)."""
from django.apps import apps
from django.urls import path

# The ``dbid`` converter of the URLs below is registered on import.
from . import url_converters  # noqa: F401  pylint: disable=unused-import
from .dashboard.urls import urlpatterns as dashboard_urlpatterns
from .monitors.views import MonitorReportView
from .recordings.views import (
    FlagView, PhotoView, RecordingChunkView, RecordingCompleteView, RecordingView, UploadCheckView,
)
from .rest.urls import urlpatterns as rest_urlpatterns
from .reviewer.views import AttemptReviewView, ReviewMediaView, ReviewQueueView
from .views import AttemptTimerView, ProviderCallbackView

app_name = 'edx_proctoring_backend'

urlpatterns = [
    path('v1/attempt-timer', AttemptTimerView.as_view(), name='attempt-timer'),
    path('v1/providers/<slug:provider_name>/callback', ProviderCallbackView.as_view(), name='provider-callback'),
    # In-house proctoring: what the exam page uploads (recordings/views.py).
    path('v1/attempts/<dbid:attempt_id>/recordings/<slug:kind>', RecordingView.as_view(), name='recording'),
    path('v1/attempts/<dbid:attempt_id>/recordings/<slug:kind>/chunks/<dbid:index>', RecordingChunkView.as_view(),
         name='recording-chunk'),
    path('v1/attempts/<dbid:attempt_id>/recordings/<slug:kind>/complete', RecordingCompleteView.as_view(),
         name='recording-complete'),
    path('v1/attempts/<dbid:attempt_id>/photos/<slug:kind>', PhotoView.as_view(), name='attempt-photo'),
    path('v1/attempts/<dbid:attempt_id>/flags', FlagView.as_view(), name='attempt-flags'),
    path('v1/attempts/<dbid:attempt_id>/upload-check', UploadCheckView.as_view(), name='attempt-upload-check'),
    # The reviewers' pages (reviewer/views.py).
    path('review/', ReviewQueueView.as_view(), name='review-queue'),
    path('review/attempts/<dbid:attempt_id>', AttemptReviewView.as_view(), name='review-attempt'),
    path('review/media/<slug:kind>/<dbid:object_id>', ReviewMediaView.as_view(), name='review-media'),
    # The exam monitor's report, through the signed link of their e-mails (monitors/views.py).
    path('monitor-report/<str:token>', MonitorReportView.as_view(), name='monitor-report'),
    # The instructor dashboard's REST API (rest/) and pages (dashboard/).
    *rest_urlpatterns,
    *dashboard_urlpatterns,
]

if apps.is_installed('edx_proctoring'):
    # In-house proctoring behind edx-proctoring (special_exams/), which imports it.
    from .special_exams.urls import urlpatterns as special_exams_urlpatterns
    urlpatterns += special_exams_urlpatterns
