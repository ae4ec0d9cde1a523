"""
Studio's publishing, heard through openedx-events: the exams of a course take their published
settings when the author publishes (``XBLOCK_PUBLISHED``, sent for the root of what was published:
a unit, a subsection, a section) or imports the course (``COURSE_IMPORT_COMPLETED``; an import
publishes without per-block events). A learner's page never writes an exam's settings.

The receivers only queue ``tasks.sync_course_exams`` after the commit: reading the course and
telling vendors happens in a worker.
"""
import logging
from functools import partial

from django.db import transaction
from openedx_events.content_authoring.signals import COURSE_IMPORT_COMPLETED, XBLOCK_PUBLISHED

from ..authoring.exams import sync_exam
from ..exams.errors import InvalidExamSettings
from . import content_dates, platform
from .effects import register_credit_requirement

log = logging.getLogger(__name__)

EXAM_BLOCK_TYPE = 'proctored_exam'


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


def sync_course_exams(course_key):
    """
    Give every published exam block of the course its exam settings (``block.exam_settings()``);
    return the exams. A block whose settings are invalid is logged and left as it was: Studio's
    validation shows the author what to fix.
    """
    exams = []
    for block in platform.published_blocks(course_key, EXAM_BLOCK_TYPE):
        try:
            exam = sync_exam(course_key, block.scope_ids.usage_id, **block.exam_settings())
        except InvalidExamSettings:
            log.warning('Exam %s of %s not synchronised: its settings are invalid', block.scope_ids.usage_id,
                        course_key, exc_info=True)
            continue
        # Even when the exam did not change: the platform's publish rebuilds the course's credit
        # requirements without it, and may drop the date that holds its content closed.
        register_credit_requirement(exam)
        content_dates.close_by_default(exam)
        exams.append(exam)
    return exams
