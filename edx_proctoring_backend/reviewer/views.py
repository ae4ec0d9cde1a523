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
from ..lms.pages import page_frame
from ..recordings.models import Recording
from .labels import (
    ANALYSIS_LABELS, FINDING_LABELS, FLAG_LABELS, OUTCOME_LABELS, RECORDING_LABELS, STAGE_LABELS, STATUS_LABELS,
    provider_text,
)
from .media import file_response
from .timeline import clock, timeline_svg

# Why a reviewer could not take a review (``privacy.access.take_review``'s codes).
REFUSED_TAKE = {
    'review_not_open': gettext_lazy('This attempt is still running: its review opens when it is submitted.'),
    'not_a_reviewer': gettext_lazy('Only a reviewer of the course may take this review.'),
}
# Why a decision was refused (``flow.reviews.record_review``'s codes).
REFUSED_DECISION = {
    'course_team_decides': gettext_lazy('Support escalated this review: the course team makes the final decision.'),
}
# Why a reviewer's mark was refused (``reviews.marks``' codes).
MARK_REFUSED = {
    'unknown_recording': gettext_lazy('That recording is not one of this attempt.'),
    'outside_recording': gettext_lazy('That moment is outside the recording.'),
    'note_too_long': gettext_lazy('The note is too long (500 characters at most).'),
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
            entry['status_label'] = STATUS_LABELS.get(entry['attempt'].status, entry['attempt'].status)
            entry['stage_label'] = STAGE_LABELS.get(entry['stage'], '')
            for recording in entry['recordings']:
                recording['label'] = RECORDING_LABELS.get(recording['kind'], recording['kind'])
                recording['status_label'] = ANALYSIS_LABELS.get(recording['status'], recording['status'])
        return render(request, 'edx_proctoring_backend/reviewer/queue.html', {
            **page_frame(),
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
        reviewer_marks = api.reviewer_marks(attempt)
        recordings = []
        for recording in evidence['recordings']:
            findings = list(recording.findings.all())
            # The video's 0:00 is the recording's first chunk: the flags are placed from there.
            marks = [((flag.at - recording.started).total_seconds(), label)
                     for flag, label in flags if flag.at >= recording.started]
            own_marks = [{'mark': mark, 'at': clock(mark.at_s),
                          'by': mark.author.username if mark.author else gettext('a former reviewer')}
                         for mark in reviewer_marks if mark.recording_id == recording.pk]
            marks += [(item['mark'].at_s, gettext('Mark by {reviewer}: {note}').format(
                reviewer=item['by'], note=item['mark'].note)) for item in own_marks]
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
                'marks': own_marks,
            })
        rules_text, rules = api.exam_rules_in_force(attempt.exam)
        providers = dict(api.available_providers())
        stage = api.review_stage(attempt)
        allowed = api.person_decisions(attempt, request.user, stage)
        return render(request, 'edx_proctoring_backend/reviewer/attempt.html', {
            **page_frame(),
            'may_see': api.may_see_evidence(attempt, request.user),
            'attempt': attempt, 'evidence': evidence, 'recordings': recordings,
            'decisions': [(value, label) for value, label in DECISIONS if value in allowed],
            'status_label': STATUS_LABELS.get(attempt.status, attempt.status),
            'stage': stage, 'stage_label': STAGE_LABELS.get(stage, ''),
            'rules_text': rules_text, 'rules': [(rule, provider_text(label), on) for rule, label, on in rules],
            'reviews': [_review_entry(review, providers) for review in
                        attempt.reviews.select_related('reviewer').order_by('created', 'pk')],
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
        if request.POST.get('action') == 'mark':
            return self._mark(request, attempt)
        outcome = request.POST.get('outcome', '')
        comment = request.POST.get('comment', '').strip()
        if outcome not in dict(DECISIONS):
            return self.get(request, attempt_id, error=gettext('Choose a decision.'), status=400)
        if outcome != api.Outcome.SATISFACTORY and not comment:
            return self.get(request, attempt_id, error=gettext('Say why in the comment.'), status=400)
        try:
            api.record_review(attempt, outcome, by=request.user, comment=comment)
        except api.NotAllowed as error:
            return self.get(request, attempt_id, error=str(REFUSED_DECISION.get(error.code, error)), status=409)
        queue = reverse('edx_proctoring_backend:review-queue')
        if not api.may_review(request.user):  # a course's reviewer sees that course's queue
            queue += '?' + urlencode({'course_id': attempt.exam.course_key})
        return HttpResponseRedirect(queue)

    def _mark(self, request, attempt):
        """A reviewer's mark at a moment of one recording; back to that recording on the page."""
        try:
            at_s = api.parse_moment(request.POST.get('at', ''))
            recording_id = int(request.POST.get('recording_id', ''))
        except (TypeError, ValueError, OverflowError):
            return self.get(request, attempt.pk, error=gettext('Give the moment as minutes:seconds, e.g. 12:05.'),
                            status=400)
        try:
            mark = api.add_reviewer_mark(attempt, recording_id, at_s, request.POST.get('note', ''), request.user)
        except api.NotAllowed as error:
            return self.get(request, attempt.pk, error=str(MARK_REFUSED.get(error.code, error)), status=400)
        page = reverse('edx_proctoring_backend:review-attempt', args=[attempt.pk])
        return HttpResponseRedirect(f'{page}#recording-{mark.recording_id}')


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
        'confidence': gettext('confidence'),
        'history': gettext('Reviews so far'), 'decision': gettext('Your decision'),
        'comment': gettext('Comment (required unless satisfactory)'), 'send': gettext('Record the decision'),
        'not_decidable': gettext('This attempt cannot be reviewed in its current state.'),
        'back': gettext('Back to the queue'), 'accepted': gettext('accepted'), 'refused': gettext('refused'),
        'terms_version': gettext('terms version'), 'warnings': gettext('Analysis notes'),
        'by': gettext('by'),
        'stage': gettext('Stage'),
        'course_team_decides': str(REFUSED_DECISION['course_team_decides']),
        'marks': gettext("Reviewers' marks"), 'no_marks': gettext('No marks yet.'),
        'add_mark': gettext('Mark a moment'), 'mark_at': gettext('Moment (minutes:seconds)'),
        'mark_note': gettext('What you saw'), 'mark_save': gettext('Add the mark'),
        'mark_now': gettext('Use the video\'s current time'),
        'rules': gettext('What this exam allows'), 'yes': gettext('yes'), 'no': gettext('no'),
        'no_rules': gettext('The course team set no rules for this exam.'),
        'vendor_verdict': gettext("the proctoring service's verdict:"),
        'conflicts': gettext('contradicts an earlier verdict, so a person decides'),
        'remarks': gettext("The reviewer's remarks, with their time in the recording"),
        'vendor_video': gettext("The proctoring service's recording of the session (opens its site)"),
        'take': gettext('Take this review'),
        'take_intro': gettext('The recordings and photos are shown to the reviewer who takes the review, and to the '
                              'course team once something is flagged. Your views are recorded.'),
    }


def _review_entry(review, providers):
    """
    One verdict as the page shows it: who gave it (``providers``: their names by provider), in their words
    and in the package's, with the remarks.
    """
    return {
        'review': review,
        'by': review.reviewer.username if review.reviewer else provider_text(providers.get(review.provider,
                                                                                           review.provider)),
        'outcome': OUTCOME_LABELS.get(review.outcome, review.outcome),
        # The vendor's own word, where it is not already one of ours.
        'verdict': review.verdict if not review.by_person and review.verdict != review.outcome else '',
        'remarks': [{'start': clock(remark['start_s']), 'end': clock(remark['end_s']),
                     'start_s': remark['start_s'], 'comment': remark.get('comment', ''),
                     'status': remark.get('status', '')}
                    for remark in review.comments or () if isinstance(remark, dict) and 'start_s' in remark
                    and 'end_s' in remark],
        'notes': [remark.get('comment', '') for remark in review.comments or ()
                  if isinstance(remark, dict) and 'start_s' not in remark and remark.get('comment')],
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
