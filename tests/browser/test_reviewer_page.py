"""
The reviewer page in a real browser, on a recording analysed by the real video pipeline: the timeline
shows the suggested moments, a click moves the video there, and the decision is recorded.
"""
import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from edx_proctoring_backend import api
from edx_proctoring_backend.exams.models import ExamAttempt
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import keep_screenshot, session_of
from tests.edx_proctoring_backend.recordings.helpers import local_exam, start
from tests.edx_proctoring_backend.video import clips

pytestmark = pytest.mark.browser

CHUNK_BYTES = 64 * 1024
# The seconds the video sits at, read in the page once it has moved.
VIDEO_TIME = "() => { const v = document.querySelector('.recording video'); return v.seeking ? -1 : v.currentTime; }"


@pytest.fixture
def recorded_attempt(settings, tmp_path, orm):
    """A learner's submitted attempt whose webcam recording is the labelled timeline clip, analysed."""
    settings.PROCTORING_PROVIDERS = {'null': {}, 'local': {}}
    settings.PROCTORING_MEDIA_ROOT = str(tmp_path / 'media')
    settings.PROCTORING_MEDIA_STORAGE = None
    webm = clips.timeline_clip(tmp_path / 'timeline.webm').read_bytes()

    def take_exam():
        learner = get_user_model().objects.create(username='recorded-learner')
        exam = local_exam(usage='reviewer-page')
        attempt = start(learner, exam)
        for index in range(0, len(webm), CHUNK_BYTES):
            api.store_chunk(learner, attempt.pk, 'webcam', index // CHUNK_BYTES, webm[index:index + CHUNK_BYTES],
                            'video/webm')
        api.complete_recording(learner, attempt.pk, 'webcam')
        api.submit(learner, exam)  # transactional: the analysis runs on commit, eagerly
        return ExamAttempt.objects.get(pk=attempt.pk)
    return orm(take_exam)


@pytest.fixture
def reviewer_page(page, live_server, orm):
    """The browser page, signed in as a member of global staff."""
    session = orm(session_of, 'staff-reviewer', True)
    page.context.add_cookies([{'name': 'sessionid', 'value': session, 'url': live_server.url}])
    return page


def test_review_a_recording_from_its_timeline(reviewer_page, live_server, recorded_attempt, orm):
    page = reviewer_page
    page.goto(f'{live_server.url}/api/proctored-exams/review/')
    row = page.locator(f'tr[data-attempt="{recorded_attempt.pk}"]')
    expect(row.locator('.analysis')).to_have_attribute('data-state', 'analysed')
    row.get_by_role('link', name='Review').click()
    # Global staff see nothing of the session before they take its review.
    expect(page.locator('.recording video')).to_have_count(0)
    page.get_by_role('button', name='Take this review').click()

    timeline = page.get_by_role('group', name='Webcam: suggested moments')
    expect(timeline).to_be_visible()
    kinds = timeline.locator('a.timeline__event').evaluate_all('links => links.map(l => l.dataset.kind)')
    assert {'no_face', 'multiple_faces', 'camera_covered_or_dark'} <= set(kinds)
    page.wait_for_function("() => document.querySelector('.recording video').readyState >= 1")

    # A moment in the list, then a bar on the timeline: each moves the video to where it starts.
    moment = page.locator('.moments li[data-kind=multiple_faces] button')
    moment.click()
    expect(page.locator('.recording video')).to_be_focused()
    page.wait_for_function(f'() => Math.abs(({VIDEO_TIME})() - {float(moment.get_attribute("data-seek"))}) < 0.5')
    timeline_bar = timeline.locator('a.timeline__event[data-kind=camera_covered_or_dark]').first
    timeline_bar.click()
    seek_to = float(timeline_bar.get_attribute('data-seek'))
    page.wait_for_function(f'() => Math.abs(({VIDEO_TIME})() - {seek_to}) < 0.5')

    # The reviewer marks where the video stands, in their words: on the timeline and in the list.
    page.get_by_role('button', name="Use the video's current time").click()
    moment = page.get_by_label('Moment (minutes:seconds)').input_value()
    assert moment == f'{int(seek_to) // 60}:{int(seek_to) % 60:02d}'
    page.get_by_label('What you saw').fill('Camera covered by a hand')
    page.get_by_role('button', name='Add the mark').click()
    mark = page.locator('.marks li[data-mark]')
    expect(mark).to_contain_text('staff-reviewer: Camera covered by a hand')
    expect(timeline.locator('a.timeline__flag title')).to_have_text(
        [f'Mark by staff-reviewer: Camera covered by a hand: {moment}'])
    expect(page.locator('.exam-rules')).to_contain_text('What this exam allows')
    assert keep_screenshot(page, 'reviewer-page').stat().st_size > 10_000

    page.get_by_label('Unsatisfactory').check()
    page.get_by_label('Comment (required unless satisfactory)').fill('Another person from 0:06 to 0:09')
    page.get_by_role('button', name='Record the decision').click()
    expect(page.locator('.review-queue--empty')).to_be_visible()
    assert orm(lambda: ExamAttempt.objects.get(pk=recorded_attempt.pk).status) == 'rejected'
    assert page.js_errors == []


@pytest.mark.parametrize('locale', ['en-US', 'fr', 'nl', 'ar'])
def test_the_queue_and_the_reviewer_page_meet_wcag_aa(chromium, live_server, recorded_attempt, orm, locale):
    context = chromium.new_context(locale=locale, viewport={'width': 1200, 'height': 900})
    context.add_cookies([{'name': 'sessionid', 'value': orm(session_of, 'staff-reviewer', True),
                          'url': live_server.url}])
    page = context.new_page()
    page.goto(f'{live_server.url}/api/proctored-exams/review/')
    assert_accessible(page, where=f'the review queue [{locale}]')
    page.locator(f'tr[data-attempt="{recorded_attempt.pk}"] a').click()
    assert_accessible(page, where=f'an attempt before its review is taken [{locale}]')
    page.locator('form.take-review button').click()
    expect(page.locator('.recording .moments button').first).to_be_visible()
    page.wait_for_function("() => document.querySelector('.recording video').readyState >= 1")
    assert_accessible(page, where=f'the reviewer page [{locale}]')
    context.close()
