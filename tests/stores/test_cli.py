"""The CLI's store commands (issue 20, "The interface"): ``orderdesk connect``, ``store add``,
``store list``, ``store remove``, and ``--store`` on the commands that act on every store; over
real sockets, against the emulators."""

from __future__ import annotations

import json

import keyring
import keyring.backends.fail
import pytest

from desktop_sync import cli
from desktop_sync.app.paths import journal_path, settings_path
from desktop_sync.app.secrets import SecretStore, store_key_name, store_secret_name
from desktop_sync.app.settings import load_settings
from desktop_sync.state.journal import Journal
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.contract.kits.woocommerce import WooCommerceKit
from tests.harness import minute_ago
from tests.stores.profile import save_stores


def _passwords() -> dict[tuple[str, str], str]:
    return dict(keyring.get_keyring().passwords)  # type: ignore[attr-defined]


def test_orderdesk_connect_verifies_the_key_before_saving_it(
    orderdesk: OrderDeskEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ORDERDESK_API_URL", orderdesk.api_url)
    monkeypatch.setenv("ORDERDESK_API_KEY", "not-the-key-0000000000")
    assert cli.main(["orderdesk", "connect", "--store-id", orderdesk.store_id]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Order Desk was not connected, nothing was saved: ")
    assert not settings_path().exists() and _passwords() == {}

    monkeypatch.delenv("ORDERDESK_API_KEY")
    asked: list[str] = []

    def typed(prompt: str) -> str:
        asked.append(prompt)
        return orderdesk.api_key

    monkeypatch.setattr("getpass.getpass", typed)
    code = cli.main(
        ["orderdesk", "connect", "--store-id", orderdesk.store_id, "--folder", "Prepared"]
    )
    assert code == 0, capsys.readouterr().err
    assert asked == ["Order Desk API key (not shown): "]  # asked without echo
    saved = load_settings()
    assert (saved.orderdesk_store_id, saved.orderdesk_folder_name) == (
        orderdesk.store_id,
        "Prepared",
    )
    assert SecretStore().get(f"orderdesk_api_key:{orderdesk.store_id}") == orderdesk.api_key
    assert orderdesk.api_key not in settings_path().read_text(encoding="utf-8")


def test_store_add_verifies_then_saves_and_refuses_a_wrong_key_with_exit_2(
    orderdesk: OrderDeskEmulator,
    woo: WooCommerceKit,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Order Desk connected first: the store's folder is checked against Order Desk's list.
    monkeypatch.setenv("ORDERDESK_API_URL", orderdesk.api_url)
    monkeypatch.setenv("ORDERDESK_API_KEY", orderdesk.api_key)
    assert cli.main(["orderdesk", "connect", "--store-id", orderdesk.store_id]) == 0
    monkeypatch.delenv("ORDERDESK_API_KEY")
    connected = settings_path().read_text(encoding="utf-8")
    env = woo.env()
    monkeypatch.setenv("STORE_KEY", env["STORE_KEY"])
    monkeypatch.setenv("STORE_SECRET", "cs_wrong0123456789")
    add = ["store", "add", "--platform", "woocommerce", "--url", env["STORE_URL"]]
    assert cli.main([*add, "--name", "Wholesale"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("The store was not added, nothing was saved: ")
    assert err.strip().endswith(".")
    assert settings_path().read_text(encoding="utf-8") == connected
    assert [name for (_, name) in _passwords()] == [f"orderdesk_api_key:{orderdesk.store_id}"]

    monkeypatch.setenv("STORE_SECRET", env["STORE_SECRET"])
    assert cli.main([*add, "--name", "Wholesale", "--folder", "Prepared"]) == 0
    assert 'Added "Wholesale"' in capsys.readouterr().out
    (store,) = load_settings().stores
    assert (store.name, store.platform, store.folder_name) == (
        "Wholesale",
        "woocommerce",
        "Prepared",
    )
    secrets = SecretStore()
    assert secrets.get(store_key_name("woocommerce", env["STORE_URL"])) == env["STORE_KEY"]
    assert secrets.get(store_secret_name("woocommerce", env["STORE_URL"])) == env["STORE_SECRET"]

    assert cli.main([*add, "--name", "wholesale"]) == 2  # the name is taken (any case)
    assert 'already has a store called "Wholesale"' in capsys.readouterr().err


def test_with_no_usable_keyring_store_add_says_so_and_saves_nothing(
    woo: WooCommerceKit, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    for name, value in woo.env().items():
        monkeypatch.setenv(name, value)
    code = cli.main(["store", "add", "--platform", "woocommerce", "--url", woo.env()["STORE_URL"]])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "The store was not added, nothing was saved. Desktop Sync cannot keep your passwords"
    )
    assert "for this session only" not in err  # the window's choice, not a command's
    assert not settings_path().exists()


def test_store_list_and_remove(
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceKit,
    woo: WooCommerceKit,
    capsys: pytest.CaptureFixture[str],
) -> None:
    first, second = save_stores(
        orderdesk,
        [("Main shop", bigcommerce, ""), ("Wholesale", woo, "Prepared")],
        since=minute_ago(),
    )
    with Journal(journal_path(), store=second.id) as journal:
        journal.record_order_seen("7", "100", minute_ago(), minute_ago())

    assert cli.main(["store", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [{k: item[k] for k in ("name", "platform", "url", "folder")} for item in listed] == [
        {"name": "Main shop", "platform": "bigcommerce", "url": first.url, "folder": "New"},
        {"name": "Wholesale", "platform": "woocommerce", "url": second.url, "folder": "Prepared"},
    ]
    assert listed[1]["source_name"] == "Desktop Sync (Wholesale)"

    assert cli.main(["store", "remove", "wholesale"]) == 0
    assert 'Removed "Wholesale"' in capsys.readouterr().out
    assert [s.name for s in load_settings().stores] == ["Main shop"]
    names = {name for (_, name) in _passwords()}
    assert store_key_name("woocommerce", second.url) not in names
    assert store_secret_name("woocommerce", second.url) not in names
    assert store_key_name("bigcommerce", first.url) in names
    with Journal(journal_path(), store=second.id) as journal:
        assert journal.get_order("7") is not None  # its history is kept

    assert cli.main(["store", "remove", "Outlet"]) == 2
    assert 'no store called "Outlet"' in capsys.readouterr().err


def test_sync_status_and_retry_act_on_every_store_or_the_one_named(
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceKit,
    woo: WooCommerceKit,
    capsys: pytest.CaptureFixture[str],
) -> None:
    save_stores(
        orderdesk, [("Main shop", bigcommerce, ""), ("Wholesale", woo, "")], since=minute_ago()
    )
    bigcommerce.add_orders(generate_orders(2, seed=51))
    woo.add_orders(generate_orders(1, seed=52))

    assert cli.main(["sync", "--json", "--store", "Wholesale"]) == 0
    only = json.loads(capsys.readouterr().out)
    assert (only["pushed"], [s["store"] for s in only["stores"]]) == (1, ["Wholesale"])

    assert cli.main(["sync", "--json"]) == 0
    every = json.loads(capsys.readouterr().out)
    assert every["pushed"] == 2
    assert [(s["store"], s["pushed"], s["health"]) for s in every["stores"]] == [
        ("Main shop", 2, "ok"),
        ("Wholesale", 0, "ok"),
    ]

    assert cli.main(["sync"]) == 0
    said = capsys.readouterr().out
    assert "  Main shop: sent 0, already there 0, failed 0" in said
    assert "  Wholesale: sent 0" in said

    assert cli.main(["status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["orders_sent"] == 3
    assert [(s["store"], s["orders_sent"]) for s in status["stores"]] == [
        ("Main shop", 2),
        ("Wholesale", 1),
    ]
    assert cli.main(["status", "--json", "--store", "Main shop"]) == 0
    assert json.loads(capsys.readouterr().out)["orders_sent"] == 2

    assert cli.main(["retry", "--failed", "--store", "Nowhere"]) == 2
    assert 'no store called "Nowhere"' in capsys.readouterr().err


def test_run_syncs_every_store_and_the_one_named(
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceKit,
    woo: WooCommerceKit,
    capsys: pytest.CaptureFixture[str],
) -> None:
    main, wholesale = save_stores(
        orderdesk, [("Main shop", bigcommerce, ""), ("Wholesale", woo, "")], since=minute_ago()
    )
    bigcommerce.add_orders(generate_orders(2, seed=53))
    woo.add_orders(generate_orders(2, seed=54))

    assert cli.main(["run", "--cycles", "1", "--store", "Main shop"]) == 0
    assert len(orderdesk.orders()) == 2
    assert cli.main(["run", "--cycles", "1"]) == 0
    capsys.readouterr()
    sources = sorted(o["source_name"] for o in orderdesk.orders())
    assert sources == sorted(
        [main.order_desk_source_name] * 2 + [wholesale.order_desk_source_name] * 2
    )
