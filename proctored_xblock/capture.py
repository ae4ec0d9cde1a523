"""
What the exam page's capture script needs for an exam of the ``local`` provider (recordings stay on
the site and a person reviews them): the attempt's capture URLs, the steps and recordings, what is
already done and the upload pace.

``capture_plan`` is the one place that asks the backend (``api.capture_plan``) and shapes its answer
for the script.
"""
from django.conf import settings

from edx_proctoring_backend import api

#: The provider whose exams record in the learner's browser.
CAPTURE_PROVIDER = 'local'

DEFAULT_TIMESLICE_SECONDS = 5
DEFAULT_ROOM_SCAN_SECONDS = 15
DEFAULT_FLUSH_SECONDS = 20

# The page's pace: (key, site setting, default); a site setting wins over the backend's plan.
_PACE = (
    ('timeslice_seconds', 'PROCTORING_CAPTURE_TIMESLICE_SECONDS', DEFAULT_TIMESLICE_SECONDS),
    ('room_scan_seconds', 'PROCTORING_CAPTURE_ROOM_SCAN_SECONDS', DEFAULT_ROOM_SCAN_SECONDS),
    ('flush_seconds', 'PROCTORING_CAPTURE_FLUSH_SECONDS', DEFAULT_FLUSH_SECONDS),
)

# Step names of the checks page, by what the backend says is done.
_PHOTO_STEPS = {'user': 'user_photo', 'id': 'id_photo'}


def is_capture_exam(exam):
    """True when the learner's browser records this exam."""
    return exam is not None and exam.provider == CAPTURE_PROVIDER


def _completed_steps(plan):
    """The checks page's steps already done (the page was reloaded): photos, room scan."""
    done = [_PHOTO_STEPS[kind] for kind in plan.get('photos', ()) if kind in _PHOTO_STEPS]
    scan = (plan.get('state') or {}).get('room_scan') or {}
    if scan.get('status') not in (None, 'not_started', 'recording'):
        done.append('room_scan')
    return done


def capture_plan(user, exam):
    """
    Return the capture script's data for ``user``'s current attempt of ``exam``, or None when the exam
    is not recorded in the browser (or the backend has no attempt being taken)::

        {'attempt': 12, 'steps': [...], 'recordings': ['webcam', 'screen'], 'room_scan': bool, 'audio': bool,
         'completed': ['user_photo', ...],
         'urls': {'flags', 'photos': {kind: url}, 'recordings': {kind: {'state', 'chunk', 'complete'}}},
         'content_types': [...], 'max_chunk_bytes': n,
         'upload_check': {'url', 'sample_bytes', 'recorder_kbps', 'needed_kbps'},
         'timeslice_seconds': 5, 'room_scan_seconds': 15, 'flush_seconds': 20}
    """
    if not is_capture_exam(exam):
        return None
    plan = api.capture_plan(user, exam)
    if not plan:
        return None
    page = {
        'attempt': plan['attempt_id'],
        'steps': list(plan.get('steps', ())),
        'recordings': list(plan.get('recordings', ('webcam',))),
        'room_scan': bool(plan.get('room_scan')),
        # The webcam's stream asks for the microphone too, and its recording carries the sound.
        'audio': bool(plan.get('record_sound')),
        'on_capture_lost': plan.get('on_capture_lost', 'continue'),
        'completed': _completed_steps(plan),
        'urls': plan['urls'],
        'content_types': list((plan.get('content_types') or {}).get('recording', ())),
        'max_chunk_bytes': (plan.get('limits') or {}).get('max_chunk_bytes'),
        'upload_check': plan.get('upload_check'),
    }
    for key, setting, default in _PACE:
        page[key] = getattr(settings, setting, plan.get(key, default))
    return page
