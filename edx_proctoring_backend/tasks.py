"""Celery tasks: thin wrappers over the API."""
from celery import shared_task

from . import api


@shared_task(name='edx_proctoring_backend.tasks.submit_expired_attempts', ignore_result=True)
def submit_expired_attempts():
    """Submit every started attempt whose time ran out, even if the learner's browser is gone."""
    return api.submit_expired_attempts()
