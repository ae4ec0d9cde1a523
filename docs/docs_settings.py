"""
Django settings for building the documentation: just enough of a site to generate the OpenAPI schema
of the REST API (``edx_proctoring_backend.rest``) without a database, a broker or the video stack.
"""
SECRET_KEY = 'documentation-build-only'
DEBUG = False
USE_TZ = True
USE_I18N = True
LANGUAGE_CODE = 'en'
DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'
INSTALLED_APPS = [
    'django.contrib.auth',
    'django.contrib.contenttypes',
    'django.contrib.sessions',
    'rest_framework',
    'drf_spectacular',
    'edx_proctoring_backend',
]
DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ':memory:'}}
ROOT_URLCONF = 'edx_proctoring_backend.rest.schema_urls'
CELERY_TASK_ALWAYS_EAGER = True
