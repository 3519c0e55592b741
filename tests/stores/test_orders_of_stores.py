"""The orders view with two stores that both have an order 100: each order is a row of its own,
with its own store name, customer, state and tracking, in the window's reads and in
``desktop-sync orders``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from desktop_sync import cli
from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.paths import journal_path
from desktop_sync.app.settings import Settings, save_settings
from desktop_sync.app.stores import StoreSettings
from desktop_sync.state.journal import Journal
from desktop_sync.state.order_facts import Hold, OrderFacts, note_order
from desktop_sync.state.orders_view import OrdersQuery, OrderWord, Show
from tests.shipments import add_shipment

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
MAIN = StoreSettings(id="1", name="Main shop", platform="shopify", url="https://main.example")
OUTLET = StoreSettings(id="b7", name="Outlet", platform="woocommerce", url="https://out.example")


@pytest.fixture
def two_stores() -> None:
    """Order 100 of the main shop shipped with tracking; order 100 of the outlet held."""
    save_settings(Settings(stores=(MAIN, OUTLET)))
    with Journal(journal_path()) as whole:
        main, outlet = whole.for_store("1"), whole.for_store("b7")
        main.record_order_seen("100", "100", T0, T0)
        note_order(main, OrderFacts("100", "100", T0, customer="Ann Lee", total="10.00"))
        main.mark_sent("100", "OD1")
        add_shipment(main, "100", "100", "1ZMAIN", orderdesk_id="OD1", done=True)
        main.mark_order_shipped("100")
        later = T0 + timedelta(minutes=5)
        outlet.record_order_seen("100", "100", later, later)
        note_order(
            outlet,
            OrderFacts("100", "100", later, customer="Bo Chen", total="20.00", hold=Hold.STATUS),
        )
        outlet.mark_skipped("100", "Not sent yet: its status is on-hold.")


@pytest.mark.usefixtures("two_stores")
def test_each_stores_order_100_is_its_own_row() -> None:
    with DesktopSync(driver="test") as app:
        rows = app.orders_page(OrdersQuery(), 50)
        seen = {(r.store, r.customer, r.state, tuple(t.number for t in r.tracking)) for r in rows}
        assert seen == {
            ("Main shop", "Ann Lee", OrderWord.SHIPPED, ("1ZMAIN",)),
            ("Outlet", "Bo Chen", OrderWord.HELD, ()),
        }
        assert len(rows) == 2
        assert sorted(app.store_names()) == ["Main shop", "Outlet"]
        outlet = app.orders_page(OrdersQuery(store="Outlet"), 50)
        assert [(r.store, r.customer) for r in outlet] == [("Outlet", "Bo Chen")]
        assert app.count_orders(OrdersQuery(store="Main shop")) == 1
        found = app.orders_page(OrdersQuery(text="Bo Chen"), 50)
        assert [(r.store, r.customer) for r in found] == [("Outlet", "Bo Chen")]
        assert app.count_orders(OrdersQuery(text="1ZMAIN")) == 1
        assert app.count_orders(OrdersQuery(show=Show.NEEDS_ME)) == 1
        listed = app.needs_you()
        assert listed.count == 1
        (held,) = listed.rows
        assert held.order_numbers == ("100",)


@pytest.mark.usefixtures("two_stores")
def test_orders_json_names_each_order_by_its_store(capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert cli.main(["orders", "--json"]) == cli.EXIT_OK
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.strip()]
    assert sorted((x["store"], x["customer"], x["state"]) for x in lines) == [
        ("Main shop", "Ann Lee", "shipped"),
        ("Outlet", "Bo Chen", "held"),
    ]
    assert cli.main(["orders", "--json", "--store", "Outlet"]) == cli.EXIT_OK
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.strip()]
    assert [x["customer"] for x in lines] == ["Bo Chen"]


@pytest.mark.usefixtures("two_stores")
def test_send_anyway_from_needs_you_queues_the_held_stores_order_alone() -> None:
    with DesktopSync(driver="test") as app:
        (held,) = app.needs_you().rows
        assert app.send_anyway(held.store_order_ids, stores=held.stores) == 1
        rows = {r.store: r.state for r in app.orders_page(OrdersQuery(), 50)}
        assert rows == {"Main shop": OrderWord.SHIPPED, "Outlet": OrderWord.WAITING}
        assert app.needs_you().count == 0


@pytest.mark.usefixtures("two_stores")
def test_send_names_the_store_when_two_have_the_number(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["send", "100", "--store", "Outlet"]) == cli.EXIT_OK
    with Journal(journal_path()) as whole:
        outlet, main = whole.for_store("b7").get_order("100"), whole.get_order("100")
        assert outlet is not None and outlet.state == "pending"
        assert main is not None and main.state == "sent"
