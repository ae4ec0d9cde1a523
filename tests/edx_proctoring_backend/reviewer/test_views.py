"""
The reviewer's pages: the queue with each recording's analysis state, one attempt's evidence with its
timeline and media, and the decision, which goes through the same review path as vendors' verdicts.
"""
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from edx_proctoring_backend import api
from edx_proctoring_backend.exams.models import ExamAttempt
from edx_proctoring_backend.exams.statuses import AttemptStatus as S
from edx_proctoring_backend.recordings.models import AttemptPhoto, Recording, VideoFinding
from edx_proctoring_backend.reviews.models import ReviewerMark
from tests import journeys
from tests.edx_proctoring_backend.recordings.helpers import JPEG, chunk, local_exam, start

QUEUE = reverse('edx_proctoring_backend:review-queue')


def page_of(attempt):
    return reverse('edx_proctoring_backend:review-attempt', args=[attempt.pk])


def media_url(kind, object_id):
    return reverse('edx_proctoring_backend:review-media', args=[kind, object_id])


@pytest.fixture
def take_recorded_exam(django_capture_on_commit_callbacks):
    """
    ``take_recorded_exam(user, exam)``: start, upload three webcam chunks, complete and submit; the
    analysis queued on commit runs at once (Celery runs eagerly). Returns the attempt.
    """
    def take(user, exam, chunks=3):
        attempt = start(user, exam)
        for index in range(chunks):
            api.store_chunk(user, attempt.pk, 'webcam', index, chunk(index), 'video/webm')
        api.complete_recording(user, attempt.pk, 'webcam')
        with django_capture_on_commit_callbacks(execute=True):
            api.submit(user, exam)
        return ExamAttempt.objects.get(pk=attempt.pk)
    return take


@pytest.fixture
def reviewer(make_user):
    """A member of global staff, signed in."""
    user = make_user('reviewer')
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def submitted(learner, exam, take_recorded_exam, make_user):
    """The learner's recorded, submitted attempt, whose review the reviewer (global staff) took."""
    attempt = take_recorded_exam(learner, exam)
    reviewer = make_user('reviewer')
    reviewer.is_staff = True
    reviewer.save()
    api.take_review(attempt, reviewer)
    return attempt


def test_the_queue_lists_submitted_recorded_attempts_with_their_analysis(reviewer, submitted):
    response = reviewer.get(QUEUE)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-attempt="{submitted.pk}"' in html and 'learner' in html
    assert 'data-kind="webcam" data-state="analysed"' in html and 'value="100"' in html
    assert page_of(submitted) in html


def test_the_queue_shows_progress_while_analysing_and_oldest_first(
        reviewer, submitted, make_user, exam, take_recorded_exam):
    later = take_recorded_exam(make_user('second'), exam)
    Recording.objects.filter(attempt=later).update(status=Recording.ANALYSING, analysis_progress=0.42)
    html = reviewer.get(QUEUE).content.decode()
    assert html.index(f'data-attempt="{submitted.pk}"') < html.index(f'data-attempt="{later.pk}"')
    assert 'data-state="analysing"' in html and 'value="42"' in html


def test_the_queue_costs_the_same_queries_for_one_attempt_or_many(
        reviewer, submitted, make_user, exam, take_recorded_exam):  # pylint: disable=unused-argument
    reviewer.get(QUEUE)  # warm the session and provider caches

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert reviewer.get(QUEUE).status_code == 200
        return len(captured)

    one = queries()
    for index in range(4):
        take_recorded_exam(make_user(f'more-{index}'), exam)
    assert queries() == one


def test_a_decided_attempt_leaves_the_queue_and_an_other_provider_s_pending_one_is_not_in_it(
        reviewer, submitted, make_user, make_exam, settings):
    api.record_review(submitted, api.Outcome.SATISFACTORY, by=submitted.user, comment='')
    settings.PROCTORING_PROVIDERS = {**settings.PROCTORING_PROVIDERS,
                                     'counting': {'class': 'tests.fakes.counting_provider.CountingProvider'}}
    vendor_exam = make_exam(provider='counting')
    other = make_user('vendor-learner')
    journeys.opt_in(other, vendor_exam)
    api.confirm_checks(other, vendor_exam, api.learner_state(other, vendor_exam).attempt.exam_code)
    api.start(other, vendor_exam)
    api.submit(other, vendor_exam)  # pending at the vendor: not a person's to decide yet
    assert ExamAttempt.objects.get(user=other).status == S.SUBMITTED
    html = reviewer.get(QUEUE).content.decode()
    assert 'review-queue--empty' in html


def test_the_attempt_page_shows_evidence_timeline_and_media(reviewer, submitted):
    response = reviewer.get(page_of(submitted))
    assert response.status_code == 200
    html = response.content.decode()
    recording = Recording.objects.get(attempt=submitted)
    findings = list(VideoFinding.objects.filter(recording=recording))
    assert len(findings) == 2
    assert '<svg class="timeline"' in html and 'data-seek="10.00"' in html and 'data-seek="30.12"' in html
    assert media_url('recording', recording.pk) in html
    thumbnail = next(finding for finding in findings if finding.thumbnail_name)
    assert media_url('thumbnail', thumbnail.pk) in html
    for photo in AttemptPhoto.objects.filter(attempt=submitted):
        assert media_url('photo', photo.pk) in html
    assert 'low light' in html  # the analysis' own notes
    assert 'name="outcome" value="satisfactory"' in html and 'csrfmiddlewaretoken' in html


def test_media_are_served_whole_or_by_range(reviewer, submitted):
    recording = Recording.objects.get(attempt=submitted)
    whole = reviewer.get(media_url('recording', recording.pk))
    body = b''.join(whole.streaming_content)
    assert whole.status_code == 200 and body == b''.join(chunk(index) for index in range(3))
    assert whole['Content-Type'] == 'video/webm' and whole['Cache-Control'] == 'private, no-store'
    part = reviewer.get(media_url('recording', recording.pk), HTTP_RANGE='bytes=4-9')
    assert part.status_code == 206 and b''.join(part.streaming_content) == body[4:10]
    photo = AttemptPhoto.objects.get(attempt=submitted, kind='user')
    assert b''.join(reviewer.get(media_url('photo', photo.pk)).streaming_content) == JPEG
    thumbnail = VideoFinding.objects.exclude(thumbnail_name='').get(recording=recording)
    answer = reviewer.get(media_url('thumbnail', thumbnail.pk))
    assert answer['Content-Type'] == 'image/jpeg' and b''.join(answer.streaming_content) == b'\xff\xd8\xffthumb'


@pytest.mark.parametrize('kind, object_id', [
    ('recording', 999999), ('photo', 999999), ('thumbnail', 999999), ('other', 1)])
def test_unknown_media_are_404(reviewer, submitted, kind, object_id):  # pylint: disable=unused-argument
    assert reviewer.get(media_url(kind, object_id)).status_code == 404


def test_a_satisfactory_decision_verifies_the_attempt(reviewer, submitted):
    response = reviewer.post(page_of(submitted), {'outcome': 'satisfactory', 'comment': ''})
    assert response.status_code == 302 and response['Location'] == QUEUE
    submitted.refresh_from_db()
    assert submitted.status == S.VERIFIED
    review = submitted.reviews.order_by('-pk').first()
    assert review.reviewer.username == 'reviewer' and review.outcome == 'satisfactory'


def test_an_unsatisfactory_decision_needs_a_reason_and_then_rejects(reviewer, submitted):
    response = reviewer.post(page_of(submitted), {'outcome': 'unsatisfactory', 'comment': '  '})
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    reviewer.post(page_of(submitted), {'outcome': 'unsatisfactory', 'comment': 'Another person at 0:30'})
    submitted.refresh_from_db()
    assert submitted.status == S.REJECTED
    assert submitted.reviews.order_by('-pk').first().comment == 'Another person at 0:30'


def test_escalating_asks_for_a_second_review(reviewer, submitted):
    reviewer.post(page_of(submitted), {'outcome': 'second_review', 'comment': 'Unclear at 0:10'})
    submitted.refresh_from_db()
    assert submitted.status == S.SECOND_REVIEW_REQUIRED


def test_a_reviewer_marks_a_moment_on_the_timeline_and_it_is_kept(reviewer, submitted):
    recording = Recording.objects.get(attempt=submitted)
    answer = reviewer.post(page_of(submitted), {'action': 'mark', 'recording_id': recording.pk, 'at': '0:02',
                                                'note': ' Phone on the desk '})
    assert answer.status_code == 302 and answer['Location'] == f'{page_of(submitted)}#recording-{recording.pk}'
    mark = ReviewerMark.objects.get()
    assert (mark.attempt, mark.recording, mark.at_s, mark.note, mark.author.username) == (
        submitted, recording, 2.0, 'Phone on the desk', 'reviewer')
    html = reviewer.get(page_of(submitted)).content.decode()
    assert '<title>Mark by reviewer: Phone on the desk: 0:02</title>' in html   # on the timeline
    assert f'<li data-mark="{mark.pk}"><button type="button" data-seek="2.00">0:02</button>' in html
    assert submitted.status == ExamAttempt.objects.get(pk=submitted.pk).status   # a mark decides nothing


@pytest.mark.parametrize('form, message', [
    ({'at': '1:75'}, 'Give the moment as minutes:seconds'),
    ({'at': 'soon'}, 'Give the moment as minutes:seconds'),
    ({'at': '-3'}, 'Give the moment as minutes:seconds'),
    ({'at': '9:00'}, 'That moment is outside the recording.'),
    ({'recording_id': 'x'}, 'Give the moment as minutes:seconds'),
    ({'recording_id': '999999'}, 'That recording is not one of this attempt.'),
    ({'note': 'x' * 501}, 'The note is too long'),
])
def test_unusable_marks_are_refused_with_why(reviewer, submitted, form, message):
    recording = Recording.objects.get(attempt=submitted)
    answer = reviewer.post(page_of(submitted), {'action': 'mark', 'recording_id': recording.pk, 'at': '0:01',
                                                'note': 'x', **form})
    assert answer.status_code == 400 and message in answer.content.decode()
    assert not ReviewerMark.objects.exists()


def test_only_the_reviewer_who_took_the_review_marks_it(submitted, make_user):
    other = make_user('other_reviewer')
    other.is_staff = True
    other.save()
    client = Client()
    client.force_login(other)
    recording = Recording.objects.get(attempt=submitted)
    answer = client.post(page_of(submitted), {'action': 'mark', 'recording_id': recording.pk, 'at': '0:01'})
    assert answer.status_code == 409 and not ReviewerMark.objects.exists()


def signed_in(user):
    """A client signed in as ``user``."""
    client = Client()
    client.force_login(user)
    return client


def test_support_reviews_first_then_the_course_team_makes_the_final_decision(submitted, make_user, settings):
    course = submitted.exam.course_key
    settings.PROCTORING_STANDALONE_COURSE_ROLES = {'helpdesk': {'*': 'support'}, 'examiner': {course: 'instructor'}}
    support, examiner = signed_in(make_user('helpdesk')), signed_in(make_user('examiner'))
    assert 'data-stage="first_review">First review<' in support.get(QUEUE).content.decode()

    support.post(page_of(submitted), {'action': 'take'})
    support.post(page_of(submitted), {'outcome': 'second_review', 'comment': 'A second voice at 0:10?'})
    assert ExamAttempt.objects.get(pk=submitted.pk).status == S.SECOND_REVIEW_REQUIRED
    stage = 'data-stage="course_team">Escalated by support: the course team&#x27;s final decision<'
    assert stage in support.get(QUEUE).content.decode()
    assert stage in examiner.get(QUEUE, {'course_id': course}).content.decode()

    # Support may no longer decide: the page says who does, and a decision sent anyway is refused.
    html = support.get(page_of(submitted)).content.decode()
    assert 'the course team makes the final decision' in html and 'name="outcome"' not in html
    answer = support.post(page_of(submitted), {'outcome': 'satisfactory', 'comment': ''})
    assert answer.status_code == 409 and 'the course team makes the final decision' in answer.content.decode()
    assert ExamAttempt.objects.get(pk=submitted.pk).status == S.SECOND_REVIEW_REQUIRED
    # The same rule through the REST API the dashboard app calls.
    rest = reverse('edx_proctoring_backend:rest-attempt-decision', args=[course, submitted.pk])
    answer = support.post(rest, {'outcome': 'satisfactory'}, content_type='application/json')
    assert (answer.status_code, answer.json()['code']) == (400, 'course_team_decides')

    # The course team decides, finally: no further escalation.
    examiner.post(page_of(submitted), {'action': 'take'})
    html = examiner.get(page_of(submitted)).content.decode()
    assert 'name="outcome" value="satisfactory"' in html and 'value="second_review"' not in html
    assert examiner.post(page_of(submitted), {'outcome': 'second_review', 'comment': 'Still unsure'}).status_code == 409
    examiner.post(page_of(submitted), {'outcome': 'unsatisfactory', 'comment': 'Another person answered at 0:10'})
    assert ExamAttempt.objects.get(pk=submitted.pk).status == S.REJECTED


def test_an_unknown_decision_is_refused(reviewer, submitted):
    assert reviewer.post(page_of(submitted), {'outcome': 'error'}).status_code == 400
    assert reviewer.post(page_of(submitted), {}).status_code == 400


def test_a_decision_the_attempt_cannot_take_says_why(reviewer, learner, make_user):
    exam = local_exam(usage='in-progress')
    attempt = start(make_user('still-taking'), exam)
    response = reviewer.post(page_of(attempt), {'outcome': 'satisfactory'})
    assert response.status_code == 409 and 'role="alert"' in response.content.decode()
    assert learner is not None


def test_decisions_need_the_csrf_token(submitted, make_user):
    user = make_user('csrf-reviewer')
    user.is_staff = True
    user.save()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(page_of(submitted), {'outcome': 'satisfactory'}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_learners_and_strangers_see_nothing(submitted, client):
    recording = Recording.objects.get(attempt=submitted)
    urls = [QUEUE, page_of(submitted), media_url('recording', recording.pk)]
    for url in urls:
        answer = client.get(url)
        assert answer.status_code == 302 and '/login' in answer['Location']
    client.force_login(submitted.user)  # the learner: not their job to review, not even their own
    assert client.get(QUEUE).status_code == 403
    for url in urls[1:]:  # an attempt or file the viewer may not review is not found: nothing is told
        assert client.get(url).status_code == 404
    assert client.post(page_of(submitted), {'outcome': 'satisfactory'}).status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_an_unknown_attempt_is_404(reviewer, db):  # pylint: disable=unused-argument
    assert reviewer.get(reverse('edx_proctoring_backend:review-attempt', args=[987654])).status_code == 404
