"""
What the package's blocks read from their runtime: the translator, the learner and the course.

Blocks that use ``LearnerCourseMixin`` declare ``@XBlock.needs('i18n')`` and ``@XBlock.needs('user')``.
"""

# The course of blocks outside a course (the workbench): every exam there belongs to this one.
DEFAULT_COURSE_KEY = 'course-v1:Demo+Proctoring+Standalone'


class LearnerCourseMixin:
    """The runtime's translator, the Django user viewing the block, and the block's course."""

    def i18n(self):
        """The runtime's i18n service."""
        return self.runtime.service(self, 'i18n')

    def gettext(self, message):
        """Translate through the runtime's i18n service."""
        return self.i18n().gettext(message)

    def current_django_user(self):
        """The Django user viewing the block, or None for an anonymous one."""
        from edx_proctoring_backend.lms.users import django_user_for  # pylint: disable=import-outside-toplevel
        return django_user_for(self.runtime.service(self, 'user').get_current_user())

    @property
    def course_key(self):
        """The course this block belongs to (the workbench has none: a fixed standalone key)."""
        return str(getattr(self.scope_ids.usage_id, 'context_key', None) or DEFAULT_COURSE_KEY)
