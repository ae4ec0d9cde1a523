"""Fixtures of the in-house proctoring tests: a private media folder and the ``local`` provider configured."""
import pytest

from tests import journeys
from tests.edx_proctoring_backend.recordings import fake_analysers

from .helpers import local_exam, start


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Recordings go to a folder of the test's own; ``local`` is offered with the site's defaults."""
    settings.PROCTORING_MEDIA_ROOT = str(tmp_path / 'media')
    settings.PROCTORING_MEDIA_STORAGE = None
    settings.PROCTORING_PROVIDERS = {'null': {}, 'local': {}}
    settings.PROCTORING_VIDEO_ANALYSER = 'tests.edx_proctoring_backend.recordings.fake_analysers.two_events'
    settings.PROCTORING_ANALYSIS_PROGRESS_SECONDS = 0
    fake_analysers.CALLS.clear()
    return tmp_path / 'media'


@pytest.fixture
def exam(db):  # pylint: disable=unused-argument
    """A proctored exam of the ``local`` provider with the site's rules."""
    return local_exam()


@pytest.fixture
def opted_in(learner, exam):
    """The learner's attempt at ``exam``, just opted in (the checks ahead: photos, the room scan)."""
    return journeys.opt_in(learner, exam)


@pytest.fixture
def attempt(learner, exam):
    """The learner's attempt at ``exam``, started: the exam's recordings are taken from now on."""
    return start(learner, exam)


@pytest.fixture
def browser(client, learner):
    """The learner's signed-in browser."""
    client.force_login(learner)
    return client
