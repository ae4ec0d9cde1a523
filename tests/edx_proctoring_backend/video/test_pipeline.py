"""The checks on labelled recordings, in process (the sandbox is tested in test_sandbox)."""
import ast
import os
import subprocess
import sys
from pathlib import Path

# OpenCV is a compiled extension whose members pylint cannot see.
import cv2
import numpy as np
import pytest

from edx_proctoring_backend.video import (
    EVENT_KINDS, AnalysisFailed, AnalysisOptions, AnalysisResult, analyse_in_process, detectors,
)
from edx_proctoring_backend.video.detectors import (
    IDENTITY_UNAVAILABLE, Face, HaarCascadeDetector, IdentityVerifier, LibfacedetectionDetector, YuNetOnnxDetector,
    load_identity_verifier, looking_away_score, make_detector,
)

from . import clips
from .conftest import assert_events_match

VIDEO_PACKAGE = Path(__file__).resolve().parents[3] / 'edx_proctoring_backend' / 'video'


class MeanColourVerifier(IdentityVerifier):
    """
    A test double, not a face recogniser: the "descriptor" is the mean colour of the face box.

    It tells the astronaut's face crop (light skin and hair) from Grace Hopper's (cap, glasses) and
    lets the face_mismatch plumbing be tested where dlib is not installed.
    """

    def descriptor(self, frame_bgr, face):
        box = frame_bgr[int(face.y):int(face.y + face.height), int(face.x):int(face.x + face.width)]
        return box.reshape(-1, 3).mean(axis=0) / 255.0 * 4


def test_timeline_events_match_the_labels_and_odd_frames_raise_nothing(timeline_webm):
    result = analyse_in_process(timeline_webm)
    assert_events_match(result, clips.TIMELINE_LABELS)
    assert result.duration_s == pytest.approx(16.0, abs=0.2)
    assert result.frames_sampled == 32
    for event in result.events:
        assert 0.5 <= event.confidence <= 1.0
        assert event.thumbnail_jpeg.startswith(b'\xff\xd8')
        assert event.start_s <= event.thumbnail_s < event.end_s
        thumbnail = cv2.imdecode(np.frombuffer(event.thumbnail_jpeg, np.uint8), cv2.IMREAD_COLOR)
        assert thumbnail.shape[1] <= 160


def test_one_face_raises_no_event(one_face_avi, astronaut_photo):
    result = analyse_in_process(one_face_avi, reference_photo=astronaut_photo, identity=None)
    assert not result.events
    assert result.duration_s == pytest.approx(4.0, abs=0.2)


def test_without_identity_models_another_person_is_a_note_never_a_match(other_person_webm, astronaut_photo,
                                                                        monkeypatch):
    class MissingModels:  # a machine installed without the video extra's dlib
        def __init__(self):
            raise ImportError('No module named dlib')

    monkeypatch.setattr(detectors, 'DlibIdentityVerifier', MissingModels)
    verifier, warning = load_identity_verifier()
    result = analyse_in_process(other_person_webm, reference_photo=astronaut_photo)
    assert verifier is None and warning == IDENTITY_UNAVAILABLE
    assert result.warnings == [IDENTITY_UNAVAILABLE]
    assert not result.events


def test_face_mismatch_is_raised_with_a_verifier(other_person_webm, one_face_avi, astronaut_photo, tmp_path):
    photo = tmp_path / 'reference.jpg'
    photo.write_bytes(astronaut_photo)
    options = AnalysisOptions(identity_tolerance=0.5, identity_interval_s=1.0)
    mismatch = analyse_in_process(other_person_webm, reference_photo=photo, identity=MeanColourVerifier(),
                                  options=options)
    assert_events_match(mismatch, [('face_mismatch', 0.0, 6.0)], tolerance_s=1.0)
    assert not mismatch.warnings
    same = analyse_in_process(one_face_avi, reference_photo=str(photo), identity=MeanColourVerifier(), options=options)
    assert not same.events


def test_a_reference_photo_without_a_face_is_a_warning(one_face_avi):
    ok, blank = cv2.imencode('.png', np.full((200, 200, 3), 128, np.uint8))
    assert ok
    result = analyse_in_process(one_face_avi, reference_photo=blank.tobytes(), identity=MeanColourVerifier())
    assert result.warnings == ['no face found on the reference photo: face_mismatch not checked']
    unreadable = analyse_in_process(one_face_avi, reference_photo=b'not an image', identity=MeanColourVerifier())
    assert unreadable.warnings == ['the reference photo cannot be read: face_mismatch not checked']


def test_a_covered_camera(covered_webm):
    assert_events_match(analyse_in_process(covered_webm), clips.COVERED_LABELS)


def test_a_turned_head_is_looking_away(turned_webm):
    assert_events_match(analyse_in_process(turned_webm), clips.TURNED_LABELS)


def test_a_screen_recording_flags_another_window_not_typing_or_a_flash(screen_webm):
    result = analyse_in_process(screen_webm, kind='screen')
    assert_events_match(result, clips.SCREEN_LABELS)
    assert not result.warnings


def test_longer_minimum_drops_short_events(timeline_webm):
    result = analyse_in_process(timeline_webm, options=AnalysisOptions(min_event_s=4.0))
    assert not result.events


def test_progress_is_reported_as_a_fraction(timeline_webm):
    fractions = []
    result = analyse_in_process(timeline_webm, on_progress=fractions.append, expected_duration_s=40)
    assert fractions == sorted(fractions)
    assert 0.35 < fractions[-2] < 0.4 and fractions[-1] == 1.0
    assert 'only 16 s of video could be decoded where 40 s were expected' in result.warnings


@pytest.mark.parametrize('reason', ['empty', 'not_a_video', 'corrupt', 'truncated', 'not_found'])
def test_unusable_files_fail_with_a_reason(bad_inputs, reason):
    with pytest.raises(AnalysisFailed) as failure:
        analyse_in_process(bad_inputs[reason])
    assert failure.value.reason == reason
    assert failure.value.message


def test_bad_requests_are_refused(timeline_webm):
    with pytest.raises(AnalysisFailed, match='bad_request'):
        analyse_in_process(timeline_webm, kind='microphone')
    with pytest.raises(AnalysisFailed, match='sample_fps'):
        analyse_in_process(timeline_webm, options=AnalysisOptions(sample_fps=0))
    with pytest.raises(AnalysisFailed, match='unknown options: colour'):
        AnalysisOptions.from_dict({'colour': 'blue'})


def test_result_json_and_transport_round_trip(timeline_webm):
    result = analyse_in_process(timeline_webm)
    values = result.to_json()
    assert set(values) == {'duration_s', 'events', 'warnings'}
    assert [set(event) for event in values['events']] == [{'kind', 'start_s', 'end_s', 'confidence'}] * 3
    assert {event['kind'] for event in values['events']} <= set(EVENT_KINDS)
    assert AnalysisResult.from_transport(result.to_transport()) == result


def test_looking_away_heuristic_on_real_faces():
    detector = LibfacedetectionDetector()
    assert detector.gives_landmarks
    [front] = detector.detect(clips.astronaut_face())
    [turned] = detector.detect(clips.cameraman_face())
    assert looking_away_score(front) < 0.15 < 0.5 < looking_away_score(turned)
    assert looking_away_score(Face(0, 0, 10, 10, 0.9)) is None
    assert looking_away_score(Face(0, 0, 10, 10, 0.9, profile=True)) == 1.0


def test_detectors_agree_on_one_frontal_face():
    frame = clips.Scene().frame(0.0, [(clips.astronaut_face(), 160, 150)])
    for detector in (make_detector()[0], HaarCascadeDetector()):
        faces = [face for face in detector.detect(frame) if face.confidence >= 0.6]
        assert len(faces) == 1, detector.name
        assert 70 < faces[0].x + faces[0].width / 2 < 250
    assert make_detector()[1] is None
    assert not HaarCascadeDetector().detect(clips.background())


def test_a_site_model_is_loaded_by_path():
    with pytest.raises(FileNotFoundError):
        YuNetOnnxDetector('/nonexistent/face_detection_yunet.onnx')
    with pytest.raises(FileNotFoundError):
        make_detector('/nonexistent/face_detection_yunet.onnx')


def test_the_package_stays_on_its_floor():
    """No import from the rest of the backend or from Django: the video package stands alone."""
    for module in VIDEO_PACKAGE.glob('*.py'):
        for node in ast.walk(ast.parse(module.read_text(encoding='utf-8'))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ''] if node.level == 0 else []
            else:
                continue
            for name in names:
                assert not name.startswith(('edx_proctoring_backend', 'django')), f'{module.name} imports {name}'


def test_importing_the_api_does_not_load_opencv():
    code = 'import sys, edx_proctoring_backend.video; print("cv2" in sys.modules, "numpy" in sys.modules)'
    root = str(VIDEO_PACKAGE.parents[1])
    output = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True, cwd=root,
                            env={**os.environ, 'PYTHONPATH': root})
    assert output.stdout.split() == ['False', 'False']


def test_a_folder_is_not_a_recording(tmp_path):
    with pytest.raises(AnalysisFailed) as failure:
        analyse_in_process(tmp_path)
    assert failure.value.reason == 'not_found'


def test_text_that_starts_like_a_transport_stream_byte_is_not_a_video(tmp_path):
    text = tmp_path / 'notes.webm'
    text.write_text('Good luck with the exam!\n' * 30, encoding='utf-8')
    with pytest.raises(AnalysisFailed) as failure:
        analyse_in_process(text)
    assert failure.value.reason == 'not_a_video'


def test_a_browser_recording_with_a_bogus_frame_count_is_read_by_time(browser_webm):
    capture = cv2.VideoCapture(str(browser_webm))
    assert capture.get(cv2.CAP_PROP_FRAME_COUNT) < 0   # what the decoder makes of a missing Duration
    capture.release()
    result = analyse_in_process(browser_webm)
    assert_events_match(result, clips.TIMELINE_LABELS)
    assert result.duration_s == pytest.approx(16.0, abs=0.2)
