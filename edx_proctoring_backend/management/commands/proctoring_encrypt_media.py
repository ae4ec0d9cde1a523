"""
Encrypt the proctoring media stored before the site's key was set and, with ``--rotate``, re-encrypt
those of older keys with the current one. Without ``--apply`` it only counts.

Each file is replaced whole or not at all (written encrypted beside it, then renamed over it), so the
command can be stopped at any moment and run again: what was done is not done twice. Run it at a
quiet moment: a file the retention policy deletes while it is being rewritten could be written back.
"""
from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from edx_proctoring_backend.recordings import encryption
from edx_proctoring_backend.recordings.storage import media_storage

DESCRIPTIONS = {
    encryption.PLAINTEXT: 'stored before encryption',
    encryption.OLD_KEY: 'encrypted with an older key',
    encryption.CURRENT_KEY: 'encrypted with the current key',
    encryption.UNKNOWN_KEY: f'encrypted with a key {encryption.KEYS_SETTING} no longer lists',
    encryption.UNREADABLE: 'with a damaged header',
}


class Command(BaseCommand):
    """``manage.py proctoring_encrypt_media [--rotate] [--apply]``"""

    help = ('Count the proctoring media not encrypted with the current key of PROCTORING_MEDIA_ENCRYPTION_KEYS '
            '(nothing is changed without --apply).')

    def add_arguments(self, parser):
        parser.add_argument('--apply', action='store_true', help='encrypt them now, each file whole or not at all')
        parser.add_argument('--rotate', action='store_true',
                            help='also re-encrypt the files of older keys with the current one')

    def handle(self, *args, **options):
        storage = media_storage()
        if not isinstance(storage, encryption.EncryptedStorage):
            raise CommandError(f'{encryption.KEYS_SETTING} is not set: there is no key to encrypt with.')
        if not storage.encrypt_new_files:
            raise CommandError(f'{encryption.ENCRYPTS_SETTING} is set: the storage encrypts what it keeps itself.')
        wanted = {encryption.PLAINTEXT} | ({encryption.OLD_KEY} if options['rotate'] else set())
        counts, changed = Counter(), 0
        for name in encryption.stored_names(storage.inner):
            state = encryption.encryption_state(storage, name)
            counts[state] += 1
            if state in (encryption.UNKNOWN_KEY, encryption.UNREADABLE):
                self.stderr.write(f'{state}\t{name}')
            if options['apply'] and state in wanted:
                encryption.encrypt_in_place(storage, name)
                changed += 1
                if options['verbosity'] > 1:
                    self.stdout.write(f'encrypted\t{name}')
        for state in encryption.STATES:
            self.stdout.write(f'{counts[state]} file(s) {DESCRIPTIONS[state]}')
        to_do = sum(counts[state] for state in wanted)
        if options['apply']:
            self.stdout.write(f'Encrypted {changed} file(s) with the key {storage.keys.current_id!r}.')
        else:
            self.stdout.write(f'{to_do} file(s) would be encrypted with the key {storage.keys.current_id!r}; '
                              'run with --apply to encrypt them.')
