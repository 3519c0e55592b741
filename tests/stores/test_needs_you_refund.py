"""Issue 21 item 3 meets issue 22's Needs you: an order refunded in part before it shipped is
listed for the merchant's look in the one list with one count, in ``desktop-sync status`` too,
and it stays listed at the next sync (which sees nothing new), not only in the cycle that
found it. Over real sockets, through the commands."""

from __future__ import annotations

import json

import pytest

from desktop_sync import cli
from desktop_sync.app.facade import DesktopSync
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.engine.test_after_push import _change
from tests.harness import minute_ago
from tests.stores.profile import save_stores


def _needs_you(capsys: pytest.CaptureFixture[str]) -> int:
    capsys.readouterr()
    assert cli.main(["status", "--json"]) == cli.EXIT_OK
    return int(json.loads(capsys.readouterr().out)["needs_you"])


def test_an_order_refunded_in_part_is_in_needs_you_and_stays_there(
    orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceKit, capsys: pytest.CaptureFixture[str]
) -> None:
    save_stores(orderdesk, [("Main shop", bigcommerce, "")], since=minute_ago())
    (sid,) = bigcommerce.add_orders(generate_orders(1, seed=2134))
    assert cli.main(["sync", "--once"]) == cli.EXIT_OK
    assert _needs_you(capsys) == 0

    _change(bigcommerce, sid, payment_status="partially refunded")
    cli.main(["sync", "--once"])
    assert _needs_you(capsys) == 1
    cli.main(["sync", "--once"])  # nothing new this time
    assert _needs_you(capsys) == 1

    with DesktopSync(driver="status", lock=False) as app:
        (row,) = app.needs_you().rows
    assert row.order_numbers == (sid,) and "refunded in part" in row.title
