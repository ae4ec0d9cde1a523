"""
A site's own face detector, given by path as ``AnalysisOptions(detector_model_path=...)``.

No real model file is needed: the tests build, with the ``onnx`` package, a tiny network that
speaks YuNet's format (what OpenCV 4's ``FaceDetectorYN`` expects) and always reports the same
faces, whatever the frame shows. The recording used shows exactly one face, which the bundled
detector finds, so "no face" or "two faces" in the result can only come from the site's model.
"""
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from edx_proctoring_backend.video import AnalysisFailed, AnalysisOptions, analyse_in_process, analyse_recording
from edx_proctoring_backend.video.detectors import YuNetOnnxDetector, make_detector

from .conftest import assert_events_match

# FaceDetectorYN pads the frame to a multiple of 32 and reads, for each of these strides, one row
# per cell of the padded frame (row-major) from each of the outputs cls_S, obj_S (score parts,
# the score being sqrt(cls * obj) clamped to 0..1), bbox_S (centre offset and log size, in
# strides) and kps_S (five landmarks, offsets from the cell's corner in strides).
STRIDES = (8, 16, 32)
# The faces are put in the first row of the coarsest grid: cells 32 pixels apart, and boxes of
# 32 x 32 pixels (log size 0) centred in their cells, so that non-maximum suppression keeps them all.
FACE_STRIDE = 32
BOX = (0.5, 0.5, 0.0, 0.0)
# A frontal face (nose on the midline between the eyes and between the mouth corners), so that
# the looking-away check stays quiet: right eye, left eye, nose tip, right and left mouth corner.
LANDMARKS = (0.35, 0.4, 0.65, 0.4, 0.5, 0.55, 0.38, 0.75, 0.62, 0.75)


def fake_yunet(faces):
    """
    A YuNet-format ONNX model (bytes) that finds ``faces`` faces, side by side, in every frame.

    The outputs must have one row per grid cell for whatever frame size the detector is set to,
    so they are computed from the input rather than stored as constants: a convolution with zero
    weights and a bias of 1 gives a map of ones of the grid's shape, and two more convolutions with
    weights of 1 and zero padding on one side only count the cells before each one in its column
    and in its row. ``2 - count_in_column`` is 1 in the first row and 0 below it;
    ``(faces + 1) - count_in_row`` is positive in the first ``faces`` columns and 0 after them
    (FaceDetectorYN clamps scores to 1). With ``faces=0`` both counts cover one cell only, so
    every score is 0.
    """
    nodes, initializers = [], []

    def constant(name, value, dtype=np.float32):
        initializers.append(numpy_helper.from_array(np.asarray(value, dtype), name))
        return name

    def node(op_type, inputs, output, **attributes):
        nodes.append(helper.make_node(op_type, inputs, [output], **attributes))
        return output

    rows = constant('rows', [1, -1, 1], np.int64)
    for stride in STRIDES:
        width = faces + 1 if stride == FACE_STRIDE else 1
        ones = node('Conv', ['input', constant(f'zeros_{stride}', np.zeros((1, 3, stride, stride))),
                             constant(f'bias_{stride}', [1.0])],
                    f'ones_{stride}', kernel_shape=[stride, stride], strides=[stride, stride])
        in_column = node('Conv', [ones, constant(f'column_kernel_{stride}', np.ones((1, 1, 2, 1)))],
                         f'in_column_{stride}', kernel_shape=[2, 1], pads=[1, 0, 0, 0])
        in_row = node('Conv', [ones, constant(f'row_kernel_{stride}', np.ones((1, 1, 1, width)))],
                      f'in_row_{stride}', kernel_shape=[1, width], pads=[0, width - 1, 0, 0])
        first_row = node('Sub', [constant(f'two_{stride}', 2.0), in_column], f'first_row_{stride}')
        first_cells = node('Sub', [constant(f'width_{stride}', float(width)), in_row], f'first_cells_{stride}')
        score = node('Mul', [first_row, first_cells], f'score_{stride}')
        node('Reshape', [score, rows], f'cls_{stride}')
        node('Identity', [f'cls_{stride}'], f'obj_{stride}')
        cells = node('Reshape', [ones, rows], f'cells_{stride}')
        node('Mul', [cells, constant(f'box_{stride}', [[BOX]])], f'bbox_{stride}')
        node('Mul', [cells, constant(f'landmarks_{stride}', [[LANDMARKS]])], f'kps_{stride}')
    outputs = [helper.make_tensor_value_info(f'{name}_{stride}', TensorProto.FLOAT, [1, f'cells_{stride}', size])
               for name, size in (('cls', 1), ('obj', 1), ('bbox', 4), ('kps', 10)) for stride in STRIDES]
    graph = helper.make_graph(
        nodes, 'fake_yunet', [helper.make_tensor_value_info('input', TensorProto.FLOAT, [1, 3, 'height', 'width'])],
        outputs, initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])
    onnx.checker.check_model(model, full_check=True)
    return model.SerializeToString()


@pytest.fixture(name='site_model')
def site_model_fixture(tmp_path):
    """Write a fake YuNet model finding ``faces`` faces; returns its path as a string."""
    def write(faces):
        path = tmp_path / f'yunet-{faces}-faces.onnx'
        path.write_bytes(fake_yunet(faces))
        return str(path)
    return write


@pytest.mark.parametrize('faces', [0, 1, 2])
def test_the_detector_reports_what_the_model_says(site_model, faces):
    detector, warning = make_detector(site_model(faces))
    assert isinstance(detector, YuNetOnnxDetector) and warning is None
    # Two frame sizes: the outputs follow the grid of whatever size the frames have.
    for height, width in ((168, 224), (240, 320)):
        found = detector.detect(np.zeros((height, width, 3), np.uint8))
        assert sorted((face.x, face.y, face.width, face.height) for face in found) == [
            (32.0 * index, 0.0, 32.0, 32.0) for index in range(faces)]
        for face in found:
            assert face.confidence == pytest.approx(1.0)
            assert face.landmarks[2] == pytest.approx((face.x + 16.0, 17.6))   # the nose tip


@pytest.mark.parametrize('faces, labels', [
    (0, [('no_face', 0.0, 4.0)]),
    (1, []),
    (2, [('multiple_faces', 0.0, 4.0)]),
])
def test_the_pipeline_runs_the_site_model(one_face_avi, site_model, faces, labels):
    """The clip shows one face throughout: any event here is the site model's verdict."""
    result = analyse_in_process(one_face_avi, options=AnalysisOptions(detector_model_path=site_model(faces)))
    assert_events_match(result, labels)
    # The site's model is no degraded fallback: nothing is said about the detector.
    assert result.warnings == ['no reference photo: face_mismatch not checked']
    assert result.frames_sampled == 8


def test_the_model_path_reaches_the_sandboxed_child(one_face_avi, site_model):
    result = analyse_recording(one_face_avi, options=AnalysisOptions(detector_model_path=site_model(2)))
    assert_events_match(result, [('multiple_faces', 0.0, 4.0)])


@pytest.mark.parametrize('content', [
    b'This is a note about the model, not the model.\n' * 20,
    fake_yunet(2)[:300],   # a model cut short in transfer
])
def test_an_unreadable_model_fails_as_the_models_fault(one_face_avi, tmp_path, content):
    """
    The error names the model, in process and through the sandbox, where OpenCV's own error type
    would be reported as a corrupt recording: a site's broken model is no fault of the learner's video.
    """
    path = tmp_path / 'face_detection_yunet.onnx'
    path.write_bytes(content)
    with pytest.raises(ValueError, match='cannot load the face detection model .*face_detection_yunet.onnx'):
        analyse_in_process(one_face_avi, options=AnalysisOptions(detector_model_path=str(path)))
    with pytest.raises(AnalysisFailed) as failure:
        analyse_recording(one_face_avi, options=AnalysisOptions(detector_model_path=str(path)))
    assert failure.value.reason == 'internal_error'
    assert 'cannot load the face detection model' in failure.value.message
