"""What a cycle, a status or a backfill over every store of a profile came to: each store's own
result, named by the store, and the whole profile's in one (the most urgent health, the
counts added up), which the window's banner, the tray and the CLI's exit code read."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from desktop_sync.engine.events import CycleResult, Failure, Health, PullResult, PushResult
from desktop_sync.state.records import JournalCounts, OrderRow, ShipmentRow

__all__ = [
    "ProfileCycle",
    "StoreBackfill",
    "StoreCycle",
    "StoreStatus",
    "combine_counts",
    "combine_cycles",
    "most_urgent",
]

# The most urgent first: what the banner says when stores differ.
_URGENCY = (
    Health.SETUP,
    Health.HELD,
    Health.ORDERDESK_AUTH,
    Health.STORE_AUTH,
    Health.ORDERDESK_OFFLINE,
    Health.STORE_OFFLINE,
    Health.FAILING,
    Health.PAUSED,
    Health.OK,
)


@dataclass(frozen=True)
class StoreCycle:
    """One store's cycle."""

    store: str
    """The store's name, as the merchant chose it."""
    result: CycleResult


@dataclass(frozen=True)
class ProfileCycle:
    """One cycle over the stores asked for: the profile's in one, and each store's."""

    result: CycleResult
    stores: tuple[StoreCycle, ...]


@dataclass(frozen=True)
class StoreStatus:
    """One store's part of the status: its place in Order Desk and its journal rows."""

    store: str
    platform: str
    url: str
    folder: str
    """Its Order Desk folder by name (Order Desk's, as last read, when it is kept by id)."""
    counts: JournalCounts
    failed_orders: tuple[OrderRow, ...]
    failed_shipments: tuple[ShipmentRow, ...]
    orders_checked_until: datetime | None
    shipments_checked_until: datetime | None
    paused: bool = False
    """Paused on its own (kept in its settings until the merchant resumes it)."""
    folder_id: int | None = None
    """The Order Desk id of ``folder`` when known."""


@dataclass(frozen=True)
class StoreBackfill:
    """Where one store's order scan starts after a backfill, and whether it moved."""

    store: str
    starts_at: datetime
    moved: bool


_Result = TypeVar("_Result", PushResult, PullResult)


def _added(parts: Sequence[_Result | None], kind: type[_Result]) -> _Result | None:
    present = [part for part in parts if part is not None]
    if not present:
        return None
    values: dict[str, object] = {}
    for spec in dataclasses.fields(kind):
        items = [getattr(part, spec.name) for part in present]
        if isinstance(items[0], tuple):
            values[spec.name] = tuple(item for group in items for item in group)
        else:
            values[spec.name] = sum(items)
    return kind(**values)  # type: ignore[arg-type]


def _named(store: str, failures: tuple[Failure, ...], many: bool) -> tuple[Failure, ...]:
    if not many:
        return failures
    return tuple(dataclasses.replace(f, reason=f"{store}: {f.reason}") for f in failures)


def _with_store_named(cycle: StoreCycle, many: bool) -> CycleResult:
    """The store's result with its name before each sentence, when there are several."""
    result = cycle.result
    if not many:
        return dataclasses.replace(result, store=cycle.store)
    push = result.push and dataclasses.replace(
        result.push,
        failed=_named(cycle.store, result.push.failed, many),
        attention=_named(cycle.store, result.push.attention, many),
    )
    pull = result.pull and dataclasses.replace(
        result.pull, failed=_named(cycle.store, result.pull.failed, many)
    )
    return dataclasses.replace(
        result,
        message=f"{cycle.store}: {result.message}" if result.message else "",
        push=push,
        pull=pull,
        troubles=tuple((h, f"{cycle.store}: {m}") for h, m in result.troubles),
        store=cycle.store,
    )


def most_urgent(healths: Sequence[Health]) -> Health:
    """The health the banner shows for these (OK for none)."""
    return min(healths, key=_URGENCY.index, default=Health.OK)


def combine_cycles(cycles: Sequence[StoreCycle]) -> ProfileCycle:
    """The profile's cycle: the most urgent store's health and sentence (named by its store
    when there are several), every count added up, every failure listed with its store."""
    many = len(cycles) > 1
    named = [_with_store_named(cycle, many) for cycle in cycles]
    if not named:
        return ProfileCycle(CycleResult(Health.OK), ())
    worst = min(named, key=lambda r: _URGENCY.index(r.health))
    finished = [r.finished_at for r in named if r.finished_at is not None]
    clock = next((r for r in named if r.clock_message), named[0])
    combined = CycleResult(
        worst.health,
        worst.message,
        _added([r.push for r in named], PushResult),
        _added([r.pull for r in named], PullResult),
        max(finished) if finished else None,
        troubles=tuple(t for r in named for t in r.troubles),
        clock_offset=clock.clock_offset,
        clock_message=clock.clock_message,
        store=cycles[named.index(worst)].store,
    )
    return ProfileCycle(combined, tuple(cycles))


def combine_counts(counts: Sequence[JournalCounts]) -> JournalCounts:
    """Every store's journal counts, added up."""
    return JournalCounts(
        **{
            spec.name: sum(getattr(c, spec.name) for c in counts)
            for spec in dataclasses.fields(JournalCounts)
        }
    )
