"""
The staff pages' headers: never cached, never framed by another site (the dashboard by the LMS's own
pages and the origins a site names; the reviewers' pages by nobody), no address leaving as a referrer.
"""
import pytest
from django.test import Client

from tests.edx_proctoring_backend.rest.conftest import COURSE, world  # noqa: F401  pylint: disable=unused-import

DASHBOARD_PAGES = ('', 'allowances', 'attempts', 'reviews', 'learners', 'exports')
REVIEWER_PAGES = ('review/',)


@pytest.fixture
def admin(world):  # pylint: disable=redefined-outer-name
    """Global staff, signed in."""
    client = Client()
    client.force_login(world.users['admin'])
    return client


def assert_private(answer):
    assert answer['Cache-Control'] == 'private, no-store'
    assert answer['Referrer-Policy'] == 'same-origin'
    assert answer['X-Content-Type-Options'] == 'nosniff'


@pytest.mark.parametrize('page', DASHBOARD_PAGES)
def test_dashboard_pages_are_private_and_framed_only_by_the_site(
        admin, page, world):  # pylint: disable=redefined-outer-name
    answer = admin.get(f'/api/proctored-exams/dashboard/{COURSE}/{page}')
    assert answer.status_code == (302 if page == '' else 200)  # the course's home is its first tab
    assert_private(answer)
    assert answer['X-Frame-Options'] == 'SAMEORIGIN'
    assert answer['Content-Security-Policy'] == "frame-ancestors 'self'"
    detail = admin.get(f'/api/proctored-exams/dashboard/{COURSE}/attempts/{world.attempt.pk}')
    assert detail.status_code == 200 and detail['Content-Security-Policy'] == "frame-ancestors 'self'"


def test_a_site_names_the_other_origins_that_frame_its_dashboard(admin, settings):
    settings.PROCTORING_DASHBOARD_FRAME_ANCESTORS = ['https://apps.example.org', "https://x.org; script-src *", '']
    answer = admin.get(f'/api/proctored-exams/dashboard/{COURSE}/')
    assert answer['Content-Security-Policy'] == "frame-ancestors 'self' https://apps.example.org"


@pytest.mark.parametrize('page', REVIEWER_PAGES)
def test_reviewer_pages_are_private_and_never_framed(admin, page):
    answer = admin.get(f'/api/proctored-exams/{page}')
    assert answer.status_code == 200
    assert_private(answer)
    assert answer['X-Frame-Options'] == 'DENY'
    assert answer['Content-Security-Policy'] == "frame-ancestors 'none'"
