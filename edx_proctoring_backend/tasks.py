"""
Celery tasks: thin wrappers over the use-cases of the wings (flow, recordings, authoring, messages), not
through ``api``.
"""
from celery import shared_task

from . import monitoring
from .authoring.exams import register_with_provider, sync_course_exams as sync_published_exams
from .flow import announcements, calls, learner, privacy as flow_privacy, reviews as flow_reviews
from .messages import sending
from .recordings import capture


@shared_task(name='edx_proctoring_backend.tasks.submit_expired_attempts', ignore_result=True)
def submit_expired_attempts():
    """Submit every started attempt whose time ran out, even if the learner's browser is gone."""
    return learner.submit_expired_attempts()


@shared_task(name='edx_proctoring_backend.tasks.retry_provider_calls', ignore_result=True, acks_late=True)
def retry_provider_calls():
    """Make again the provider calls that failed while a vendor was unreachable (with growing delays)."""
    return calls.retry_provider_calls()


@shared_task(name='edx_proctoring_backend.tasks.analyse_recording', ignore_result=True, acks_late=True,
             reject_on_worker_lost=True)
def analyse_recording(recording_id):
    """
    Analyse one complete recording of in-house proctoring. Acknowledged only when done, and requeued
    when its worker dies; ``recordings.capture.analyse`` counts each delivery and quarantines a recording
    that keeps killing workers.
    """
    monitoring.record(recording_id=recording_id)
    status = capture.analyse(recording_id, flow_reviews.send_to_person)
    monitoring.record(analysis_status=status)
    return status


@shared_task(name='edx_proctoring_backend.tasks.enforce_retention', ignore_result=True, acks_late=True)
def enforce_retention():
    """Delete for good the media and vendor links the retention policy no longer allows to keep (daily)."""
    return len(flow_privacy.enforce_retention())


@shared_task(name='edx_proctoring_backend.tasks.requeue_stale_analyses', ignore_result=True)
def requeue_stale_analyses():
    """Queue again the recording analyses whose task was lost (periodic)."""
    return capture.requeue_stale_analyses()


@shared_task(name='edx_proctoring_backend.tasks.register_exam', ignore_result=True, acks_late=True)
def register_exam(exam_id):
    """Tell the exam's provider about a new or changed exam (queued by a save or publish of the exam)."""
    # The authoring wing queues these tasks, so they reach into the wing rather than through the API.
    return register_with_provider(exam_id)


@shared_task(name='edx_proctoring_backend.tasks.sync_course_exams', ignore_result=True, acks_late=True)
def sync_course_exams(course_key):
    """Give the course's exams their published settings (queued by Studio's publish and import events)."""
    return len(sync_published_exams(course_key))


@shared_task(name='edx_proctoring_backend.tasks.send_message', ignore_result=True, acks_late=True)
def send_message(message_id):
    """Send one queued e-mail; a second delivery of the task, or a retry, sends nothing more."""
    return sending.send(message_id)


@shared_task(name='edx_proctoring_backend.tasks.send_due_messages', ignore_result=True)
def send_due_messages():
    """Send the e-mails that are due, and try again the ones that failed (every minute)."""
    return sending.send_due()


@shared_task(name='edx_proctoring_backend.tasks.announce_exam_openings', ignore_result=True)
def announce_exam_openings():
    """Tell the learners of the exams that open within PROCTORING_OPENING_NOTICE_DAYS (every hour)."""
    return announcements.announce_openings()
