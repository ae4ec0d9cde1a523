"""
Errors the exam rules raise. Each has a stable ``code`` that callers (the XBlock, REST views) map to
a translated message; none carries internal ids or expected secrets.
"""


class ProctoringError(Exception):
    """Base class: a request the exam rules refuse, with a stable machine-readable code."""

    code = 'proctoring_error'

    def __init__(self, message='', code=None):
        super().__init__(message or self.__class__.__doc__)
        if code:
            self.code = code


class ExamNotFound(ProctoringError):
    """No such exam."""

    code = 'exam_not_found'


class AttemptNotFound(ProctoringError):
    """No such attempt for this learner."""

    code = 'attempt_not_found'


class IllegalTransition(ProctoringError):
    """The attempt cannot move to that status from its current one."""

    code = 'illegal_transition'

    def __init__(self, from_status, to_status):
        super().__init__(f'An attempt cannot go from {from_status!r} to {to_status!r}.')
        self.from_status = from_status
        self.to_status = to_status


class NotAllowed(ProctoringError):
    """The learner may not do this for this exam."""

    code = 'not_allowed'


class InvalidExamCode(ProctoringError):
    """The exam code is not valid for this learner and exam, or was already used."""

    code = 'invalid_exam_code'


class WrongMonitorPassword(InvalidExamCode):
    """The exam password typed on the learner's device is not their monitor's; it counts like a wrong code."""

    code = 'wrong_monitor_password'


class ExamCodeLocked(InvalidExamCode):
    """Too many wrong exam codes were given for the attempt: its code is locked until staff unlock it."""

    code = 'exam_code_locked'


class ChecksNotPassed(ProctoringError):
    """The proctoring checks are not complete."""

    code = 'checks_not_passed'


class AnswersClosed(ProctoringError):
    """The exam has ended: answers can no longer be saved."""

    code = 'answers_closed'


class InvalidExamSettings(ProctoringError):
    """The exam settings are not valid."""

    code = 'invalid_settings'

    def __init__(self, errors):
        super().__init__('; '.join(f'{field}: {message}' for field, message in errors.items()))
        self.errors = errors


class TermsChanged(ProctoringError):
    """The learner answered terms that are no longer the current ones: the page showed an old version."""

    code = 'terms_changed'

    def __init__(self, current_version):
        super().__init__(f'The terms are now at version {current_version}.')
        self.current_version = current_version


class InvalidStatusToken(ProctoringError):
    """The timer token is not valid."""

    code = 'invalid_token'


class AllowanceNotFound(ProctoringError):
    """There is no such allowance in this course."""

    code = 'allowance_not_found'


class InvalidSettings(ProctoringError):
    """Settings that cannot be saved; ``fields`` says what is wrong with which."""

    code = 'invalid_settings'

    def __init__(self, fields):
        super().__init__('; '.join(f'{name}: {problem}' for name, problem in fields.items()))
        self.fields = fields
