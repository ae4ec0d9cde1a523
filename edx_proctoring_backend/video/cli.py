"""
``proctoring-analyse VIDEO [--reference PHOTO] [--kind webcam|screen] [--json] [--thumbnails DIR]``

Analyse one recording with exactly the code the review task runs (the sandboxed
:func:`~edx_proctoring_backend.video.analyse_recording`) and print its events. Exit status 0 on
success, 2 when the recording (or an argument) cannot be used.
"""
import argparse
import json
import os
import sys

from .results import AnalysisFailed, AnalysisOptions
from .sandbox import analyse_recording


def _parser():
    """The command-line arguments."""
    parser = argparse.ArgumentParser(
        prog='proctoring-analyse',
        description='Find moments of a proctoring recording that a reviewer should look at.')
    parser.add_argument('video', metavar='VIDEO', help='the recording (WebM, MP4, AVI, ...)')
    parser.add_argument('--reference', metavar='PHOTO', help="the learner's reference or ID photo (face_mismatch)")
    parser.add_argument('--kind', choices=('webcam', 'screen'), default='webcam', help='what was recorded')
    parser.add_argument('--json', action='store_true', help='print JSON instead of a table')
    parser.add_argument('--thumbnails', metavar='DIR', help='write each event\'s evidence JPEG into DIR')
    parser.add_argument('--sample-fps', type=float, default=AnalysisOptions.sample_fps,
                        help='samples analysed per second of video (default %(default)s)')
    parser.add_argument('--min-event', type=float, default=AnalysisOptions.min_event_s, metavar='SECONDS',
                        help='shortest event reported (default %(default)s)')
    parser.add_argument('--timeout', type=float, metavar='SECONDS', help='time limit of the analysis')
    return parser


def main(argv=None):
    """Run the command; returns the exit status."""
    args = _parser().parse_args(argv)
    options = AnalysisOptions(sample_fps=args.sample_fps, min_event_s=args.min_event)
    try:
        if args.reference and not os.path.isfile(args.reference):
            raise AnalysisFailed('bad_request', f'no reference photo at {args.reference}')
        result = analyse_recording(args.video, kind=args.kind, reference_photo=args.reference, options=options,
                                   timeout_s=args.timeout)
    except AnalysisFailed as error:
        if args.json:
            print(json.dumps({'error': error.reason, 'message': error.message}))
        print(f'proctoring-analyse: cannot analyse {args.video}: {error.message} ({error.reason})', file=sys.stderr)
        return 2
    if args.thumbnails:
        _write_thumbnails(result, args.thumbnails)
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
    else:
        _print_table(result)
    return 0


def _write_thumbnails(result, folder):
    """Write each event's JPEG as NNN-kind-time.jpg into ``folder``."""
    os.makedirs(folder, exist_ok=True)
    for number, event in enumerate(result.events, 1):
        if event.thumbnail_jpeg:
            name = f'{number:03d}-{event.kind}-{event.thumbnail_s:08.2f}s.jpg'
            with open(os.path.join(folder, name), 'wb') as thumbnail:
                thumbnail.write(event.thumbnail_jpeg)


def _print_table(result):
    """Print the events as a table, then the warnings."""
    print(f'duration: {result.duration_s:.1f} s, {result.frames_sampled} samples, {len(result.events)} events')
    if result.events:
        print(f'{"kind":<24} {"start":>9} {"end":>9} {"confidence":>10}')
        for event in result.events:
            print(f'{event.kind:<24} {event.start_s:>8.1f}s {event.end_s:>8.1f}s {event.confidence:>10.2f}')
    for warning in result.warnings:
        print(f'warning: {warning}')


def run():
    """Console-script entry point."""
    sys.exit(main())


if __name__ == '__main__':
    run()
