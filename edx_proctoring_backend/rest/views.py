"""
The instructor dashboard's REST API: allowances, attempts, the review queue, exports and learners'
readiness, per course. Thin over ``api``: each view checks the caller's role in the course, reads its
input with a serializer and returns what ``api`` answers.

Every endpoint refuses anonymous callers (401 with a JWT, 403 with a session), answers 403 to a
user whose role in the course does not allow the action, and 404 for a course id that names no
course, for an object of another course and for somebody who is no learner of the course (nothing
of them is told). Session callers send the CSRF token with every state-changing request.
"""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.utils.translation import gettext
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from drf_spectacular.views import SpectacularAPIView
from rest_framework import status as http_status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound, PermissionDenied, Throttled, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from .. import api, rate_limits
from ..dashboard import labels
from ..exams.ids import parse_id
from . import serializers as out

try:  # inside the LMS, scripts and the dashboard app also call with a JWT, never a restricted application's
    from edx_rest_framework_extensions.auth.jwt.authentication import JwtAuthentication
    from edx_rest_framework_extensions.permissions import NotJwtRestrictedApplication
    AUTHENTICATION = (JwtAuthentication, SessionAuthentication)
    PERMISSIONS = (IsAuthenticated, NotJwtRestrictedApplication)
except ImportError:
    AUTHENTICATION = (SessionAuthentication,)
    PERMISSIONS = (IsAuthenticated,)

Role = api.Role
API_DESCRIPTION = __doc__
COURSE_ID = OpenApiParameter('course_id', str, OpenApiParameter.PATH, description='e.g. course-v1:Org+Course+Run')
PAGE_PARAMETERS = [OpenApiParameter('page', int), OpenApiParameter('page_size', int)]
ERRORS = {400: out.ErrorSerializer, 403: out.ErrorSerializer, 404: out.ErrorSerializer, 409: out.ErrorSerializer}


class DashboardSchema(AutoSchema):
    """
    The OpenAPI description of a view, from its ``docs`` attribute: ``{method: {'parameters',
    'request', 'responses'}}``. (drf-spectacular's decorators need the site's DEFAULT_SCHEMA_CLASS to
    be its own, which the LMS does not set.)
    """

    def _docs(self):
        """What the view's ``docs`` say of this method."""
        return getattr(self.view, 'docs', {}).get(self.method.lower(), {})

    def get_override_parameters(self):
        course = [COURSE_ID] if '{course_id}' in self.path else []
        return [*course, *self._docs().get('parameters', ())]

    def get_request_serializer(self):
        docs = self._docs()
        return docs['request'] if 'request' in docs else super().get_request_serializer()

    def get_operation_id(self):
        return self._docs().get('operation_id') or super().get_operation_id()

    def get_response_serializers(self):
        docs = self._docs()
        return {**ERRORS, **docs['responses']} if 'responses' in docs else super().get_response_serializers()


def _error(error, status):
    """A refusal of the exam rules: its code, and the message for people in the active language."""
    return Response({'code': error.code, 'message': labels.error_message(error)}, status=status)


class RateLimit(BaseThrottle):
    """A user's calls to this API, counted by django-ratelimit (``rate_limits.REST``)."""

    retry_after = 0

    def allow_request(self, request, view):
        self.retry_after = rate_limits.exceeded(request, rate_limits.REST)
        return not self.retry_after

    def wait(self):
        return self.retry_after


class LimitedAPIView(APIView):
    """An endpoint of this API, rate-limited: past the limit, 429 ``{"code": "rate_limited", "message"}``."""

    throttle_classes = (RateLimit,)

    def handle_exception(self, exc):
        if isinstance(exc, Throttled):
            response = Response({'code': 'rate_limited', 'message': rate_limits.refusal_message()}, status=429)
            response['Retry-After'] = str(int(exc.wait or 1))
            return response
        return super().handle_exception(exc)


class CourseView(LimitedAPIView):
    """
    A view of one course: ``capability`` is what the caller's role must allow (None: any signed-in
    user; the view then limits a learner to their own objects).
    """

    authentication_classes = AUTHENTICATION
    permission_classes = PERMISSIONS
    parser_classes = (JSONParser, FormParser, MultiPartParser)
    renderer_classes = (JSONRenderer,)
    schema = DashboardSchema()
    capability = None

    course_key = None
    granted = frozenset()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.course_key = api.course_key_or_none(kwargs['course_id'])
        if self.course_key is None:
            raise NotFound(gettext('There is no such course.'))
        # The role is asked once a request (inside the LMS each ask is several platform calls).
        self.granted = api.Role.capabilities(request.user, self.course_key)
        if self.capability and self.capability not in self.granted:
            raise PermissionDenied(gettext('Your role in this course does not allow this.'))

    def handle_exception(self, exc):
        refusals = ((api.ExamNotFound, 404), (api.AttemptNotFound, 404), (api.AllowanceNotFound, 404),
                    (api.IllegalTransition, 409), (api.NotAllowed, 400), (api.ProctoringError, 400))
        for error_class, status in refusals:
            if isinstance(exc, error_class):
                return _error(exc, status)
        return super().handle_exception(exc)

    def read(self, serializer_class):
        """Validate the request's body with ``serializer_class``; return its data."""
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def learner(self, identifier):
        """The course's learner behind a username or email, or a 400."""
        user = api.find_learner(identifier, self.course_key)
        if user is None:
            raise ValidationError({'learner': [gettext('No learner has this username or email.')]})
        return user


# ---- Exams ------------------------------------------------------------------------------------------------

class ExamListView(CourseView):
    """The course's special exams."""

    capability = Role.VIEW_ATTEMPTS
    docs = {
        'get': {'responses': {200: out.ExamSerializer(many=True)}},
    }

    def get(self, request, course_id):  # pylint: disable=unused-argument
        """List the course's proctored, practice and timed exams."""
        return Response(out.ExamSerializer(api.course_exams(self.course_key), many=True).data)


# ---- Allowances -------------------------------------------------------------------------------------------

def _allowance_result(result):
    """What the API answers after a change of allowance."""
    if result.started_attempt is not None:
        message = gettext('Saved. The learner has already started this exam: the change applies from their '
                          'next attempt, not to the one in progress or finished.')
    elif result.change is None:
        message = gettext('Nothing changed.')
    else:
        message = gettext('Saved. It applies when the learner starts the exam.')
    return {'allowance': result.allowance, 'changed': result.change is not None,
            'started_attempt_id': result.started_attempt.pk if result.started_attempt else None,
            'message': message}


class AllowanceListView(CourseView):
    """GET: the allowances in force; POST: add or replace one."""

    capability = Role.MANAGE_ALLOWANCES
    docs = {
        'get': {'parameters': [OpenApiParameter('exam_id', int), OpenApiParameter('q', str)],
                'responses': {200: out.AllowanceSerializer(many=True)}},
        'post': {'request': out.AllowanceInputSerializer, 'responses': {201: out.AllowanceResultSerializer}},
    }

    def get(self, request, course_id):  # pylint: disable=unused-argument
        """List the course's allowances (``exam_id``: one exam; ``q``: a learner's username or email)."""
        found = api.course_allowances(self.course_key, exam_id=_int(request.query_params.get('exam_id')),
                                      query=request.query_params.get('q', ''))
        return Response(out.AllowanceSerializer(found, many=True).data)

    def post(self, request, course_id):  # pylint: disable=unused-argument
        """
        Add an allowance, or replace the learner's allowance of that kind. An allowance added after the
        learner started changes nothing for that attempt: ``started_attempt_id`` names it.
        """
        data = self.read(out.AllowanceInputSerializer)
        exam = api.course_exam(self.course_key, data['exam_id'])
        result = api.set_allowance(exam, self.learner(data['learner']), data['kind'], data['value'],
                                   created_by=request.user)
        return Response(out.AllowanceResultSerializer(_allowance_result(result)).data,
                        status=http_status.HTTP_201_CREATED)


class AllowanceDetailView(CourseView):
    """PUT: a new value for one allowance; DELETE: remove it."""

    capability = Role.MANAGE_ALLOWANCES
    docs = {
        'put': {'request': out.AllowanceValueSerializer, 'responses': {200: out.AllowanceResultSerializer}},
        'delete': {'request': None, 'responses': {200: out.AllowanceResultSerializer}},
    }

    def put(self, request, course_id, allowance_id):  # pylint: disable=unused-argument
        """Change the allowance's value."""
        allowance = api.course_allowance(self.course_key, allowance_id)
        data = self.read(out.AllowanceValueSerializer)
        result = api.set_allowance(allowance.exam, allowance.user, allowance.kind, data['value'],
                                   created_by=request.user)
        return Response(out.AllowanceResultSerializer(_allowance_result(result)).data)

    def delete(self, request, course_id, allowance_id):  # pylint: disable=unused-argument
        """Remove the allowance (an attempt already started keeps what it started with)."""
        allowance = api.course_allowance(self.course_key, allowance_id)
        result = api.remove_allowance(allowance.exam, allowance.user, allowance.kind, removed_by=request.user)
        return Response(out.AllowanceResultSerializer(_allowance_result(result)).data)


class BulkAllowanceView(CourseView):
    """POST: the same allowance for every learner of a CSV of usernames or emails."""

    capability = Role.MANAGE_ALLOWANCES
    docs = {
        'post': {'request': {'multipart/form-data': out.BulkAllowanceInputSerializer,
                             'application/json': out.BulkAllowanceInputSerializer},
                 'responses': {200: out.BulkRowSerializer(many=True)}},
    }

    def post(self, request, course_id):  # pylint: disable=unused-argument
        """Grant the allowance to each learner listed; one row per learner says what happened."""
        data = self.read(out.BulkAllowanceInputSerializer)
        text = data.get('learners') or ''
        if data.get('file') is not None:
            text = api.read_bulk_file(data['file'])
        if not text.strip():
            raise ValidationError({'learners': [gettext('List at least one username or email.')]})
        exam = api.course_exam(self.course_key, data['exam_id'])
        rows = api.bulk_set_allowances(exam, text, data['kind'], data['value'], by=request.user)
        return Response(out.BulkRowSerializer(rows, many=True).data)


class AllowanceHistoryView(CourseView):
    """GET: every change to the course's allowances, newest first, with who made it."""

    capability = Role.MANAGE_ALLOWANCES
    docs = {
        'get': {'parameters': PAGE_PARAMETERS, 'responses': {200: out.AllowanceChangeSerializer(many=True)}},
    }

    def get(self, request, course_id):  # pylint: disable=unused-argument
        """One page of changes (``page``, ``page_size``)."""
        page = _page(api.allowance_changes(self.course_key), request)
        return Response(out.AllowanceChangeSerializer(page.items, many=True).data,
                        headers={'X-Total-Count': str(page.count)})


# ---- Attempts ---------------------------------------------------------------------------------------------

def _int(value):
    """An id from the query string (None when absent), or a 400 (``exams.ids``)."""
    try:
        return parse_id(value)
    except ValueError as error:
        raise ValidationError(gettext('Expected a whole number.')) from error


def _page(queryset, request):
    """The page of ``queryset`` the query string asks for, or a 400."""
    try:
        return api.paginate(queryset, page=request.query_params.get('page', 1),
                            page_size=request.query_params.get('page_size', api.DEFAULT_PAGE_SIZE))
    except ValueError as error:
        raise ValidationError(gettext('The page and page size are whole numbers.')) from error


class AttemptListView(CourseView):
    """GET: the course's attempts, newest first; a learner sees only their own."""

    docs = {
        'get': {'parameters': [OpenApiParameter('q', str, description='Username or email'),
                               OpenApiParameter('exam_id', int), OpenApiParameter('status', str), *PAGE_PARAMETERS],
                'responses': {200: out.AttemptPageSerializer}, 'operation_id': 'courses_attempts_list'},
    }

    def get(self, request, course_id):  # pylint: disable=unused-argument
        """Search attempts by learner, exam and status, a page at a time (at most five queries a page)."""
        params = request.query_params
        own = None if Role.VIEW_ATTEMPTS in self.granted else request.user
        try:
            page = api.search_attempts(self.course_key, query=params.get('q', ''), exam_id=_int(params.get('exam_id')),
                                       status=params.get('status') or None, page=params.get('page', 1),
                                       page_size=params.get('page_size', api.DEFAULT_PAGE_SIZE), user=own)
        except ValueError as error:
            raise ValidationError(gettext('Unknown status, or a page that is not a whole number.')) from error
        return Response(out.AttemptPageSerializer(page).data)


def _attempt(view, attempt_id):
    """The course's attempt with its history (a learner: only their own), or a 404."""
    own = None if Role.VIEW_ATTEMPTS in view.granted else view.request.user
    attempt = api.course_attempt(view.course_key, attempt_id, user=own)
    attempt.history_rows = api.attempt_history_with_people(attempt)
    attempt.seen_by_its_learner = own is not None
    return attempt


def _attempt_data(attempt):
    """
    An attempt and its history, for JSON. Its learner sees when the status changed, not who changed
    it or the staff's and reviewers' notes.
    """
    data = out.AttemptSerializer(attempt).data
    history = out.LearnerTransitionSerializer if getattr(attempt, 'seen_by_its_learner', False) \
        else out.TransitionSerializer
    data['history'] = history(attempt.history_rows, many=True).data
    data['exam_code_failures'] = attempt.code_failures
    data['exam_code_locked'] = attempt.code_locked_at is not None
    return data


class AttemptDetailView(CourseView):
    """GET: one attempt with its whole status history (a learner: only their own)."""

    docs = {
        'get': {'responses': {200: out.AttemptDetailSerializer}},
    }

    def get(self, request, course_id, attempt_id):  # pylint: disable=unused-argument
        """The attempt and every change of its status, with who made it and why."""
        return Response(_attempt_data(_attempt(self, attempt_id)))


class _AttemptActionView(CourseView):
    """POST: staff act on one attempt, with an optional ``reason`` kept in its history; answers the attempt."""

    capability = Role.MANAGE_ATTEMPTS
    docs = {
        'post': {'request': out.ReasonSerializer, 'responses': {200: out.AttemptDetailSerializer}},
    }

    def act(self, attempt, user, reason):
        """Do the action."""
        raise NotImplementedError

    def post(self, request, course_id, attempt_id):  # pylint: disable=unused-argument
        """Act, then answer the attempt with its history."""
        attempt = api.course_attempt(self.course_key, attempt_id)
        self.act(attempt, request.user, self.read(out.ReasonSerializer).get('reason', ''))
        return Response(_attempt_data(_attempt(self, attempt_id)))


class AttemptResetView(_AttemptActionView):
    """POST: reset the attempt; the learner may take the exam again and the history keeps it (409 when reset)."""

    def act(self, attempt, user, reason):
        api.reset_attempt(attempt, by=user, reason=f'reset by staff: {reason}' if reason else '')


class AttemptUnlockCodeView(_AttemptActionView):
    """POST: unlock the attempt's exam code, locked by wrong codes; the history says who and why."""

    def act(self, attempt, user, reason):
        api.unlock_exam_code(attempt, by=user, reason=reason)


class AttemptStatusView(CourseView):
    """POST: mark a stuck attempt as submitted (a running one) or errored, with a reason."""

    capability = Role.MANAGE_ATTEMPTS
    docs = {
        'post': {'request': out.AttemptStatusInputSerializer, 'responses': {200: out.AttemptDetailSerializer}},
    }

    def post(self, request, course_id, attempt_id):  # pylint: disable=unused-argument
        """Submit or end the attempt in error (409 when its status does not allow it)."""
        attempt = api.course_attempt(self.course_key, attempt_id)
        data = self.read(out.AttemptStatusInputSerializer)
        if data['status'] == api.AttemptStatus.SUBMITTED:
            api.mark_submitted(attempt, by=request.user, reason=data['reason'])
        else:
            api.mark_stuck_error(attempt, by=request.user, reason=data['reason'])
        return Response(_attempt_data(_attempt(self, attempt_id)))


# ---- Reviews ----------------------------------------------------------------------------------------------

class ReviewQueueView(CourseView):
    """GET: the course's attempts awaiting a person's decision, oldest first, with the flagged moments."""

    capability = Role.REVIEW
    docs = {
        'get': {'responses': {200: out.QueueEntrySerializer(many=True)}},
    }

    def get(self, request, course_id):  # pylint: disable=unused-argument
        """Second reviews, suspicious verdicts, failed analyses and sessions recorded on this site."""
        return Response(out.QueueEntrySerializer(api.review_queue_entries(self.course_key), many=True).data)


class AttemptDecisionView(CourseView):
    """POST: a person's decision on the attempt's review, or an escalation (``second_review``)."""

    capability = Role.REVIEW
    docs = {
        'post': {'request': out.DecisionInputSerializer, 'responses': {200: out.AttemptDetailSerializer}},
    }

    def post(self, request, course_id, attempt_id):  # pylint: disable=unused-argument
        """Record the decision; credit and grades follow it."""
        attempt = api.course_attempt(self.course_key, attempt_id)
        data = self.read(out.DecisionInputSerializer)
        comment = data.get('comment', '').strip()
        if data['outcome'] != api.Outcome.SATISFACTORY and not comment:
            raise ValidationError({'comment': [gettext('Say why in the comment.')]})
        if not api.may_decide(attempt):
            return _error(api.NotAllowed('This attempt cannot be reviewed in its current state.',
                                         code='not_reviewable'), 409)
        api.record_review(attempt, data['outcome'], by=request.user, comment=comment)
        return Response(_attempt_data(_attempt(self, attempt_id)))


# ---- Exports and learners ---------------------------------------------------------------------------------

EXPORTS = {
    'allowances': api.allowances_csv,
    'allowance-changes': api.allowance_changes_csv,
    'attempts': api.attempts_csv,
    'reviews': api.reviews_csv,
    'results': api.results_csv,
    'consent': api.consent_csv,
    'on-campus': api.on_campus_csv,
    'bookings': api.bookings_csv,
}


class ExportView(CourseView):
    """
    GET: a CSV file of the course: allowances, allowance-changes, attempts, reviews, results, consent (the
    answers to the proctoring terms), on-campus (the requests for on-campus sittings) or bookings (of
    booked sittings).
    """

    capability = Role.EXPORT
    renderer_classes = (JSONRenderer,)  # for refusals; the file itself is written as it is
    docs = {
        'get': {'responses': {(200, 'text/csv'): str}},
    }

    def perform_content_negotiation(self, request, force=False):
        """Whatever the client accepts (``text/csv`` included), the answer is the file or a JSON refusal."""
        return super().perform_content_negotiation(request, force=True)

    def get(self, request, course_id, kind):  # pylint: disable=unused-argument
        """The file, as an attachment."""
        if kind not in EXPORTS:
            raise NotFound()
        body = EXPORTS[kind](self.course_key).encode('utf-8')
        api.record_export(request.user, self.course_key, kind, len(body))
        response = HttpResponse(body, content_type='text/csv; charset=utf-8')
        safe_course = ''.join(char if char.isalnum() else '_' for char in self.course_key)
        response['Content-Disposition'] = f'attachment; filename="{kind}-{safe_course}.csv"'
        response['Cache-Control'] = 'private, no-store'
        return response


class ReadinessView(CourseView):
    """GET: a learner's practice exams and onboarding, so staff can help before the real exam."""

    capability = Role.VIEW_ATTEMPTS
    docs = {
        'get': {'parameters': [OpenApiParameter('learner', str, OpenApiParameter.PATH,
                                                description='Username or email')],
                'responses': {200: out.ReadinessSerializer}},
    }

    def get(self, request, course_id, learner):  # pylint: disable=unused-argument
        """Practice results and onboarding status of the learner (a username or email)."""
        user = api.find_learner(learner, self.course_key)
        if user is None:
            raise NotFound(gettext('No learner has this username or email.'))
        return Response(out.ReadinessSerializer(api.learner_readiness(user, self.course_key)).data)


class SchemaView(SpectacularAPIView):
    """GET: the OpenAPI 3 schema of this API (JSON or YAML by ``Accept`` or ``?format=``)."""

    authentication_classes = AUTHENTICATION
    permission_classes = ()
    schema = None  # the schema does not describe itself
    urlconf = 'edx_proctoring_backend.rest.schema_urls'
    custom_settings = {
        'TITLE': 'Proctored exams: instructor dashboard API',
        'DESCRIPTION': API_DESCRIPTION,
        'VERSION': '1',
        'SCHEMA_PATH_PREFIX': r'/api/proctored-exams/v1',
    }


# ---- Retirement --------------------------------------------------------------------------------------------

class MayRetireUsers(BasePermission):
    """The retirement service worker (``RETIREMENT_SERVICE_WORKER_USERNAME``), superusers and global staff."""

    def has_permission(self, request, view):
        user = request.user
        worker = getattr(settings, 'RETIREMENT_SERVICE_WORKER_USERNAME', None)
        return bool(user and user.is_authenticated and (
            user.is_superuser or user.is_staff or (worker and user.get_username() == worker)))


class RetireUserView(LimitedAPIView):
    """POST: the retirement pipeline retires a learner: their data here and at the vendors is erased."""

    authentication_classes = AUTHENTICATION
    permission_classes = (*PERMISSIONS, MayRetireUsers)
    renderer_classes = (JSONRenderer,)
    schema = DashboardSchema()
    docs = {'post': {'request': None, 'responses': {204: None, 404: out.ErrorSerializer}}}

    def post(self, request, user_id):
        """Erase the learner's data (204; again: 204, nothing more is erased)."""
        user = get_user_model().objects.filter(pk=user_id).first()
        if user is None:
            raise NotFound(gettext('There is no such user.'))
        api.retire_user(user)
        return Response(status=http_status.HTTP_204_NO_CONTENT)


class MyDataView(LimitedAPIView):
    """GET: everything this app keeps about the signed-in learner, and who viewed their media when."""

    authentication_classes = AUTHENTICATION
    permission_classes = PERMISSIONS
    renderer_classes = (JSONRenderer,)
    schema = DashboardSchema()
    docs = {'get': {'responses': {200: dict}}}

    def get(self, request):
        """The learner's own data (JSON), to keep or to ask about."""
        response = Response(api.learner_data(request.user))
        response['Cache-Control'] = 'private, no-store'
        return response
