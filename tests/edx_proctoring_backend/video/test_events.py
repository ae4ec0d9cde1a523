"""Merging samples into events: odd frames, gaps, minimum length, thumbnails."""
import pytest

from edx_proctoring_backend.video.events import EVENT_KINDS, EventTracker, VideoEvent


def _track(flags, period=0.5, min_duration_s=2.0, max_gap_s=1.0, end_s=None, kind='no_face'):
    tracker = EventTracker(kind, sample_period_s=period, min_duration_s=min_duration_s, max_gap_s=max_gap_s)
    for number, flagged in enumerate(flags):
        tracker.update(number * period, flagged == 'x', 0.8 if flagged == 'x' else 0.0)
    return tracker.finish(end_s if end_s is not None else len(flags) * period)


def test_a_single_odd_sample_raises_nothing():
    assert not _track('....x.....')


def test_a_run_as_long_as_the_minimum_is_an_event():
    events = _track('..xxxx....')
    assert [(event.start_s, event.end_s) for event in events] == [(1.0, 3.0)]
    assert events[0].confidence == pytest.approx(0.8)


def test_a_run_shorter_than_the_minimum_is_dropped():
    assert not _track('..xxx.....')


def test_small_gaps_are_bridged_and_large_ones_split():
    bridged = _track('xxx..xxx......')
    assert [(event.start_s, event.end_s) for event in bridged] == [(0.0, 4.0)]
    split = _track('xxxx....xxxx..')
    assert [(event.start_s, event.end_s) for event in split] == [(0.0, 2.0), (4.0, 6.0)]


def test_an_event_open_at_the_end_is_cut_at_the_end_of_the_recording():
    events = _track('......xxxxxx', end_s=5.8)
    assert [(event.start_s, event.end_s) for event in events] == [(3.0, 5.8)]


def test_the_thumbnail_is_encoded_only_for_the_most_confident_sample():
    tracker = EventTracker('no_face', sample_period_s=1.0, min_duration_s=1.0, max_gap_s=0.0)
    calls = []

    def thumbnail(name):
        return lambda: calls.append(name) or name.encode()

    for time_s, confidence in enumerate([0.6, 0.9, 0.7, 0.9]):
        tracker.update(float(time_s), True, confidence, thumbnail(f'sample {time_s}'))
    [event] = tracker.finish()  # pylint: disable=unbalanced-tuple-unpacking
    assert calls == ['sample 0', 'sample 1']
    assert (event.thumbnail_jpeg, event.thumbnail_s) == (b'sample 1', 1.0)


def test_confidence_is_clamped_and_kinds_are_checked():
    tracker = EventTracker('looking_away', sample_period_s=1.0, min_duration_s=1.0, max_gap_s=0.0)
    tracker.update(0.0, True, 7.0)
    assert tracker.finish()[0].confidence == 1.0
    with pytest.raises(ValueError):
        EventTracker('sneezing', sample_period_s=1.0, min_duration_s=1.0, max_gap_s=0.0)
    assert len(EVENT_KINDS) == 7 and EVENT_KINDS[5] == 'talking'


def test_event_json_leaves_the_thumbnail_out():
    event = VideoEvent('no_face', 1.234, 5.678, 0.91234, b'jpeg', 2.0)
    assert event.to_json() == {'kind': 'no_face', 'start_s': 1.23, 'end_s': 5.68, 'confidence': 0.912}
    assert event.duration_s == pytest.approx(4.444)
