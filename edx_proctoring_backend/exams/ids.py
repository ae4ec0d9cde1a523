"""
Ids from outside (URLs, query strings, forms) as the database can hold them: a whole number from 1
to the largest signed 64-bit integer. Anything else names nothing, and is answered 400 or 404, never
passed to a query that would fail on it.
"""
MAX_ID = 2 ** 63 - 1
# At most this many digits: a longer number cannot be an id, and is not even converted.
MAX_ID_DIGITS = len(str(MAX_ID))


def parse_id(value):
    """
    The id ``value`` names (a string or an int), or None when it is absent (None or ''); raises
    ``ValueError`` for anything that is not a whole number from 1 to ``MAX_ID``.
    """
    if value is None or value == '':
        return None
    text = str(value).strip()
    if not text.isdigit() or not text.isascii() or len(text) > MAX_ID_DIGITS:
        raise ValueError(f'Not an id: {text[:40]!r}')
    number = int(text)
    if not 1 <= number <= MAX_ID:
        raise ValueError(f'Not an id: {number}')
    return number


class IdConverter:
    """A URL part that is an id (``parse_id``); a number out of range matches no URL (404)."""

    regex = '[0-9]{1,%d}' % MAX_ID_DIGITS

    def to_python(self, value):
        """The id, or ``ValueError`` (Django then tries the next pattern)."""
        number = int(value)
        if number > MAX_ID:
            raise ValueError(value)
        return number

    def to_url(self, value):
        """The id as written in a URL."""
        return str(int(value))
