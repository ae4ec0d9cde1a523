"""
The progress panel in the workbench runtime: one row per exam of the course, what the learner's
attempts, reviews and grades mean for credit, and why an exam does not count.
"""
import re
from html.parser import HTMLParser

import pytest
from django.utils import translation

from edx_proctoring_backend import api
from proctored_xblock import views
from proctored_xblock.i18n import BlockI18nService
from proctored_xblock.progress import credit_reason
from proctored_xblock.services import DEFAULT_COURSE_KEY
from tests import journeys

from .conftest import call_handler
from .test_block import opt_in_and_start, page

PROGRESS = 'proctoring_progress.0'
PROCTORED_60, TIMED = 0, 4  # the exam scenarios (``ProctoredExamBlock.workbench_scenarios``)
NONE = '—'


class _TableReader(HTMLParser):
    """The panel's body rows: each row's attributes and the text of its cells."""

    def __init__(self):
        super().__init__()
        self.rows, self.caption, self._cell, self._in_caption, self._in_body = [], None, None, False, False

    def handle_starttag(self, tag, attrs):
        if tag == 'tbody':
            self._in_body = True
        elif tag == 'caption':
            self._in_caption, self.caption = True, ''
        elif tag == 'tr' and self._in_body:
            self.rows.append({'attrs': dict(attrs), 'cells': []})
        elif tag in ('th', 'td') and self._in_body:
            self._cell = []
        elif tag == 'br' and self._cell is not None:
            self._cell.append(' | ')

    def handle_endtag(self, tag):
        if tag == 'tbody':
            self._in_body = False
        elif tag == 'caption':
            self._in_caption = False
        elif tag in ('th', 'td') and self._cell is not None:
            self.rows[-1]['cells'].append(re.sub(r'[ \t\r\n]+', ' ', ''.join(self._cell)).strip(' '))  # keeps NBSP
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._in_caption:
            self.caption += data


def read_table(html):
    """(caption, rows): each row a dict of its cells by column, plus its data attributes."""
    reader = _TableReader()
    reader.feed(html)
    columns = ('exam', 'type', 'review', 'grade', 'credit')
    return reader.caption, [{**dict(zip(columns, row['cells'])), **row['attrs']} for row in reader.rows]


@pytest.fixture
def panel(scenario_block):
    """Render the progress panel of the workbench's course for a learner; return (html, rows)."""
    def render(student='learner'):
        html = scenario_block(PROGRESS, student)[1].render('student_view', {}).body_html()
        return html, read_table(html)[1]
    return render


@pytest.fixture
def course_exam(db):  # pylint: disable=unused-argument
    """Create exams in the workbench's standalone course, the panel's course."""
    counter = {'n': 0}

    def make(display_name, exam_type='proctored', provider='null', course_key=DEFAULT_COURSE_KEY):
        counter['n'] += 1
        usage_key = f'block-v1:Demo+Proctoring+Standalone+type@proctored_exam+block@p{counter["n"]}'
        return api.sync_exam(course_key, usage_key, exam_type=exam_type, time_limit_minutes=30, provider=provider,
                             display_name=display_name, allow_opt_out=True)
    return make


def take(user, exam):
    """Take a proctored or practice exam with proctoring, to the end."""
    attempt = journeys.opt_in(user, exam)
    api.confirm_checks(user, exam, attempt.exam_code)
    api.start(user, exam)
    return api.submit(user, exam)


# ---- what each exam says -----------------------------------------------------------------------------

def satisfactory_passing(user, staff, exam):  # pylint: disable=unused-argument
    take(user, exam)  # the null provider records nothing: satisfactory at once
    api.record_exam_grade(user, exam, 3, 4)


def satisfactory_failing(user, staff, exam):  # pylint: disable=unused-argument
    take(user, exam)
    api.record_exam_grade(user, exam, 1, 3)


def satisfactory_without_grade(user, staff, exam):  # pylint: disable=unused-argument
    take(user, exam)  # an exam without questions that score themselves


def pending(user, staff, exam):  # pylint: disable=unused-argument
    take(user, exam)  # the counting provider's reviews stay pending, as with a real vendor
    api.record_exam_grade(user, exam, 2, 2)


def rejected(user, staff, exam):
    api.record_exam_grade(user, exam, 2, 2)
    api.record_review(take(user, exam), api.Outcome.UNSATISFACTORY, by=staff)


def rejection_suggested(user, staff, exam):  # pylint: disable=unused-argument
    api.record_exam_grade(user, exam, 2, 2)
    api.record_review(take(user, exam), api.Outcome.UNSATISFACTORY)  # nobody confirmed it: a second review


def rejection_overturned(user, staff, exam):
    attempt = take(user, exam)
    api.record_exam_grade(user, exam, 2, 2)
    api.record_review(attempt, api.Outcome.UNSATISFACTORY, by=staff)
    api.record_review(attempt, api.Outcome.SATISFACTORY, by=staff)


def opted_out(user, staff, exam):  # pylint: disable=unused-argument
    api.opt_out(user, exam)
    api.record_exam_grade(user, exam, 2, 2)  # graded as a regular exam, without credit


def practice(user, staff, exam):  # pylint: disable=unused-argument
    take(user, exam)


def timed(user, staff, exam):  # pylint: disable=unused-argument
    api.start(user, exam)
    api.submit(user, exam)
    api.record_exam_grade(user, exam, 1, 2)


def in_progress(user, staff, exam):  # pylint: disable=unused-argument
    attempt = journeys.opt_in(user, exam)
    api.confirm_checks(user, exam, attempt.exam_code)
    api.start(user, exam)


def session_error(user, staff, exam):  # pylint: disable=unused-argument
    api.mark_error(journeys.opt_in(user, exam), reason='webcam lost')


def not_taken(user, staff, exam):  # pylint: disable=unused-argument
    pass


@pytest.mark.parametrize('exam_type,provider,history,expected', [
    ('proctored', 'null', satisfactory_passing,
     ('Satisfactory', '75%', 'yes', 'Yes | Satisfactory review and a passing grade')),
    ('proctored', 'null', satisfactory_failing,
     ('Satisfactory', '33.3%', 'no', 'No | Grade below the passing grade (50%)')),
    ('proctored', 'null', satisfactory_without_grade, ('Satisfactory', NONE, 'no', 'No | No grade yet')),
    ('proctored', 'counting', pending, ('Pending', '100%', 'no', 'No | Review pending')),
    ('proctored', 'counting', rejected, ('Unsatisfactory', '0%', 'no', 'No | Review unsatisfactory')),
    ('proctored', 'counting', rejection_suggested, ('Pending', '100%', 'no', 'No | Review pending')),
    ('proctored', 'counting', rejection_overturned,
     ('Satisfactory', '100%', 'yes', 'Yes | Satisfactory review and a passing grade')),
    ('proctored', 'null', opted_out, (NONE, '100%', 'no', 'No | Taken without proctoring')),
    ('practice', 'null', practice, ('Complete', NONE, 'no', 'No | Practice exams never count')),
    ('timed', 'null', timed, (NONE, '50%', 'no', 'No | Not a credit requirement')),
    ('proctored', 'null', in_progress, (NONE, NONE, 'no', 'No | Not submitted yet')),
    ('proctored', 'counting', session_error,
     (NONE, NONE, 'no', 'No | The proctoring session ended in an error')),
    ('proctored', 'null', not_taken, (NONE, NONE, 'no', 'No | Not taken yet')),
    ('practice', 'null', not_taken, (NONE, NONE, 'no', 'No | Practice exams never count')),
    ('timed', 'null', not_taken, (NONE, NONE, 'no', 'No | Not a credit requirement')),
])
def test_each_exam_says_whether_it_counts_and_why(panel, course_exam, learner, make_user, exam_type, provider,
                                                  history, expected):
    exam = course_exam('Midterm', exam_type=exam_type, provider=provider)
    history(learner, make_user('staff'), exam)
    _, rows = panel()
    assert len(rows) == 1
    row = rows[0]
    assert (row['exam'], row['data-exam-type']) == ('Midterm', exam_type)
    assert (row['review'], row['grade'], row['data-counts'], row['credit']) == expected
    progress = api.course_progress(learner, DEFAULT_COURSE_KEY)[0]
    assert (row['data-counts'] == 'yes') is progress.counts_toward_credit  # the backend's rule, not the panel's
    assert row['data-reason'] == credit_reason(progress)


def test_every_exam_of_the_course_has_its_row_in_order(panel, course_exam, learner, make_user):
    final = course_exam('Final exam', provider='null')
    practice_exam = course_exam('Practice exam', exam_type='practice')
    course_exam('Timed quiz', exam_type='timed')
    course_exam('Another course', course_key='course-v1:Other+Course+1')
    satisfactory_passing(learner, None, final)
    practice(learner, None, practice_exam)
    satisfactory_passing(make_user('someone_else'), None, course_exam('Second exam'))

    html, rows = panel()
    assert [(row['exam'], row['type'], row['data-counts']) for row in rows] == [
        ('Final exam', 'Proctored exam', 'yes'), ('Practice exam', 'Practice proctored exam', 'no'),
        ('Timed quiz', 'Timed exam', 'no'), ('Second exam', 'Proctored exam', 'no')]
    assert rows[-1]['credit'] == 'No | Not taken yet'  # another learner's attempt is theirs
    assert 'Another course' not in html


def test_the_table_is_accessible_markup(panel, course_exam):
    course_exam('Final exam')
    html, _ = panel()
    caption, _ = read_table(html)
    assert caption == 'Your exams in this course and whether they count toward credit'
    assert '<h2 class="proctoring-progress__title">Proctored exams and credit</h2>' in html
    assert html.count('<th scope="col">') == 5 and '<th scope="row">Final exam</th>' in html
    assert 'your grade is at least 50%' in html


def test_exam_names_are_escaped(panel, course_exam):
    course_exam('<script>alert(1)</script> & more')
    html, rows = panel()
    assert '<script>alert' not in html and '&lt;script&gt;' in html
    assert rows[0]['exam'] == '<script>alert(1)</script> & more'


def test_passing_grade_follows_the_setting(panel, course_exam, learner, settings):
    settings.PROCTORING_CREDIT_MIN_GRADE = 0.8
    satisfactory_passing(learner, None, course_exam('Final exam'))
    html, rows = panel()
    assert rows[0]['credit'] == 'No | Grade below the passing grade (80%)'
    assert 'your grade is at least 80%' in html


def test_course_without_exams(panel):
    html, rows = panel()
    assert rows == [] and '<table' not in html
    assert 'This course has no proctored, practice or timed exams yet.' in html


def test_anonymous_visitors_are_asked_to_sign_in(panel, course_exam):
    course_exam('Final exam')
    html, rows = panel(student=None)
    assert rows == [] and '<table' not in html and 'Final exam' not in html
    assert 'Sign in to see your exams and whether they count toward credit.' in html


def test_panel_in_french(panel, course_exam, learner):
    satisfactory_failing(learner, None, course_exam('Examen final'))
    practice(learner, None, course_exam('Examen blanc', exam_type='practice'))
    with translation.override('fr'):
        html, rows = panel()
    assert '<h2 class="proctoring-progress__title">Examens surveillés et crédits</h2>' in html
    assert read_table(html)[0] == "Vos examens de ce cours et leur prise en compte pour l'obtention de crédits"
    assert [(row['type'], row['review'], row['grade'], row['credit']) for row in rows] == [
        ('Examen surveillé', 'Satisfaisant', '33,3\u00a0%',
         'Non | Note inférieure à la note minimale requise (50\u00a0%)'),
        ("Examen surveillé d'entraînement", 'Terminé', NONE, "Non | Les examens d'entraînement ne comptent jamais")]


@pytest.mark.parametrize('language,share,expected', [
    ('en', 0.5, '50%'), ('en', 2 / 3, '66.6%'), ('en', 0.57, '57%'), ('en', 0.4999, '49.9%'), ('en', 1.0, '100%'),
    ('en', 0.0, '0%'), ('fr', 2 / 3, '66,6\u00a0%'), ('nl', 2 / 3, '66,6%'),
])
def test_percentages_never_round_up_and_follow_the_language(language, share, expected):
    with translation.override(language):
        assert views.percentage(BlockI18nService().gettext, share) == expected


def test_an_authors_display_name_is_kept(scenario_block):
    _, block = scenario_block(PROGRESS)
    block.display_name = 'Mes examens'
    with translation.override('fr'):
        assert '<h2 class="proctoring-progress__title">Mes examens</h2>' in block.render('student_view', {}).body_html()


# ---- the demo: the workbench's exams are one course ------------------------------------------------------

def test_panel_shows_the_exams_met_in_the_other_scenarios(workbench, panel):
    _, final = workbench(PROCTORED_60)
    opt_in_and_start(final)
    call_handler(final, 'submit')  # the null provider: satisfactory at once; no question answered: 0 of 2
    _, quiz = workbench(TIMED)
    page(quiz)  # the learner opened it, nothing more

    _, rows = panel()
    by_name = {row['exam']: row for row in rows}
    assert set(by_name) == {'Final exam', 'Timed quiz'}
    assert (by_name['Final exam']['review'], by_name['Final exam']['grade'], by_name['Final exam']['credit']) == (
        'Satisfactory', '0%', 'No | Grade below the passing grade (50%)')
    assert by_name['Timed quiz']['credit'] == 'No | Not a credit requirement'
    assert {row['exam']: row['credit'] for row in panel('someone_else')[1]} == {
        'Final exam': 'No | Not taken yet', 'Timed quiz': 'No | Not a credit requirement'}


def test_demo_front_page_links_each_learner_to_the_progress_panel(client, scenario_block):
    scenario_block(PROGRESS)  # the scenarios are loaded
    html = client.get('/').content.decode('utf-8')
    assert html.count('/scenario/proctoring_progress.0/') == 2  # in its own row, not among the exams
    for learner_name in ('verified_learner', 'audit_learner'):
        assert f'/scenario/proctoring_progress.0/?student={learner_name}">progress of {learner_name}</a>' in html
        assert f'/scenario/proctored_exam.0/?student={learner_name}"' in html
