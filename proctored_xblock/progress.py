"""
The learner's progress panel: one row per exam of the course with its review status, its grade, and
whether it counts toward credit (and why not). The records and the credit rules are the backend's
(``api.course_progress``, ``credit.policy``); this block only explains them.
"""
from web_fragments.fragment import Fragment
from xblock.core import XBlock
from xblock.fields import Scope, String

from edx_proctoring_backend import api

from . import views
from .i18n import _
from .resources import read_static
from .services import LearnerCourseMixin

S = api.AttemptStatus
NOT_APPLICABLE = '—'
DEFAULT_TITLE = _('Proctored exams and credit')


def credit_reason(row):
    """
    Why an exam counts toward credit or not, as a key of ``views.credit_reason_texts``, for one
    ``ExamProgress``. Whether it counts is the record's (``counts_toward_credit``); this only explains.
    """
    if row.exam.exam_type == api.ExamType.PRACTICE:
        return 'practice'
    if not row.is_credit_requirement:
        return 'not_required'
    if row.counts_toward_credit:
        return 'counts'
    status = row.attempt_status
    if row.credit_status == api.CreditStatus.DECLINED or status == S.DECLINED:
        return 'opted_out'
    if status in (None, S.RESET):
        return 'not_taken'
    if status in S.IN_PROGRESS:
        return 'in_progress'
    if status == S.ERROR:
        return 'session_error'
    if row.review_status == api.ReviewStatus.UNSATISFACTORY:
        return 'review_unsatisfactory'
    if row.review_status == api.ReviewStatus.PENDING:
        return 'review_pending'
    if row.grade is None:
        return 'not_graded'
    if row.grade < row.passing_share:
        return 'grade_below'
    return 'not_recorded'


@XBlock.needs('i18n')
@XBlock.needs('user')
class ProctoringProgressBlock(LearnerCourseMixin, XBlock):
    """The learner's proctored, practice and timed exams of the course, and what counts toward credit."""

    display_name = String(display_name=_('Display name'), default=DEFAULT_TITLE, scope=Scope.settings)

    def title(self):
        """The display name; the default one in the learner's language."""
        if self.display_name == DEFAULT_TITLE:
            return self.gettext(self.display_name)
        return self.display_name

    def student_view(self, context=None):  # pylint: disable=unused-argument
        """The progress table, or a sign-in message for an anonymous visitor."""
        user = self.current_django_user()
        passing = views.percentage(self.gettext, api.credit_min_grade(self.course_key))
        rows = None
        if user is not None:
            texts = self._texts(passing)
            rows = [self._row(progress, texts) for progress in api.course_progress(user, self.course_key)]
        fragment = Fragment(views.render_template(
            'progress.html', self.i18n(), display_name=self.title(), rows=rows, passing=passing))
        fragment.add_css(read_static('css/proctored_exam.css'))
        return fragment

    def _texts(self, passing):
        """The translated words of the rows, looked up once per page."""
        _ = self.gettext
        return {
            'types': dict(views.exam_type_labels(_)),
            'reviews': {status: label for status, (label, _help) in views.review_texts(_).items()},
            'practice_results': views.practice_result_labels(_),
            'reasons': views.credit_reason_texts(_, passing),
            'yes': _("Yes"), 'no': _("No"),
        }

    def _row(self, progress, texts):
        """The texts of one exam's row."""
        exam_type = progress.exam.exam_type
        if exam_type == api.ExamType.PRACTICE:
            # Practice exams are neither reviewed nor graded: how they ended instead.
            review = texts['practice_results'].get(progress.practice_result, NOT_APPLICABLE)
            grade = NOT_APPLICABLE
        else:
            review = texts['reviews'].get(progress.review_status, NOT_APPLICABLE)
            grade = NOT_APPLICABLE if progress.grade is None else views.percentage(self.gettext, progress.grade)
        reason = credit_reason(progress)
        return {
            'name': progress.exam.display_name, 'exam_type': exam_type,
            'type_label': texts['types'].get(exam_type, exam_type),
            'review_status': progress.review_status or progress.practice_result or '', 'review': review,
            'grade': grade, 'counts': progress.counts_toward_credit,
            'counts_label': texts['yes'] if progress.counts_toward_credit else texts['no'],
            'reason': reason, 'reason_text': texts['reasons'][reason],
        }

    @staticmethod
    def workbench_scenarios():
        """The demo's progress panel: the exams of the workbench's one standalone course."""
        return [
            ('Proctored exams and credit: progress', '<vertical_demo><proctoring_progress/></vertical_demo>'),
        ]
