"""Rendering of the block's pages: Mako templates with the block's translator, escaped by default."""
import math

from django.utils import formats, timezone, translation
from django.utils.html import json_script
from mako.lookup import TemplateLookup

from edx_proctoring_backend import api
from edx_proctoring_backend.api import AttemptStatus as S, ReviewStatus, Step

from .resources import TEMPLATE_DIR, read_static

# The block's templates, compiled once; a template may use another's defs (``<%namespace file=...>``).
_TEMPLATES = TemplateLookup(directories=[str(TEMPLATE_DIR)], strict_undefined=True, input_encoding='utf-8')


def render_template(name, i18n, **context):
    """
    Render one of the block's templates with the i18n service's ``_`` and ``ngettext``, and the active
    language's ``text_direction`` (``rtl`` in Arabic), which the block's root element carries.
    """
    direction = 'rtl' if translation.get_language_bidi() else 'ltr'
    return _TEMPLATES.get_template(name).render_unicode(_=i18n.gettext, ngettext=i18n.ngettext,
                                                        text_direction=direction, **context)


# Where nothing has begun yet: outside the exam's window these pages say when it opens, or that it closed.
NOT_BEGUN = (None, S.RESET, S.CREATED, S.READY_TO_START)


def page_state(state):
    """Name the page to show for a ``LearnerState``."""
    status = state.status
    regular = not state.proctoring_offered and state.exam.exam_type != 'timed'
    if state.window_state == 'not_open' and (regular or status in NOT_BEGUN):
        return 'not_open'
    if regular:
        return 'regular'
    if state.window_state == 'closed' and status in NOT_BEGUN:
        return 'closed'
    if state.sitting is not None and state.sitting.phase != 'now':
        return 'book'   # taken at booked sittings: book one, or wait for one's own
    if state.needs_monitor:
        return 'nominate'   # taken with a nominated exam monitor, none approved yet
    if status is None or status == S.RESET:
        if state.on_campus_request is not None:
            return 'on_campus'
        return 'refused' if state.refused else 'choose'
    if status == S.CREATED:
        return 'checks'
    if status in (S.READY_TO_START, S.STARTED, S.DECLINED, S.ERROR):
        return status
    return 'submitted'


def step_texts(_):
    """Title and help of each proctoring step, translated."""
    return {
        Step.SYSTEM_CHECK: (_("System check"), _("Check that your camera, microphone and connection work.")),
        Step.TERMS: (_("Terms of service"), _("Read and accept the terms of the proctoring software.")),
        Step.EXAM_CODE: (_("Exam code"), _("Enter the exam code shown above.")),
        Step.ADVISORY: (_("Pre-exam advisory"), _("Read the advice and close any prohibited programs.")),
        Step.ID_PHOTO: (_("Photo ID"), _("Hold a government-issued photo ID up to your webcam.")),
        Step.ROOM_SCAN: (_("Room scan"), _("Show your desk, under your desk and the room with your webcam.")),
        Step.USER_PHOTO: (_("Your photo"), _("Take a webcam photo of yourself.")),
        Step.ONBOARDING: (_("Onboarding"), _("Complete the onboarding exam before your first proctored exam.")),
        Step.MONITOR_PASSWORD: (_("Exam password"),
                                _("Your exam monitor types the exam password they received by e-mail. Look away "
                                  "while they type it.")),
    }


def declaration_texts(_):
    """What an exam monitor declares, by ``api.MONITOR_DECLARATIONS`` key, translated."""
    return {
        'adult': _("My exam monitor is at least 21 years old."),
        'not_family': _("My exam monitor is not a relative of mine, nor my spouse or partner."),
        'not_student': _("My exam monitor is not a student of this institution."),
        'present_throughout': _("My exam monitor will be present throughout the exam."),
    }


def nomination_field_texts(_):
    """What is wrong with a field of the nomination form, by field, translated."""
    return {
        'name': _("Enter your exam monitor's name."),
        'email': _("Enter your exam monitor's e-mail address (not your own)."),
        'phone': _("Enter your exam monitor's telephone number."),
        'occupation': _("Enter your exam monitor's occupation."),
        'declarations': _("Your exam monitor must meet every condition."),
    }


def onboarding_texts(_):
    """What a learner's onboarding status means and what to do next, translated: {status: (label, next step)}."""
    return {
        'not_started': (_("Not started"), _("Do the onboarding before this exam. It checks your identity and your "
                                            "computer once; its review can take a few days, so do it early.")),
        'submitted': (_("Submitted"), _("Your onboarding is being reviewed. You can take this exam once it is "
                                        "approved.")),
        'pending': (_("Being reviewed"), _("Your onboarding is being reviewed. You can take this exam once it is "
                                           "approved.")),
        'approved': (_("Approved"), _("Your onboarding is approved: you can take this exam with proctoring.")),
        'rejected': (_("Not approved"), _("Your onboarding was not approved. Do it again, or contact support.")),
        'expired': (_("Expired"), _("Your onboarding has expired. Do it again before this exam.")),
        'unavailable': (_("Unknown"), _("Your onboarding status cannot be checked right now. Try again later.")),
    }


def capture_messages(_):
    """What the capture script (recording in the learner's browser) tells the learner, translated."""
    return {
        'not_supported': _("This browser cannot record the exam. Use a recent version of Chrome, Edge or Firefox."),
        'camera_denied': _("Your camera could not be started. Allow this site to use your camera, then try again."),
        'camera_microphone_denied': _("Your camera or your microphone could not be started. Allow this site to use "
                                      "both, then try again."),
        'microphone_denied': _("Microphone: no sound. Allow this site to use your microphone and check that it is "
                               "connected and not muted, then check again."),
        # The system check before the exam ({speed} and {needed}: megabits a second, e.g. "2.5").
        'check_running': _("Checking your browser, camera and connection..."),
        'check_browser_ok': _("Browser: can record the exam."),
        'check_screen_ok': _("Screen sharing: this browser can share your screen."),
        'check_screen_failed': _("Screen sharing: this browser cannot share your screen. Use a recent version of "
                                 "Chrome, Edge or Firefox on a computer."),
        'check_camera_ok': _("Camera: working."),
        'check_microphone_ok': _("Microphone: working."),
        'check_microphone_unused': _("Microphone: not used by this exam."),
        'check_upload_ok': _("Connection: about {speed} Mbit/s upload to this site, enough for the recording "
                             "({needed} Mbit/s)."),
        'check_upload_slow': _("Connection: about {speed} Mbit/s upload to this site, but the recording needs "
                               "{needed} Mbit/s. Your recording may arrive late and be flagged for the reviewers. "
                               "Use a wired or faster connection, close other programs and tabs that use the "
                               "internet, then check again. You may also continue as you are."),
        'check_passed': _("Your computer is ready for the exam."),
        'check_failed': _("Fix what is marked above, then check again."),
        'check_again': _("Check again"),
        'screen_denied': _("Your screen is not shared. Choose Share your screen and share your entire screen."),
        'photo_taken': _("Photo taken. Check it, then choose Use this photo or Retake."),
        'photo_saved': _("Photo saved."),
        'room_scan_recording': _("Recording the room scan. Show your desk, under your desk and the whole room."),
        'room_scan_saving': _("Saving the room scan..."),
        'room_scan_saved': _("Room scan saved."),
        'recording': _("Your webcam is being recorded."),
        'recording_screen': _("Your webcam and your screen are being recorded."),
        'share_screen': _("This exam records your screen: choose Share your screen and share your entire screen."),
        'upload_waiting': _("Your recording could not be uploaded yet. This page keeps it and sends it when the "
                            "connection is back: do not close or reload this page."),
        'finishing': _("Saving your recording before submitting..."),
        'capture_lost': _("Your camera or your screen is no longer shared. Share it again to continue the exam."),
        'upload_failed': _("The server could not be reached. Check your connection and try again."),
        'recording_elsewhere': _("This exam is being recorded in another tab or window of this browser. Keep "
                                 "that one open; if you close it, the recording goes on here."),
        # The screen recording window, where the exam page may not ask for the screen (an iframe).
        'screen_window': _("This exam records your screen, which this page cannot ask for. Choose Open the "
                           "recording window and share your entire screen there."),
        'screen_window_opened': _("In the recording window, choose Share your screen and share your entire "
                                  "screen. Keep that window open until your exam ends."),
        'screen_window_blocked': _("The recording window did not open. Allow pop-ups for this site, then choose "
                                   "Open the recording window again."),
        'screen_window_recording': _("Your screen is being recorded. Go back to your exam and keep this window "
                                     "open until your exam ends."),
        'screen_window_done': _("Your exam has ended and your screen recording is saved. You can close this "
                                "window."),
    }


# The element that holds the window's plan as JSON (Django's ``json_script``, safe inside the page).
PLAN_ELEMENT_ID = 'proctored-exam-plan'


def render_screen_recorder(i18n, display_name, css, capture_js, init=None, message=''):
    """
    The screen recording window's page: with ``init`` (the capture script's plan), the share button
    and the script; without, ``message`` saying why there is nothing to record.
    """
    return render_template(
        'screen_recorder.html', i18n, language=translation.get_language() or 'en',
        bidi=translation.get_language_bidi(), display_name=display_name, css=css, capture_js=capture_js,
        plan_script=json_script(init, PLAN_ELEMENT_ID) if init is not None else '', plan_id=PLAN_ELEMENT_ID,
        message=message).lstrip()


def recording_window_messages(_):
    """What the recording window of an exam behind edx-proctoring tells the learner, translated."""
    return {
        'waiting': _("Start the recording: your exam can start once it runs."),
        'ready': _("The recording runs. Choose Open the exam, then Start Exam on the exam page."),
        'started': _("Your exam has started. Keep this page open until your exam ends."),
        'stopped': _("The recording stopped. Start it again at once: without it, your exam ends with an error."),
        'done': _("Your exam has ended and your recording is saved. You can close this page."),
        'ended': _("This exam attempt is over: nothing more is recorded. You can close this page."),
        'leave': _("Leaving this page stops the recording of your exam."),
    }


def render_recording_window(i18n, stage, display_name, css, plan=None, **context):
    """
    The recording window of an exam behind edx-proctoring (``recording_window.html``) at ``stage``:
    ``terms``, ``refused``, ``checks``, ``recording`` or ``ended``. ``plan`` is the window script's data
    (with the capture script's, ``plan['capture']``); the scripts are only on pages that have one.
    """
    _ = i18n.gettext
    for name, default in (('error', ''), ('message', ''), ('terms', None), ('exam_url', ''), ('records_screen', False),
                          ('csrf_token', '')):
        context.setdefault(name, default)
    page_context = {
        'language': translation.get_language() or 'en', 'bidi': translation.get_language_bidi(),
        'stage': stage, 'display_name': display_name, 'css': css,
        'steps': [(step,) + step_texts(_).get(step, (step, '')) for step in context.pop('step_names', ())],
        'plan_script': '', 'plan_id': PLAN_ELEMENT_ID, 'capture_js': '', 'window_js': '',
    }
    if plan is not None:
        plan = dict(plan, messages=recording_window_messages(_))
        if plan.get('capture'):
            plan['capture'] = dict(plan['capture'], messages=capture_messages(_))
        page_context.update(plan_script=json_script(plan, PLAN_ELEMENT_ID), capture_js=read_static('js/capture.js'),
                            window_js=read_static('js/recording_window.js'))
    return render_template('recording_window.html', i18n, **page_context, **context).lstrip()


def review_texts(_):
    """Label and explanation of each review status, translated (the learner guide's wording)."""
    return {
        ReviewStatus.PENDING: (
            _("Pending"), _("Your proctoring session is being reviewed. Come back to this page for the result.")),
        ReviewStatus.SATISFACTORY: (
            _("Satisfactory"), _("Your proctoring session was reviewed and there were no issues.")),
        ReviewStatus.UNSATISFACTORY: (
            _("Unsatisfactory"),
            _("Your proctoring session was reviewed and issues were found. You are not eligible for credit "
              "for this course, whatever your grade. Contact support to dispute this result.")),
    }


def exam_type_labels(_):
    """The exam types a course author can choose, translated."""
    return [('proctored', _("Proctored exam")), ('practice', _("Practice proctored exam")),
            ('timed', _("Timed exam"))]


def error_messages(_):
    """Learner-facing messages for the API's error codes, translated."""
    return {
        'not_verified': _("Proctored exams are offered to learners in the verified track."),
        'already_declined': _("You chose to take this exam without proctoring; that cannot be undone."),
        'not_author': _("Only the course team can change this exam."),
        'opt_out_forbidden': _("This course requires this exam to be taken with online proctoring."),
        'already_started': _("This exam has already started."),
        'terms_changed': _("The proctoring terms have changed. Read the new terms before you choose."),
        'already_chosen': _("You already chose how to take this exam."),
        'on_campus_not_offered': _("This exam offers no on-campus sitting."),
        'invalid_exam_code': _("This exam code is not valid for you and this exam."),
        'exam_code_used': _("This exam code was already used."),
        'exam_code_locked': _("Too many wrong exam codes were entered, so your exam code is locked. Contact the "
                              "course team: they can unlock it."),
        'checks_not_passed': _("The proctoring checks are not complete yet."),
        'vendor_unavailable': _("The proctoring service cannot be reached right now. Try again in a few minutes."),
        'onboarding_not_started': _("This exam requires the proctoring onboarding. Complete it first."),
        'onboarding_pending': _("Your proctoring onboarding is still being reviewed. Try again once it is approved."),
        'onboarding_rejected': _("Your proctoring onboarding was not approved. Take it again, or contact support."),
        'onboarding_expired': _("Your proctoring onboarding has expired. Take it again before the exam."),
        'checks_in_software': _("Complete the checks in the proctoring software and enter your exam code there first."),
        'not_ready': _("Complete the proctoring steps before starting the exam."),
        'answers_closed': _("The time for this exam is over: your answer was not saved."),
        'exam_not_started': _("Start the exam before answering."),
        'illegal_transition': _("This action is not possible at this stage of the exam. Reload the page."),
        'attempt_not_found': _("There is no exam attempt to act on. Reload the page."),
        'invalid_settings': _("Some settings are not valid."),
        'invalid_json': _("The request could not be read."),
        'not_signed_in': _("Sign in to take this exam."),
        'method_not_allowed': _("This action must be sent as a form submission."),
        'exam_not_found': _("This exam is not set up yet. Reload the page."),
        'not_allowed': _("This action is not allowed for this exam."),
        'exam_not_open': _("This exam is not open yet. Reload the page to see when it opens."),
        'exam_closed': _("This exam has closed: it can no longer be begun."),
        'no_booking': _("This exam is taken at a sitting you book in advance. Book a sitting first."),
        'sitting_not_yet': _("Your sitting has not begun yet. Come back at the time of your sitting."),
        'sitting_missed': _("The time to begin your sitting is over. Contact the course team."),
        'booking_closed': _("Booking for this exam has closed. Contact the course team."),
        'booking_cutoff': _("This booking can no longer be changed online. Contact the course team."),
        'sitting_full': _("This sitting has just been fully booked. Choose another one."),
        'sitting_not_found': _("This sitting is no longer offered. Reload the page."),
        'no_sittings': _("This exam is not taken at booked sittings."),
        'wrong_monitor_password': _("This is not the exam password. Your exam monitor should type it again from "
                                    "their e-mail."),
        'monitor_not_approved': _("Your exam monitor must be approved by the course team first."),
        'monitor_approved': _("Your exam monitor is already approved. To change them, contact the course team."),
        'no_monitor_exam': _("This exam is not taken with an exam monitor."),
        'invalid_nomination': _("Some details of your exam monitor are missing or wrong."),
        'invalid_allowance': _("This allowance value is not valid."),
        'invalid_review': _("This review outcome is not valid."),
        'default': _("Something went wrong with this exam. Reload the page and try again."),
    }


def settings_error_messages(_):
    """Translated messages for invalid exam settings, by field."""
    return {
        'exam_type': _("Choose proctored, practice or timed."),
        'time_limit_minutes': _("Enter a whole number of minutes from 1 to 1440."),
        'provider': _("This proctoring provider is not configured on this site."),
        'allow_opt_out': _("Choose yes or no."),
        'on_campus_sitting': _("Choose yes or no."),
        'on_campus_instructions': _("Enter text."),
        'display_name': _("Use at most 255 characters."),
        'exam_rules': _("Choose yes or no for each of the provider's rules."),
        'opens_at': _("Enter a date and a time."),
        'closes_at': _("Enter a date and a time."),
        'time_zone': _("Choose a time zone from the list."),
        'booking_required': _("Choose yes or no."),
        'booking_cutoff_hours': _("Enter a whole number of hours from 0 to 720."),
        'booking_deadline': _("Enter a date and a time."),
        'sitting_early_minutes': _("Enter a whole number of minutes from 0 to 240."),
        'sitting_late_minutes': _("Enter a whole number of minutes from 0 to 240."),
    }


def settings_error_text(_, field, text):
    """The translated message of an invalid setting (the API's English ``text`` for ``field``)."""
    by_text = {
        'Choose a proctoring provider.': _("Choose a proctoring provider."),
        'This provider records nothing: choose one that proctors.': _(
            "This provider records nothing: choose one that proctors."),
        'The exam must close after it opens.': _("The exam must close after it opens."),
    }
    return by_text.get(text) or settings_error_messages(_).get(field, text)


def format_moment(moment):
    """A date and time in the active language's format, in the site's time zone."""
    return formats.date_format(timezone.localtime(moment), 'DATETIME_FORMAT')


def window_moment(_, moment, time_zone):
    """
    An exam's opening or closing moment as learners read it: the weekday, date and time in the active
    language's format, in the zone the course team named, with that zone and its offset from UTC.
    """
    # Translators: when an exam opens or closes, e.g. "Thursday 3 December 2026 00:05 (America/Bogota, UTC−05:00)".
    return _("{weekday} {date_time} ({time_zone}, {utc_offset})").format(**api.moment_parts(moment, time_zone))


def place_label(_, place):
    """Where a sitting is held, as learners read it."""
    return _("On campus") if place == 'on_campus' else _("Online")


def form_moment(moment, time_zone):
    """A moment as a ``datetime-local`` field holds it, in the exam's zone ('' for none)."""
    if moment is None:
        return ''
    return moment.astimezone(api.zone_named(time_zone)).strftime('%Y-%m-%dT%H:%M')


def percentage(_, share):
    """
    A share from 0 to 1 as a percentage in the active language's format, to a tenth, never rounded up
    (a grade just below the passing grade never reads as the passing grade): 2/3 is "66.6%".
    """
    tenths = math.floor(share * 1000 + 1e-6)
    number = formats.number_format(tenths / 10, decimal_pos=0 if tenths % 10 == 0 else 1)
    # xgettext:no-python-format
    # Translators: a percentage, e.g. a grade of "75%" ({percent} is the number).
    return _("{percent}%").format(percent=number)


def practice_result_labels(_):
    """How a finished practice exam ended, translated (practice exams are never reviewed)."""
    return {'complete': _("Complete"), 'failed': _("Failed")}


def credit_reason_texts(_, passing):
    """Why an exam counts toward credit or not (``progress.credit_reason``), translated; ``passing`` is a percentage."""
    return {
        'counts': _("Satisfactory review and a passing grade"),
        'practice': _("Practice exams never count"),
        'not_required': _("Not a credit requirement"),
        'not_taken': _("Not taken yet"),
        'in_progress': _("Not submitted yet"),
        'opted_out': _("Taken without proctoring"),
        'session_error': _("The proctoring session ended in an error"),
        'review_unsatisfactory': _("Review unsatisfactory"),
        'review_pending': _("Review pending"),
        'not_graded': _("No grade yet"),
        'grade_below': _("Grade below the passing grade ({passing})").format(passing=passing),
        'not_recorded': _("Credit status not recorded yet"),
    }
