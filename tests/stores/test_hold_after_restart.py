"""A store held because another computer syncs it stays held after a restart (issue 21, item
5, "resumes only when the merchant chooses"): the hold, with who holds it and since when, is
kept in the store's settings, so the restarted computer sends nothing, not even the one new
order it would have sent before its next look-up found the other computer again. Two profile
homes are two computers; one store and one Order Desk accepting duplicate numbers, over real
sockets."""

from __future__ import annotations

import platform
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from desktop_sync import cli
from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.settings import load_settings
from desktop_sync.app.stores import StoreSettings
from desktop_sync.engine.events import Health
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.harness import minute_ago
from tests.stores.profile import placed_earlier, save_stores
from tests.stores.test_whose_store_cli import _computer as _on
from tests.stores.test_whose_store_cli import _sync

DAYS_2 = timedelta(days=2)


def _office_then_laptop(
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceKit,
    since: datetime,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[Path, Path]:
    """The office syncs the store's orders; then the laptop is set up for the same store
    (the current computer). Order Desk accepts duplicate numbers."""
    orderdesk.book.reject_duplicates = False
    office, laptop = tmp_path / "office", tmp_path / "laptop"
    for computer in (office, laptop):
        _on(computer, monkeypatch)
        save_stores(orderdesk, [("Main shop", bigcommerce, "")], since=since)
        if computer == office:
            assert _sync(capsys)[0] == 0
    return office, laptop


def _store() -> StoreSettings:
    (store,) = load_settings().stores
    return store


def _copies(orderdesk: OrderDeskEmulator) -> Counter[str]:
    return Counter(str(o["source_id"]) for o in orderdesk.orders())


def test_a_computer_held_for_another_sends_nothing_after_a_restart(
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceKit,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A quiet store whose orders were placed two days before the office restarts: the
    # look-up before its next send (a day back from the new order) no longer lists the
    # laptop's orders. Before, the restarted office sent the new order, and the laptop, the
    # computer chosen, sent it again.
    since = datetime.now(UTC) - timedelta(days=3)
    placed_earlier(bigcommerce, bigcommerce.add_orders(generate_orders(3, seed=3201)), DAYS_2)
    office, laptop = _office_then_laptop(
        orderdesk, bigcommerce, since, tmp_path, monkeypatch, capsys
    )
    assert cli.main(["store", "sync-here", "Main shop"]) == 0  # the merchant chose the laptop
    capsys.readouterr()

    # Both computers send the next order at the same moment, the laptop's copy first: the
    # office finds it when it looks once more after its send, and stops.
    placed_earlier(bigcommerce, bigcommerce.add_orders(generate_orders(1, seed=3202)), DAYS_2)
    _on(office, monkeypatch)
    before = datetime.now(UTC).replace(microsecond=0)
    with DesktopSync(driver="sync") as app, app.engines() as engines:
        ((_, engine),) = engines.engines
        send = engine.orderdesk.create_order

        def the_laptop_first(draft: Any) -> Any:
            with monkeypatch.context() as elsewhere:
                _on(laptop, elsewhere)
                assert _sync(capsys)[0] == 0
            return send(draft)

        monkeypatch.setattr(engine.orderdesk, "create_order", the_laptop_first)
        assert engines.run_cycle().result.health is Health.HELD
    held = _store()
    assert held.held.startswith("Another computer (")
    assert held.held_by == platform.node()
    assert datetime.fromisoformat(held.held_since) >= before

    # The office restarts (each command is a new start) while a new order waits in the store.
    bigcommerce.add_orders(generate_orders(1, seed=3203))
    code, said = _sync(capsys)
    assert (code, said["health"], said["pushed"]) == (cli.EXIT_HELD, "held", 0)
    assert cli.main(["run", "--cycles", "1", "--interval", "0.1"]) == cli.EXIT_HELD
    assert len(orderdesk.orders()) == 5  # 3, and the order both sent at the same moment
    assert cli.main(["status"]) == 0
    assert "Main shop: Another computer (" in capsys.readouterr().out
    assert _store().held_since == held.held_since  # since when: the first time it was found

    _on(laptop, monkeypatch)
    assert _sync(capsys)[0] == 0  # the chosen computer sends the new order, once
    assert sorted(_copies(orderdesk).values()) == [1, 1, 1, 1, 2]


def test_the_merchants_choice_releases_the_hold_kept_for_a_restart(
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceKit,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bigcommerce.add_orders(generate_orders(2, seed=3204))
    _office_then_laptop(orderdesk, bigcommerce, minute_ago(), tmp_path, monkeypatch, capsys)
    assert _sync(capsys)[0] == cli.EXIT_HELD
    assert _store().held_by == platform.node()

    assert cli.main(["store", "sync-here", "Main shop"]) == 0
    capsys.readouterr()
    assert (_store().held, _store().held_by, _store().held_since) == ("", "", "")
    bigcommerce.add_orders(generate_orders(1, seed=3205))
    code, said = _sync(capsys)
    assert (code, said["pushed"]) == (0, 1)
    assert set(_copies(orderdesk).values()) == {1} and len(orderdesk.orders()) == 3
