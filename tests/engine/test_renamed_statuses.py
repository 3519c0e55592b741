"""BigCommerce merchants may rename order statuses (the OpenAPI file's own example renames
Incomplete); the send rules go by the status id, so a German label neither lets an unpaid order
through nor holds back one awaiting fulfilment (issue 21, item 6). Run under both readings of
what an order's ``status`` carries (the merchant's label, or the system name)."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_sync.app.platforms import send_rule_for
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.harness import Clock, make_engine, minute_ago

PENDING, AWAITING_PAYMENT, AWAITING_FULFILLMENT, MANUAL_VERIFICATION, DISPUTED = 1, 7, 11, 12, 13
GERMAN = {
    PENDING: "Ausstehend",
    AWAITING_PAYMENT: "Warten auf Zahlung",
    AWAITING_FULFILLMENT: "Warten auf Versand",
    MANUAL_VERIFICATION: "Manuelle Prüfung erforderlich",
    DISPUTED: "Angefochten",
}


@pytest.fixture(params=["custom", "system"])
def german_store(request: pytest.FixtureRequest, store: BigCommerceKit) -> BigCommerceKit:
    store.emulator.status_labels = dict(GERMAN)
    store.emulator.status_carries = request.param
    return store


def _place(store: BigCommerceKit, *statuses: int) -> list[str]:
    samples = generate_orders(len(statuses), seed=81)
    return [
        str(store.emulator.add_order(sample, status_id=status))
        for sample, status in zip(samples, statuses, strict=True)
    ]


def _one_cycle(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, journal: Path, chosen: list[str]
) -> set[str]:
    """What one sync cycle sends, with the statuses ``chosen`` in Settings (none: default)."""
    engine = make_engine(
        orderdesk, store.connector(), journal, start_at=minute_ago(), clock=Clock()
    )
    engine.pusher.send_rule = send_rule_for("bigcommerce", chosen)
    try:
        result = engine.run_cycle()
    finally:
        engine.close()
    assert result.push is not None
    return {o["source_id"] for o in orderdesk.orders()}


def test_renamed_unpaid_and_held_statuses_are_still_not_sent(
    german_store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    ids = _place(
        german_store, AWAITING_FULFILLMENT, AWAITING_PAYMENT, PENDING, MANUAL_VERIFICATION, DISPUTED
    )
    assert _one_cycle(german_store, orderdesk, tmp_path / "j.sqlite3", []) == {ids[0]}


def test_a_chosen_status_the_merchant_renamed_is_sent(
    german_store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    ready, _unpaid = _place(german_store, AWAITING_FULFILLMENT, AWAITING_PAYMENT)
    # What Settings saves when the merchant ticks "Awaiting Fulfillment".
    chosen = ["Awaiting Fulfillment"]
    assert _one_cycle(german_store, orderdesk, tmp_path / "j.sqlite3", chosen) == {ready}
