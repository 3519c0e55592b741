"""The merchant's two sandbox actions from another process (``desktop-sync sandbox ship`` and
``add-order``), over real sockets to a running sandbox."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from desktop_sync import cli
from desktop_sync_sandbox import admin
from desktop_sync_sandbox.demo import PLATFORMS, DemoSandbox
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator


def _order(source_id: str) -> dict[str, Any]:
    return {
        "source_id": source_id,
        "source_name": "Sample Store",
        "customer": {"first_name": "Ana", "last_name": "Silva"},
        "order_items": [{"name": "Logo Tee", "code": "TEE", "price": 20, "quantity": 1}],
    }


@pytest.fixture
def orderdesk() -> Iterator[OrderDeskEmulator]:
    with OrderDeskEmulator(rate_limit=False).start() as emulator:
        yield emulator


def _tracking(orderdesk: OrderDeskEmulator) -> dict[str, list[str]]:
    return {
        order["source_id"]: [s["tracking_number"] for s in order.get("order_shipments") or []]
        for order in orderdesk.orders()
    }


def test_ship_adds_tracking_to_the_oldest_unshipped_order_then_the_next(
    orderdesk: OrderDeskEmulator,
) -> None:
    for number in ("101", "102", "103"):
        orderdesk.create_order(_order(number))

    said = admin.ship_an_order(orderdesk.api_url)
    assert said.startswith("Order 101 shipped in Order Desk with UPS 1Z999AA1")
    assert admin.ship_an_order(orderdesk.api_url).startswith("Order 102 shipped")
    tracking = _tracking(orderdesk)
    assert [len(tracking[n]) for n in ("101", "102", "103")] == [1, 1, 0]
    assert tracking["101"][0] in said


def test_ship_takes_the_order_asked_for(orderdesk: OrderDeskEmulator) -> None:
    for number in ("101", "102"):
        orderdesk.create_order(_order(number))
    assert admin.ship_an_order(orderdesk.api_url, "102").startswith("Order 102 shipped")
    assert [len(t) for t in _tracking(orderdesk).values()] == [0, 1]


def test_ship_with_every_order_shipped_says_there_is_nothing_to_ship(
    orderdesk: OrderDeskEmulator,
) -> None:
    orderdesk.create_order(_order("101"))
    admin.ship_an_order(orderdesk.api_url)
    with pytest.raises(admin.NothingToShip):
        admin.ship_an_order(orderdesk.api_url)
    with pytest.raises(admin.NothingToShip):
        admin.ship_an_order(orderdesk.api_url, "999")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    "url",
    ["", "https://app.orderdesk.me/api/v2", "http://127.0.0.1:{port}/api/v2"],
    ids=["unset", "the real Order Desk", "nothing listening"],
)
def test_an_address_with_no_sandbox_is_never_called_a_sandbox(url: str) -> None:
    url = url.format(port=_closed_port())
    with pytest.raises(admin.NoSandboxThere):
        admin.ship_an_order(url)
    with pytest.raises(admin.NoSandboxThere):
        admin.add_store_order(url)


def _store_orders(sandbox: DemoSandbox) -> int:
    listed = httpx.get(sandbox.store.base_url + "/_admin/orders").json()
    return len(listed if isinstance(listed, list) else listed["orders"])


@pytest.mark.parametrize("platform", PLATFORMS)
def test_add_order_places_one_order_in_the_sandbox_store(platform: str) -> None:
    with DemoSandbox(platform=platform, initial_orders=1, new_order_every=None) as sandbox:
        said = admin.add_store_order(sandbox.store.api_url)
        assert said == "A new order was placed in the sandbox store."
        assert _store_orders(sandbox) == 2


def test_the_command_without_a_sandbox_says_what_to_set_and_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ORDERDESK_API_URL", raising=False)
    assert cli.main(["sandbox", "ship"]) == cli.EXIT_CONFIG
    assert "Set the environment printed by 'desktop-sync sandbox' first." in capsys.readouterr().err


def test_the_command_with_nothing_to_ship_says_to_sync_first(
    orderdesk: OrderDeskEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ORDERDESK_API_URL", orderdesk.api_url)
    assert cli.main(["sandbox", "ship"]) == cli.EXIT_FAILURES
    assert "No unshipped order to ship" in capsys.readouterr().err
