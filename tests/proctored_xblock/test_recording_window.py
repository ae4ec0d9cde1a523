"""
The recording window's pages (exams behind edx-proctoring with in-house proctoring), rendered with the
block's templates and catalogues; the view that serves them is tested beside the real edx-proctoring
(tests/special_exams).
"""
import json
import re

import pytest
from django.utils import translation

from proctored_xblock import views
from proctored_xblock.i18n import BlockI18nService


class Terms:
    """The proctoring terms as ``api.consent_terms`` gives them."""

    version = 'v3'
    sections = (('What is recorded', ('Your webcam.',)),)


def render(stage, **context):
    """The page at ``stage``; return (html, its plan or None)."""
    html = views.render_recording_window(BlockI18nService(), stage, 'Final exam', 'main{}', **context)
    found = re.search(r'<script id="proctored-exam-plan" type="application/json">(.*?)</script>', html, re.S)
    return html, json.loads(found.group(1)) if found else None


def test_the_terms_are_read_and_answered_in_the_window():
    html, plan = render('terms', terms=Terms(), csrf_token='token')
    assert plan is None and 'ProctoredExamCapture(' not in html
    assert '<h1 class="proctored-exam__title" tabindex="-1">Exam recording: Final exam</h1>' in html
    assert 'name="terms_version" value="v3"' in html and 'name="csrfmiddlewaretoken" value="token"' in html
    assert 'value="agree"' in html and 'value="refuse"' in html and 'Your webcam.' in html
    html, _ = render('refused', terms=Terms())
    assert 'nothing is recorded' in html and 'value="agree"' in html and 'value="refuse"' not in html


def test_the_checks_and_the_recording_carry_the_capture_scripts_plan():
    capture = {'attempt': 4, 'recordings': ['webcam'], 'urls': {}, 'mode': 'checks'}
    html, plan = render('checks', plan={'stage': 'checks', 'status_url': '/s', 'capture': capture},
                        step_names=['user_photo', 'id_photo'])
    assert 'data-step="user_photo"' in html and 'data-capture-action="take"' in html
    assert 'name="exam_code"' not in html and 'value="confirm"' in html
    assert plan['capture']['messages']['photo_saved'] == 'Photo saved.'
    assert plan['messages']['ready'].startswith('The recording runs.')
    assert 'function ProctoredExamCapture' in html and 'function ProctoredExamRecordingWindow' in html

    html, plan = render('recording', plan={'stage': 'recording', 'status_url': '/s',
                                           'capture': dict(capture, mode='exam')},
                        exam_url='https://apps.example.org/learning/course/x/y', records_screen=True)
    assert 'class="proctored-exam__capture"' in html and 'data-capture-action="screen"' in html
    assert 'href="https://apps.example.org/learning/course/x/y" target="_blank"' in html
    assert 'choose Share your screen' in html


def test_an_ended_attempt_only_says_so():
    html, plan = render('ended', message='This exam attempt is over.')
    assert plan is None and 'This exam attempt is over.' in html


@pytest.mark.parametrize('language, expected', [('fr', "Ouvrir l'examen"), ('nl', 'Het examen openen')])
def test_the_window_speaks_the_learners_language(language, expected):
    with translation.override(language):
        html, _ = render('recording', plan={'stage': 'recording', 'status_url': '/s', 'capture': {'mode': 'exam'}})
    assert f'lang="{language}"' in html and expected in html.replace('&#39;', "'")
