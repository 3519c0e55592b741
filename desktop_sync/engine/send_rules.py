"""Which store orders are sent to Order Desk for fulfilment: one rule per platform, with safe
defaults, that a Settings choice of statuses replaces.

Whatever the statuses, an order that is cancelled, or whose payment was declined, refunded in
full or voided, is never sent (Order Desk's own cart integrations and ShipStation import only
orders awaiting fulfilment). An order that later enters a sent status (paid, reinstated after
a cancel) is sent then: the rule is asked again at every change the store reports.

Each platform's default is its entry's ``send_rule`` in the registry
(``desktop_sync.app.platforms``, with ``send_rule_for``), written there once: the registry reads
this module, never the other way round, and the wiring hands each store's engine its rule.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from desktop_sync.connectors.stores.base import PAYMENT_CHOICE, PaymentState, StoreOrder

__all__ = ["NEVER_SENT_PAYMENTS", "SendRule"]

NEVER_SENT_PAYMENTS: Mapping[PaymentState, str] = {
    PaymentState.DECLINED: "its payment was declined",
    PaymentState.REFUNDED: "it was refunded in full",
    PaymentState.VOIDED: "its payment was voided",
}


@dataclass(frozen=True)
class SendRule:
    sent: frozenset[str] = frozenset()
    """When not empty, only orders in one of these statuses are sent (lower case)."""
    never: frozenset[str] = frozenset()
    """Statuses never sent, whatever ``sent`` says (lower case)."""
    payments: frozenset[str] = frozenset()
    """When not empty, only orders whose ``payment_state`` is one of these are sent (Shopify's
    payment states chosen in Settings, ``PaymentState`` values)."""

    def why_not_sent(self, order: StoreOrder) -> str:
        """ "" when ``order`` is to be sent; else why not, as a log sentence."""
        if order.problem:
            return ""  # unreadable: the push fails it with the reason, for the merchant to see
        if order.is_cancelled:
            return "Not sent: the order is cancelled in the store."
        payment = NEVER_SENT_PAYMENTS.get(order.payment_state)
        if payment:
            return f"Not sent: {payment}."
        status = order.status.strip().lower()  # the platform's fixed name, never a label
        if status in self.never or (self.sent and status not in self.sent):
            shown = (order.status_label or order.status).strip() or "none"
            return (
                f"Not sent yet: its status in the store is '{shown}'; "
                "it is sent once it reaches a status chosen in Settings."
            )
        if self.payments and order.payment_state.value not in self.payments:
            shown = order.payment_state.value.replace("_", " ")
            return (
                f"Not sent yet: its payment in the store is '{shown}'; "
                "it is sent once it reaches a payment state chosen in Settings."
            )
        return ""

    def choosing(self, statuses: Collection[str]) -> SendRule:
        """The rule with the merchant's own choice of statuses in place of the default; a
        choice of payment states (``payment:paid``) narrows it by payment, the default's
        statuses kept when no status is chosen."""
        chosen = frozenset(s.strip().lower() for s in statuses if s.strip())
        payments = frozenset(
            c.removeprefix(PAYMENT_CHOICE) for c in chosen if c.startswith(PAYMENT_CHOICE)
        )
        sent = chosen - {PAYMENT_CHOICE + p for p in payments}
        base = SendRule(sent=sent) if sent else self
        return SendRule(base.sent, base.never, payments) if payments else base
