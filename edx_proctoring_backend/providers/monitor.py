"""The ``monitor`` provider: an exam monitor the learner nominated sits beside them and types the exam password."""
from django.utils.translation import gettext_noop

from .base import PrivacyFacts, ProctoringProvider, Step


class MonitorProvider(ProctoringProvider):
    """
    Proctoring by a person the learner nominates and the course team approves (``monitors``): the
    monitor receives the exam password by e-mail, types it on the learner's device to start, watches
    throughout and reports afterwards. Nothing is recorded; a person decides every session, with the
    monitor's report beside it.
    """

    name = 'monitor'
    verbose_name = gettext_noop('An exam monitor the learner nominates')
    # A person watches the whole sitting: proctoring, although nothing is recorded.
    records = True
    person_decides = True
    learner_steps = (Step.MONITOR_PASSWORD, Step.EXAM_CODE)
    privacy = PrivacyFacts(
        data=('identity', 'exam_events', 'monitor'),
        seen_by=gettext_noop('Your exam monitor, who sits beside you; the course team, who approve your monitor '
                             'and review the sitting with the monitor\'s report.'),
        retention_kinds=('monitor',),
    )
