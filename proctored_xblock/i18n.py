"""
Translation of the block's strings.

Inside Open edX the platform's XBlock i18n service translates them. For the package the block's
class comes from, it loads the catalogues that the translation service's ``atlas pull`` installed
in the platform (``conf/plugins-locale/xblock.v1/proctored_xblock/``, domain ``django``) if there
are any, else the package's own: ``proctored_xblock/translations/<locale>/LC_MESSAGES/text.mo``
(in a checkout ``translations`` is a link to ``conf/locale``; the wheel holds the files), and in a
language without a catalogue it falls back to Django's translation. ``BlockI18nService`` does the
same with the package's catalogues for runtimes that have no such service (the demo's workbench,
the tests), following Django's active language.

The labels the backend defines (proctoring providers, exam rules) are the backend's messages: the
block translates them with ``backend_text``, Django's translation, which reads the app's catalogues.
"""
import gettext
from functools import lru_cache
from importlib import resources

from django.conf import settings
from django.utils import translation

DOMAIN = 'text'


def _(text):
    """Mark a field label or default for extraction; Studio translates it when it shows the field."""
    return text


def backend_text(message):
    """Translate a text that the backend defines and marks (a provider's name, an exam rule's label)."""
    return translation.gettext(message)


@lru_cache(maxsize=None)
def block_catalogue(language):
    """The block's compiled catalogue of ``language`` (a Django language code), or None if it has none."""
    directory = resources.files(__package__) / 'translations'
    try:
        return gettext.translation(DOMAIN, str(directory), [translation.to_locale(language)])
    except OSError:
        return None


class BlockI18nService:
    """An XBlock ``i18n`` service that reads this package's catalogues in Django's active language."""

    def _translator(self):
        language = translation.get_language() or settings.LANGUAGE_CODE
        return block_catalogue(language) or translation

    def gettext(self, message):
        """Translate ``message``."""
        return self._translator().gettext(message)

    def ngettext(self, singular, plural, number):
        """Translate a message with a plural form."""
        return self._translator().ngettext(singular, plural, number)

    ugettext = gettext
    ungettext = ngettext

    def __getattr__(self, name):
        # Everything else (dates, language info) behaves as Django's translation module.
        return getattr(translation, name)
