"""Unique, unguessable, single-use exam codes."""
import base64
import secrets

CODE_BYTES = 16  # 128 bits of randomness


def new_exam_code():
    """Return a fresh exam code: 128 random bits as 26 base32 characters in groups, easy to copy."""
    raw = base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode('ascii').rstrip('=')
    return '-'.join(raw[i:i + 5] for i in range(0, len(raw), 5))


def normalise_exam_code(code):
    """Return ``code`` as stored: upper case, grouped; tolerates pasted spaces and lower case."""
    raw = ''.join(ch for ch in str(code or '').upper() if ch.isalnum())
    return '-'.join(raw[i:i + 5] for i in range(0, len(raw), 5))
