"""The workbench's URLs plus the proctoring app's, mounted where the LMS plugin mounts them."""
from django.urls import include, path

from workbench.urls import urlpatterns as workbench_urlpatterns

urlpatterns = [
    path('api/proctored-exams/', include('edx_proctoring_backend.urls', namespace='edx_proctoring_backend')),
    *workbench_urlpatterns,
]
