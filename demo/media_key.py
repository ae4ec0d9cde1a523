"""
The demo's key for encrypting proctoring media at rest: made on first use in ``var/`` beside the
demo's database and media, readable by this user only, and kept, so that what was recorded stays
readable from one run to the next (``make clean`` removes it with the media it encrypts).
"""
import base64
import os

DEFAULT_PATH = os.path.join('var', 'proctoring-media.key')


def demo_media_key(path=DEFAULT_PATH):
    """Return the base64 key stored at ``path``, making it first when there is none."""
    try:
        with open(path, encoding='ascii') as stored:
            return stored.read().strip()
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(path) or '.', mode=0o700, exist_ok=True)
    # Written beside under a name of this process, then linked into place: two processes starting
    # at once (the demo and its tests) agree on one key, and nobody reads a half-written file.
    temporary = f'{path}.{os.getpid()}'
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(handle, 'w', encoding='ascii') as output:
        output.write(base64.b64encode(os.urandom(32)).decode('ascii') + '\n')
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(temporary)
    with open(path, encoding='ascii') as stored:
        return stored.read().strip()
