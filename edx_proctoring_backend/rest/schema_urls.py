"""The REST API mounted where the LMS plugin mounts it, for its OpenAPI schema (the schema's only use)."""
from django.urls import include, path

urlpatterns = [
    path('api/proctored-exams/', include(('edx_proctoring_backend.rest.urls', 'edx_proctoring_backend'))),
]
