"""The journal-only services over the stores of a profile (no connection needed): each store's
status, Retry and backfill, on its own rows of the one journal. The facade offers them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from desktop_sync.app.settings import BadStartDate, Settings, parse_start
from desktop_sync.app.store_results import StoreBackfill, StoreStatus
from desktop_sync.app.stores import StoreSettings
from desktop_sync.engine.context import EngineContext
from desktop_sync.engine.sync import requeue_failed
from desktop_sync.state.journal import Cursor, Journal, OrderState, ShipmentState

__all__ = ["backfill_stores", "folder_of", "retry_stores", "store_status"]


def folder_of(store: StoreSettings, settings: Settings) -> tuple[str, int | None]:
    """The store's Order Desk folder (its own, else the profile's) by name, and its id when
    known: a folder kept by its id is named as Order Desk's folder list, last read, names it,
    and one that list does not have (deleted in Order Desk) says so."""
    if store.folder_id is not None or store.folder_name.strip():
        folder_id, name = store.folder_id, store.folder_name.strip()
    else:
        folder_id, name = settings.orderdesk_folder_id, settings.orderdesk_folder_name.strip()
    names = settings.folder_names
    if folder_id is not None:
        name = names.get(folder_id, name or str(folder_id))
    listed = folder_id in names if folder_id is not None else _named_in(name, names)
    if names and name and not listed:  # Order Desk's list, as last read, does not have it
        name = f"{name} (not in Order Desk)"
    return name or "New", folder_id


def _named_in(name: str, names: dict[int, str]) -> bool:
    return not name or name.casefold() in {listed.casefold() for listed in names.values()}


def store_status(journal: Journal, store: StoreSettings, settings: Settings) -> StoreStatus:
    """One store's part of the status, from its own rows; ``settings``: the profile's."""
    own = journal.for_store(store.id)
    folder, folder_id = folder_of(store, settings)
    return StoreStatus(
        store=store.label,
        platform=store.platform,
        url=store.url,
        folder=folder,
        folder_id=folder_id,
        counts=own.counts(),
        failed_orders=tuple(own.orders_in_state(OrderState.FAILED)),
        failed_shipments=tuple(own.shipments_in_state(ShipmentState.FAILED)),
        orders_checked_until=own.get_cursor(Cursor.PUSH),
        shipments_checked_until=own.get_cursor(Cursor.PULL),
        paused=store.paused,
    )


def retry_stores(
    journal: Journal, stores: Sequence[StoreSettings], order_number: str | None
) -> int:
    """Make failed orders and shipments of these stores (all, or one order number's in each)
    due at the next sync; how many."""
    return sum(
        requeue_failed(EngineContext(journal.for_store(store.id)), order_number) for store in stores
    )


def _saved_start(store: StoreSettings) -> datetime | None:
    try:
        return parse_start(store.sync_since) if store.sync_since.strip() else None
    except BadStartDate:
        return None


def backfill_stores(
    journal: Journal,
    stores: Sequence[StoreSettings],
    moment: datetime,
    started: dict[str, datetime | None],
) -> tuple[StoreBackfill, ...]:
    """Also send each store's orders from ``moment`` on, at the next sync. The earlier date
    wins, store by store: a store that already scans from further back is left as it is.
    ``started`` holds, by store id, a start known better than the saved one (the profile in
    use); one transaction per store, so no running scan writes its end mark over it."""
    done: list[StoreBackfill] = []
    for store in stores:
        own = journal.for_store(store.id)
        current = own.get_cursor(Cursor.SEND_FROM) or own.get_cursor(Cursor.PUSH)
        if current is None:  # not scanned yet: its first scan starts at its saved start
            current = started.get(store.id) or _saved_start(store)
        if current is not None and current <= moment:
            done.append(StoreBackfill(store.label, current.astimezone(UTC), moved=False))
        else:
            done.append(StoreBackfill(store.label, own.backfill(moment), moved=True))
    return tuple(done)
