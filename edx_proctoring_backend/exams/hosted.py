"""
The keys of the exams this package keeps for edx-proctoring's (``special_exams``, docs/decisions/0005).

A hosted exam's usage key is not an opaque key on purpose: the exam's content is edx-proctoring's
subsection, whose dates, credit requirement, grade and events edx-proctoring and the platform keep,
so this package's per-learner dates, credit effects and exam-attempt events leave it alone.
"""
HOSTED_KEY_PREFIX = 'edx-proctoring:exam:'
#: The submit reason of a hosted attempt that edx-proctoring submitted (the learner, or its clock: it
#: does not say which). Its page cannot wait for the recordings first: their last chunks come after.
SUBMITTED_IN_EDX_PROCTORING = 'edx_proctoring'


def hosted_usage_key(edx_exam_id):
    """The usage key of the exam this package keeps for edx-proctoring's exam ``edx_exam_id``."""
    return f'{HOSTED_KEY_PREFIX}{int(edx_exam_id)}'


def is_hosted(exam):
    """Whether ``exam`` is kept for an edx-proctoring exam (rather than written by this package's block)."""
    return exam.usage_key.startswith(HOSTED_KEY_PREFIX)


def edx_exam_id_of(exam):
    """The id of the edx-proctoring exam that ``exam`` is kept for, or None for an exam of this package's block."""
    if not is_hosted(exam):
        return None
    return int(exam.usage_key[len(HOSTED_KEY_PREFIX):])
