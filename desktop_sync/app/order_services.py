"""The facade's order services: the orders view, Needs you and its actions, the month's
tallies. The window, the tray and the CLI all read these, so each says the same.

``DesktopSync`` (app/facade.py) takes these methods from ``OrderServices``; they need only the
journal, the saved settings and the saved notices, never a connection.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from datetime import datetime
from typing import Protocol, Self, runtime_checkable

from desktop_sync.app.backfill_preview import BackfillPreview, preview_backfill
from desktop_sync.app.facade_core import FacadeCore, start_of
from desktop_sync.app.notices import NOTICES_FILE, load_notices
from desktop_sync.app.paths import data_dir, journal_path, settings_path
from desktop_sync.app.profile import Profile
from desktop_sync.app.settings import load_settings, parse_start
from desktop_sync.app.stores import StoreSettings
from desktop_sync.engine.events import Direction, Failure, Level, said_once
from desktop_sync.errors import DesktopSyncError
from desktop_sync.state import order_facts
from desktop_sync.state.journal import Journal
from desktop_sync.state.month import Month, per_day
from desktop_sync.state.needs_you import (
    Action,
    Look,
    NeedsYou,
    NeedsYouRow,
    needs_you,
    order_key,
    orders_said,
)
from desktop_sync.state.orders_view import (
    OrderLine,
    OrdersQuery,
    OrderWord,
    PageKey,
    count_orders,
    find_orders,
    orders_page,
    timeline,
)
from desktop_sync.state.records import EventRow, utc_now

__all__ = ["OrderServices", "OrdersReader"]

log = logging.getLogger(__name__)


def _failed_alike_once(rows: Sequence[NeedsYouRow]) -> tuple[NeedsYouRow, ...]:
    """Orders that failed for the same reason but for their own number ("Order 100 has no
    customer name...") in one row, as ``desktop-sync status`` says them (``said_once``)."""
    alone = [r for r in rows if r.action is Action.RETRY and r.store_order_ids and r.count == 1]
    if len(alone) < 2:
        return tuple(rows)
    waiting = {id(r): r for r in alone}
    by_number: dict[str, list[NeedsYouRow]] = {}
    for row in alone:
        by_number.setdefault(row.order_numbers[0], []).append(row)
    merged: dict[int, NeedsYouRow] = {}  # the first row of each group -> the group's row
    for group in said_once(Failure(r.order_numbers[0], r.reason) for r in alone):
        members = [by_number[number].pop(0) for number in group.order_numbers]
        first = members[0]
        title, said = orders_said(
            len(members), first.order_numbers[0], OrderWord.FAILED, group.reason
        )
        merged[id(first)] = (
            first
            if len(members) == 1
            else NeedsYouRow(
                title=title,
                said=said,
                reason=group.reason,
                action=Action.RETRY,
                button="Retry",
                order_numbers=group.order_numbers,
                store_order_ids=tuple(i for m in members for i in m.store_order_ids),
                stores=tuple(s for m in members for s in m.stores),
                keys=tuple(k for m in members for k in m.keys),
            )
        )
    return tuple(
        merged.get(id(row), row) for row in rows if id(row) not in waiting or id(row) in merged
    )


class OrdersReader(Protocol):
    """The order services the window's widgets use (``JournalReader`` includes them)."""

    def store_names(self) -> list[str]: ...

    def store_labels(self) -> dict[str, str]: ...

    def orders_page(
        self, query: OrdersQuery, limit: int, *, after: PageKey | None = None
    ) -> list[OrderLine]: ...

    def count_orders(self, query: OrdersQuery) -> int: ...

    def count_orders_apart(self, query: OrdersQuery) -> int: ...

    def find_orders(self, number: str, store: str = "") -> list[OrderLine]: ...

    def order_timeline(self, number: str, store: str = "") -> list[EventRow]: ...

    def needs_you(self, looks: Sequence[Look] = ()) -> NeedsYou: ...

    def needs_you_apart(self, looks: Sequence[Look] = ()) -> NeedsYou: ...

    def month(self, now: datetime | None = None, days: int = 30) -> Month: ...

    def month_apart(self, now: datetime | None = None, days: int = 30) -> Month: ...

    def retry_orders(
        self,
        store_order_ids: Iterable[str],
        shipment_ids: Iterable[str] = (),
        *,
        stores: Sequence[str] = (),
        shipment_stores: Sequence[str] = (),
    ) -> int: ...

    def send_anyway(self, store_order_ids: Sequence[str], *, stores: Sequence[str] = ()) -> int: ...

    def dismiss(self, keys: Iterable[str]) -> None: ...

    def dismiss_order(self, line: OrderLine) -> None: ...

    def preview_backfill(
        self, since: datetime | str, *, store: str | None = None
    ) -> BackfillPreview: ...

    def backfill(self, since: datetime | str) -> object: ...

    def apart(self) -> AbstractContextManager[OrdersReader]: ...


@runtime_checkable
class _LimitedHistory(Protocol):
    """A store that shows an app only part of its past (Shopify: 60 days without
    ``read_all_orders``) and can say so before a backfill."""

    def backfill_notice(self, since: datetime) -> str: ...


class OrderServices(FacadeCore):
    """The orders view, Needs you and its actions, and what to say before a backfill."""

    @contextmanager
    def apart(self) -> Iterator[Self]:
        """These services on a journal connection of their own, for a worker thread (an
        action on one order from its details): the window's connection is never shared
        between threads. The connection is closed at the end."""
        view = copy.copy(self)
        view._journal = Journal(journal_path(self._env))
        try:
            yield view
        finally:
            view._journal.close()

    # -- reads ---------------------------------------------------------------------------

    def store_names(self) -> list[str]:
        """The profile's stores by name, as the orders view's store filter lists them."""
        return [store.label for store in self.stores()]

    def store_labels(self) -> dict[str, str]:
        """The profile's stores' names by their journal id (the log's Store column)."""
        return {store.id: store.label for store in self.stores()}

    def _by_id(self) -> dict[str, StoreSettings]:
        """The profile's stores by their journal id (as saved, or as the environment says)."""
        return {store.id: store for store in self.stores()}

    def _asked(self, query: OrdersQuery) -> OrdersQuery:
        """``query`` with its store (a name, any case, or an id) as the journal's store id."""
        wanted = query.store.strip().casefold()
        if not wanted:
            return query
        for store in self.stores():
            if wanted in (store.label.casefold(), store.id.casefold()):
                return replace(query, store=store.id)
        return query  # no store of that name: no order matches

    def _named(self, lines: Iterable[OrderLine]) -> list[OrderLine]:
        """``lines`` with each store's name and platform in place of its journal id (a
        removed store's orders keep its id), and each folder kept by its id named as Order
        Desk's folder list (as last read, in the settings) names it."""
        stores = self._by_id()
        folders = load_settings(settings_path(self._env), warn=lambda _: None).folder_names
        named = []
        for line in lines:
            store = stores.get(line.store)
            if store is not None:
                line = replace(line, store=store.label, platform=line.platform or store.platform)
            if line.folder_id is not None and line.folder_id in folders:
                line = replace(line, folder=folders[line.folder_id])
            named.append(line)
        return named

    def orders_page(
        self, query: OrdersQuery, limit: int, *, after: PageKey | None = None
    ) -> list[OrderLine]:
        """One page of the orders, newest placed first, after the previous page's last key."""
        return self._named(orders_page(self.journal, self._asked(query), limit, after=after))

    def count_orders(self, query: OrdersQuery) -> int:
        return count_orders(self.journal, self._asked(query))

    def count_orders_apart(self, query: OrdersQuery) -> int:
        """``count_orders`` on a journal connection of its own, for a worker thread (a name
        thousands of orders share takes a while to count)."""
        with Journal(journal_path(self._env)) as journal:
            return count_orders(journal, self._asked(query))

    def find_orders(self, number: str, store: str = "") -> list[OrderLine]:
        """The orders numbered ``number`` (of ``store`` when given)."""
        found = self._named(find_orders(self.journal, number))
        return [o for o in found if not store or o.store.casefold() == store.casefold()]

    def order_timeline(self, number: str, store: str = "") -> list[EventRow]:
        """Everything the log says of order ``number`` of ``store`` (its journal id; the
        profile's journal's store when not given), oldest first."""
        return timeline(self.journal.for_store(store or self.journal.store), number)

    def needs_you(self, looks: Sequence[Look] = ()) -> NeedsYou:
        """Everything the merchant must act on; its ``count`` is the one count shown in the
        window, the tray and ``desktop-sync status``. ``looks`` add what a window's cycles
        said needs a look to the saved notices (each once)."""
        return self._needs_you_of(self.journal, looks)

    def needs_you_apart(self, looks: Sequence[Look] = ()) -> NeedsYou:
        """``needs_you`` on a journal connection of its own, for a worker thread: the window
        reads it there, so a long list never holds the window up."""
        with Journal(journal_path(self._env)) as journal:
            return self._needs_you_of(journal, looks)

    def _needs_you_of(self, journal: Journal, looks: Sequence[Look]) -> NeedsYou:
        notices = load_notices(data_dir(self._env) / NOTICES_FILE)
        saved = [Look(f.order_number, f.reason) for f in notices.attention]
        listed = needs_you(journal, list(dict.fromkeys([*saved, *looks])))
        return NeedsYou(_failed_alike_once(listed.rows))

    def month(self, now: datetime | None = None, days: int = 30) -> Month:
        """Orders sent and shipments sent to the store per day, oldest day first, store by
        store (each named as the merchant named it; a removed store by its id)."""
        return self._month_of(self.journal, now, days)

    def month_apart(self, now: datetime | None = None, days: int = 30) -> Month:
        """``month`` on a journal connection of its own, for a worker thread: the dashboard
        reads it there at each cycle's end, so the window never waits for it."""
        with Journal(journal_path(self._env)) as journal:
            return self._month_of(journal, now, days)

    def _month_of(self, journal: Journal, now: datetime | None, days: int) -> Month:
        stores = self.stores()
        month = per_day(journal, now or utc_now(), days, [s.id for s in stores])
        return month.named({s.id: s.label for s in stores})

    def preview_backfill(
        self, since: datetime | str, *, store: str | None = None
    ) -> BackfillPreview:
        """What "Also send orders placed since" (``backfill``) would send, before anything
        is sent: of the same stores, every one or ``store``. It lists each store's orders,
        so the window calls it on a worker thread; a store's errors (offline, refused key)
        are raised with their sentence."""
        moment = parse_start(since) if isinstance(since, str) else since
        wanted = [s.id for s in self.stores(store)]
        profiles = {p.store_id: p for p in self._in_use(store)}
        if any(i not in profiles for i in wanted):  # the window's own profile alone
            profiles = {p.store_id: p for p in self.load_profiles(store=store)}
        notice = self.backfill_notice(moment, store=store)
        in_order = [profiles[i] for i in wanted if i in profiles]
        return preview_backfill(in_order, journal_path(self._env), moment, notice)

    # -- actions -------------------------------------------------------------------------

    def _of_stores(self, ids: Iterable[str], stores: Sequence[str]) -> list[tuple[Journal, str]]:
        """Each order or shipment id with its store's journal (``stores``: each one's store
        id; none given: the profile's journal's store)."""
        ids = list(ids)
        chosen = list(stores) or [self.journal.store] * len(ids)
        return [(self.journal.for_store(s), i) for s, i in zip(chosen, ids, strict=True)]

    def retry_orders(
        self,
        store_order_ids: Iterable[str],
        shipment_ids: Iterable[str] = (),
        *,
        stores: Sequence[str] = (),
        shipment_stores: Sequence[str] = (),
    ) -> int:
        """Make these failed orders (of ``stores``, one per order) and shipments (of
        ``shipment_stores``, one per shipment) due at the next sync; how many."""
        self._require_lock()
        count = sum(j.requeue_order(i) for j, i in self._of_stores(store_order_ids, stores))
        shipments = self._of_stores(shipment_ids, shipment_stores)
        return count + sum(j.requeue_shipment(i) for j, i in shipments)

    def send_anyway(self, store_order_ids: Sequence[str], *, stores: Sequence[str] = ()) -> int:
        """Send these held orders at the next sync, by the same rules as a backfill: whatever
        their store status or the day they were placed, never when cancelled or unpaid (the
        push asks the store again first). How many were queued."""
        self._require_lock()
        queued = 0
        for journal, store_order_id in self._of_stores(store_order_ids, stores):
            line = self._order_by_id(journal, store_order_id)
            if line is None:
                continue
            order_facts.send_anyway(journal, store_order_id)
            if journal.get_order(store_order_id) is None:
                journal.record_order_seen(store_order_id, line.number, line.placed, line.placed)
            else:
                journal.requeue_order(store_order_id)
            journal.add_event(
                utc_now(),
                Level.INFO,
                Direction.PUSH,
                "Send anyway: the order is sent at the next sync unless it is cancelled or "
                "unpaid in the store.",
                order_number=line.number,
            )
            queued += 1
        return queued

    def _order_by_id(self, journal: Journal, store_order_id: str) -> OrderLine | None:
        """The order ``store_order_id`` of ``journal``'s store."""
        order_facts.ensure_tables(journal)
        rows = journal.read(
            "SELECT order_number FROM order_facts WHERE store = ? AND store_order_id = ? "
            "UNION ALL SELECT order_number FROM orders WHERE store = ? AND store_order_id = ?",
            (journal.store, store_order_id, journal.store, store_order_id),
        )
        for row in rows:
            for line in self.find_orders(str(row[0])):
                if line.store_id == journal.store and line.store_order_id == store_order_id:
                    return line
        return None

    def dismiss(self, keys: Iterable[str]) -> None:
        """Needs you no longer lists these (``NeedsYouRow.keys``)."""
        self._require_lock()
        for key in keys:
            order_facts.dismiss(self.journal, key)

    def dismiss_order(self, line: OrderLine) -> None:
        """Needs you no longer lists this one order (Dismiss in its details)."""
        key = order_key(
            line.store_id, line.store_order_id, line.reason, before_start=line.before_start
        )
        self.dismiss([key])

    # -- before a backfill ---------------------------------------------------------------

    def backfill_notice(self, since: datetime | str, *, store: str | None = None) -> str:
        """What the merchant must hear before a backfill from ``since`` of every store in
        use (``store``: that one): each store's sentence (see ``store_backfill_notice``),
        named by its store when there are several."""
        try:
            profiles = self._in_use(store)
        except DesktopSyncError as exc:
            log.info("The stores were not asked about their order history: %s", exc)
            return ""
        notices = [(p.store_name, self.store_backfill_notice(since, p)) for p in profiles]
        if len(profiles) == 1:
            return notices[0][1]
        return " ".join(f"{name}: {text}" for name, text in notices if text)

    def store_backfill_notice(self, since: datetime | str, profile: Profile | None = None) -> str:
        """What the merchant must hear before a backfill from ``since``: "" when the store
        will show every order from then on, else its sentence (Shopify's 60 days without
        ``read_all_orders``). It asks the store, so the window calls it on a worker thread.

        A store that cannot be asked (not set up, offline) holds no backfill back: the answer
        is then "" and the log says why; the scan itself logs the limit when it meets it.
        ``BadStartDate`` for a date that is not one, as ``backfill`` does.
        """
        from desktop_sync.app.wiring import make_store_connector

        moment = start_of(since)
        try:
            profile = profile or self.profile
            store = make_store_connector(
                profile.store_platform, profile.store_url, profile.store_key, profile.store_secret
            )
        except DesktopSyncError as exc:
            log.info("The store was not asked about its order history: %s", exc)
            return ""
        try:
            return store.backfill_notice(moment) if isinstance(store, _LimitedHistory) else ""
        except DesktopSyncError as exc:
            log.info("The store could not say how far back it shows orders: %s", exc)
            return ""
        finally:
            store.close()
