"""The journal's rows as typed records, and the text form of times stored in SQLite."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from desktop_sync.state.states import OrderState, ShipmentKind, ShipmentState

__all__ = [
    "ORDER_COLUMNS",
    "SHIPMENT_COLUMNS",
    "EventRow",
    "JournalCounts",
    "OrderRow",
    "ShipmentRow",
    "event_from",
    "iso",
    "order_from",
    "parse_time",
    "shipment_from",
    "utc_now",
]


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class OrderRow:
    store_order_id: str
    order_number: str
    state: OrderState
    orderdesk_order_id: str | None
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    store_created_at: datetime
    store_updated_at: datetime
    updated_at: datetime
    facts_seen: str = ""
    """What the store last said of the order once sent (``engine.after_push``), as JSON."""
    facts_told: str = ""
    """What Order Desk has been told of it ("" until first known)."""
    needs_look: str = ""
    """Why the merchant should look at the order (a refund in part), "" when nothing."""


@dataclass(frozen=True)
class ShipmentRow:
    shipment_id: str
    orderdesk_order_id: str
    store_order_id: str
    order_number: str
    tracking_number: str
    carrier: str
    tracking_url: str
    shipment_method: str
    lines: tuple[tuple[str, int], ...]
    kind: ShipmentKind
    """A new store fulfillment, or another tracking number on one."""
    state: ShipmentState
    store_fulfillment_id: str | None
    attempts: int
    next_attempt_at: datetime | None
    last_error: str


@dataclass(frozen=True)
class EventRow:
    id: int
    time: datetime
    level: str
    direction: str
    order_number: str
    orderdesk_order_id: str
    message: str
    store: str = ""
    """The store whose sync wrote it: its id in the journal (events carry it since schema 4)."""


@dataclass(frozen=True)
class JournalCounts:
    sent: int = 0
    pending: int = 0
    failed: int = 0
    skipped: int = 0
    fulfillments: int = 0
    shipments_pending: int = 0
    shipments_failed: int = 0


ORDER_COLUMNS = (
    "store_order_id, order_number, state, orderdesk_order_id, attempts, next_attempt_at, "
    "last_error, store_created_at, store_updated_at, updated_at, facts_seen, facts_told, "
    "needs_look"
)
SHIPMENT_COLUMNS = (
    "shipment_id, orderdesk_order_id, store_order_id, order_number, tracking_number, carrier, "
    "tracking_url, shipment_method, lines, kind, state, store_fulfillment_id, attempts, "
    "next_attempt_at, last_error"
)


def order_from(row: sqlite3.Row) -> OrderRow:
    return OrderRow(
        store_order_id=row[0],
        order_number=row[1],
        state=OrderState(row[2]),
        orderdesk_order_id=row[3],
        attempts=row[4],
        next_attempt_at=parse_time(row[5]),
        last_error=row[6],
        store_created_at=parse_time(row[7]) or utc_now(),
        store_updated_at=parse_time(row[8]) or utc_now(),
        updated_at=parse_time(row[9]) or utc_now(),
        facts_seen=row[10],
        facts_told=row[11],
        needs_look=row[12],
    )


def shipment_from(row: sqlite3.Row) -> ShipmentRow:
    return ShipmentRow(
        shipment_id=row[0],
        orderdesk_order_id=row[1],
        store_order_id=row[2],
        order_number=row[3],
        tracking_number=row[4],
        carrier=row[5],
        tracking_url=row[6],
        shipment_method=row[7],
        lines=tuple((str(line_id), int(qty)) for line_id, qty in json.loads(row[8])),
        kind=ShipmentKind(row[9]),
        state=ShipmentState(row[10]),
        store_fulfillment_id=row[11],
        attempts=row[12],
        next_attempt_at=parse_time(row[13]),
        last_error=row[14],
    )


def event_from(row: sqlite3.Row) -> EventRow:
    store = str(row[7] or "") if len(row) > 7 else ""
    return EventRow(
        row[0], parse_time(row[1]) or utc_now(), row[2], row[3], row[4], row[5], row[6], store
    )
