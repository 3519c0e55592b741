"""Needs you: every order the merchant must act on, in one list with one count. Failed
orders, orders held by the statuses chosen in Settings, orders placed before the start, failed
shipments, and the orders the cycles said need a look (cancelled after shipping, refunds).

Rows with the same reason collapse into one ("8 orders placed before setup, not sent"), so a
restart or a backlog never floods the list. Read only; ``order_facts.dismiss`` hides a row.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from desktop_sync.state.journal import Journal
from desktop_sync.state.order_facts import ensure_tables
from desktop_sync.state.orders_filters import SOURCES, OrdersQuery, Show, where
from desktop_sync.state.orders_view import OrderWord
from desktop_sync.state.states import OrderState, ShipmentState

__all__ = ["Action", "Look", "NeedsYou", "NeedsYouRow", "needs_you", "order_key", "orders_said"]

# At most this many failed shipments are listed.
_READ_AT_MOST = 2000
BEFORE_START = "before start"
"""The reason in the Dismiss key of an order placed before the start (``orders_view`` filters
on the same words)."""


class Action(enum.StrEnum):
    """What the row's button does (Dismiss is always offered)."""

    RETRY = "Retry"
    SEND_ANYWAY = "Send anyway"
    NONE = ""


@dataclass(frozen=True)
class Look:
    """An order the cycles said needs a look though nothing failed (``Failure`` in the
    engine's words): its number and why."""

    order_number: str
    reason: str


@dataclass(frozen=True)
class NeedsYouRow:
    title: str
    """The row as the merchant reads it: "8 orders placed before setup, not sent"."""
    reason: str
    action: Action
    button: str
    """The action's words for this row ("Send them", "Retry", "Send anyway")."""
    order_numbers: tuple[str, ...]
    store_order_ids: tuple[str, ...] = ()
    stores: tuple[str, ...] = ()
    """The store id of each of ``store_order_ids`` (two stores may both have an order 100)."""
    shipment_ids: tuple[str, ...] = ()
    shipment_stores: tuple[str, ...] = ()
    """The store id of each of ``shipment_ids``."""
    keys: tuple[str, ...] = ()
    """What Dismiss records, one per order, shipment or notice in the row."""
    said: str = ""
    """The title without the orders it names ("Held, not sent yet: their payment ..."), for
    a list whose first column names them; "" when the title is all there is."""

    @property
    def count(self) -> int:
        return len(self.keys)


@dataclass(frozen=True)
class NeedsYou:
    rows: tuple[NeedsYouRow, ...]

    @property
    def count(self) -> int:
        """Orders, shipments and notices in the list (a collapsed row counts each)."""
        return sum(row.count for row in self.rows)


def order_key(store: str, store_order_id: str, reason: str, *, before_start: bool) -> str:
    """What Dismiss records for one order (``orders_filters`` reads the same words): its
    store, its id and why it is listed, so the same order listed again for another reason
    is shown again."""
    return f"order:{store}:{store_order_id}:{BEFORE_START if before_start else reason}"


def _dismissed(journal: Journal, keys: Iterable[str]) -> set[str]:
    wanted = list(keys)
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = journal.read(f"SELECT key FROM needs_you_dismissed WHERE key IN ({marks})", chunk)
        found.update(r[0] for r in rows)
    return found


@dataclass(frozen=True)
class _OrderGroup:
    """The orders that need the merchant for the same reason (oldest placed first)."""

    state: OrderWord
    reason: str
    before_start: bool
    store_order_ids: tuple[str, ...]
    numbers: tuple[str, ...]
    stores: tuple[str, ...]
    """Each order's store id, in the order of ``store_order_ids``."""


def _order_groups(journal: Journal) -> list[_OrderGroup]:
    """The "needs me" orders grouped by state and reason in SQLite, with no row object per
    order. The journal's part is read from its partial index of failed and skipped orders
    alone, walked by state, reason and placing time: no sort, and no row of the table read
    (thousands of held orders in a journal of 100,000 take a few tens of milliseconds)."""
    groups: list[_OrderGroup] = []
    for source in SOURCES:
        found = where(source, OrdersQuery(show=Show.NEEDS_ME))
        if found is None:
            continue
        clause, params = found
        rows = journal.read(
            f"SELECT {source.state}, {source.reason}, {source.before_start}, "
            f"group_concat({source.id}, char(31)), group_concat({source.number}, char(31)), "
            f"group_concat({source.store}, char(31)) FROM {source.bare}{clause} "
            f"GROUP BY {source.state}, {source.reason} ORDER BY min({source.placed})",
            params,
        )
        for jstate, reason, before, ids, numbers, stores in rows:
            word = OrderWord.FAILED if jstate == OrderState.FAILED else OrderWord.HELD
            groups.append(
                _OrderGroup(
                    word,
                    str(reason or ""),
                    bool(before),
                    tuple(str(ids).split("\x1f")),
                    tuple(str(numbers).split("\x1f")),
                    tuple(str(stores).split("\x1f")),
                )
            )
    return groups


# A held order's reason names one order ("its status ... it is sent once it reaches"); said
# of several, the same words in the plural.
_NOT_SENT_YET = "Not sent yet: "
_OF_SEVERAL = (("its ", "their "), ("it is sent once it reaches", "they are sent once they reach"))


def orders_said(count: int, first: str, word: OrderWord, reason: str) -> tuple[str, str]:
    """What Needs you says of ``count`` orders (the first numbered ``first``) that are
    ``word`` (held or failed) for ``reason``: the whole sentence ("2 orders held, not sent
    yet: their payment ...") and the same without the orders it names ("Held, not sent yet:
    ...").
    The window's list, the tray and ``desktop-sync status`` all say these words."""
    who = f"{count:,} orders" if count > 1 else f"Order {first}"
    reason = reason.strip()
    if reason.startswith(_NOT_SENT_YET):
        rest = reason.removeprefix(_NOT_SENT_YET)
        if count > 1:
            for one, several in _OF_SEVERAL:
                rest = rest.replace(one, several)
        what = f"{word.value}, not sent yet: {rest}"
    else:
        what = f"{word.value}. {reason}" if reason else f"{word.value}."
    return f"{who} {what}", what[:1].upper() + what[1:]


def _orders_title(group: _OrderGroup) -> tuple[str, str, Action, str]:
    many = len(group.numbers) > 1
    if group.before_start:
        who = f"{len(group.numbers):,} orders" if many else f"Order {group.numbers[0]}"
        placed = "placed before setup, not sent" if many else "was placed before setup, not sent"
        button = "Send them" if many else "Send it"
        return f"{who} {placed}", "Placed before setup, not sent", Action.SEND_ANYWAY, button
    title, said = orders_said(len(group.numbers), group.numbers[0], group.state, group.reason)
    if group.state is OrderWord.HELD:
        return title, said, Action.SEND_ANYWAY, "Send anyway"
    return title, said, Action.RETRY, "Retry"


def _order_rows(journal: Journal) -> list[NeedsYouRow]:
    rows = []
    for group in _order_groups(journal):
        title, said, action, button = _orders_title(group)
        rows.append(
            NeedsYouRow(
                title=title,
                said=said,
                reason=group.reason,
                action=action,
                button=button,
                order_numbers=group.numbers,
                store_order_ids=group.store_order_ids,
                stores=group.stores,
                keys=tuple(
                    order_key(store, i, group.reason, before_start=group.before_start)
                    for store, i in zip(group.stores, group.store_order_ids, strict=True)
                ),
            )
        )
    return rows


def _shipment_rows(journal: Journal) -> list[NeedsYouRow]:
    # The state as a literal: the partial index of failed shipments answers it.
    found = journal.read(
        "SELECT store, shipment_id, order_number, tracking_number, last_error FROM shipments "
        f"WHERE state = '{ShipmentState.FAILED.value}' ORDER BY created_at, shipment_id, store "
        "LIMIT ?",
        (_READ_AT_MOST,),
    )
    # Keyed by store too: two stores' Order Desk accounts may both have a shipment 9001.
    keys = {(r[0], r[1]): f"shipment:{r[0]}:{r[1]}:{r[4]}" for r in found}
    hidden = _dismissed(journal, keys.values())
    groups: dict[str, list[tuple[str, str, str, str]]] = {}
    for store, shipment_id, number, tracking, error in found:
        if keys[store, shipment_id] not in hidden:
            groups.setdefault(error, []).append((shipment_id, number, tracking, store))
    rows = []
    for error, group in groups.items():
        many = len(group) > 1
        who = f"{len(group):,} shipments" if many else f"Order {group[0][1]}, {group[0][2]}"
        rows.append(
            NeedsYouRow(
                title=f"{who} not sent to the store. {error}",
                said=f"Not sent to the store. {error}",
                reason=error,
                action=Action.RETRY,
                button="Retry",
                order_numbers=tuple(g[1] for g in group),
                shipment_ids=tuple(g[0] for g in group),
                shipment_stores=tuple(g[3] for g in group),
                keys=tuple(keys[g[3], g[0]] for g in group),
            )
        )
    return rows


def _look_rows(journal: Journal, looks: Sequence[Look]) -> list[NeedsYouRow]:
    keys = [f"notice:{look.order_number}:{look.reason}" for look in looks]
    hidden = _dismissed(journal, keys)
    return [
        NeedsYouRow(
            title=f"Order {look.order_number}: {look.reason}",
            said=look.reason,
            reason=look.reason,
            action=Action.NONE,
            button="",
            order_numbers=(look.order_number,),
            keys=(key,),
        )
        for look, key in zip(looks, keys, strict=True)
        if key not in hidden
    ]


def needs_you(journal: Journal, looks: Sequence[Look] = ()) -> NeedsYou:
    """The list, failed first, then held, then the notices (``looks``)."""
    ensure_tables(journal)
    orders = _order_rows(journal)
    failed = [r for r in orders if r.action is Action.RETRY]
    held = [r for r in orders if r.action is not Action.RETRY]
    return NeedsYou(tuple(failed + _shipment_rows(journal) + held + _look_rows(journal, looks)))
