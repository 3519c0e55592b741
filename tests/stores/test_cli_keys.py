"""The store commands' keys (issue 20, "The interface"), the cases ``test_cli.py`` leaves out:
``store add`` asks for the key and secret without echo when ``STORE_KEY`` / ``STORE_SECRET``
are not set; ``orderdesk connect`` with no usable keyring says so and saves nothing; and
``backfill --store`` sends the older orders of the store it names, none of another's. Over
real sockets, against the emulators."""

from __future__ import annotations

from datetime import timedelta

import keyring
import keyring.backends.fail
import pytest

from desktop_sync import cli
from desktop_sync.app.paths import settings_path
from desktop_sync.app.secrets import SecretStore, store_key_name, store_secret_name
from desktop_sync.app.settings import load_settings
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.contract.kits.woocommerce import WooCommerceKit
from tests.harness import minute_ago
from tests.stores.profile import placed_earlier, save_stores


def test_store_add_asks_for_the_key_and_secret_without_echo(
    woo: WooCommerceKit, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env = woo.env()
    monkeypatch.delenv("STORE_KEY", raising=False)
    monkeypatch.delenv("STORE_SECRET", raising=False)
    typed = {
        "Store API key (not shown): ": env["STORE_KEY"],
        "Store API secret, if it has one (not shown): ": env["STORE_SECRET"],
    }
    asked: list[str] = []

    def getpass(prompt: str) -> str:
        asked.append(prompt)
        return typed[prompt]

    monkeypatch.setattr("getpass.getpass", getpass)
    add = ["store", "add", "--platform", "woocommerce", "--url", env["STORE_URL"]]
    assert cli.main([*add, "--name", "Wholesale"]) == 0, capsys.readouterr().err
    assert asked == list(typed)  # both asked, neither echoed (getpass), in this order
    (store,) = load_settings().stores
    assert store.name == "Wholesale"
    secrets = SecretStore()
    assert secrets.get(store_key_name("woocommerce", env["STORE_URL"])) == env["STORE_KEY"]
    assert secrets.get(store_secret_name("woocommerce", env["STORE_URL"])) == env["STORE_SECRET"]
    saved = settings_path().read_text(encoding="utf-8")
    assert env["STORE_KEY"] not in saved and env["STORE_SECRET"] not in saved


def test_with_no_usable_keyring_orderdesk_connect_says_so_and_saves_nothing(
    orderdesk: OrderDeskEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    monkeypatch.setenv("ORDERDESK_API_URL", orderdesk.api_url)
    monkeypatch.setenv("ORDERDESK_API_KEY", orderdesk.api_key)  # the right key
    code = cli.main(["orderdesk", "connect", "--store-id", orderdesk.store_id])
    assert code == 2
    err = capsys.readouterr().err
    assert "nothing was saved" in err and "cannot keep your passwords" in err
    assert len(err.strip().splitlines()) == 1  # one sentence, no traceback
    assert not settings_path().exists()


def test_backfill_with_store_sends_the_older_orders_of_that_store_alone(
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceKit,
    capsys: pytest.CaptureFixture[str],
) -> None:
    outlet = BigCommerceKit()  # a second shop of the same platform
    outlet.start()
    try:
        hour = timedelta(hours=1)
        placed_earlier(bigcommerce, bigcommerce.add_orders(generate_orders(2, seed=91)), hour)
        placed_earlier(outlet, outlet.add_orders(generate_orders(2, seed=92)), hour)
        main, second = save_stores(
            orderdesk, [("Main shop", bigcommerce, ""), ("Outlet", outlet, "")], since=minute_ago()
        )
        assert cli.main(["sync", "--once"]) == 0
        assert orderdesk.orders() == []  # placed before each store's start: not sent

        since = (minute_ago() - timedelta(hours=2)).isoformat()
        code = cli.main(["backfill", "--since", since, "--store", "Outlet"])
        assert code == 0, capsys.readouterr().err
        assert cli.main(["sync", "--once"]) == 0
    finally:
        outlet.stop()
    sources = [o["source_name"] for o in orderdesk.orders()]
    assert sources == [second.order_desk_source_name] * 2
    assert main.order_desk_source_name not in sources
