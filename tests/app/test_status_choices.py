"""Settings' status checkboxes, without Qt (issue 22): the store's own statuses, each with a
preview through the engine's send rule over the store's recent orders; a saved value the
store does not list is kept, never dropped; a store that cannot be reached says so in one
sentence and keeps the saved choice. Against the emulators over real sockets."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from desktop_sync.app.status_choices import read_status_choices, saved_choices
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.samples import generate_orders
from desktop_sync_sandbox.shopify import ShopifyEmulator
from desktop_sync_sandbox.woocommerce import WooCommerceEmulator

PLUGIN = {"awaiting-shipment": "Awaiting shipment"}


@pytest.fixture
def woo() -> Iterator[WooCommerceEmulator]:
    emulator = WooCommerceEmulator(seed=4)
    emulator.custom_statuses = dict(PLUGIN)
    emulator.start()
    statuses = ["processing"] * 3 + ["on-hold"] * 2 + ["pending", "completed"]
    for status in [*statuses, "awaiting-shipment", "awaiting-shipment"]:
        emulator.add_order(status=status)
    yield emulator
    emulator.stop()


def _woo_choices(shop: WooCommerceEmulator, saved: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    return read_status_choices(
        "woocommerce", shop.api_url, shop.consumer_key, shop.consumer_secret, saved
    )


def test_woocommerce_statuses_with_a_plugins_and_a_preview_through_the_send_rule(
    woo: WooCommerceEmulator,
) -> None:
    choices = _woo_choices(woo)
    labels = {o.value: o.label for o in choices.options}
    assert labels["awaiting-shipment"] == "Awaiting shipment"
    assert labels["processing"] == "Processing"
    assert choices.reachable and len(choices.recent) == 9
    assert choices.option_preview("processing") == "3"
    assert choices.option_preview("awaiting-shipment") == "2"
    assert choices.counts_heading("Shop Two") == (
        "Send Shop Two orders in these statuses (beside each: how many of its last 9 orders "
        "it sends):"
    )
    assert choices.preview(["processing", "awaiting-shipment"]) == (
        "5 of the last 9 orders would be sent."
    )
    # Nothing ticked: the platform's default (processing and on-hold).
    assert choices.preview([]) == "5 of the last 9 orders would be sent with the default."
    # The rule is the engine's: a refused payment is never counted, whatever is ticked.
    assert choices.would_send(["pending"]) == 1


def test_a_saved_value_the_store_does_not_list_is_kept_ticked_and_marked(
    woo: WooCommerceEmulator,
) -> None:
    choices = _woo_choices(woo, ("processing", "Made-Up"))
    kept = next(o for o in choices.options if o.value == "made-up")
    assert not kept.listed
    assert kept.label == "made-up (not listed by the store now)"
    assert [o.value for o in choices.options].count("processing") == 1


def test_a_store_that_cannot_be_reached_says_so_and_keeps_the_saved_choice(
    woo: WooCommerceEmulator,
) -> None:
    address, key, secret = woo.api_url, woo.consumer_key, woo.consumer_secret
    woo.stop()
    choices = read_status_choices(
        "woocommerce", address, key, secret, ("processing", "awaiting-shipment"),
        store_name="Shop Two",
    )  # fmt: skip
    assert choices.problem == (
        "Shop Two could not be reached, so its statuses cannot be listed now; your saved "
        "choice is kept (reopen Settings to try again)."
    )
    assert choices.values() == ("processing", "awaiting-shipment")
    assert choices.preview(["processing"]) == choices.problem
    assert saved_choices("woocommerce", ("processing",)).values() == ("processing",)


def test_bigcommerce_shows_the_merchants_labels_and_counts_by_status_id() -> None:
    with BigCommerceEmulator(access_token="tok-0123456789abcdef", seed=2) as store:
        store.status_labels = {11: "Ready to pack", 7: "Unpaid"}
        for status_id in (11, 11, 7, 2):
            store.add_order(status_id=status_id)
        choices = read_status_choices("bigcommerce", store.api_url, store.access_token, "", ())
    labels = {o.value: o.label for o in choices.options}
    assert labels["awaiting fulfillment"] == "Ready to pack"
    assert choices.option_preview("awaiting fulfillment") == "2"
    assert choices.option_preview("awaiting payment") == "1"
    # The default sends every status but unpaid and the like: 11, 11 and 2 (Shipped).
    assert choices.preview([]) == "3 of the last 4 orders would be sent with the default."


def test_shopify_payment_states_preview_by_payment() -> None:
    samples = generate_orders(30, seed=8)
    paid = [s for s in samples if s.payment == "paid"][:3]
    pending = [s for s in samples if s.payment == "pending"][:1]
    with ShopifyEmulator() as shop:
        for sample in [*paid, *pending]:
            shop.add_order(sample)
        choices = read_status_choices(
            "shopify", shop.api_url, shop.client_id, shop.client_secret, ("paid",)
        )
    # 'paid', typed as a status before payment states could be chosen, is the payment state.
    assert [o.value for o in choices.options if not o.listed] == []
    groups = {o.value: o.group for o in choices.options}
    assert groups["payment:paid"] == "Payment"
    assert groups["unfulfilled"] == "Fulfilment"
    assert choices.option_preview("payment:paid") == "3"
    assert choices.option_preview("unfulfilled") == "4"
    assert choices.preview(["payment:paid", "unfulfilled"]) == (
        "3 of the last 4 orders would be sent."
    )
    assert dataclasses.replace(choices, recent=()).preview(["payment:paid"]) == (
        "No order was placed in the last 30 days, so there is nothing to preview."
    )
