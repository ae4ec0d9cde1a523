"""
The demo's Celery app. Standalone it runs tasks eagerly, in the web process; set
``CELERY_BROKER_URL`` (Redis or RabbitMQ) and ``CELERY_TASK_ALWAYS_EAGER=false`` to use workers.
"""
import os

from celery import Celery

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'demo.settings')

app = Celery('proctored_exams_demo')
app.config_from_object('django.conf:settings', namespace='CELERY')
app.autodiscover_tasks(['edx_proctoring_backend'])
