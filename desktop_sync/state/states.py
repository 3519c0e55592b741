"""The journal's states, kinds and cursor names: the one place each word is spelt.

Orders::

    pending --mark_sending--> sending --mark_sent--> sent
       ^                        |  (ambiguous answer: stays sending, looked up before a resend)
       +---- mark_order_retry --+
    failed (Order Desk refused it; Retry or a store change makes it pending)
    skipped (not sent: cancelled, or a status the merchant does not send)

Shipments::

    pending --mark_shipment_creating--> creating --mark_shipment_done--> done
    failed (the store refused it; Retry makes it pending)
    skipped (left alone on purpose: not ours, or the platform holds one tracking number)
"""

from __future__ import annotations

import enum

__all__ = ["Cursor", "OrderState", "ShipmentKind", "ShipmentState"]


class OrderState(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    """Committed before the POST: the outcome is unknown until it is looked up."""
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


class ShipmentState(enum.StrEnum):
    PENDING = "pending"
    CREATING = "creating"
    """Committed before the store call: a retry first looks for the tracking number."""
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"


class ShipmentKind(enum.StrEnum):
    FULFIL = "fulfil"
    """A new store fulfillment for the shipment's lines."""
    ADD_TRACKING = "add_tracking"
    """Another tracking number on a fulfillment already made."""


class Cursor(enum.StrEnum):
    """The journal's high-water marks, one per direction."""

    PUSH = "push"
    """Store orders scanned (store time)."""
    PULL = "pull"
    """Order Desk orders scanned for shipments (Order Desk time)."""
    SWEEP = "sweep"
    """When the pull last listed every open order, the old ones too (Order Desk time)."""
    SEND_FROM = "send_from"
    """Orders placed before this are not sent: the moment of connection, or the earliest
    backfill (store time)."""
