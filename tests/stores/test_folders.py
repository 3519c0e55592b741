"""A store's Order Desk folder is one Order Desk lists, and it is shown by its name (audit 2,
findings A and B): ``store add --folder`` and ``orderdesk connect --folder`` refuse a folder
Order Desk does not have, with one sentence and nothing saved; a folder kept by its id (as the
wizard keeps it) reads "New", not "21654", in the orders, the stores and their JSON. Over real
sockets, against the emulators."""

from __future__ import annotations

import dataclasses
import json

import pytest

from desktop_sync import cli
from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.settings import load_settings, save_settings
from desktop_sync.state.orders_view import OrdersQuery
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.contract.kits.woocommerce import WooCommerceKit
from tests.harness import minute_ago
from tests.stores.profile import save_stores

NO_BOGUS = (
    'Order Desk has no folder "Bogus folder"; choose one of New, Prepared, Closed or '
    "Canceled, or leave the folder out to use the profile's."
)


def _json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_store_add_refuses_a_folder_order_desk_does_not_have_and_saves_nothing(
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceKit,
    woo: WooCommerceKit,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    save_stores(orderdesk, [("Main shop", bigcommerce, "")], since=minute_ago())
    env = woo.env()
    monkeypatch.setenv("STORE_KEY", env["STORE_KEY"])
    monkeypatch.setenv("STORE_SECRET", env["STORE_SECRET"])
    add = ["store", "add", "--platform", "woocommerce", "--url", env["STORE_URL"]]
    capsys.readouterr()

    assert cli.main([*add, "--name", "Wholesale", "--folder", "Bogus folder"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"The store was not added, nothing was saved: {NO_BOGUS}"
    assert [s.name for s in load_settings().stores] == ["Main shop"]

    # A folder Order Desk lists, written in any case, is kept by its id and its own name.
    assert cli.main([*add, "--name", "Wholesale", "--folder", "prepared"]) == 0
    _, wholesale = load_settings().stores
    prepared = orderdesk.folder_ids()["Prepared"]
    assert (wholesale.folder_id, wholesale.folder_name) == (prepared, "Prepared")


def test_orderdesk_connect_refuses_a_folder_order_desk_does_not_have(
    orderdesk: OrderDeskEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ORDERDESK_API_URL", orderdesk.api_url)
    monkeypatch.setenv("ORDERDESK_API_KEY", orderdesk.api_key)
    connect = ["orderdesk", "connect", "--store-id", orderdesk.store_id]
    assert cli.main([*connect, "--folder", "Bogus folder"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"Order Desk was not connected, nothing was saved: {NO_BOGUS}"
    assert load_settings().orderdesk_store_id == ""

    assert cli.main([*connect, "--folder", "Prepared"]) == 0
    saved = load_settings()
    prepared = orderdesk.folder_ids()["Prepared"]
    assert (saved.orderdesk_folder_id, saved.orderdesk_folder_name) == (prepared, "Prepared")
    assert dict(saved.orderdesk_folders)[prepared] == "Prepared"  # the list, kept


def test_a_folder_kept_by_its_id_is_shown_by_its_name_in_the_orders_and_the_stores(
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceKit,
    capsys: pytest.CaptureFixture[str],
) -> None:
    new = orderdesk.folder_ids()["New"]
    save_stores(orderdesk, [("Main shop", bigcommerce, "")], since=minute_ago())
    # As the wizard saves the folder chosen from Order Desk's list: its id, and its name.
    save_settings(
        dataclasses.replace(load_settings(), orderdesk_folder_id=new, orderdesk_folder_name="New")
    )
    bigcommerce.add_orders(generate_orders(2, seed=81))
    with DesktopSync(driver="sync") as app:
        app.orderdesk_folders()  # as Settings or Add a store read them
        assert app.sync_once().result.push.sent == 2  # type: ignore[union-attr]
        lines = app.orders_page(OrdersQuery(), 50)
        assert [(line.folder, line.folder_id) for line in lines] == [("New", new)] * 2
        (part,) = app.status().stores
        assert (part.folder, part.folder_id) == ("New", new)
    capsys.readouterr()

    assert cli.main(["orders", "--json"]) == 0
    orders = _json_lines(capsys.readouterr().out)
    assert [(o["folder"], o["folder_id"]) for o in orders] == [("New", new)] * 2
    for required in ("store", "number", "state", "orderdesk_ids", "tracking", "fulfilled"):
        assert all(required in o for o in orders)
    assert cli.main(["store", "list", "--json"]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert (listed["folder"], listed["folder_id"]) == ("New", new)
