"""The merchant's orders, one row per store order, read from the journal a page at a time:
where each order stands (waiting, held, sent, failed, cancelled, partly shipped, shipped), its
Order Desk ids and folder, its tracking numbers, and whether the store shows it fulfilled.

Read only. A page is one indexed query plus one for the page's shipments, never the whole
journal; the filters and the text search run in SQLite.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from desktop_sync.state.journal import Journal
from desktop_sync.state.order_facts import Hold, ensure_tables, folder_shown
from desktop_sync.state.orders_filters import SOURCES, OrdersQuery, Show, page_order, where
from desktop_sync.state.records import EventRow, event_from, parse_time, utc_now
from desktop_sync.state.states import OrderState, ShipmentState

__all__ = [
    "OrderLine",
    "OrderWord",
    "OrdersQuery",
    "PageKey",
    "Show",
    "TrackingLine",
    "count_orders",
    "find_orders",
    "orders_page",
    "timeline",
]


class OrderWord(enum.StrEnum):
    """Where an order stands, in the merchant's words."""

    WAITING = "waiting"
    HELD = "held"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    PARTLY_SHIPPED = "partly shipped"
    SHIPPED = "shipped"


@dataclass(frozen=True)
class PageKey:
    """Where a page ended: the next page starts after it (keyset paging)."""

    placed: str
    store_order_id: str
    store: str = ""
    """The order's store id: two stores' orders may share the moment and the id."""


@dataclass(frozen=True)
class TrackingLine:
    number: str
    carrier: str
    url: str
    in_store: bool
    """The shipment reached the store (a fulfillment, or tracking added to one)."""


@dataclass(frozen=True)
class OrderLine:
    store: str
    """The store: its id in the journal (the facade puts its name here)."""
    platform: str
    store_order_id: str
    number: str
    placed: datetime
    customer: str
    total: str
    currency: str
    state: OrderWord
    reason: str
    """The journal's last word on it when it is held or failed, else ""."""
    orderdesk_ids: tuple[str, ...]
    folder: str
    tracking: tuple[TrackingLine, ...]
    fulfilled: bool
    """Every line shipped and the store told."""
    store_status: str = ""
    status_read: datetime | None = None
    """When ``store_status`` was read: the last time the sync read the order from the store."""
    shipped_at: datetime | None = None
    """When the app told the store the last line had shipped (``fulfilled``)."""
    before_start: bool = False
    store_id: str = ""
    """The store's id in the journal, which the actions on the order take."""
    folder_id: int | None = None
    """The Order Desk id of ``folder`` when known (``folder`` is its name)."""
    key: PageKey = field(default=PageKey("", "", ""), compare=False)

    @property
    def needs_me(self) -> bool:
        return self.state in (OrderWord.FAILED, OrderWord.HELD)


def orders_page(
    journal: Journal,
    query: OrdersQuery,
    limit: int,
    *,
    after: PageKey | None = None,
    default_platform: str = "",
) -> list[OrderLine]:
    """Up to ``limit`` orders, newest placed first, after ``after`` (the previous page's
    last ``key``). ``default_platform`` is the platform of rows whose facts are not known."""
    ensure_tables(journal)
    rows: list[Sequence[object]] = []
    for source in SOURCES:
        found = where(source, query)
        if found is None:
            continue
        clause, params = found
        columns = page_order(source, query)
        if after is not None:
            marks = ", ".join("?" * len(columns))
            clause += (" AND " if clause else " WHERE ") + f"({', '.join(columns)}) < ({marks})"
            params += [after.placed, after.store_order_id, after.store][: len(columns)]
        order = " ORDER BY " + ", ".join(f"{column} DESC" for column in columns)
        # The page's rows are found on the source's own table (from its indexes alone where
        # they hold the filter's columns), and only those rows are joined to their facts.
        page = f"SELECT {source.rowid} FROM {source.bare}{clause}{order} LIMIT ?"
        rows += journal.read(
            f"{source.select} WHERE {source.rowid} IN ({page}){order}", [*params, limit]
        )
    rows.sort(key=_row_key, reverse=True)
    return _lines(journal, rows[:limit], default_platform)


def _row_key(row: Sequence[object]) -> tuple[str, str, str]:
    return str(row[2]), str(row[0]), str(row[8])


def count_orders(journal: Journal, query: OrdersQuery) -> int:
    ensure_tables(journal)
    total = 0
    for source in SOURCES:
        found = where(source, query)
        if found is not None:
            clause, params = found
            counted = f"SELECT COUNT(*) FROM {source.bare}{clause}"
            total += int(journal.read(counted, params)[0][0])
    return total


def find_orders(
    journal: Journal,
    number: str,
    *,
    default_platform: str = "",
) -> list[OrderLine]:
    """The orders numbered ``number`` (one per store, usually one), newest first."""
    ensure_tables(journal)
    wanted = number.strip().lstrip("#")
    rows: list[Sequence[object]] = []
    for source in SOURCES:
        clause = " AND ".join(c for c in (source.always, f"{source.number} = ?") if c)
        rows += journal.read(f"{source.select} WHERE {clause}", (wanted,))
    rows.sort(key=_row_key, reverse=True)
    return _lines(journal, rows, default_platform)


def _lines(
    journal: Journal, rows: Sequence[Sequence[object]], default_platform: str
) -> list[OrderLine]:
    """``rows`` as lines, each with its own store's shipments (two stores may both have an
    order 100)."""
    shipments: dict[tuple[str, str], list[tuple[str, ...]]] = {}
    ids = list({str(r[0]) for r in rows})
    marks = ",".join("?" * len(ids))
    for found in (
        journal.read(
            "SELECT store, store_order_id, orderdesk_order_id, tracking_number, carrier, "
            f"tracking_url, state FROM shipments WHERE store_order_id IN ({marks}) "
            "ORDER BY created_at, shipment_id",
            ids,
        )
        if ids
        else []
    ):
        shipments.setdefault((found[0], found[1]), []).append(tuple(found[2:]))
    return [_line(r, shipments.get((str(r[8]), str(r[0])), []), default_platform) for r in rows]


def _cancelled(facts: str) -> bool:
    try:
        return bool(json.loads(facts).get("cancelled")) if facts else False
    except (ValueError, AttributeError):
        return False


def _word(row: Sequence[object], shipped: bool, any_in_store: bool) -> OrderWord:
    jstate, reason, hold = str(row[3]), str(row[5] or ""), str(row[14])
    if row[16]:
        return OrderWord.HELD
    if jstate == OrderState.FAILED:
        return OrderWord.FAILED
    if jstate in (OrderState.PENDING, OrderState.SENDING):
        return OrderWord.WAITING
    if jstate == OrderState.SKIPPED:
        if hold == Hold.STATUS or (not hold and reason.startswith("Not sent yet:")):
            return OrderWord.HELD
        return OrderWord.CANCELLED
    if _cancelled(str(row[7] or "")):
        return OrderWord.CANCELLED
    if shipped:
        return OrderWord.SHIPPED
    return OrderWord.PARTLY_SHIPPED if any_in_store else OrderWord.SENT


def _line(
    row: Sequence[object],
    shipments: list[tuple[str, ...]],
    default_platform: str,
) -> OrderLine:
    orderdesk_ids = [str(row[4])] if row[4] else []
    for shipment in shipments:
        if shipment[0] and shipment[0] not in orderdesk_ids:
            orderdesk_ids.append(shipment[0])  # a split order ships under more than one id
    tracking = tuple(
        TrackingLine(s[1], s[2], s[3], s[4] == ShipmentState.DONE) for s in shipments if s[1]
    )
    shipped = row[6] is not None
    word = _word(row, shipped, any(t.in_store for t in tracking))
    folder, folder_id = folder_shown(str(row[13]), {})  # named by the facade
    return OrderLine(
        store=str(row[8]),
        platform=str(row[9]) or default_platform,
        store_order_id=str(row[0]),
        number=str(row[1]),
        placed=parse_time(str(row[2])) or utc_now(),
        customer=str(row[10]),
        total=str(row[11]),
        currency=str(row[12]),
        state=word,
        reason=str(row[5] or "") if word in (OrderWord.HELD, OrderWord.FAILED) else "",
        orderdesk_ids=tuple(orderdesk_ids),
        folder=folder,
        folder_id=folder_id,
        tracking=tracking,
        fulfilled=shipped,
        store_status=str(row[15]),
        status_read=parse_time(str(row[17] or "")),
        shipped_at=parse_time(str(row[6] or "")),
        before_start=bool(row[16]),
        store_id=str(row[8]),
        key=PageKey(*_row_key(row)),
    )


def timeline(journal: Journal, number: str, limit: int = 500) -> list[EventRow]:
    """The log lines about order ``number`` of ``journal``'s store, oldest first (another
    store's order of the same number has its own)."""
    ensure_tables(journal)
    rows = journal.read(
        "SELECT id, time, level, direction, order_number, orderdesk_order_id, message "
        "FROM events WHERE store = ? AND order_number = ? ORDER BY id DESC LIMIT ?",
        (journal.store, number, limit),
    )
    return [event_from(r) for r in reversed(rows)]
