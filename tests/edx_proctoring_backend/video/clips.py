"""
Labelled test recordings, built in code from public-domain pictures that pip packages ship.

Faces: NASA's astronaut Eileen Collins (``skimage.data.astronaut``), the cameraman, who looks into
his camera with his head turned (``skimage.data.camera``), and Grace Hopper (matplotlib's sample
data). The background is a brick wall (``skimage.data.brick``). Small Gaussian noise and a slow
drift keep the codec honest (a still picture compresses to nothing and decodes too easily).
"""
# OpenCV is a compiled extension whose members pylint cannot see.
import cv2
import numpy as np
from matplotlib import cbook
from scipy.signal import lfilter
from skimage import data

WIDTH, HEIGHT = 320, 240
FPS = 10


def _bgr(rgb):
    return cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGR)


def astronaut_face():
    """Eileen Collins, head and shoulders, seen from the front."""
    return _bgr(data.astronaut())[20:240, 110:330]


def cameraman_face():
    """The cameraman: a real head turned about 45 degrees from the camera."""
    return cv2.cvtColor(data.camera(), cv2.COLOR_GRAY2BGR)[60:260, 130:330]


def grace_hopper_face():
    """Grace Hopper, seen from the front."""
    path = cbook.get_sample_data('grace_hopper.jpg', asfileobj=False)
    return cv2.imread(str(path))[60:400, 100:440]


def reference_photo_jpeg(face):
    """A reference photo (JPEG bytes) of a face crop, larger than it appears in the clips."""
    ok, jpeg = cv2.imencode('.jpg', cv2.resize(face, (300, 300)))
    assert ok
    return jpeg.tobytes()


def background():
    """An empty room: a textured wall, no face."""
    wall = cv2.cvtColor(data.brick(), cv2.COLOR_GRAY2BGR)
    return cv2.resize(wall, (WIDTH, HEIGHT), interpolation=cv2.INTER_AREA)


class Scene:
    """Compose frames: the wall, then faces pasted at (centre x, centre y, size)."""

    def __init__(self, seed=0):
        self.wall = background()
        # A few noise patterns drawn once and cycled: drawing noise per frame costs more than encoding.
        self.noise = np.random.default_rng(seed).normal(0.0, 3.0, (7, HEIGHT, WIDTH, 3)).astype(np.float32)

    def frame(self, time_s, faces=(), brightness=1.0, fill=None):
        """One frame at ``time_s``: ``faces`` is a list of (crop, centre_x, size)."""
        if fill is not None:
            frame = np.empty((HEIGHT, WIDTH, 3), np.uint8)
            frame[:] = fill
        else:
            frame = self.wall.copy()
            drift = int(round(4 * np.sin(time_s)))   # a person is never perfectly still
            for crop, centre_x, size in faces:
                patch = cv2.resize(crop, (size, size), interpolation=cv2.INTER_AREA)
                left = max(0, min(WIDTH - size, centre_x - size // 2 + drift))
                top = max(0, min(HEIGHT - size, (HEIGHT - size) // 2 + drift))
                frame[top:top + size, left:left + size] = patch
        noise = self.noise[int(round(time_s * FPS)) % len(self.noise)]
        frame = np.clip(frame.astype(np.float32) * brightness + noise, 0, 255)
        return frame.astype(np.uint8)


def write(path, duration_s, frame_at, fourcc='VP80', fps=FPS):
    """Write ``frame_at(time_s)`` for every frame of ``duration_s`` seconds; returns ``path``."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, (WIDTH, HEIGHT))
    assert writer.isOpened(), f'this OpenCV build cannot write {fourcc}'
    for number in range(int(round(duration_s * fps))):
        writer.write(frame_at(number / fps))
    writer.release()
    return path


def timeline_clip(path):
    """
    16 s: 0-3 one face; 3-6 nobody; 6-9 two people; 9-12 dark room; 12-16 one face with a single
    empty frame at 13.5 s and a single black one at 14.5 s (both sampled, neither an event).
    """
    scene = Scene(1)
    astronaut, grace = astronaut_face(), grace_hopper_face()

    def frame_at(time_s):
        if 3 <= time_s < 6 or abs(time_s - 13.5) < 0.05:
            return scene.frame(time_s)
        if 6 <= time_s < 9:
            return scene.frame(time_s, [(astronaut, 85, 140), (grace, 235, 140)])
        if 9 <= time_s < 12:
            return scene.frame(time_s, [(astronaut, 160, 150)], brightness=0.1)
        if abs(time_s - 14.5) < 0.05:
            return scene.frame(time_s, fill=(0, 0, 0))
        return scene.frame(time_s, [(astronaut, 160, 150)])

    return write(path, 16, frame_at)


TIMELINE_LABELS = [('no_face', 3.0, 6.0), ('multiple_faces', 6.0, 9.0), ('camera_covered_or_dark', 9.0, 12.0)]


def single_face_clip(path, face, duration_s=4, fourcc='VP80'):
    """One person in front of the camera the whole time."""
    scene = Scene(2)
    return write(path, duration_s, lambda time_s: scene.frame(time_s, [(face, 160, 150)]), fourcc=fourcc)


def covered_clip(path):
    """6 s: 0-2 one face, 2-6 a finger over the lens (bright, flat, skin-coloured)."""
    scene = Scene(3)
    astronaut = astronaut_face()

    def frame_at(time_s):
        if time_s < 2:
            return scene.frame(time_s, [(astronaut, 160, 150)])
        return cv2.GaussianBlur(scene.frame(time_s, fill=(70, 110, 170)), (9, 9), 0)

    return write(path, 6, frame_at)


COVERED_LABELS = [('camera_covered_or_dark', 2.0, 6.0)]


def turned_clip(path):
    """8 s: 0-3 a face seen from the front, 3-8 a head turned away (the cameraman)."""
    scene = Scene(4)
    astronaut, cameraman = astronaut_face(), cameraman_face()

    def frame_at(time_s):
        return scene.frame(time_s, [(astronaut if time_s < 3 else cameraman, 160, 160)])

    return write(path, 8, frame_at)


TURNED_LABELS = [('looking_away', 3.0, 8.0)]


def screen_clip(path):
    """
    10 s screen recording: an exam page where a line of text is typed every second, one frame of
    a flash at 1.5 s (no event), and from 5 s on another window covering the screen.
    """
    noise = np.random.default_rng(5).normal(0.0, 2.0, (5, HEIGHT, WIDTH, 3)).astype(np.float32)

    def frame_at(time_s):
        if abs(time_s - 1.5) < 0.05:
            page = np.full((HEIGHT, WIDTH, 3), 30, np.uint8)
        elif time_s >= 5:
            page = np.full((HEIGHT, WIDTH, 3), (90, 40, 20), np.uint8)
            cv2.rectangle(page, (0, 0), (WIDTH, 24), (200, 200, 200), -1)
            for line in range(8):
                cv2.putText(page, f'chat message {line}', (12, 50 + 22 * line), cv2.FONT_HERSHEY_SIMPLEX, 0.5,
                            (255, 255, 255), 1)
        else:
            page = np.full((HEIGHT, WIDTH, 3), 250, np.uint8)
            cv2.putText(page, 'Question 1', (12, 30), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (0, 0, 0), 2)
            for line in range(int(time_s) + 1):
                cv2.putText(page, f'answer line {line}', (12, 60 + 20 * line), cv2.FONT_HERSHEY_SIMPLEX, 0.5,
                            (0, 0, 0), 1)
        return np.clip(page + noise[int(round(time_s * FPS)) % len(noise)], 0, 255).astype(np.uint8)

    return write(path, 10, frame_at)


SCREEN_LABELS = [('screen_changed', 5.0, 10.0)]


def like_a_browser_recording(webm):
    """
    The WebM bytes without their Duration element, as a browser's MediaRecorder writes them: the
    decoder then reports a bogus frame count. The element becomes an EBML Void of the same size.
    """
    start = webm.find(b'\x44\x89')           # the Duration element's ID, in the Info section
    length = 3 + (webm[start + 2] & 0x7f)   # ID, one size byte, the float
    assert start > 0 and length in (7, 11)
    return webm[:start] + bytes([0xEC, 0x80 | (length - 2)]) + bytes(length - 2) + webm[start + length:]


# ---- sound ----------------------------------------------------------------------------------------------------

SOUND_RATE = 48000


def _resonance(signal, frequency, bandwidth, rate):
    """``signal`` through one formant: a two-pole resonator at ``frequency`` Hz."""
    radius = np.exp(-np.pi * bandwidth / rate)
    theta = 2 * np.pi * frequency / rate
    return lfilter([1 - radius], [1, -2 * radius * np.cos(theta), radius * radius], signal)


def speech_like(seconds, seed=0, rate=SOUND_RATE):
    """
    A voice-like sound: a glottal pulse train (a pitch of 110-140 Hz) through the formants of a vowel that
    changes every 0.2 s, its loudness rising and falling as syllables do. Not words, but what a voice
    detector and a pitch tracker see of speech.
    """
    rng = np.random.default_rng(seed)
    count = int(seconds * rate)
    times = np.arange(count) / rate
    pitch = 125 + 15 * np.sin(2 * np.pi * 0.5 * times)
    pulses = (np.diff(np.floor(np.cumsum(pitch / rate)), prepend=0) > 0).astype(float)
    vowels = ((700, 1200, 2500), (300, 2300, 3000), (500, 900, 2400), (400, 2000, 2600))
    voice = np.zeros(count)
    syllable = int(0.2 * rate)
    for start in range(0, count, syllable):
        first, second, third = vowels[rng.integers(len(vowels))]
        part = pulses[start:start + syllable]
        voice[start:start + syllable] = (_resonance(part, first, 80, rate) + 0.6 * _resonance(part, second, 100, rate)
                                         + 0.3 * _resonance(part, third, 120, rate))
    voice *= 0.3 + 0.7 * np.abs(np.sin(2 * np.pi * 2.5 * times))
    return 0.5 * voice / np.max(np.abs(voice))


def tone(seconds, frequency=440.0, rate=SOUND_RATE):
    """A steady tone (a beep, a hum): loud and periodic, but no speech."""
    return 0.3 * np.sin(2 * np.pi * frequency * np.arange(int(seconds * rate)) / rate)


def hiss(seconds, seed=0, rate=SOUND_RATE):
    """A steady hiss (a fan, traffic): loud, but no pitch."""
    return 0.2 * np.random.default_rng(seed).standard_normal(int(seconds * rate))


def quiet(seconds, seed=0, rate=SOUND_RATE):
    """A quiet room."""
    return 0.001 * np.random.default_rng(seed).standard_normal(int(seconds * rate))


def with_sound(path, sound, face=None):
    """
    A WebM of one person (VP8, as browsers record) with ``sound`` (floats at ``SOUND_RATE``) as its Opus
    track, muxed by PyAV as a browser's MediaRecorder does; returns ``path``.
    """
    import av  # pylint: disable=import-outside-toplevel
    scene = Scene(5)
    face = astronaut_face() if face is None else face
    with av.open(str(path), 'w', format='webm') as container:
        video = container.add_stream('libvpx', rate=FPS)
        video.width, video.height, video.pix_fmt = WIDTH, HEIGHT, 'yuv420p'
        audio = container.add_stream('libopus', rate=SOUND_RATE)
        audio.layout = 'mono'
        seconds = len(sound) / SOUND_RATE
        for number in range(int(round(seconds * FPS))):
            frame = av.VideoFrame.from_ndarray(scene.frame(number / FPS, [(face, 160, 150)]), format='bgr24')
            frame.pts = number
            container.mux(video.encode(frame))
        samples = (np.clip(sound, -1, 1) * 32767).astype(np.int16)
        step = 960   # 20 ms, Opus's frame
        for start in range(0, len(samples) - step + 1, step):
            frame = av.AudioFrame.from_ndarray(samples[None, start:start + step], format='s16', layout='mono')
            frame.sample_rate = SOUND_RATE
            frame.pts = start
            container.mux(audio.encode(frame))
        container.mux(video.encode())
        container.mux(audio.encode())
    return path


def sound_clip(path):
    """19 s of one person: 0-3 quiet; 3-9 talking; 9-12 quiet; 12-16 a steady tone; 16-19 a hiss."""
    return with_sound(path, np.concatenate([quiet(3), speech_like(6), quiet(3, 1), tone(4), hiss(3)]))


SOUND_LABELS = [('talking', 3.0, 9.0)]
