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
from desktop_sync.state.order_facts import SEARCH_TABLE, Hold, ensure_tables, folded
from desktop_sync.state.records import EventRow, event_from, iso, parse_time, utc_now
from desktop_sync.state.states import OrderState, ShipmentState

__all__ = [
    "OrderGroup",
    "OrderLine",
    "OrderWord",
    "OrdersQuery",
    "PageKey",
    "Show",
    "TrackingLine",
    "count_orders",
    "find_orders",
    "order_groups",
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


class Show(enum.StrEnum):
    """The orders view's filters."""

    ALL = "all"
    NEEDS_ME = "needs me"
    WAITING = "waiting"
    SENT = "sent"
    SHIPPED = "shipped"


@dataclass(frozen=True)
class OrdersQuery:
    show: Show = Show.ALL
    store: str = ""
    """Only this store's orders: its id in the journal ("" for every store)."""
    text: str = ""
    """An order number, a customer's name or a tracking number (or part of one)."""
    since: datetime | None = None
    """Only orders placed since then."""


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
    before_start: bool = False
    store_id: str = ""
    """The store's id in the journal, which the actions on the order take."""
    key: PageKey = field(default=PageKey("", "", ""), compare=False)

    @property
    def needs_me(self) -> bool:
        return self.state in (OrderWord.FAILED, OrderWord.HELD)


# One row per store order: the journal's orders, then the orders placed before the start,
# which the engine never takes into ``orders`` (they are not to be sent). Each source is read
# by its own indexed query (a UNION would sort every row) and their pages are merged.
_JOURNAL_ORDERS = """
SELECT o.store_order_id, o.order_number, o.store_created_at, o.state, o.orderdesk_order_id,
       o.last_error, o.shipped_at, o.facts_seen, o.store, COALESCE(f.platform, ''),
       COALESCE(f.customer, ''), COALESCE(f.total, ''), COALESCE(f.currency, ''),
       COALESCE(f.folder, ''), COALESCE(f.hold, ''), COALESCE(f.store_status, ''), 0
FROM orders o LEFT JOIN order_facts f
    ON f.store = o.store AND f.store_order_id = o.store_order_id
"""
_BEFORE_START = """
SELECT f.store_order_id, f.order_number, f.placed, 'skipped', NULL,
       'Placed before the app started sending orders.', NULL, '', f.store, f.platform,
       f.customer, f.total, f.currency, f.folder, f.hold, f.store_status, 1
FROM order_facts f
"""
_TRIGRAM = 3
"""The shortest search the trigram index answers."""
_BEFORE_START_ONLY = (
    "f.before_start = 1 AND NOT EXISTS "
    "(SELECT 1 FROM orders o WHERE o.store = f.store AND o.store_order_id = f.store_order_id)"
)


@dataclass(frozen=True)
class _Source:
    select: str
    table: str
    rowid: str
    id: str
    number: str
    placed: str
    store: str
    always: str
    """What every row of this source meets ("" for none)."""
    shown: dict[Show, str]
    """Each filter's condition; a filter missing here matches no row of this source."""


_HELD = "(o.state = 'skipped' AND (f.hold = 'status' OR "
_HELD += "(COALESCE(f.hold, '') = '' AND o.last_error LIKE 'Not sent yet:%')))"
_SOURCES = (
    _Source(
        _JOURNAL_ORDERS,
        "orders",
        "o.rowid",
        "o.store_order_id",
        "o.order_number",
        "o.store_created_at",
        "o.store",
        "",
        {
            Show.ALL: "",
            Show.NEEDS_ME: f"(o.state = 'failed' OR {_HELD}) AND NOT EXISTS (SELECT 1 FROM "
            "needs_you_dismissed d WHERE d.key = 'order:' || o.store || ':' || "
            "o.store_order_id || ':' || o.last_error)",
            Show.WAITING: "o.state IN ('pending', 'sending')",
            Show.SENT: "o.state = 'sent' AND o.shipped_at IS NULL",
            Show.SHIPPED: "o.state = 'sent' AND o.shipped_at IS NOT NULL",
        },
    ),
    _Source(
        _BEFORE_START,
        "order_facts",
        "f.rowid",
        "f.store_order_id",
        "f.order_number",
        "f.placed",
        "f.store",
        _BEFORE_START_ONLY,
        {
            Show.ALL: "",
            Show.NEEDS_ME: "NOT EXISTS (SELECT 1 FROM needs_you_dismissed d WHERE d.key = "
            "'order:' || f.store || ':' || f.store_order_id || ':before start')",
        },
    ),
)


def _where(source: _Source, query: OrdersQuery) -> tuple[str, list[object]] | None:
    """The WHERE clause of ``source`` for ``query``; None when no row of it can match."""
    if query.show not in source.shown:
        return None
    clauses = [c for c in (source.always, source.shown[query.show]) if c]
    params: list[object] = []
    if query.store:
        clauses.append(f"{source.store} = ?")
        params.append(query.store)
    if query.since is not None:
        clauses.append(f"{source.placed} >= ?")
        params.append(iso(query.since))
    needle = folded(query.text.strip().lstrip("#"))
    if len(needle) >= _TRIGRAM:
        # The trigram index finds any part of a number, a name or a tracking number.
        # The unary + keeps SQLite walking the orders newest first and checking each against
        # the matches (it stops at a page), rather than sorting every match: a name found in
        # thousands of orders answers as fast as a tracking number found in one.
        clauses.append(
            f"(+{source.store}, +{source.id}) IN (SELECT store, store_order_id "
            f"FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH ?)"
        )
        params.append('"' + needle.replace('"', '""') + '"')
    elif needle:
        # Too short for the index: each subquery reads its column once for the query.
        clauses.append(
            f"({source.rowid} IN (SELECT rowid FROM {source.table} "
            f"WHERE instr(lower(order_number), ?) > 0) OR ({source.store}, {source.id}) IN "
            "(SELECT store, store_order_id FROM order_facts WHERE instr(customer_folded, ?) > 0) "
            f"OR ({source.store}, {source.id}) IN (SELECT store, store_order_id FROM shipments "
            "WHERE instr(lower(tracking_number), ?) > 0))"
        )
        params += [needle, needle, needle]
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


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
    for source in _SOURCES:
        found = _where(source, query)
        if found is None:
            continue
        where, params = found
        if after is not None:
            where += (" AND " if where else " WHERE ") + f"{_key(source)} < (?, ?, ?)"
            params += [after.placed, after.store_order_id, after.store]
        order = ", ".join(f"{column} DESC" for column in _key(source)[1:-1].split(", "))
        rows += journal.read(f"{source.select}{where} ORDER BY {order} LIMIT ?", [*params, limit])
    rows.sort(key=_row_key, reverse=True)
    return _lines(journal, rows[:limit], default_platform)


def _key(source: _Source) -> str:
    """The row value pages are walked by: placed, then the store order id, then the store
    (two stores may both have an order 100 placed at the same moment)."""
    return f"({source.placed}, {source.id}, {source.store})"


def _row_key(row: Sequence[object]) -> tuple[str, str, str]:
    return str(row[2]), str(row[0]), str(row[8])


def count_orders(journal: Journal, query: OrdersQuery) -> int:
    ensure_tables(journal)
    total = 0
    for source in _SOURCES:
        found = _where(source, query)
        if found is not None:
            where, params = found
            tables = source.select.split("FROM", 1)[1]
            if "f." not in where and " JOIN " in tables:  # SQLite would still walk the join
                tables = tables.split(" LEFT JOIN ", 1)[0] + "\n"
            total += int(journal.read(f"SELECT COUNT(*) FROM{tables}{where}", params)[0][0])
    return total


@dataclass(frozen=True)
class OrderGroup:
    """The orders a query matches that share a state and a reason (oldest placed first)."""

    state: OrderWord
    reason: str
    before_start: bool
    store_order_ids: tuple[str, ...]
    numbers: tuple[str, ...]
    stores: tuple[str, ...]
    """Each order's store id, in the order of ``store_order_ids``."""


_COLUMN_NAMES = ",".join(f"c{i}" for i in range(17))


def order_groups(journal: Journal, query: OrdersQuery) -> list[OrderGroup]:
    """``query``'s orders grouped by state and reason, in SQLite (no row object per order):
    Needs you reads thousands of held orders this way in a few milliseconds."""
    ensure_tables(journal)
    groups: list[OrderGroup] = []
    for source in _SOURCES:
        found = _where(source, query)
        if found is None:
            continue
        where, params = found
        rows = journal.read(
            f"WITH matched({_COLUMN_NAMES}) AS ({source.select}{where} "
            f"ORDER BY {source.placed}, {source.id}) SELECT c3, c5, c16, "
            "group_concat(c0, char(31)), group_concat(c1, char(31)), group_concat(c8, char(31)) "
            "FROM matched "
            "GROUP BY c3, c5, c16 ORDER BY min(c2)",
            params,
        )
        for jstate, reason, before, ids, numbers, stores in rows:
            word = OrderWord.FAILED if jstate == OrderState.FAILED else OrderWord.HELD
            groups.append(
                OrderGroup(
                    word,
                    str(reason or ""),
                    bool(before),
                    tuple(str(ids).split("\x1f")),
                    tuple(str(numbers).split("\x1f")),
                    tuple(str(stores).split("\x1f")),
                )
            )
    return groups


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
    for source in _SOURCES:
        where = " AND ".join(c for c in (source.always, f"{source.number} = ?") if c)
        rows += journal.read(f"{source.select} WHERE {where}", (wanted,))
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
        folder=str(row[13]),
        tracking=tracking,
        fulfilled=shipped,
        store_status=str(row[15]),
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
