"""Default settings of the plugin app; a site overrides any of them in its own settings."""
from pathlib import Path

DEFAULTS = {
    # Providers available on this site and their options (keys, base URLs, timeouts).
    'PROCTORING_PROVIDERS': {'null': {}},
    # A call to a vendor made while a learner waits (opt-in, start, submit) waits at most this many seconds;
    # once a vendor could not be reached, such calls are kept for the retry task without being tried for
    # the pause's seconds (providers/outbox.py). Kept calls are made with the provider's own timeout.
    'PROCTORING_VENDOR_WAIT_SECONDS': 3,
    'PROCTORING_VENDOR_PAUSE_SECONDS': 30,
    # The provider of a proctored exam whose author chose none (None: the first configured provider that
    # records). A proctored or practice exam may use one that records nothing (``null``) only where
    # PROCTORING_ALLOW_UNRECORDED_PROCTORING is True.
    'PROCTORING_DEFAULT_PROVIDER': None,
    'PROCTORING_ALLOW_UNRECORDED_PROCTORING': False,
    # Seconds after the deadline during which a save sent at 00:00 is still accepted.
    'PROCTORING_ANSWER_GRACE_SECONDS': 15,
    # How often the browser re-reads the time left from the server.
    'PROCTORING_TIMER_SYNC_SECONDS': 20,
    # The cache (an alias of CACHES) that answers those reads between status changes (exams/clocks.py): a
    # shared one (Redis, memcached) spares the database every poll; None reads the database every time.
    'PROCTORING_TIMER_CACHE': 'default',
    # In-house proctoring (the ``local`` provider): where recordings and photos are kept. None: a private
    # file system storage under PROCTORING_MEDIA_ROOT, never served by URL; else a dotted class path or
    # {"BACKEND": ..., "OPTIONS": {...}} as in STORAGES.
    'PROCTORING_MEDIA_STORAGE': None,
    'PROCTORING_MEDIA_ROOT': 'var/proctoring-media',
    # Upload limits: one recording chunk, one whole recording, one photo (bytes).
    'PROCTORING_MAX_CHUNK_BYTES': 5 * 1024 * 1024,
    'PROCTORING_MAX_RECORDING_BYTES': 4 * 1024 ** 3,
    'PROCTORING_MAX_PHOTO_BYTES': 5 * 1024 * 1024,
    # All of an attempt's recordings together: this bitrate (kbit/s) for each recording over the attempt's
    # time, plus the margin's seconds (the room scan, the grace, reloads); and at most this many flags.
    'PROCTORING_MAX_RECORDING_KBPS': 4000,
    'PROCTORING_RECORDING_MARGIN_SECONDS': 600,
    'PROCTORING_MAX_FLAGS_PER_ATTEMPT': 500,
    # Wrong exam codes given for one attempt (on the exam page or in a vendor's software) that lock its code
    # until staff unlock it (the dashboard's attempt page, or the REST API).
    'PROCTORING_EXAM_CODE_MAX_FAILURES': 10,
    # Limits on calls from outside (rate_limits.py, django-ratelimit on RATELIMIT_USE_CACHE): refused vendor
    # signatures per address, a learner's upload requests, a user's REST calls; None turns one off.
    'PROCTORING_RATE_LIMITS': {'callback_failures': '30/m', 'uploads': '600/m', 'rest': '600/m'},
    # A pause this long between two chunks of a running exam is flagged for the reviewer.
    'PROCTORING_UPLOAD_GAP_SECONDS': 60,
    # The video analyser (dotted path) and how it runs; a recording whose analysis was begun this many
    # times without finishing (its worker died) is quarantined for a person.
    'PROCTORING_VIDEO_ANALYSER': 'edx_proctoring_backend.video.analyse_recording',
    'PROCTORING_ANALYSIS_MAX_DELIVERIES': 3,
    'PROCTORING_ANALYSIS_PROGRESS_SECONDS': 5,
    'PROCTORING_ANALYSIS_OPTIONS': None,
    'PROCTORING_ANALYSIS_TIMEOUT_SECONDS': None,
    'PROCTORING_ANALYSIS_MEMORY_LIMIT_MB': None,
    # An analysis untouched this long (its task lost, or failed outside the analyser) is queued again.
    'PROCTORING_ANALYSIS_REQUEUE_MINUTES': 15,
    # How long each kind of personal data is kept (privacy/retention.py); None: its DEFAULT_POLICY
    # (recordings, photos, ID photos and thumbnails six weeks after the exam, vendor links one year).
    'PROCTORING_RETENTION': None,
    # What the proctoring terms say beyond each provider's own account, per provider or '*' (privacy/consent.py);
    # a site's configuration may give its own.
    'PROCTORING_CONSENT_TERMS': {},
    # Whom learners may ask for help ({'email', 'url', 'phone'}; per site), shown where they can be stuck
    # beside the course team's own contact; {} inside the LMS: its SUPPORT_SITE_LINK and TECH_SUPPORT_EMAIL.
    'PROCTORING_SUPPORT_CONTACT': {},
    # How many days a review usually takes, as learners waiting for one are told (None: not said).
    'PROCTORING_REVIEW_DAYS': 5,
    # Keys that encrypt media at rest, the current one first (recordings/encryption.py); None: not encrypted.
    # True when the storage encrypts by itself (S3 server-side encryption): no second layer.
    'PROCTORING_MEDIA_ENCRYPTION_KEYS': None,
    'PROCTORING_MEDIA_STORAGE_ENCRYPTS': False,
    # A person's requests for one stored file within this many minutes of the first are one viewing,
    # recorded once (privacy/access.py): a video player reads a file in many ranges.
    'PROCTORING_MEDIA_VIEWING_MINUTES': 30,
    # Origins besides the LMS's own that may frame the dashboard pages (page_headers.py), e.g. the
    # instructor dashboard app's "https://apps.example.org".
    'PROCTORING_DASHBOARD_FRAME_ANCESTORS': [],
    # How e-mails to learners and exam monitors go out (messages/): 'ace' through the platform's edx-ace,
    # 'django' through Django's e-mail framework (EMAIL_BACKEND), 'auto' through edx-ace where it is
    # installed with a channel enabled (ACE_ENABLED_CHANNELS), else Django's. From PROCTORING_EMAIL_FROM
    # (None: DEFAULT_FROM_EMAIL); one that failed is tried again after PROCTORING_EMAIL_RETRY_MINUTES.
    'PROCTORING_EMAIL_DELIVERY': 'auto',
    'PROCTORING_EMAIL_FROM': None,
    'PROCTORING_EMAIL_RETRY_MINUTES': 5,
    # The address e-mails give for an exam, formatted with lms_root_url (LMS_ROOT_URL), course_key and
    # usage_key (None: the LMS's jump_to address of the block).
    'PROCTORING_EXAM_URL': None,
    # Learners are told an exam opens soon this many days before it opens (None: never).
    'PROCTORING_OPENING_NOTICE_DAYS': 14,
    # Nominated exam monitors (monitors/): the exam password is e-mailed to the approved monitor this many
    # days before the exam opens (at once where it has no opening, or it is nearer), a reminder this many
    # hours before, and the link of their report works this many days.
    'PROCTORING_MONITOR_PASSWORD_DAYS': 7,
    'PROCTORING_MONITOR_REMINDER_HOURS': 24,
    'PROCTORING_MONITOR_REPORT_DAYS': 60,
    # Where e-mails send people to this package's own pages (the monitor's report); None: LMS_ROOT_URL.
    'PROCTORING_SITE_URL': None,
}

TEMPLATES_DIR = str(Path(__file__).resolve().parent.parent / 'templates')
EXPIRY_TASK = 'edx_proctoring_backend.tasks.submit_expired_attempts'
RETRY_TASK = 'edx_proctoring_backend.tasks.retry_provider_calls'
REQUEUE_ANALYSES_TASK = 'edx_proctoring_backend.tasks.requeue_stale_analyses'
RETENTION_TASK = 'edx_proctoring_backend.tasks.enforce_retention'
MESSAGES_TASK = 'edx_proctoring_backend.tasks.send_due_messages'
OPENINGS_TASK = 'edx_proctoring_backend.tasks.announce_exam_openings'


def plugin_settings(settings):
    """
    Fill in defaults; schedule the expiry sweep, the provider-call retries and the due e-mails every minute,
    the stale-analysis sweep every five, and the retention policy and the exams opening soon every hour;
    and add the instructor dashboard's tab and the exam content's gate to the openedx-filters pipelines.
    """
    for name, value in DEFAULTS.items():
        if not hasattr(settings, name):
            setattr(settings, name, value)
    schedule_name = 'CELERY_BEAT_SCHEDULE' if hasattr(settings, 'CELERY_BEAT_SCHEDULE') else 'CELERYBEAT_SCHEDULE'
    schedule = getattr(settings, schedule_name, None)
    if schedule is None:
        schedule = {}
        setattr(settings, schedule_name, schedule)
    schedule.setdefault('proctored-exams-submit-expired', {'task': EXPIRY_TASK, 'schedule': 60.0})
    schedule.setdefault('proctored-exams-retry-provider-calls', {'task': RETRY_TASK, 'schedule': 60.0})
    schedule.setdefault('proctored-exams-requeue-stale-analyses', {'task': REQUEUE_ANALYSES_TASK, 'schedule': 300.0})
    schedule.setdefault('proctored-exams-enforce-retention', {'task': RETENTION_TASK, 'schedule': 3600.0})
    schedule.setdefault('proctored-exams-send-due-messages', {'task': MESSAGES_TASK, 'schedule': 60.0})
    schedule.setdefault('proctored-exams-announce-openings', {'task': OPENINGS_TASK, 'schedule': 3600.0})
    # The instructor dashboard's "Proctored exams" tab (lms/dashboard_tab.py), whose section template the
    # legacy dashboard finds in the platform's Mako template directories.
    # pylint: disable=import-outside-toplevel
    from ..lms import content_gate, dashboard_tab
    dashboard_tab.register(settings)
    # Exam content rendered on its own (render_xblock, a unit's children) shows only where the exam allows it.
    content_gate.register(settings)
    mako_dirs = getattr(settings, 'MAKO_TEMPLATE_DIRS_BASE', None)
    if isinstance(mako_dirs, list) and TEMPLATES_DIR not in [str(directory) for directory in mako_dirs]:
        mako_dirs.append(TEMPLATES_DIR)
