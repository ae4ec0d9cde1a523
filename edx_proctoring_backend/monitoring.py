"""
What the app tells the platform's monitoring (New Relic, Datadog... through edx-django-utils'
``set_custom_attribute``, as other Open edX apps do): attributes named ``proctoring.<name>`` on the
request or task being traced. Without a monitoring backend each call does nothing.
"""
from edx_django_utils.monitoring import set_custom_attribute

PREFIX = 'proctoring.'


def record(**attributes):
    """Set ``proctoring.<name>`` to each value on the current transaction."""
    for name, value in attributes.items():
        set_custom_attribute(PREFIX + name, value)
