"""Talking in a webcam recording's sound (``video.sound``): speech found, a tone or a hiss not, silence says nothing."""
import sys

import pytest

from edx_proctoring_backend.video import AnalysisFailed, AnalysisOptions, analyse_in_process, analyse_recording
from edx_proctoring_backend.video.sound import SOUND_UNAVAILABLE, talking_events

from . import clips
from .conftest import assert_events_match


def test_speech_is_talking_and_a_tone_or_a_hiss_is_not(sound_webm):
    result = analyse_in_process(sound_webm, identity=None)
    assert_events_match(result, clips.SOUND_LABELS)
    talking = result.events[0]
    assert talking.confidence > 0.8 and talking.thumbnail_jpeg is None   # a sound has no picture
    assert result.duration_s == pytest.approx(19.0, abs=0.2)


def test_the_sandboxed_analysis_hears_it_too(sound_webm, astronaut_photo):
    result = analyse_recording(sound_webm, reference_photo=astronaut_photo)
    assert [(event.kind, round(event.start_s), round(event.end_s)) for event in result.events] == [('talking', 3, 9)]
    assert not result.warnings


def test_a_recording_without_sound_has_nothing_to_say(timeline_webm):
    assert talking_events(timeline_webm, AnalysisOptions()) == ([], None)
    result = analyse_in_process(timeline_webm, identity=None)
    assert 'talking' not in {event.kind for event in result.events}


def test_a_site_may_turn_the_sound_check_off(sound_webm):
    assert not analyse_in_process(sound_webm, identity=None, options=AnalysisOptions(check_sound=False)).events


def test_without_the_sound_packages_the_reviewer_is_told(sound_webm, monkeypatch):
    monkeypatch.setitem(sys.modules, 'webrtcvad', None)   # a worker installed without them
    result = analyse_in_process(sound_webm, identity=None)
    assert not result.events and SOUND_UNAVAILABLE in result.warnings


@pytest.mark.parametrize('options', [{'speech_share': 0}, {'speech_share': 1.5}, {'vad_aggressiveness': 4}])
def test_unusable_sound_options_are_refused(sound_webm, options):
    with pytest.raises(AnalysisFailed) as raised:
        analyse_in_process(sound_webm, options=AnalysisOptions(**options))
    assert raised.value.reason == 'bad_request'
