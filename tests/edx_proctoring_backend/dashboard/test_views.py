"""
The instructor dashboard's pages: who sees which, what each form does (and refuses), and that they
are translated, CSRF-protected and framed by the LMS's own pages only.
"""
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from edx_proctoring_backend import api
from edx_proctoring_backend.exams.models import Allowance, AllowanceChange, ExamAttempt
from edx_proctoring_backend.exams.statuses import AttemptStatus as S
from edx_proctoring_backend.providers.models import OnboardingProfile
from tests import journeys
from tests.edx_proctoring_backend.rest.conftest import COURSE, OTHER_COURSE

PAGES = ('allowances', 'attempts', 'reviews', 'learners', 'sittings', 'monitors', 'exports', 'settings')
# The pages each role sees (the learners page and the attempts page need only to view attempts).
SEES = {
    'learner': set(), 'stranger': set(), 'other_staff': set(),
    'staff': {'allowances', 'attempts', 'learners', 'sittings', 'monitors', 'exports', 'settings'},
    'instructor': set(PAGES), 'support': {'attempts', 'reviews', 'learners', 'exports'}, 'admin': set(PAGES),
}


def page(name, course=COURSE, attempt_id=None):
    """The address of a dashboard page (an attempt's with ``attempt_id``)."""
    suffix = f'/{attempt_id}' if attempt_id is not None else ''
    return f'/api/proctored-exams/dashboard/{course}/{name}{suffix}'


def as_user(client, user):
    """The client, signed in as ``user``."""
    client.force_login(user)
    return client


def test_anonymous_visitors_sign_in_first(world, client):  # pylint: disable=unused-argument
    for name in PAGES:
        answer = client.get(page(name))
        assert answer.status_code == 302 and '/login' in answer['Location']


@pytest.mark.parametrize('role', sorted(SEES))
def test_each_role_sees_its_pages_and_tabs_only(world, client, role):
    client = as_user(client, world.users[role])
    for name in PAGES:
        answer = client.get(page(name))
        assert answer.status_code == (200 if name in SEES[role] else 403), (role, name)
        if answer.status_code == 200:
            tabs = set(re.findall(rf'/dashboard/{re.escape(COURSE)}/(\w+)"', answer.content.decode()))
            assert tabs == SEES[role]
    home = client.get(f'/api/proctored-exams/dashboard/{COURSE}/')
    assert home.status_code == (302 if SEES[role] else 403)


def test_the_pages_may_be_framed_by_the_site_only(world, client):
    answer = as_user(client, world.users['staff']).get(page('allowances') + '?embedded=1')
    assert answer['X-Frame-Options'] == 'SAMEORIGIN'
    html = answer.content.decode()
    assert '<header>' not in html and '?embedded=1' in html


def test_the_course_team_sets_the_courses_support_contact_and_passing_share(world, client, settings):
    settings.PROCTORING_SUPPORT_CONTACT = {'email': 'help@site.example'}
    client = as_user(client, world.users['staff'])
    shown = client.get(page('settings')).content.decode()
    assert 'Site setting: help@site.example' in shown and 'Site setting: 50 %' in shown

    saved = client.post(page('settings'), {'support_email': ' exams@course.example ',
                                           'support_url': 'https://course.example/help', 'credit_min_grade': '62,5 %'})
    assert saved.status_code == 302 and 'notice=settings_saved' in saved['Location']
    shown = client.get(saved['Location']).content.decode()
    assert 'The course settings were saved.' in shown and 'value="62.5"' in shown
    own = api.course_settings_of(COURSE)
    assert (own.support_email, own.support_url, own.credit_min_grade, own.modified_by) == (
        'exams@course.example', 'https://course.example/help', 0.625, world.users['staff'])
    assert api.course_settings_of(OTHER_COURSE).pk is None   # another course keeps the site's


@pytest.mark.parametrize('field, value', [
    ('support_email', 'not an address'), ('support_url', 'javascript:alert(1)'), ('support_url', 'ftp://x.example'),
    ('credit_min_grade', '0'), ('credit_min_grade', '101'), ('credit_min_grade', 'half'),
    ('credit_min_grade', 'nan'), ('credit_min_grade', '1e999'),
])
def test_unusable_course_settings_are_refused_and_nothing_is_saved(world, client, field, value):
    client = as_user(client, world.users['instructor'])
    form = {'support_email': 'exams@course.example', 'support_url': '', 'credit_min_grade': '70', field: value}
    answer = client.post(page('settings'), form)
    assert answer.status_code == 400
    html = answer.content.decode()
    assert f'href="#setting-{field}"' in html and html.count('aria-invalid="true"') == 1
    assert api.course_settings_of(COURSE).pk is None


def test_add_edit_and_remove_an_allowance(world, client):
    client = as_user(client, world.users['staff'])
    added = client.post(page('allowances'), {'action': 'add', 'learner': 'learner', 'exam_id': world.proctored.pk,
                                             'kind': 'additional_minutes', 'value': '30'})
    assert added.status_code == 302 and 'notice=saved&' in added['Location']
    shown = client.get(added['Location']).content.decode()
    assert 'role="status"' in shown and 'Allowance saved for learner' in shown
    allowance = Allowance.objects.get(user=world.users['learner'], exam=world.proctored)

    client.post(page('allowances'), {'action': 'update', 'allowance_id': allowance.pk, 'value': '40'})
    allowance.refresh_from_db()
    assert allowance.value == '40'
    removed = client.post(page('allowances'), {'action': 'remove', 'allowance_id': allowance.pk})
    assert 'notice=removed' in removed['Location']
    assert not Allowance.objects.filter(pk=allowance.pk).exists()
    changes = AllowanceChange.objects.filter(user=world.users['learner']).values_list(
        'new_value', 'changed_by__username')
    assert list(changes) == [('30', 'staff'), ('40', 'staff'), ('', 'staff')]
    listed = client.get(page('allowances')).content.decode()
    assert listed.count('<td>staff</td>') >= 3  # the latest changes name their author


def test_an_allowance_after_the_start_says_it_does_not_reach_that_attempt(world, client):
    client = as_user(client, world.users['staff'])
    answer = client.post(page('allowances'), {'action': 'add', 'learner': 'learner', 'exam_id': world.timed.pk,
                                              'kind': 'additional_minutes', 'value': '30'}, follow=True)
    assert 'already started this exam' in answer.content.decode()
    world.attempt.refresh_from_db()
    assert world.attempt.extra_minutes == 0


@pytest.mark.parametrize('form, message', [
    ({'learner': 'ghost', 'kind': 'additional_minutes', 'value': '5'}, 'No learner has this username or email.'),
    ({'learner': 'learner', 'kind': 'additional_minutes', 'value': '-3'}, 'This value does not suit'),
    ({'learner': 'learner', 'kind': 'flying', 'value': '5'}, 'Choose a kind of allowance.'),
    ({'learner': 'learner', 'kind': 'additional_minutes', 'value': '5', 'exam_id': 'x'}, 'Choose an exam.'),
])
def test_a_refused_allowance_says_why_keeps_the_form_and_writes_nothing(world, client, form, message):
    client = as_user(client, world.users['staff'])
    answer = client.post(page('allowances'), {'action': 'add', 'exam_id': world.timed.pk, **form})
    html = answer.content.decode()
    assert answer.status_code == 400 and 'role="alert"' in html and message in html
    assert f'value="{form["learner"]}"' in html  # what was typed is still there
    assert not Allowance.objects.filter(exam=world.timed).exists()


def test_another_courses_allowance_is_not_found_here(world, client):
    client = as_user(client, world.users['staff'])
    for action in ('update', 'remove'):
        answer = client.post(page('allowances'), {'action': action, 'allowance_id': world.other_allowance.pk,
                                                  'value': '99'})
        assert answer.status_code == 404
    world.other_allowance.refresh_from_db()
    assert world.other_allowance.value == '10'
    shown = client.get(page('allowances')).content.decode()
    assert 'Elsewhere' not in shown


def test_bulk_add_from_a_list_or_a_file_reports_each_learner(world, client):
    client = as_user(client, world.users['instructor'])
    answer = client.post(page('allowances'), {'action': 'bulk', 'exam_id': world.proctored.pk,
                                              'kind': 'review_exemption', 'learners': 'learner\nghost\n'})
    html = answer.content.decode()
    assert answer.status_code == 200
    assert re.search(r'data-outcome="added"><th scope="row">learner</th>', html)
    assert re.search(r'data-outcome="unknown_learner"><th scope="row">ghost</th>', html)
    upload = SimpleUploadedFile('list.csv', b'email\nstranger@example.org\n', 'text/csv')
    answer = client.post(page('allowances'), {'action': 'bulk', 'exam_id': world.timed.pk,
                                              'kind': 'time_multiplier', 'value': '1.5', 'file': upload})
    html = answer.content.decode()
    assert 'data-outcome="added"' in html and 'already started' in html
    assert Allowance.objects.get(user=world.users['stranger'], exam=world.timed).value == '1.5'
    empty = client.post(page('allowances'), {'action': 'bulk', 'exam_id': world.timed.pk,
                                             'kind': 'time_multiplier', 'value': '1.5', 'learners': ''})
    assert empty.status_code == 400 and 'List at least one username or email.' in empty.content.decode()


def test_every_form_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users['admin'])
    assert client.post(page('allowances'), {'action': 'add', 'learner': 'learner', 'exam_id': world.timed.pk,
                                            'kind': 'additional_minutes', 'value': '5'}).status_code == 403
    assert client.post(page('attempts', COURSE, world.attempt.pk), {'action': 'reset'}).status_code == 403
    assert not Allowance.objects.filter(exam=world.timed).exists()
    assert ExamAttempt.objects.get(pk=world.attempt.pk).status == S.STARTED
    form = client.get(page('attempts', COURSE, world.attempt.pk)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    answer = client.post(page('attempts', COURSE, world.attempt.pk),
                         {'action': 'reset', 'csrfmiddlewaretoken': token})
    assert answer.status_code == 302


def test_search_the_attempts_and_page_through(world, client, make_user):
    for number in range(55):
        api.start(make_user(f'crowd{number:02d}'), world.timed)
    client = as_user(client, world.users['support'])
    first = client.get(page('attempts')).content.decode()
    assert '57 attempts found · page 1 of 2' in first and 'rel="next"' in first and 'rel="prev"' not in first
    second = client.get(page('attempts') + '?page=2').content.decode()
    assert 'rel="prev"' in second and 'crowd00' in second
    found = client.get(page('attempts') + '?q=stranger&status=started').content.decode()
    assert '1 attempt found' in found and f'data-attempt="{world.stranger_attempt.pk}"' in found
    assert world.other_attempt.exam.display_name not in found
    assert client.get(page('attempts') + '?status=made-up&page=zz').status_code == 200


def test_an_attempt_page_resets_ends_and_keeps_the_history(world, client):
    client = as_user(client, world.users['staff'])
    shown = client.get(page('attempts', COURSE, world.attempt.pk)).content.decode()
    assert 'Mark as submitted' in shown and 'Reset the attempt' in shown and 'Decide the review' not in shown
    no_reason = client.post(page('attempts', COURSE, world.attempt.pk), {'action': 'submit'})
    assert no_reason.status_code == 400 and 'Say why in the reason.' in no_reason.content.decode()
    ended = client.post(page('attempts', COURSE, world.attempt.pk), {'action': 'submit', 'reason': 'laptop died'})
    assert 'notice=attempt_submitted' in ended['Location']
    world.attempt.refresh_from_db()
    assert world.attempt.status == S.SUBMITTED
    client.post(page('attempts', COURSE, world.attempt.pk), {'action': 'reset', 'reason': 'retake agreed'})
    history = client.get(page('attempts', COURSE, world.attempt.pk)).content.decode()
    assert history.index('submitted by staff: laptop died') < history.index('reset by staff: retake agreed')
    twice = client.post(page('attempts', COURSE, world.attempt.pk), {'action': 'reset'})
    assert twice.status_code in (302, 409)
    assert api.start(world.users['learner'], world.timed).attempt_number == 2
    errored = client.post(page('attempts', COURSE, world.stranger_attempt.pk),
                          {'action': 'error', 'reason': 'vendor lost the session'})
    assert errored.status_code == 302
    assert ExamAttempt.objects.get(pk=world.stranger_attempt.pk).status == S.ERROR


def locked_attempt(world, settings):
    """The stranger's attempt at the course's proctored exam, its code locked by wrong codes."""
    settings.PROCTORING_EXAM_CODE_MAX_FAILURES = 1
    attempt = journeys.opt_in(world.users['stranger'], world.proctored)
    with pytest.raises(api.ExamCodeLocked):
        api.confirm_checks(world.users['stranger'], world.proctored, 'WRONG')
    return attempt


def test_staff_unlock_an_exam_code_locked_by_wrong_codes(world, client, settings):
    attempt = locked_attempt(world, settings)
    client = as_user(client, world.users['staff'])
    shown = client.get(page('attempts', COURSE, attempt.pk)).content.decode()
    assert 'Exam code locked' in shown and 'data-code-failures="1"' in shown
    unlocked = client.post(page('attempts', COURSE, attempt.pk), {'action': 'unlock_code', 'reason': 'phoned'})
    assert 'notice=code_unlocked' in unlocked['Location']
    after = client.get(unlocked['Location']).content.decode()
    assert 'The exam code was unlocked' in after and 'Exam code locked' not in after
    assert 'exam code unlocked: phoned' in after
    attempt.refresh_from_db()
    assert attempt.code_locked_at is None and attempt.code_failures == 0
    # Who may not manage attempts may not unlock.
    reviewer = as_user(Client(), world.users['learner'])
    assert reviewer.post(page('attempts', COURSE, attempt.pk), {'action': 'unlock_code'}).status_code == 403


def test_another_courses_attempt_is_not_found_here(world, client):
    client = as_user(client, world.users['staff'])
    assert client.get(page('attempts', COURSE, world.other_attempt.pk)).status_code == 404
    assert client.post(page('attempts', COURSE, world.other_attempt.pk), {'action': 'reset'}).status_code == 404
    assert ExamAttempt.objects.get(pk=world.other_attempt.pk).status == S.STARTED


def test_course_staff_may_not_decide_reviews(world, client):
    client = as_user(client, world.users['staff'])
    answer = client.post(page('attempts', COURSE, world.attempt.pk), {'action': 'decide', 'outcome': 'satisfactory'})
    assert answer.status_code == 403


def _submitted_for_review(world, make_user):
    """A proctored attempt the vendor found suspicious: it awaits a person."""
    attempt = journeys.submitted(make_user('examinee'), world.proctored)
    api.record_provider_verdict(attempt, 'suspicious', comments=[
        {'start_s': 75, 'end_s': 90, 'status': 'suspicious', 'comment': 'someone talks'}])
    return attempt


def test_the_review_queue_shows_the_flagged_moments_and_a_person_decides(world, client, make_user):
    attempt = _submitted_for_review(world, make_user)
    client = as_user(client, world.users['instructor'])
    queue = client.get(page('reviews')).content.decode()
    assert f'data-attempt="{attempt.pk}"' in queue and '1:15–1:30' in queue and 'someone talks' in queue
    refused = client.post(page('attempts', COURSE, attempt.pk), {'action': 'decide', 'outcome': 'unsatisfactory'})
    assert refused.status_code == 400 and 'Say why in the comment.' in refused.content.decode()
    decided = client.post(page('attempts', COURSE, attempt.pk),
                          {'action': 'decide', 'outcome': 'second_review', 'comment': 'ask the examiner'})
    assert 'notice=review_recorded' in decided['Location']
    attempt.refresh_from_db()
    assert attempt.status == S.SECOND_REVIEW_REQUIRED and attempt.reviews.filter(reviewer__isnull=False).exists()
    client.post(page('attempts', COURSE, attempt.pk), {'action': 'decide', 'outcome': 'satisfactory'})
    attempt.refresh_from_db()
    assert attempt.status == S.VERIFIED
    assert f'data-attempt="{attempt.pk}"' not in client.get(page('reviews')).content.decode()


def test_learners_page_shows_practice_and_onboarding(world, client, make_exam, fake_vendor):
    vendor = fake_vendor('proctortrack')
    make_exam(provider='proctortrack', display_name='Final with onboarding')
    practice = make_exam(exam_type='practice', display_name='Practice run')
    learner = world.users['learner']
    attempt = journeys.opt_in(learner, practice)
    api.mark_error(attempt, reason='camera failed')
    from edx_proctoring_backend.providers.registry import get_provider  # pylint: disable=import-outside-toplevel
    vendor.set_onboarding(get_provider('proctortrack').anonymous_user_id(learner), 'approved')
    client = as_user(client, world.users['staff'])

    html = client.get(page('learners') + '?learner=learner@example.org').content.decode()
    assert 'Practice run' in html and 'failed: the proctoring session had a problem' in html
    assert 'data-provider="proctortrack" data-status="approved"' in html
    vendor.stop()
    # The vendor's last approval, kept, stands in while it cannot be reached; without one, staff are told.
    html = client.get(page('learners') + '?learner=learner').content.decode()
    assert 'data-provider="proctortrack" data-status="approved"' in html
    OnboardingProfile.objects.all().delete()
    html = client.get(page('learners') + '?learner=learner').content.decode()
    assert 'data-status="unavailable"' in html and 'cannot be reached' in html
    missing = client.get(page('learners') + '?learner=ghost').content.decode()
    assert 'role="alert"' in missing


def test_staff_reset_a_learners_onboarding(world, client, make_exam, fake_vendor):
    vendor = fake_vendor('proctortrack')
    make_exam(provider='proctortrack', display_name='Final with onboarding')
    learner = world.users['learner']
    from edx_proctoring_backend.providers.registry import get_provider  # pylint: disable=import-outside-toplevel
    vendor_id = get_provider('proctortrack').anonymous_user_id(learner)
    vendor.set_onboarding(vendor_id, 'rejected')
    staff = as_user(client, world.users['staff'])
    html = staff.get(page('learners') + '?learner=learner').content.decode()
    assert 'name="action" value="reset_onboarding"' in html and 'data-status="rejected"' in html

    answer = staff.post(page('learners'), {'learner': 'learner', 'provider': 'proctortrack'})
    assert answer.status_code == 302 and 'notice=onboarding_reset' in answer['Location']
    assert vendor.onboarding[vendor_id]['status'] == 'not_started'
    shown = staff.get(answer['Location']).content.decode()
    assert 'The onboarding was reset' in shown and 'data-status="not_started"' in shown

    # Refused: an unknown learner, a provider without onboarding, a vendor that cannot be reached.
    assert staff.post(page('learners'), {'learner': 'ghost', 'provider': 'proctortrack'}).status_code == 400
    assert staff.post(page('learners'), {'learner': 'learner', 'provider': 'null'}).status_code == 400
    vendor.stop()
    assert staff.post(page('learners'), {'learner': 'learner', 'provider': 'proctortrack'}).status_code == 503
    # Nobody else: the course's other users may not even see the page.
    stranger = as_user(Client(), world.users['stranger'])
    assert stranger.post(page('learners'), {'learner': 'learner', 'provider': 'proctortrack'}).status_code == 403


def test_the_exports_page_links_every_file(world, client):
    html = as_user(client, world.users['staff']).get(page('exports')).content.decode()
    for kind in ('allowances', 'allowance-changes', 'attempts', 'reviews', 'results', 'bookings'):
        assert f'/api/proctored-exams/v1/courses/{COURSE}/exports/{kind}.csv' in html


def test_pages_are_translated(world, client, settings):  # pylint: disable=unused-argument
    client = as_user(client, world.users['staff'])
    for language, words in (('fr', ('Aménagements', 'Tentatives')), ('nl', ('Voorzieningen', 'Pogingen'))):
        html = client.get(page('allowances'), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert f'<html lang="{language}" dir="ltr">' in html
        for word in words:
            assert word in html, (language, word)
    with translation.override('en'):
        assert 'Allowances' in client.get(page('allowances'), HTTP_ACCEPT_LANGUAGE='en').content.decode()


def test_other_course_staff_get_nothing(world, client):
    client = as_user(client, world.users['other_staff'])
    for name in PAGES:
        assert client.get(page(name)).status_code == 403
    assert client.get(page('allowances', OTHER_COURSE)).status_code == 200


def test_a_notice_names_only_the_learner_of_the_recorded_change(world, client):
    client = as_user(client, world.users['staff'])
    spoofed = client.get(page('allowances') + '?notice=saved&learner=Send+your+password').content.decode()
    assert 'Send your password' not in spoofed and 'role="status"' not in spoofed
    other = client.get(page('allowances') + f'?notice=saved&change={world.other_allowance.pk}').content.decode()
    assert 'role="status"' not in other  # another course's change names nobody here


def test_the_framed_attempt_page_opens_the_evidence_in_the_whole_window(world, client, make_user):
    attempt = _submitted_for_review(world, make_user)
    html = as_user(client, world.users['instructor']).get(
        page('attempts', COURSE, attempt.pk) + '?embedded=1').content.decode()
    assert re.search(r'href="/api/proctored-exams/review/attempts/\d+" target="_top"', html)
    evidence = client.get(f'/api/proctored-exams/review/attempts/{attempt.pk}').content.decode()
    assert f'/api/proctored-exams/review/?course_id={COURSE.replace(":", "%3A").replace("+", "%2B")}' in evidence


def test_practice_attempts_offer_no_review_decision(world, client, make_exam):
    practice = make_exam(exam_type='practice', display_name='Try it')
    attempt = journeys.submitted(world.users['learner'], practice)
    html = as_user(client, world.users['instructor']).get(page('attempts', COURSE, attempt.pk)).content.decode()
    assert 'Decide the review' not in html
