"""Allowances: extra time, time multipliers, review exemptions and opt-out permissions."""
from dataclasses import dataclass

from .errors import NotAllowed
from .models import Allowance

MAX_EXTRA_MINUTES = 24 * 60
MAX_MULTIPLIER = 10.0


@dataclass(frozen=True)
class EffectiveAllowance:
    """The accommodations that apply to one learner in one exam."""

    extra_minutes: int = 0
    time_multiplier: float = 1.0
    review_exempt: bool = False
    may_opt_out: bool = False


def parse_allowance_value(kind, value):
    """Validate an allowance value for its kind and return it normalised as a string."""
    try:
        if kind == Allowance.ADDITIONAL_MINUTES:
            minutes = int(value)
            if not 0 < minutes <= MAX_EXTRA_MINUTES:
                raise ValueError
            return str(minutes)
        if kind == Allowance.TIME_MULTIPLIER:
            multiplier = float(value)
            if not 1.0 <= multiplier <= MAX_MULTIPLIER:
                raise ValueError
            return repr(multiplier)
        if kind in (Allowance.REVIEW_EXEMPTION, Allowance.OPT_OUT_PERMISSION):
            if str(value).lower() not in ('true', '1', 'yes'):
                raise ValueError
            return 'true'
    except (TypeError, ValueError) as error:
        raise NotAllowed(f'Invalid value for {kind}: {value!r}', code='invalid_allowance') from error
    raise NotAllowed(f'Unknown allowance kind {kind!r}', code='invalid_allowance')


def effective_allowance(exam, user):
    """Return the ``EffectiveAllowance`` of ``user`` in ``exam`` (one query)."""
    values = dict(Allowance.objects.filter(exam=exam, user=user).values_list('kind', 'value'))
    return EffectiveAllowance(
        extra_minutes=int(values.get(Allowance.ADDITIONAL_MINUTES, 0)),
        time_multiplier=float(values.get(Allowance.TIME_MULTIPLIER, 1.0)),
        review_exempt=Allowance.REVIEW_EXEMPTION in values,
        may_opt_out=Allowance.OPT_OUT_PERMISSION in values,
    )


def set_allowance(exam, user, kind, value, created_by=None):
    """Create or replace one allowance; returns the ``Allowance``."""
    normalised = parse_allowance_value(kind, value)
    allowance, _ = Allowance.objects.update_or_create(
        exam=exam, user=user, kind=kind, defaults={'value': normalised, 'created_by': created_by},
    )
    return allowance


def remove_allowance(exam, user, kind):
    """Remove one allowance; returns True if there was one."""
    deleted, _ = Allowance.objects.filter(exam=exam, user=user, kind=kind).delete()
    return bool(deleted)
