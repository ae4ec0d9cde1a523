"""Ids from outside as the database can hold them: anything else names nothing, and never reaches a query."""
import pytest
from django.urls import reverse

from edx_proctoring_backend.exams.ids import MAX_ID, parse_id


@pytest.mark.parametrize('value, expected', [
    (None, None), ('', None), ('1', 1), (' 42 ', 42), (42, 42), (str(MAX_ID), MAX_ID),
])
def test_ids_are_read(value, expected):
    assert parse_id(value) == expected


@pytest.mark.parametrize('value', ['0', '-1', str(MAX_ID + 1), '9' * 25, '1e9', '0x10', '\u0661\u0662', 'one', '1.0'])
def test_anything_else_is_refused(value):
    with pytest.raises(ValueError):
        parse_id(value)


@pytest.mark.parametrize('path', [
    'v1/courses/course-v1:Test+Exam+2026/attempts/{id}',
    'v1/attempts/{id}/recordings/webcam',
    'review/media/recording/{id}',
    'dashboard/course-v1:Test+Exam+2026/attempts/{id}',
])
def test_an_id_past_the_databases_range_in_a_url_is_404(admin_client, path):
    for number in (str(MAX_ID + 1), '9' * 25):
        assert admin_client.get('/api/proctored-exams/' + path.format(id=number)).status_code == 404


def test_urls_are_made_with_ids():
    assert reverse('edx_proctoring_backend:review-attempt', args=[MAX_ID]).endswith(f'/review/attempts/{MAX_ID}')
