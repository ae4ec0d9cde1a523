"""
The one signal the state machine sends: an attempt changed status.

It is sent inside the transaction that writes the change, so what its receivers write (credit
records, the LMS's credit and grades) is committed together with the new status or not at all.
"""
from django.dispatch import Signal

# Sent with ``attempt`` (its new status set), ``from_status`` (None for a new attempt),
# ``to_status`` and ``by`` (the user who made the change, or None for the system).
attempt_status_changed = Signal()
