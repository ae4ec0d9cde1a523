"""face_mismatch with the real identity models (the video extra's dlib-bin and face_recognition_models)."""
from edx_proctoring_backend.video import analyse_in_process
from edx_proctoring_backend.video.detectors import load_identity_verifier

from .conftest import assert_events_match

VERIFIER, UNAVAILABLE = load_identity_verifier()


def test_the_default_install_compares_faces():
    assert VERIFIER is not None, UNAVAILABLE


def test_another_person_than_the_reference_is_a_face_mismatch(other_person_webm, astronaut_photo):
    result = analyse_in_process(other_person_webm, reference_photo=astronaut_photo, identity=VERIFIER)
    assert_events_match(result, [('face_mismatch', 0.0, 6.0)], tolerance_s=1.0)
    assert not result.warnings


def test_the_reference_person_raises_nothing(one_face_avi, astronaut_photo):
    result = analyse_in_process(one_face_avi, reference_photo=astronaut_photo, identity=VERIFIER)
    assert not result.events and not result.warnings
