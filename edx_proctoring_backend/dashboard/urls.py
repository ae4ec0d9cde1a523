"""URLs of the instructor dashboard's pages (under ``api/proctored-exams/`` with the app's others)."""
from django.urls import path

# The ``dbid`` converter of the URLs below is registered on import.
from .. import url_converters  # noqa: F401  pylint: disable=unused-import
from . import views

COURSE = 'dashboard/<str:course_id>/'

urlpatterns = [
    path(COURSE, views.CourseHome.as_view(), name='dashboard'),
    path(COURSE + 'allowances', views.AllowancesPage.as_view(), name='dashboard-allowances'),
    path(COURSE + 'settings', views.CourseSettingsPage.as_view(), name='dashboard-settings'),
    path(COURSE + 'attempts', views.AttemptsPage.as_view(), name='dashboard-attempts'),
    path(COURSE + 'attempts/<dbid:attempt_id>', views.AttemptPage.as_view(), name='dashboard-attempt'),
    path(COURSE + 'reviews', views.ReviewsPage.as_view(), name='dashboard-reviews'),
    path(COURSE + 'learners', views.LearnersPage.as_view(), name='dashboard-learners'),
    path(COURSE + 'exports', views.ExportsPage.as_view(), name='dashboard-exports'),
    path(COURSE + 'sittings', views.SittingsPage.as_view(), name='dashboard-sittings'),
    path(COURSE + 'monitors', views.MonitorsPage.as_view(), name='dashboard-monitors'),
]
