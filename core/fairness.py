"""How tenants share a pool's job slots: one policy for every queue."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

_T = TypeVar("_T")


def take_turns(
    waiting: Sequence[_T], running: Mapping[_T, int], *, free: int, share: int, turn: int = 0
) -> list[_T]:
    """The tenants that start a job each in the next `free` slots. Tenants running fewer than
    `share` jobs come first, in turns that rotate with `turn`, so one tenant's backlog never holds up
    another tenant's next job. Slots none of them wants are lent, in the same turns, to tenants at or
    over their share, all but one: a lone tenant's bulk upload runs many jobs at once, and another
    tenant's next job still finds a slot free."""
    if free <= 0:
        return []
    within = [t for t in waiting if running.get(t, 0) < share]
    beyond = [t for t in waiting if running.get(t, 0) >= share]
    chosen = _rotated(within, turn)[:free]
    lendable = free - len(chosen) - 1
    return chosen + _rotated(beyond, turn)[: max(lendable, 0)]


def _rotated(tenants: list[_T], turn: int) -> list[_T]:
    if not tenants:
        return []
    start = turn % len(tenants)
    return tenants[start:] + tenants[:start]
