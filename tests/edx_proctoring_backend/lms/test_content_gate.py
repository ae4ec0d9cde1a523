"""
Exam content rendered on its own (the LMS's render_xblock view, a unit's children) shows only where
the exam allows it, through openedx-filters as the platform runs them.
"""
# pylint: disable=redefined-outer-name
import html

import pytest
from django.utils import translation
from openedx_filters.learning.filters import RenderXBlockStarted, VerticalBlockChildRenderStarted

from edx_proctoring_backend.exams.models import ExamAttempt
from edx_proctoring_backend.lms import content_gate
from edx_proctoring_backend.settings.common import plugin_settings
from tests.proctored_xblock.conftest import (  # noqa: F401  pylint: disable=unused-import
    agreed, call_handler, scenario_block, workbench,
)

PROCTORED_60 = 0
OTHER_PLUGIN_STEP = 'other_plugin.steps.Watermark'


@pytest.fixture
def lms_settings(settings):
    """The site's settings as the plugin framework leaves them, another plugin's step given as a string."""
    settings.OPEN_EDX_FILTERS_CONFIG = {content_gate.RENDER_FILTER: OTHER_PLUGIN_STEP}
    plugin_settings(settings)
    return settings


def rendered_alone(block):
    """Run the render_xblock filter for ``block``; return the HTML shown instead, or None when it renders."""
    try:
        RenderXBlockStarted.run_filter(context={'block': block, 'is_learning_mfe': True}, student_view_context={})
    except RenderXBlockStarted.RenderCustomResponse as custom:
        response = custom.response  # pylint: disable=no-member
        assert isinstance(response, str)  # the platform puts it in a Fragment: text only
        return response
    return None


def rendered_in_unit(block):
    """Run the unit's child filter for ``block``; True when the unit renders it."""
    try:
        VerticalBlockChildRenderStarted.run_filter(block=block, context={})
    except VerticalBlockChildRenderStarted.PreventChildBlockRender:
        return False
    return True


def test_the_plugin_settings_add_both_steps_that_fail_closed(lms_settings):
    config = lms_settings.OPEN_EDX_FILTERS_CONFIG
    assert config[content_gate.RENDER_FILTER] == {'pipeline': [OTHER_PLUGIN_STEP, content_gate.RENDER_STEP]}
    assert config[content_gate.CHILD_FILTER] == {'fail_silently': False, 'pipeline': [content_gate.CHILD_STEP]}


@pytest.fixture
def exam_and_question(lms_settings, workbench):
    """The 60-minute exam and its first question (the filters' other steps removed: not installed here)."""
    lms_settings.OPEN_EDX_FILTERS_CONFIG[content_gate.RENDER_FILTER]['pipeline'] = [content_gate.RENDER_STEP]
    _, exam = workbench(PROCTORED_60)
    return exam, exam.runtime.get_block(exam.children[0])


def test_exam_content_is_held_before_the_start_and_after_the_submission(exam_and_question):
    exam, question = exam_and_question
    assert 'This content is part of an exam. Open the exam to take it.' in rendered_alone(question)
    assert not rendered_in_unit(question)

    assert call_handler(exam, 'opt_in', agreed(exam))[0] == 200
    assert rendered_alone(question) is not None
    code = ExamAttempt.objects.get().exam_code
    assert call_handler(exam, 'confirm_checks', {'exam_code': code})[0] == 200
    assert call_handler(exam, 'start')[0] == 200
    assert rendered_alone(question) is None and rendered_in_unit(question)

    assert call_handler(exam, 'submit')[0] == 200
    assert rendered_alone(question) is not None and not rendered_in_unit(question)
    question.get_parent().content_after_submission = True   # the author shows the questions after submission
    assert rendered_alone(question) is None and rendered_in_unit(question)


def test_a_declined_exam_shows_its_content(exam_and_question):
    exam, question = exam_and_question
    assert call_handler(exam, 'opt_out')[0] == 200
    assert rendered_alone(question) is None and rendered_in_unit(question)


def test_the_exam_itself_and_content_outside_exams_are_left_to_themselves(exam_and_question):
    exam, _ = exam_and_question
    unit = exam.get_parent()
    assert rendered_alone(exam) is None and rendered_alone(unit) is None and rendered_in_unit(exam)


def test_content_is_held_when_the_rule_cannot_be_applied(exam_and_question, monkeypatch):
    exam, question = exam_and_question
    assert call_handler(exam, 'opt_in', agreed(exam))[0] == 200
    monkeypatch.setattr(type(exam), 'content_open_to', lambda self, user: 1 / 0)
    assert rendered_alone(question) is not None and not rendered_in_unit(question)


def test_the_notice_is_in_the_learners_language(exam_and_question):
    _, question = exam_and_question
    with translation.override('fr'):
        assert "Ce contenu fait partie d'un examen." in html.unescape(rendered_alone(question))
