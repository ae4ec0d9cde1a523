"""
The timeline picture of the reviewer page: a recording's suggested moments drawn along its time axis.

One row per kind of finding, one bar per finding (at least a few pixels wide, so a short one stays
visible and clickable), the moments the capture stopped as vertical marks, and a time axis with
round ticks. Each bar is a link carrying its start time (``data-seek``): the page's script moves the
video there. The picture is an image for assistive technology; the list of moments beside it is the
accessible way to the same links.
"""
from django.utils.html import format_html, format_html_join

WIDTH = 760
LABEL_WIDTH = 150
ROW_HEIGHT = 22
AXIS_HEIGHT = 24
MIN_BAR_WIDTH = 4
# "Nice" tick steps, in seconds: a tick about every 80 pixels.
TICK_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)
TICK_SPACING_PX = 80
# Colours by kind (and a default); all readable against white with the labels in black.
COLOURS = {
    'no_face': '#c0392b',
    'multiple_faces': '#8e44ad',
    'face_mismatch': '#d35400',
    'looking_away': '#2471a3',
    'camera_covered_or_dark': '#1c2833',
    'talking': '#9a7d0a',
    'screen_changed': '#117a65',
}
DEFAULT_COLOUR = '#7f8c8d'
FLAG_COLOUR = '#e67e22'


def clock(seconds):
    """``seconds`` as m:ss, or h:mm:ss from an hour."""
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f'{hours}:{minutes:02d}:{secs:02d}' if hours else f'{minutes}:{secs:02d}'


def tick_step(duration_s, plot_width):
    """The smallest nice step that keeps ticks about ``TICK_SPACING_PX`` apart."""
    wanted = duration_s * TICK_SPACING_PX / max(plot_width, 1)
    return next((step for step in TICK_STEPS if step >= wanted), TICK_STEPS[-1])


def timeline_svg(duration_s, findings, flags=(), labels=None, title=''):
    """
    Return the SVG (safe HTML) of one recording's timeline.

    ``findings``: objects or dicts with ``kind``, ``start_s``, ``end_s``, ``confidence``; ``flags``:
    ``(seconds into the recording, label)`` pairs; ``labels``: kind → text shown for the row.
    """
    labels = labels or {}
    findings = [_as_dict(finding) for finding in findings]
    duration_s = max([float(duration_s or 0)] + [finding['end_s'] for finding in findings]
                     + [at for at, _ in flags] + [1.0])
    kinds = sorted({finding['kind'] for finding in findings}, key=_kind_order)
    plot_width = WIDTH - LABEL_WIDTH - 10
    height = AXIS_HEIGHT + ROW_HEIGHT * max(len(kinds), 1) + 6

    def x_of(seconds):
        return LABEL_WIDTH + plot_width * min(max(seconds, 0.0), duration_s) / duration_s

    rows = format_html_join('', '<text x="4" y="{}" class="timeline__label">{}</text>', (
        (ROW_HEIGHT * index + 15, labels.get(kind, kind)) for index, kind in enumerate(kinds)))
    bars = format_html_join('', (
        '<a href="#t={}" data-seek="{}" class="timeline__event" data-kind="{}">'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" fill-opacity="{}"/>'
        '<title>{}: {}–{} ({}%)</title></a>'
    ), (_bar(finding, kinds.index(finding['kind']), x_of, labels) for finding in findings))
    axis_y = ROW_HEIGHT * max(len(kinds), 1) + 4
    marks = format_html_join('', (
        '<a href="#t={}" data-seek="{}" class="timeline__flag"><line x1="{}" x2="{}" y1="0" y2="{}" '
        'stroke="{}" stroke-width="2" stroke-dasharray="4 2"/><title>{}: {}</title></a>'
    ), ((f'{at:.1f}', f'{at:.2f}', f'{x_of(at):.1f}', f'{x_of(at):.1f}', axis_y, FLAG_COLOUR, label, clock(at))
        for at, label in flags))
    step = tick_step(duration_s, plot_width)
    ticks = format_html_join('', (
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#555"/>'
        '<text x="{}" y="{}" text-anchor="middle" class="timeline__tick">{}</text>'
    ), ((f'{x_of(second):.1f}', f'{x_of(second):.1f}', axis_y, axis_y + 4, f'{x_of(second):.1f}', axis_y + 16,
         clock(second)) for second in range(0, int(duration_s) + 1, step)))
    return format_html(
        '<svg class="timeline" role="group" aria-label="{}" viewBox="0 0 {} {}" width="{}" height="{}" '
        'data-duration="{}" xmlns="http://www.w3.org/2000/svg">'
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#555"/>{}{}{}{}</svg>',
        title, WIDTH, height, WIDTH, height, f'{duration_s:.2f}',
        LABEL_WIDTH, WIDTH - 10, axis_y, axis_y, rows, bars, marks, ticks,
    )


def _bar(finding, row, x_of, labels):
    """The format arguments of one finding's bar: at least ``MIN_BAR_WIDTH`` wide, stronger when surer."""
    x_start, x_end = x_of(finding['start_s']), x_of(finding['end_s'])
    return (
        f'{finding["start_s"]:.1f}', f'{finding["start_s"]:.2f}', finding['kind'],
        f'{min(x_start, WIDTH - 10 - MIN_BAR_WIDTH):.1f}', ROW_HEIGHT * row + 3,
        f'{max(x_end - x_start, MIN_BAR_WIDTH):.1f}', ROW_HEIGHT - 6,
        COLOURS.get(finding['kind'], DEFAULT_COLOUR), f'{0.45 + 0.55 * finding["confidence"]:.2f}',
        labels.get(finding['kind'], finding['kind']), clock(finding['start_s']), clock(finding['end_s']),
        round(finding['confidence'] * 100),
    )


def _kind_order(kind):
    order = list(COLOURS)
    return (order.index(kind) if kind in order else len(order), kind)


def _as_dict(finding):
    if isinstance(finding, dict):
        return {name: finding[name] for name in ('kind', 'start_s', 'end_s', 'confidence')}
    return {'kind': finding.kind, 'start_s': float(finding.start_s), 'end_s': float(finding.end_s),
            'confidence': float(finding.confidence)}
