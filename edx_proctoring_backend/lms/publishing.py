"""
Studio's publishing, heard through openedx-events: the exams of a course take their published
settings when the author publishes (``XBLOCK_PUBLISHED``, sent for the root of what was published:
a unit, a subsection, a section) or imports the course (``COURSE_IMPORT_COMPLETED``; an import
publishes without per-block events). A learner's page never writes an exam's settings.

The receivers only queue ``tasks.sync_course_exams`` (``authoring.exams.sync_course_exams``) after
the commit: reading the course and telling vendors happens in a worker.
"""
from functools import partial

from django.db import transaction
from openedx_events.content_authoring.signals import COURSE_IMPORT_COMPLETED, XBLOCK_PUBLISHED

from . import platform


def syncs_on_publish():
    """True where Studio publishes the course (an exam then takes its settings when published, not saved)."""
    return platform.has_modulestore()


def on_xblock_published(xblock_info=None, **kwargs):
    """``XBLOCK_PUBLISHED``: queue the sync of the course's exams (the published root may hold any of them)."""
    if xblock_info is not None:
        queue_sync(xblock_info.usage_key.course_key)


def on_course_import_completed(course=None, **kwargs):
    """``COURSE_IMPORT_COMPLETED``: queue the sync of the imported course's exams."""
    if course is not None:
        queue_sync(course.course_key)


def connect():
    """Listen to Studio's publishing (in Studio; the LMS never sends these events)."""
    XBLOCK_PUBLISHED.connect(on_xblock_published, dispatch_uid='edx_proctoring_backend.xblock_published')
    COURSE_IMPORT_COMPLETED.connect(on_course_import_completed,
                                    dispatch_uid='edx_proctoring_backend.course_import_completed')


def queue_sync(course_key):
    """Queue ``sync_course_exams`` for the course once the current transaction commits."""
    # The task module is a thin wrapper; it is imported when work is queued, not at load.
    from ..tasks import sync_course_exams as task  # pylint: disable=import-outside-toplevel,cyclic-import
    transaction.on_commit(partial(task.delay, str(course_key)))
