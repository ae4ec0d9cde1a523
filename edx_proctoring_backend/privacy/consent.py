"""
The terms a learner agrees to before an exam is proctored, versioned per site and provider.

What the terms say is merged, per provider, from three places:

1. the provider's own account of what it does (``ProctoringProvider.privacy``): which data it
   collects, who processes them, where they are stored and who sees them;
2. the site's ``PROCTORING_CONSENT_TERMS`` (inside Open edX, the value of that name in the site's
   configuration; see ``lms.sites``), which may replace any of those and add the site's own words::

       PROCTORING_CONSENT_TERMS = {
           'rpnow': {
               'processor': 'Remote Proctor Inc., under a processing agreement with the university',
               'stored_in': {'en': 'Servers in Canada', 'fr': 'Des serveurs au Canada'},
               'notes': {'en': 'Shield your citizen service number on your ID.'},
           },
           '*': {'notes': '...'},       # for every provider without notes of its own
       }

   A text is a string, or one string per language (the learner's, else its base language, else
   English, else the first); ``data`` is a list of ``DATA_LABELS`` keys;
3. the retention policy (``privacy.retention``): how long each kind of data is kept.

The merged content is kept as a ``ConsentTerms`` version: when any part of it changes, the next page
publishes a new version and learners agree again. A learner's answer (``ConsentRecord``) names the
version, the language and a digest of the text they were shown, with the time and the choice.
"""
import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext, gettext_noop, ngettext

from ..exams.errors import TermsChanged
from ..lms import sites
from . import retention
from .models import ConsentRecord, ConsentTerms

SETTING = 'PROCTORING_CONSENT_TERMS'
EVERY_PROVIDER = '*'
TEXT_FIELDS = ('processor', 'stored_in', 'seen_by', 'notes')

DATA_LABELS = {
    'identity': gettext_noop('Your name, username and email address'),
    'exam_events': gettext_noop('When you start and submit the exam'),
    'photo': gettext_noop('A photo of your face'),
    'id_photo': gettext_noop('A photo of your identity document'),
    'webcam': gettext_noop('Video and sound from your webcam during the exam'),
    'webcam_video': gettext_noop('Video from your webcam during the exam'),
    'sound_when_asked': gettext_noop('Sound from your microphone during the exam, where the exam asks for it'),
    'screen': gettext_noop('A recording of your screen during the exam'),
    'screen_when_asked': gettext_noop('A recording of your screen, where the exam asks for it'),
    'room_scan': gettext_noop('A video of the room you take the exam in'),
    'room_scan_when_asked': gettext_noop('A video of the room you take the exam in, where the exam asks for it'),
    'system': gettext_noop('Information about your computer and your connection'),
    'onboarding_profile': gettext_noop('Your onboarding profile (photos of your face and ID), kept for later exams'),
    'remote_control': gettext_noop('Control of your computer during the exam (screen, keyboard and mouse)'),
    'monitor': gettext_noop("Your exam monitor's name, e-mail address, telephone number and occupation, and "
                            "their report on your exam"),
}

# The kinds of data each part of the retention policy speaks of, as the learner reads them.
_RETENTION_SUBJECTS = {
    retention.RECORDING: gettext_noop('Recordings'),
    retention.USER_PHOTO: gettext_noop('Photos of your face'),
    retention.ID_PHOTO: gettext_noop('Photos of your ID'),
    retention.THUMBNAIL: gettext_noop('Pictures of moments marked for the reviewer'),
    retention.VENDOR_LINK: gettext_noop("The proctoring service's copy of your session"),
    retention.MONITOR: gettext_noop("Your exam monitor's details and report"),
}


@dataclass(frozen=True)
class Terms:
    """One version of the terms, as the learner reads it in the active language."""

    record: ConsentTerms
    sections: tuple      # ((heading, (lines, ...)), ...)

    @property
    def version(self):
        """The version number learners agree to."""
        return self.record.version

    @property
    def text(self):
        """The whole text shown, for its digest."""
        return '\n'.join(f'{heading}\n' + '\n'.join(lines) for heading, lines in self.sections)

    @property
    def digest(self):
        """The SHA-256 of the text shown."""
        return hashlib.sha256(self.text.encode('utf-8')).hexdigest()


def _site_terms():
    configured = sites.setting(SETTING, {}) or {}
    if not isinstance(configured, dict):
        raise ImproperlyConfigured(f'{SETTING} must be a dict of provider names.')
    return configured


def _rules_content(policy, kinds):
    """The parts of the retention policy that apply to ``kinds``, grouped by identical rule."""
    groups = []
    for kind in kinds:
        rule = policy.get(kind)
        if rule is None:
            continue
        for group in groups:
            if group['rule'] == rule:
                group['kinds'].append(kind)
                break
        else:
            groups.append({'rule': rule, 'kinds': [kind]})
    return [{'kinds': group['kinds'], 'days': group['rule'].days,
             'when_satisfactory': group['rule'].when_satisfactory,
             'keep_flagged_until_closed': group['rule'].keep_flagged_until_closed} for group in groups]


def content_for(provider, policy):
    """The content of ``provider``'s terms on the current site (JSON-ready, language-free)."""
    facts = provider.privacy
    site = _site_terms()
    own = dict(site.get(EVERY_PROVIDER) or {}, **(site.get(provider.name) or {}))
    unknown = set(own) - set(TEXT_FIELDS) - {'data'}
    if unknown:
        raise ImproperlyConfigured(f'{SETTING}[{provider.name!r}] has unknown keys: {sorted(unknown)}')
    data = list(own.get('data', facts.data))
    unknown_data = set(data) - set(DATA_LABELS)
    if unknown_data:
        raise ImproperlyConfigured(f'{SETTING}[{provider.name!r}]["data"] has unknown kinds: {sorted(unknown_data)}')
    kept = facts.retention_kinds
    return {
        'provider': provider.name,
        'provider_name': str(provider.verbose_name),
        'data': data,
        # The provider's defaults are message ids (translated when shown); the site's own words are kept as given.
        **{field: own.get(field, getattr(facts, field)) for field in TEXT_FIELDS},
        'retention': _rules_content(policy, kept),
    }


def _digest(content):
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode('utf-8')).hexdigest()


# MySQL's and MariaDB's error for a transaction rolled back to break a deadlock (ER_LOCK_DEADLOCK).
MYSQL_DEADLOCK = 1213


def current_version(provider, policy):
    """
    The ``ConsentTerms`` of ``provider`` on the current site: the version with this content, published
    now as the next version if the content is new. Two requests publishing at once publish once.
    """
    domain = sites.current_domain()
    content = content_for(provider, policy)
    digest = _digest(content)
    found = ConsentTerms.objects.filter(site=domain, provider=provider.name, content_sha256=digest).first()
    while found is None:
        latest = ConsentTerms.objects.filter(site=domain, provider=provider.name).aggregate(Max('version'))
        try:
            with transaction.atomic():
                found = ConsentTerms.objects.create(
                    site=domain, provider=provider.name, version=(latest['version__max'] or 0) + 1,
                    content=content, content_sha256=digest)
        except (IntegrityError, OperationalError) as error:
            if isinstance(error, OperationalError) and error.args[:1] != (MYSQL_DEADLOCK,):
                raise
            # Another request published this content, or another one, first (on MariaDB two first inserts
            # can also deadlock on the unique index, and one is rolled back): read again.
            found = ConsentTerms.objects.filter(site=domain, provider=provider.name, content_sha256=digest).first()
    return found


def _translated(message_id):
    """A message id kept in a version's content (the provider's words, marked with gettext_noop), translated."""
    return gettext(message_id)  # pylint: disable=translation-of-non-string


def _in_language(text, language):
    """A configured text in ``language``: the text itself, or its entry in a per-language dict."""
    if not isinstance(text, dict):
        return _translated(text) if text else ''
    for candidate in (language, language.split('-')[0], 'en'):
        if text.get(candidate):
            return text[candidate]
    return next((value for value in text.values() if value), '')


def _days_text(rule):
    if rule['days'] is None:
        return ''
    return ngettext('deleted {days} day after the exam', 'deleted {days} days after the exam',
                    rule['days']).format(days=rule['days'])


def _retention_lines(content):
    """What the retention policy of a version's content says, one line per rule."""
    lines = []
    for rule in content['retention']:
        subjects = ', '.join(_translated(_RETENTION_SUBJECTS[kind]) for kind in rule['kinds'])
        parts = [part for part in (
            _days_text(rule),
            gettext('deleted as soon as the review is final and satisfactory') if rule['when_satisfactory'] else '',
        ) if part]
        when = gettext(' or ').join(parts) if parts else gettext('kept until the site deletes them')
        line = gettext('{subjects}: {when}.').format(subjects=subjects, when=when)
        if rule['keep_flagged_until_closed']:
            line += ' ' + gettext('What was flagged as suspicious is kept until the case is closed.')
        lines.append(line)
    return tuple(lines)


def render(record, language=None):
    """The ``Terms`` of ``record`` in ``language`` (the active language by default)."""
    language = language or translation.get_language() or 'en'
    content = record.content
    with translation.override(language):
        provider = _translated(content['provider_name'])

        def text(field):
            # ``{provider}`` names the provider; the site's own words may hold other braces.
            return _in_language(content.get(field) or '', language).replace('{provider}', provider)

        sections = [
            (gettext('What is collected'),
             tuple(_translated(DATA_LABELS[code]) for code in content['data']) or (gettext('Nothing is recorded.'),)),
            (gettext('Who processes it'), (text('processor'),)),
            (gettext('Where it is stored'), (text('stored_in'),)),
            (gettext('Who sees it'), (text('seen_by'),)),
            (gettext('How long it is kept'), _retention_lines(content) or (gettext('It is not kept.'),)),
        ]
        notes = text('notes')
        if notes:
            sections.append((gettext('More from this site'), (notes,)))
    return Terms(record=record, sections=tuple((heading, lines) for heading, lines in sections if any(lines)))


def check_version(terms, answered_version):
    """Raise ``TermsChanged`` unless ``answered_version`` (as the page sent it) is ``terms``' version."""
    if str(answered_version).strip() != str(terms.version):
        raise TermsChanged(terms.version)


def record_answer(user, exam, terms, accepted, attempt=None):
    """Keep the learner's answer to ``terms`` (a rendered ``Terms``); return the ``ConsentRecord``."""
    return ConsentRecord.objects.create(
        user=user, exam=exam, attempt=attempt, terms=terms.record, terms_version=str(terms.version),
        terms_sha256=terms.digest, language=translation.get_language() or '', accepted=accepted)


def latest_answer(user, exam):
    """The learner's latest answer to the terms of ``exam``, or None."""
    return ConsentRecord.objects.filter(user=user, exam=exam).order_by('-created', '-pk').first()


def answers_of(user):
    """Every answer ``user`` gave to terms, oldest first, with its exam, attempt and terms."""
    return ConsentRecord.objects.filter(user=user).select_related('exam', 'attempt', 'terms').order_by('created', 'pk')


def has_consent(attempt):
    """True when the learner agreed to the terms for this attempt."""
    return attempt.consents.filter(accepted=True).exists()
