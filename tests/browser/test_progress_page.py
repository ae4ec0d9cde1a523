"""
The progress panel in a real browser: the demo's progress scenario lists the exams of the workbench's
course as an accessible table (its caption names it, its headers are column and row headers).
"""
import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from edx_proctoring_backend import api
from edx_proctoring_backend.exams.models import Exam
from proctored_xblock.services import DEFAULT_COURSE_KEY

pytestmark = pytest.mark.browser

PROGRESS_SCENARIO = 'proctoring_progress.0'
CAPTION = 'Your exams in this course and whether they count toward credit'


def opt_out_of_the_one_minute_exam(username):
    """The learner takes the one-minute exam without proctoring (read and written in the ORM helper's thread)."""
    user = get_user_model().objects.get_or_create(username=username)[0]
    api.opt_out(user, Exam.objects.get(course_key=DEFAULT_COURSE_KEY, display_name='One-minute exam'))


def test_progress_panel_is_a_table_named_by_its_caption(workbench, page, learner_name, orm):
    orm(opt_out_of_the_one_minute_exam, learner_name)  # the workbench fixture rendered that exam once
    page.goto(f'{workbench}/scenario/{PROGRESS_SCENARIO}/?student={learner_name}')

    table = page.get_by_role('table', name=CAPTION)
    expect(table).to_be_visible()
    expect(table.locator('caption')).to_have_text(CAPTION)
    expect(table.get_by_role('columnheader')).to_have_text(
        ['Exam', 'Type', 'Proctoring review', 'Grade', 'Counts toward credit'])
    row = table.locator('tbody tr', has=page.get_by_role('rowheader', name='One-minute exam'))
    expect(row).to_have_attribute('data-counts', 'no')
    expect(row.locator('td')).to_have_text(['Proctored exam', '—', '—', 'No Taken without proctoring'],
                                           use_inner_text=True)  # the reason on its own line
    assert page.js_errors == []
