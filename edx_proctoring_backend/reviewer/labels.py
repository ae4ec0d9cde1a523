"""
The words the reviewer's and the dashboard's pages show for the package's codes (statuses, outcomes,
moments, interruptions), in the active language: staff read words, never codes.
"""
from django.utils.translation import gettext, gettext_lazy

from ..exams.statuses import AttemptStatus as S
from ..recordings.models import Recording, SessionFlag
from ..reviews import queue
from ..reviews.outcomes import Outcome
from ..video import events

STATUS_LABELS = {
    S.CREATED: gettext_lazy('Opted in, checks not passed'),
    S.DECLINED: gettext_lazy('Declined proctoring'),
    S.READY_TO_START: gettext_lazy('Ready to start'),
    S.STARTED: gettext_lazy('Started'),
    S.SUBMITTED: gettext_lazy('Submitted'),
    S.SECOND_REVIEW_REQUIRED: gettext_lazy('Second review required'),
    S.VERIFIED: gettext_lazy('Verified'),
    S.REJECTED: gettext_lazy('Rejected'),
    S.ERROR: gettext_lazy('Error'),
    S.RESET: gettext_lazy('Reset'),
}
# Who decides an attempt awaiting a person (``reviews.queue.review_stage``).
STAGE_LABELS = {
    queue.FIRST_REVIEW: gettext_lazy('First review'),
    queue.SUPPORT_STAGE: gettext_lazy('Second review, by support'),
    queue.COURSE_TEAM_STAGE: gettext_lazy("Escalated by support: the course team's final decision"),
}
# What a verdict means, whoever gave it.
OUTCOME_LABELS = {
    Outcome.PENDING: gettext_lazy('Pending'),
    Outcome.SATISFACTORY: gettext_lazy('Satisfactory'),
    Outcome.UNSATISFACTORY: gettext_lazy('Unsatisfactory'),
    Outcome.SECOND_REVIEW: gettext_lazy('Escalated for another review'),
    Outcome.ERROR: gettext_lazy('Could not be reviewed'),
}
FINDING_LABELS = {
    events.NO_FACE: gettext_lazy('No face'),
    events.MULTIPLE_FACES: gettext_lazy('More than one face'),
    events.FACE_MISMATCH: gettext_lazy('Face does not match the photo'),
    events.LOOKING_AWAY: gettext_lazy('Looking away'),
    events.CAMERA_COVERED_OR_DARK: gettext_lazy('Camera covered or dark'),
    events.SCREEN_CHANGED: gettext_lazy('Screen changed'),
    events.TALKING: gettext_lazy('Talking'),
}
RECORDING_LABELS = {
    Recording.WEBCAM: gettext_lazy('Webcam'),
    Recording.SCREEN: gettext_lazy('Screen'),
    Recording.ROOM_SCAN: gettext_lazy('Room scan'),
}
ANALYSIS_LABELS = {
    Recording.RECORDING: gettext_lazy('recording'),
    Recording.COMPLETE: gettext_lazy('waiting for analysis'),
    Recording.ANALYSING: gettext_lazy('analysing'),
    Recording.ANALYSED: gettext_lazy('analysed'),
    Recording.ANALYSIS_FAILED: gettext_lazy('analysis failed: review it yourself'),
    Recording.QUARANTINED: gettext_lazy('not analysable: review it yourself'),
}
FLAG_LABELS = {
    SessionFlag.CAMERA_STOPPED: gettext_lazy('Camera stopped'),
    SessionFlag.SCREEN_STOPPED: gettext_lazy('Screen sharing stopped'),
    SessionFlag.RECORDER_CLOSED: gettext_lazy('Recorder closed'),
    SessionFlag.UPLOAD_GAP: gettext_lazy('Upload gap'),
    SessionFlag.RECORDING_MISSING: gettext_lazy('Recording missing'),
    SessionFlag.ANALYSIS_FAILED: gettext_lazy('Analysis failed'),
    SessionFlag.ANALYSIS_QUARANTINED: gettext_lazy('Analysis stopped: the file kept failing'),
}


def provider_text(message_id):
    """A text a provider gives as a message of the catalogue (its name, its rules' labels), in the active language."""
    return gettext(message_id)  # pylint: disable=translation-of-non-string
