"""
The catalogues: up to date with the sources, complete for French and Dutch, compiled, and used.

Each package keeps its catalogues in ``<package>/conf/locale`` (the Open edX layout, read by
edx-i18n-tools' ``i18n_tool``): the block's source catalogue ``en/LC_MESSAGES/django.po`` and its
translations ``<locale>/LC_MESSAGES/text.po``/``.mo`` (the XBlock i18n service's domain, found through
``proctored_xblock/translations``), the app's ``<locale>/LC_MESSAGES/django.po``/``.mo`` (Django's,
found through ``edx_proctoring_backend/locale``). The extraction tests run the Makefile's
``extract_translations`` on a copy of the packages; they need GNU gettext and make
(``make system-requirements``) and use no database.
"""
import ast
import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.utils import translation
from i18n.config import Configuration
from i18n.validate import check_messages

from proctored_xblock import views
from proctored_xblock.i18n import BlockI18nService, backend_text, block_catalogue

ROOT = Path(__file__).resolve().parent.parent
NBSP = '\u00a0'
# Each package, and the domain of its translations.
DOMAINS = {'proctored_xblock': 'text', 'edx_proctoring_backend': 'django'}
LANGUAGES = ('fr', 'nl', 'ar')
PLURAL_FORMS = {'fr': 'nplurals=2; plural=(n > 1);', 'nl': 'nplurals=2; plural=(n != 1);',
                'ar': 'nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : '
                      'n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;'}
TOOLS = ('make', 'xgettext', 'msgfmt', 'msgmerge', 'msgcat', 'msgattrib', 'msginit')
# The functions whose literal arguments are messages: name -> positions (from 1) of context, singular, plural.
KEYWORDS = {
    '_': (0, 1, 0), 'gettext': (0, 1, 0), 'gettext_noop': (0, 1, 0), 'gettext_lazy': (0, 1, 0),
    'ngettext': (0, 1, 2), 'ngettext_lazy': (0, 1, 2), 'pgettext': (1, 2, 0), 'pgettext_lazy': (1, 2, 0),
    'npgettext': (1, 2, 3), 'npgettext_lazy': (1, 2, 3),
}
SKIPPED_DIRS = {'migrations', 'conf', 'locale', 'translations', 'templates', '__pycache__'}
PACKAGE_LANGUAGES = [(package, language) for package in DOMAINS for language in LANGUAGES]


def _locale_dir(package, root=ROOT):
    return root / package / 'conf' / 'locale'


def _source(package, root=ROOT):
    return _locale_dir(package, root) / 'en' / 'LC_MESSAGES' / 'django.po'


def _catalogue(package, language, suffix='po', root=ROOT):
    return _locale_dir(package, root) / language / 'LC_MESSAGES' / f'{DOMAINS[package]}.{suffix}'


def _messages(path):
    return [entry for entry in polib.pofile(str(path)) if not entry.obsolete]


def _key(entry):
    return (entry.msgctxt, entry.msgid, entry.msgid_plural or None)


def _plural_count(language):
    """How many plural forms the language's catalogues hold (``nplurals``)."""
    return int(re.search(r'nplurals=(\d+)', PLURAL_FORMS[language]).group(1))


def _translations(entry):
    return [entry.msgstr] if not entry.msgid_plural else [text for _, text in sorted(entry.msgstr_plural.items())]


def _mo_catalogue(path):
    with open(path, 'rb') as mo_file:
        return gettext.GNUTranslations(mo_file)._catalog  # pylint: disable=protected-access


@pytest.fixture(scope='module')
def needs_tools():
    """Fail (not skip: the catalogues would go unchecked) when GNU gettext or make is missing."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.fail(f'{", ".join(missing)} not installed: run make system-requirements')


def _copy_packages(target):
    """The Makefile and both packages (their links kept as links), as the extraction sees them."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / 'Makefile', target / 'Makefile')
    for package in DOMAINS:
        shutil.copytree(ROOT / package, target / package, symlinks=True,
                        ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))
    return target


def _extract(root):
    """``make extract_translations`` in ``root`` with this environment's tools (no requirements step)."""
    result = subprocess.run(
        ['make', '-s', '-o', 'requirements', f'VENV={Path(sys.executable).parent.parent}', 'extract_translations'],
        cwd=root, capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, f'make extract_translations failed:\n{result.stdout}\n{result.stderr}'


@pytest.fixture(scope='module')
def extracted(tmp_path_factory, needs_tools):  # pylint: disable=unused-argument
    """A copy of the packages after a fresh extraction."""
    root = _copy_packages(tmp_path_factory.mktemp('extracted'))
    _extract(root)
    return root


# ---- the layout -------------------------------------------------------------------------------

@pytest.mark.parametrize('package', DOMAINS)
def test_config_lists_the_locales_and_each_has_its_catalogues(package):
    configuration = Configuration(filename=_locale_dir(package) / 'config.yaml')
    assert configuration.locales == ['en', 'fr', 'nl', 'ar']
    assert configuration.source_locale == 'en'
    assert _source(package).is_file()
    for language in configuration.translated_locales:
        assert _catalogue(package, language).is_file()
        assert _catalogue(package, language, 'mo').is_file()


def test_catalogues_are_where_the_platform_and_django_look():
    # The platform's XBlock i18n service: <module>/translations/<locale>/LC_MESSAGES/text.mo.
    assert (ROOT / 'proctored_xblock' / 'translations').resolve() == _locale_dir('proctored_xblock').resolve()
    # Django: the locale/ directory of each installed app.
    assert (ROOT / 'edx_proctoring_backend' / 'locale').resolve() == _locale_dir('edx_proctoring_backend').resolve()
    with translation.override('fr'):
        assert translation.gettext('Opted in, checks not passed') == 'Surveillance choisie, vérifications non terminées'


# ---- up to date with the sources ----------------------------------------------------------------

@pytest.mark.parametrize('package', DOMAINS)
def test_source_catalogues_are_up_to_date(extracted, package):
    fresh = {_key(entry): entry for entry in _messages(_source(package, extracted))}
    committed = {_key(entry): entry for entry in _messages(_source(package))}
    assert sorted(set(fresh) - set(committed), key=str) == [], 'new messages: run `make extract_translations`'
    assert sorted(set(committed) - set(fresh), key=str) == [], 'messages gone: run `make extract_translations`'
    for key, entry in committed.items():
        assert set(entry.flags) == set(fresh[key].flags), f'the flags of {key[1]!r} changed: re-extract'
    assert all(not any(_translations(entry)) for entry in committed.values())


@pytest.mark.parametrize('package', DOMAINS)
def test_every_marked_python_string_is_in_the_source_catalogue(package):
    """Calls that makemessages' xgettext cannot see (inside f-strings, for one) would be lost silently."""
    keys = {_key(entry) for entry in _messages(_source(package))}
    missing = []
    for path in sorted((ROOT / package).rglob('*.py')):
        if SKIPPED_DIRS.intersection(path.relative_to(ROOT / package).parts[:-1]):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
            name = getattr(node, 'func', None) and (getattr(node.func, 'id', None) or getattr(node.func, 'attr', None))
            if name not in KEYWORDS or max(KEYWORDS[name]) > len(node.args):
                continue
            values = [node.args[position - 1] if position else None for position in KEYWORDS[name]]
            if not all(value is None or (isinstance(value, ast.Constant) and isinstance(value.value, str))
                       for value in values):
                continue
            key = tuple(value.value if value is not None else None for value in values)
            if key not in keys:
                missing.append(f'{path.relative_to(ROOT)}:{node.lineno}: {key[1]!r}')
    assert not missing, 'marked but not extracted (an f-string? use a variable):\n' + '\n'.join(missing)


def test_template_strings_are_extracted_with_their_template():
    entries = {entry.msgid: entry for entry in _messages(_source('proctored_xblock'))}
    template = (ROOT / 'proctored_xblock' / 'templates' / 'exam.html').read_text(encoding='utf-8')
    line = next(number for number, text in enumerate(template.splitlines(), 1) if '_("End My Exam")' in text)
    assert ('templates/exam.html', str(line)) in entries['End My Exam'].occurrences
    plural = entries['You answered {answered} of {total} question.']
    assert plural.msgid_plural == 'You answered {answered} of {total} questions.'
    assert 'python-brace-format' in plural.flags


@pytest.mark.parametrize('package', DOMAINS)
def test_percent_messages_are_not_flagged_as_python_format(package):
    """"20% of" is not a %-directive: flagged python-format, msgfmt --check-format would reject "20% van"."""
    for entry in _messages(_source(package)):
        if '%' in entry.msgid and '%(' not in entry.msgid:
            assert 'python-format' not in entry.flags, entry.msgid


def test_extraction_adds_new_messages_creates_missing_catalogues_and_keeps_translations(tmp_path, needs_tools):
    # pylint: disable=unused-argument
    root = _copy_packages(tmp_path / 'tree')
    block = root / 'proctored_xblock'
    with open(block / 'views.py', 'a', encoding='utf-8') as source:
        source.write('\n\ndef new_message(_):\n    return _("A brand new message")\n')
    template = block / 'templates' / 'exam.html'
    template.write_text(template.read_text(encoding='utf-8') + '<p>${_("A new template message")}</p>\n',
                        encoding='utf-8')
    shutil.rmtree(_locale_dir('edx_proctoring_backend', root) / 'nl')

    _extract(root)

    source = {entry.msgid: entry for entry in _messages(_source('proctored_xblock', root))}
    assert ('views.py', str(len((block / 'views.py').read_text(encoding='utf-8').splitlines()))) in \
        source['A brand new message'].occurrences
    line = len(template.read_text(encoding='utf-8').splitlines())
    assert ('templates/exam.html', str(line)) in source['A new template message'].occurrences
    french = {entry.msgid: entry for entry in _messages(_catalogue('proctored_xblock', 'fr', root=root))}
    assert set(french) == set(source)
    assert french['A brand new message'].msgstr == '' and french['A new template message'].msgstr == ''
    assert french['End My Exam'].msgstr == 'Terminer mon examen'  # the translations stay
    assert polib.pofile(str(_catalogue('proctored_xblock', 'fr', root=root))).metadata['Plural-Forms'] == \
        PLURAL_FORMS['fr']
    dutch = polib.pofile(str(_catalogue('edx_proctoring_backend', 'nl', root=root)))
    assert dutch.metadata['Language'] == 'nl'
    assert dutch.metadata['Plural-Forms'].strip().rstrip(';') + ';' == PLURAL_FORMS['nl']
    assert {_key(entry) for entry in dutch} == {_key(entry) for entry in _messages(_source('edx_proctoring_backend'))}
    assert not any(any(_translations(entry)) for entry in dutch)

    before = {path: path.read_bytes() for path in root.rglob('*.po')}
    _extract(root)
    assert {path: path.read_bytes() for path in root.rglob('*.po')} == before  # nothing changes the second time


# ---- complete, valid and compiled ---------------------------------------------------------------

@pytest.mark.parametrize('package, language', PACKAGE_LANGUAGES)
def test_translations_are_complete(package, language):
    catalogue = polib.pofile(str(_catalogue(package, language)))
    assert catalogue.metadata['Language'] == language
    assert catalogue.metadata['Plural-Forms'] == PLURAL_FORMS[language]
    assert 'charset=UTF-8' in catalogue.metadata['Content-Type']
    source = {_key(entry) for entry in _messages(_source(package))}
    entries = _messages(_catalogue(package, language))
    assert {_key(entry) for entry in entries} == source, 'run `make extract_translations`'
    assert len(source) > 80
    for entry in entries:
        assert 'fuzzy' not in entry.flags, entry.msgid
        assert all(_translations(entry)), f'{language}: {entry.msgid!r} is not translated'
        assert len(_translations(entry)) == (1 if not entry.msgid_plural else _plural_count(language)), entry.msgid
        assert all(text != entry.msgid or len(text) < 12 for text in _translations(entry)), \
            f'{language}: {entry.msgid!r} looks untranslated'


@pytest.mark.parametrize('package, language', PACKAGE_LANGUAGES)
def test_translations_keep_placeholders_and_tags(package, language, needs_tools):
    # pylint: disable=unused-argument
    path = _catalogue(package, language)
    problems = check_messages(str(path), report_empty=True)  # i18n_tool validate's check
    assert not problems, problems
    result = subprocess.run(['msgfmt', '--check', '-o', '/dev/null', path], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    # The same, spelled out, so that a broken checker cannot hide a broken catalogue.
    for entry in _messages(path):
        sources = [entry.msgid] if not entry.msgid_plural else [entry.msgid, entry.msgid_plural]
        for index, text in enumerate(_translations(entry)):
            source = sources[min(index, len(sources) - 1)]
            assert sorted(re.findall(r'\{[^{}]*\}', text)) == sorted(re.findall(r'\{[^{}]*\}', source)), text
            assert text.count('%') == source.count('%'), text


def test_placeholder_check_reports_lost_or_renamed_placeholders(tmp_path):
    path = tmp_path / 'text.po'
    path.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "You have {minutes} minute."\nmsgid_plural "You have {minutes} minutes."\n'
        'msgstr[0] "Vous avez {minute} minute."\nmsgstr[1] "Vous avez des minutes."\n\n'
        'msgid "Cancel"\nmsgstr ""\n', encoding='utf-8')
    problems = check_messages(str(path), report_empty=True)
    assert [problem[0] for problem in problems] == ['Different tags in source and translation', 'Empty translation']


@pytest.mark.parametrize('package, language', PACKAGE_LANGUAGES)
def test_compiled_catalogues_hold_the_po_translations(package, language, tmp_path, needs_tools):
    # pylint: disable=unused-argument
    fresh = tmp_path / 'fresh.mo'  # as `make compile_translations` (compilemessages) compiles it
    subprocess.run(['msgfmt', '--check-format', '-o', fresh, _catalogue(package, language)], check=True)
    compiled = _mo_catalogue(_catalogue(package, language, 'mo'))
    assert compiled == _mo_catalogue(fresh), 'run `make compile_translations`'
    for entry in _messages(_catalogue(package, language)):
        if not entry.msgid_plural:
            assert compiled[entry.msgid] == entry.msgstr
        else:
            assert [compiled[(entry.msgid, index)] for index in range(_plural_count(language))] == \
                _translations(entry)


# ---- rendering --------------------------------------------------------------------------------

def test_block_i18n_service_translates_in_the_active_language():
    service = BlockI18nService()
    with translation.override('fr'):
        assert service.gettext('End My Exam') == 'Terminer mon examen'
        assert service.gettext('Time remaining:') == f'Temps restant{NBSP}:'
    with translation.override('nl'):
        assert service.gettext('End My Exam') == 'Mijn examen beëindigen'
    with translation.override('en'):
        assert service.gettext('End My Exam') == 'End My Exam'
    with translation.override('de'):  # no catalogue: Django's translation, as the platform's service does
        assert service.gettext('End My Exam') == 'End My Exam'


def test_block_catalogue_is_the_compiled_text_domain():
    assert block_catalogue('fr').gettext('Cancel') == 'Annuler'
    assert block_catalogue('nl').gettext('Cancel') == 'Annuleren'
    assert block_catalogue('de') is None


def test_backend_labels_are_translated_with_the_app_catalogues():
    with translation.override('fr'):
        french = backend_text('No proctoring software')
    with translation.override('nl'):
        dutch = backend_text('No proctoring software')
    assert french != 'No proctoring software' and dutch != 'No proctoring software'
    assert french == polib.pofile(str(_catalogue('edx_proctoring_backend', 'fr'))).find(
        'No proctoring software').msgstr


@pytest.mark.parametrize('language, count, expected', [
    ('fr', 0, 'Vous avez répondu à 0 question sur 0.'),   # French: 0 and 1 are singular
    ('fr', 1, 'Vous avez répondu à 0 question sur 1.'),
    ('fr', 2, 'Vous avez répondu à 0 des 2 questions.'),
    ('nl', 0, 'U hebt 0 van de 0 vragen beantwoord.'),  # Dutch: only 1 is singular
    ('nl', 1, 'U hebt 0 van 1 vraag beantwoord.'),
    ('nl', 2, 'U hebt 0 van de 2 vragen beantwoord.'),
    ('en', 1, 'You answered 0 of 1 question.'),
    ('en', 0, 'You answered 0 of 0 questions.'),
])
def test_ngettext_picks_the_plural_form_of_the_language(language, count, expected):
    with translation.override(language):
        text = BlockI18nService().ngettext('You answered {answered} of {total} question.',
                                           'You answered {answered} of {total} questions.', count)
    assert text.format(answered=0, total=count) == expected


def _page_context(**overrides):
    """Everything exam.html needs (its Mako variables are strict)."""
    context = {
        'state': 'choose', 'exam_type': 'timed', 'display_name': 'Quiz', 'time_limit_minutes': 1,
        'rules_text': '', 'may_opt_out': True, 'exam_code': '', 'provider_name': 'null', 'steps': [],
        'checks_in_vendor_software': False, 'session_pending': False,
        'practice_result': None, 'submit_reason': '', 'review_status': None, 'review_label': '',
        'review_help': '', 'question_count': 0, 'answered_count': 0, 'content_visible': False, 'children': [],
    }
    context.update(overrides)
    return context


def test_exam_template_renders_in_french_with_plurals():
    with translation.override('fr'):
        one = views.render_template('exam.html', BlockI18nService(), **_page_context(time_limit_minutes=1))
        many = views.render_template('exam.html', BlockI18nService(), **_page_context(time_limit_minutes=90))
        started = views.render_template('exam.html', BlockI18nService(), **_page_context(state='started'))
    assert 'vous disposez de 1 minute pour le terminer' in one
    assert 'vous disposez de 90 minutes pour le terminer' in many
    assert 'Commencer l&#39;examen chronométré' in one  # escaped by the template's "h" filter
    assert 'Terminer mon examen' in started
    assert 'Voulez-vous vraiment terminer votre examen' in started
    assert 'End My Exam' not in started


def test_exam_template_renders_in_dutch():
    with translation.override('nl'):
        html = views.render_template('exam.html', BlockI18nService(), **_page_context(
            state='choose', exam_type='proctored', time_limit_minutes=1))
    assert 'Zodra u begint, hebt u 1 minuut.' in html
    assert 'Ja, ik wil dit examen met online toezicht maken' in html
