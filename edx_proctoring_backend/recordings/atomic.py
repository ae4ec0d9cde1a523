"""
Writing a stored file whole or not at all, the one way media files are written (``storage.write_atomic``
and ``encryption.EncryptedStorage``): on the local file system into a temporary file beside the
target, then renamed over it; other storages (object stores) spool it, then save the object at once.
"""
import os
import tempfile

from django.core.files import File

COPY_BUFFER_BYTES = 1024 * 1024
#: What a file being written is called until it is complete and renamed.
TEMPORARY_PREFIX = '.partial-'


def local_path(storage, name):
    """The file system path of ``name``, or None for storages without one."""
    try:
        return storage.path(name)
    except NotImplementedError:
        return None


def write_whole(storage, name, pieces):
    """
    Store the bytes of ``pieces`` as they are under ``name``, whole or not at all; return the name
    saved. On the file system into a temporary file beside the target, renamed over it; elsewhere
    (object stores) spooled first, then saved at once.
    """
    path = local_path(storage, name)
    if path is None:
        with tempfile.SpooledTemporaryFile(max_size=8 * COPY_BUFFER_BYTES) as spool:
            for piece in pieces:
                spool.write(piece)
            spool.seek(0)
            return storage.save(name, File(spool, name=os.path.basename(name)))
    directory = os.path.dirname(path)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=TEMPORARY_PREFIX)
    try:
        with os.fdopen(handle, 'wb') as output:
            for piece in pieces:
                output.write(piece)
            output.flush()
            os.fsync(output.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        # Anything, even an interrupted worker: the partial file must not stay behind.
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
    return name
