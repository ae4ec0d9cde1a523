"""
What the exam's content scored, for the package's own grade record (the progress panel, credit).

The package's questions score themselves (``exam_score``). Any other scored component, a standard
problem among them, gives its score through XBlock's scoring API (``xblock.scorable``:
``get_score()`` is its persisted raw score), weighted as the platform weighs it
(``lms/djangoapps/grades/scores.py``, ``weighted_score``): ``raw_earned * weight / raw_possible``
out of ``weight``, the raw score where there is no weight or nothing to earn.
"""
from xblock.scorable import ScorableXBlockMixin


def weighted_score(raw_earned, raw_possible, weight):
    """(earned, possible) of a raw score under the component's ``weight`` (None: the raw score)."""
    if weight is None or not raw_possible:
        return float(raw_earned), float(raw_possible)
    return float(raw_earned) * weight / raw_possible, float(weight)


def component_score(component):
    """(earned, possible) points of one component of the exam, or None when it scores nothing."""
    if hasattr(component, 'exam_score'):
        return component.exam_score()
    if isinstance(component, ScorableXBlockMixin) and getattr(component, 'has_score', False):
        score = component.get_score()
        if score is None or score.raw_possible is None:
            return None
        return weighted_score(score.raw_earned or 0.0, score.raw_possible, getattr(component, 'weight', None))
    return None


def exam_score(components):
    """(earned, possible) of the exam's content, or None when none of it scores."""
    scores = [score for score in map(component_score, components) if score is not None]
    if not scores:
        return None
    return sum(earned for earned, _ in scores), sum(possible for _, possible in scores)
