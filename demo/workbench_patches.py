"""
Two fixes to the XBlock workbench, which the demo serves, so that it holds under many learners.

Concurrent renders. The workbench keeps each block's state in one ``XBlockState`` row per (scope,
scope id, user), found with ``get_or_create`` on a table without a unique key. Two requests that
render the same exam at once can both create the row; every later read then finds two and fails,
and every page of that exam answers 500. A unique key cannot help (the shared rows have no user, and
NULLs never collide), so the demo makes the lookup race-safe instead: rows are looked up under a
lock in this process, and where other processes made duplicates anyway, they are merged into the
oldest one.

Repeated renders. The XBlock runtime asks the installed packages' entry points for the aside types
at every block it renders (tens of milliseconds a page); they cannot change while the process runs,
so the demo's runtime reads them once.
"""
import json
import threading
from functools import cache

from django.core.exceptions import MultipleObjectsReturned
from django.db import transaction
from xblock.fields import Scope

_LOCK = threading.Lock()


def install():
    """Make the workbench's block state race-safe and its aside types read once (idempotent)."""
    # pylint: disable=import-outside-toplevel
    from workbench.models import XBlockState
    from workbench.runtime import WorkbenchRuntime

    WorkbenchRuntime.applicable_aside_types = _applicable_aside_types
    original = XBlockState.get_for_key.__func__
    if getattr(original, 'race_safe', False):
        return

    def get_for_key(cls, key):
        with _LOCK:
            try:
                return original(cls, key)  # pylint: disable=too-many-function-args  # the unbound classmethod
            except MultipleObjectsReturned:
                return _merge_duplicates(cls, key, original)

    get_for_key.race_safe = True
    XBlockState.get_for_key = classmethod(get_for_key)


@cache
def _installed_aside_types():
    from xblock.core import XBlockAside  # pylint: disable=import-outside-toplevel
    return tuple(aside_type for aside_type, _ in XBlockAside.load_classes())


def _applicable_aside_types(runtime, block):  # pylint: disable=unused-argument
    """Every installed aside type, as ``Runtime.applicable_aside_types`` answers, read once per process."""
    return list(_installed_aside_types())


def _scope_name(key):
    """The workbench's name of ``key``'s scope column, as ``XBlockState.get_for_key`` computes it."""
    from workbench.models import shorten_scope_name  # pylint: disable=import-outside-toplevel

    scope = key.scope.attr_name if key.scope in (Scope.parent, Scope.children) else key.scope.block.attr_name
    return shorten_scope_name(scope)


def _merge_duplicates(model, key, original):
    """Fold the duplicate rows of ``key`` into the oldest one (later rows' fields win) and return it."""
    with transaction.atomic():
        rows = list(model.objects.select_for_update()
                    .filter(scope=_scope_name(key), scope_id=key.block_scope_id, user_id=key.user_id).order_by('pk'))
        keep, duplicates = rows[0], rows[1:]
        state = json.loads(keep.state)
        for row in duplicates:
            state.update(json.loads(row.state))
        keep.state = json.dumps(state, indent=2, sort_keys=True)
        keep.save(update_fields=['state'])
        model.objects.filter(pk__in=[row.pk for row in duplicates]).delete()
    return original(model, key)
