"""``desktop-sync orders`` and ``desktop-sync send`` (issue 22): the window's orders and its
Send anyway, from the command line, against the sandbox over real sockets."""

from __future__ import annotations

import json
from typing import Any

import pytest

from desktop_sync import cli
from desktop_sync.app.paths import journal_path
from desktop_sync.app.stores import default_store_name
from desktop_sync.state.journal import Journal, OrderState
from desktop_sync_sandbox.demo import DemoSandbox


def _orders(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, Any]]:
    capsys.readouterr()
    assert cli.main(["orders", "--json", *args]) == cli.EXIT_OK
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def _status(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    capsys.readouterr()
    assert cli.main(["status", "--json"]) == cli.EXIT_OK
    return dict(json.loads(capsys.readouterr().out))


def test_orders_lists_each_order_with_its_ids_folder_tracking_and_fulfilment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with DemoSandbox(new_order_every=None, initial_orders=2) as sandbox:
        for name, value in sandbox.env().items():
            monkeypatch.setenv(name, value)
        assert cli.main(["backfill", "--since", "2000-01-01"]) == cli.EXIT_OK
        assert cli.main(["sync", "--once"]) == cli.EXIT_OK
        said = sandbox.ship_an_order()  # "Order 100 shipped in Order Desk with ..."
        shipped_number = said.split()[1]
        assert cli.main(["sync", "--once"]) == cli.EXIT_OK
        orders = _orders(capsys)
        needing = _orders(capsys, "--needs-me")
        other_store = _orders(capsys, "--store", "elsewhere.example")
        status = _status(capsys)
        store_name = default_store_name(sandbox.env()["STORE_URL"])  # named by its address
    assert len(orders) == 2 and needing == [] and other_store == []
    by_number = {o["number"]: o for o in orders}
    shipped = by_number.pop(shipped_number)
    (sent,) = by_number.values()
    assert shipped["state"] == "shipped" and shipped["fulfilled"] is True
    assert shipped["tracking"] and shipped["tracking"][0]["number"]
    assert sent["state"] == "sent" and sent["fulfilled"] is False and sent["tracking"] == []
    for order in orders:
        assert order["store"] == store_name and order["orderdesk_ids"] and order["folder"]
    assert status["needs_you"] == 0


def test_send_makes_a_failed_order_due_and_status_counts_it_until_then(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with DemoSandbox(new_order_every=None, initial_orders=1) as sandbox:
        for name, value in sandbox.env().items():
            monkeypatch.setenv(name, value)
        assert cli.main(["backfill", "--since", "2000-01-01"]) == cli.EXIT_OK
        assert cli.main(["sync", "--once"]) == cli.EXIT_OK
        (order,) = _orders(capsys)
        with Journal(journal_path()) as journal:
            journal.mark_failed(order["store_order_id"], "Order Desk refused the order: test.")
        assert _status(capsys)["needs_you"] == 1
        assert [o["number"] for o in _orders(capsys, "--needs-me")] == [order["number"]]
        assert cli.main(["send", "no-such-order"]) == cli.EXIT_FAILURES
        assert cli.main(["send", order["number"]]) == cli.EXIT_OK
        with Journal(journal_path()) as journal:
            row = journal.get_order(order["store_order_id"])
        assert _status(capsys)["needs_you"] == 0
    assert row is not None and row.state is OrderState.PENDING
