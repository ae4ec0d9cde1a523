"""
The reviewer's pages: the queue (``GET``), one attempt (``GET`` the evidence, ``POST`` the decision)
and its media (recordings, photos, thumbnails), for the people who review the attempt's course (its
instructors, support and global staff; the queue of every course for support and global staff).
Thin over ``api``.
"""
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views import View

from .. import api, page_headers
from ..recordings.models import Recording, SessionFlag
from ..video import events
from .media import file_response
from .timeline import clock, timeline_svg

FINDING_LABELS = {
    events.NO_FACE: gettext_lazy('No face'),
    events.MULTIPLE_FACES: gettext_lazy('More than one face'),
    events.FACE_MISMATCH: gettext_lazy('Face does not match the photo'),
    events.LOOKING_AWAY: gettext_lazy('Looking away'),
    events.CAMERA_COVERED_OR_DARK: gettext_lazy('Camera covered or dark'),
    events.SCREEN_CHANGED: gettext_lazy('Screen changed'),
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
# Why a reviewer could not take a review (``privacy.access.take_review``'s codes).
REFUSED_TAKE = {
    'review_not_open': gettext_lazy('This attempt is still running: its review opens when it is submitted.'),
    'not_a_reviewer': gettext_lazy('Only a reviewer of the course may take this review.'),
}
# What a reviewer may decide; escalating asks support, then the course team, for another look.
DECISIONS = (
    (api.Outcome.SATISFACTORY, gettext_lazy('Satisfactory')),
    (api.Outcome.UNSATISFACTORY, gettext_lazy('Unsatisfactory')),
    (api.Outcome.SECOND_REVIEW, gettext_lazy('Escalate for another review')),
)


class ReviewerView(View):
    """Anonymous visitors sign in first; each view checks who may review what it shows."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return page_headers.protect(super().dispatch(request, *args, **kwargs), page_headers.REVIEWER)


class ReviewQueueView(ReviewerView):
    """GET: attempts awaiting a person's decision, oldest first, with each recording's analysis state."""

    http_method_names = ['get']

    def get(self, request):
        """The queue page (``?course_id=`` to show one course)."""
        course_key = request.GET.get('course_id') or None
        if course_key is not None:
            course_key = api.course_key_or_none(course_key)
            if course_key is None:
                raise Http404
        if not api.may_review(request.user, course_key):
            raise PermissionDenied
        entries = api.awaiting_review(course_key=course_key)
        for entry in entries:
            entry['status_label'] = entry['attempt'].get_status_display()
            for recording in entry['recordings']:
                recording['label'] = RECORDING_LABELS.get(recording['kind'], recording['kind'])
                recording['status_label'] = ANALYSIS_LABELS.get(recording['status'], recording['status'])
        return render(request, 'edx_proctoring_backend/reviewer/queue.html', {
            'entries': entries, 'course_key': course_key, 'recording_labels': RECORDING_LABELS, 'text': page_text(),
        })


class AttemptReviewView(ReviewerView):
    """GET: one attempt's evidence and the decision form; POST: the decision."""

    http_method_names = ['get', 'post']

    def get(self, request, attempt_id, error='', status=200):
        """The attempt's page."""
        attempt = _attempt_or_404(attempt_id, request.user)
        evidence = api.session_evidence(attempt)
        flags = [(flag, FLAG_LABELS.get(flag.kind, flag.kind)) for flag in evidence['flags']]
        recordings = []
        for recording in evidence['recordings']:
            findings = list(recording.findings.all())
            # The video's 0:00 is the recording's first chunk: the flags are placed from there.
            marks = [((flag.at - recording.started).total_seconds(), label)
                     for flag, label in flags if flag.at >= recording.started]
            duration = (recording.analysis_summary or {}).get('duration_s') or 0
            label = RECORDING_LABELS.get(recording.kind, recording.kind)
            recordings.append({
                'recording': recording, 'label': label,
                'findings': [{'finding': finding, 'label': FINDING_LABELS.get(finding.kind, finding.kind),
                              'start': clock(finding.start_s), 'end': clock(finding.end_s),
                              'confidence': round(finding.confidence * 100)} for finding in findings],
                'timeline': timeline_svg(duration, findings, marks if recording.kind != Recording.ROOM_SCAN else (),
                                         labels=FINDING_LABELS,
                                         title=gettext('{recording}: suggested moments').format(recording=label)),
                'warnings': (recording.analysis_summary or {}).get('warnings', []),
            })
        return render(request, 'edx_proctoring_backend/reviewer/attempt.html', {
            'may_see': api.may_see_evidence(attempt, request.user),
            'attempt': attempt, 'evidence': evidence, 'recordings': recordings, 'decisions': DECISIONS,
            'reviews': attempt.reviews.select_related('reviewer').order_by('created', 'pk'),
            'error': error, 'decidable': api.may_decide(attempt), 'flags': flags, 'text': page_text(),
        }, status=status)

    def post(self, request, attempt_id):
        """Record the decision and go back to the queue; a refused one shows the page again with why."""
        attempt = _attempt_or_404(attempt_id, request.user)
        if request.POST.get('action') == 'take':
            try:
                api.take_review(attempt, request.user)
            except api.NotAllowed as error:
                return self.get(request, attempt_id, error=REFUSED_TAKE.get(error.code, str(error)), status=409)
            return HttpResponseRedirect(reverse('edx_proctoring_backend:review-attempt', args=[attempt.pk]))
        if not api.may_see_evidence(attempt, request.user):
            return self.get(request, attempt_id, error=gettext('Take the review before deciding it.'), status=409)
        outcome = request.POST.get('outcome', '')
        comment = request.POST.get('comment', '').strip()
        if outcome not in dict(DECISIONS):
            return self.get(request, attempt_id, error=gettext('Choose a decision.'), status=400)
        if outcome != api.Outcome.SATISFACTORY and not comment:
            return self.get(request, attempt_id, error=gettext('Say why in the comment.'), status=400)
        try:
            api.record_review(attempt, outcome, by=request.user, comment=comment)
        except api.NotAllowed as error:
            return self.get(request, attempt_id, error=str(error), status=409)
        queue = reverse('edx_proctoring_backend:review-queue')
        if not api.may_review(request.user):  # a course's reviewer sees that course's queue
            queue += '?' + urlencode({'course_id': attempt.exam.course_key})
        return HttpResponseRedirect(queue)


class ReviewMediaView(ReviewerView):
    """GET: a recording, photo or thumbnail of an attempt, with range requests."""

    http_method_names = ['get']

    def get(self, request, kind, object_id):
        """The file's bytes, or 404."""
        try:
            # Whatever the Range header: the viewing is recorded (once for the requests of one viewing).
            handle, size, content_type = api.review_media(kind, object_id, viewer=request.user)
        except api.AttemptNotFound as error:
            raise Http404 from error
        return file_response(request, handle, size, content_type)


def page_text():
    """The reviewer pages' fixed texts, in the active language."""
    return {
        'queue_title': gettext('Proctoring review queue'),
        'queue_intro': gettext('Attempts awaiting a decision by a person, oldest first. The video analysis '
                               'only suggests moments to look at; you decide.'),
        'queue_caption': gettext('Attempts awaiting review'),
        'learner': gettext('Learner'), 'exam': gettext('Exam'), 'submitted': gettext('Submitted'),
        'status': gettext('Status'), 'analysis': gettext('Analysis'), 'action': gettext('Action'),
        'review': gettext('Review'), 'empty': gettext('Nothing awaits review.'),
        'no_recording': gettext('No recording'),
        'attempt_title': gettext('Review of an attempt'),
        'consent': gettext('Consent'), 'photos': gettext('Photos'), 'user_photo': gettext('Photo'),
        'id_photo': gettext('ID photo'), 'interruptions': gettext('Interruptions'),
        'none': gettext('None'), 'recordings': gettext('Recordings'),
        'moments': gettext('Suggested moments'), 'no_moments': gettext('The analysis suggests nothing here.'),
        'jump': gettext('Go to this moment'), 'confidence': gettext('confidence'),
        'history': gettext('Reviews so far'), 'decision': gettext('Your decision'),
        'comment': gettext('Comment (required unless satisfactory)'), 'send': gettext('Record the decision'),
        'not_decidable': gettext('This attempt cannot be reviewed in its current state.'),
        'back': gettext('Back to the queue'), 'accepted': gettext('accepted'), 'refused': gettext('refused'),
        'terms_version': gettext('terms version'), 'warnings': gettext('Analysis notes'),
        'by': gettext('by'),
        'take': gettext('Take this review'),
        'take_intro': gettext('The recordings and photos are shown to the reviewer who takes the review, and to the '
                              'course team once something is flagged. Your views are recorded.'),
    }


def _attempt_or_404(attempt_id, viewer):
    """The attempt, if ``viewer`` may review its course; else "not found" (nothing is told about it)."""
    try:
        attempt = api.attempt_under_review(attempt_id)
    except api.AttemptNotFound as error:
        raise Http404 from error
    if not api.may_review(viewer, attempt.exam.course_key):
        raise Http404
    return attempt
