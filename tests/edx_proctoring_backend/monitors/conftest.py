"""An exam taken with a nominated exam monitor, and a learner with an address."""
import pytest

from edx_proctoring_backend import api


@pytest.fixture
def monitor_provider(settings):
    """The ``monitor`` provider, configured on the site."""
    settings.PROCTORING_PROVIDERS = {**settings.PROCTORING_PROVIDERS, 'monitor': {}}


@pytest.fixture
def monitored_exam(monitor_provider, make_exam):  # pylint: disable=unused-argument
    """A proctored exam whose learners nominate an exam monitor (Amsterdam time)."""
    return make_exam(display_name='Final exam', provider='monitor', time_zone='Europe/Amsterdam')


@pytest.fixture
def ada(make_user):
    """A learner with a name and an address."""
    user = make_user('ada')
    user.email, user.first_name, user.last_name = 'ada@example.org', 'Ada', 'Lovelace'
    user.save()
    return user


MONITOR = {'name': 'Grace Hopper', 'email': 'grace@example.org', 'phone': '+31 20 555 0100',
           'occupation': 'Librarian', 'declarations': list(api.MONITOR_DECLARATIONS)}


def nominate(user, exam, **changes):
    """The learner nominates Grace Hopper (with ``changes``)."""
    details = {**MONITOR, **changes}
    return api.nominate_monitor(user, exam, details['name'], details['email'], details['phone'],
                                details['occupation'], details['declarations'],
                                whole_course=details.get('whole_course', False))
