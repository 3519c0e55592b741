"""The facade's journal-only services (``app.facade.DesktopSync``): each store's status and
counts, Retry and backfill. They need no connection."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Self, TypeVar

from desktop_sync.app.facade_core import FacadeCore, start_of
from desktop_sync.app.facade_records import Backfill, Status
from desktop_sync.app.notices import NOTICES_FILE, load_notices
from desktop_sync.app.paths import data_dir, settings_path
from desktop_sync.app.settings import load_settings
from desktop_sync.app.store_results import (
    StoreStatus,
    combine_counts,
)
from desktop_sync.app.store_services import backfill_stores, retry_stores, store_status
from desktop_sync.state.records import JournalCounts, OrderRow, ShipmentRow

__all__ = ["JournalServices"]

Read = TypeVar("Read")
"""What a read made ``read_apart`` gives back."""


class JournalServices(FacadeCore):
    """Status, counts, failures, Retry and backfill of every store, or one."""

    def _store_statuses(self, store: str | None = None) -> tuple[StoreStatus, ...]:
        saved = load_settings(settings_path(self._env), warn=lambda _: None)
        return tuple(store_status(self.journal, s, saved) for s in self.stores(store))

    def counts(self) -> JournalCounts:
        """Every store's journal counts, added up (counted in SQLite: no row is listed)."""
        return combine_counts([self.journal.for_store(s.id).counts() for s in self.stores()])

    def read_apart(self, read: Callable[[Self], Read]) -> Read:
        """``read`` given this facade on a journal connection of its own, for a worker thread:
        the window's reads that take a while over a big journal (the counters, every store's
        status) run there, and the window never stands still meanwhile. Reads only: the copy
        holds no lock, so anything that writes raises ``NotLocked``."""
        twin = copy.copy(self)
        twin._lock = None
        twin._journal = None
        try:
            return read(twin)
        finally:
            twin.close()

    def failures(self) -> tuple[tuple[OrderRow, ...], tuple[ShipmentRow, ...]]:
        """The failed orders and the failed shipments of every store, each waiting for the
        merchant."""
        parts = self._store_statuses()
        return (
            tuple(row for part in parts for row in part.failed_orders),
            tuple(row for part in parts for row in part.failed_shipments),
        )

    def status(self, *, store: str | None = None) -> Status:
        """Every store's status (``store``: that one's), added up and store by store."""
        parts = self._store_statuses(store)
        last = self.journal.events_page(0, 1)
        notices = load_notices(data_dir(self._env) / NOTICES_FILE)
        return Status(
            counts=combine_counts([part.counts for part in parts]),
            failed_orders=tuple(row for part in parts for row in part.failed_orders),
            failed_shipments=tuple(row for part in parts for row in part.failed_shipments),
            orders_checked_until=_earliest(p.orders_checked_until for p in parts),
            shipments_checked_until=_earliest(p.shipments_checked_until for p in parts),
            last_event=last[0].message if last else None,
            attention=notices.attention,
            clock_message=notices.clock_message,
            held=tuple(f"{store}: {sentence}" for store, sentence in notices.held),
            stores=parts,
            paused=self.all_paused,
        )

    def retry(self, order_number: str | None = None, *, store: str | None = None) -> int:
        """Make failed orders and shipments (all, or one order number's) of every store
        (``store``: that one's) due at the next sync; how many."""
        self._require_lock()
        return retry_stores(self.journal, self.stores(store), order_number)

    def backfill(self, since: datetime | str, *, store: str | None = None) -> Backfill:
        """Also send the orders of every store (``store``: that one's) from ``since`` on, at
        the next sync.

        Takes the earlier date, store by store: when a store's scan already reaches further
        back, nothing moves there (a later date would skip the orders in between).
        ``BadStartDate`` with a sentence for a date that is not one, before 2000, or in the
        future. Holding the lock, no running scan can write its end mark over the backfill.
        """
        self._require_lock()
        moment = start_of(since)
        started = {p.store_id: p.sync_since for p in self._profiles or ()}
        if self._profile is not None:
            started.setdefault(self._profile.store_id, self._profile.sync_since)
        parts = backfill_stores(self.journal, self.stores(store), moment, started)
        starts = min((part.starts_at for part in parts), default=moment)
        return Backfill(moment, starts, any(part.moved for part in parts), parts)


def _earliest(moments: Iterable[datetime | None]) -> datetime | None:
    known = [moment for moment in moments if moment is not None]
    return min(known) if known else None
