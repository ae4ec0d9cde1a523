"""
The proctored exam block. Course authors add it to a unit and put the exam content inside; learners
see the opt-in choice, their exam code and the provider's checks, then a timer bar over the content,
then their result. All rules are the backend API's; this block only renders and relays.
"""
import json
import logging
from datetime import datetime, time, timedelta, timezone
from functools import partial, wraps
from xml.sax.saxutils import quoteattr

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from web_fragments.fragment import Fragment
from webob import Response
from xblock.core import XBlock
from xblock.fields import Boolean, Date, Dict, Integer, Scope, String
from xblock.utils.studio_editable import StudioContainerXBlockMixin
from xblock.validation import ValidationMessage

from edx_proctoring_backend import api

from . import authoring, scores, views
from .capture import capture_plan
from .i18n import _, backend_text
from .resources import read_static
from .services import LearnerCourseMixin

log = logging.getLogger(__name__)
# The booked sittings' settings, as the Studio form sends them.
BOOKING_FIELDS = ('booking_required', 'booking_cutoff_hours', 'booking_deadline', 'sitting_early_minutes',
                  'sitting_late_minutes')


def _json_response(payload, status=200):
    return Response(json.dumps(payload), status=status, content_type='application/json', charset='utf-8')


def _html_response(html, status=200):
    # Never cached: the page carries the attempt's upload addresses.
    return Response(html, status=status, content_type='text/html', charset='utf-8',
                    headers={'Cache-Control': 'no-store'})


def exam_handler(method):
    """
    Turn a block method into a JSON handler: parse the body, resolve the learner, and map the API's
    errors to a 4xx JSON answer ``{"error": code, "message": translated text}`` that changes nothing.
    """
    @XBlock.handler
    @wraps(method)
    def wrapper(self, request, suffix=''):  # pylint: disable=unused-argument
        messages = views.error_messages(self.gettext)
        if request.method != 'POST':
            return _json_response({'error': 'method_not_allowed', 'message': messages['method_not_allowed']},
                                  status=405)
        try:
            data = json.loads(request.body.decode('utf-8') or '{}')
            if not isinstance(data, dict):
                raise ValueError
        except (UnicodeDecodeError, ValueError):
            return _json_response({'error': 'invalid_json', 'message': messages['invalid_json']}, status=400)
        user = self.current_django_user()
        if user is None:
            return _json_response({'error': 'not_signed_in', 'message': messages['not_signed_in']}, status=403)
        try:
            result = method(self, user, data)
            # A handler answers with a payload (None: success), or with its own refusal.
            return result if isinstance(result, Response) else _json_response(result or {'success': True})
        except api.InvalidExamSettings as error:
            return _json_response({'error': error.code, 'message': messages[error.code],
                                   'fields': {field: views.settings_error_text(self.gettext, field, text)
                                              for field, text in error.errors.items()}}, status=400)
        except api.VendorError:
            # Nothing was lost: the learner can try again once the proctoring service answers.
            log.warning('Proctoring provider unavailable for %s', self.scope_ids.usage_id, exc_info=True)
            return _json_response({'error': 'vendor_unavailable', 'message': messages['vendor_unavailable']},
                                  status=503)
        except api.ProctoringError as error:
            status = 409 if isinstance(error, (api.IllegalTransition, api.AnswersClosed, api.TermsChanged)) else 400
            if isinstance(error, api.NotAllowed):
                status = 403
            if isinstance(error, api.ExamCodeLocked):
                status = 429
            return _json_response({'error': error.code, 'message': messages.get(error.code, messages['default'])},
                                  status=status)
    return wrapper


def _window_scenarios(scenario):
    """
    The demo's exams with a window, dated from the moment the scenarios load: one that opens tomorrow at
    00:05 and closes three days later at 23:55, Bogotá time (UTC−5), and one that closed yesterday.
    """
    bogota = api.zone_named('America/Bogota')
    tomorrow = datetime.now(bogota).date() + timedelta(days=1)
    opens = datetime.combine(tomorrow, time(0, 5), bogota).astimezone(timezone.utc)
    closes = datetime.combine(tomorrow + timedelta(days=3), time(23, 55), bogota).astimezone(timezone.utc)
    closed = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=1)
    return [
        ('Proctored exam that opens tomorrow (Bogotá time)', scenario(
            f'display_name="Exam with a window" exam_type="proctored" time_limit_minutes="60" allow_opt_out="true" '
            f'open_date="{opens.isoformat()}" close_date="{closes.isoformat()}" window_time_zone="America/Bogota"')),
        ('Timed exam that closed yesterday', scenario(
            f'display_name="Closed quiz" exam_type="timed" time_limit_minutes="20" '
            f'close_date="{closed.isoformat()}"')),
    ]


def _aware(moment):
    """A datetime the runtime stored without a zone is in UTC (XBlock's ``Date`` fields)."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


@XBlock.needs('i18n')
@XBlock.needs('user')
@XBlock.wants('mako')
class ProctoredExamBlock(LearnerCourseMixin, StudioContainerXBlockMixin, XBlock):
    """
    A proctored, practice proctored or timed exam whose children are the exam content. In Studio it
    is a container: its own page lists the content with Studio's controls to add and reorder it.
    """

    has_children = True
    has_author_view = True

    display_name = String(display_name=_('Display name'), default=_('Proctored exam'), scope=Scope.settings)
    exam_type = String(display_name=_('Exam type'), default=api.ExamType.PROCTORED, scope=Scope.settings,
                       values=list(api.ExamType.ALL))
    time_limit_minutes = Integer(display_name=_('Time limit (minutes)'), default=60, scope=Scope.settings)
    # Empty: the site's default provider (authoring.exams.default_provider), never silently ``null``.
    provider = String(display_name=_('Proctoring provider'), default='', scope=Scope.settings)
    # As the edX author guide says: by default, learners must take the exam as a proctored exam.
    allow_opt_out = Boolean(display_name=_('Opting out allowed'), default=False, scope=Scope.settings)
    on_campus_sitting = Boolean(
        display_name=_('On-campus sitting for learners who refuse online proctoring'), default=False,
        scope=Scope.settings, help=_('Learners who do not agree to the proctoring terms can ask to sit the exam on '
                                     'campus at a later date.'))
    on_campus_instructions = String(
        display_name=_('What learners who ask for an on-campus sitting must know'), default='', scope=Scope.settings,
        multiline_editor=True)
    rules_text = String(display_name=_('Exam rules'), default='', scope=Scope.settings, multiline_editor=True)
    exam_rules = Dict(display_name=_('Exam rules sent to the proctoring service'), default={}, scope=Scope.settings)
    content_after_submission = Boolean(
        display_name=_('Show the questions after submission'), default=False, scope=Scope.settings,
        help=_('Learners can read the questions and their answers once the exam is submitted (answers stay locked).'))
    open_date = Date(display_name=_('Exam opens'), default=None, scope=Scope.settings,
                     help=_('Nobody begins the exam before this moment.'))
    close_date = Date(display_name=_('Exam closes'), default=None, scope=Scope.settings,
                      help=_('No learner works past this moment, whatever their allowance.'))
    # The IANA name of the zone the opening and closing times are told in (empty: UTC).
    window_time_zone = String(display_name=_('Time zone of the opening and closing times'), default='',
                              scope=Scope.settings)
    # Booked sittings (the sittings themselves are published on the instructor dashboard).
    booking_required = Boolean(display_name=_('Learners book a sitting'), default=False, scope=Scope.settings,
                               help=_('Learners book one of the sittings the course team publishes, and begin the '
                                      'exam only at their sitting.'))
    booking_cutoff_hours = Integer(display_name=_('Bookings close this many hours before a sitting'), default=72,
                                   scope=Scope.settings)
    booking_deadline = Date(display_name=_('Registration deadline'), default=None, scope=Scope.settings)
    sitting_early_minutes = Integer(display_name=_('Minutes before a sitting that learners may begin'), default=10,
                                    scope=Scope.settings)
    sitting_late_minutes = Integer(display_name=_('Minutes after the start of a sitting that learners may begin'),
                                   default=15, scope=Scope.settings)

    # ---- helpers (the translator, the learner and the course: LearnerCourseMixin) -----------------

    def due_date(self):
        """
        When the exam closes: the block's own closing date, else the due date of its unit (inherited
        from the subsection; on the platform, this learner's own: an extension given to them).

        The block's own ``due`` is not the exam's: it holds the exam's content closed
        (``api.CONTENT_CLOSED``), each learner's attempt opening it (``lms/content_dates.py``).
        ``PROCTORING_IGNORE_INHERITED_DUE`` turns the inherited one off where a runtime stamps every
        block's ``due`` (the workbench sets it to the moment of rendering).
        """
        due = self.close_date
        if due is None and not getattr(settings, 'PROCTORING_IGNORE_INHERITED_DUE', False):
            parent = self.get_parent()
            due = getattr(parent, 'due', None) if parent is not None else None
        return _aware(due)

    def exam_settings(self):
        """The exam's settings as this block holds them, for the ``Exam`` row."""
        return {
            'due_date': self.due_date(), 'exam_type': self.exam_type, 'time_limit_minutes': self.time_limit_minutes,
            'provider': self.provider, 'allow_opt_out': self.allow_opt_out, 'rules_text': self.rules_text,
            'display_name': self.display_name, 'subsection_key': self._subsection_key(),
            'alone_in_subsection': not authoring.shares_subsection(self),
            'exam_rules': self._provider_rules(), 'on_campus_sitting': self.on_campus_sitting,
            'on_campus_instructions': self.on_campus_instructions,
            'opens_at': _aware(self.open_date), 'time_zone': self.window_time_zone,
            **self._booking_settings(),
        }

    def _booking_settings(self):
        return {'booking_required': self.booking_required, 'booking_cutoff_hours': self.booking_cutoff_hours,
                'booking_deadline': _aware(self.booking_deadline),
                'sitting_early_minutes': self.sitting_early_minutes,
                'sitting_late_minutes': self.sitting_late_minutes}

    def exam(self):
        """The exam as its last save or publish left it (learners' pages and actions write no settings)."""
        return api.exam_for_learner(self.course_key, self.scope_ids.usage_id, self.exam_settings)

    def sync_exam(self):
        """Write this block's settings to its exam (a save, or a publish in Studio); return the exam."""
        return api.sync_exam(self.course_key, self.scope_ids.usage_id, **self.exam_settings())

    def _provider_rules(self):
        """The author's choice of the provider's binary rules (a rule the provider no longer offers is dropped)."""
        offered = api.exam_rule_choices(self.provider or api.default_provider())
        return {rule: value for rule, value in (self.exam_rules or {}).items() if rule in offered}

    def _subsection_key(self):
        """The usage id of the subsection (sequential) holding this exam, or '' outside a course outline."""
        block = self.get_parent()
        while block is not None:
            if block.scope_ids.block_type == 'sequential':
                return str(block.scope_ids.usage_id)
            block = block.get_parent()
        return ''

    def _record_grade(self, user, exam):
        """Record what the learner's answers scored: the package's questions and any scored component."""
        if exam.exam_type == api.ExamType.PRACTICE:
            return  # practice exams are not graded
        score = scores.exam_score(self.visible_children())
        if score is not None:
            api.record_exam_grade(user, exam, *score)

    def provider_label(self):
        """The translated name of this exam's proctoring provider (the site's default when none is chosen)."""
        provider = self.provider or api.default_provider() or ''
        return backend_text(dict(api.available_providers()).get(provider, provider))

    def visible_children(self):
        """The children this viewer may see: the runtime gives None for hidden or staff-only ones."""
        children = (self.runtime.get_block(child_id) for child_id in self.children)
        return [child for child in children if child is not None]

    def _timer_url(self):
        try:
            return reverse('edx_proctoring_backend:attempt-timer')
        except NoReverseMatch:
            return self.runtime.handler_url(self, 'timer')

    # ---- learner view -----------------------------------------------------------------------------

    def student_view(self, context=None):
        """The exam page for the learner's current state."""
        user = self.current_django_user()
        fragment = Fragment()
        capture = None
        exam = None
        if user is not None:
            try:
                exam = self.exam()
            except api.InvalidExamSettings:
                log.warning('Exam %s is not set up', self.scope_ids.usage_id, exc_info=True)
        if user is None or exam is None:
            # Exam questions are never shown to someone the exam cannot account for, nor by an exam
            # whose author has not finished setting it up.
            state_name, state = ('sign_in' if user is None else 'unavailable'), None
        else:
            state = api.learner_state(user, exam, personal_due=self.due_date())
            state_name = views.page_state(state)
            if state.status in api.AttemptStatus.COMPLETED + (api.AttemptStatus.DECLINED,):
                self._record_grade(user, exam)
            if state_name == 'regular':
                # Taken without proctoring (not in a verified track): answerable until the exam closes.
                api.open_content_without_clock(user, exam)
            if state_name in ('checks', 'started'):
                capture = capture_plan(user, exam)
        content_visible = self._content_visible(state)
        children = []
        if content_visible:
            for child in self.visible_children():
                child_fragment = self.runtime.render_child(child, 'student_view', context)
                fragment.add_fragment_resources(child_fragment)
                children.append(child_fragment.body_html())
        fragment.add_content(views.render_template('exam.html', self.i18n(), **self._page_context(
            state, state_name, content_visible, children, capture), dashboard_url=self._dashboard_url(user)))
        fragment.add_css(read_static('css/proctored_exam.css'))
        if capture is not None:
            # Only exams recorded in the learner's browser load the capture script.
            fragment.add_javascript(read_static('js/capture.js'))
        fragment.add_javascript(read_static('js/proctored_exam.js'))
        fragment.initialize_js('ProctoredExamBlock', self._js_init(state, state_name, capture))
        return fragment

    def _content_visible(self, state):
        """
        The one rule of who sees the exam's content: the learner's state allows it (the running attempt,
        a regular or declined exam), or the author shows the questions after submission.
        """
        return state is not None and (state.content_visible or (
            self.content_after_submission and state.status in api.AttemptStatus.COMPLETED))

    def content_open_to(self, user):
        """Whether ``user`` may see this exam's content now, by whatever URL it is rendered."""
        if user is None:
            return False
        try:
            exam = self.exam()
        except api.InvalidExamSettings:
            return False
        return self._content_visible(api.learner_state(user, exam, personal_due=self.due_date()))

    def _dashboard_url(self, user):
        """The course's instructor dashboard pages, for course staff, support and global staff; else ''."""
        if user is None or not api.Role.capabilities(user, self.course_key):
            return ''
        try:
            return reverse('edx_proctoring_backend:dashboard', args=[self.course_key])
        except NoReverseMatch:
            return ''  # a runtime without the app's URLs

    @staticmethod
    def _onboarding_context(state, _):
        """The learner's onboarding where the provider asks for it: status, its words, what next, the link."""
        found = state.onboarding if state is not None else None
        if not found:
            return None
        status = found['status']
        label, next_step = views.onboarding_texts(_).get(status, (status, ''))
        # The link only where there is something to do there.
        url = found['url'] if status not in ('approved', 'submitted', 'pending') else ''
        return {'status': status, 'label': label, 'next_step': next_step, 'url': url}

    def _page_context(self, state, state_name, content_visible, children, capture=None):
        """The template context of the exam page."""
        _ = self.gettext
        attempt = state.attempt if state else None
        review = state.review_status if state else None
        review_label, review_help = views.review_texts(_).get(review, ('', ''))
        step_texts = views.step_texts(_)
        # An exam recorded in the browser has the steps of its own settings (a room scan or not).
        steps = capture['steps'] if capture and capture.get('steps') else (state.steps if state else ())
        # Only the submitted page counts the answers: no other page reads the content's state.
        questions = ([child for child in self.visible_children() if hasattr(child, 'answer')]
                     if state_name == 'submitted' else [])
        return {
            'state': state_name, 'exam_type': self.exam_type, 'display_name': self.display_name,
            'time_limit_minutes': self.time_limit_minutes, 'rules_text': self.rules_text,
            'may_opt_out': bool(state and state.may_opt_out),
            'terms': state.terms if state else None,
            'alternatives': state.alternatives if state else (),
            'on_campus_instructions': self.on_campus_instructions,
            'on_campus_requested_at': (views.format_moment(state.on_campus_request.requested_at)
                                       if state and state.on_campus_request else ''),
            'exam_code': (attempt.exam_code or '') if attempt else '',
            'provider_name': self.provider_label(),
            'steps': [(step,) + step_texts.get(step, (step, '')) for step in steps],
            'checks_in_vendor_software': bool(state and state.checks_in_vendor_software),
            'software_url': state.software_url if state else '',
            'onboarding': self._onboarding_context(state, _) if state_name == 'choose' else None,
            # Whom to ask, where a learner can be stuck: the setup, an error, a review being made.
            'support': (api.support_for(self.course_key)
                        if state_name in ('checks', 'error', 'closed', 'book', 'nominate')
                        or review == api.ReviewStatus.PENDING
                        else None),
            'review_reopened': bool(state and review == api.ReviewStatus.PENDING and state.review_reopened),
            'session_pending': bool(state and state.session_pending),
            'practice_result': state.practice_result if state else None,
            'submit_reason': attempt.submit_reason if attempt else '',
            'review_status': review, 'review_label': review_label, 'review_help': review_help,
            'question_count': len(questions),
            'answered_count': sum(1 for question in questions if question.answer),
            'content_visible': content_visible, 'children': children, 'capture_plan': capture,
            'booking': (self._booking_context(state) if state_name in ('book', 'choose') and state.sitting
                        else None),
            'monitor': self._monitor_context(state) if state_name == 'nominate' else None,
            **self._window_texts(state),
        }

    def _booking_context(self, state):
        """The booking panel: where the learner stands, their sitting, the sittings they may book, the deadline."""
        standing, exam = state.sitting, state.exam
        return {
            'phase': standing.phase, 'registration_open': standing.registration_open,
            'may_change': standing.may_change, 'cutoff_hours': exam.booking_cutoff_hours,
            'deadline': (views.window_moment(self.gettext, exam.booking_deadline, exam.time_zone)
                         if exam.booking_deadline else ''),
            'current': self._told_sitting(exam, standing.booking.sitting) if standing.booking else None,
            'choices': [self._told_sitting(exam, sitting) for sitting in standing.bookable],
            'calendar_url': self.runtime.handler_url(self, 'booking_calendar') if standing.booking else '',
        }

    def _monitor_context(self, state):
        """The learner's nomination of an exam monitor (its status, the monitor's name, the reason of a refusal)."""
        nomination = state.nomination
        return {'status': nomination.status if nomination else 'none', 'name': nomination.name if nomination else '',
                'reason': nomination.reason if nomination else '', 'form_id': self.scope_ids.usage_id.block_id
                if hasattr(self.scope_ids.usage_id, 'block_id') else 'exam',
                'declarations': list(views.declaration_texts(self.gettext).items())}

    def _told_sitting(self, exam, sitting):
        """A sitting as the page tells it, in the exam's time zone."""
        _ = self.gettext
        begin_from, begin_until = api.sitting_begin_between(exam, sitting)
        return {
            'id': sitting.pk, 'moment': views.window_moment(_, sitting.starts_at, exam.time_zone),
            'minutes': sitting.minutes, 'place': views.place_label(_, sitting.place), 'location': sitting.location,
            'seats_left': sitting.seats_left,
            'begin_from': views.window_moment(_, begin_from, exam.time_zone),
            'begin_until': views.window_moment(_, begin_until, exam.time_zone),
        }

    def _window_texts(self, state):
        """When the exam opens and closes, as learners read it ('' where it does not)."""
        exam_window = state.exam_window if state is not None else None
        return {name: views.window_moment(self.gettext, moment, exam_window.time_zone) if moment else ''
                for name, moment in (('window_opens', exam_window and exam_window.opens_at),
                                     ('window_closes', exam_window and exam_window.closes_at))}

    def _js_init(self, state, state_name, capture=None):
        """The arguments of the page's JavaScript: handler URLs, messages, and the server's clock."""
        _ = self.gettext
        init = {
            'state': state_name,
            'handlers': {name: self.runtime.handler_url(self, name)
                         for name in ('opt_in', 'opt_out', 'refuse_terms', 'request_on_campus', 'withdraw_on_campus',
                                      'confirm_checks', 'start', 'submit', 'book', 'cancel_booking', 'nominate')},
            'messages': {
                # xgettext:no-python-format
                'low': _("20% of your exam time is left."),
                # xgettext:no-python-format
                'critical': _("5% of your exam time is left. Your answers are submitted when the timer reaches 00:00."),
                'ended': _("The time is up. Your answers are being submitted."),
                'network': _("The server could not be reached. Your time keeps running; retrying."),
                'network_action': _("The server could not be reached. Check your connection and try again."),
                # {time} is the clock, as the page shows it (59:58).
                'started': _("Your exam has started. Time remaining: {time}. The timer and End My Exam are at "
                             "the top of the exam."),
                'choose_sitting': _("Choose a sitting first."),
            },
        }
        if state is not None and state.time is not None:
            init['timer'] = {
                'url': self._timer_url(), 'token': state.timer_token,
                'remaining_seconds': state.time.remaining_seconds, 'total_seconds': state.time.total_seconds,
                'low_warning_seconds': state.time.low_warning_seconds,
                'critical_warning_seconds': state.time.critical_warning_seconds,
                'sync_seconds': api.timer_sync_seconds(),
                'attempt': state.attempt.pk,
            }
        if capture is not None:
            init['capture'] = dict(capture, messages=views.capture_messages(_))
            if 'screen' in capture['recordings']:
                init['capture']['screen_window_url'] = self.runtime.handler_url(self, 'screen_recorder')
        return init

    # ---- learner actions ------------------------------------------------------------------------------

    @exam_handler
    def opt_in(self, user, data):
        """The learner agrees to the terms (``terms_version``) and takes the exam with proctoring."""
        api.opt_in(user, self.exam(), str(data.get('terms_version', '')), personal_due=self.due_date())

    @exam_handler
    def refuse_terms(self, user, data):
        """The learner does not agree to the terms (``terms_version``): the page offers the alternatives."""
        return {'success': True, 'alternatives': list(api.refuse_terms(user, self.exam(),
                                                                       str(data.get('terms_version', ''))))}

    @exam_handler
    def request_on_campus(self, user, data):  # pylint: disable=unused-argument
        """The learner asks to sit the exam on campus at a later date."""
        api.request_on_campus(user, self.exam())

    @exam_handler
    def withdraw_on_campus(self, user, data):  # pylint: disable=unused-argument
        """The learner no longer asks for an on-campus sitting."""
        api.withdraw_on_campus(user, self.exam())

    @exam_handler
    def book(self, user, data):
        """The learner books the sitting ``sitting`` (an id), or moves their booking to it."""
        sitting_id = data.get('sitting')
        try:
            if isinstance(sitting_id, bool) or not isinstance(sitting_id, (int, str)):
                raise ValueError(sitting_id)
            sitting_id = api.parse_id(sitting_id)
        except ValueError:
            sitting_id = None
        if sitting_id is None:
            raise api.NotAllowed('Choose a sitting.', code='sitting_not_found')
        api.book_sitting(user, self.exam(), sitting_id)

    @exam_handler
    def nominate(self, user, data):
        """The learner nominates their exam monitor (name, e-mail, telephone, occupation, declarations)."""
        declarations = data.get('declarations')
        try:
            api.nominate_monitor(
                user, self.exam(), *(data.get(name) if isinstance(data.get(name), str) else ''
                                     for name in ('name', 'email', 'phone', 'occupation')),
                declarations=[str(item) for item in declarations] if isinstance(declarations, list) else [],
                whole_course=data.get('whole_course') is True)
        except api.InvalidSettings as error:
            texts = views.nomination_field_texts(self.gettext)
            message = views.error_messages(self.gettext)['invalid_nomination']
            return _json_response({'error': 'invalid_nomination', 'fields': {
                field: texts.get(field, message) for field in error.fields},
                'message': ' '.join([message, *(texts.get(field, '') for field in error.fields)])}, status=400)
        return None

    @exam_handler
    def cancel_booking(self, user, data):  # pylint: disable=unused-argument
        """The learner cancels their booking (until the cutoff)."""
        api.cancel_booking(user, self.exam())

    @XBlock.handler
    def booking_calendar(self, request, suffix=''):  # pylint: disable=unused-argument
        """The learner's booked sitting as an iCalendar file (404 without a booking)."""
        user = self.current_django_user()
        try:
            exam = self.exam() if user is not None else None
        except api.InvalidExamSettings:
            exam = None   # not set up: no booking either
        booking = api.booking_of(exam, user) if exam is not None else None
        if booking is None:
            return Response(status=404, body=b'', content_type='text/plain')
        body = api.booking_calendar(booking, api.exam_url(exam), domain=request.host.split(':')[0])
        return Response(body=body, content_type='text/calendar', charset='utf-8',
                        content_disposition='attachment; filename="exam-sitting.ics"')

    @exam_handler
    def opt_out(self, user, data):  # pylint: disable=unused-argument
        """The learner takes the exam without proctoring (final)."""
        api.opt_out(user, self.exam(), personal_due=self.due_date())

    @exam_handler
    def confirm_checks(self, user, data):
        """The learner completed the provider's steps and entered the exam code."""
        api.confirm_checks(user, self.exam(), str(data.get('exam_code', '')),
                           monitor_password=str(data.get('monitor_password', '')))

    @exam_handler
    def start(self, user, data):  # pylint: disable=unused-argument
        """Start the clock, capped by this learner's own due date (the platform personalises ``due``)."""
        attempt = api.start(user, self.exam(), personal_due=self.due_date())
        return {'success': True, 'status': attempt.status}

    @exam_handler
    def submit(self, user, data):  # pylint: disable=unused-argument
        """End My Exam."""
        exam = self.exam()
        attempt = api.submit(user, exam)
        self._record_grade(user, exam)
        return {'success': True, 'status': attempt.status}

    @XBlock.handler
    def screen_recorder(self, request, suffix=''):  # pylint: disable=unused-argument
        """
        The screen recording window (GET): a page on this site's origin that records the screen of the
        learner's running attempt, for exam pages that may not ask for the screen themselves (the
        learning MFE shows units in an iframe whose ``allow`` list lacks ``display-capture``).
        """
        _ = self.gettext
        page = partial(views.render_screen_recorder, self.i18n(), self.display_name,
                       read_static('css/proctored_exam.css'), read_static('js/capture.js'))
        if request.method != 'GET':
            return _html_response(page(message=_("Open this window from your exam page.")), status=405)
        user = self.current_django_user()
        if user is None:
            return _html_response(page(message=views.error_messages(_)['not_signed_in']), status=403)
        plan = self._running_screen_capture(user)
        if plan is None:
            return _html_response(page(message=_(
                "There is no exam of yours to record now. You can close this window.")), status=409)
        return _html_response(page(init=dict(plan, mode='screen_window', messages=views.capture_messages(_))))

    def _running_screen_capture(self, user):
        """The capture plan of ``user``'s started attempt when it records the screen, else None."""
        try:
            exam = self.exam()
        except api.InvalidExamSettings:
            return None
        if exam is None or views.page_state(api.learner_state(user, exam)) != 'started':
            return None
        plan = capture_plan(user, exam)
        return plan if plan and 'screen' in plan['recordings'] else None

    @XBlock.handler
    def timer(self, request, suffix=''):  # pylint: disable=unused-argument
        """The timer status, for runtimes where the plugin's REST URL is not mounted."""
        try:
            return _json_response(api.timer_status(request.headers.get('X-Exam-Timer-Token', '')))
        except api.InvalidStatusToken:
            return _json_response({'error': 'invalid_token'}, status=403)
        except api.AttemptNotFound:
            return _json_response({'error': 'attempt_not_found'}, status=404)

    def assert_answers_accepted(self, user):
        """Raise ``api.AnswersClosed`` unless ``user`` may save answers in this exam now."""
        api.assert_answers_accepted(user, self.exam())

    # ---- authoring ------------------------------------------------------------------------------------

    def author_view(self, context=None):
        """Studio: the exam's summary, and its content with Studio's controls on the exam's own page."""
        return authoring.author_view(self, context)

    def validate(self):
        """Studio: what the author must fix (errors) or should know (warnings) before publishing."""
        validation = super().validate()
        for message_type, text in authoring.validation_messages(self):
            validation.add(ValidationMessage(message_type, text))
        return validation

    def studio_view(self, context=None):  # pylint: disable=unused-argument
        """The settings form for course authors."""
        fragment = Fragment(views.render_template(
            'studio.html', self.i18n(), display_name=self.display_name, exam_type=self.exam_type,
            exam_types=views.exam_type_labels(self.gettext), time_limit_minutes=self.time_limit_minutes,
            providers=[(name, backend_text(label)) for name, label in api.available_providers()],
            provider=self.provider or api.default_provider() or '', allow_opt_out=self.allow_opt_out,
            on_campus_sitting=self.on_campus_sitting, on_campus_instructions=self.on_campus_instructions,
            content_after_submission=self.content_after_submission,
            rules_text=self.rules_text, exam_rules=self.exam_rules or {},
            time_zone=self.window_time_zone, time_zones=api.time_zone_names(),
            opens_at=views.form_moment(_aware(self.open_date), self.window_time_zone),
            closes_at=views.form_moment(_aware(self.close_date), self.window_time_zone),
            booking={**self._booking_settings(),
                     'booking_deadline': views.form_moment(_aware(self.booking_deadline), self.window_time_zone)},
            provider_rules=[(name, [(rule, backend_text(label)) for rule, label in api.exam_rule_choices(name).items()])
                            for name, _label in api.available_providers() if api.exam_rule_choices(name)],
        ))
        fragment.add_css(read_static('css/proctored_exam.css'))
        fragment.add_javascript(read_static('js/proctored_exam.js'))
        fragment.initialize_js('ProctoredExamStudio', {'submit': self.runtime.handler_url(self, 'studio_submit')})
        return fragment

    @exam_handler
    def studio_submit(self, user, data):
        """
        Validate and save the author's settings; nothing is saved if any value is invalid. Where no
        publish follows (the workbench), the exam takes them at once; in Studio, when published.
        """
        if not api.may_author(user, self.course_key):
            raise api.NotAllowed('Only the course team changes the exam.', code='not_author')
        cleaned = api.validate_exam_settings(
            exam_type=data.get('exam_type'), time_limit_minutes=data.get('time_limit_minutes'),
            provider=data.get('provider'), allow_opt_out=data.get('allow_opt_out', True),
            rules_text=str(data.get('rules_text', '')), display_name=str(data.get('display_name', '')).strip(),
            exam_rules=data.get('exam_rules') or {},
            on_campus_sitting=data.get('on_campus_sitting', False),
            on_campus_instructions=str(data.get('on_campus_instructions', '')),
            opens_at=data.get('opens_at'), closes_at=data.get('closes_at'), time_zone=data.get('time_zone', ''),
            **{name: data[name] for name in BOOKING_FIELDS if name in data},
        )
        self.exam_rules = cleaned.pop('provider_options').get('rules', {})
        self.open_date, self.close_date = cleaned.pop('opens_at'), cleaned.pop('due_date')
        self.window_time_zone = cleaned.pop('time_zone')
        self.booking_deadline = cleaned.pop('booking_deadline')
        for name, value in cleaned.items():
            setattr(self, name, value)
        self.content_after_submission = data.get('content_after_submission') is True
        if api.syncs_on_publish():
            # Studio: the platform's publish keeps the dates set on blocks; this one holds the content closed.
            self.due = api.CONTENT_CLOSED  # pylint: disable=attribute-defined-outside-init  # the platform's field
        else:
            self.sync_exam()
        return {'success': True}

    @staticmethod
    def workbench_scenarios():
        """The demo's exams."""
        question = ('<exam_question prompt="What is 6 x 7?" correct="42"/>'
                    '<exam_question prompt="Name the capital of the Netherlands." correct="Amsterdam"/>')

        def scenario(attrs):
            return f'<vertical_demo><proctored_exam {attrs}>{question}</proctored_exam></vertical_demo>'
        return [
            ('Proctored exam (60 minutes)', scenario(
                'display_name="Final exam" exam_type="proctored" time_limit_minutes="60" allow_opt_out="true" '
                'rules_text="No notes, no other people in the room."')),
            ('Proctored exam (1 minute, to try the warnings)', scenario(
                'display_name="One-minute exam" exam_type="proctored" time_limit_minutes="1" allow_opt_out="true"')),
            ('Proctored exam without opting out', scenario(
                'display_name="Required proctored exam" exam_type="proctored" time_limit_minutes="30" '
                'allow_opt_out="false"')),
            ('Practice proctored exam', scenario(
                'display_name="Practice exam" exam_type="practice" time_limit_minutes="10"')),
            ('Timed exam', scenario('display_name="Timed quiz" exam_type="timed" time_limit_minutes="20"')),
            ('Proctored exam with an on-campus sitting for learners who refuse', scenario(
                'display_name="Final exam (on campus if you refuse)" exam_type="proctored" time_limit_minutes="30" '
                'allow_opt_out="false" on_campus_sitting="true" '
                'on_campus_instructions="Tell your lecturer at least five working days before the exam."')),
        ] + [
            # One more exam for each proctoring service the site has configured (the demo's fake vendors).
            (f'Proctored exam with {label}', scenario(
                f'display_name={quoteattr(f"Final exam ({label})")} exam_type="proctored" '
                f'time_limit_minutes="30" provider={quoteattr(name)}'))
            for name, label in api.available_providers() if name != 'null'
        ] + [
            # Any component can be exam content: here the workbench's own problem, held to the attempt.
            ('Timed exam with a standard problem',
             '<vertical_demo><proctored_exam display_name="Quiz with a standard problem" exam_type="timed" '
             'time_limit_minutes="5"><problem_demo><html_demo><p>How many days are there in a week?</p></html_demo>'
             '<textinput_demo name="days" input_type="int"/><script>week = 7</script><equality_demo '
             'name="is_seven" left="./days/@student_input" right="$week">Seven days</equality_demo></problem_demo>'
             '</proctored_exam></vertical_demo>'),
        ] + _window_scenarios(scenario) + [
            # Learners book a sitting (the demo publishes one every half hour: ``manage.py demo_sittings``).
            ('Proctored exam booked at sittings', scenario(
                'display_name="Booked final exam" exam_type="proctored" time_limit_minutes="30" allow_opt_out="false" '
                'window_time_zone="Europe/Amsterdam" booking_required="true" booking_cutoff_hours="0" '
                'sitting_early_minutes="30" sitting_late_minutes="15"')),
        ]
