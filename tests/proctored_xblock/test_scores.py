"""Any scored component inside an exam counts in the exam's grade, weighted as the platform weighs it."""
import pytest
from workbench.runtime import WorkbenchRuntime
from workbench.scenarios import add_xml_scenario, get_scenarios
from xblock.core import XBlock
from xblock.fields import Float, Scope
from xblock.scorable import ScorableXBlockMixin, Score

from edx_proctoring_backend.credit.models import CreditRecord
from proctored_xblock import scores

from .conftest import call_handler

pytestmark = pytest.mark.usefixtures('db')


class ScoredProblem(ScorableXBlockMixin, XBlock):
    """A standard problem as the scoring API sees it: a persisted raw score and a weight."""

    has_score = True
    weight = Float(default=None, scope=Scope.settings)
    raw_earned = Float(default=0.0, scope=Scope.user_state)
    raw_possible = Float(default=2.0, scope=Scope.user_state)

    def get_score(self):
        return Score(raw_earned=self.raw_earned, raw_possible=self.raw_possible)

    def set_score(self, score):
        self.raw_earned, self.raw_possible = score.raw_earned, score.raw_possible

    def calculate_score(self):
        return self.get_score()

    def has_submitted_answer(self):
        return self.raw_earned > 0


class Decoration(XBlock):
    """Content that scores nothing (text, a video)."""


@pytest.mark.parametrize('raw_earned, raw_possible, weight, expected', [
    (1, 2, None, (1.0, 2.0)),     # no weight: the raw score
    (1, 2, 3, (1.5, 3.0)),        # weighted to the problem's weight
    (0, 0, 5, (0.0, 0.0)),        # nothing to earn: the raw score
])
def test_scores_are_weighted_as_the_platform_weighs_them(raw_earned, raw_possible, weight, expected):
    assert scores.weighted_score(raw_earned, raw_possible, weight) == expected


@XBlock.register_temp_plugin(ScoredProblem, 'scored_problem')
@XBlock.register_temp_plugin(Decoration, 'decoration')
def test_a_standard_problem_counts_in_the_exams_grade():
    add_xml_scenario('scored exam', 'scored exam',
                     '<vertical_demo><proctored_exam exam_type="timed" time_limit_minutes="30">'
                     '<exam_question prompt="6 x 7?" correct="42"/><scored_problem weight="3"/><decoration/>'
                     '</proctored_exam></vertical_demo>')
    runtime = WorkbenchRuntime('learner')
    exam = runtime.get_block(runtime.get_block(get_scenarios()['scored exam'].usage_id).children[0])
    question, problem, _ = (runtime.get_block(child) for child in exam.children)
    assert call_handler(exam, 'start')[0] == 200
    assert call_handler(question, 'save_answer', {'answer': '42'})[0] == 200
    problem.raw_earned = 1.0   # half of the problem's raw points: half of its weight
    problem.save()
    assert call_handler(exam, 'submit')[0] == 200
    record = CreditRecord.objects.get(user__username='learner')
    assert (record.earned, record.possible) == (2.5, 4.0)
