"""
An in-memory edx-platform: the enrollment, credit and grades code this package calls, with the
platform's rules, importable under the platform's real module names (the ``edx_platform`` fixture).

Every callable has exactly the signature edx-platform gives it, as recorded with its source file in
``tests/edx_proctoring_backend/lms/platform_contract.py`` (whose test compares the two), and is a real
function or method: a call that would not bind in edx-platform raises TypeError here as well. The
behaviour follows edx-platform's code, state kept in dicts instead of tables:

* ``CourseEnrollment.enrollment_mode_for_user`` returns ``(mode, is_active)``, ``(None, None)`` when
  the learner is not enrolled;
* the credit API lists a course's *active* requirements; ``set_credit_requirements`` validates every
  requirement, refuses a course that is not a credit course, disables every active requirement the
  list leaves out and adds (or re-enables and updates) the listed ones;
* ``CreditService`` does nothing in a course that is not a credit course, ignores learners whose
  enrollment is not credit eligible, changes nothing once the learner requested credit, skips (with
  an error in the log) a requirement that does not exist or is disabled, refuses "failed" once the
  learner is eligible for credit and never turns a "satisfied" status into "failed" (a removed status
  may be set again), and makes the learner eligible when every active requirement is satisfied;
* ``GradesService`` keeps one override per learner and subsection, with its history (who, which
  feature, why); undoing removes only the override the same feature made, and undoing a missing one
  does nothing; a course zeroes rejected exams only with its ``REJECTED_EXAM_OVERRIDES_GRADE`` flag;
* ``has_access`` grants course staff and instructor rights to the course's roles and to its
  organisation's, and none to a member of the course team viewing the course as a learner;
* the modulestore gives a course's blocks on the branch of the moment (Studio: drafts first);
* the platform's receivers of the exam-attempt events act on the whole subsection: completion on
  submission, the learner's state deleted on reset (which needs the requesting user), a zero override
  without overrider on rejection, undone on verification where the course zeroes rejected exams.

Unlike edx-platform's tables, this state is not part of the database transaction: what a call wrote
stays here when the package's transaction rolls back afterwards.
"""
import logging
import sys
import types
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.dispatch import Signal
from opaque_keys.edx.keys import CourseKey, UsageKey

log = logging.getLogger(__name__)

# common/djangoapps/course_modes/models.py: CourseMode.CREDIT_ELIGIBLE_MODES
CREDIT_ELIGIBLE_MODES = ('verified', 'professional', 'no-id-professional', 'executive-education')

STUDENT_MODELS = 'common.djangoapps.student.models'
CREDIT_API = 'openedx.core.djangoapps.credit.api'
CREDIT_SERVICES = 'openedx.core.djangoapps.credit.services'
CREDIT_EXCEPTIONS = 'openedx.core.djangoapps.credit.exceptions'
GRADES_SERVICES = 'lms.djangoapps.grades.services'
GRADES_CONSTANTS = 'lms.djangoapps.grades.constants'
COURSEWARE_ACCESS = 'lms.djangoapps.courseware.access'
ACCOUNT_SIGNALS = 'openedx.core.djangoapps.user_api.accounts.signals'
SITE_CONFIGURATION = 'openedx.core.djangoapps.site_configuration.helpers'
USER_PREFERENCES = 'openedx.core.djangoapps.user_api.preferences.api'
MODULESTORE = 'xmodule.modulestore'
MODULESTORE_DJANGO = 'xmodule.modulestore.django'
MODULESTORE_MIXED = 'xmodule.modulestore.mixed'


class InvalidCreditRequirements(Exception):
    """openedx.core.djangoapps.credit.exceptions.InvalidCreditRequirements"""


class InvalidCreditCourse(Exception):
    """openedx.core.djangoapps.credit.exceptions.InvalidCreditCourse"""


class GradeOverrideFeatureEnum:  # pylint: disable=too-few-public-methods
    """lms.djangoapps.grades.constants.GradeOverrideFeatureEnum, with its real values."""

    proctoring = 'PROCTORING'
    gradebook = 'GRADEBOOK'
    grade_import = 'grade-import'


def _key(key_or_id, key_class):
    """As edx-platform's ``_get_key``/``_get_course_key``: parse a string, keep a key as it is."""
    return key_class.from_string(key_or_id) if isinstance(key_or_id, str) else key_or_id


class FakePlatform:
    """The stand-in platform's state, the modules that expose it, and what tests read back."""

    def __init__(self):
        self.enrollments = {}          # (user id, course key) -> (mode, is_active)
        self.credit_courses = set()    # course keys
        self.requirement_rows = {}     # course key -> {(namespace, name): requirement row}
        self.status_rows = {}          # (course key, namespace, name, username) -> {'status', 'reason'}
        self.eligible = set()          # (course key, username)
        self.credit_requests = set()   # (course key, username) of learners who requested credit (CreditRequest)
        self.override_rows = {}        # (user id, course key, usage key) -> override
        self.override_history = []     # PersistentSubsectionGradeOverrideHistory rows, in order
        self.rejection_zeroes = set()  # course keys with the REJECTED_EXAM_OVERRIDES_GRADE flag on
        self.calls = []                # (dotted name, arguments) of every platform call, in order
        self.failures = {}             # callable name -> the exception its next calls raise
        self.course_roles = {}         # (user id, course key) -> 'staff' or 'instructor' (CourseStaffRole, ...)
        self.org_roles = {}            # (user id, org) -> 'staff' or 'instructor' (OrgStaffRole, OrgInstructorRole)
        self.masquerades = set()       # (user id, course key) of staff viewing the course as a learner
        self.support_users = set()     # user ids with SupportStaffRole
        self.site_values = {}          # the current site's SiteConfiguration values
        self.preferences = {}          # (user id, key) -> value (UserPreference; 'pref-lang': the language)
        self.content = {}              # (course key, branch) -> the course's blocks on that branch
        self.branch = None             # the modulestore's branch setting of the moment (None: draft preferred)
        self.completions = {}          # (user id, subsection key) -> completion the exam events set
        self.state_resets = []         # (user id, subsection key, requesting user id) of reset events
        self.receivers = _exam_attempt_receivers(self)
        self.modules = _platform_modules(self)
        self._saved = {}

    # ---- installing under the real module names ---------------------------------------------------

    def module_names(self):
        """Every module name this stand-in provides, parent packages first."""
        names = []
        for dotted in self.modules:
            parts = dotted.split('.')
            for end in range(1, len(parts) + 1):
                name = '.'.join(parts[:end])
                if name not in names:
                    names.append(name)
        return names

    def install(self):
        """Make the modules importable (``importlib.import_module``, ``from ... import ...``)."""
        for name in self.module_names():
            self._saved[name] = sys.modules.get(name)
            module = types.ModuleType(name, 'Stand-in for edx-platform (tests/fakes/edx_platform.py).')
            if name in self.modules:
                vars(module).update(self.modules[name])
            else:
                module.__path__ = []  # a package
            sys.modules[name] = module
            parent, _, child = name.rpartition('.')
            if parent:
                setattr(sys.modules[parent], child, module)
        for signal, receiver in self.receivers:
            signal.connect(receiver, weak=False)

    def uninstall(self):
        """Remove every module ``install`` added and put back whatever was there before."""
        for signal, receiver in self.receivers:
            signal.disconnect(receiver)
        for name in reversed(self.module_names()):
            previous = self._saved.pop(name, None)
            if previous is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = previous

    # ---- arranging the platform -------------------------------------------------------------------

    def enroll(self, user, course_key, mode='verified', is_active=True):
        """Enroll ``user`` in the course's ``mode`` track (or change the enrollment)."""
        self.enrollments[(user.pk, str(course_key))] = (mode, is_active)

    def make_credit_course(self, course_key, requirements=()):
        """Make the course a credit course, with these requirements (as the platform's publish sets them)."""
        self.credit_courses.add(str(course_key))
        if requirements:
            self.publish(course_key, requirements)

    def publish(self, course_key, requirements):
        """
        What edx-platform's course-publish task does: ``set_credit_requirements`` with the
        requirements it knows of (which never include this package's exams).
        """
        self.modules[CREDIT_API]['set_credit_requirements'](CourseKey.from_string(str(course_key)),
                                                            [dict(requirement) for requirement in requirements])

    def request_credit(self, user, course_key):
        """The learner asks a credit provider for credit (a ``CreditRequest``): their statuses are final then."""
        self.credit_requests.add((str(course_key), user.username))

    def grant(self, user, course_key, role):
        """Give ``user`` a course role: ``staff`` (CourseStaffRole) or ``instructor`` (CourseInstructorRole)."""
        self.course_roles[(user.pk, str(course_key))] = role

    def grant_org(self, user, org, role):
        """Give ``user`` an organisation role over all its courses: ``staff`` (OrgStaffRole) or ``instructor``."""
        self.org_roles[(user.pk, org)] = role

    def masquerade(self, user, course_key):
        """``user`` (course staff) views the course as a learner (the LMS's "View this course as")."""
        self.masquerades.add((user.pk, str(course_key)))

    def make_support(self, user):
        """Give ``user`` the site's SupportStaffRole."""
        self.support_users.add(user.pk)

    def save_content(self, course_key, blocks, published=True):
        """Put the course's blocks in the modulestore's draft branch and, when ``published``, its published one."""
        self.content[(str(course_key), 'draft-preferred')] = list(blocks)
        if published:
            self.content[(str(course_key), 'published-only')] = list(blocks)

    def zero_rejected_exams(self, course_key):
        """Turn the course's ``grades.rejected_exam_overrides_grade`` waffle flag on (off by default)."""
        self.rejection_zeroes.add(str(course_key))

    def fail(self, name, error):
        """Make every later call of the platform callable ``name`` raise ``error``."""
        self.failures[name] = error

    # ---- reading the platform back ----------------------------------------------------------------

    def calls_to(self, name):
        """The arguments of every call of the callable ``name`` (its last dotted part), in order."""
        return [arguments for dotted, arguments in self.calls if dotted.rpartition('.')[2] == name]

    def requirements(self, course_key, namespace=None):
        """The course's active credit requirements, as ``get_credit_requirements`` returns them."""
        rows = sorted(self.requirement_rows.get(str(course_key), {}).values(), key=lambda row: row['sort_value'])
        return [{field: row[field] for field in ('namespace', 'name', 'display_name', 'criteria')}
                for row in rows if row['active'] and namespace in (None, row['namespace'])]

    def requirement_row(self, course_key, name, namespace='proctored_exam'):
        """The stored requirement (active or not), or None."""
        return self.requirement_rows.get(str(course_key), {}).get((namespace, name))

    def status(self, user, course_key, name, namespace='proctored_exam'):
        """The learner's status of an active requirement, as the platform shows it (None: no status)."""
        row = self.requirement_row(course_key, name, namespace)
        if row is None or not row['active']:
            return None
        stored = self.status_rows.get((str(course_key), namespace, name, user.username))
        return stored['status'] if stored else None

    def stored_status(self, user, course_key, name, namespace='proctored_exam'):
        """The learner's stored status row, even of a disabled requirement (it shows again if re-enabled)."""
        stored = self.status_rows.get((str(course_key), namespace, name, user.username))
        return stored['status'] if stored else None

    def is_eligible(self, user, course_key):
        """True once the platform made the learner eligible for credit in the course."""
        return (str(course_key), user.username) in self.eligible

    def override(self, user, course_key, usage_key):
        """The learner's subsection grade override, or None."""
        return self.override_rows.get((user.pk, str(course_key), str(usage_key)))

    # ---- the platform's internals the stand-ins share -----------------------------------------------

    def enter(self, dotted, **arguments):
        """Record a call of a platform callable, then raise what ``fail`` asked for, if anything."""
        self.calls.append((dotted, arguments))
        error = self.failures.get(dotted.rpartition('.')[2])
        if error is not None:
            raise error

    def active_requirement(self, course_key, namespace, name):
        """``CreditRequirement.get_course_requirement``: the active requirement, or None."""
        row = self.requirement_row(course_key, name, namespace)
        return row if row is not None and row['active'] else None


def _exam_attempt_receivers(platform):
    """
    The platform's receivers of the openedx-events exam-attempt signals, as (signal, receiver). Each
    acts on the event's ``usage_key``, the exam's whole subsection, as its original does.
    """
    from openedx_events.learning import signals  # pylint: disable=import-outside-toplevel

    def handle_exam_completion(sender, signal, **kwargs):  # pylint: disable=unused-argument
        """lms/djangoapps/instructor/handlers.py: every completable block of the subsection is complete."""
        data = kwargs['exam_attempt']
        platform.completions[(data.student_user.id, str(data.usage_key))] = 1.0

    def handle_exam_reset(sender, signal, **kwargs):  # pylint: disable=unused-argument
        """
        lms/djangoapps/instructor/handlers.py: reset_student_attempts(..., requesting_user=..., delete_module=True)
        on the subsection, then its completion to 0. It reads ``requesting_user.id``: without one it fails.
        """
        data = kwargs['exam_attempt']
        requesting_user_id = data.requesting_user.id
        platform.state_resets.append((data.student_user.id, str(data.usage_key), requesting_user_id))
        platform.completions[(data.student_user.id, str(data.usage_key))] = 0.0

    def exam_attempt_rejected_event_handler(sender, signal, **kwargs):  # pylint: disable=unused-argument
        """lms/djangoapps/grades/signals/handlers.py: a zero override, without overrider or comment, always."""
        data = kwargs['exam_attempt']
        platform.modules[GRADES_SERVICES]['GradesService']().override_subsection_grade(
            data.student_user.id, data.course_key, data.usage_key, earned_all=0.0, earned_graded=0.0,
            feature=GradeOverrideFeatureEnum.proctoring, overrider=None, comment=None)

    def exam_attempt_verified_event_handler(sender, signal, **kwargs):  # pylint: disable=unused-argument
        """lms/djangoapps/grades/signals/handlers.py: the override undone, if the course zeroes rejected exams."""
        data = kwargs['exam_attempt']
        service = platform.modules[GRADES_SERVICES]['GradesService']()
        if service.should_override_grade_on_rejected_exam(data.course_key):
            service.undo_override_subsection_grade(data.student_user.id, data.course_key, data.usage_key)

    return [
        (signals.EXAM_ATTEMPT_SUBMITTED, handle_exam_completion),
        (signals.EXAM_ATTEMPT_RESET, handle_exam_reset),
        (signals.EXAM_ATTEMPT_REJECTED, exam_attempt_rejected_event_handler),
        (signals.EXAM_ATTEMPT_VERIFIED, exam_attempt_verified_event_handler),
    ]


def _platform_modules(platform):  # pylint: disable=too-many-statements
    """
    The module namespaces of the stand-in, by dotted name. Each callable below is written as its
    edx-platform original, argument for argument.
    """

    # ---- common/djangoapps/student/models/course_enrollment.py -------------------------------------

    class CourseEnrollment:  # pylint: disable=too-few-public-methods
        """The enrollment of a learner in a course (only what the package reads)."""

        @classmethod
        def enrollment_mode_for_user(cls, user, course_id):
            """Return ``(mode, is_active)``, or ``(None, None)`` when there is no enrollment."""
            platform.enter(f'{STUDENT_MODELS}.CourseEnrollment.enrollment_mode_for_user', user=user,
                           course_id=course_id)
            return platform.enrollments.get((user.pk, str(course_id)), (None, None))

    class CourseEnrollmentManager:  # pylint: disable=too-few-public-methods
        """``CourseEnrollment.objects`` (only what the package reads)."""

        def users_enrolled_in(self, course_id, include_inactive=False, verified_only=False):
            """The users enrolled in the course (active ones only, unless asked), as a ``User`` queryset."""
            platform.enter(f'{STUDENT_MODELS}.CourseEnrollment.objects.users_enrolled_in', course_id=course_id,
                           include_inactive=include_inactive, verified_only=verified_only)
            ids = [user_id for (user_id, course), (mode, active) in platform.enrollments.items()
                   if course == str(course_id) and (active or include_inactive)
                   and (not verified_only or mode == 'verified')]
            return get_user_model().objects.filter(pk__in=ids)

    CourseEnrollment.objects = CourseEnrollmentManager()

    # ---- openedx/core/djangoapps/credit/api/eligibility.py ----------------------------------------

    def is_credit_course(course_key):
        """True iff the course has been configured for credit."""
        platform.enter(f'{CREDIT_API}.is_credit_course', course_key=course_key)
        return str(course_key) in platform.credit_courses

    def get_credit_requirements(course_key, namespace=None):
        """The course's active requirements (in a namespace), as dicts."""
        platform.enter(f'{CREDIT_API}.get_credit_requirements', course_key=course_key, namespace=namespace)
        return platform.requirements(course_key, namespace)

    def is_user_eligible_for_credit(username, course_key):
        """Whether the learner has a CreditEligibility in the course."""
        platform.enter(f'{CREDIT_API}.is_user_eligible_for_credit', username=username, course_key=course_key)
        return (str(course_key), username) in platform.eligible

    def set_credit_requirements(course_key, requirements):
        """Validate, disable the active requirements not listed, add or update (and enable) the listed ones."""
        platform.enter(f'{CREDIT_API}.set_credit_requirements', course_key=course_key,
                       requirements=[dict(requirement) for requirement in requirements])
        invalid = []
        for requirement in requirements:
            missing = [field for field in ('namespace', 'name', 'display_name') if not requirement.get(field)]
            if 'criteria' not in requirement:
                missing.append('criteria')
            if missing:
                invalid.append(f'{requirement} has missing/invalid parameters: {missing}')
        if invalid:
            raise InvalidCreditRequirements(', '.join(invalid))
        if str(course_key) not in platform.credit_courses:
            raise InvalidCreditCourse()
        rows = platform.requirement_rows.setdefault(str(course_key), {})
        listed = {(requirement['namespace'], requirement['name']) for requirement in requirements}
        for key, row in rows.items():
            if row['active'] and key not in listed:
                row['active'] = False
        for sort_value, requirement in enumerate(requirements):
            rows[(requirement['namespace'], requirement['name'])] = {
                'namespace': requirement['namespace'], 'name': requirement['name'],
                'display_name': requirement['display_name'], 'criteria': requirement['criteria'],
                'sort_value': sort_value, 'active': True,
            }

    def api_set_credit_requirement_status(user, course_key, req_namespace, req_name, status='satisfied',
                                          reason=None):
        """eligibility.set_credit_requirement_status, which the credit service calls."""
        mode, is_active = platform.enrollments.get((user.pk, str(course_key)), (None, None))
        if mode not in CREDIT_ELIGIBLE_MODES or not is_active:
            return
        if (str(course_key), user.username) in platform.credit_requests:
            log.info('Refusing to set status of requirement with namespace "%s" and name "%s" because the user "%s" '
                     'has already requested credit for the course "%s".', req_namespace, req_name, user.username,
                     course_key)
            return
        eligible_before_update = (str(course_key), user.username) in platform.eligible
        if eligible_before_update and status == 'failed':
            log.info('Refusing to set status of requirement with namespace "%s" and name "%s" to "failed" because '
                     'the user "%s" is already eligible for credit in the course "%s".',
                     req_namespace, req_name, user.username, course_key)
            return
        if platform.active_requirement(course_key, req_namespace, req_name) is None:
            log.error('Could not update credit requirement in course "%s" with namespace "%s" and name "%s" because '
                      'the requirement does not exist. The user "%s" should have had their status updated to "%s".',
                      course_key, req_namespace, req_name, user.username, status)
            return
        # models.py CreditRequirementStatus.add_or_update_requirement_status: an existing "satisfied" is
        # never changed to "failed" (only removing the status, then setting it, makes it failed).
        key = (str(course_key), req_namespace, req_name, user.username)
        existing = platform.status_rows.get(key)
        if existing is not None and existing['status'] == 'satisfied' and status == 'failed':
            log.info('Can not change status of credit requirement "%s" from satisfied to failed ', req_name)
            return
        platform.status_rows[key] = {'status': status, 'reason': reason}
        if status == 'satisfied' and not eligible_before_update:
            statuses = [platform.status(user, course_key, requirement['name'], requirement['namespace'])
                        for requirement in platform.requirements(course_key)]
            if all(value == 'satisfied' for value in statuses):
                platform.eligible.add((str(course_key), user.username))

    def api_remove_credit_requirement_status(username, course_key, req_namespace, req_name):
        """eligibility.remove_credit_requirement_status, which the credit service calls."""
        if platform.active_requirement(course_key, req_namespace, req_name) is None:
            log.error('Could not remove credit requirement in course "%s" with namespace "%s" and name "%s" because '
                      'the requirement does not exist. ', course_key, req_namespace, req_name)
            return
        if platform.status_rows.pop((str(course_key), req_namespace, req_name, username), None) is None:
            log.error('The requirement status does not exist for username "%s" and requirement "%s/%s"',
                      username, req_namespace, req_name)

    # ---- openedx/core/djangoapps/credit/services.py -----------------------------------------------

    def user_by_id(user_id):
        return get_user_model().objects.filter(pk=user_id).first()

    class CreditService:
        """The credit XBlock service."""

        def set_credit_requirement_status(self, user_id, course_key_or_id, req_namespace,
                                          req_name, status="satisfied", reason=None):
            """Set the learner's status of a requirement (nothing in a course that is not a credit course)."""
            platform.enter(f'{CREDIT_SERVICES}.CreditService.set_credit_requirement_status', user_id=user_id,
                           course_key_or_id=course_key_or_id, req_namespace=req_namespace, req_name=req_name,
                           status=status, reason=reason)
            course_key = _key(course_key_or_id, CourseKey)
            if str(course_key) not in platform.credit_courses:
                return None
            user = user_by_id(user_id)
            if user is None:
                return None
            return api_set_credit_requirement_status(user, course_key, req_namespace, req_name, status, reason)

        def remove_credit_requirement_status(self, user_id, course_key_or_id, req_namespace, req_name):
            """Remove the learner's status of a requirement (nothing in a course that is not a credit course)."""
            platform.enter(f'{CREDIT_SERVICES}.CreditService.remove_credit_requirement_status', user_id=user_id,
                           course_key_or_id=course_key_or_id, req_namespace=req_namespace, req_name=req_name)
            course_key = _key(course_key_or_id, CourseKey)
            if str(course_key) not in platform.credit_courses:
                return None
            user = user_by_id(user_id)
            if user is None:
                return None
            return api_remove_credit_requirement_status(user.username, course_key, req_namespace, req_name)

    # ---- lms/djangoapps/grades/services.py (and grades/api.py behind it) ------------------------------

    class GradesService:
        """The grades XBlock service."""

        def override_subsection_grade(
                self, user_id, course_key_or_id, usage_key_or_id, earned_all=None, earned_graded=None,
                feature=GradeOverrideFeatureEnum.proctoring, overrider=None, comment=None
        ):
            """Create or replace the learner's override of a subsection grade."""
            platform.enter(f'{GRADES_SERVICES}.GradesService.override_subsection_grade', user_id=user_id,
                           course_key_or_id=course_key_or_id, usage_key_or_id=usage_key_or_id,
                           earned_all=earned_all, earned_graded=earned_graded, feature=feature,
                           overrider=overrider, comment=comment)
            course_key, usage_key = _key(course_key_or_id, CourseKey), _key(usage_key_or_id, UsageKey)
            platform.override_rows[(user_id, str(course_key), str(usage_key))] = {
                'earned_all': earned_all, 'earned_graded': earned_graded, 'feature': feature,
                'overrider': overrider, 'comment': comment,
            }
            # grades/models.py: PersistentSubsectionGradeOverride.update_or_create_override records each
            # change in its history: action CREATEORUPDATE, the user who made it, the feature, the reason.
            platform.override_history.append({
                'user_id': user_id, 'usage_key': str(usage_key), 'action': 'CREATEORUPDATE', 'user': overrider,
                'feature': feature, 'comments': comment,
            })

        def undo_override_subsection_grade(self, user_id, course_key_or_id, usage_key_or_id,
                                           feature=GradeOverrideFeatureEnum.proctoring):
            """Delete the override this feature made, if any (a missing override is no error)."""
            platform.enter(f'{GRADES_SERVICES}.GradesService.undo_override_subsection_grade', user_id=user_id,
                           course_key_or_id=course_key_or_id, usage_key_or_id=usage_key_or_id, feature=feature)
            course_key, usage_key = _key(course_key_or_id, CourseKey), _key(usage_key_or_id, UsageKey)
            key = (user_id, str(course_key), str(usage_key))
            override = platform.override_rows.get(key)
            # grades/api.py: undo_override_subsection_grade deletes only an override the same feature made
            # (a gradebook override stays), recording the deletion in the history.
            if override is not None and override['feature'] == feature:
                del platform.override_rows[key]
                platform.override_history.append({
                    'user_id': user_id, 'usage_key': str(usage_key), 'action': 'DELETE', 'user': None,
                    'feature': feature, 'comments': None,
                })

        def should_override_grade_on_rejected_exam(self, course_key_or_id):
            """The course's REJECTED_EXAM_OVERRIDES_GRADE waffle flag (grades/api.py), off unless turned on."""
            platform.enter(f'{GRADES_SERVICES}.GradesService.should_override_grade_on_rejected_exam',
                           course_key_or_id=course_key_or_id)
            return str(_key(course_key_or_id, CourseKey)) in platform.rejection_zeroes

    # ---- lms/djangoapps/courseware/access.py ------------------------------------------------------

    class AccessResponse:  # pylint: disable=too-few-public-methods
        """lms.djangoapps.courseware.access_response.AccessResponse: true when access is granted."""

        def __init__(self, has_access):
            self.has_access = has_access

        def __bool__(self):
            return self.has_access

    def has_access(user, action, obj, course_key=None):
        """
        As edx-platform for the objects the package passes: on a ``CourseKey``, ``staff`` is granted to
        global staff and the course's staff and instructors, ``instructor`` to global staff and the
        course's instructors; on ``'global'``, ``staff`` to global staff (``is_staff``) and ``support``
        to global staff and the support team. Anything else raises TypeError, as the platform does.
        """
        platform.enter(f'{COURSEWARE_ACCESS}.has_access', user=user, action=action, obj=obj, course_key=course_key)
        global_staff = bool(user is not None and user.is_authenticated and user.is_staff)
        if isinstance(obj, CourseKey):
            user_id = getattr(user, 'pk', None)
            # access.py _has_access_to_course: a user viewing the course as a learner has no staff access,
            # global staff included; then administrative_accesses_to_course_for_user: the course's role, or
            # the organisation's over all its courses.
            if (user_id, str(obj)) in platform.masquerades:
                return AccessResponse(False)
            role = platform.course_roles.get((user_id, str(obj))) or platform.org_roles.get((user_id, obj.org))
            if action == 'staff':
                return AccessResponse(global_staff or role in ('staff', 'instructor'))
            if action == 'instructor':
                return AccessResponse(global_staff or role == 'instructor')
            raise ValueError(f"Unknown action for object type '{type(obj)}': '{action}'")
        if obj == 'global':
            if action == 'staff':
                return AccessResponse(global_staff)
            if action == 'support':
                return AccessResponse(global_staff or getattr(user, 'pk', None) in platform.support_users)
            raise ValueError(f"Unknown action for object type '{type(obj)}': '{action}'")
        raise TypeError(f'Unknown object type in has_access(): {type(obj)}')

    # ---- openedx/core/djangoapps/site_configuration/helpers.py ----------------------------------------

    def get_value(val_name, default=None, **kwargs):
        """
        The current site's configuration value of ``val_name``, else ``default``; as the platform does,
        a dict ``default`` is updated with the site's value (a merge of the top-level keys).
        """
        platform.enter(f'{SITE_CONFIGURATION}.get_value', val_name=val_name, default=default)
        value = platform.site_values.get(val_name, default)
        try:
            merged = dict(default)
            merged.update(value)
            return merged
        except (TypeError, ValueError, AttributeError):
            return value

    # ---- openedx/core/djangoapps/user_api/preferences/api.py ---------------------------------------------

    def get_user_preference(requesting_user, preference_key, username=None):
        """The value of ``username``'s preference (the requesting user's own without one), else None."""
        platform.enter(f'{USER_PREFERENCES}.get_user_preference', requesting_user=requesting_user,
                       preference_key=preference_key, username=username)
        user = requesting_user if username in (None, requesting_user.username) else \
            get_user_model().objects.get(username=username)
        return platform.preferences.get((user.pk, preference_key))

    # ---- xmodule/modulestore/__init__.py, django.py and mixed.py ----------------------------------------

    class ModuleStoreEnum:  # pylint: disable=too-few-public-methods
        """xmodule.modulestore.ModuleStoreEnum (the branches)."""

        class Branch:  # pylint: disable=too-few-public-methods
            """The branch a read sees: Studio reads drafts first, learners the published content."""

            draft_preferred = 'draft-preferred'
            published_only = 'published-only'

    class MixedModuleStore:
        """The course content store (only what the package reads)."""

        def get_items(self, course_key, **kwargs):
            """
            The course's blocks on the current branch (Studio's default: draft preferred) that match
            ``qualifiers`` (``{'category': block type}``), as ``MixedModuleStore.get_items`` does.
            """
            platform.enter(f'{MODULESTORE_MIXED}.MixedModuleStore.get_items', course_key=course_key, **kwargs)
            branch = platform.branch or ModuleStoreEnum.Branch.draft_preferred
            category = (kwargs.get('qualifiers') or {}).get('category')
            return [block for block in platform.content.get((str(course_key), branch), ())
                    if category in (None, block.scope_ids.block_type)]

        @contextmanager
        def branch_setting(self, branch_setting, course_id=None):
            """Read from ``branch_setting`` for the length of the block (a thread-local setting in the platform)."""
            platform.enter(f'{MODULESTORE_MIXED}.MixedModuleStore.branch_setting', branch_setting=branch_setting,
                           course_id=course_id)
            previous, platform.branch = platform.branch, branch_setting
            try:
                yield
            finally:
                platform.branch = previous

    store = MixedModuleStore()

    def modulestore():
        """The process's one modulestore."""
        platform.enter(f'{MODULESTORE_DJANGO}.modulestore')
        return store

    # ---- openedx/core/djangoapps/user_api/accounts/signals.py ---------------------------------------
    # The LMS sends ``USER_RETIRE_LMS_MISC.send(sender=..., user=user)`` from its retirement view.

    return {
        ACCOUNT_SIGNALS: {'USER_RETIRE_LMS_MISC': Signal()},
        COURSEWARE_ACCESS: {'has_access': has_access},
        SITE_CONFIGURATION: {'get_value': get_value},
        USER_PREFERENCES: {'get_user_preference': get_user_preference},
        STUDENT_MODELS: {'CourseEnrollment': CourseEnrollment},
        CREDIT_API: {'is_credit_course': is_credit_course, 'get_credit_requirements': get_credit_requirements,
                     'set_credit_requirements': set_credit_requirements,
                     'is_user_eligible_for_credit': is_user_eligible_for_credit},
        CREDIT_SERVICES: {'CreditService': CreditService},
        CREDIT_EXCEPTIONS: {'InvalidCreditRequirements': InvalidCreditRequirements,
                            'InvalidCreditCourse': InvalidCreditCourse},
        GRADES_SERVICES: {'GradesService': GradesService},
        GRADES_CONSTANTS: {'GradeOverrideFeatureEnum': GradeOverrideFeatureEnum},
        MODULESTORE: {'ModuleStoreEnum': ModuleStoreEnum},
        MODULESTORE_DJANGO: {'modulestore': modulestore},
        MODULESTORE_MIXED: {'MixedModuleStore': MixedModuleStore},
    }
