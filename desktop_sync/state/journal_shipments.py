"""The journal's shipments: each Order Desk shipment, and what became of it in the store."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from desktop_sync.state.journal_row_state import DUE, RETRY_HORIZON, RowStates, Table
from desktop_sync.state.records import (
    SHIPMENT_COLUMNS,
    ShipmentRow,
    iso,
    parse_time,
    shipment_from,
    utc_now,
)
from desktop_sync.state.states import ShipmentKind, ShipmentState

_SHIPMENTS = Table("shipments", "shipment_id", "store_fulfillment_id")


class JournalShipments(RowStates):
    """Shipments: recorded, creating in the store, done, failed, skipped, retried."""

    def get_shipment(self, shipment_id: str) -> ShipmentRow | None:
        rows = self._query(
            f"SELECT {SHIPMENT_COLUMNS} FROM shipments WHERE store = ? AND shipment_id = ?",
            (self.store, shipment_id),
        )
        return shipment_from(rows[0]) if rows else None

    def known_shipment_ids(self, shipment_ids: Sequence[str]) -> set[str]:
        known: set[str] = set()
        for start in range(0, len(shipment_ids), 500):
            chunk = list(shipment_ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = self._query(
                f"SELECT shipment_id FROM shipments WHERE store = ? AND shipment_id IN ({marks})",
                [self.store, *chunk],
            )
            known.update(r[0] for r in rows)
        return known

    def shipments_of_orderdesk_order(self, orderdesk_order_id: str) -> list[ShipmentRow]:
        rows = self._query(
            f"SELECT {SHIPMENT_COLUMNS} FROM shipments WHERE store = ? AND orderdesk_order_id = ? "
            "ORDER BY created_at, shipment_id",
            (self.store, orderdesk_order_id),
        )
        return [shipment_from(r) for r in rows]

    def forget_shipments(self, shipment_ids: Sequence[str]) -> None:
        """Drop the rows of shipments left alone as another's, to record them anew."""
        with self._tx() as conn:
            conn.executemany(
                "DELETE FROM shipments WHERE store = ? AND shipment_id = ? AND state = ?",
                [(self.store, i, ShipmentState.SKIPPED) for i in shipment_ids],
            )

    def record_shipment(
        self,
        *,
        shipment_id: str,
        orderdesk_order_id: str,
        store_order_id: str,
        order_number: str,
        tracking_number: str,
        carrier: str,
        tracking_url: str,
        shipment_method: str,
        lines: Sequence[tuple[str, int]],
        kind: ShipmentKind,
        state: ShipmentState = ShipmentState.PENDING,
        reason: str = "",
    ) -> None:
        now = iso(utc_now())
        with self._tx() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO shipments (store, shipment_id, orderdesk_order_id, "
                "store_order_id, order_number, tracking_number, carrier, tracking_url, "
                "shipment_method, lines, kind, state, last_error, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self.store,
                    shipment_id,
                    orderdesk_order_id,
                    store_order_id,
                    order_number,
                    tracking_number,
                    carrier,
                    tracking_url,
                    shipment_method,
                    json.dumps([list(x) for x in lines]),
                    kind,
                    state,
                    reason,
                    now,
                    now,
                ),
            )

    def shipments_due(self, now: datetime) -> list[ShipmentRow]:
        rows = self._query(
            f"SELECT {SHIPMENT_COLUMNS} FROM shipments WHERE store = ? AND state IN (?, ?) "
            f"AND {DUE} ORDER BY created_at, shipment_id",
            (
                self.store,
                ShipmentState.PENDING,
                ShipmentState.CREATING,
                iso(now),
                iso(now + RETRY_HORIZON),
            ),
        )
        return [shipment_from(r) for r in rows]

    def shipments_in_state(self, *states: ShipmentState) -> list[ShipmentRow]:
        marks = ",".join("?" * len(states))
        rows = self._query(
            f"SELECT {SHIPMENT_COLUMNS} FROM shipments WHERE store = ? AND state IN ({marks}) "
            "ORDER BY created_at, shipment_id",
            (self.store, *states),
        )
        return [shipment_from(r) for r in rows]

    def mark_shipment_creating(self, shipment_id: str) -> None:
        """Committed before the store call: a retry first looks for the tracking number."""
        self._set_shipment(shipment_id, ShipmentState.CREATING, bump_attempts=True)

    def mark_shipment_done(self, shipment_id: str, store_fulfillment_id: str) -> None:
        self._set_shipment(shipment_id, ShipmentState.DONE, store_fulfillment_id, error="")

    def mark_shipment_failed(self, shipment_id: str, reason: str) -> None:
        self._set_shipment(shipment_id, ShipmentState.FAILED, error=reason)

    def mark_shipment_skipped(self, shipment_id: str, reason: str) -> None:
        self._set_shipment(shipment_id, ShipmentState.SKIPPED, error=reason)

    def mark_shipment_pending(self, shipment_id: str) -> None:
        """Nothing reached the store (the store refused our key): try again when due."""
        self._set_shipment(shipment_id, ShipmentState.PENDING)

    def mark_shipment_retry(self, shipment_id: str, error: str, next_attempt_at: datetime) -> None:
        """A temporary failure: try again at ``next_attempt_at``."""
        self._set_shipment(
            shipment_id, ShipmentState.PENDING, error=error, next_attempt_at=next_attempt_at
        )

    def _set_shipment(
        self,
        shipment_id: str,
        state: ShipmentState,
        store_fulfillment_id: str | None = None,
        *,
        error: str | None = None,
        next_attempt_at: datetime | None = None,
        bump_attempts: bool = False,
    ) -> None:
        self._set_state(
            _SHIPMENTS,
            shipment_id,
            state,
            store_fulfillment_id,
            error,
            next_attempt_at,
            bump_attempts,
        )

    def correct_shipment_tracking(
        self, shipment_id: str, tracking_number: str, carrier: str, tracking_url: str
    ) -> None:
        """The merchant corrected a shipment's tracking in Order Desk: due again with it."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE shipments SET tracking_number = ?, carrier = ?, tracking_url = ?, "
                "state = ?, next_attempt_at = NULL, attempts = 0, last_error = '', "
                "updated_at = ? WHERE store = ? AND shipment_id = ?",
                (
                    tracking_number,
                    carrier,
                    tracking_url,
                    ShipmentState.PENDING,
                    iso(utc_now()),
                    self.store,
                    shipment_id,
                ),
            )

    def requeue_shipment(self, shipment_id: str) -> bool:
        return self._requeue(_SHIPMENTS, shipment_id, (ShipmentState.FAILED,))

    def last_shipment_done(self) -> datetime | None:
        """When a shipment last reached the store (its fulfillment or tracking recorded)."""
        rows = self._query(
            "SELECT MAX(updated_at) FROM shipments WHERE state = ?", (ShipmentState.DONE.value,)
        )
        return parse_time(rows[0][0]) if rows else None
