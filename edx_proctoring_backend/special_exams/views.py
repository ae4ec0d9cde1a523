"""
The learner's side of in-house proctoring behind edx-proctoring (``backend.LocalBackend``):

* the worker script the learning MFE runs for the start and the pings (``get_javascript``);
* the recording's status it asks for, by the attempt's external id, without a cookie (the MFE is on
  another origin; the external id, a random value known to the learner's browser, names the attempt);
* the recording window (the attempt's ``download_url``): the terms, the photos, the recording.

Thin views over ``api`` and ``mirror``; the pages are the block's (``proctored_xblock``), with the same
capture script. Mounted only where edx-proctoring is installed (``urls``).
"""
import json
from functools import lru_cache

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View
# edx-proctoring is the platform's, not a requirement of this package: only the LMS and the
# test-edx-proctoring environment can import it.
# pylint: disable=import-error
from edx_proctoring import api as edx_api
from edx_proctoring.utils import get_exam_url

from edx_proctoring_backend import api
from proctored_xblock import capture as block_capture, views as block_views
from proctored_xblock.i18n import BlockI18nService
from proctored_xblock.resources import read_static

from . import mirror
from .backend import RECORDING_STATUSES, RECORDING_WINDOW_STATUSES, lms_url

_NO_STORE = {'Cache-Control': 'no-store'}
# How often the recording window asks where its attempt stands (seconds).
WINDOW_POLL_SECONDS = 3
_EXTERNAL_ID_MARK = 'external-id'


def _edx_attempt(external_id):
    """edx-proctoring's attempt (a dict) with this external id, when one of this package's backends has it."""
    edx_attempt = edx_api.get_exam_attempt_by_external_id(external_id)
    if edx_attempt is None or mirror.our_backend(edx_attempt['proctored_exam']) is None:
        return None
    return edx_attempt


def _status_url(external_id):
    return lms_url(reverse('edx_proctoring_backend:special-exams-recording-status', args=[external_id]))


@lru_cache(maxsize=None)
def _worker_script(status_url):
    """The worker's text, with the status URL (``{external_id}`` in place of the id) as a JS string."""
    return read_static('js/special_exams_worker.js').replace("'{status_url}'", json.dumps(status_url))


class WorkerScriptView(View):
    """GET: edx-proctoring's worker script for the ``local`` backend (JavaScript, the same for every attempt)."""

    http_method_names = ['get']

    def get(self, request):
        """The script, which the learning MFE loads with ``importScripts`` from its own origin."""
        status_url = _status_url(_EXTERNAL_ID_MARK).replace(_EXTERNAL_ID_MARK, '{external_id}')
        return HttpResponse(_worker_script(status_url), content_type='application/javascript; charset=utf-8',
                            headers={'Cache-Control': 'public, max-age=3600'})


class RecordingStatusView(View):
    """
    GET: ``{"status": this package's attempt status, "recording": "live" | "not_started" | "stopped" |
    "ended", "recordings": {kind: state}}`` of the attempt with this external id, or 404. Readable from any
    origin, without credentials (the worker runs on the learning MFE's); never cached.
    """

    http_method_names = ['get']

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        response['Access-Control-Allow-Origin'] = '*'
        return response

    def get(self, request, external_id):
        """
        The recording's status. Not rate-limited: a campus's learners share one address, and a refusal
        would fail their pings; the external id cannot be guessed, and the answer costs three queries.
        """
        edx_attempt = _edx_attempt(external_id)
        ours = mirror.attempt_for(edx_attempt) if edx_attempt else None
        if edx_attempt is None:
            return JsonResponse({'error': 'attempt_not_found'}, status=404, headers=_NO_STORE)
        if ours is None:
            # The learner has not agreed to the terms in the recording window yet.
            return JsonResponse({'status': None, 'recording': 'not_started', 'recordings': {},
                                 'message': gettext('Open the recording page and agree to the terms first.')},
                                headers=_NO_STORE)
        try:
            answer = api.recording_status(ours)
        except api.AttemptNotFound:
            return JsonResponse({'error': 'attempt_not_found'}, status=404, headers=_NO_STORE)
        if answer['recording'] != api.RECORDING_LIVE:
            answer['message'] = gettext('The recording is not running: start it on the recording page.')
        return JsonResponse(answer, headers=_NO_STORE)


class RecordingWindowView(View):
    """
    The recording window of the learner's attempt with this external id (the learning MFE opens it as
    the attempt's ``download_url``). GET shows the stage the attempt is at; POST ``action``: ``agree`` or
    ``refuse`` (with ``terms_version``), ``confirm`` (the checks are done), then shows the page again.
    """

    http_method_names = ['get', 'post']

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        edx_attempt = _edx_attempt(kwargs['external_id'])
        if edx_attempt is None or edx_attempt['user']['id'] != request.user.pk:
            return HttpResponse(gettext('There is no such exam attempt.'), status=404, content_type='text/plain')
        exam = api.hosted_exam(edx_attempt['proctored_exam']['id'])
        if exam is None:
            return HttpResponse(gettext('There is no such exam attempt.'), status=404, content_type='text/plain')
        self.edx_attempt, self.exam = edx_attempt, exam  # pylint: disable=attribute-defined-outside-init
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, external_id, error='', status=200):  # pylint: disable=unused-argument
        """The page at the attempt's stage (the attempt was found from ``external_id`` in ``dispatch``)."""
        ours = mirror.attempt_for(self.edx_attempt)
        i18n = BlockI18nService()
        stage, plan, context = self._stage(request, ours, i18n)
        html = block_views.render_recording_window(
            i18n, stage, self.exam.display_name, read_static('css/proctored_exam.css'), plan=plan,
            csrf_token=get_token(request), error=error, **context)
        return HttpResponse(html, status=status, headers=_NO_STORE)

    def post(self, request, external_id):
        """Do the learner's step, then show the page (again, with the reason when it was refused)."""
        action, version = request.POST.get('action'), request.POST.get('terms_version', '')
        try:
            if self.edx_attempt['status'] not in RECORDING_WINDOW_STATUSES:
                raise api.AttemptNotFound()   # every step here comes before the start
            if action == 'agree':
                mirror.open_attempt(self.edx_attempt, terms_version=version)
            elif action == 'refuse':
                api.refuse_terms(request.user, self.exam, version)
            elif action == 'confirm':
                ours = mirror.attempt_for(self.edx_attempt)
                if ours is None:
                    raise api.AttemptNotFound()
                api.confirm_checks(request.user, self.exam, ours.exam_code)
            else:
                return self.get(request, external_id, error=gettext('Unknown action.'), status=400)
        except api.TermsChanged:
            return self.get(request, external_id, status=409, error=gettext(
                'The terms changed while you were reading them. Read them again before you choose.'))
        except api.ChecksNotPassed:
            return self.get(request, external_id, status=409, error=gettext(
                'Complete the proctoring steps before starting the exam.'))
        except (api.AttemptNotFound, api.NotAllowed):
            return self.get(request, external_id, status=409, error=gettext(
                'This step is not possible now: the page shows where your exam stands.'))
        return HttpResponseRedirect(request.get_full_path(), status=303)

    def _stage(self, request, ours, i18n):
        """``(stage, plan, context)`` of the page for this package's attempt ``ours`` (None before the terms)."""
        terms = api.consent_terms(self.exam)
        waiting = self.edx_attempt['status'] in RECORDING_STATUSES
        if ours is None and waiting:
            refused = api.learner_state(request.user, self.exam).refused
            return ('refused' if refused else 'terms'), None, {'terms': terms}
        capture = block_capture.capture_plan(request.user, self.exam) if ours is not None else None
        if ours is None or capture is None or not waiting:
            return 'ended', None, {'message': block_views.recording_window_messages(i18n.gettext)['ended']}
        plan = {'stage': 'recording', 'status_url': _status_url(self.edx_attempt['external_id']),
                'poll_seconds': WINDOW_POLL_SECONDS}
        if ours.status == api.AttemptStatus.CREATED:
            # The page uses the exam code itself: the learner has nothing to type.
            steps = [step for step in capture['steps'] if step != api.Step.EXAM_CODE]
            return 'checks', dict(plan, stage='checks', capture=dict(capture, mode='checks')), {'step_names': steps}
        exam_url = get_exam_url(self.edx_attempt['proctored_exam']['course_id'],
                                self.edx_attempt['proctored_exam']['content_id'], True)
        return 'recording', dict(plan, capture=dict(capture, mode='exam')), {
            'exam_url': exam_url, 'records_screen': 'screen' in capture['recordings']}
