"""
The edx-proctoring backends' tests run beside the real edx-proctoring (``make test-edx-proctoring``,
settings ``tests.edx_proctoring_settings``); elsewhere they are not collected.

edx-proctoring reaches the LMS through the runtime services the LMS registers: the tests register
minimal services of their own that keep what they were told, as edx-proctoring's own tests do.
"""
import pytest
from django.conf import settings

if 'edx_proctoring' not in settings.INSTALLED_APPS:
    # Neither edx-proctoring's tables nor its backends exist in this run.
    collect_ignore_glob = ['test_*.py']


class CreditService:
    """The LMS's credit service: every learner is verified; the requirement statuses are kept."""

    def __init__(self):
        self.statuses = {}

    def get_credit_state(self, user_id, course_key, return_course_info=False):  # pylint: disable=unused-argument
        """What edx-proctoring reads of a learner's enrollment and profile."""
        return {'enrollment_mode': 'verified', 'profile_fullname': f'Learner {user_id}', 'student_email': '',
                'course_name': 'Special exams', 'credit_requirement_status': []}

    def set_credit_requirement_status(self, user_id, course_key_or_id, req_namespace, req_name, *,
                                      status='satisfied'):
        """Keep the status posted."""
        self.statuses[(user_id, str(course_key_or_id), req_namespace, req_name)] = status

    def remove_credit_requirement_status(self, user_id, course_key_or_id, req_namespace, req_name):
        """Forget the status."""
        self.statuses.pop((user_id, str(course_key_or_id), req_namespace, req_name), None)

    def status(self, user, course_id, content_id):
        """The learner's status of the exam's credit requirement, or None."""
        return self.statuses.get((user.pk, course_id, 'proctored_exam', content_id))


class GradesService:
    """The LMS's grades service: rejected exams are worth nothing (the course flag is on)."""

    def __init__(self):
        self.overrides = {}

    def should_override_grade_on_rejected_exam(self, course_key):  # pylint: disable=unused-argument
        """The course's REJECTED_EXAM_OVERRIDES_GRADE flag."""
        return True

    def override_subsection_grade(self, user_id, course_key_or_id, usage_key_or_id, **override):
        """Keep the override."""
        self.overrides[(user_id, str(course_key_or_id), str(usage_key_or_id))] = override

    def undo_override_subsection_grade(self, user_id, course_key_or_id, usage_key_or_id):
        """Forget the override."""
        self.overrides.pop((user_id, str(course_key_or_id), str(usage_key_or_id)), None)


class CertificatesService:
    """The LMS's certificates service: keeps the invalidated certificates."""

    def __init__(self):
        self.invalidated = set()

    def invalidate_certificate(self, user_id, course_key_or_id):
        """Keep the invalidation."""
        self.invalidated.add((user_id, str(course_key_or_id)))


class InstructorService:
    """The LMS's instructor service: everybody asked about is course staff; notifications are kept."""

    def __init__(self):
        self.notifications = []
        self.completed = []
        self.deleted = []

    def is_course_staff(self, user, course_id):  # pylint: disable=unused-argument
        """Whether ``user`` is staff of the course."""
        return bool(user.is_staff)

    def complete_student_attempt(self, user_identifier, content_id):
        """The subsection is complete for the learner."""
        self.completed.append((user_identifier, content_id))

    # pylint: disable-next=unused-argument
    def delete_student_attempt(self, student_identifier, course_id, content_id, requesting_user):
        """The learner's state in the subsection is deleted (a reset): kept as (learner, course, content)."""
        self.deleted.append((student_identifier, course_id, content_id))

    def send_support_notification(self, **notification):
        """Keep the notification to support."""
        self.notifications.append(notification)

    def get_proctoring_escalation_email(self, course_key):  # pylint: disable=unused-argument
        """The course's escalation address."""
        return 'escalation@example.com'


class EventsKept:
    """An event-tracking backend that keeps the events sent (the LMS registers its tracker at start-up)."""

    def __init__(self):
        self.events = []

    def send(self, event):
        """Keep the event."""
        self.events.append(event)


@pytest.fixture
def make_edx_exam(db):  # pylint: disable=unused-argument
    """Create proctored exams in edx-proctoring, as Studio's publish does; return them as edx-proctoring's dicts."""
    # edx-proctoring is importable where these tests are collected only.
    from edx_proctoring import api as edx_api  # pylint: disable=import-outside-toplevel,import-error

    from tests.special_exams.edx_exams import COURSE, sequential  # pylint: disable=import-outside-toplevel
    counter = {'n': 0}

    def make(backend_name='proctored_exams_null', time_limit_mins=60, is_practice_exam=False):
        counter['n'] += 1
        exam_id = edx_api.create_exam(COURSE, sequential(f'exam{counter["n"]}'), f'Final {counter["n"]}',
                                      time_limit_mins, is_proctored=True, is_practice_exam=is_practice_exam,
                                      backend=backend_name)
        return edx_api.get_exam_by_id(exam_id)
    return make


@pytest.fixture(autouse=True)
def tracking_events():
    """The LMS's default event tracker, for the test; return the events it was sent."""
    # pylint: disable-next=import-outside-toplevel,import-error
    from eventtracking import tracker
    kept = EventsKept()
    previous = tracker.TRACKERS.get(tracker.DEFAULT_TRACKER_NAME)
    tracker.register_tracker(tracker.Tracker(backends={'kept': kept}))
    yield kept.events
    if previous is None:
        tracker.TRACKERS.pop(tracker.DEFAULT_TRACKER_NAME, None)
    else:
        tracker.register_tracker(previous)


@pytest.fixture(autouse=True)
def lms_services():
    """Register the minimal LMS services with edx-proctoring for the test; return them by name."""
    # edx-proctoring is importable where these tests are collected only.
    from edx_proctoring.runtime import set_runtime_service  # pylint: disable=import-outside-toplevel,import-error
    services = {'credit': CreditService(), 'grades': GradesService(), 'certificates': CertificatesService(),
                'instructor': InstructorService()}
    for name, service in services.items():
        set_runtime_service(name, service)
    yield services
    for name in services:
        set_runtime_service(name, None)
