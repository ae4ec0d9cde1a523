"""Reading the moment a reviewer marks (``reviews.marks.parse_moment``)."""
import pytest

from edx_proctoring_backend.reviews.marks import parse_moment


@pytest.mark.parametrize('text, seconds', [
    ('75', 75.0), ('75.5', 75.5), ('1:15', 75.0), (' 1:15 ', 75.0), ('0:00', 0.0), ('1:01:15', 3675.0),
    ('12:05.5', 725.5),
])
def test_moments(text, seconds):
    assert parse_moment(text) == seconds


@pytest.mark.parametrize('text', ['', 'soon', '-1', '1:-5', '-1:05', '1:60', '1:60:00', '1:2:3:4', ':30', '1:',
                                  'nan', 'inf', '1e999', '1.5:00'])
def test_anything_else_is_refused(text):
    with pytest.raises(ValueError):
        parse_moment(text)
