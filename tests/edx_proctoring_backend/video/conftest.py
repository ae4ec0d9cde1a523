"""Labelled recordings, built once per test session, and the failure inputs derived from them."""
import random

import pytest

from . import clips


@pytest.fixture(scope='session')
def clip_dir(tmp_path_factory):
    """A folder for the built recordings."""
    return tmp_path_factory.mktemp('video-clips')


@pytest.fixture(scope='session')
def timeline_webm(clip_dir):
    """16 s VP8 WebM with no_face, multiple_faces and dark episodes (see clips.TIMELINE_LABELS)."""
    return clips.timeline_clip(clip_dir / 'timeline.webm')


@pytest.fixture(scope='session')
def one_face_avi(clip_dir):
    """4 s MJPG AVI of one person from the front."""
    return clips.single_face_clip(clip_dir / 'one-face.avi', clips.astronaut_face(), fourcc='MJPG')


@pytest.fixture(scope='session')
def other_person_webm(clip_dir):
    """6 s WebM of Grace Hopper (compared with the astronaut's reference photo)."""
    return clips.single_face_clip(clip_dir / 'other-person.webm', clips.grace_hopper_face(), duration_s=6)


@pytest.fixture(scope='session')
def covered_webm(clip_dir):
    """6 s WebM: a face, then a finger over the lens from 2 s."""
    return clips.covered_clip(clip_dir / 'covered.webm')


@pytest.fixture(scope='session')
def turned_webm(clip_dir):
    """8 s WebM: a face from the front, then a turned head from 3 s."""
    return clips.turned_clip(clip_dir / 'turned.webm')


@pytest.fixture(scope='session')
def screen_webm(clip_dir):
    """10 s screen recording: typing, a one-frame flash, another window from 5 s."""
    return clips.screen_clip(clip_dir / 'screen.webm')


@pytest.fixture(scope='session')
def sound_webm(clip_dir):
    """19 s WebM of one person with sound: quiet, talking 3-9 s, quiet, a steady tone, a hiss."""
    return clips.sound_clip(clip_dir / 'sound.webm')


@pytest.fixture(scope='session')
def browser_webm(clip_dir, timeline_webm):
    """The timeline clip without a Duration element (so with a bogus frame count), like a browser's."""
    path = clip_dir / 'browser-timeline.webm'
    path.write_bytes(clips.like_a_browser_recording(timeline_webm.read_bytes()))
    return path


@pytest.fixture(scope='session')
def browser_cut_short_webm(clip_dir, browser_webm):
    """The first half of the browser-like clip: an upload cut short, which the file itself cannot tell."""
    path = clip_dir / 'browser-cut-short.webm'
    data = browser_webm.read_bytes()
    path.write_bytes(data[:len(data) // 2])
    return path


@pytest.fixture(scope='session')
def astronaut_photo():
    """The astronaut's reference photo, JPEG bytes."""
    return clips.reference_photo_jpeg(clips.astronaut_face())


@pytest.fixture(scope='session')
def bad_inputs(clip_dir, covered_webm):
    """Files that are not usable recordings, by the reason they must fail with."""
    good = covered_webm.read_bytes()
    scrambled = bytearray(good)
    noise = random.Random(7)
    for index in range(40, len(scrambled)):   # keep the EBML header: it still *looks* like a WebM
        scrambled[index] = noise.randrange(256)
    files = {
        'empty': b'',
        'not_a_video': b'This is an essay, not a recording.\n' * 40,
        'corrupt': bytes(scrambled),
        'truncated': good[:len(good) // 2],
    }
    paths = {}
    for reason, content in files.items():
        paths[reason] = clip_dir / f'{reason}.webm'
        paths[reason].write_bytes(content)
    paths['not_found'] = clip_dir / 'missing.webm'
    return paths


def assert_events_match(result, labels, tolerance_s=0.6):
    """The result's events are exactly the labelled ones, each within ``tolerance_s`` at both ends."""
    found = [(event.kind, event.start_s, event.end_s) for event in result.events]
    assert len(found) == len(labels), f'expected {labels}, found {found}'
    for (kind, start_s, end_s), (label_kind, label_start, label_end) in zip(found, labels):
        assert kind == label_kind, f'expected {labels}, found {found}'
        assert abs(start_s - label_start) <= tolerance_s, f'{kind} starts at {start_s}, not {label_start}'
        assert abs(end_s - label_end) <= tolerance_s, f'{kind} ends at {end_s}, not {label_end}'
