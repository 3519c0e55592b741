"""A store paused on its own, from the command line as in the window: ``store pause NAME`` and
``store resume NAME`` keep it in the store's settings, ``status`` says it, and ``run`` (the
window's scheduler, headless) leaves it alone until it is resumed. Over real sockets."""

from __future__ import annotations

import json

import pytest

from desktop_sync import cli
from desktop_sync.app.settings import load_settings
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.contract.kits.woocommerce import WooCommerceKit
from tests.harness import minute_ago
from tests.stores.profile import save_stores


def _status(capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, object]]:
    assert cli.main(["status", "--json"]) == 0
    return {s["store"]: s for s in json.loads(capsys.readouterr().out)["stores"]}


def _two_stores_one_paused(
    orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceKit, woo: WooCommerceKit
) -> None:
    """A profile of Main shop and Wholesale, Wholesale paused from the command line."""
    stores = [("Main shop", bigcommerce, ""), ("Wholesale", woo, "")]
    save_stores(orderdesk, stores, since=minute_ago())
    assert cli.main(["store", "pause", "wholesale"]) == 0


def test_a_store_paused_from_the_command_line_is_said_and_left_alone_by_run(
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceKit,
    woo: WooCommerceKit,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _two_stores_one_paused(orderdesk, bigcommerce, woo)
    assert capsys.readouterr().out.startswith('Paused "Wholesale": ')
    assert [s.paused for s in load_settings().stores] == [False, True]
    shown = _status(capsys)
    assert (shown["Main shop"]["paused"], shown["Wholesale"]["paused"]) == (False, True)
    assert cli.main(["status"]) == 0
    assert "  Wholesale: paused" in capsys.readouterr().out

    main = bigcommerce.add_orders(generate_orders(2, seed=3101))
    woo.add_orders(generate_orders(3, seed=3102))
    assert cli.main(["run", "--cycles", "1", "--interval", "0.1"]) == 0
    err = capsys.readouterr().err
    assert "Wholesale is paused: not synced until you resume it" in err
    assert len(orderdesk.orders()) == len(main)  # the paused store sent nothing

    assert cli.main(["store", "resume", "Wholesale"]) == 0
    assert capsys.readouterr().out.startswith('Resumed "Wholesale": ')
    assert not _status(capsys)["Wholesale"]["paused"]
    assert cli.main(["run", "--cycles", "1", "--interval", "0.1"]) == 0
    assert len(orderdesk.orders()) == 5


def test_run_with_every_store_paused_says_so_and_ends(
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceKit,
    capsys: pytest.CaptureFixture[str],
) -> None:
    save_stores(orderdesk, [("Main shop", bigcommerce, "")], since=minute_ago())
    bigcommerce.add_orders(generate_orders(1, seed=3103))
    assert cli.main(["store", "pause", "Main shop"]) == 0
    assert cli.main(["run"]) == 0  # no --cycles: it would wait for ever
    err = capsys.readouterr().err
    assert "Every store is paused" in err
    assert orderdesk.orders() == []


def test_pausing_a_store_the_profile_does_not_have_says_which_it_has(
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceKit,
    capsys: pytest.CaptureFixture[str],
) -> None:
    save_stores(orderdesk, [("Main shop", bigcommerce, "")], since=minute_ago())
    assert cli.main(["store", "pause", "Outlet"]) == 2
    err = capsys.readouterr().err
    assert 'no store called "Outlet"' in err and '"Main shop"' in err


def test_sync_leaves_a_paused_store_alone_unless_it_is_named(
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceKit,
    woo: WooCommerceKit,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # As Sync now in the window: every store but those paused on their own; named, it syncs.
    _two_stores_one_paused(orderdesk, bigcommerce, woo)
    main = bigcommerce.add_orders(generate_orders(2, seed=3104))
    woo.add_orders(generate_orders(3, seed=3105))
    assert cli.main(["sync"]) == 0
    assert len(orderdesk.orders()) == len(main)
    assert cli.main(["sync", "--store", "Wholesale"]) == 0
    assert len(orderdesk.orders()) == 5
    assert load_settings().stores[1].paused  # syncing it once did not resume it


def test_pause_of_every_store_holds_for_run_and_status_until_resumed(
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceKit,
    woo: WooCommerceKit,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The window's Pause (Settings.paused) is kept across a restart, as Dropbox and Maestral
    # keep theirs; the command line reads and sets the same setting.
    _two_stores_one_paused(orderdesk, bigcommerce, woo)
    assert cli.main(["store", "pause"]) == 0  # no name: every store, as the window's Pause
    assert capsys.readouterr().out.splitlines()[-1].startswith("Paused every store: ")
    assert load_settings().paused
    assert cli.main(["status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["paused"] is True
    assert cli.main(["status"]) == 0
    assert "Syncing is paused for every store" in capsys.readouterr().out
    bigcommerce.add_orders(generate_orders(1, seed=3106))
    assert cli.main(["run", "--cycles", "1"]) == 0
    assert "Every store is paused" in capsys.readouterr().err
    assert orderdesk.orders() == []

    assert cli.main(["store", "resume"]) == 0  # as the window's Resume: every store syncs
    assert capsys.readouterr().out.startswith("Resumed every store: ")
    assert not load_settings().paused
    assert [s.paused for s in load_settings().stores] == [False, False]
    assert cli.main(["run", "--cycles", "1", "--interval", "0.1"]) == 0
    assert len(orderdesk.orders()) == 1
