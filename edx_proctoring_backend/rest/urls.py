"""URLs of the instructor dashboard's REST API (under ``api/proctored-exams/`` with the app's others)."""
from django.urls import path

# The ``dbid`` converter of the URLs below is registered on import.
from .. import url_converters  # noqa: F401  pylint: disable=unused-import
from . import views

COURSE = 'v1/courses/<str:course_id>/'

urlpatterns = [
    path(COURSE + 'exams', views.ExamListView.as_view(), name='rest-exams'),
    path(COURSE + 'allowances', views.AllowanceListView.as_view(), name='rest-allowances'),
    path(COURSE + 'allowances/bulk', views.BulkAllowanceView.as_view(), name='rest-allowances-bulk'),
    path(COURSE + 'allowances/history', views.AllowanceHistoryView.as_view(), name='rest-allowance-history'),
    path(COURSE + 'allowances/<dbid:allowance_id>', views.AllowanceDetailView.as_view(), name='rest-allowance'),
    path(COURSE + 'attempts', views.AttemptListView.as_view(), name='rest-attempts'),
    path(COURSE + 'attempts/<dbid:attempt_id>', views.AttemptDetailView.as_view(), name='rest-attempt'),
    path(COURSE + 'attempts/<dbid:attempt_id>/reset', views.AttemptResetView.as_view(), name='rest-attempt-reset'),
    path(COURSE + 'attempts/<dbid:attempt_id>/status', views.AttemptStatusView.as_view(), name='rest-attempt-status'),
    path(COURSE + 'attempts/<dbid:attempt_id>/unlock-code', views.AttemptUnlockCodeView.as_view(),
         name='rest-attempt-unlock-code'),
    path(COURSE + 'attempts/<dbid:attempt_id>/decision', views.AttemptDecisionView.as_view(),
         name='rest-attempt-decision'),
    path(COURSE + 'reviews', views.ReviewQueueView.as_view(), name='rest-review-queue'),
    path(COURSE + 'exports/<slug:kind>.csv', views.ExportView.as_view(), name='rest-export'),
    path(COURSE + 'learners/<str:learner>/readiness', views.ReadinessView.as_view(), name='rest-readiness'),
    path('v1/me/data', views.MyDataView.as_view(), name='rest-my-data'),
    path('v1/retire_user/<dbid:user_id>', views.RetireUserView.as_view(), name='rest-retire-user'),
    path('v1/schema', views.SchemaView.as_view(), name='rest-schema'),
]
