"""``desktop-sync orders --since DATE`` (issue 22, "The same from the command line"): only the
orders placed since that date, as the window's query reads them; a date that cannot be read is
said in one sentence with exit 2. Over real sockets, against the emulators."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from desktop_sync import cli
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.harness import minute_ago
from tests.stores.profile import placed_earlier, save_stores


def _numbers(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    capsys.readouterr()
    assert cli.main(["orders", "--json", *args]) == cli.EXIT_OK
    said = capsys.readouterr().out.splitlines()
    listed: list[dict[str, Any]] = [json.loads(line) for line in said]
    return sorted(str(o["number"]) for o in listed)


def test_orders_since_lists_only_the_orders_placed_since_that_date(
    orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceKit, capsys: pytest.CaptureFixture[str]
) -> None:
    older = bigcommerce.add_orders(generate_orders(2, seed=93))
    placed_earlier(bigcommerce, older, timedelta(days=3))
    recent = bigcommerce.add_orders(generate_orders(1, seed=94))
    save_stores(orderdesk, [("Main shop", bigcommerce, "")], since=minute_ago())
    week_ago = (minute_ago() - timedelta(days=7)).date().isoformat()
    assert cli.main(["backfill", "--since", week_ago]) == cli.EXIT_OK
    assert cli.main(["sync", "--once"]) == cli.EXIT_OK
    assert len(orderdesk.orders()) == 3

    every = _numbers(capsys)
    yesterday = (minute_ago() - timedelta(days=1)).date().isoformat()
    since_yesterday = _numbers(capsys, "--since", yesterday)
    assert every == sorted([*older, *recent])
    assert since_yesterday == recent

    capsys.readouterr()
    assert cli.main(["orders", "--since", "last spring"]) == cli.EXIT_CONFIG
    err = capsys.readouterr().err
    assert err.startswith("Cannot list orders: ") and len(err.strip().splitlines()) == 1
