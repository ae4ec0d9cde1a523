"""
The exam page of an exam recorded in the learner's browser (the ``local`` provider): the capture steps
on the checks page, the recording panel during the exam, and what the capture script is given.
"""
import json
import re

import pytest
from django.utils import translation
from webob import Request
from workbench.runtime_util import reset_global_state
from workbench.scenarios import get_scenarios

from edx_proctoring_backend import api
from edx_proctoring_backend.exams.models import ExamAttempt
from edx_proctoring_backend.providers.local import LocalProvider
from proctored_xblock.resources import read_static

from .conftest import agreed, call_handler
from .test_block import PROCTORED_60, opt_in_and_start, page

PREFIX = '/api/proctored-exams/v1/attempts/'
LOCAL = 'edx_proctoring_backend.providers.local.LocalProvider'


@pytest.fixture
def local_exam(settings, scenario_block, monkeypatch):
    """
    A factory of (runtime, exam block) of the workbench's exam with the ``local`` provider (the site's
    ``options``). With ``checks_passed``, the exam starts without photos (this block uploads none).
    """
    def open_local(student='learner', checks_passed=False, **options):
        settings.PROCTORING_PROVIDERS = {'null': {}, 'local': {'class': LOCAL, **options}}
        if checks_passed:
            monkeypatch.setattr(LocalProvider, 'checks_passed', lambda self, attempt: True)
        reset_global_state()  # the scenarios again, now with an exam for `local`
        scenario = next(name for name, item in get_scenarios().items()
                        if name.startswith('proctored_exam.') and 'provider="local"' in item.xml)
        runtime, block = scenario_block(scenario, student)
        assert block.provider == 'local'
        return runtime, block
    return open_local


def scripts(block):
    """The globals that the scripts of the student view define, in the order they are loaded."""
    fragment = block.render('student_view', {})
    found = []
    for resource in fragment.resources:
        if resource.kind == 'text' and resource.mimetype == 'application/javascript':
            found += re.findall(r'global\.(\w+) = ', resource.data)
    return found


def checks_page(block):
    """Opt in and render the checks page; return (html, the capture script's data, the attempt)."""
    assert call_handler(block, 'opt_in', agreed(block))[0] == 200
    html, init = page(block)
    return html, init.get('capture'), ExamAttempt.objects.get(user__username=block.scope_ids.user_id)


def test_checks_page_of_a_local_exam_offers_the_capture_steps(local_exam):
    _, block = local_exam()
    html, plan, attempt = checks_page(block)
    assert 'data-state="checks"' in html
    steps = re.findall(r'<li data-step="([a-z_]+)">', html)
    # The terms were agreed to at the opt-in: the checks start with the system check, then the photos.
    assert steps[:2] == ['system_check', 'user_photo'] and steps[-1] == 'exam_code'
    assert 'data-capture-action="system_check">Check my computer</button>' in html
    assert {'user_photo', 'id_photo'} <= set(steps)
    assert steps.index('user_photo') < steps.index('id_photo')
    # A photo widget for each photo, with labels; no second consent.
    assert 'proctored-exam__terms' not in html and 'accepted_terms' not in html
    assert html.count('data-capture-action="take"') == 2
    assert html.count('data-capture-action="retake"') == 2 and html.count('data-capture-action="use"') == 2
    assert 'aria-label="Webcam preview"' in html and 'alt="Your photo ID"' in html
    assert html.count('class="proctored-exam__capture-note" role="status"') >= 2
    # The capture script is on the page, before the block's, and is given the attempt's URLs.
    assert scripts(block) == ['ProctoredExamCapture', 'ProctoredExamBlock', 'ProctoredExamStudio']
    urls, base = plan['urls'], f'{PREFIX}{attempt.pk}'
    assert plan['attempt'] == attempt.pk
    assert 'consent' not in urls and urls['flags'] == f'{base}/flags'
    assert urls['photos'] == {'user': f'{base}/photos/user', 'id': f'{base}/photos/id'}
    assert urls['recordings']['webcam'] == {
        'state': f'{base}/recordings/webcam', 'chunk': f'{base}/recordings/webcam/chunks/{{index}}',
        'complete': f'{base}/recordings/webcam/complete'}
    assert plan['recordings'] == ['webcam'] and plan['room_scan'] is False and plan['completed'] == []
    assert plan['steps'] == steps == ['system_check', 'user_photo', 'id_photo', 'exam_code']
    assert 'video/webm' in plan['content_types']
    assert plan['timeslice_seconds'] > 0 and plan['flush_seconds'] > 0 and plan['room_scan_seconds'] > 0
    messages = plan['messages']
    assert messages['photo_taken'] == 'Photo taken. Check it, then choose Use this photo or Retake.'
    assert set(messages) >= {'camera_denied', 'not_supported', 'upload_waiting', 'capture_lost', 'finishing'}


def test_room_scan_step_and_screen_as_the_site_asks(local_exam):
    _, block = local_exam(require_screen=True, room_scan=True)
    html, plan, attempt = checks_page(block)
    steps = re.findall(r'<li data-step="([a-z_]+)">', html)
    assert steps == ['system_check', 'user_photo', 'id_photo', 'room_scan', 'exam_code']
    assert 'data-capture-action="scan"' in html and 'role="timer"' in html
    assert plan['room_scan'] is True and plan['recordings'] == ['webcam', 'screen']
    chunk = plan['urls']['recordings']['room_scan']['chunk']
    assert chunk == f'{PREFIX}{attempt.pk}/recordings/room_scan/chunks/{{index}}'


def test_running_local_exam_has_the_recording_panel(local_exam, settings):
    settings.PROCTORING_CAPTURE_TIMESLICE_SECONDS = 1
    _, block = local_exam(checks_passed=True, require_screen=True)
    opt_in_and_start(block)
    html, init = page(block)
    assert 'data-state="started"' in html
    panel = re.search(r'<div class="proctored-exam__capture".*?</div>', html, re.S).group(0)
    assert 'aria-label="Exam recording"' in panel
    assert 'class="proctored-exam__capture-status" role="status" aria-live="assertive"' in panel
    assert 'data-capture-action="camera"' in panel and 'data-capture-action="screen"' in panel
    assert '>Share your screen<' in panel
    assert init['capture']['timeslice_seconds'] == 1
    assert init['capture']['recordings'] == ['webcam', 'screen']
    assert init['timer']['attempt'] == init['capture']['attempt']


def screen_recorder(block, method='GET'):
    """The screen recording window's page: (status, html, the plan given to the capture script or None)."""
    response = block.runtime.handle(block, 'screen_recorder', Request.blank('/', method=method))
    html = response.body.decode('utf-8')
    match = re.search(r'<script id="proctored-exam-plan" type="application/json">(.*?)</script>', html, re.S)
    return response.status_code, html, (json.loads(match.group(1)) if match else None)


def test_the_exam_page_offers_a_screen_recording_window(local_exam):
    _, block = local_exam(checks_passed=True, require_screen=True)
    opt_in_and_start(block)
    html, init = page(block)
    assert 'data-capture-action="screen-window"' in html and '>Open the recording window<' in html
    # The page opens the window only where it may not ask for the screen itself (capture.js decides).
    assert init['capture']['screen_window_url'] == block.runtime.handler_url(block, 'screen_recorder')
    assert 'screen_window' in init['capture']['messages']


def test_the_screen_recording_window_records_the_running_attempt(local_exam):
    _, block = local_exam(checks_passed=True, require_screen=True)
    opt_in_and_start(block)
    attempt = ExamAttempt.objects.get(user__username='learner')
    status, html, plan = screen_recorder(block)
    assert status == 200
    assert html.startswith('<!DOCTYPE html>\n<html lang="en') and 'dir="ltr">' in html
    assert '<title>Screen recording: ' in html and 'data-capture-action="screen"' in html
    assert 'class="proctored-exam__capture-status" role="status" aria-live="assertive"' in html
    assert 'global.ProctoredExamCapture = ProctoredExamCapture;' in html
    assert plan['mode'] == 'screen_window' and plan['attempt'] == attempt.pk
    assert plan['urls']['recordings']['screen']['state'] == f'{PREFIX}{attempt.pk}/recordings/screen'
    assert plan['messages']['screen_window_done'].startswith('Your exam has ended')
    # Nothing in the plan can close the script element early.
    plan_json = html.split('<script id="proctored-exam-plan" type="application/json">', 1)[1].split('</script>', 1)[0]
    assert '<' not in plan_json and "JSON.parse(document.getElementById('proctored-exam-plan')" in html


def test_the_screen_recording_window_in_french(local_exam):
    _, block = local_exam(checks_passed=True, require_screen=True)
    opt_in_and_start(block)
    with translation.override('fr'):
        status, html, plan = screen_recorder(block)
    assert status == 200 and '<html lang="fr" dir="ltr">' in html
    assert 'Partagez votre écran' in html or "Partager votre écran" in html
    assert plan['messages']['screen_window_done'] != 'Your exam has ended and your screen recording is saved. ' \
                                                     'You can close this window.'


@pytest.mark.parametrize('when', ['before_start', 'no_screen', 'after_submit'])
def test_no_screen_recording_window_without_a_running_attempt_that_records_the_screen(local_exam, when):
    _, block = local_exam(checks_passed=True, require_screen=when != 'no_screen')
    if when != 'before_start':
        opt_in_and_start(block)
    if when == 'after_submit':
        assert call_handler(block, 'submit')[0] == 200
    status, html, plan = screen_recorder(block)
    assert status == 409 and plan is None
    assert 'There is no exam of yours to record now. You can close this window.' in html
    assert 'ProctoredExamCapture' not in html and 'data-capture-action' not in html


def test_the_screen_recording_window_answers_only_get(local_exam):
    _, block = local_exam(checks_passed=True, require_screen=True)
    opt_in_and_start(block)
    status, html, plan = screen_recorder(block, method='POST')
    assert status == 405 and plan is None and 'Open this window from your exam page.' in html


def test_other_exams_load_no_capture(workbench):
    _, block = workbench(PROCTORED_60)
    assert call_handler(block, 'opt_in', agreed(block))[0] == 200
    html, init = page(block)
    assert 'capture' not in init and 'ProctoredExamCapture' not in scripts(block)
    assert 'data-capture-action' not in html and 'proctored-exam__terms' not in html
    assert 'name="exam_code"' in html
    opt_in_and_start(block)
    html, init = page(block)
    assert 'capture' not in init and 'proctored-exam__capture' not in html


def test_local_exam_before_opting_in_and_after_submitting_loads_no_capture(local_exam):
    _, block = local_exam(checks_passed=True)
    html, init = page(block)
    assert 'data-state="choose"' in html and 'capture' not in init and 'ProctoredExamCapture' not in scripts(block)
    opt_in_and_start(block)
    assert 'ProctoredExamCapture' in scripts(block)
    assert call_handler(block, 'submit')[0] == 200
    html, init = page(block)
    assert 'data-state="submitted"' in html and 'capture' not in init and 'ProctoredExamCapture' not in scripts(block)


def test_capture_texts_in_french_and_dutch(local_exam):
    _, block = local_exam()
    assert call_handler(block, 'opt_in', agreed(block))[0] == 200
    for language, take_photo, saved in (('fr', 'Prendre la photo', 'Photo enregistrée.'),
                                        ('nl', 'Foto maken', 'Foto opgeslagen.')):
        with translation.override(language):
            html, init = page(block)
        assert f'>{take_photo}<' in html, language
        assert init['capture']['messages']['photo_saved'] == saved, language


def test_the_backends_plan_is_used_when_it_has_one(local_exam, monkeypatch):
    _, block = local_exam()
    calls = []

    def backend_plan(user, exam):
        calls.append((user.username, exam.provider))
        return {'attempt_id': 12, 'urls': {'flags': '/elsewhere/flags'}, 'recordings': ['webcam'],
                'steps': ['user_photo', 'id_photo', 'room_scan', 'exam_code'],
                'room_scan': True, 'timeslice_seconds': 3, 'photos': ['user'],
                'state': {'room_scan': {'next_index': 2, 'status': 'complete'}}}
    monkeypatch.setattr(api, 'capture_plan', backend_plan)
    html, plan, _ = checks_page(block)
    assert calls and calls[-1] == ('learner', 'local')
    assert plan['urls'] == {'flags': '/elsewhere/flags'}
    assert plan['attempt'] == 12 and plan['timeslice_seconds'] == 3
    # What is done already (the page was reloaded) is skipped by the script.
    assert plan['completed'] == ['user_photo', 'room_scan']
    assert 'data-step="room_scan"' in html


def test_capture_script_is_plain_es5_and_exports_one_global():
    script = read_static('js/capture.js')
    assert script.count('global.ProctoredExamCapture = ProctoredExamCapture;') == 1
    assert "'use strict';" in script
    # No syntax that older LMS pipelines (and their minifiers) reject (comments aside).
    code = re.sub(r'/\*.*?\*/|//[^\n]*', '', script, flags=re.S)
    assert not re.search(r'=>|\blet\b|\bconst\b|`|\basync\b|\bawait\b|\bclass\s', code)
    for needle in ('getUserMedia', 'getDisplayMedia', 'MediaRecorder', 'toBlob', "'image/jpeg'",
                   'X-CSRFToken', "'online'", 'next_index', 'attempt_finished'):
        assert needle in script, needle
