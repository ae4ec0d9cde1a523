"""
The retention policy with a frozen clock: what is deleted when, what is kept while a case is open,
and a purge that is run twice or killed half-way.
"""
import types
from datetime import datetime, timedelta, timezone as dt_timezone
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from edx_proctoring_backend import api, tasks
from edx_proctoring_backend.privacy import retention
from edx_proctoring_backend.privacy.models import PurgedItem
from edx_proctoring_backend.recordings.models import AttemptPhoto, Recording, RecordingChunk, VideoFinding
from edx_proctoring_backend.reviews.models import Review
from edx_proctoring_backend.settings.common import plugin_settings
from tests import journeys
from tests.edx_proctoring_backend.recordings.helpers import local_exam, pass_checks, record_and_submit, start

pytestmark = pytest.mark.mariadb
S = api.AttemptStatus
EXAM_DAY = datetime(2026, 6, 1, 9, 0, tzinfo=dt_timezone.utc)
MEDIA_KINDS = {retention.RECORDING, retention.USER_PHOTO, retention.ID_PHOTO, retention.THUMBNAIL}


def files_in(media):
    """The stored files, by name."""
    return sorted(path.name for path in media.rglob('*') if path.is_file())


@pytest.fixture
def recorded(learner, exam, django_capture_on_commit_callbacks):
    """On exam day the learner takes the in-house proctored exam: photos, a webcam recording, findings."""
    with time_machine.travel(EXAM_DAY, tick=False):
        # Analysed at once (Celery is eager): two findings, one with a picture.
        attempt = record_and_submit(learner, exam, django_capture_on_commit_callbacks)
    assert attempt.status == S.SUBMITTED and VideoFinding.objects.exclude(thumbnail_name='').exists()
    return attempt


def decide(attempt, outcome, make_user):
    """A reviewer's decision (global staff, who may make the final one too), on exam day."""
    reviewer = make_user('reviewer')
    reviewer.is_staff = True
    reviewer.save()
    with time_machine.travel(EXAM_DAY + timedelta(hours=2), tick=False):
        api.record_review(attempt, outcome, by=reviewer, comment='looked at it')


def plan_at(days):
    """What the policy would delete ``days`` after the exam."""
    return api.retention_plan(now=EXAM_DAY + timedelta(days=days))


def test_six_weeks_after_the_exam_media_are_deleted_for_good_and_recorded(recorded, make_user, media):
    decide(recorded, api.Outcome.SATISFACTORY, make_user)
    assert files_in(media)
    assert not plan_at(41)
    planned = plan_at(43)
    assert {item.kind for item in planned} == MEDIA_KINDS
    assert all(item.reason == retention.AGE and item.attempt_id == recorded.pk for item in planned)

    purged = api.enforce_retention(now=EXAM_DAY + timedelta(days=43))

    # The recording's suggested moments, and their pictures, went with it.
    assert {record.kind for record in purged} == MEDIA_KINDS - {retention.THUMBNAIL}
    assert files_in(media) == []
    assert not Recording.objects.exists() and not RecordingChunk.objects.exists()
    assert not AttemptPhoto.objects.filter(attempt=recorded).exists()
    recording_record = PurgedItem.objects.get(kind=retention.RECORDING)
    assert recording_record.size_bytes > 0 and recording_record.files >= 1
    assert recording_record.course_key == recorded.exam.course_key
    assert recording_record.purged_at == EXAM_DAY + timedelta(days=43)
    # What stays: the attempt, its status and history (the gradebook needs them), and the record.
    recorded.refresh_from_db()
    assert recorded.status == S.VERIFIED and recorded.history.count() >= 5
    assert api.enforce_retention(now=EXAM_DAY + timedelta(days=44)) == []   # a second run: nothing left
    assert PurgedItem.objects.count() == len(purged)


def test_flagged_evidence_is_kept_while_the_case_is_open(recorded, make_user):
    assert not plan_at(400)   # submitted, suggested moments, no decision yet: everything stays
    decide(recorded, api.Outcome.SECOND_REVIEW, make_user)
    assert not plan_at(400)
    decide(recorded, api.Outcome.UNSATISFACTORY, make_user)
    assert not plan_at(41)
    assert {item.kind for item in plan_at(43)} == MEDIA_KINDS   # closed: the six weeks apply again


def test_a_session_without_its_recording_is_flagged_and_kept_until_decided(learner, exam, make_user):
    with time_machine.travel(EXAM_DAY, tick=False):
        attempt = start(learner, exam)
        api.submit(learner, exam)   # nothing was recorded: the reviewer is told so
    assert not plan_at(400)
    decide(attempt, api.Outcome.SATISFACTORY, make_user)
    assert {item.kind for item in plan_at(43)} == {retention.USER_PHOTO, retention.ID_PHOTO}


def test_utrecht_rule_deletes_as_soon_as_the_review_is_satisfactory(recorded, make_user, settings):
    settings.PROCTORING_RETENTION = {
        kind: {'days': None, 'when_satisfactory': True} for kind in MEDIA_KINDS}
    assert not plan_at(0)
    decide(recorded, api.Outcome.SATISFACTORY, make_user)
    planned = api.retention_plan(now=EXAM_DAY + timedelta(hours=3))
    assert {item.kind for item in planned} == MEDIA_KINDS
    assert {item.reason for item in planned} == {retention.SATISFACTORY}


def test_a_running_exam_is_never_touched_and_an_abandoned_one_ages(learner, exam, make_user):
    with time_machine.travel(EXAM_DAY, tick=False):
        pass_checks(learner, exam)           # photos taken, never started
    assert {item.kind for item in plan_at(43)} == {retention.USER_PHOTO, retention.ID_PHOTO}
    other = make_user('runner')
    with time_machine.travel(EXAM_DAY, tick=False):
        running = start(other, exam)
    from edx_proctoring_backend.exams.models import ExamAttempt  # pylint: disable=import-outside-toplevel
    ExamAttempt.objects.filter(pk=running.pk).update(deadline=None)   # a clock that never ends
    assert running.pk not in {item.attempt_id for item in plan_at(4000)}


def test_vendor_links_go_after_a_year(learner, make_exam):
    exam = make_exam()
    with time_machine.travel(EXAM_DAY, tick=False):
        attempt = journeys.opt_in(learner, exam)
        api.confirm_checks(learner, exam, attempt.exam_code)
        api.start(learner, exam)
        api.submit(learner, exam)
        review = Review.objects.create(attempt=attempt, provider='rpnow', verdict='Clean', outcome='satisfactory',
                                       video_url='https://vendor.example/recordings/abc')
    assert [item.kind for item in plan_at(364)] == []
    assert [item.kind for item in plan_at(366)] == [retention.VENDOR_LINK]
    api.enforce_retention(now=EXAM_DAY + timedelta(days=366))
    review.refresh_from_db()
    assert review.video_url == '' and review.verdict == 'Clean'   # the verdict stays, the link goes


def test_a_purge_killed_half_way_is_finished_by_the_next_run(recorded, make_user, media, monkeypatch):
    decide(recorded, api.Outcome.SATISFACTORY, make_user)
    real_delete = retention.delete_quietly
    deleted = []

    def dies_on_the_third_file(storage, name):
        if len(deleted) == 2:
            raise SystemExit('the worker was killed')
        deleted.append(name)
        real_delete(storage, name)

    monkeypatch.setattr(retention, 'delete_quietly', dies_on_the_third_file)
    with pytest.raises(SystemExit):
        api.enforce_retention(now=EXAM_DAY + timedelta(days=43))
    assert len(deleted) == 2 and files_in(media)   # some files gone, their rows still there
    monkeypatch.setattr(retention, 'delete_quietly', real_delete)

    api.enforce_retention(now=EXAM_DAY + timedelta(days=43))

    assert files_in(media) == []
    assert sorted(PurgedItem.objects.values_list('kind', flat=True)) == sorted(MEDIA_KINDS - {retention.THUMBNAIL})
    assert not api.retention_plan(now=EXAM_DAY + timedelta(days=43))


@pytest.mark.parametrize('configured, message', [
    ('six weeks', 'must map kinds'),
    ({'tapes': {'days': 1}}, 'unknown kind'),
    ({'recording': {'days': -1}}, 'whole number'),
    ({'recording': {'days': True}}, 'whole number'),
    ({'recording': {'weeks': 6}}, 'use'),
])
def test_a_policy_that_makes_no_sense_is_refused(configured, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        retention.read_policy(configured)


def test_a_site_changes_some_kinds_and_keeps_the_defaults_of_the_others():
    policy = retention.read_policy({'recording': {'days': 7}, 'vendor_link': None})
    assert policy[retention.RECORDING] == retention.Rule(days=7)
    assert policy[retention.VENDOR_LINK] == retention.Rule()   # kept without limit
    assert policy[retention.ID_PHOTO] == retention.DEFAULT_POLICY[retention.ID_PHOTO]


def test_the_command_shows_what_would_go_and_deletes_only_when_asked(recorded, make_user, media):
    decide(recorded, api.Outcome.SATISFACTORY, make_user)
    out = StringIO()
    call_command('proctoring_retention', '--now', (EXAM_DAY + timedelta(days=43)).isoformat(), stdout=out)
    assert '4 item(s) would be deleted' in out.getvalue() and 'recording\t' in out.getvalue()
    assert files_in(media)
    out = StringIO()
    call_command('proctoring_retention', '--now', (EXAM_DAY + timedelta(days=43)).isoformat(), '--kind', 'id_photo',
                 stdout=out)
    assert '1 item(s) would be deleted' in out.getvalue()
    out = StringIO()
    call_command('proctoring_retention', '--delete', '--now', (EXAM_DAY + timedelta(days=43)).isoformat(), stdout=out)
    assert 'Deleted 3 item(s)' in out.getvalue() and files_in(media) == []


def test_the_policy_runs_every_hour():
    site = types.SimpleNamespace()
    plugin_settings(site)
    entry = site.CELERYBEAT_SCHEDULE['proctored-exams-enforce-retention']
    assert entry == {'task': 'edx_proctoring_backend.tasks.enforce_retention', 'schedule': 3600.0}
    assert site.PROCTORING_RETENTION is None   # the default policy
    assert tasks.enforce_retention.name == entry['task']


def test_pictures_of_a_finding_go_on_their_own_when_only_they_are_due(recorded, make_user, settings):
    decide(recorded, api.Outcome.SATISFACTORY, make_user)
    settings.PROCTORING_RETENTION = {'thumbnail': {'days': 1}, 'recording': None}
    purged = api.enforce_retention(now=EXAM_DAY + timedelta(days=2))
    assert [record.kind for record in purged] == [retention.THUMBNAIL]
    assert not VideoFinding.objects.exclude(thumbnail_name='').exists()
    assert VideoFinding.objects.exists() and Recording.objects.exists()   # the moments stay, without pictures


def test_support_staff_read_the_record_of_deletions_and_change_nothing(recorded, make_user, admin_client):
    decide(recorded, api.Outcome.SATISFACTORY, make_user)
    api.enforce_retention(now=EXAM_DAY + timedelta(days=43))
    listed = admin_client.get('/admin/edx_proctoring_backend/purgeditem/')
    assert listed.status_code == 200 and b'user_photo' in listed.content
    record = PurgedItem.objects.first()
    assert admin_client.post(f'/admin/edx_proctoring_backend/purgeditem/{record.pk}/delete/',
                             {'post': 'yes'}).status_code == 403
    assert PurgedItem.objects.filter(pk=record.pk).exists()


def test_a_practice_retake_keeps_only_the_latest_attempts_media(learner, media, django_capture_on_commit_callbacks):
    practice = local_exam(exam_type='practice', usage='practice')
    first = record_and_submit(learner, practice, django_capture_on_commit_callbacks)
    kept_before = set(files_in(media))
    assert Recording.objects.filter(attempt=first).exists() and AttemptPhoto.objects.filter(attempt=first).exists()

    second = journeys.opt_in(learner, practice)   # the retake

    assert second.pk != first.pk
    assert not Recording.objects.filter(attempt=first).exists()
    assert not AttemptPhoto.objects.filter(attempt=first).exists()
    assert not VideoFinding.objects.filter(recording__attempt=first).exclude(thumbnail_name='').exists()
    assert not set(files_in(media)) & kept_before   # every file of the first attempt is gone
    reasons = set(PurgedItem.objects.filter(attempt_id=first.pk).values_list('kind', 'reason'))
    assert reasons >= {(retention.RECORDING, retention.SUPERSEDED), (retention.USER_PHOTO, retention.SUPERSEDED),
                       (retention.ID_PHOTO, retention.SUPERSEDED)}
    # The retake's own media are kept, and the periodic run finds nothing more to delete.
    record_and_submit(learner, practice, django_capture_on_commit_callbacks)
    assert Recording.objects.filter(attempt=second).exists()
    assert not [record for record in api.enforce_retention() if record.attempt_id == second.pk]


def test_a_proctored_exam_taken_again_after_a_reset_keeps_both_attempts_media(
        learner, exam, django_capture_on_commit_callbacks, make_user):
    first = record_and_submit(learner, exam, django_capture_on_commit_callbacks)
    api.reset_attempt(first, by=make_user('staff'))
    journeys.opt_in(learner, exam)
    assert Recording.objects.filter(attempt=first).exists()
    assert not retention.superseded_practice_attempts()
