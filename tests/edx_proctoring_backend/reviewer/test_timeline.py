"""The timeline picture: bars where the findings are, marks where the capture stopped, round ticks."""
import re
from xml.etree import ElementTree

import pytest

from edx_proctoring_backend.reviewer.timeline import LABEL_WIDTH, MIN_BAR_WIDTH, WIDTH, clock, tick_step, timeline_svg

SVG = '{http://www.w3.org/2000/svg}'
FINDINGS = [
    {'kind': 'no_face', 'start_s': 10.0, 'end_s': 20.0, 'confidence': 0.9},
    {'kind': 'multiple_faces', 'start_s': 40.0, 'end_s': 40.2, 'confidence': 0.5},
    {'kind': 'no_face', 'start_s': 70.0, 'end_s': 75.0, 'confidence': 0.7},
]


def parse(svg):
    """The picture as XML (it must be well-formed)."""
    return ElementTree.fromstring(str(svg))


def plot_x(seconds, duration):
    return LABEL_WIDTH + (WIDTH - LABEL_WIDTH - 10) * seconds / duration


def test_one_row_per_kind_and_one_bar_per_finding_at_its_time():
    root = parse(timeline_svg(100, FINDINGS, labels={'no_face': 'No face'}, title='Webcam'))
    assert root.get('role') == 'group' and root.get('aria-label') == 'Webcam'
    assert [text.text for text in root.iter(f'{SVG}text') if text.get('class') == 'timeline__label'] == [
        'No face', 'multiple_faces']
    links = [link for link in root.iter(f'{SVG}a') if link.get('class') == 'timeline__event']
    assert [float(link.get('data-seek')) for link in links] == [10.0, 40.0, 70.0]
    first = links[0].find(f'{SVG}rect')
    assert float(first.get('x')) == pytest.approx(plot_x(10, 100), abs=0.1)
    assert float(first.get('width')) == pytest.approx(plot_x(20, 100) - plot_x(10, 100), abs=0.1)
    # Both no_face bars share the first row; the other kind is on the second.
    assert links[0].find(f'{SVG}rect').get('y') == links[2].find(f'{SVG}rect').get('y') != \
        links[1].find(f'{SVG}rect').get('y')
    assert links[0].find(f'{SVG}title').text == 'No face: 0:10–0:20 (90%)'


def test_a_short_finding_stays_visible_and_a_surer_one_is_stronger():
    root = parse(timeline_svg(3600, FINDINGS))
    rects = [link.find(f'{SVG}rect') for link in root.iter(f'{SVG}a')]
    assert min(float(rect.get('width')) for rect in rects) >= MIN_BAR_WIDTH
    assert float(rects[0].get('fill-opacity')) > float(rects[1].get('fill-opacity'))


def test_flags_are_marked_and_ticks_are_round():
    root = parse(timeline_svg(125, [], flags=[(61.0, 'Camera stopped')]))
    flags = [link for link in root.iter(f'{SVG}a') if link.get('class') == 'timeline__flag']
    assert len(flags) == 1 and flags[0].get('data-seek') == '61.00'
    assert flags[0].find(f'{SVG}title').text == 'Camera stopped: 1:01'
    ticks = [text.text for text in root.iter(f'{SVG}text') if text.get('class') == 'timeline__tick']
    assert ticks[0] == '0:00' and all(re.fullmatch(r'\d+:\d\d', tick) for tick in ticks)
    assert len(ticks) >= 4


def test_the_axis_covers_findings_past_the_reported_duration_and_an_unknown_one():
    # Browser recordings may report no duration: the picture still holds every finding.
    root = parse(timeline_svg(0, FINDINGS))
    assert float(root.get('data-duration')) == 75.0
    assert float(parse(timeline_svg(None, [])).get('data-duration')) == 1.0


def test_text_is_escaped():
    root = parse(timeline_svg(10, [{'kind': '<b>', 'start_s': 1, 'end_s': 2, 'confidence': 1}],
                              flags=[(1, '<script>')], title='"quoted"'))
    assert root.get('aria-label') == '"quoted"'
    assert '<script>' in [title.text.split(':')[0] for title in root.iter(f'{SVG}title')]


@pytest.mark.parametrize('seconds, text', [(0, '0:00'), (59.6, '1:00'), (61, '1:01'), (3725, '1:02:05'), (-3, '0:00')])
def test_clock(seconds, text):
    assert clock(seconds) == text


def test_tick_step_is_the_smallest_round_step_that_fits():
    assert tick_step(60, 600) == 10
    assert tick_step(7200, 600) == 1800
    assert tick_step(10 ** 6, 600) == 3600
