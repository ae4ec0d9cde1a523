"""
Translation of the app's own pages (the instructor dashboard, the reviewer pages) through the
package's catalogues (GNU gettext domain ``text``), the ones the XBlock uses, in Django's active
language.

The catalogues live at the top of a source checkout (``locale/``) and inside the block's package in
an installed wheel (``proctored_xblock/translations/``); Django's own ``gettext`` would only look for
a ``django`` domain.
"""
import gettext as gnu_gettext
from functools import lru_cache
from pathlib import Path

from django.utils import translation
from django.utils.functional import lazy

DOMAIN = 'text'
_PACKAGES_DIR = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=None)
def catalogue_dir():
    """The directory holding ``<language>/LC_MESSAGES/text.mo``."""
    installed = _PACKAGES_DIR / 'proctored_xblock' / 'translations'
    return installed if installed.is_dir() else _PACKAGES_DIR / 'locale'


@lru_cache(maxsize=None)
def translations_for(language):
    """Return the catalogue of ``language`` (a null catalogue when there is none)."""
    locale = translation.to_locale(language or 'en')
    return gnu_gettext.translation(DOMAIN, str(catalogue_dir()), [locale], fallback=True)


def gettext(message):
    """Translate ``message`` into the active language."""
    return translations_for(translation.get_language()).gettext(message)


def ngettext(singular, plural, number):
    """Translate a message with a plural form into the active language."""
    return translations_for(translation.get_language()).ngettext(singular, plural, number)


gettext_lazy = lazy(gettext, str)
