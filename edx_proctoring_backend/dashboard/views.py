"""
The instructor dashboard's pages, one course at a time: plain HTML forms (they work with the keyboard
and without JavaScript), thin over ``api`` like the REST API beside them. Inside the LMS they are the
"Proctored exams" tab of the instructor dashboard (``lms/dashboard_tab.py``); they can be framed by
the LMS's own pages only.

Each page checks the caller's role in the course: a user who may do nothing there gets a 403, and an
object of another course is "not found".
"""
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.views import View
from django.views.decorators.clickjacking import xframe_options_sameorigin

from .. import api, page_headers
from ..exams.ids import parse_id
from ..lms.pages import page_frame
from ..reviewer.labels import STAGE_LABELS, provider_text
from . import labels

Role = api.Role
TEMPLATES = 'edx_proctoring_backend/dashboard/'
# The stages of a second review; a submitted attempt may await its vendor rather than a person.
SECOND_REVIEW_STAGE_LABELS = {stage: label for stage, label in STAGE_LABELS.items() if stage != api.FIRST_REVIEW}


def dashboard_url(course_key, name, *args, **query):
    """The address of one of the dashboard's pages for the course (``args``: an attempt's id)."""
    url = reverse(f'edx_proctoring_backend:dashboard-{name}', args=[str(course_key), *args])
    query = {key: value for key, value in query.items() if value not in (None, '')}
    return f'{url}?{urlencode(query)}' if query else url


@method_decorator(xframe_options_sameorigin, name='dispatch')
class DashboardView(View):
    """A page of one course's dashboard; ``capability`` is what the caller's role must allow."""

    capability = Role.VIEW_ATTEMPTS  # None: any signed-in user gets past ``dispatch``
    tab = ''
    course_key = None
    granted = frozenset()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.course_key = api.course_key_or_none(kwargs['course_id'])
        if self.course_key is None:
            raise Http404
        self.granted = api.Role.capabilities(request.user, self.course_key)
        if self.capability is not None and self.capability not in self.granted:
            raise PermissionDenied
        return page_headers.protect(super().dispatch(request, *args, **kwargs), page_headers.DASHBOARD)

    def page(self, template, status=200, **context):
        """Render the page with the dashboard's tabs and texts."""
        tabs = [(name, label, dashboard_url(self.course_key, name)) for name, label, needs in labels.tabs()
                if needs in self.granted]
        return render(self.request, TEMPLATES + template, {
            'course_key': self.course_key, 'tabs': tabs, 'current_tab': self.tab, 'text': labels.page_text(),
            'notice': self._notice() if self.request.method == 'GET' else '',
            'embedded': self.embedded, 'granted': self.granted, **page_frame(framed=self.embedded), **context,
        }, status=status)

    def _notice(self):
        """What the address says was just done; the learner is the one of the recorded change it names."""
        change = api.course_allowance_change(self.course_key, self.request.GET.get('change'))
        return labels.notice(self.request.GET.get('notice', ''), change.user.username if change else '')

    @property
    def embedded(self):
        """Whether the page is framed by the LMS's instructor dashboard (its links stay framed)."""
        return self.request.GET.get('embedded') == '1'

    def back(self, name, *args, **query):
        """Go to a page of the dashboard (after a change: so a reload sends nothing twice)."""
        if self.embedded:
            query['embedded'] = '1'
        return HttpResponseRedirect(dashboard_url(self.course_key, name, *args, **query))

    def do_action(self, request, actions):
        """
        Do what the form's ``action`` names (``actions``: name → method of the page); an unknown one, or a
        refusal of the exam rules, shows the page again with why and the form as it was sent.
        """
        # pylint: disable=no-member  # every page that takes a form shows it with its ``get``
        handler = actions.get(request.POST.get('action', ''))
        if handler is None:
            return self.get(request, self.course_key, errors=[gettext('Unknown action.')], status=400)
        try:
            return handler(request)
        except api.NotAllowed as error:
            return self.get(request, self.course_key, errors=[labels.error_message(error)], status=400,
                            form=request.POST)

    def exam_or_none(self, exam_id):
        """The course's exam of a form field, or None."""
        try:
            exam_id = parse_id(exam_id)
            return api.course_exam(self.course_key, exam_id) if exam_id else None
        except (ValueError, api.ExamNotFound):
            return None


# ---- Allowances -------------------------------------------------------------------------------------------

class AllowancesPage(DashboardView):
    """GET: the allowances in force and the latest changes; POST: add, change, remove, bulk add."""

    capability = Role.MANAGE_ALLOWANCES
    tab = 'allowances'
    HISTORY_ROWS = 20

    def get(self, request, course_id, errors=None, bulk_rows=None, status=200,  # pylint: disable=unused-argument
            form=None):
        """The allowances page (after a refused form: its ``errors``, and the ``form`` as it was sent)."""
        query = request.GET.get('q', '')
        exam_id = request.GET.get('exam_id', '')
        found = api.course_allowances(self.course_key, exam_id=_int_or_none(exam_id), query=query)
        return self.page('allowances.html', status=status, exams=api.course_exams(self.course_key),
                         allowances=[(allowance, labels.allowance_kind(allowance.kind)) for allowance in found],
                         changes=[(change, labels.allowance_kind(change.kind))
                                  for change in api.allowance_changes(self.course_key, limit=self.HISTORY_ROWS)],
                         kinds=labels.allowance_kinds(), errors=errors or [], bulk_rows=bulk_rows,
                         form=form or {}, query=query, exam_id=exam_id)

    def post(self, request, course_id):  # pylint: disable=unused-argument
        """One change, then back to the page saying what it did (a bulk add lists each learner)."""
        return self.do_action(request, {'add': self._add, 'update': self._update, 'remove': self._remove,
                                        'bulk': self._bulk})

    def _saved(self, result):
        """Back to the page, saying whether the change reaches the learner's next start only."""
        if result.change is None:
            return self.back('allowances', notice='unchanged')
        notice = 'saved_after_start' if result.started_attempt is not None else 'saved'
        return self.back('allowances', notice=notice, change=result.change.pk)

    def _add(self, request):
        """One allowance for one learner (named by username or email)."""
        exam = self.exam_or_none(request.POST.get('exam_id'))
        user = api.find_learner(request.POST.get('learner', ''), self.course_key)
        errors = []
        if exam is None:
            errors.append(gettext('Choose an exam.'))
        if user is None:
            errors.append(gettext('No learner has this username or email.'))
        if request.POST.get('kind') not in api.Allowance.KINDS:
            errors.append(gettext('Choose a kind of allowance.'))
        if errors:
            return self.get(request, self.course_key, errors=errors, status=400, form=request.POST)
        value = request.POST.get('value', '').strip() or 'true'
        result = api.set_allowance(exam, user, request.POST['kind'], value, created_by=request.user)
        return self._saved(result)

    def _allowance(self, request):
        """The course's allowance the form names (``allowance_id``), or a 404."""
        try:
            allowance_id = parse_id(request.POST.get('allowance_id'))
            if allowance_id is None:
                raise ValueError('no allowance')
            return api.course_allowance(self.course_key, allowance_id)
        except (ValueError, api.AllowanceNotFound) as error:
            raise Http404 from error

    def _update(self, request):
        allowance = self._allowance(request)
        result = api.set_allowance(allowance.exam, allowance.user, allowance.kind, request.POST.get('value', ''),
                                   created_by=request.user)
        return self._saved(result)

    def _remove(self, request):
        allowance = self._allowance(request)
        result = api.remove_allowance(allowance.exam, allowance.user, allowance.kind, removed_by=request.user)
        notice = 'removed_after_start' if result.started_attempt is not None else 'removed'
        return self.back('allowances', notice=notice, change=result.change.pk)

    def _bulk(self, request):
        """The same allowance for every learner of a list or a CSV file; a table says what each got."""
        exam = self.exam_or_none(request.POST.get('exam_id'))
        kind = request.POST.get('kind', '')
        text = request.POST.get('learners', '')
        upload = request.FILES.get('file')
        errors = []
        if upload is not None:
            try:
                text = api.read_bulk_file(upload)
            except api.NotAllowed as error:
                errors.append(labels.error_message(error))
        if exam is None:
            errors.append(gettext('Choose an exam.'))
        if kind not in api.Allowance.KINDS:
            errors.append(gettext('Choose a kind of allowance.'))
        if not errors and not text.strip():
            errors.append(gettext('List at least one username or email.'))
        if errors:
            return self.get(request, self.course_key, errors=errors, status=400, form=request.POST)
        value = request.POST.get('value', '').strip() or 'true'
        rows = api.bulk_set_allowances(exam, text, kind, value, by=request.user)
        return self.get(request, self.course_key, bulk_rows=[(row, labels.bulk_outcome(row)) for row in rows])


def _int_or_none(value):
    try:
        return parse_id(value)
    except ValueError:
        return None


# ---- Attempts ---------------------------------------------------------------------------------------------

class AttemptsPage(DashboardView):
    """GET: search the course's attempts by learner, exam and status, a page at a time."""

    tab = 'attempts'

    def get(self, request, course_id):  # pylint: disable=unused-argument
        """The search form and one page of results."""
        params = request.GET
        status = params.get('status', '')
        if status not in api.AttemptStatus.ALL:
            status = ''
        page = api.search_attempts(self.course_key, query=params.get('q', ''),
                                   exam_id=_int_or_none(params.get('exam_id', '')), status=status or None,
                                   page=_int_or_none(params.get('page', '')) or 1)
        query = {'q': params.get('q', ''), 'exam_id': params.get('exam_id', ''), 'status': status,
                 'embedded': '1' if self.embedded else ''}
        return self.page('attempts.html', page=page, exams=api.course_exams(self.course_key), query=query,
                         count_text=labels.attempts_found(page),
                         statuses=labels.statuses(),
                         rows=[(attempt, labels.status(attempt.status)) for attempt in page.items],
                         previous_url=dashboard_url(self.course_key, 'attempts', **query, page=page.number - 1)
                         if page.has_previous else '',
                         next_url=dashboard_url(self.course_key, 'attempts', **query, page=page.number + 1)
                         if page.has_next else '')


class AttemptPage(DashboardView):
    """GET: one attempt, its whole history and what staff may do; POST: reset, end, decide."""

    tab = 'attempts'

    def _attempt(self, attempt_id):
        """The course's attempt, or a 404."""
        try:
            return api.course_attempt(self.course_key, attempt_id)
        except api.AttemptNotFound as error:
            raise Http404 from error

    def get(self, request, course_id, attempt_id, error='', status=200):  # pylint: disable=unused-argument
        """The attempt's page."""
        attempt = self._attempt(attempt_id)
        history = [(change, labels.status(change.from_status) if change.from_status else '',
                    labels.status(change.to_status)) for change in api.attempt_history_with_people(attempt)]
        reviews = attempt.reviews.select_related('reviewer').order_by('created', 'pk')
        may_review = Role.REVIEW in self.granted
        stage = api.review_stage(attempt)
        allowed = api.person_decisions(attempt, request.user, stage)
        decisions = [(outcome, label) for outcome, label in labels.decisions() if outcome in allowed]
        return self.page(
            'attempt.html', status=status, attempt=attempt, status_label=labels.status(attempt.status),
            history=history, reviews=reviews, error=error, monitor_report=api.monitor_report_of(attempt),
            may_manage=Role.MANAGE_ATTEMPTS in self.granted,
            may_reset=attempt.status != api.AttemptStatus.RESET,
            may_submit=attempt.status == api.AttemptStatus.STARTED,
            may_error=attempt.status in api.AttemptStatus.IN_PROGRESS,
            code_locked=attempt.code_locked_at is not None,
            may_decide=may_review and api.may_decide(attempt) and bool(decisions), decisions=decisions,
            stage_label=SECOND_REVIEW_STAGE_LABELS.get(stage, ''),
            evidence_url=reverse('edx_proctoring_backend:review-attempt', args=[attempt.pk])
            if may_review and attempt.exam.exam_type == api.ExamType.PROCTORED else '',
        )

    def post(self, request, course_id, attempt_id):
        """Do what the form asks, then show the attempt again."""
        attempt = self._attempt(attempt_id)
        action = request.POST.get('action', '')
        reason = request.POST.get('reason', '').strip()[:200]
        needs = Role.REVIEW if action == 'decide' else Role.MANAGE_ATTEMPTS
        if needs not in self.granted:
            raise PermissionDenied
        try:
            if action == 'reset':
                api.reset_attempt(attempt, by=request.user, reason=f'reset by staff: {reason}' if reason else '')
                notice = 'attempt_reset'
            elif action == 'unlock_code':
                api.unlock_exam_code(attempt, by=request.user, reason=reason)
                notice = 'code_unlocked'
            elif action in ('submit', 'error'):
                if not reason:
                    return self.get(request, course_id, attempt_id, status=400,
                                    error=gettext('Say why in the reason.'))
                if action == 'submit':
                    api.mark_submitted(attempt, by=request.user, reason=reason)
                else:
                    api.mark_stuck_error(attempt, by=request.user, reason=reason)
                notice = 'attempt_submitted' if action == 'submit' else 'attempt_errored'
            elif action == 'decide':
                return self._decide(request, attempt)
            else:
                return self.get(request, course_id, attempt_id, error=gettext('Unknown action.'), status=400)
        except api.IllegalTransition:
            return self.get(request, course_id, attempt_id, status=409,
                            error=labels.error_message(api.IllegalTransition(attempt.status, '')))
        return self._back_to(attempt, notice)

    def _decide(self, request, attempt):
        """A person's decision on the attempt's review, or why it was refused."""
        outcome = request.POST.get('outcome', '')
        comment = request.POST.get('comment', '').strip()
        if outcome not in api.PERSON_DECISIONS:
            return self.get(request, self.course_key, attempt.pk, error=gettext('Choose a decision.'), status=400)
        if outcome != api.Outcome.SATISFACTORY and not comment:
            return self.get(request, self.course_key, attempt.pk, error=gettext('Say why in the comment.'), status=400)
        if not api.may_decide(attempt):
            return self.get(request, self.course_key, attempt.pk, status=409,
                            error=labels.error_message(api.NotAllowed(code='not_reviewable')))
        try:
            api.record_review(attempt, outcome, by=request.user, comment=comment)
        except api.NotAllowed as error:
            return self.get(request, self.course_key, attempt.pk, error=labels.error_message(error), status=409)
        return self._back_to(attempt, 'review_recorded')

    def _back_to(self, attempt, notice):
        """Back to the attempt's page, saying what was done."""
        return self.back('attempt', attempt.pk, notice=notice)


# ---- Booked sittings --------------------------------------------------------------------------------------

class SittingsPage(DashboardView):
    """
    GET: each exam taken at booked sittings, its sittings and who booked each; POST: publish a sitting,
    cancel one, move or cancel a learner's booking (always with a reason, which is kept and e-mailed).
    """

    capability = Role.MANAGE_SITTINGS
    tab = 'sittings'

    def get(self, request, course_id, errors=None, form=None, status=200):  # pylint: disable=unused-argument
        """The sittings of every exam taken at booked sittings (after a refused form: why, and the form as sent)."""
        exams = []
        form = form or {}
        for exam in api.booking_exams(self.course_key):
            schedule = api.exam_schedule(exam)
            # A refused new sitting is shown again as it was typed.
            refill = form if form.get('action') == 'add' and form.get('exam_id') == str(exam.pk) else {}
            exams.append({'exam': exam, 'refill': refill, 'sittings': [
                {'sitting': sitting, 'moment': api.told_moment(sitting.starts_at, exam.time_zone),
                 'place': api.place_label(sitting.place), 'bookings': bookings,
                 'others': [(other.pk, api.told_moment(other.starts_at, exam.time_zone))
                            for other, _bookings in schedule if other.pk != sitting.pk]}
                for sitting, bookings in schedule]})
        return self.page('sittings.html', status=status, exams=exams, errors=errors or [],
                         places=[(place, api.place_label(place)) for place in api.SITTING_PLACES])

    def post(self, request, course_id):  # pylint: disable=unused-argument
        """One change, then back to the page saying what it did."""
        return self.do_action(request, {'add': self._add, 'cancel_sitting': self._cancel_sitting, 'move': self._move,
                                        'cancel_booking': self._cancel_booking})

    def _exam(self, request):
        """The course's exam taken at booked sittings the form names, or a 404."""
        exam = self.exam_or_none(request.POST.get('exam_id'))
        if exam is None or not api.requires_booking(exam):
            raise Http404
        return exam

    def _add(self, request):
        """Publish a sitting of the exam the form names."""
        exam = self._exam(request)
        try:
            api.add_sitting(exam, request.POST.get('starts_at', ''), request.POST.get('minutes', ''),
                            request.POST.get('capacity', ''), place=request.POST.get('place', ''),
                            location=request.POST.get('location', ''), proctor=request.POST.get('proctor', ''),
                            by=request.user)
        except api.InvalidSettings as error:
            messages = labels.sitting_field_errors()
            return self.get(request, self.course_key, status=400, form=request.POST,
                            errors=[messages.get(field, labels.error_messages()['default']) for field in error.fields])
        return self.back('sittings', notice='sitting_added')

    @staticmethod
    def _id(request, name):
        """The id a form field names, or None (absent, or not an id)."""
        try:
            return parse_id(request.POST.get(name))
        except ValueError:
            return None

    def _sitting(self, request, exam):
        """The exam's sitting the form names, or a 404."""
        sitting_id = self._id(request, 'sitting_id')
        sitting = api.exam_sitting(exam, sitting_id) if sitting_id else None
        if sitting is None:
            raise Http404
        return sitting

    def _booking(self, request, exam):
        """The exam's booking the form names, or a 404."""
        booking_id = self._id(request, 'booking_id')
        booking = api.exam_booking(exam, booking_id) if booking_id else None
        if booking is None:
            raise Http404
        return booking

    def _cancel_sitting(self, request):
        """Cancel a whole sitting, with the reason."""
        exam = self._exam(request)
        api.cancel_sitting(self._sitting(request, exam), by=request.user, reason=request.POST.get('reason', ''))
        return self.back('sittings', notice='sitting_cancelled')

    def _move(self, request):
        """Move a learner's booking to another sitting, with the reason."""
        exam = self._exam(request)
        booking = self._booking(request, exam)
        sitting_id = self._id(request, 'sitting_id')
        if sitting_id is None:
            return self.get(request, self.course_key, errors=[gettext('Choose a sitting.')], status=400,
                            form=request.POST)
        api.staff_move_booking(booking, sitting_id, by=request.user, reason=request.POST.get('reason', ''))
        return self.back('sittings', notice='booking_moved')

    def _cancel_booking(self, request):
        """Cancel a learner's booking, with the reason."""
        exam = self._exam(request)
        api.staff_cancel_booking(self._booking(request, exam), by=request.user, reason=request.POST.get('reason', ''))
        return self.back('sittings', notice='booking_cancelled')


# ---- Nominated exam monitors -------------------------------------------------------------------------------

class MonitorsPage(DashboardView):
    """GET: the nominations of exam monitors, pending first; POST: approve one, or reject it saying why."""

    capability = Role.MANAGE_SITTINGS
    tab = 'monitors'

    def get(self, request, course_id, errors=None, form=None, status=200):  # pylint: disable=unused-argument
        """Pending nominations with what the monitor declared, then the decided ones."""
        pending, decided = api.course_nominations(self.course_key)
        return self.page('monitors.html', status=status, pending=pending, decided=decided, errors=errors or [],
                         declarations=labels.declarations(), statuses=labels.nomination_statuses())

    def post(self, request, course_id):  # pylint: disable=unused-argument
        """One decision, then back to the page saying what it did."""
        return self.do_action(request, {'approve': self._decide, 'reject': self._decide})

    def _decide(self, request):
        """Approve or reject the nomination the form names (a rejection says why)."""
        try:
            nomination_id = parse_id(request.POST.get('nomination_id'))
        except ValueError:
            nomination_id = None
        nomination = api.course_nomination(self.course_key, nomination_id) if nomination_id else None
        if nomination is None:
            raise Http404
        approve = request.POST.get('action') == 'approve'
        api.decide_nomination(nomination, approve, by=request.user, reason=request.POST.get('reason', ''))
        return self.back('monitors', notice='monitor_approved' if approve else 'monitor_rejected')


# ---- The review queue, exports, learners -----------------------------------------------------------------

class ReviewsPage(DashboardView):
    """GET: the attempts awaiting a person's decision, oldest first, with the flagged moments."""

    capability = Role.REVIEW
    tab = 'reviews'

    def get(self, request, course_id):  # pylint: disable=unused-argument
        """The queue."""
        entries = api.review_queue_entries(self.course_key)
        for entry in entries:
            entry['status_label'] = labels.status(entry['attempt'].status)
            entry['stage_label'] = STAGE_LABELS.get(entry['stage'], '')
            entry['moment_rows'] = [labels.moment(moment) for moment in entry['moments']]
        return self.page('reviews.html', entries=entries)


class ExportsPage(DashboardView):
    """GET: the course's CSV files."""

    capability = Role.EXPORT
    tab = 'exports'

    def get(self, request, course_id):  # pylint: disable=unused-argument
        """Links to each file (served by the REST API)."""
        files = [(label, reverse('edx_proctoring_backend:rest-export', args=[self.course_key, kind]))
                 for kind, label in labels.exports()]
        return self.page('exports.html', files=files)


class CourseSettingsPage(DashboardView):
    """GET: the course's own settings beside the site's; POST: save them."""

    capability = Role.COURSE_SETTINGS
    tab = 'settings'
    FIELDS = ('support_email', 'support_url', 'credit_min_grade')

    def get(self, request, course_id, errors=None, form=None, status=200):  # pylint: disable=unused-argument
        """The form, filled with the saved settings (after a refused form: as it was sent, with its ``errors``)."""
        if form is None:
            own = api.course_settings_of(self.course_key)
            form = {'support_email': own.support_email, 'support_url': own.support_url,
                    'credit_min_grade': _percent(own.credit_min_grade)}
        messages = labels.page_text()['field_errors']
        return self.page('settings.html', status=status, form=form, invalid=set(errors or ()),
                         errors=[(field, messages[field]) for field in self.FIELDS if field in (errors or ())],
                         site_contact=api.support_for(self.course_key).site,
                         site_min_grade=_percent(api.site_credit_min_grade()))

    def post(self, request, course_id):
        """Save every field at once; a refused form is shown again with what is wrong with each field."""
        form = {name: request.POST.get(name, '').strip() for name in self.FIELDS}
        try:
            share = _share(form['credit_min_grade'])
        except ValueError:
            share = 'invalid'
        try:
            api.change_course_settings(self.course_key, request.user, support_email=form['support_email'],
                                       support_url=form['support_url'], credit_min_grade=share)
        except api.InvalidSettings as error:
            return self.get(request, course_id, errors=error.fields, form=form, status=400)
        return self.back('settings', notice='settings_saved')


def _percent(share):
    """A share from 0 to 1 as the percentage staff type ('' for None): 0.625 is '62.5'."""
    return '' if share is None else f'{share * 100:g}'


def _share(text):
    """The share of a typed percentage ('80', '80 %', '62,5'), None for ''; ValueError for anything else."""
    text = text.replace('%', '').replace(',', '.').strip()
    return float(text) / 100 if text else None


class LearnersPage(DashboardView):
    """GET: a learner's practice exams and onboarding (``?learner=`` a username or email)."""

    tab = 'learners'

    def get(self, request, course_id, identifier=None, error='', status=200):  # pylint: disable=unused-argument
        """The look-up form and, for a learner found, their readiness (after a refused reset: why)."""
        identifier = request.GET.get('learner', '').strip() if identifier is None else identifier
        readiness = None
        if identifier:
            user = api.find_learner(identifier, self.course_key)
            if user is None:
                error = gettext('No learner has this username or email.')
            else:
                readiness = api.learner_readiness(user, self.course_key)
                readiness.practice_rows = [(item, labels.practice(item)) for item in readiness.practice]
                readiness.onboarding_rows = [({**item, 'verbose_name': provider_text(item['verbose_name'])},
                                              labels.onboarding(item['status'])) for item in readiness.onboarding]
        return self.page('learners.html', status=status, identifier=identifier, readiness=readiness, error=error,
                         may_reset=Role.MANAGE_ATTEMPTS in self.granted)

    def post(self, request, course_id):
        """Reset a learner's onboarding at a provider (staff who manage attempts), then back to the learner."""
        if Role.MANAGE_ATTEMPTS not in self.granted:
            raise PermissionDenied
        identifier = request.POST.get('learner', '').strip()
        user = api.find_learner(identifier, self.course_key) if identifier else None
        if user is None:
            return self.get(request, course_id, identifier, gettext('No learner has this username or email.'), 400)
        try:
            api.reset_onboarding(user, request.POST.get('provider', ''), by=request.user)
        except api.NotAllowed as error:
            return self.get(request, course_id, identifier, labels.error_message(error), 400)
        except api.VendorError:
            return self.get(request, course_id, identifier,
                            gettext('The proctoring service cannot be reached: nothing was reset. Try again later.'),
                            503)
        return self.back('learners', notice='onboarding_reset', learner=identifier)


class CourseHome(DashboardView):
    """GET: the course's dashboard: its first page the caller may see."""

    capability = None

    def get(self, request, course_id):  # pylint: disable=unused-argument
        """Go to the first page the caller's role allows."""
        for name, _, needs in labels.tabs():
            if needs in self.granted:
                return self.back(name)
        raise PermissionDenied
