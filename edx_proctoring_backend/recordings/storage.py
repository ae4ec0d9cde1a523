"""
Where recordings and photos are kept: a storage of their own, never served by URL.

``PROCTORING_MEDIA_STORAGE`` names it like an entry of Django's ``STORAGES`` (``{"BACKEND": ...,
"OPTIONS": {...}}``) or as a dotted class path; by default it is a file system storage under
``PROCTORING_MEDIA_ROOT`` (``var/proctoring-media``), readable by the server's user only. Names are
random tokens, so knowing one learner's file tells nothing about another's.

Files are written whole or not at all (``atomic.py``): on the local file system into a temporary
file beside the target, then renamed over it; other storages (object stores) save each object at
once. A crash mid-write leaves at most a stray temporary file, never a half file under a name a row
points to.

With ``PROCTORING_MEDIA_ENCRYPTION_KEYS`` set, files are encrypted with the site's key through the
same path (``encryption.py``).
"""
import hashlib
import os
import secrets
import shutil
import tempfile
from contextlib import contextmanager

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.module_loading import import_string

from .atomic import COPY_BUFFER_BYTES, local_path, write_whole
from .encryption import EncryptedStorage, encrypting

DEFAULT_MEDIA_ROOT = os.path.join('var', 'proctoring-media')


class PrivateFileSystemStorage(FileSystemStorage):
    """A file system storage whose files have no URL and are readable by the server's user only."""

    def __init__(self, location=None, **kwargs):
        kwargs.setdefault('file_permissions_mode', 0o600)
        kwargs.setdefault('directory_permissions_mode', 0o700)
        super().__init__(location=location, base_url=None, **kwargs)

    def url(self, name):
        """Proctoring media are never served by URL: reviewers get them through views that check access."""
        raise ValueError('Proctoring media have no public URL.')


def media_storage():
    """
    Return the proctoring media storage the settings describe, encrypting with the site's key when
    ``PROCTORING_MEDIA_ENCRYPTION_KEYS`` gives one (``encryption.py``).
    """
    configured = getattr(settings, 'PROCTORING_MEDIA_STORAGE', None)
    if not configured:
        storage = PrivateFileSystemStorage(getattr(settings, 'PROCTORING_MEDIA_ROOT', None) or DEFAULT_MEDIA_ROOT)
    elif isinstance(configured, str):
        storage = import_string(configured)()
    else:
        storage = import_string(configured['BACKEND'])(**configured.get('OPTIONS', {}))
    return encrypting(storage)


def new_name(folder, extension=''):
    """Return a fresh, unguessable name in ``folder`` (192 random bits)."""
    return f'{folder}/{secrets.token_urlsafe(24)}{extension}'


def write_atomic(storage, name, pieces):
    """
    Write the bytes of ``pieces`` (an iterable of ``bytes``) under ``name``, whole or not at all;
    return ``(name, size, sha256 hex digest)`` of those bytes.

    An encrypting storage (``encryption.EncryptedStorage``) has its ciphertext written to the storage
    it wraps, through the same whole-or-nothing path.
    """
    digest = hashlib.sha256()
    size = 0

    def counted():
        nonlocal size
        for piece in pieces:
            digest.update(piece)
            size += len(piece)
            yield piece

    target, stored = storage, counted()
    if isinstance(storage, EncryptedStorage):
        target, stored = storage.inner, storage.ciphertext_of(stored)
    name = write_whole(target, name, stored)
    return name, size, digest.hexdigest()


def save_bytes(storage, name, data):
    """Write ``data`` under ``name`` whole or not at all; return ``(name, size, sha256)``."""
    return write_atomic(storage, name, [data])


def read_pieces(storage, name):
    """Yield the bytes of the file ``name`` in pieces."""
    with storage.open(name, 'rb') as source:
        while True:
            piece = source.read(COPY_BUFFER_BYTES)
            if not piece:
                return
            yield piece


def delete_quietly(storage, name):
    """Delete the file ``name`` if there is one; a missing file is no error."""
    if name:
        try:
            storage.delete(name)
        except FileNotFoundError:
            pass


@contextmanager
def local_copy(storage, name):
    """Give the path of ``name`` on this machine for the length of the block (a copy for remote storages)."""
    path = local_path(storage, name)
    if path is not None:
        yield path
        return
    suffix = os.path.splitext(name)[1]
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        with storage.open(name, 'rb') as source:
            shutil.copyfileobj(source, copy, COPY_BUFFER_BYTES)
        copy.flush()
        yield copy.name
