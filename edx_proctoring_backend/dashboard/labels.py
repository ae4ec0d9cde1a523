"""
Every text the dashboard's pages show, in the active language, through the app's catalogues
(Django's translation, ``edx_proctoring_backend/conf/locale``).
"""
from django.utils.translation import gettext, gettext_lazy, ngettext

from .. import api
from ..reviewer.labels import FINDING_LABELS, FLAG_LABELS, STATUS_LABELS
from ..reviewer.timeline import clock

Role = api.Role
S = api.AttemptStatus

KIND_LABELS = {
    api.Allowance.ADDITIONAL_MINUTES: gettext_lazy('Additional minutes'),
    api.Allowance.TIME_MULTIPLIER: gettext_lazy('Time multiplier'),
    api.Allowance.REVIEW_EXEMPTION: gettext_lazy('Exempt from review'),
    api.Allowance.OPT_OUT_PERMISSION: gettext_lazy('May opt out of proctoring'),
}
DECISION_LABELS = {
    api.Outcome.SATISFACTORY: gettext_lazy('Satisfactory'),
    api.Outcome.UNSATISFACTORY: gettext_lazy('Unsatisfactory'),
    api.Outcome.SECOND_REVIEW: gettext_lazy('Escalate for another review'),
}
BULK_LABELS = {
    'added': gettext_lazy('added'),
    'updated': gettext_lazy('updated'),
    'unchanged': gettext_lazy('unchanged'),
    'unknown_learner': gettext_lazy('no learner has this username or email'),
}
ONBOARDING_LABELS = {
    'approved': gettext_lazy('approved'),
    'pending': gettext_lazy('pending review'),
    'submitted': gettext_lazy('submitted, awaiting review'),
    'rejected': gettext_lazy('rejected'),
    'expired': gettext_lazy('expired'),
    'not_started': gettext_lazy('not started'),
    'unavailable': gettext_lazy('unknown: the proctoring service cannot be reached'),
}
# After a change, the page names the learner of the recorded change (``change=<id>`` of this course in
# the address), never a name the address itself carries.
NOTICES = {
    'saved': gettext_lazy('Allowance saved for {learner}. It applies when they start the exam.'),
    'saved_after_start': gettext_lazy('Allowance saved for {learner}, who has already started this exam: the '
                                      'attempt in progress (or finished) keeps its time; the change applies '
                                      'from their next attempt.'),
    'unchanged': gettext_lazy('The learner already had this allowance: nothing changed.'),
    'removed': gettext_lazy('Allowance removed for {learner}.'),
    'removed_after_start': gettext_lazy('Allowance removed for {learner}; the attempt already started keeps '
                                        'the time it started with.'),
    'settings_saved': gettext_lazy('The course settings were saved. They apply at once.'),
    'onboarding_reset': gettext_lazy('The onboarding was reset: the learner does it again before their next '
                                     'proctored exam.'),
    'attempt_reset': gettext_lazy('The attempt was reset: the learner may take the exam again.'),
    'code_unlocked': gettext_lazy('The exam code was unlocked: the learner may enter it again.'),
    'attempt_submitted': gettext_lazy('The attempt was submitted with the answers saved so far.'),
    'attempt_errored': gettext_lazy('The attempt was marked as an error.'),
    'review_recorded': gettext_lazy('Your decision was recorded.'),
    'sitting_added': gettext_lazy('The sitting was published: learners can book it.'),
    'sitting_cancelled': gettext_lazy('The sitting was cancelled. Its learners were told by e-mail, with your reason.'),
    'booking_moved': gettext_lazy('The booking was moved. The learner was told by e-mail, with your reason.'),
    'booking_cancelled': gettext_lazy('The booking was cancelled. The learner was told by e-mail, with your reason.'),
    'monitor_approved': gettext_lazy('The exam monitor was approved: the learner was told, and the monitor will '
                                     'receive the exam password by e-mail.'),
    'monitor_rejected': gettext_lazy('The exam monitor was not approved: the learner was told why, and may '
                                     'nominate another.'),
}
DECLARATION_LABELS = {
    'adult': gettext_lazy('At least 21 years old'),
    'not_family': gettext_lazy('Not a relative, spouse or partner'),
    'not_student': gettext_lazy('Not a student of the institution'),
    'present_throughout': gettext_lazy('Present throughout the exam'),
}
NOMINATION_STATUS_LABELS = {
    'pending': gettext_lazy('awaiting a decision'),
    'approved': gettext_lazy('approved'),
    'rejected': gettext_lazy('not approved'),
}


def tabs():
    """The dashboard's pages: (name, label, the capability it needs), in order."""
    return (
        ('allowances', gettext('Allowances'), Role.MANAGE_ALLOWANCES),
        ('attempts', gettext('Attempts'), Role.VIEW_ATTEMPTS),
        ('reviews', gettext('Review queue'), Role.REVIEW),
        ('learners', gettext('Practice and onboarding'), Role.VIEW_ATTEMPTS),
        ('sittings', gettext('Sittings'), Role.MANAGE_SITTINGS),
        ('monitors', gettext('Exam monitors'), Role.MANAGE_SITTINGS),
        ('exports', gettext('Exports'), Role.EXPORT),
        ('settings', gettext('Course settings'), Role.COURSE_SETTINGS),
    )


def declarations():
    """(key, label) of what every exam monitor declares."""
    return [(key, str(DECLARATION_LABELS[key])) for key in api.MONITOR_DECLARATIONS]


def nomination_statuses():
    """{status: label} of a nomination."""
    return {key: str(label) for key, label in NOMINATION_STATUS_LABELS.items()}


def status(value):
    """The label of an attempt status."""
    return str(STATUS_LABELS.get(value, value))


def statuses():
    """(status, label) of every status, for the search form."""
    return [(value, str(label)) for value, label in STATUS_LABELS.items()]


def allowance_kind(kind):
    """The label of a kind of allowance."""
    return str(KIND_LABELS.get(kind, kind))


def allowance_kinds():
    """(kind, label) of every kind of allowance."""
    return [(kind, str(label)) for kind, label in KIND_LABELS.items()]


def bulk_outcome(row):
    """What a bulk add did for one learner."""
    return str(BULK_LABELS.get(row.outcome, row.outcome))


def decisions():
    """(outcome, label) of what a person may decide."""
    return [(outcome, str(DECISION_LABELS[outcome])) for outcome in api.PERSON_DECISIONS]


def notice(key, learner=''):
    """The message shown after a change (``key`` from the address, about ``learner``), or ''."""
    template = NOTICES.get(key)
    if template is None or ('{learner}' in str(template) and not learner):
        return ''
    return str(template).format(learner=learner)


def exports():
    """(kind, label) of the course's CSV files."""
    return (
        ('allowances', gettext('Allowances in force')),
        ('allowance-changes', gettext('Every change to the allowances, with who made it')),
        ('attempts', gettext('Attempts')),
        ('reviews', gettext('Reviews: vendor verdicts and people\'s decisions')),
        ('results', gettext('Proctoring results (one line per attempt)')),
        ('consent', gettext('Answers to the proctoring terms: agreed or refused, which version, when')),
        ('on-campus', gettext('Learners who ask to sit an exam on campus')),
        ('bookings', gettext('Bookings of sittings: who booked which sitting, and the latest change')),
    )


def moment(entry):
    """One flagged moment of a session as text: where, what, and the vendor's words if any."""
    if entry.get('at') is not None:
        where = entry['at'].strftime('%H:%M:%S')
    elif entry.get('start_s') is not None:
        end = entry.get('end_s')
        where = f"{clock(entry['start_s'])}–{clock(end) if end is not None else ''}"
    else:
        where = ''
    label = FINDING_LABELS.get(entry['kind']) or FLAG_LABELS.get(entry['kind']) or entry['kind']
    return {'where': where, 'kind': entry['kind'], 'label': str(label), 'source': entry['source'],
            'text': entry.get('text', '')}


def practice(item):
    """A practice exam's result for a learner."""
    if item['attempt'] is None:
        return gettext('not taken')
    if item['result'] == 'complete':
        return gettext('completed')
    if item['result'] == 'failed':
        return gettext('failed: the proctoring session had a problem')
    return status(item['attempt'].status)


def onboarding(value):
    """A learner's onboarding status with a provider."""
    if value is None:
        return gettext('not started')
    return str(ONBOARDING_LABELS.get(value, value))


def page_text():
    """The pages' fixed texts."""
    return {
        'title': gettext('Proctored exams'), 'course': gettext('Course'), 'tabs': gettext('Sections'),
        'learner': gettext('Learner'), 'learner_hint': gettext('Username or email'), 'exam': gettext('Exam'),
        'kind': gettext('Kind'), 'value': gettext('Value'), 'granted_by': gettext('Granted by'),
        'changed': gettext('Changed'), 'actions': gettext('Actions'), 'save': gettext('Save'),
        'remove': gettext('Remove'), 'any_exam': gettext('Any exam'), 'any_status': gettext('Any status'),
        'allowances_title': gettext('Allowances'),
        'settings_title': gettext('Course settings'),
        'settings_intro': gettext('What applies to every proctored exam of this course. Leave a field empty to '
                                  'use the site\'s setting, shown below it.'),
        'support_title': gettext('Where learners get help'),
        'support_email': gettext('Course team e-mail'), 'support_url': gettext('Course help page (address)'),
        'support_hint': gettext('Shown to learners during the proctoring checks, after a session that ended in '
                                'error and while a review is being made, before the site\'s technical support.'),
        'credit_title': gettext('Credit'),
        'credit_min_grade': gettext('Passing grade for credit (percent of an exam\'s points)'),
        'site_value': gettext('Site setting:'), 'none_set': gettext('none'),
        'field_errors': {
            'support_email': gettext('Enter a valid e-mail address, or leave it empty.'),
            'support_url': gettext('Enter a web address starting with http:// or https://, or leave it empty.'),
            'credit_min_grade': gettext('Enter a percentage above 0 and at most 100, or leave it empty.'),
        },
        'allowances_intro': gettext('Extra time, a time multiplier, an exemption from review or permission to opt '
                                    'out, per learner and exam. Allowances are read when the learner starts: add '
                                    'them before.'),
        'in_force': gettext('Allowances in force'), 'no_allowances': gettext('No allowances.'),
        'add_title': gettext('Add an allowance'), 'add': gettext('Add the allowance'),
        'value_hint': gettext('Minutes (1 to 1440) or a multiplier (1.0 to 10.0); leave empty for an exemption '
                              'or a permission.'),
        'bulk_title': gettext('Add an allowance for many learners'),
        'bulk_learners': gettext('Usernames or emails, one per line'),
        'bulk_file': gettext('or a CSV file (first column)'), 'bulk_add': gettext('Add for every learner listed'),
        'bulk_result': gettext('What the bulk add did'), 'outcome': gettext('Result'),
        'started_note': gettext('already started: the attempt keeps its time'),
        'history_title': gettext('Latest changes'), 'old_value': gettext('Before'), 'new_value': gettext('After'),
        'by': gettext('By'), 'when': gettext('When'), 'no_changes': gettext('No changes yet.'),
        'filter': gettext('Filter'), 'search': gettext('Search'),
        'attempts_title': gettext('Attempts'), 'status': gettext('Status'), 'attempt': gettext('Attempt'),
        'started': gettext('Started'), 'submitted': gettext('Submitted'), 'open': gettext('Open'),
        'no_attempts': gettext('No attempts match.'), 'previous': gettext('Previous page'),
        'next': gettext('Next page'), 'pages': gettext('Pages of results'),
        'attempt_title': gettext('Attempt'), 'back': gettext('Back to the attempts'),
        'number': gettext('Attempt number'), 'deadline': gettext('Deadline'),
        'extra_time': gettext('Extra minutes and multiplier it started with'),
        'proctored': gettext('Proctoring'), 'with_proctoring': gettext('Taken with proctoring'),
        'without_proctoring': gettext('Taken without proctoring'), 'granted': gettext('Granted'),
        'history': gettext('Status history'), 'from': gettext('From'), 'to': gettext('To'),
        'reason': gettext('Reason'), 'system': gettext('the system'),
        'reset_title': gettext('Reset the attempt'),
        'reset_intro': gettext('The learner may take the exam again; this attempt stays in the history.'),
        'reset': gettext('Reset the attempt'),
        'code_locked_title': gettext('Exam code locked'),
        'code_locked_intro': gettext('Too many wrong exam codes were entered for this attempt, so its code is '
                                     'refused. Unlock it once you know the learner is the one trying.'),
        'unlock_code': gettext('Unlock the exam code'), 'code_failures': gettext('Wrong exam codes'),
        'stuck_title': gettext('A stuck attempt'),
        'stuck_intro': gettext('Submit a running attempt with what was answered, or end it in error. Say why.'),
        'mark_submitted': gettext('Mark as submitted'), 'mark_error': gettext('Mark as error'),
        'reviews_history': gettext('Reviews'), 'decision_title': gettext('Decide the review'),
        'decision': gettext('Decision'), 'comment': gettext('Comment (required unless satisfactory)'),
        'record': gettext('Record the decision'), 'evidence': gettext('See the recordings and photos'),
        'reviews_title': gettext('Review queue'),
        'reviews_intro': gettext('Attempts awaiting a decision by a person, oldest first: second reviews, '
                                 'suspicious sessions and failed analyses. A person always decides.'),
        'waiting_since': gettext('Submitted'), 'why': gettext('Why'), 'moments': gettext('Flagged moments'),
        'no_moments': gettext('None'), 'decide': gettext('Decide'), 'queue_empty': gettext('Nothing awaits review.'),
        'exports_title': gettext('Exports'), 'exports_intro': gettext('CSV files of this course, to open in a '
                                                                      'spreadsheet.'),
        'learners_title': gettext('Practice and onboarding'),
        'learners_intro': gettext('Look up a learner to help them before the real exam: their practice exams and '
                                  'their onboarding with the proctoring service.'),
        'look_up': gettext('Look up'), 'practice': gettext('Practice exams'), 'result': gettext('Result'),
        'attempts_count': gettext('Attempts'), 'onboarding': gettext('Onboarding'),
        'provider': gettext('Proctoring service'), 'no_practice': gettext('This course has no practice exam.'),
        'no_onboarding': gettext('No proctoring service of this course asks for onboarding.'),
        'reset_onboarding': gettext('Reset the onboarding'),
        'reset_onboarding_hint': gettext('The proctoring service forgets the profile: the learner does the '
                                         'onboarding again before their next proctored exam.'),
        'not_allowed': gettext('Your role in this course does not allow this.'),
        'sittings_title': gettext('Sittings'),
        'sittings_intro': gettext('Learners of these exams book one of the sittings published here and begin the '
                                  'exam only at their sitting. Every change to a booking is e-mailed to the '
                                  'learner; say why when you make one.'),
        'no_booking_exams': gettext('No exam of this course is taken at booked sittings. To have learners book, '
                                    'tick "Learners book a sitting" in the exam\'s settings in Studio.'),
        'no_sittings': gettext('No sitting yet.'), 'no_bookings': gettext('Nobody has booked it yet.'),
        'sitting_starts': gettext('Starts'), 'sitting_minutes': gettext('Minutes'),
        'sitting_capacity': gettext('Places'), 'sitting_booked': gettext('Booked'),
        'sitting_place': gettext('Where'), 'sitting_location': gettext('Room, or how to join'),
        'sitting_proctor': gettext('Proctor (username)'), 'proctor': gettext('Proctor'),
        'add_sitting_title': gettext('Publish a sitting'), 'add_sitting': gettext('Publish the sitting'),
        'starts_hint': gettext('In the exam\'s time zone:'),
        'cancel_sitting': gettext('Cancel the sitting'), 'move_booking': gettext('Move'),
        'cancel_booking': gettext('Cancel the booking'), 'move_to': gettext('Move to'),
        'reason_required': gettext('Reason (required, kept and sent to the learner)'),
        'booked_learners': gettext('Learners booked'),
        'monitors_title': gettext('Exam monitors'),
        'monitors_intro': gettext('Learners of exams with an exam monitor nominate a person who sits beside them and '
                                  'types the exam password. Approve a monitor who meets the conditions; the '
                                  'password then goes to the monitor by e-mail before the exam. Say why when you '
                                  'do not approve one: the learner receives your reason and may nominate another.'),
        'pending_title': gettext('Awaiting a decision'), 'decided_title': gettext('Decided'),
        'no_pending': gettext('No nomination awaits a decision.'), 'no_decided': gettext('None yet.'),
        'monitor': gettext('Exam monitor'), 'monitor_email': gettext('E-mail'), 'monitor_phone': gettext('Telephone'),
        'monitor_occupation': gettext('Occupation'), 'monitor_declared': gettext('Declared'),
        'for_exam': gettext('For'), 'whole_course': gettext('every exam of the course with a monitor'),
        'approve': gettext('Approve'), 'reject': gettext('Do not approve'),
        'reject_reason': gettext('Reason (required to not approve; sent to the learner)'),
        'decided_by': gettext('Decided by'),
        'monitor_report': gettext("Exam monitor's report"), 'report_began': gettext('Began'),
        'report_ended': gettext('Ended'), 'report_present': gettext('Present throughout'),
        'report_incidents': gettext('Incidents'), 'yes': gettext('Yes'), 'no': gettext('No'),
        'none_reported': gettext('None reported'),
        'errors': gettext('Please correct the following:'),
    }


def attempts_found(page):
    """How many attempts the search found, and which page this is."""
    found = ngettext('{count} attempt found', '{count} attempts found', page.count).format(count=page.count)
    where = gettext('page {number} of {pages}').format(number=page.number, pages=page.num_pages)
    return f'{found} · {where}'


def error_messages():
    """Staff-facing messages for the API's error codes (``ProctoringError.code``)."""
    return {
        'invalid_allowance': gettext('This value does not suit the kind of allowance: whole minutes from 1 to 1440, '
                                     'a multiplier from 1.0 to 10.0, or nothing for an exemption or a permission.'),
        'too_many_rows': gettext('A bulk file may name at most 5000 learners.'),
        'file_too_large': gettext('The file is too large (at most 1 MB).'),
        'file_not_text': gettext('The file is not UTF-8 text.'),
        'file_not_csv': gettext('The file could not be read: give one username or email per line, or a CSV file.'),
        'not_an_identifier': gettext('A line of the file is not a username or an email (too long, or with control '
                                     'characters).'),
        'not_reviewable': gettext('This attempt cannot be reviewed in its current state.'),
        'no_onboarding': gettext('This provider has no onboarding.'),
        'course_team_decides': gettext('Support escalated this review: the course team makes the final decision.'),
        'illegal_transition': gettext('The attempt changed meanwhile: this is no longer possible.'),
        'invalid_review': gettext('Choose a decision.'),
        'exam_not_found': gettext('There is no such exam in this course.'),
        'attempt_not_found': gettext('There is no such attempt in this course.'),
        'allowance_not_found': gettext('There is no such allowance in this course.'),
        'reason_required': gettext('Say why: the reason is kept and sent to the learner.'),
        'sitting_full': gettext('That sitting is full.'),
        'already_decided': gettext('This nomination was already decided.'),
        'sitting_not_found': gettext('There is no such sitting of this exam.'),
        'default': gettext('This is not possible for this exam.'),
    }


def sitting_field_errors():
    """What is wrong with a field of the form that publishes a sitting."""
    return {
        'exam': gettext('This exam is not taken at booked sittings.'),
        'starts_at': gettext('Enter the date and time the sitting starts.'),
        'minutes': gettext('Enter the sitting\'s length: whole minutes from 1 to 1440.'),
        'capacity': gettext('Enter how many learners it takes: a whole number from 1 to 10000.'),
        'place': gettext('Choose online or on campus.'),
        'location': gettext('Use at most 255 characters for the room.'),
        'proctor': gettext('No user has this username.'),
    }


def error_message(error):
    """The message staff read for a refusal of the exam rules."""
    messages = error_messages()
    return messages.get(error.code, messages['default'])
