"""
Exam content is shown only where the exam allows it, whatever URL renders it.

The exam block shows its children only inside the learner's running attempt (or as the exam's
settings say: a regular or declined exam, questions after submission). On the platform a child can
also be rendered on its own: the LMS's ``render_xblock`` view (``/xblock/<usage id>``, which the
learning MFE frames) and a unit's rendering of its children. These openedx-filters steps, which the
plugin's settings add to ``OPEN_EDX_FILTERS_CONFIG``, apply the exam's rule there too:

* ``RenderXBlockStarted`` (``lms/djangoapps/courseware/views/views.py``, ``render_xblock``): the page
  says the content belongs to an exam instead of showing it. The platform wraps the response of
  ``RenderCustomResponse`` in a ``Fragment``, so it must be HTML text (``PreventXBlockBlockRender``
  would show the learner the server error page).
* ``VerticalBlockChildRenderStarted`` (``xmodule/vertical_block.py``): the child is skipped.

A step that fails for any other reason hides the content: exam questions never leak through an error.
Answers are held by the exam's clock separately (see ``lms/content_dates.py``).
"""
import logging

from django.utils.html import format_html
from django.utils.translation import gettext
from openedx_filters import PipelineStep
from openedx_filters.learning.filters import RenderXBlockStarted, VerticalBlockChildRenderStarted

from . import filters_config

log = logging.getLogger(__name__)

EXAM_BLOCK_TYPE = 'proctored_exam'
RENDER_FILTER = 'org.openedx.learning.xblock.render.started.v1'
CHILD_FILTER = 'org.openedx.learning.vertical_block_child.render.started.v1'
RENDER_STEP = 'edx_proctoring_backend.lms.content_gate.HoldExamContentOnItsOwnPage'
CHILD_STEP = 'edx_proctoring_backend.lms.content_gate.HoldExamContentInUnits'


def enclosing_exam(block):
    """The proctored exam ``block`` belongs to (its nearest exam ancestor), or None."""
    parent = block.get_parent() if block is not None else None
    while parent is not None:
        if parent.scope_ids.block_type == EXAM_BLOCK_TYPE:
            return parent
        parent = parent.get_parent()
    return None


def is_held(block):
    """True when ``block`` is exam content its viewer may not see now (or when that cannot be told)."""
    try:
        exam = enclosing_exam(block)
        # The exam block (the platform binds it to the viewer) applies its own rule.
        return exam is not None and not exam.content_open_to(exam.current_django_user())
    except Exception:  # pylint: disable=broad-except
        log.exception('Could not tell whether %s is open: held', getattr(block, 'scope_ids', block))
        return True


def held_message():
    """The notice shown instead of held exam content, in the request's language."""
    return gettext("This content is part of an exam. Open the exam to take it.")


class HoldExamContentOnItsOwnPage(PipelineStep):
    """``RenderXBlockStarted``: a child of an exam rendered on its own shows a notice unless the exam allows it."""

    def run_filter(self, context, student_view_context):  # pylint: disable=arguments-differ
        """Raise ``RenderCustomResponse`` with the notice for held exam content."""
        block = context.get('block')
        if is_held(block):
            message = held_message()
            raise RenderXBlockStarted.RenderCustomResponse(
                message=message, response=format_html('<p class="proctored-exam__held">{}</p>', message))
        return {'context': context, 'student_view_context': student_view_context}


class HoldExamContentInUnits(PipelineStep):
    """``VerticalBlockChildRenderStarted``: a unit skips an exam's content unless the exam allows it."""

    def run_filter(self, block, context):  # pylint: disable=arguments-differ
        """Raise ``PreventChildBlockRender`` for held exam content."""
        if is_held(block):
            raise VerticalBlockChildRenderStarted.PreventChildBlockRender(message=held_message())
        return {'block': block, 'context': context}


def register(site_settings):
    """Put both steps in the site's ``OPEN_EDX_FILTERS_CONFIG`` (keeping every other step)."""
    filters_config.add_steps(site_settings, RENDER_FILTER, [RENDER_STEP], fail_silently=False)
    filters_config.add_steps(site_settings, CHILD_FILTER, [CHILD_STEP], fail_silently=False)
