"""Whose store it is, from the command line (issue 21, items 4 and 5): the identity the store
gives is saved in its settings, a second computer syncing the same store stops with exit code
8 and its sentence in ``status`` until ``store sync-here``, and a WordPress site that moved is
held until ``store same-store``. Over real sockets; two profile homes are two computers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_sync import cli
from desktop_sync.app.installation import INSTALLATION_FILE
from desktop_sync.app.paths import data_dir
from desktop_sync.app.settings import load_settings
from desktop_sync.engine.identity import INSTALLATION_KEY, STORE_KEY
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.contract.kits.woocommerce import WooCommerceKit
from tests.harness import minute_ago
from tests.stores.profile import save_stores


def _computer(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKTOP_SYNC_HOME", str(home))


def _sync(capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    code = cli.main(["sync", "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_a_second_computer_stops_until_the_merchant_chooses_it(
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceKit,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    orderdesk.book.reject_duplicates = False
    since = minute_ago()
    bigcommerce.add_orders(generate_orders(3, seed=2161))
    _computer(tmp_path / "office", monkeypatch)
    save_stores(orderdesk, [("Main shop", bigcommerce, "")], since=since)
    assert _sync(capsys)[0] == 0
    (saved,) = load_settings().stores
    assert saved.identity == f"bigcommerce:{bigcommerce.emulator.store_hash}"
    office = json.loads((data_dir() / INSTALLATION_FILE).read_text(encoding="utf-8"))["id"]
    assert {o["order_metadata"][INSTALLATION_KEY] for o in orderdesk.orders()} == {office}

    _computer(tmp_path / "laptop", monkeypatch)
    save_stores(orderdesk, [("Main shop", bigcommerce, "")], since=since)
    bigcommerce.add_orders(generate_orders(1, seed=2162))
    code, said = _sync(capsys)
    assert (code, said["health"]) == (cli.EXIT_HELD, "held")
    assert cli.main(["run", "--cycles", "1"]) == cli.EXIT_HELD
    assert len(orderdesk.orders()) == 3  # the laptop sent nothing
    assert cli.main(["status"]) == 0
    shown = capsys.readouterr().out
    assert "Main shop: Another computer (" in shown and "sync-here" in shown

    assert cli.main(["store", "sync-here", "Main shop"]) == 0
    assert 'This computer now syncs "Main shop"' in capsys.readouterr().out
    code, said = _sync(capsys)
    assert (code, said["pushed"]) == (0, 1)
    assert cli.main(["status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["held"] == []

    _computer(tmp_path / "office", monkeypatch)
    assert _sync(capsys)[0] == cli.EXIT_HELD  # it sees the laptop's newer order
    assert len(orderdesk.orders()) == 4


def test_a_wordpress_site_that_moved_is_held_until_the_merchant_says_it_is_the_same_store(
    orderdesk: OrderDeskEmulator,
    woo: WooCommerceKit,
    capsys: pytest.CaptureFixture[str],
) -> None:
    save_stores(orderdesk, [("Wholesale", woo, "")], since=minute_ago())
    woo.add_orders(generate_orders(1, seed=2163))
    assert _sync(capsys)[0] == 0
    (saved,) = load_settings().stores
    assert saved.identity == f"woocommerce:127.0.0.1:{woo.emulator.port}"

    woo.emulator.home_url = "https://www.new-shop.example/"
    woo.add_orders(generate_orders(1, seed=2164))
    assert _sync(capsys)[0] == cli.EXIT_HELD
    assert cli.main(["status"]) == 0
    assert "now says its address is new-shop.example" in capsys.readouterr().out
    assert len(orderdesk.orders()) == 1

    assert cli.main(["store", "same-store", "Wholesale"]) == 0
    assert "is now synced at new-shop.example" in capsys.readouterr().out
    code, said = _sync(capsys)
    assert (code, said["pushed"]) == (0, 1)
    assert {o["order_metadata"][STORE_KEY] for o in orderdesk.orders()} == {saved.identity}
    (confirmed,) = load_settings().stores
    assert (confirmed.identity, confirmed.seen_as) == (
        saved.identity,
        "woocommerce:new-shop.example",
    )
    assert cli.main(["store", "same-store", "Wholesale"]) == 2  # nothing left to confirm
