"""
The block's catalogues: complete, compiled, placeholders intact, and used when rendering.

These tests need GNU gettext (``make system-requirements``); they use no database.
"""
import importlib.util
import re
import shutil
from pathlib import Path

import pytest
from django.utils import translation

from proctored_xblock import views
from proctored_xblock.i18n import BlockI18nService, translations_for

ROOT = Path(__file__).resolve().parent.parent
NBSP = '\u00a0'


def _load_script():
    spec = importlib.util.spec_from_file_location('translations_script', ROOT / 'scripts' / 'translations.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


translations = _load_script()

GETTEXT_TOOLS = ('xgettext', 'msgfmt', 'msgmerge', 'msgcat', 'msgattrib')


@pytest.fixture
def needs_gettext():
    """Fail (not skip: the catalogues would go unchecked) when GNU gettext is missing."""
    missing = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.fail(f'GNU gettext is not installed ({", ".join(missing)} missing): run make system-requirements')


@pytest.fixture(scope='module')
def catalogues():
    """language -> parsed entries of its committed .po."""
    return {language: translations.parse_po(translations.catalogue_path(language))
            for language in translations.LANGUAGES}


# ---- the catalogues ---------------------------------------------------------------------------

@pytest.mark.usefixtures('needs_gettext')
def test_catalogues_are_up_to_date_complete_and_compiled():
    problems = translations.check_catalogues()
    assert not problems, 'Translations out of date:\n' + '\n'.join(problems)


@pytest.mark.usefixtures('needs_gettext')
def test_check_reports_stale_incomplete_and_uncompiled_catalogues(tmp_path):
    locale = tmp_path / 'locale'
    shutil.copytree(translations.LOCALE_DIR, locale)
    assert translations.check_catalogues(locale) == []

    def edit(language, old, new):
        path = translations.catalogue_path(language, locale_dir=locale)
        text = path.read_text(encoding='utf-8')
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding='utf-8')

    # A message dropped from the source catalogue, as if a new string had not been extracted.
    edit('en', 'msgid "End My Exam"\nmsgstr ""\n', 'msgid "End the exam"\nmsgstr ""\n')
    # A fuzzy French entry, a missing Dutch translation, a lost placeholder.
    edit('fr', 'msgid "Cancel"\n', '#, fuzzy\nmsgid "Cancel"\n')
    edit('nl', 'msgstr "Annuleren"', 'msgstr ""')
    edit('nl', 'hebt u {minutes} minuut', 'hebt u minuut')
    # A .po changed after compiling: its .mo no longer matches (timestamps play no part).
    edit('fr', 'msgstr "Enregistrer"', 'msgstr "Sauvegarder"')

    problems = '\n'.join(translations.check_catalogues(locale))
    assert "new message 'End My Exam' in the sources" in problems
    assert "'End the exam' is no longer in the sources" in problems
    assert "fr: 'Cancel' is fuzzy" in problems
    assert "nl: 1 message(s) not translated" in problems and "'Cancel'" in problems
    assert "nl: 'This is a timed exam." in problems and "placeholders" in problems
    assert 'fr/LC_MESSAGES/text.mo is out of date' in problems
    assert 'nl/LC_MESSAGES/text.mo is out of date' in problems
    assert 'en/LC_MESSAGES/text.mo is out of date' not in problems  # msgstr "" everywhere: same .mo

    translations.compile_all(locale)
    assert 'out of date' not in '\n'.join(translations.check_catalogues(locale))


def test_every_language_has_its_catalogue_and_plural_forms(catalogues):
    assert set(translations.TARGET_LANGUAGES) == {'fr', 'nl'}
    for language, entries in catalogues.items():
        header = translations.header_fields(entries)
        assert header['Language'].strip() == language
        assert header['Content-Type'].strip() == 'text/plain; charset=UTF-8'
        assert header['Plural-Forms'].strip() == translations.LANGUAGES[language]['plural_forms']
        assert 'POT-Creation-Date' not in header  # no churn on every extraction
        assert translations.catalogue_path(language, 'mo').is_file()
    assert catalogues['fr'][0].msgstr.count('plural=(n > 1);') == 1
    assert catalogues['nl'][0].msgstr.count('plural=(n != 1);') == 1


def test_source_catalogue_is_untranslated_and_fr_nl_are_fully_translated(catalogues):
    source = translations.messages(catalogues['en'])
    assert len(source) > 80
    assert all(not any(entry.translations) for entry in source)
    keys = {entry.key for entry in source}
    for language in ('fr', 'nl'):
        entries = translations.messages(catalogues[language])
        assert {entry.key for entry in entries} == keys
        for entry in entries:
            assert not entry.fuzzy, entry.label()
            assert all(entry.translations), entry.label()
            assert len(entry.translations) == (1 if entry.msgid_plural is None else 2), entry.label()
            assert all(text != entry.msgid or len(text) < 12 for text in entry.translations), \
                f'{language}: {entry.label()} looks untranslated'


@pytest.mark.parametrize('language', ['fr', 'nl'])
def test_placeholders_and_percent_signs_are_kept(catalogues, language):
    entries = catalogues[language]
    assert translations.placeholder_problems(entries, language) == []
    # The same, spelled out, so that a broken checker cannot hide a broken catalogue.
    for entry in translations.messages(entries):
        sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural]
        for index, text in enumerate(entry.translations):
            source = sources[min(index, len(sources) - 1)]
            assert sorted(re.findall(r'\{[^{}]*\}', text)) == sorted(re.findall(r'\{[^{}]*\}', source)), text
            assert text.count('%') == source.count('%'), text


def test_placeholder_checker_reports_lost_or_renamed_placeholders():
    entries = translations.parse_po(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "You have {minutes} minute."\nmsgid_plural "You have {minutes} minutes."\n'
        'msgstr[0] "Vous avez {minute} minute."\nmsgstr[1] "Vous avez des minutes."\n\n'
        'msgid "20% left."\nmsgstr "20 pour cent."\n')
    problems = translations.placeholder_problems(entries, 'fr')
    assert len(problems) == 3, problems


def test_percent_messages_are_not_flagged_as_python_format(catalogues):
    """"20% of" is not a %-directive: flagged python-format, msgfmt --check would reject "20% van"."""
    for entry in translations.messages(catalogues['en']):
        if '%' in entry.msgid:
            assert 'python-format' not in entry.flags, entry.label()
            assert 'no-python-format' in entry.flags, entry.label()


def test_mo_files_hold_the_po_translations(catalogues):
    for language in ('fr', 'nl'):
        compiled = translations.mo_messages(translations.catalogue_path(language, 'mo'))
        for entry in translations.messages(catalogues[language]):
            if entry.msgid_plural is None:
                assert compiled[entry.msgid] == entry.msgstr
            else:
                assert [compiled[(entry.msgid, index)] for index in range(2)] == entry.translations


# ---- the extractor ----------------------------------------------------------------------------

@pytest.mark.usefixtures('needs_gettext')
def test_extraction_is_deterministic_and_matches_the_committed_msgids(catalogues):
    first = translations.extract_source_catalogue()
    assert translations.extract_source_catalogue() == first
    assert 'POT-Creation-Date' not in first
    fresh = {entry.key for entry in translations.messages(translations.parse_po(first))}
    assert fresh == {entry.key for entry in translations.messages(catalogues['en'])}


@pytest.mark.usefixtures('needs_gettext')
def test_extract_keeps_translations_fixes_plural_forms_and_creates_missing_catalogues(tmp_path):
    locale = tmp_path / 'locale'
    shutil.copytree(translations.LOCALE_DIR, locale)
    fr_path = translations.catalogue_path('fr', locale_dir=locale)
    fr_text = fr_path.read_text(encoding='utf-8')
    fr_path.write_text(fr_text.replace('plural=(n > 1);', 'plural=(n != 1);').replace(
        '"Last-Translator: \\n"', '"Last-Translator: Camille <camille@example.org>\\n"'), encoding='utf-8')
    shutil.rmtree(locale / 'nl')

    translations.extract(locale_dir=locale)

    fr = translations.parse_po(fr_path)
    assert translations.header_fields(fr)['Plural-Forms'].strip() == 'nplurals=2; plural=(n > 1);'
    assert translations.header_fields(fr)['Last-Translator'].strip() == 'Camille <camille@example.org>'
    assert all(all(entry.translations) for entry in translations.messages(fr))
    nl = translations.parse_po(translations.catalogue_path('nl', locale_dir=locale))
    assert translations.header_fields(nl)['Language'].strip() == 'nl'
    assert translations.header_fields(nl)['Plural-Forms'].strip() == 'nplurals=2; plural=(n != 1);'
    assert {entry.key for entry in translations.messages(nl)} == {
        entry.key for entry in translations.messages(fr)}
    assert not any(any(entry.translations) for entry in translations.messages(nl))
    assert translations.extract(locale_dir=locale) == []  # nothing changes the second time


@pytest.mark.usefixtures('needs_gettext')
def test_template_strings_are_extracted_with_their_template_line(catalogues):
    template = (ROOT / 'proctored_xblock' / 'templates' / 'exam.html').read_text(encoding='utf-8')
    line = next(number for number, text in enumerate(template.splitlines(), 1) if '_("End My Exam")' in text)
    entry = next(entry for entry in translations.messages(catalogues['en']) if entry.msgid == 'End My Exam')
    assert f'proctored_xblock/templates/exam.html:{line}' in entry.references
    plural = next(entry for entry in translations.messages(catalogues['en'])
                  if entry.msgid == 'You answered {answered} of {total} question.')
    assert plural.msgid_plural == 'You answered {answered} of {total} questions.'
    assert 'python-brace-format' in plural.flags


@pytest.mark.usefixtures('needs_gettext')
def test_extractor_reads_tricky_mako_and_python(tmp_path, monkeypatch):
    """Apostrophes and "#" in HTML, multi-line calls, f-strings, translator comments, implicit concatenation."""
    templates = tmp_path / 'proctored_xblock' / 'templates'
    templates.mkdir(parents=True)
    (templates / 'page.html').write_text(
        '<%page expression_filter="h"/>\n'
        "<p>Don't <a href=\"#top\">#1</a> ${_(\"First\")} it's ${_('Second')}</p>\n"
        '## Translators: shown on the button\n'
        '<button>${_("Third")}</button>\n'
        '% if x == "a":\n'
        '<p>${ngettext("One {n} thing",\n'
        '              "Many {n} things", n).format(n=n) | n}</p>\n'
        '% endif\n'
        '<p>${_("Brace } inside") if flag else _("Other")}</p>\n', encoding='utf-8')
    (tmp_path / 'proctored_xblock' / 'block.py').write_text(
        'def view(_, self):\n'
        '    label = f\'{_("Inside an f-string")}: 3\'\n'
        '    return _("Implicitly "\n'
        '             "concatenated"), self.gettext("Through a method")\n', encoding='utf-8')
    monkeypatch.setattr(translations, 'SOURCE_PACKAGES', ('proctored_xblock',))

    entries = translations.parse_po(translations.extract_source_catalogue(tmp_path))
    found = {entry.msgid: entry for entry in translations.messages(entries)}
    assert set(found) == {'First', 'Second', 'Third', 'One {n} thing', 'Brace } inside', 'Other',
                          'Inside an f-string', 'Implicitly concatenated', 'Through a method'}
    assert found['First'].references == ['proctored_xblock/templates/page.html:2']
    assert found['Second'].references == ['proctored_xblock/templates/page.html:2']
    assert found['Third'].references == ['proctored_xblock/templates/page.html:4']
    assert found['One {n} thing'].msgid_plural == 'Many {n} things'
    assert found['One {n} thing'].references == ['proctored_xblock/templates/page.html:6']
    assert found['Inside an f-string'].references == ['proctored_xblock/block.py:2']
    assert found['Implicitly concatenated'].references == ['proctored_xblock/block.py:3']
    catalogue = translations.extract_source_catalogue(tmp_path)
    assert '#. Translators: shown on the button\n#: proctored_xblock/templates/page.html:4\n' in catalogue


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
    with translation.override('de'):  # no catalogue: the English text
        assert service.gettext('End My Exam') == 'End My Exam'


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


def test_translations_for_reads_the_compiled_catalogue():
    assert translations_for('fr').gettext('Cancel') == 'Annuler'
    assert translations_for('nl').gettext('Cancel') == 'Annuleren'
    assert translations_for(None).gettext('Cancel') == 'Cancel'


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
