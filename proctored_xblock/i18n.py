"""
Translation of the block's strings.

Inside Open edX the platform's XBlock i18n service loads ``translations/<lang>/LC_MESSAGES/text.mo``
from this package. ``BlockI18nService`` does the same for runtimes that have no such service (the
demo's workbench, the tests), following Django's active language.
"""
from django.utils import translation

from edx_proctoring_backend.i18n import DOMAIN, translations_for  # noqa: F401  pylint: disable=unused-import


def _(text):
    """Mark a field label or default for extraction; Studio translates it when it shows the field."""
    return text


class BlockI18nService:
    """An XBlock ``i18n`` service that reads this package's catalogues in Django's active language."""

    def _catalogue(self):
        return translations_for(translation.get_language())

    def gettext(self, message):
        """Translate ``message``."""
        return self._catalogue().gettext(message)

    def ngettext(self, singular, plural, number):
        """Translate a message with a plural form."""
        return self._catalogue().ngettext(singular, plural, number)

    ugettext = gettext
    ungettext = ngettext

    def __getattr__(self, name):
        # Everything else (dates, language info) behaves as Django's translation module.
        return getattr(translation, name)
