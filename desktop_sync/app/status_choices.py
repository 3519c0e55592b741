"""The statuses a merchant may choose to send, as the store lists them, each with a preview of
what it would send among the store's recent orders (Settings' checkboxes; issue 22).

The choices come from the store (``status_choices()`` of its connector): BigCommerce's
``/v2/order_statuses`` with the merchant's own labels, WooCommerce's statuses with those
plugins add, Shopify's payment and fulfilment states. The preview runs the store's recent
orders through the send rule the engine uses (``send_rule_for``), never a copy of it. Read on
a worker thread: it asks the store over the network. Nothing here imports Qt.

A value saved earlier that the store does not list now is kept as an option (ticked, marked),
never dropped; when the store cannot be reached, the saved choice alone is offered, with a
sentence saying why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

from desktop_sync.app.platforms import (
    chosen_statuses,
    find_platform,
    platform_display_name,
    send_rule_for,
)
from desktop_sync.connectors.errors import ConnectorError
from desktop_sync.connectors.stores.base import (
    PAYMENT_CHOICE,
    StatusChoice,
    StoreConnector,
    StoreOrder,
)
from desktop_sync.engine.send_rules import SendRule

__all__ = [
    "RECENT_ORDERS",
    "StatusChoices",
    "StatusOption",
    "default_words",
    "read_status_choices",
    "saved_choices",
]

log = logging.getLogger(__name__)

RECENT_ORDERS = 50
"""How many of the store's newest orders the preview runs through the rule."""
_WINDOWS_DAYS = (2, 7, 30)
"""Read back this far, widening until ``RECENT_ORDERS`` orders are found."""
_MOST_READ = 250
"""Never read more orders than this for a preview (a busy store's window)."""


@dataclass(frozen=True)
class StatusOption:
    """One checkbox: a value the send rule compares, in the store's words."""

    value: str
    label: str
    group: str = "Order status"
    listed: bool = True
    """False: saved earlier, but the store does not list it now (or could not be asked)."""


@runtime_checkable
class ListsStatuses(Protocol):
    def status_choices(self) -> tuple[StatusChoice, ...]: ...


def default_words(rule: SendRule) -> str:
    """The platform's own rule in words, for when the merchant chose no status."""
    if rule.sent:
        return ", ".join(sorted(rule.sent))
    if rule.never:
        return f"every status but {', '.join(sorted(rule.never))}"
    return "every status"


def _group_of(value: str) -> str:
    return "Payment" if value.startswith(PAYMENT_CHOICE) else "Order status"


@dataclass(frozen=True)
class StatusChoices:
    """A store's statuses to choose from, and its recent orders for the previews."""

    platform: str
    options: tuple[StatusOption, ...]
    recent: tuple[StoreOrder, ...] = ()
    problem: str = ""
    """Why the store's own list could not be read ("" when it was), one sentence."""

    @property
    def reachable(self) -> bool:
        return not self.problem

    def values(self) -> tuple[str, ...]:
        return tuple(option.value for option in self.options)

    def would_send(self, chosen: Collection[str]) -> int:
        """How many of the recent orders the rule sends with ``chosen`` (none: the default)."""
        rule = send_rule_for(self.platform, list(chosen) or None)
        return sum(1 for order in self.recent if not rule.why_not_sent(order))

    def option_preview(self, value: str) -> str:
        """How many of the recent orders ticking ``value`` alone would send ("12"; "" with
        no recent order): the number beside its checkbox (``counts_heading`` says of what)."""
        return str(self.would_send([value])) if self.recent else ""

    def counts_heading(self, store_name: str) -> str:
        """The line above the checkboxes, saying what the number beside each one counts."""
        if not self.recent:
            return f"Send {store_name} orders in these statuses:"
        total = len(self.recent)
        orders = "order" if total == 1 else "orders"
        return (
            f"Send {store_name} orders in these statuses (beside each: how many of its last "
            f"{total} {orders} it sends):"
        )

    def preview(self, chosen: Collection[str]) -> str:
        """The sentence under the checkboxes, for the statuses ticked now."""
        if self.problem:
            return self.problem
        if not self.recent:
            return "No order was placed in the last 30 days, so there is nothing to preview."
        sent = self.would_send(chosen)
        total = len(self.recent)
        orders = "order" if total == 1 else "orders"
        verb = "would be sent" if chosen else "would be sent with the default"
        return f"{sent} of the last {total} {orders} {verb}."

    def default_sentence(self) -> str:
        known = find_platform(self.platform)
        rule = known.send_rule if known is not None else SendRule()
        return f"With nothing ticked, the default is sent: {default_words(rule)}."


def _options(
    platform: str, listed: Sequence[StatusChoice], saved: Collection[str], *, reachable: bool
) -> tuple[StatusOption, ...]:
    options = [StatusOption(c.value.strip().lower(), c.label, c.group) for c in listed]
    known = {option.value for option in options}
    for value in chosen_statuses(platform, saved):
        wanted = value.strip().lower()
        if wanted and wanted not in known:
            known.add(wanted)
            label = wanted.removeprefix(PAYMENT_CHOICE)
            shown = f"{label} (not listed by the store now)" if reachable else label
            options.append(StatusOption(wanted, shown, _group_of(wanted), listed=False))
    return tuple(options)


def saved_choices(platform: str, saved: Collection[str], problem: str = "") -> StatusChoices:
    """The saved choice alone, as options (the store not asked, or not reachable)."""
    return StatusChoices(platform, _options(platform, (), saved, reachable=False), (), problem)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _recent_orders(store: StoreConnector, now: datetime) -> tuple[StoreOrder, ...]:
    found: dict[str, StoreOrder] = {}
    for days in _WINDOWS_DAYS:
        found.clear()
        for order in store.iter_orders(now - timedelta(days=days), None):
            if not order.problem:
                found[order.id] = order
            if len(found) >= _MOST_READ:
                break
        if len(found) >= RECENT_ORDERS:
            break
    newest = sorted(found.values(), key=lambda o: _utc(o.created_at), reverse=True)
    return tuple(newest[:RECENT_ORDERS])


def read_status_choices(
    platform: str,
    url: str,
    key: str,
    secret: str,
    saved: Collection[str],
    *,
    store_name: str = "",
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> StatusChoices:
    """The store's statuses and its recent orders, read from the store (on a worker thread).
    When the store cannot be reached, the saved choice alone, with a sentence."""
    from desktop_sync.app.wiring import make_store_connector  # imports every connector

    name = store_name.strip() or platform_display_name(platform)
    try:
        store = make_store_connector(platform, url, key, secret)
    except (ConnectorError, ValueError) as error:
        log.warning("No connector for %s: %s", name, error)
        return saved_choices(platform, saved, _unreachable(name))
    try:
        listed = store.status_choices() if isinstance(store, ListsStatuses) else ()
        recent = _recent_orders(store, now())
    except ConnectorError as error:
        log.warning("The statuses of %s could not be read: %s", name, error)
        return saved_choices(platform, saved, _unreachable(name))
    finally:
        store.close()
    return StatusChoices(platform, _options(platform, listed, saved, reachable=True), recent)


def _unreachable(name: str) -> str:
    return (
        f"{name} could not be reached, so its statuses cannot be listed now; your saved "
        "choice is kept (reopen Settings to try again)."
    )
