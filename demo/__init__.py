"""The standalone demo: the XBlock workbench with the proctoring app on SQLite and Celery in eager mode."""
from .celery_app import app as celery_app  # noqa: F401
