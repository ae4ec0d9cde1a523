"""
In-house proctoring (``local``): the exam page records the webcam (and, per exam, the screen and a
room scan) and uploads it to this site; nothing goes to a vendor. A person always decides: a
submitted session waits for a reviewer, and the video analysis only points them at moments to
look at.

Site settings (``PROCTORING_PROVIDERS['local']``), all optional; ``{}`` offers the provider::

    'local': {
        'require_screen': False,        # record the screen too
        'room_scan': False,             # a room scan before the start
        'record_sound': False,          # the microphone's sound with the webcam
        'on_capture_lost': 'continue',  # or 'end': a running exam ends when the recording stops
    }

Course authors choose per exam in Studio (``exam_rule_choices``) whether the screen is recorded,
whether a room scan is needed, whether sound is recorded and whether losing the recording ends the
exam; the site's settings
are the default. Upload limits and storage are site settings read by ``api`` (see README). The
learner agrees to the terms (``privacy``, with the site's own words: ``privacy.consent``) when opting in.
"""
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_noop

from ..privacy import consent
from ..recordings import uploads
from ..recordings.models import AttemptPhoto, Recording, SessionFlag
from .base import PrivacyFacts, ProctoringProvider, SessionOutcome, Step

CONTINUE = 'continue'
END = 'end'
CAPTURE_LOST_RULES = (CONTINUE, END)
RULE_LABELS = {
    'require_screen': gettext_noop('Record the screen too'),
    'room_scan': gettext_noop('Room scan before the exam'),
    'end_on_capture_lost': gettext_noop('End the exam when the recording stops'),
    'record_sound': gettext_noop('Record sound from the microphone with the webcam'),
}


class LocalProvider(ProctoringProvider):
    """
    Recording and review on this site. The learner, who agreed to the terms when opting in, takes a photo
    and an ID photo (and a room scan where the exam asks for one) on the exam page, then enters the exam code.
    """

    name = 'local'
    verbose_name = gettext_noop('In-house proctoring (recordings stay on this site)')
    #: Every step the provider may ask for; ``steps_for`` gives an exam's own (the room scan is per exam).
    # The system check (browser, camera, microphone where sound is recorded, upload speed) runs in the page.
    learner_steps = (Step.SYSTEM_CHECK, Step.USER_PHOTO, Step.ID_PHOTO, Step.ROOM_SCAN, Step.EXAM_CODE)
    exam_rule_choices = RULE_LABELS
    person_decides = True
    privacy = PrivacyFacts(
        data=('identity', 'exam_events', 'photo', 'id_photo', 'webcam_video', 'sound_when_asked', 'screen_when_asked',
              'room_scan_when_asked'),
        stored_in=gettext_noop("This site's own storage, under names nobody can guess; never at a public address."),
        seen_by=gettext_noop('Only the reviewers who take your session, and the course team when something was '
                             'flagged as suspicious; you can see your own photos. Every view is logged and you can '
                             'read the log. Software marks moments for the reviewers; it decides nothing.'),
        retention_kinds=('recording', 'user_photo', 'id_photo', 'thumbnail'),
    )

    # ---- configuration ------------------------------------------------------------------------------

    def _site_flag(self, key):
        value = self.config.get(key, False)
        if not isinstance(value, bool):
            raise ImproperlyConfigured(f'PROCTORING_PROVIDERS[{self.name!r}][{key!r}] must be True or False.')
        return value

    def _site_capture_lost(self):
        """The site's ``on_capture_lost`` rule, checked."""
        value = self.config.get('on_capture_lost', CONTINUE)
        if value not in CAPTURE_LOST_RULES:
            raise ImproperlyConfigured(f'PROCTORING_PROVIDERS[{self.name!r}]["on_capture_lost"] is one of '
                                       f'{CAPTURE_LOST_RULES}.')
        return value

    def options(self, exam):
        """
        Return the exam's ``{'require_screen': bool, 'room_scan': bool, 'record_sound': bool, 'on_capture_lost':
        'continue'|'end'}``: the author's choice for the exam, else the site's setting.
        """
        rules = (exam.provider_options or {}).get('rules') or {}
        capture_lost = rules.get('end_on_capture_lost')
        return {
            'require_screen': bool(rules.get('require_screen', self._site_flag('require_screen'))),
            'room_scan': bool(rules.get('room_scan', self._site_flag('room_scan'))),
            'record_sound': bool(rules.get('record_sound', self._site_flag('record_sound'))),
            'on_capture_lost': (self._site_capture_lost() if capture_lost is None
                                else END if capture_lost else CONTINUE),
        }

    def rules_in_force(self, exam):
        """The author's rules for ``exam`` as they apply, the site's settings filling in (``options``)."""
        options = self.options(exam)
        return {'require_screen': options['require_screen'], 'room_scan': options['room_scan'],
                'end_on_capture_lost': options['on_capture_lost'] == END, 'record_sound': options['record_sound']}

    def steps_for(self, exam):
        """The steps a learner passes before ``exam``, in order."""
        room_scan = self.options(exam)['room_scan']
        return tuple(step for step in self.learner_steps if step != Step.ROOM_SCAN or room_scan)

    def recording_kinds(self, exam):
        """The recordings taken during ``exam`` (the room scan, before it, is not one of them)."""
        return (Recording.WEBCAM, Recording.SCREEN) if self.options(exam)['require_screen'] else (Recording.WEBCAM,)

    def upload_kinds(self, exam):
        """Every recording the page uploads for ``exam``: those taken during it, and the room scan where asked."""
        room_scan = (Recording.ROOM_SCAN,) if self.options(exam)['room_scan'] else ()
        return self.recording_kinds(exam) + room_scan

    # ---- the attempt's life --------------------------------------------------------------------------

    def checks_passed(self, attempt):
        """The terms agreed to, both photos taken, and the room scan recorded where the exam asks for one."""
        if not consent.has_consent(attempt):
            return False
        if not {AttemptPhoto.USER, AttemptPhoto.ID} <= uploads.photo_kinds(attempt):
            return False
        if self.options(attempt.exam)['room_scan']:
            return attempt.recordings.filter(kind=Recording.ROOM_SCAN, next_chunk_index__gt=0).exists()
        return True

    def on_submit(self, attempt):
        """
        The exam ended: close its recordings (late chunks are refused) and flag any recording the exam
        needed that never arrived. The review stays pending: a person decides. When the submission did
        not wait for the page (the clock, edx-proctoring), the recordings stay open for the answers' grace:
        the page's last chunks are on their way.
        """
        if attempt.submit_reason not in uploads.LATE_CHUNK_REASONS:
            uploads.complete_open_recordings(attempt)
        present = set(attempt.recordings.values_list('kind', flat=True))
        for kind in self.recording_kinds(attempt.exam):
            if kind not in present:
                uploads.add_flag(attempt, SessionFlag.RECORDING_MISSING, detail=f'{kind}: nothing was recorded')
        return SessionOutcome(review=None)
