"""
Encryption at rest of proctoring media with the site's key, where the storage does not encrypt itself.

Settings:

``PROCTORING_MEDIA_ENCRYPTION_KEYS`` (default None: files are stored as they come)
    The site's keys, the current one first: a list of base64 32-byte keys (each named by a
    fingerprint of itself) or a dict ``{key id: base64 key}`` (ids of letters, digits and ``._:-``,
    at most 64). New files are encrypted with the first key; a file names the key it was encrypted
    with, so older keys stay in the list, after the current one, as long as files of theirs remain
    (``manage.py proctoring_encrypt_media --rotate --apply`` re-encrypts them with the current one).
    A new key: ``python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())"``.
``PROCTORING_MEDIA_STORAGE_ENCRYPTS`` (default False)
    True when ``PROCTORING_MEDIA_STORAGE`` encrypts what it keeps (an object store with server-side
    encryption): new files are then stored as they come, and the keys, if any, only read the files
    encrypted before.

Files written before the keys were set have no header and are read as they are, so turning
encryption on loses nothing; ``manage.py proctoring_encrypt_media --apply`` encrypts them. With no
key and no self-encrypting storage, a system check warns on sites with ``DEBUG`` off that store
media (those offering in-house proctoring); a malformed key is a system check error.

The format (AES-256-GCM, ``cryptography``), in segments so that a reader decrypts only the part it
reads (a range request of a long video costs the few segments it covers, not the whole file)::

    header:   magic "EDXPMENC" | version (1 byte) | plaintext bytes per segment (4) | file id (16 random)
              | key id length (1) | key id (ASCII)
    segments: nonce (12 random) | ciphertext | GCM tag (16), each of SEGMENT_BYTES plaintext bytes
              except the last (1 to SEGMENT_BYTES; 0 only for an empty file)

Each segment's associated data is the whole header, its index and whether it is the last: a segment
moved, swapped with another (of this file or another one), dropped or cut, a file cut after a
segment, a changed header or a wrong key all fail authentication and raise ``MediaIntegrityError``
(an ``OSError``, so callers that turn a missing file into "not found" do the same here); nothing
unauthenticated is ever returned. The plaintext size follows from the ciphertext size alone.
Nonces are random: a key is good for 2**32 segments (256 TiB of media), far beyond a key's life.
"""
import base64
import binascii
import hashlib
import io
import logging
import os
import re
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.core.files.storage import Storage

from .atomic import TEMPORARY_PREFIX, write_whole

log = logging.getLogger(__name__)

MAGIC = b'EDXPMENC'
VERSION = 1
SEGMENT_BYTES = 64 * 1024
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
FILE_ID_BYTES = 16
SEGMENT_OVERHEAD = NONCE_BYTES + TAG_BYTES
_FIXED_HEADER = struct.Struct('>8sBI16sB')   # magic, version, segment bytes, file id, key id length
_SEGMENT_AAD = struct.Struct('>QB')          # segment index, last segment flag
_KEY_ID = re.compile(r'[A-Za-z0-9._:-]{1,64}')
# A segment size a header may claim: bounds what one read allocates even for a forged header.
MAX_SEGMENT_BYTES = 16 * 1024 * 1024

KEYS_SETTING = 'PROCTORING_MEDIA_ENCRYPTION_KEYS'
ENCRYPTS_SETTING = 'PROCTORING_MEDIA_STORAGE_ENCRYPTS'


class MediaIntegrityError(OSError):
    """A stored file that fails its integrity check: altered, cut short, or encrypted with another key."""


class UnknownMediaKey(MediaIntegrityError):
    """A file encrypted with a key the settings no longer list."""


# ---- Keys --------------------------------------------------------------------------------------------------------

def key_fingerprint(key):
    """The id of a key given without one: a digest of it (the key cannot be recovered from it)."""
    return 'sha256:' + hashlib.sha256(b'edx-proctoring-media-key\x00' + key).hexdigest()[:16]


def _decode_key(value, label):
    """The 32 bytes of a base64 key (standard or URL-safe alphabet); ImproperlyConfigured otherwise."""
    if isinstance(value, bytes) and len(value) == KEY_BYTES:
        return value
    if isinstance(value, bytes):
        value = value.decode('ascii', 'replace')
    if not isinstance(value, str):
        raise ImproperlyConfigured(f'{KEYS_SETTING}: {label} is not a base64 string.')
    text = value.strip().replace('-', '+').replace('_', '/')
    try:
        key = base64.b64decode(text + '=' * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError) as error:
        raise ImproperlyConfigured(f'{KEYS_SETTING}: {label} is not valid base64.') from error
    if len(key) != KEY_BYTES:
        raise ImproperlyConfigured(f'{KEYS_SETTING}: {label} is {len(key)} bytes long; AES-256 takes {KEY_BYTES}.')
    return key


class KeyRing:
    """The site's media keys by id, in the settings' order: the first encrypts, any of them decrypts."""

    def __init__(self, keys):
        """``keys``: ``(key id, 32-byte key)`` pairs, the current one first."""
        self._keys = dict(keys)
        if not self._keys:
            raise ImproperlyConfigured(f'{KEYS_SETTING} lists no key.')
        self.current_id = next(iter(self._keys))

    @classmethod
    def from_setting(cls, value):
        """The ring a ``PROCTORING_MEDIA_ENCRYPTION_KEYS`` value describes; None when it is empty."""
        if not value:
            return None
        if isinstance(value, (str, bytes)):
            value = [value]
        if isinstance(value, dict):
            pairs = []
            for key_id, encoded in value.items():
                if not isinstance(key_id, str) or not _KEY_ID.fullmatch(key_id):
                    raise ImproperlyConfigured(
                        f'{KEYS_SETTING}: the key id {key_id!r} is not 1 to 64 letters, digits or "._:-".')
                pairs.append((key_id, _decode_key(encoded, f'the key {key_id!r}')))
        elif isinstance(value, (list, tuple)):
            pairs = []
            for position, encoded in enumerate(value, start=1):
                key = _decode_key(encoded, f'key number {position}')
                pairs.append((key_fingerprint(key), key))
        else:
            raise ImproperlyConfigured(f'{KEYS_SETTING} is a list of base64 keys or a dict {{key id: base64 key}}.')
        if len({key for _, key in pairs}) != len(pairs):
            raise ImproperlyConfigured(f'{KEYS_SETTING} lists the same key twice.')
        return cls(pairs)

    @property
    def current_key(self):
        """The key new files are encrypted with."""
        return self._keys[self.current_id]

    def key(self, key_id, name=''):
        """The key called ``key_id``; ``UnknownMediaKey`` when the settings do not list it."""
        try:
            return self._keys[key_id]
        except KeyError:
            raise _integrity_error(
                name, f'it was encrypted with the key {key_id!r}, which {KEYS_SETTING} does not list',
                UnknownMediaKey) from None

    def __contains__(self, key_id):
        return key_id in self._keys


def configured_keys():
    """The ``KeyRing`` of the settings, or None when encryption is off; ImproperlyConfigured when malformed."""
    return KeyRing.from_setting(getattr(settings, KEYS_SETTING, None))


def storage_encrypts():
    """Whether the site says its media storage encrypts what it keeps (``PROCTORING_MEDIA_STORAGE_ENCRYPTS``)."""
    return bool(getattr(settings, ENCRYPTS_SETTING, False))


def _integrity_error(name, reason, error_class=MediaIntegrityError):
    """Log a file that fails its check (someone should know) and return the error to raise."""
    log.error('Integrity error in proctoring media file %r: %s', name, reason)
    return error_class(f'Proctoring media file {name!r} failed its integrity check: {reason}.')


# ---- The format -------------------------------------------------------------------------------------------------

class Header:
    """A file's header: its key, its segment size, and the bytes every segment's associated data starts with."""

    def __init__(self, key_id, segment_bytes=SEGMENT_BYTES, file_id=None):
        self.key_id = key_id
        self.segment_bytes = segment_bytes
        self.file_id = file_id or os.urandom(FILE_ID_BYTES)
        encoded_id = key_id.encode('ascii')
        self.raw = _FIXED_HEADER.pack(MAGIC, VERSION, segment_bytes, self.file_id, len(encoded_id)) + encoded_id

    @classmethod
    def read(cls, source, name):
        """
        The header at the start of the open file ``source``, or None when the file has none (it was
        stored before encryption); ``MediaIntegrityError`` for a header cut short or of an unknown version.
        """
        start = source.read(_FIXED_HEADER.size)
        if not start or not (start.startswith(MAGIC) or MAGIC.startswith(start)):
            return None
        if len(start) < _FIXED_HEADER.size:
            raise _integrity_error(name, 'its header is cut short')
        _, version, segment_bytes, file_id, id_length = _FIXED_HEADER.unpack(start)
        if version != VERSION:
            raise _integrity_error(name, f'its format version {version} is not one this code reads')
        if not 0 < segment_bytes <= MAX_SEGMENT_BYTES:
            raise _integrity_error(name, 'its header is malformed')
        key_id = source.read(id_length)
        if len(key_id) != id_length or not id_length:
            raise _integrity_error(name, 'its header is cut short')
        try:
            key_id = key_id.decode('ascii')
        except UnicodeDecodeError:
            raise _integrity_error(name, 'its header is malformed') from None
        return cls(key_id, segment_bytes, file_id)

    @property
    def segment_ciphertext_bytes(self):
        """The stored size of a full segment."""
        return self.segment_bytes + SEGMENT_OVERHEAD

    def associated_data(self, index, last):
        """What segment ``index`` is bound to: this header (file, key), its place, and whether it ends the file."""
        return self.raw + _SEGMENT_AAD.pack(index, 1 if last else 0)

    def layout(self, stored_size, name):
        """``(plaintext size, number of segments)`` of a file of ``stored_size`` bytes with this header."""
        body = stored_size - len(self.raw)
        unit = self.segment_ciphertext_bytes
        if body < SEGMENT_OVERHEAD:
            raise _integrity_error(name, 'it is cut short')
        count = -(-body // unit)
        last = body - (count - 1) * unit
        if last < SEGMENT_OVERHEAD or (last == SEGMENT_OVERHEAD and count > 1):
            raise _integrity_error(name, 'it is cut short')
        return (count - 1) * self.segment_bytes + last - SEGMENT_OVERHEAD, count


def encrypt_pieces(pieces, key_id, key, segment_bytes=SEGMENT_BYTES):
    """Yield the stored bytes (header, then segments) of the plaintext ``pieces`` (an iterable of bytes)."""
    header = Header(key_id, segment_bytes)
    cipher = AESGCM(key)
    yield header.raw
    index = 0
    pending = b''
    for piece in pieces:
        if not piece:
            continue
        data = pending + piece if pending else piece
        view = memoryview(data)
        offset = 0
        # A full segment goes out only once a byte follows it: the last segment is never empty
        # (but for an empty file), so a file cut after a segment cannot pass for whole.
        while len(data) - offset > segment_bytes:
            nonce = os.urandom(NONCE_BYTES)
            segment = view[offset:offset + segment_bytes]
            yield nonce + cipher.encrypt(nonce, segment, header.associated_data(index, False))
            offset += segment_bytes
            index += 1
        pending = bytes(view[offset:])
    nonce = os.urandom(NONCE_BYTES)
    yield nonce + cipher.encrypt(nonce, pending, header.associated_data(index, True))


class DecryptingReader(io.RawIOBase):
    """
    A read-only, seekable file of the plaintext of an encrypted file: each read decrypts (and checks)
    only the segments it covers; the last one decrypted is kept for the reads that follow.
    """

    def __init__(self, source, header, key, stored_size, name):
        super().__init__()
        self._source = source
        self._header = header
        self._cipher = AESGCM(key)
        self.name = name
        self.size, self._segments = header.layout(stored_size, name)
        self._position = 0
        self._cached_index, self._cached = None, b''
        # The end is checked at once: a file cut after a segment, or encrypted with another key,
        # fails here, before anything is answered.
        self._segment(self._segments - 1)

    def _segment(self, index):
        """The plaintext of segment ``index``, authenticated."""
        if index == self._cached_index:
            return self._cached
        unit = self._header.segment_ciphertext_bytes
        self._source.seek(len(self._header.raw) + index * unit)
        stored = self._source.read(unit)
        last = index == self._segments - 1
        expected = (self.size - index * self._header.segment_bytes + SEGMENT_OVERHEAD) if last else unit
        if len(stored) != expected:
            raise _integrity_error(self.name, f'its segment {index} is cut short')
        try:
            plaintext = self._cipher.decrypt(stored[:NONCE_BYTES], stored[NONCE_BYTES:],
                                             self._header.associated_data(index, last))
        except InvalidTag:
            raise _integrity_error(
                self.name, f'its segment {index} does not authenticate (altered, moved, or another key)') from None
        self._cached_index, self._cached = index, plaintext
        return plaintext

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self._position

    def seek(self, offset, whence=io.SEEK_SET):
        if self.closed:
            raise ValueError('I/O operation on closed file.')
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self.size}.get(whence)
        if base is None:
            raise ValueError(f'invalid whence ({whence})')
        if base + offset < 0:
            raise ValueError('negative seek position')
        self._position = base + offset
        return self._position

    def read(self, size=-1):
        """Up to ``size`` bytes (all that are left when negative), fewer only at the end of the file."""
        if self.closed:
            raise ValueError('I/O operation on closed file.')
        end = self.size if size is None or size < 0 else min(self.size, self._position + size)
        segment_bytes = self._header.segment_bytes
        parts = []
        while self._position < end:
            index, within = divmod(self._position, segment_bytes)
            plaintext = self._segment(index)
            piece = plaintext[within:within + end - self._position]
            parts.append(piece)
            self._position += len(piece)
        return b''.join(parts)

    def readall(self):
        return self.read()

    def readinto(self, buffer):
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def close(self):
        if not self.closed:
            self._source.close()
        super().close()


# ---- The storage ------------------------------------------------------------------------------------------------

class EncryptedStorage(Storage):
    """
    A storage that keeps the files of ``inner`` encrypted with the site's ``keys``: files are written
    encrypted (unless ``encrypt_new_files`` is False: the inner storage encrypts them itself) and read
    back decrypted; files without a header (stored before encryption) are read as they are.

    It has no ``path``: code that needs a file on disk (``storage.local_copy``) gets a decrypted
    temporary copy. ``url`` refuses as ``PrivateFileSystemStorage`` does; deleting, listing and the
    other questions go to ``inner``.
    """

    def __init__(self, inner, keys, encrypt_new_files=True):
        self.inner = inner
        self.keys = keys
        self.encrypt_new_files = encrypt_new_files

    def ciphertext_of(self, pieces):
        """The bytes to store in ``inner`` for the plaintext ``pieces`` (an iterable of bytes)."""
        if not self.encrypt_new_files:
            return pieces
        return encrypt_pieces(pieces, self.keys.current_id, self.keys.current_key)

    def _save(self, name, content):
        """Write ``content`` encrypted to ``inner``, whole or not at all (``atomic.py``, as every media file)."""
        return write_whole(self.inner, name, self.ciphertext_of(content.chunks()))

    def _open(self, name, mode='rb'):
        """The plaintext of ``name``, read-only and seekable; a file without a header as it is stored."""
        if any(flag in mode for flag in 'wax+'):
            raise ValueError('Encrypted proctoring media are written whole with save(), never opened for writing.')
        source = self.inner.open(name, 'rb')
        try:
            header = Header.read(source, name)
            if header is None:
                source.seek(0)
                return source
            key = self.keys.key(header.key_id, name)
            reader = DecryptingReader(source, header, key, self.inner.size(name), name)
        except BaseException:
            source.close()
            raise
        return File(reader, name=name)

    def header_of(self, name):
        """The header of the stored file ``name``, None when it is stored as it came."""
        with self.inner.open(name, 'rb') as source:
            return Header.read(source, name)

    def size(self, name):
        """The plaintext size, from the header and the stored size (nothing decrypted)."""
        header = self.header_of(name)
        stored_size = self.inner.size(name)
        if header is None:
            return stored_size
        return header.layout(stored_size, name)[0]

    def path(self, name):
        """None on disk is plaintext: code that needs a path (OpenCV) gets a decrypted copy (``local_copy``)."""
        raise NotImplementedError('Encrypted proctoring media have no file system path: use a decrypted copy.')

    def url(self, name):
        """Proctoring media are never served by URL: reviewers get them through views that check access."""
        raise ValueError('Proctoring media have no public URL.')

    def delete(self, name):
        self.inner.delete(name)

    def exists(self, name):
        return self.inner.exists(name)

    def listdir(self, path):
        return self.inner.listdir(path)

    def get_valid_name(self, name):
        return self.inner.get_valid_name(name)

    def get_available_name(self, name, max_length=None):
        return self.inner.get_available_name(name, max_length=max_length)

    def generate_filename(self, filename):
        return self.inner.generate_filename(filename)

    def get_accessed_time(self, name):
        return self.inner.get_accessed_time(name)

    def get_created_time(self, name):
        return self.inner.get_created_time(name)

    def get_modified_time(self, name):
        return self.inner.get_modified_time(name)


def encrypting(storage):
    """``storage`` wrapped in an ``EncryptedStorage`` when the settings give keys, else as it is."""
    keys = configured_keys()
    if keys is None:
        return storage
    return EncryptedStorage(storage, keys, encrypt_new_files=not storage_encrypts())


# ---- Encrypting the files stored before -------------------------------------------------------------------------

PLAINTEXT = 'plaintext'
CURRENT_KEY = 'current_key'
OLD_KEY = 'old_key'
UNKNOWN_KEY = 'unknown_key'
UNREADABLE = 'unreadable'
STATES = (PLAINTEXT, OLD_KEY, CURRENT_KEY, UNKNOWN_KEY, UNREADABLE)


def stored_names(storage, folder=''):
    """Yield the name of every file of ``storage`` under ``folder``, but unfinished temporary ones."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return  # nothing was ever stored there
    for file_name in sorted(files):
        if not file_name.startswith(TEMPORARY_PREFIX):
            yield f'{folder}/{file_name}' if folder else file_name
    for sub_folder in sorted(folders):
        yield from stored_names(storage, f'{folder}/{sub_folder}' if folder else sub_folder)


def encryption_state(storage, name):
    """Whether the file ``name`` of the ``EncryptedStorage`` is plaintext, of the current key, an older one, etc."""
    try:
        header = storage.header_of(name)
    except MediaIntegrityError:
        return UNREADABLE
    if header is None:
        return PLAINTEXT
    if header.key_id == storage.keys.current_id:
        return CURRENT_KEY
    return OLD_KEY if header.key_id in storage.keys else UNKNOWN_KEY


def encrypt_in_place(storage, name):
    """
    Replace the file ``name`` by its encryption with the current key, whole or not at all (a new file
    beside it, renamed over it; an object store replaces the object at once).
    """
    with storage.open(name, 'rb') as source:
        saved = write_whole(storage.inner, name, storage.ciphertext_of(source.chunks()))
    if saved != name:
        # The storage would not overwrite: the copy goes, the original stays as it was.
        storage.inner.delete(saved)
        raise ImproperlyConfigured(f'The media storage saved {name!r} as {saved!r}: it must overwrite files.')


# ---- System checks ----------------------------------------------------------------------------------------------

def _stores_media():
    """Whether this site keeps media (it offers in-house proctoring, whose recordings stay here)."""
    from ..providers.registry import get_provider, provider_names
    for provider_name in provider_names():
        try:
            # ``LocalProvider.name``, whatever the site calls it (the class is not imported here: it
            # builds on the storage, which builds on this module).
            if getattr(get_provider(provider_name), 'name', None) == 'local':
                return True
        except Exception:  # pylint: disable=broad-except
            continue  # a provider that cannot load stores nothing
    return False


@checks.register(checks.Tags.security)
def check_media_encryption(app_configs=None, **kwargs):  # pylint: disable=unused-argument
    """A malformed key is an error; media kept unencrypted on a production-like site (DEBUG off) a warning."""
    try:
        keys = configured_keys()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), hint='Each key is 32 random bytes in base64, e.g. base64.b64encode('
                             'os.urandom(32)).', id='edx_proctoring_backend.E101')]
    if keys is None and not storage_encrypts() and not settings.DEBUG and _stores_media():
        return [checks.Warning(
            'Proctoring media (recordings, photos) are not encrypted at rest.',
            hint=f'Set {KEYS_SETTING} to a list of base64 32-byte keys, or {ENCRYPTS_SETTING} = True when '
                 'PROCTORING_MEDIA_STORAGE encrypts what it keeps.',
            id='edx_proctoring_backend.W101')]
    return []
