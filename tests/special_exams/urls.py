"""The demo's URLs plus edx-proctoring's, mounted where the LMS mounts them (``/api/``)."""
from django.urls import include, path

from demo.urls import urlpatterns as demo_urlpatterns

urlpatterns = [
    path('api/', include('edx_proctoring.urls', namespace='edx_proctoring')),
    *demo_urlpatterns,
]
