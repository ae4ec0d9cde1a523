"""
Consent: the terms of each provider, versioned per site; the learner's answer with its version, time and
language; and a refusal that costs nothing but offers the alternatives the exam allows.
"""
import pytest
from crum import set_current_request
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.utils import translation

from edx_proctoring_backend import api
from edx_proctoring_backend.exams.models import Exam, ExamAttempt, OnCampusRequest
from edx_proctoring_backend.privacy.models import ConsentRecord, ConsentTerms
from tests import journeys
from tests.edx_proctoring_backend.recordings.helpers import local_exam
from tests.edx_proctoring_backend.test_concurrency import run_at_once
from tests.fakes.counting_provider import CALLS, reset_calls

S = api.AttemptStatus
pytestmark = pytest.mark.mariadb


@pytest.fixture
def on_site():
    """Make the code below run for a request to a site (by its host name), as inside a request."""
    def visit(host):
        set_current_request(RequestFactory().get('/', HTTP_HOST=host))
    yield visit
    set_current_request(None)


def section(terms, heading):
    """The lines of one section of rendered terms."""
    return dict(terms.sections)[heading]


# ---- what the terms say ----------------------------------------------------------------------------------------

def test_in_house_terms_say_what_who_where_who_sees_and_how_long(db):  # pylint: disable=unused-argument
    terms = api.consent_terms(local_exam())
    assert terms.version == 1
    assert 'A photo of your identity document' in section(terms, 'What is collected')
    # Sound only where the exam's rules ask for it: the terms never promise more than is recorded.
    collected = section(terms, 'What is collected')
    assert 'Video from your webcam during the exam' in collected
    assert 'Sound from your microphone during the exam, where the exam asks for it' in collected
    assert 'Video and sound from your webcam during the exam' not in collected
    assert section(terms, 'Who processes it') == ('This site only: nothing is sent to another company.',)
    assert 'never at a public address' in section(terms, 'Where it is stored')[0]
    assert 'Every view is logged' in section(terms, 'Who sees it')[0]
    # The retention policy (FUN-MOOC's six weeks by default) is what the learner reads.
    assert section(terms, 'How long it is kept') == (
        'Recordings, Photos of your face, Photos of your ID, Pictures of moments marked for the reviewer: deleted '
        '42 days after the exam. What was flagged as suspicious is kept until the case is closed.',)


def test_vendor_terms_name_the_vendor_and_its_deletion(db, settings):  # pylint: disable=unused-argument
    settings.PROCTORING_RETENTION = {'vendor_link': {'days': 365, 'keep_flagged_until_closed': False}}
    terms = api.consent_terms(Exam(course_key='course-v1:A+B+C', usage_key='v', time_limit_minutes=30,
                                   provider='rpnow'))
    assert section(terms, 'Who processes it') == (
        'Record and review (RPNow-style), the proctoring service this site works with, on behalf of this site.',)
    assert section(terms, 'How long it is kept') == (
        "The proctoring service's copy of your session: deleted 365 days after the exam.",)


def test_the_site_says_more_in_each_language(db, settings):  # pylint: disable=unused-argument
    settings.PROCTORING_CONSENT_TERMS = {
        'local': {'stored_in': {'en': 'Servers in Utrecht.', 'fr': 'Des serveurs à Utrecht.'}},
        '*': {'notes': {'en': 'Shield your citizen number on your ID.', 'nl': 'Scherm uw BSN af.'}},
    }
    exam = local_exam()
    terms = api.consent_terms(exam)
    assert section(terms, 'Where it is stored') == ('Servers in Utrecht.',)
    assert section(terms, 'More from this site') == ('Shield your citizen number on your ID.',)
    french = api.consent_terms(exam, 'fr')
    assert dict(french.sections)['Où elles sont stockées'] == ('Des serveurs à Utrecht.',)
    # A language the site did not write in gets English; the headings are in the learner's language.
    assert dict(french.sections)['Ce que ce site ajoute'] == ('Shield your citizen number on your ID.',)
    dutch = api.consent_terms(exam, 'nl')
    assert dict(dutch.sections)['Wat deze site toevoegt'] == ('Scherm uw BSN af.',)
    assert french.version == dutch.version == terms.version  # one version, read in any language


@pytest.mark.parametrize('configured, message', [
    ({'local': {'colour': 'red'}}, 'unknown keys'),
    ({'local': {'data': ['dna']}}, 'unknown kinds'),
    (['local'], 'must be a dict'),
])
def test_a_mistake_in_the_sites_terms_is_named(db, settings, configured, message):  # pylint: disable=unused-argument
    settings.PROCTORING_CONSENT_TERMS = configured
    with pytest.raises(ImproperlyConfigured, match=message):
        api.consent_terms(local_exam())


# ---- versions ---------------------------------------------------------------------------------------------------

def test_a_change_of_terms_or_retention_publishes_a_new_version(db, settings):  # pylint: disable=unused-argument
    exam = local_exam()
    assert api.consent_terms(exam).version == api.consent_terms(exam).version == 1
    settings.PROCTORING_CONSENT_TERMS = {'local': {'notes': 'Bring your student card.'}}
    assert api.consent_terms(exam).version == 2
    settings.PROCTORING_RETENTION = {'recording': {'days': 7}}
    changed = api.consent_terms(exam)
    assert changed.version == 3 and 'deleted 7 days after the exam' in section(changed, 'How long it is kept')[0]
    # The same content again is the version that already says it.
    settings.PROCTORING_CONSENT_TERMS = {'local': {'notes': 'Bring your student card.'}}
    del settings.PROCTORING_RETENTION
    assert api.consent_terms(exam).version == 2
    # Every version is kept whole: what learners agreed to can always be read again.
    assert list(ConsentTerms.objects.values_list('version', flat=True)) == [1, 2, 3]
    assert ConsentTerms.objects.get(version=2).content['notes'] == 'Bring your student card.'


def test_versions_are_per_site(db, settings, on_site):  # pylint: disable=unused-argument
    settings.PROCTORING_SITES = {'exams.uu.example': {'PROCTORING_CONSENT_TERMS': {'local': {'notes': 'UU'}}}}
    exam = local_exam()
    on_site('courses.fun.example')
    fun = api.consent_terms(exam)
    on_site('exams.uu.example')
    utrecht = api.consent_terms(exam)
    assert (fun.record.site, fun.version) == ('courses.fun.example', 1)
    assert (utrecht.record.site, utrecht.version) == ('exams.uu.example', 1)
    assert section(utrecht, 'More from this site') == ('UU',) and 'More from this site' not in dict(fun.sections)
    # A new version on one site leaves the other's alone.
    settings.PROCTORING_SITES = {'exams.uu.example': {'PROCTORING_CONSENT_TERMS': {'local': {'notes': 'UU 2'}}}}
    assert api.consent_terms(exam).version == 2
    on_site('courses.fun.example')
    assert api.consent_terms(exam).version == 1


def test_inside_open_edx_the_sites_configuration_gives_its_terms(db, edx_platform):  # pylint: disable=unused-argument
    edx_platform.site_values['PROCTORING_CONSENT_TERMS'] = {'local': {'notes': 'From the site configuration.'}}
    terms = api.consent_terms(local_exam())
    assert section(terms, 'More from this site') == ('From the site configuration.',)
    assert edx_platform.calls_to('get_value')


@pytest.mark.django_db(transaction=True)
def test_many_first_readers_publish_one_version():
    exam = local_exam()
    versions, errors = run_at_once(lambda: api.consent_terms(exam).version, count=20)
    assert not errors and set(versions) == {1}
    assert ConsentTerms.objects.count() == 1


# ---- agreeing ---------------------------------------------------------------------------------------------------

def test_opting_in_records_the_version_time_language_and_text(learner, db):  # pylint: disable=unused-argument
    exam = local_exam()
    with translation.override('fr'):
        terms = api.consent_terms(exam)
        attempt = api.opt_in(learner, exam, str(terms.version))
    answer = ConsentRecord.objects.get()
    assert (answer.attempt, answer.user, answer.exam, answer.accepted) == (attempt, learner, exam, True)
    assert (answer.terms, answer.terms_version, answer.language) == (terms.record, '1', 'fr')
    assert answer.terms_sha256 == terms.digest and answer.created >= attempt.created
    # Opting in again (a double click) records nothing more.
    api.opt_in(learner, exam, terms.version)
    assert ConsentRecord.objects.count() == 1


def test_nothing_reaches_the_vendor_before_the_consent(learner, make_exam, settings):
    settings.PROCTORING_PROVIDERS = {'null': {},
                                     'counting': {'class': 'tests.fakes.counting_provider.CountingProvider'}}
    reset_calls()
    exam = make_exam(provider='counting')
    with pytest.raises(api.TermsChanged):
        api.opt_in(learner, exam, 'an old version')
    assert CALLS['register_attempt'] == 0 and not ExamAttempt.objects.exists()
    journeys.opt_in(learner, exam)
    assert CALLS['register_attempt'] == 1


def test_terms_changed_while_the_page_was_open(learner, db, settings):  # pylint: disable=unused-argument
    exam = local_exam()
    shown = api.consent_terms(exam).version
    settings.PROCTORING_CONSENT_TERMS = {'local': {'notes': 'New rules.'}}
    with pytest.raises(api.TermsChanged) as raised:
        api.opt_in(learner, exam, shown)
    assert raised.value.current_version == 2
    with pytest.raises(api.TermsChanged):
        api.refuse_terms(learner, exam, shown)
    assert not ConsentRecord.objects.exists()


# ---- refusing ---------------------------------------------------------------------------------------------------

def test_a_refusal_is_recorded_and_offers_what_the_exam_allows(learner, make_exam):
    exam = make_exam()
    assert api.refuse_terms(learner, exam, 1) == ('unproctored',)
    answer = ConsentRecord.objects.get()
    assert (answer.accepted, answer.attempt, answer.terms_version) == (False, None, '1')
    state = api.learner_state(learner, exam)
    assert state.refused and state.alternatives == ('unproctored',) and state.attempt is None
    # The learner can still take it without proctoring, or agree after all.
    attempt = journeys.opt_in(learner, exam)
    assert attempt.status == S.CREATED and not api.learner_state(learner, exam).refused


def test_refusing_costs_nothing_else(learner, make_exam, edx_platform):
    course = 'course-v1:Test+Exam+2026'
    edx_platform.make_credit_course(course)
    edx_platform.enroll(learner, course)
    exam = make_exam(allow_opt_out=False)
    exam.on_campus_sitting = True
    exam.save()
    assert api.refuse_terms(learner, exam, 1) == ('on_campus',)
    api.request_on_campus(learner, exam)
    api.request_on_campus(learner, exam)   # a double click
    # No attempt, no credit status, no grade: nothing changed but the answer and the request.
    assert not ExamAttempt.objects.exists()
    assert not edx_platform.calls_to('set_credit_requirement_status')
    assert not edx_platform.calls_to('override_subsection_grade')
    state = api.learner_state(learner, exam)
    assert state.on_campus_request is not None and OnCampusRequest.objects.count() == 1
    assert [request.user for request in api.on_campus_requests(exam.course_key)] == [learner]
    # Taking it online after all withdraws the request; the attempt is the learner's first.
    attempt = journeys.opt_in(learner, exam)
    assert attempt.attempt_number == 1 and not api.on_campus_requests(exam.course_key)


def test_the_on_campus_sitting_only_where_offered_and_before_an_attempt(learner, make_exam):
    exam = make_exam()
    with pytest.raises(api.NotAllowed) as raised:
        api.request_on_campus(learner, exam)
    assert raised.value.code == 'on_campus_not_offered'
    exam.on_campus_sitting = True
    exam.save()
    journeys.opt_in(learner, exam)
    with pytest.raises(api.NotAllowed) as raised:
        api.request_on_campus(learner, exam)
    assert raised.value.code == 'already_chosen'
    with pytest.raises(api.NotAllowed):
        api.refuse_terms(learner, exam, 1)


def test_withdrawing_and_asking_again(learner, make_exam):
    exam = make_exam()
    exam.on_campus_sitting = True
    exam.save()
    first = api.request_on_campus(learner, exam)
    assert api.withdraw_on_campus(learner, exam) and not api.withdraw_on_campus(learner, exam)
    assert api.learner_state(learner, exam).on_campus_request is None
    again = api.request_on_campus(learner, exam)
    assert again.pk == first.pk and again.is_open


def test_practice_exams_offer_no_alternative_and_the_learner_may_come_back(learner, make_exam):
    exam = make_exam(exam_type='practice')
    assert not api.refuse_terms(learner, exam, 1)
    assert api.learner_state(learner, exam).refused
    assert journeys.opt_in(learner, exam).status == S.CREATED


def test_a_reset_attempt_asks_again(learner, make_exam, make_user):
    exam = make_exam()
    api.refuse_terms(learner, exam, 1)
    attempt = api.opt_out(learner, exam)
    api.reset_attempt(attempt, by=make_user('staff'))
    state = api.learner_state(learner, exam)
    assert not state.refused and state.terms.version == 1  # a new choice, on the current terms


# ---- the learner's own data, the course team's file -------------------------------------------------------------

def test_the_learner_reads_every_answer_and_request(learner, make_exam):
    exam = make_exam()
    exam.on_campus_sitting = True
    exam.save()
    api.refuse_terms(learner, exam, 1)
    api.request_on_campus(learner, exam)
    journeys.opt_in(learner, exam)
    data = api.learner_data(learner)
    assert [answer['accepted'] for answer in data['consent_answers']] == [False, True]
    assert data['consent_answers'][1]['attempt_number'] == 1
    assert data['consent_answers'][0]['terms']['provider'] == 'null'
    assert data['on_campus_requests'][0]['withdrawn_at'] is not None


def test_the_course_team_exports_the_answers_and_the_requests(learner, make_user, make_exam):
    exam = make_exam()
    exam.on_campus_sitting = True
    exam.save()
    api.refuse_terms(learner, exam, 1)
    api.request_on_campus(learner, exam)
    journeys.opt_in(make_user('other'), exam)
    answers = api.consent_csv(exam.course_key).splitlines()
    assert answers[0].startswith('exam,exam_id,username,terms_version,site,language,accepted')
    assert [line.split(',')[2:7:4] for line in answers[1:]] == [['learner', 'False'], ['other', 'True']]
    requests = api.on_campus_csv(exam.course_key).splitlines()
    assert len(requests) == 2 and ',learner,' in requests[1]
