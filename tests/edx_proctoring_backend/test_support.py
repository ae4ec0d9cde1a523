"""Whom a stuck learner may ask (``flow.support``): the course team first, then the site, and the review time."""
import pytest

from edx_proctoring_backend import api
from edx_proctoring_backend.flow.support import Contact

pytestmark = pytest.mark.django_db

COURSE = 'course-v1:Org+Support+2026'


def test_nothing_set_says_nothing_but_the_default_review_time():
    support = api.support_for(COURSE)
    assert (support.course, support.site, support.review_days) == (Contact(), Contact(), 5)
    assert not support.course and not support.site


def test_the_course_teams_contact_and_the_sites(settings, make_user):
    settings.PROCTORING_SUPPORT_CONTACT = {'email': 'help@site.example', 'url': 'https://help.site.example/',
                                           'phone': '+31 30 253 3550'}
    settings.PROCTORING_REVIEW_DAYS = 3
    api.change_course_settings(COURSE, make_user('staff'), support_email='exams@course.example',
                               support_url='https://course.example/help')
    support = api.support_for(COURSE)
    assert support.course == Contact(email='exams@course.example', url='https://course.example/help')
    assert support.site == Contact(email='help@site.example', url='https://help.site.example/',
                                   phone='+31 30 253 3550')
    assert support.review_days == 3
    assert api.support_for('course-v1:Org+Other+2026').course == Contact()


@pytest.mark.parametrize('contact, usable', [
    ({'email': 'not an address', 'url': 'javascript:alert(1)', 'phone': 'x' * 41}, Contact()),
    ({'email': 7, 'url': ['https://x.example'], 'phone': None}, Contact()),
    ('help@site.example', Contact()),    # not a dict: nothing usable
    ({'url': 'https://help.site.example/'}, Contact(url='https://help.site.example/')),
])
def test_unusable_site_values_are_left_out(settings, contact, usable):
    settings.PROCTORING_SUPPORT_CONTACT = contact
    assert api.support_for(COURSE).site == usable


@pytest.mark.parametrize('days, said', [(None, None), (0, None), (-2, None), ('5', None), (True, None), (10, 10)])
def test_the_review_time_is_said_only_when_it_is_a_number_of_days(settings, days, said):
    settings.PROCTORING_REVIEW_DAYS = days
    assert api.support_for(COURSE).review_days == said


def test_inside_open_edx_the_platforms_support_is_the_default(edx_platform, settings):
    settings.PROCTORING_SUPPORT_CONTACT = {}
    settings.TECH_SUPPORT_EMAIL = 'technical@lms.example'
    edx_platform.site_values['SUPPORT_SITE_LINK'] = 'https://support.lms.example/'
    assert api.support_for(COURSE).site == Contact(email='technical@lms.example', url='https://support.lms.example/')
    # A site's own contact replaces the platform's.
    edx_platform.site_values['PROCTORING_SUPPORT_CONTACT'] = {'email': 'exams@uu.example'}
    assert api.support_for(COURSE).site == Contact(email='exams@uu.example')
