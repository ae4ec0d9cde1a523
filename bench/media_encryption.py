#!/usr/bin/env python
"""
Benchmark of encryption at rest of proctoring media, encrypted against plain.

    python bench/media_encryption.py [--megabytes N] [--ranges N] [--rounds N]

On a file of ``--megabytes`` (default 200) in a temporary folder it measures, through the same
functions the app uses (``storage.write_atomic``, ``storage.read_pieces``, ``storage.open``):

* write: the recording assembled in 1 MiB pieces, written whole (fsync, rename);
* whole read: the file read from start to end (the analysis' decrypted copy, a full download);
* range reads: ``--ranges`` random 256 KiB ranges, each on a freshly opened file, as the reviewer's
  video element asks for them (one request, one open, one seek).

The file is in the page cache after it is written: the figures are the cost of the code and the
cipher, not of the disk. Each measure is the best of ``--rounds`` (default 3). It prints MB/s of
each, encrypted and plain, and their ratio. It exits 0 whatever the figures; only a crash fails it.
"""
import argparse
import base64
import os
import platform
import random
import shutil
import sys
import tempfile
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

import django  # noqa: E402  pylint: disable=wrong-import-position
from django.conf import settings  # noqa: E402  pylint: disable=wrong-import-position

MIB = 1024 * 1024
PIECE_BYTES = MIB
RANGE_BYTES = 256 * 1024


def parse_args(argv=None):
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0].strip())
    parser.add_argument('--megabytes', type=int, default=200, help='size of the file (MiB, default 200)')
    parser.add_argument('--ranges', type=int, default=400, help='random 256 KiB range reads (default 400)')
    parser.add_argument('--rounds', type=int, default=3, help='rounds of each measure, the best kept (default 3)')
    return parser.parse_args(argv)


def best_of(rounds, measure):
    """The smallest wall-clock seconds of ``rounds`` calls of ``measure``."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        measure()
        times.append(time.perf_counter() - started)
    return min(times)


def measure(storage, megabytes, ranges, rounds):
    """``{measure: seconds}`` for one storage."""
    # pylint: disable=import-outside-toplevel
    from edx_proctoring_backend.recordings.storage import read_pieces, write_atomic
    block = os.urandom(PIECE_BYTES)  # random: what compresses or not is the codec's business
    name = 'recordings/bench.webm'

    def write():
        write_atomic(storage, name, (block for _ in range(megabytes)))

    def read_whole():
        total = sum(len(piece) for piece in read_pieces(storage, name))
        assert total == megabytes * MIB, total

    offsets = [random.Random(index).randrange(0, megabytes * MIB - RANGE_BYTES) for index in range(ranges)]

    def read_ranges():
        for offset in offsets:
            with storage.open(name, 'rb') as handle:
                handle.seek(offset)
                assert len(handle.read(RANGE_BYTES)) == RANGE_BYTES

    seconds = {'write': best_of(rounds, write), 'whole read': best_of(rounds, read_whole),
               'range reads': best_of(rounds, read_ranges)}
    assert storage.size(name) == megabytes * MIB
    return seconds


def main():
    """Measure plain and encrypted storages in a temporary folder, print the figures."""
    args = parse_args()
    if not settings.configured:
        settings.configure(USE_TZ=True)
        django.setup()
    # pylint: disable=import-outside-toplevel
    import cryptography

    from edx_proctoring_backend.recordings.encryption import SEGMENT_BYTES, EncryptedStorage, KeyRing
    from edx_proctoring_backend.recordings.storage import PrivateFileSystemStorage
    folder = tempfile.mkdtemp(prefix='bench-media-')
    try:
        keys = KeyRing.from_setting([base64.b64encode(os.urandom(32)).decode()])
        plain = measure(PrivateFileSystemStorage(os.path.join(folder, 'plain')), args.megabytes, args.ranges,
                        args.rounds)
        encrypted = measure(EncryptedStorage(PrivateFileSystemStorage(os.path.join(folder, 'encrypted')), keys),
                            args.megabytes, args.ranges, args.rounds)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f'Python {platform.python_version()}, cryptography {cryptography.__version__}, '
          f'{os.cpu_count()} CPU(s); {args.megabytes} MiB file, {SEGMENT_BYTES // 1024} KiB segments, '
          f'{args.ranges} ranges of {RANGE_BYTES // 1024} KiB, best of {args.rounds}')
    volumes = {'write': args.megabytes * MIB, 'whole read': args.megabytes * MIB,
               'range reads': args.ranges * RANGE_BYTES}
    print(f'{"":14}{"plain MB/s":>14}{"encrypted MB/s":>16}{"encrypted/plain":>17}')
    for what, volume in volumes.items():
        plain_rate, encrypted_rate = volume / plain[what] / 1e6, volume / encrypted[what] / 1e6
        print(f'{what:14}{plain_rate:14.0f}{encrypted_rate:16.0f}{encrypted_rate / plain_rate:17.2f}')
    print(f'one 256 KiB range request: {plain["range reads"] / args.ranges * 1e3:.2f} ms plain, '
          f'{encrypted["range reads"] / args.ranges * 1e3:.2f} ms encrypted')


if __name__ == '__main__':
    main()
