"""What the merchant must see though nothing failed (issue 12, items 3 and 8): the facade keeps
each cycle's orders that need attention and its clock reading, and ``status`` (text and
--json) and ``doctor`` show them, in another process than the one that synced."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from desktop_sync import cli
from desktop_sync.app.facade import DesktopSync
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.engine.test_after_push import _cancel
from tests.harness import Clock, point_cli_at

TRACKING = "1Z999AA10000000097"


def _said(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert cli.main(args) == cli.EXIT_OK
    return capsys.readouterr().out


def test_status_and_doctor_show_a_clock_that_is_off_and_an_order_that_needs_attention(
    store: BigCommerceKit,
    orderdesk: OrderDeskEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    point_cli_at(store.env(), orderdesk, monkeypatch)
    (order_id,) = store.add_orders(generate_orders(1, seed=97))
    pc = Clock()
    pc.offset = timedelta(hours=1)
    with DesktopSync(driver="test") as app:
        app.load_profile()
        app.backfill("2000-01-01")
        engine = app.engine(clock=pc)
        try:
            engine.run_cycle()
            row = engine.journal.get_order(order_id)
            assert row is not None and row.orderdesk_order_id
            orderdesk.add_shipment(row.orderdesk_order_id, TRACKING)
            engine.run_cycle()  # the shipment reaches the store
            _cancel(store, order_id)
            told = engine.run_cycle()
            quiet = engine.run_cycle()  # the engine tells it once; the facade keeps it
        finally:
            engine.close()
    assert told.attention and not quiet.attention
    (reason,) = [f.reason for f in told.attention]
    assert "1 h ahead of Order Desk's" in told.clock_message

    report = json.loads(_said(["status", "--json"], capsys))
    assert report["needs_attention"] == [{"order_number": order_id, "reason": reason}]
    assert report["clock_message"] == told.clock_message
    text = _said(["status"], capsys)
    assert "Needs you, to look at:" in text and reason in text and told.clock_message in text
    doctor = _said(["doctor"], capsys)
    assert told.clock_message in doctor and TRACKING in doctor
