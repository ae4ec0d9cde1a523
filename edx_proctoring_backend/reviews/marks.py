"""
Reviewers' own marks at moments of an attempt's recordings: where they saw something, in their words.
Only a reviewer who may see the evidence marks it (the caller checks); a mark never decides anything.
"""
import math

from ..exams.errors import NotAllowed
from ..recordings.models import Recording
from .models import ReviewerMark

MAX_NOTE_LENGTH = 500


def parse_moment(text):
    """Seconds from '75', '75.5', '1:15' or '1:01:15'; ValueError for anything else (negative, not finite)."""
    parts = str(text).strip().split(':')
    if len(parts) > 3:
        raise ValueError(text)
    seconds = float(parts[-1])
    larger = [int(part) for part in parts[:-1]]   # hours and minutes are whole numbers
    if any(value < 0 for value in larger) or (larger and not 0 <= seconds < 60) \
            or (len(larger) == 2 and larger[1] >= 60):
        raise ValueError(text)
    total = seconds + sum(value * 60 ** power for power, value in enumerate(reversed(larger), start=1))
    if not math.isfinite(total) or total < 0:
        raise ValueError(text)
    return total


def add_mark(attempt, recording_id, at_s, note, by):
    """
    Mark ``at_s`` seconds into one of ``attempt``'s recordings with ``note``; return the ``ReviewerMark``.
    Raises ``NotAllowed``: ``unknown_recording``, ``outside_recording`` or ``note_too_long``.
    """
    recording = Recording.objects.filter(attempt=attempt, pk=recording_id).first()
    if recording is None:
        raise NotAllowed('No such recording of this attempt.', code='unknown_recording')
    duration = (recording.analysis_summary or {}).get('duration_s')
    if at_s < 0 or (duration and at_s > duration):
        raise NotAllowed('The moment is outside the recording.', code='outside_recording')
    note = (note or '').strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise NotAllowed('The note is too long.', code='note_too_long')
    return ReviewerMark.objects.create(attempt=attempt, recording=recording, at_s=at_s, note=note, author=by)


def marks_of(attempt):
    """The attempt's marks, by recording and moment, with their authors."""
    return list(attempt.reviewer_marks.select_related('author').order_by('recording_id', 'at_s', 'pk'))
