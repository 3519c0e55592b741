"""Which Order Desk orders are parts of an order this journal sent, and which store lines each
of their shipments covers (sync rule 3; pure, no I/O).

A sent order's parts are the Order Desk order the journal recorded when it was sent, and the
orders Order Desk split off it. A split copies the original's ``order_metadata`` (the store's
identity and the store order id) and keeps its ``source_name`` and ``source_id``, perhaps with a
suffix ("100-1"); a part is known by those alone. Its ``date_added`` is not read: Order Desk
does not say whether a part keeps the original's or is dated when split. An order that only
claims the same number (another store of the same platform numbering from 100 too, one typed
by hand without this app's metadata) is not a part, and the pull leaves it alone. An order
sent before the store's identity was written names no store, and another store's such order
100 can carry the very same metadata: its parts are known by the original's date too, as the
release that sent it read splits.

A shipment naming items covers those. One naming none covers every line of its part not yet
covered; only when nothing is left is it another tracking number for the part's last
fulfillment.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from desktop_sync.connectors.orderdesk.models import Order
from desktop_sync.engine.identity import STORE_KEY
from desktop_sync.engine.mapping import STORE_ORDER_ID_KEY
from desktop_sync.state.states import ShipmentKind

__all__ = ["Lines", "claimed_store_order_id", "is_split_of", "lines_left", "plan_shipment"]

Lines = tuple[tuple[str, int], ...]
"""(store line id, quantity) pairs, as the journal keeps them."""


def claimed_store_order_id(order: Order) -> str:
    """The store order id the Order Desk order says it came from ("" when none)."""
    return str(order.order_metadata.get(STORE_ORDER_ID_KEY) or "").strip()


def is_split_of(candidate: Order, original: Order) -> bool:
    """True when ``candidate`` is an order Order Desk split off ``original``: it carries
    what a split copies (whatever date Order Desk gives it), and ``original`` names a store
    order this app sent."""
    return (
        candidate.id != original.id
        and bool(claimed_store_order_id(original))
        and candidate.source_name == original.source_name
        and candidate.source_id.startswith(original.source_id)
        and dict(candidate.order_metadata) == dict(original.order_metadata)
        and (bool(original.order_metadata.get(STORE_KEY)) or _dated_alike(candidate, original))
    )


def _dated_alike(candidate: Order, original: Order) -> bool:
    return candidate.date_added is not None and candidate.date_added == original.date_added


def lines_left(whole: Lines, covered: Mapping[str, int]) -> Lines:
    """The lines (and quantities) of ``whole`` that ``covered`` does not cover yet."""
    left = []
    for line_id, quantity in whole:
        rest = quantity - covered.get(line_id, 0)
        if rest > 0:
            left.append((line_id, rest))
    return tuple(left)


def add_lines(counter: Counter[str], lines: Iterable[tuple[str, int]]) -> None:
    for line_id, quantity in lines:
        counter[line_id] += quantity


@dataclass(frozen=True)
class ShipmentPlan:
    kind: ShipmentKind
    """``fulfil`` (a new store fulfillment) or ``add_tracking`` (another number on one)."""
    lines: Lines


def plan_shipment(
    named: Lines | None, whole: Lines, covered: Counter[str], fulfilled: Sequence[Lines]
) -> ShipmentPlan | None:
    """What one shipment does; ``covered`` grows by the lines it takes.

    ``named`` is the lines a shipment names (None when it names none), ``whole`` the part's
    shippable lines, ``fulfilled`` the lines of the part's fulfillments so far, oldest first.
    None when the shipment has nothing to cover and no fulfillment to add its number to.
    """
    if named is not None:
        add_lines(covered, named)
        return ShipmentPlan(ShipmentKind.FULFIL, named)
    left = lines_left(whole, covered)
    if left:
        add_lines(covered, left)
        return ShipmentPlan(ShipmentKind.FULFIL, left)
    if fulfilled:
        return ShipmentPlan(ShipmentKind.ADD_TRACKING, fulfilled[-1])
    return None
