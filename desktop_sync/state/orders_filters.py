"""Which orders a query of the orders view matches, in SQL: its filter (needs me, waiting,
sent, shipped), its store, its date and its text search, over each of the two places a store
order is kept (the journal's ``orders``, and the orders placed before the start, which the
engine never takes in). ``orders_view`` reads pages with these; Needs you reads its groups.

Every filter is walked along an index newest placed first, with the store as the last
tiebreak (schema step 5): a page stops after its rows, never sorting the whole journal.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from desktop_sync.state.order_facts import SEARCH_TABLE, folded
from desktop_sync.state.records import iso

__all__ = ["SOURCES", "OrdersQuery", "Show", "Source", "page_order", "where"]


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
class Source:
    """One place store orders are kept, and how each filter reads it."""

    columns: str
    """The row ``orders_view`` makes a line of (the same columns in each source)."""
    tables: str
    bare: str
    """The source's own table alone: what a filter reads (its conditions never need the
    other), and a page's rows are then joined to their facts, a page at a time."""
    table: str
    rowid: str
    id: str
    number: str
    placed: str
    store: str
    state: str
    """The journal's state of a row, and below its reason and whether it was placed before
    the start: what Needs you groups by."""
    reason: str
    before_start: str
    always: str
    """What every row of this source meets ("" for none)."""
    shown: dict[Show, str]
    """Each filter's condition; a filter missing here matches no row of this source."""

    @property
    def select(self) -> str:
        return f"SELECT {self.columns} FROM {self.tables}"


_TRIGRAM = 3
"""The shortest search the trigram index answers."""
_BEFORE_START_REASON = "'Placed before the app started sending orders.'"
_HOLD = (
    "COALESCE((SELECT h.hold FROM order_facts h "
    "WHERE h.store = o.store AND h.store_order_id = o.store_order_id), '')"
)
_HELD = (
    f"(o.state = 'skipped' AND ({_HOLD} = 'status' OR "
    f"(o.last_error LIKE 'Not sent yet:%' AND {_HOLD} = '')))"
)
# One row per store order: the journal's orders, then the orders placed before the start.
# Each source is read by its own indexed query (a UNION would sort every row) and their pages
# are merged. The state first in "needs me" is the partial index's own condition (it holds
# just the failed and skipped orders, with what Needs you reads of them); the unary + on
# shipped_at keeps "sent" and "shipped" on the index by state and placing time.
SOURCES = (
    Source(
        columns="o.store_order_id, o.order_number, o.store_created_at, o.state, "
        "o.orderdesk_order_id, o.last_error, o.shipped_at, o.facts_seen, o.store, "
        "COALESCE(f.platform, ''), COALESCE(f.customer, ''), COALESCE(f.total, ''), "
        "COALESCE(f.currency, ''), COALESCE(f.folder, ''), COALESCE(f.hold, ''), "
        "COALESCE(f.store_status, ''), 0, COALESCE(f.updated_at, '')",
        tables="orders o LEFT JOIN order_facts f "
        "ON f.store = o.store AND f.store_order_id = o.store_order_id",
        bare="orders o",
        table="orders",
        rowid="o.rowid",
        id="o.store_order_id",
        number="o.order_number",
        placed="o.store_created_at",
        store="o.store",
        state="o.state",
        reason="o.last_error",
        before_start="0",
        always="",
        shown={
            Show.ALL: "",
            Show.NEEDS_ME: f"o.state IN ('failed', 'skipped') AND (o.state = 'failed' OR {_HELD}) "
            "AND NOT EXISTS (SELECT 1 FROM needs_you_dismissed d WHERE d.key = 'order:' || "
            "o.store || ':' || o.store_order_id || ':' || o.last_error)",
            Show.WAITING: "o.state IN ('pending', 'sending')",
            Show.SENT: "o.state = 'sent' AND +o.shipped_at IS NULL",
            Show.SHIPPED: "o.state = 'sent' AND +o.shipped_at IS NOT NULL",
        },
    ),
    Source(
        columns=f"f.store_order_id, f.order_number, f.placed, 'skipped', NULL, "
        f"{_BEFORE_START_REASON}, NULL, '', f.store, f.platform, f.customer, f.total, "
        "f.currency, f.folder, f.hold, f.store_status, 1, f.updated_at",
        tables="order_facts f",
        bare="order_facts f",
        table="order_facts",
        rowid="f.rowid",
        id="f.store_order_id",
        number="f.order_number",
        placed="f.placed",
        store="f.store",
        state="'skipped'",
        reason=_BEFORE_START_REASON,
        before_start="1",
        always="f.before_start = 1 AND NOT EXISTS (SELECT 1 FROM orders o "
        "WHERE o.store = f.store AND o.store_order_id = f.store_order_id)",
        shown={
            Show.ALL: "",
            Show.NEEDS_ME: "NOT EXISTS (SELECT 1 FROM needs_you_dismissed d WHERE d.key = "
            "'order:' || f.store || ':' || f.store_order_id || ':before start')",
        },
    ),
)


def page_order(source: Source, query: OrdersQuery) -> tuple[str, ...]:
    """The columns pages are walked by, newest first: placed, then the store order id, then
    the store (two stores may both have an order 100 placed at the same moment). Of one
    store, the store adds nothing, and the store's own index serves the page."""
    columns = (source.placed, source.id, source.store)
    return columns[:2] if query.store else columns


def where(source: Source, query: OrdersQuery) -> tuple[str, list[object]] | None:
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
