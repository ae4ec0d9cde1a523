"""
The demo's stand-in for the LMS's per-learner dates: answers to an exam's content are held to the
learner's attempt.

On the platform a standard problem inside an exam closes at the learner's own due date, which the
package sets per attempt through edx-when (``edx_proctoring_backend/lms/content_dates.py``). The
workbench has no such dates, so the demo routes its handler URL through this view, which applies the
same rule before the block sees the call: a block inside an exam takes calls only while the exam
accepts the learner's answers (their running attempt, its deadline plus the network grace; a regular
or declined exam). A refused call is a 409 with the reason, and nothing is saved.
"""
from django.http import JsonResponse
from workbench import views as workbench_views
from workbench.runtime import WorkbenchRuntime
from xblock.exceptions import NoSuchUsage

from edx_proctoring_backend import api
from edx_proctoring_backend.lms.content_gate import enclosing_exam
from proctored_xblock.views import error_messages


def handler(request, usage_id, handler_slug, suffix='', authenticated=True):
    """The workbench's handler view, for blocks that answer inside an exam only while it accepts answers."""
    # An unauthenticated call is the workbench's learner "none", as its own view makes it.
    student_id = workbench_views.get_student_id(request) if authenticated else 'none'
    refusal = _refusal(usage_id, student_id)
    if refusal is not None:
        return refusal
    return workbench_views.handler(request, usage_id, handler_slug, suffix, authenticated)


def _refusal(usage_id, student_id):
    """A 4xx when the block is an exam's content and the exam does not accept this learner's answers now."""
    runtime = WorkbenchRuntime(student_id)
    try:
        exam = enclosing_exam(runtime.get_block(usage_id))
    except NoSuchUsage:
        return None  # the workbench answers 404 itself
    if exam is None:
        return None
    messages = error_messages(exam.gettext)
    user = exam.current_django_user()
    if user is None:
        return _json({'error': 'not_signed_in', 'message': messages['not_signed_in']}, 403)
    try:
        exam.assert_answers_accepted(user)
    except api.ProctoringError as error:
        return _json({'error': error.code, 'message': messages.get(error.code, messages['default'])}, 409)
    return None


def _json(payload, status):
    return JsonResponse(payload, status=status)
