"""
Speech in a webcam recording's sound (``talking``), where the exam records the microphone with the webcam.

The sound is decoded on a pass of its own (FFmpeg through PyAV, the audio stream only: a small share of
the video's cost), resampled to 16 kHz mono and judged in 30 ms frames. A frame is speech when WebRTC's
voice activity detector (``webrtcvad``) takes it for voice *and* it is voiced: its autocorrelation peaks at
a pitch between 70 and 400 Hz. The detector alone takes any loud hiss or tone for voice; the pitch alone
any hum. Each second is then one sample for an :class:`~.events.EventTracker`: talking where enough of
its frames are speech and its loudness rises and falls as syllables do (a steady tone does not).

Like every check, this only suggests a moment to a person. A recording without sound yields nothing; a
machine without the sound packages (the ``video`` extra's ``av`` and ``webrtcvad-wheels``) says so in a
note instead.
"""
import itertools

import numpy as np

from . import events as kinds
from .events import EventTracker

RATE = 16000
FRAME_SAMPLES = 480                 # 30 ms at 16 kHz, a frame size webrtcvad takes
STEP_SAMPLES = 33 * FRAME_SAMPLES  # about a second: one sample of the events
MIN_PITCH_HZ, MAX_PITCH_HZ = 70, 400
VOICED_CORRELATION = 0.3            # normalised autocorrelation at the pitch lag from which a frame is voiced
SILENT_RMS = 0.005                  # quieter frames (full scale 1.0) are silence, whatever the detector says
SYLLABIC_VARIATION = 0.25           # a talking second's frame loudness varies at least this much (std / mean)

SOUND_UNAVAILABLE = ('sound check unavailable: the analysis machine lacks the sound packages '
                     "(the site's operators install the package's video extra)")
SOUND_UNREADABLE = 'the sound of the recording could not be decoded: talking not checked'


def _voiced(frames):
    """
    Which of ``frames`` (rows of floats) have a pitch: the normalised autocorrelation peaks in the voice's
    range. Computed for all rows at once, through the FFT.
    """
    frames = frames - frames.mean(axis=1, keepdims=True)
    spectrum = np.fft.rfft(frames, n=2 * FRAME_SAMPLES, axis=1)
    correlation = np.fft.irfft(spectrum * np.conj(spectrum), axis=1)[:, :FRAME_SAMPLES]
    energy = correlation[:, 0]
    low, high = RATE // MAX_PITCH_HZ, RATE // MIN_PITCH_HZ
    peak = correlation[:, low:high].max(axis=1)
    return (energy > 0) & (peak >= VOICED_CORRELATION * np.maximum(energy, 1e-12))


def _seconds(path):
    """
    The recording's sound, one step of ``STEP_SAMPLES`` 16 kHz mono samples (about a second) at a time:
    ``(start_s, int16 array)``. Nothing for a recording without sound.
    """
    import av  # pylint: disable=import-outside-toplevel
    with av.open(path) as container:
        if not container.streams.audio:
            return
        stream = container.streams.audio[0]
        stream.thread_type = 'NONE'   # one analysis per core
        # The resampler hands over whole steps: the decoder's 20 ms frames would cost a call each.
        resampler = av.AudioResampler(format='s16', layout='mono', rate=RATE, frame_size=STEP_SAMPLES)
        start_s, taken = None, 0
        # Resampling ``None`` after the last frame hands over what is left at the end.
        for decoded in itertools.chain(container.decode(stream), [None]):
            if start_s is None:
                start_s = float(decoded.time or 0.0) if decoded is not None else 0.0
            for step in resampler.resample(decoded):
                samples = step.to_ndarray().reshape(-1)
                yield start_s + taken / RATE, samples
                taken += len(samples)


def talking_events(path, options):
    """
    Return ``(events, warning)``: the ``talking`` events of the recording at ``path`` (none without sound)
    and a note for the reviewer where the sound could not be checked, else None.
    """
    try:
        import av  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
        import webrtcvad  # pylint: disable=import-outside-toplevel
    except ImportError:
        return [], SOUND_UNAVAILABLE
    detector = webrtcvad.Vad(options.vad_aggressiveness)
    tracker = EventTracker(kinds.TALKING, sample_period_s=STEP_SAMPLES / RATE, min_duration_s=options.min_event_s,
                           max_gap_s=options.max_gap_s)
    end_s = 0.0
    try:
        for start_s, samples in _seconds(path):
            count = len(samples) // FRAME_SAMPLES
            end_s = start_s + len(samples) / RATE
            if count:
                _sample(tracker, detector, start_s, samples[:count * FRAME_SAMPLES].reshape(count, FRAME_SAMPLES),
                        options)
    except (OSError, ValueError) as error:   # PyAV's errors are both
        return tracker.finish(end_s), f'{SOUND_UNREADABLE} ({error.__class__.__name__})'
    return tracker.finish(end_s), None


def _sample(tracker, detector, time_s, frames, options):
    """
    About a second of sound (``frames``: int16 rows of 30 ms) as one sample: talking where enough frames are
    speech (loud enough, taken for voice, voiced) and the loudness rises and falls as syllables do.
    """
    values = frames.astype(np.float32) / 32768.0
    loudness = np.sqrt(np.mean(values * values, axis=1))
    candidates = [index for index, frame in enumerate(frames)
                  if loudness[index] >= SILENT_RMS and detector.is_speech(frame.tobytes(), RATE)]
    speech = int(_voiced(values[candidates]).sum()) if candidates else 0
    share = speech / len(frames)
    mean = float(loudness.mean())
    talking = share >= options.speech_share and mean > 0 and float(loudness.std()) / mean >= SYLLABIC_VARIATION
    tracker.update(time_s, talking, share)
