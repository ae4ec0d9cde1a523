"""
Encryption at rest of proctoring media with the site's key (``recordings/encryption.py``): files are
stored encrypted and read back, whole or by range, decrypting only what a read needs; anything
altered, cut, reordered or of another key is an error, never wrong bytes; files stored before the
key was set still read, and ``proctoring_encrypt_media`` encrypts them; the system checks say when
media are not encrypted or a key is malformed.
"""
import base64
import hashlib
import io
import logging
import os
import random
import stat

import pytest
from django.contrib.auth import get_user_model
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.core.management import CommandError, call_command
from django.test import Client
from hypothesis import given, settings as hypothesis_settings, strategies as st

from edx_proctoring_backend import api, tasks
from edx_proctoring_backend.recordings import encryption
from edx_proctoring_backend.recordings.encryption import (
    MAGIC, SEGMENT_BYTES, SEGMENT_OVERHEAD, DecryptingReader, EncryptedStorage, Header, KeyRing, MediaIntegrityError,
    UnknownMediaKey, check_media_encryption, encrypt_pieces, key_fingerprint,
)
from edx_proctoring_backend.recordings.models import Recording
from edx_proctoring_backend.recordings.storage import (
    PrivateFileSystemStorage, local_copy, media_storage, read_pieces, save_bytes, write_atomic,
)
from edx_proctoring_backend.reviewer.media import CHUNK_BYTES

from . import fake_analysers
from .helpers import COURSE, JPEG, MP4, PNG, WEBM, chunk, local_exam, pass_checks, record_and_submit, start

KEY = base64.b64encode(b'k' * 32).decode()
OTHER_KEY = base64.b64encode(b'o' * 32).decode()
#: Recognisable bytes: any 32 of them in a row on disk would be plaintext.
PATTERN = b'plaintext-the-disk-must-not-show/'


def new_key():
    """A fresh base64 key, as a site makes one."""
    return base64.b64encode(os.urandom(32)).decode()


def body(size, seed=0):
    """``size`` reproducible bytes."""
    return random.Random(seed).randbytes(size)


def stored_bytes(media, name):
    """The bytes on disk of the stored file ``name``."""
    return (media / name).read_bytes()


def files_under(media):
    """Every file under the media folder, temporary ones too."""
    return sorted(str(path.relative_to(media)) for path in media.rglob('*') if path.is_file())


@pytest.fixture
def encrypted(settings):
    """Encryption on with one key; returns the key."""
    settings.PROCTORING_MEDIA_ENCRYPTION_KEYS = [KEY]
    settings.PROCTORING_MEDIA_STORAGE_ENCRYPTS = False
    return KEY


@pytest.fixture
def plain(settings):
    """Encryption off: files are stored as they come."""
    settings.PROCTORING_MEDIA_ENCRYPTION_KEYS = None
    settings.PROCTORING_MEDIA_STORAGE_ENCRYPTS = False


def in_memory_file(data, segment_bytes, key=b'k' * 32):
    """The reader of ``data`` encrypted with ``segment_bytes`` per segment, from memory."""
    stored = b''.join(encrypt_pieces([data], 'test', key, segment_bytes))
    source = io.BytesIO(stored)
    header = Header.read(source, 'memory')
    return DecryptingReader(source, header, key, len(stored), 'memory')


# ---- which storage -----------------------------------------------------------------------------------------------

@pytest.mark.usefixtures('plain')
def test_without_a_key_files_are_stored_as_they_come(media):
    storage = media_storage()
    assert isinstance(storage, PrivateFileSystemStorage)
    name = save_bytes(storage, 'photos/plain.png', PNG)[0]
    assert stored_bytes(media, name) == PNG


@pytest.mark.usefixtures('encrypted')
def test_with_a_key_the_storage_encrypts():
    storage = media_storage()
    assert isinstance(storage, EncryptedStorage) and storage.encrypt_new_files
    assert isinstance(storage.inner, PrivateFileSystemStorage)
    assert storage.keys.current_id == key_fingerprint(b'k' * 32)


@pytest.mark.usefixtures('encrypted')
def test_a_storage_that_encrypts_itself_gets_files_as_they_come_and_old_ones_still_read(settings, media):
    old = save_bytes(media_storage(), 'photos/old.png', PNG)[0]
    settings.PROCTORING_MEDIA_STORAGE_ENCRYPTS = True
    storage = media_storage()
    assert isinstance(storage, EncryptedStorage) and not storage.encrypt_new_files
    new = save_bytes(storage, 'photos/new.png', PNG)[0]
    assert stored_bytes(media, new) == PNG
    assert storage.open(old).read() == PNG and storage.size(old) == len(PNG)


# ---- round trips -------------------------------------------------------------------------------------------------

@pytest.mark.usefixtures('encrypted')
@pytest.mark.parametrize('size', [0, 1, SEGMENT_BYTES - 1, SEGMENT_BYTES, SEGMENT_BYTES + 1, 3 * SEGMENT_BYTES,
                                  3 * SEGMENT_BYTES + 17])
def test_a_file_reads_back_as_it_was_written(media, size):
    data = body(size)
    storage = media_storage()
    pieces = [data[offset:offset + 10_000] for offset in range(0, size, 10_000)]
    name, written, digest = write_atomic(storage, 'recordings/round.webm', pieces)
    assert (written, digest) == (size, hashlib.sha256(data).hexdigest())  # of the plaintext
    assert storage.size(name) == size
    assert b''.join(read_pieces(storage, name)) == data
    segments = max(1, -(-size // SEGMENT_BYTES))
    header_bytes = len(Header(storage.keys.current_id).raw)
    assert len(stored_bytes(media, name)) == header_bytes + size + segments * SEGMENT_OVERHEAD


@pytest.mark.usefixtures('encrypted')
def test_save_through_the_storage_api_is_encrypted_too(media):
    storage = media_storage()
    name = storage.save('photos/api.png', ContentFile(PNG))
    assert stored_bytes(media, name).startswith(MAGIC)
    assert storage.open(name, 'rb').read() == PNG
    with pytest.raises(ValueError):
        storage.open(name, 'wb')


@pytest.mark.usefixtures('encrypted')
def test_the_disk_shows_no_plaintext(media):
    data = PATTERN * 10_000
    name = save_bytes(media_storage(), 'recordings/secret.webm', data)[0]
    on_disk = stored_bytes(media, name)
    assert on_disk.startswith(MAGIC)
    assert PATTERN[:16] not in on_disk and data[:4096] not in on_disk
    assert stat.S_IMODE(os.stat(media / name).st_mode) == 0o600
    # The same plaintext twice gives other bytes: every segment has its own random nonce.
    again = save_bytes(media_storage(), 'recordings/again.webm', data)[0]
    assert stored_bytes(media, again)[100:200] != on_disk[100:200]


@pytest.mark.usefixtures('encrypted')
def test_path_url_and_the_questions_that_pass_through(media):
    storage = media_storage()
    name = save_bytes(storage, 'photos/p.png', PNG)[0]
    with pytest.raises(NotImplementedError):
        storage.path(name)
    with pytest.raises(ValueError):
        storage.url(name)
    assert storage.exists(name) and storage.listdir('photos') == ([], ['p.png'])
    assert storage.get_modified_time(name) is not None
    storage.delete(name)
    assert not storage.exists(name) and files_under(media) == []


class ObjectStore(Storage):  # pylint: disable=abstract-method
    """An object store: objects by name, no file system path; saving under a taken name replaces the object."""

    replaces = True

    def __init__(self):
        self.objects = {}

    def _save(self, name, content):
        self.objects[name] = b''.join(content.chunks())
        return name

    def _open(self, name, mode='rb'):  # pylint: disable=unused-argument
        if name not in self.objects:
            raise FileNotFoundError(name)
        return ContentFile(self.objects[name], name=name)

    def get_available_name(self, name, max_length=None):
        return name if self.replaces else super().get_available_name(name, max_length)

    def exists(self, name):
        return name in self.objects

    def delete(self, name):
        self.objects.pop(name, None)

    def size(self, name):
        return len(self.objects[name])

    def listdir(self, path):
        return [], sorted(name.rpartition('/')[2] for name in self.objects if name.rpartition('/')[0] == path)


class KeepingObjectStore(ObjectStore):  # pylint: disable=abstract-method
    """An object store that never replaces an object: a taken name gets another one."""

    replaces = False


def test_an_object_store_gets_ciphertext_saved_at_once():
    inner = ObjectStore()
    storage = EncryptedStorage(inner, KeyRing.from_setting([KEY]))
    data = body(3 * SEGMENT_BYTES + 5)
    name = write_atomic(storage, 'recordings/remote.webm', [data])[0]
    with inner.open(name, 'rb') as stored:
        assert stored.read().startswith(MAGIC)
    assert storage.size(name) == len(data) and storage.open(name).read() == data
    with storage.open(name, 'rb') as handle:
        handle.seek(SEGMENT_BYTES - 3)
        assert handle.read(10) == data[SEGMENT_BYTES - 3:SEGMENT_BYTES + 7]
    with local_copy(storage, name) as path, open(path, 'rb') as copy:
        assert copy.read() == data


def test_re_encrypting_in_an_object_store_replaces_the_object_or_leaves_it():
    for inner, replaced in ((ObjectStore(), True), (KeepingObjectStore(), False)):
        inner.save('photos/old.png', ContentFile(PNG))
        storage = EncryptedStorage(inner, KeyRing.from_setting([KEY]))
        if replaced:
            encryption.encrypt_in_place(storage, 'photos/old.png')
        else:
            with pytest.raises(ImproperlyConfigured, match='must overwrite'):
                encryption.encrypt_in_place(storage, 'photos/old.png')
        assert inner.listdir('photos') == ([], ['old.png'])  # no second object either way
        assert (storage.header_of('photos/old.png') is not None) == replaced
        assert storage.open('photos/old.png').read() == PNG


# ---- reading parts -------------------------------------------------------------------------------------------

@hypothesis_settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=300), segment_bytes=st.integers(1, 40), reads=st.lists(
    st.tuples(st.integers(0, 320), st.integers(-1, 120)), max_size=8))
def test_any_seek_and_read_gives_the_plaintext_s_bytes(data, segment_bytes, reads):
    reader = in_memory_file(data, segment_bytes)
    assert reader.size == len(data)
    for offset, length in reads:
        assert reader.seek(offset) == offset
        expected = data[offset:] if length < 0 else data[offset:offset + length]
        assert reader.read(length) == expected
        assert reader.tell() == offset + len(expected)


@pytest.mark.usefixtures('encrypted')
def test_seek_from_the_end_and_from_here():
    data = body(200_000)
    storage = media_storage()
    name = save_bytes(storage, 'recordings/seek.webm', data)[0]
    with storage.open(name, 'rb') as handle:
        assert handle.seekable() and handle.size == len(data)
        handle.seek(-10, io.SEEK_END)
        assert handle.read() == data[-10:]
        handle.seek(70_000)
        handle.seek(5, io.SEEK_CUR)
        assert handle.read(3) == data[70_005:70_008]
        buffer = bytearray(100)
        handle.seek(SEGMENT_BYTES - 50)
        assert handle.readinto(buffer) == 100 and bytes(buffer) == data[SEGMENT_BYTES - 50:SEGMENT_BYTES + 50]
        with pytest.raises(ValueError):
            handle.seek(-1)


@pytest.mark.usefixtures('encrypted')
def test_a_range_read_decrypts_only_its_segments(monkeypatch):
    data = body(4 * 1024 * 1024)  # 64 segments
    storage = media_storage()
    name = save_bytes(storage, 'recordings/long.webm', data)[0]
    decrypted = []
    real_cipher = encryption.AESGCM

    class CountingCipher:
        """AES-GCM that counts the segments it decrypts."""

        def __init__(self, key):
            self.cipher = real_cipher(key)

        def decrypt(self, nonce, ciphertext, associated_data):
            decrypted.append(len(ciphertext))
            return self.cipher.decrypt(nonce, ciphertext, associated_data)
    monkeypatch.setattr(encryption, 'AESGCM', CountingCipher)
    with storage.open(name, 'rb') as handle:
        assert len(decrypted) == 1  # the last segment, checked on opening
        handle.seek(2 * 1024 * 1024 + 1000)
        assert handle.read(CHUNK_BYTES) == data[2 * 1024 * 1024 + 1000:][:CHUNK_BYTES]
    assert len(decrypted) == 1 + 5  # 256 KiB from inside a segment touch five of them


@pytest.fixture
def reviewer(db, settings):  # pylint: disable=unused-argument
    """A signed-in member of the course's staff: they see a flagged attempt's media (the analysis flags it)."""
    settings.PROCTORING_STANDALONE_COURSE_ROLES = {'reviewer': {COURSE: 'staff'}}
    client = Client()
    client.force_login(get_user_model().objects.create(username='reviewer'))
    return client


def media_url(kind, object_id):
    """The reviewer's address of a stored file."""
    return f'/api/proctored-exams/review/media/{kind}/{object_id}'


def record_long(learner, exam, capture_on_commit, bodies):
    """Take the exam with a webcam recording of one chunk per item of ``bodies``; return the recording."""
    attempt = start(learner, exam)
    for index, extra in enumerate(bodies):
        api.store_chunk(learner, attempt.pk, 'webcam', index, chunk(index, extra), 'video/webm')
    api.complete_recording(learner, attempt.pk, 'webcam')
    with capture_on_commit(execute=True):
        api.submit(learner, exam)
    return Recording.objects.get(attempt=attempt), b''.join(chunk(index, extra) for index, extra in enumerate(bodies))


@pytest.mark.usefixtures('encrypted')
@pytest.mark.parametrize('header, first, last', [
    ('bytes=0-99', 0, 99),
    ('bytes=65530-65545', 65530, 65545),          # across a segment boundary
    ('bytes=100000-', 100000, None),              # to the end
    ('bytes=-700', -700, None),                   # the last 700 bytes
    ('bytes=1-262145', 1, 262145),                # more than the view's own pieces
])
def test_range_requests_through_the_reviewer_s_view(learner, exam, reviewer, media,
                                                    django_capture_on_commit_callbacks, header, first, last):
    recording, video = record_long(learner, exam, django_capture_on_commit_callbacks,
                                   [body(150_000, seed) for seed in range(3)])
    assert stored_bytes(media, recording.file_name).startswith(MAGIC)
    whole = reviewer.get(media_url('recording', recording.pk))
    assert whole.status_code == 200 and whole['Content-Length'] == str(len(video))
    assert b''.join(whole.streaming_content) == video
    part = reviewer.get(media_url('recording', recording.pk), HTTP_RANGE=header)
    start_at = first if first >= 0 else len(video) + first
    end_at = len(video) - 1 if last is None else last
    assert part.status_code == 206
    assert part['Content-Range'] == f'bytes {start_at}-{end_at}/{len(video)}'
    assert b''.join(part.streaming_content) == video[start_at:end_at + 1]


@pytest.mark.usefixtures('encrypted')
def test_a_damaged_file_is_not_found_for_the_reviewer_and_logged(learner, exam, reviewer, media, caplog,
                                                                 django_capture_on_commit_callbacks):
    recording, _ = record_long(learner, exam, django_capture_on_commit_callbacks, [b'x' * 1000])
    path = media / recording.file_name
    stored = bytearray(path.read_bytes())
    stored[-1] ^= 1
    path.write_bytes(bytes(stored))
    with caplog.at_level(logging.ERROR, logger=encryption.__name__):
        assert reviewer.get(media_url('recording', recording.pk)).status_code == 404
    assert 'Integrity error' in caplog.text and recording.file_name in caplog.text


# ---- damage ------------------------------------------------------------------------------------------------------

@pytest.fixture
def three_segments(encrypted, media):  # pylint: disable=unused-argument
    """A stored file of three segments (the last one short); returns (name, plaintext, path on disk)."""
    data = body(2 * SEGMENT_BYTES + 1000)
    name = save_bytes(media_storage(), 'recordings/three.webm', data)[0]
    return name, data, media / name


def segment_slices(storage, name):
    """The byte ranges of each stored segment of ``name``."""
    header = storage.header_of(name)
    unit = header.segment_ciphertext_bytes
    start_at = len(header.raw)
    return [slice(start_at + index * unit, start_at + (index + 1) * unit) for index in range(3)]


def read_all(name):
    """Read the whole plaintext of ``name`` as a reviewer's whole-file answer would."""
    with media_storage().open(name, 'rb') as handle:
        return handle.read()


@pytest.mark.parametrize('where', ['header', 'key id', 'nonce', 'first segment', 'tag of the last'])
def test_a_flipped_byte_is_an_error(three_segments, where, caplog):
    name, _, path = three_segments
    stored = bytearray(path.read_bytes())
    slices = segment_slices(media_storage(), name)
    offset = {'header': 10, 'key id': slices[0].start - 1, 'nonce': slices[1].start + 3,
              'first segment': slices[0].start + 500, 'tag of the last': len(stored) - 1}[where]
    stored[offset] ^= 0x40
    path.write_bytes(bytes(stored))
    with caplog.at_level(logging.ERROR, logger=encryption.__name__), pytest.raises(MediaIntegrityError):
        read_all(name)
    assert 'Integrity error' in caplog.text


@pytest.mark.parametrize('cut', ['last segment', 'half the last segment', 'all segments', 'half the header',
                                 'all but the magic'])
def test_a_file_cut_short_is_an_error(three_segments, cut):
    name, _, path = three_segments
    stored = path.read_bytes()
    slices = segment_slices(media_storage(), name)
    keep = {'last segment': slices[2].start, 'half the last segment': slices[2].start + 300,
            'all segments': slices[0].start, 'half the header': 20, 'all but the magic': 5}[cut]
    path.write_bytes(stored[:keep])
    with pytest.raises(MediaIntegrityError):
        read_all(name)
    if cut in ('all segments', 'half the header', 'all but the magic'):
        # A size that no whole file can have; the others only show when the segments are read.
        with pytest.raises(MediaIntegrityError):
            media_storage().size(name)


def test_swapped_segments_are_an_error(three_segments):
    name, data, path = three_segments
    stored = path.read_bytes()
    first, second, _ = segment_slices(media_storage(), name)
    path.write_bytes(stored[:first.start] + stored[second] + stored[first] + stored[second.stop:])
    with media_storage().open(name, 'rb') as handle:  # the end is intact: it opens
        handle.seek(2 * SEGMENT_BYTES)
        assert handle.read() == data[2 * SEGMENT_BYTES:]
        handle.seek(0)
        with pytest.raises(MediaIntegrityError):
            handle.read(10)


def test_a_segment_of_another_file_is_an_error(three_segments):
    name, _, path = three_segments
    other = save_bytes(media_storage(), 'recordings/other.webm', body(2 * SEGMENT_BYTES + 1000, seed=9))[0]
    first = segment_slices(media_storage(), name)[0]
    other_stored = (path.parent / os.path.basename(other)).read_bytes()
    stored = path.read_bytes()
    path.write_bytes(stored[:first.start] + other_stored[first] + stored[first.stop:])
    with pytest.raises(MediaIntegrityError):
        read_all(name)


def test_another_key_is_an_error_never_garbage(three_segments, settings):
    name, _, _ = three_segments
    settings.PROCTORING_MEDIA_ENCRYPTION_KEYS = [OTHER_KEY]
    with pytest.raises(UnknownMediaKey, match='does not list'):
        read_all(name)
    # The same key id for another key: the segments do not authenticate.
    settings.PROCTORING_MEDIA_ENCRYPTION_KEYS = {key_fingerprint(b'k' * 32): OTHER_KEY}
    with pytest.raises(MediaIntegrityError, match='does not authenticate'):
        read_all(name)


# ---- keys ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('before, after, old_id, new_id', [
    ([KEY], [OTHER_KEY, KEY], key_fingerprint(b'k' * 32), key_fingerprint(b'o' * 32)),
    ({'2026-a': KEY}, {'2026-b': OTHER_KEY, '2026-a': KEY}, '2026-a', '2026-b'),
])
def test_new_files_take_the_first_key_and_old_ones_read_with_theirs(settings, before, after, old_id, new_id):
    settings.PROCTORING_MEDIA_ENCRYPTION_KEYS = before
    old = save_bytes(media_storage(), 'photos/old.png', PNG)[0]
    settings.PROCTORING_MEDIA_ENCRYPTION_KEYS = after
    storage = media_storage()
    new = save_bytes(storage, 'photos/new.png', PNG + b'2')[0]
    assert storage.header_of(old).key_id == old_id and storage.header_of(new).key_id == new_id
    assert storage.open(old).read() == PNG and storage.open(new).read() == PNG + b'2'


@pytest.mark.parametrize('value, keys', [
    (KEY, {key_fingerprint(b'k' * 32)}),
    ([KEY, OTHER_KEY], {key_fingerprint(b'k' * 32), key_fingerprint(b'o' * 32)}),
    ({'a': KEY, 'b.2:c-d_e': OTHER_KEY.rstrip('=')}, {'a', 'b.2:c-d_e'}),
    ([base64.urlsafe_b64encode(b'\xff' * 32).decode()], {key_fingerprint(b'\xff' * 32)}),
])
def test_the_forms_of_the_keys_setting(value, keys):
    ring = KeyRing.from_setting(value)
    assert all(key_id in ring for key_id in keys) and ring.current_id in keys


@pytest.mark.parametrize('value, message', [
    (['not base64!'], 'not valid base64'),
    ([base64.b64encode(b'short').decode()], '5 bytes long'),
    ([KEY, KEY], 'the same key twice'),
    ({'has space': KEY}, 'is not 1 to 64'),
    ({'x' * 65: KEY}, 'is not 1 to 64'),
    ([42], 'not a base64 string'),
    (42, 'is a list'),
])
def test_malformed_keys_are_refused(value, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        KeyRing.from_setting(value)


# ---- files stored before encryption -----------------------------------------------------------------------------

@pytest.mark.usefixtures('plain')
def test_files_stored_before_the_key_still_read(settings, media, learner, exam, reviewer,
                                                django_capture_on_commit_callbacks):
    recording, video = record_long(learner, exam, django_capture_on_commit_callbacks, [b'y' * 70_000])
    assert stored_bytes(media, recording.file_name) == video
    settings.PROCTORING_MEDIA_ENCRYPTION_KEYS = [KEY]
    storage = media_storage()
    assert storage.size(recording.file_name) == len(video) and storage.header_of(recording.file_name) is None
    assert b''.join(read_pieces(storage, recording.file_name)) == video
    part = reviewer.get(media_url('recording', recording.pk), HTTP_RANGE='bytes=10-19')
    assert b''.join(part.streaming_content) == video[10:20]
    with local_copy(storage, recording.file_name) as path:
        with open(path, 'rb') as copy:
            assert path != str(media / recording.file_name) and copy.read() == video
    empty = save_bytes(PrivateFileSystemStorage(str(media)), 'photos/empty', b'')[0]
    assert storage.open(empty).read() == b'' and storage.size(empty) == 0


# ---- whole or nothing, and decrypted copies ----------------------------------------------------------------------

@pytest.mark.usefixtures('encrypted')
def test_a_write_that_fails_half_way_leaves_nothing(media):
    def pieces():
        yield body(3 * SEGMENT_BYTES)
        raise RuntimeError('the upload stopped')
    with pytest.raises(RuntimeError):
        write_atomic(media_storage(), 'recordings/half.webm', pieces())
    assert files_under(media) == []


@pytest.mark.usefixtures('encrypted')
def test_the_decrypted_copy_for_the_analyser_is_private_and_goes_away(media):
    data = body(100_000)
    name = save_bytes(media_storage(), 'recordings/copy.webm', data)[0]
    with local_copy(media_storage(), name) as path:
        assert not path.startswith(str(media)) and path.endswith('.webm')
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        with open(path, 'rb') as copy:
            assert copy.read() == data
    assert not os.path.exists(path)
    with pytest.raises(RuntimeError), local_copy(media_storage(), name) as path:
        raise RuntimeError('the analyser crashed')
    assert not os.path.exists(path)


@pytest.mark.usefixtures('encrypted')
def test_an_encrypted_recording_is_assembled_and_analysed(learner, exam, media,
                                                          django_capture_on_commit_callbacks):
    attempt = record_and_submit(learner, exam, django_capture_on_commit_callbacks, chunks=3)
    recording = Recording.objects.get(attempt=attempt)
    assert recording.status == Recording.ANALYSED and recording.findings.count() == 2
    plaintext = b''.join(chunk(index) for index in range(3))
    call = fake_analysers.CALLS[0]
    assert call['bytes'] == plaintext and not call['path'].startswith(str(media))
    assert not os.path.exists(call['path']) and not os.path.exists(call['reference_photo'])
    assert recording.file_sha256 == hashlib.sha256(plaintext).hexdigest() and recording.size_bytes == len(plaintext)
    for name in files_under(media):
        assert (media / name).read_bytes().startswith(MAGIC), name  # chunks gone; recording, photos, thumbnail


@pytest.mark.usefixtures('encrypted')
def test_the_real_pipeline_reads_an_encrypted_recording(settings, learner, tmp_path, media):
    pytest.importorskip('cv2')
    clips = pytest.importorskip('tests.edx_proctoring_backend.video.clips')
    settings.PROCTORING_VIDEO_ANALYSER = 'edx_proctoring_backend.video.analyse_recording'
    exam = local_exam()
    attempt = pass_checks(learner, exam)
    # Before the start the photo can be taken again: a real face, for the pipeline's comparison.
    api.store_photo(learner, attempt.pk, 'user', clips.reference_photo_jpeg(clips.astronaut_face()), 'image/jpeg')
    attempt = api.start(learner, exam)
    data = clips.timeline_clip(tmp_path / 'timeline.webm').read_bytes()
    half = len(data) // 2
    for index, piece in enumerate((data[:half], data[half:])):
        api.store_chunk(learner, attempt.pk, 'webcam', index, piece, 'video/webm;codecs=vp8')
    api.submit(learner, exam)
    recording = Recording.objects.get()
    assert tasks.analyse_recording(recording.pk) == Recording.ANALYSED
    recording.refresh_from_db()
    assert {'no_face', 'multiple_faces'} <= set(recording.findings.values_list('kind', flat=True))
    assert stored_bytes(media, recording.file_name).startswith(MAGIC)


# ---- the management command ---------------------------------------------------------------------------------

@pytest.fixture
def stored_before(plain, settings, media):  # pylint: disable=unused-argument
    """Three files stored before the key was set (and a stray temporary file); then the key is set."""
    storage = media_storage()
    contents = {save_bytes(storage, f'{folder}/{index}.bin', body(90_000, index))[0]: body(90_000, index)
                for index, folder in enumerate(['chunks', 'photos', 'recordings'])}
    (media / 'chunks' / '.partial-abc').write_bytes(b'left by a crash')
    settings.PROCTORING_MEDIA_ENCRYPTION_KEYS = [KEY]
    return contents


def run_command(*args):
    """``proctoring_encrypt_media`` with ``args``; its output."""
    out, err = io.StringIO(), io.StringIO()
    call_command('proctoring_encrypt_media', *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def states(media, names):
    """Whether each file is stored encrypted."""
    return [stored_bytes(media, name).startswith(MAGIC) for name in sorted(names)]


def test_the_command_counts_by_default_and_changes_nothing(stored_before, media):
    before = {name: stored_bytes(media, name) for name in stored_before}
    output = run_command()
    assert '3 file(s) stored before encryption' in output and '0 file(s) encrypted with the current key' in output
    assert '3 file(s) would be encrypted' in output and '--apply' in output
    assert {name: stored_bytes(media, name) for name in stored_before} == before


def test_the_command_encrypts_each_file_and_a_second_run_has_nothing_to_do(stored_before, media):
    assert 'Encrypted 3 file(s)' in run_command('--apply')
    assert states(media, stored_before) == [True] * 3
    storage = media_storage()
    assert {name: storage.open(name).read() for name in stored_before} == stored_before
    assert (media / 'chunks' / '.partial-abc').read_bytes() == b'left by a crash'  # not a stored file
    output = run_command('--apply')
    assert 'Encrypted 0 file(s)' in output and '3 file(s) encrypted with the current key' in output


def test_the_command_stopped_half_way_finishes_when_run_again(stored_before, media, monkeypatch):
    real_write = encryption.write_whole
    calls = []

    def dies_in_the_second_file(storage, name, pieces):
        calls.append(name)
        if len(calls) == 2:
            def cut():
                for piece in pieces:
                    yield piece
                    raise KeyboardInterrupt()  # after the header, before the first segment
            return real_write(storage, name, cut())
        return real_write(storage, name, pieces)
    monkeypatch.setattr(encryption, 'write_whole', dies_in_the_second_file)
    with pytest.raises(KeyboardInterrupt):
        run_command('--apply')
    monkeypatch.undo()
    assert states(media, stored_before) == [True, False, False]
    assert not [name for name in files_under(media) if '.partial-' in name and 'abc' not in name]
    storage = media_storage()
    assert {name: storage.open(name).read() for name in stored_before} == stored_before
    assert 'Encrypted 2 file(s)' in run_command('--apply')
    assert states(media, stored_before) == [True] * 3
    assert {name: storage.open(name).read() for name in stored_before} == stored_before


def test_rotate_re_encrypts_the_files_of_older_keys(stored_before, settings):
    run_command('--apply')
    settings.PROCTORING_MEDIA_ENCRYPTION_KEYS = [OTHER_KEY, KEY]
    output = run_command('--apply')
    assert '3 file(s) encrypted with an older key' in output and 'Encrypted 0 file(s)' in output
    assert '3 file(s) would be encrypted' in run_command('--rotate')
    assert 'Encrypted 3 file(s)' in run_command('--rotate', '--apply')
    settings.PROCTORING_MEDIA_ENCRYPTION_KEYS = [OTHER_KEY]  # the old key can go now
    storage = media_storage()
    assert {name: storage.open(name).read() for name in stored_before} == stored_before
    assert all(storage.header_of(name).key_id == key_fingerprint(b'o' * 32) for name in stored_before)


@pytest.mark.usefixtures('stored_before')
def test_the_command_names_files_it_cannot_read(settings, media):
    run_command('--apply')
    settings.PROCTORING_MEDIA_ENCRYPTION_KEYS = [OTHER_KEY]
    (media / 'photos' / 'damaged').write_bytes(MAGIC + b'\x01')
    output = run_command('--apply', '--rotate')
    assert '3 file(s) encrypted with a key PROCTORING_MEDIA_ENCRYPTION_KEYS no longer lists' in output
    assert 'unreadable\tphotos/damaged' in output and 'Encrypted 0 file(s)' in output


@pytest.mark.usefixtures('encrypted')
def test_the_command_on_an_empty_storage_has_nothing_to_do():
    assert '0 file(s) would be encrypted' in run_command()


@pytest.mark.usefixtures('plain')
def test_the_command_needs_a_key_and_a_storage_that_does_not_encrypt(settings):
    with pytest.raises(CommandError, match='PROCTORING_MEDIA_ENCRYPTION_KEYS is not set'):
        run_command()
    settings.PROCTORING_MEDIA_ENCRYPTION_KEYS = [KEY]
    settings.PROCTORING_MEDIA_STORAGE_ENCRYPTS = True
    with pytest.raises(CommandError, match='encrypts what it keeps'):
        run_command()


# ---- system checks ------------------------------------------------------------------------------------------------

def check_ids():
    """The ids of what the media encryption check says."""
    return [message.id for message in check_media_encryption()]


@pytest.mark.usefixtures('plain')
def test_unencrypted_media_on_a_production_site_are_a_warning(settings):
    settings.DEBUG = False
    assert check_ids() == ['edx_proctoring_backend.W101']
    warning = check_media_encryption()[0]
    assert 'not encrypted at rest' in warning.msg and 'PROCTORING_MEDIA_ENCRYPTION_KEYS' in warning.hint
    assert 'edx_proctoring_backend.W101' in [message.id for message in checks.run_checks(tags=['security'])]


@pytest.mark.usefixtures('plain')
@pytest.mark.parametrize('change', ['debug', 'storage encrypts', 'a key', 'no in-house proctoring'])
def test_no_warning_when_media_are_encrypted_or_not_kept(settings, change):
    settings.DEBUG = False
    if change == 'debug':
        settings.DEBUG = True
    elif change == 'storage encrypts':
        settings.PROCTORING_MEDIA_STORAGE_ENCRYPTS = True
    elif change == 'a key':
        settings.PROCTORING_MEDIA_ENCRYPTION_KEYS = [new_key()]
    else:
        settings.PROCTORING_PROVIDERS = {'null': {}}
    assert check_ids() == []


def test_a_malformed_key_is_an_error(settings):
    settings.PROCTORING_MEDIA_ENCRYPTION_KEYS = ['c2hvcnQ=']
    errors = check_media_encryption()
    assert [error.id for error in errors] == ['edx_proctoring_backend.E101']
    assert errors[0].level == checks.ERROR and '5 bytes long' in errors[0].msg


def test_the_demo_makes_its_key_once(tmp_path):
    from demo.media_key import demo_media_key  # pylint: disable=import-outside-toplevel
    path = tmp_path / 'var' / 'proctoring-media.key'
    key = demo_media_key(str(path))
    assert demo_media_key(str(path)) == key and len(base64.b64decode(key)) == 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and os.listdir(path.parent) == ['proctoring-media.key']
    assert KeyRing.from_setting([key]).current_key == base64.b64decode(key)


@pytest.mark.parametrize('media_bytes', [WEBM, MP4, JPEG, PNG, b''])
def test_media_formats_never_look_encrypted(media_bytes):
    assert Header.read(io.BytesIO(media_bytes), 'legacy') is None
