"""Addresses of the platform's pages that e-mails link to."""
from django.conf import settings

# The LMS's own address of a block: it sends the learner to the unit that holds it.
DEFAULT_EXAM_URL = '{lms_root_url}/courses/{course_key}/jump_to/{usage_key}'


def exam_url(exam):
    """The absolute address of ``exam``'s page (``PROCTORING_EXAM_URL``, formatted with the LMS's root)."""
    pattern = getattr(settings, 'PROCTORING_EXAM_URL', None) or DEFAULT_EXAM_URL
    root = (getattr(settings, 'LMS_ROOT_URL', '') or '').rstrip('/')
    return pattern.format(lms_root_url=root, course_key=exam.course_key, usage_key=exam.usage_key)
