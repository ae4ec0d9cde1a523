"""
Tracking events for attempt changes (the platform's tracker when present, the log otherwise).

The names are this package's own, ``proctored_exams.<exam type>.attempt.<change>``: the
``edx.special_exam.*`` names belong to edx-proctoring, whose analytics read them with its own fields.
"""
import logging

log = logging.getLogger(__name__)
EVENT_PREFIX = 'proctored_exams'


def emit_attempt_event(name, attempt, **extra):
    """Emit the tracking event ``proctored_exams.<exam type>.attempt.<name>`` for ``attempt``."""
    data = {
        'exam_id': attempt.exam_id,
        'exam_content_id': attempt.exam.usage_key,
        'course_id': attempt.exam.course_key,
        'attempt_id': attempt.pk,
        'attempt_status': attempt.status,
        'exam_type': attempt.exam.exam_type,
        **extra,
    }
    event_name = f'{EVENT_PREFIX}.{attempt.exam.exam_type}.attempt.{name}'
    try:
        from eventtracking import tracker  # pylint: disable=import-outside-toplevel
    except ImportError:
        log.info('%s %s', event_name, data)
        return
    tracker.emit(event_name, data)
