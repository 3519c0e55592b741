"""Issue 22, audit D, the command line: ``desktop-sync status`` said two held orders as the
window did ("2 orders held. Not sent yet: its payment ..."); it now says the sentence the
window's Needs you says, from the same place."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from desktop_sync import cli
from desktop_sync.app.paths import journal_path
from desktop_sync.state.journal import Journal, OrderState
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.harness import point_cli_at

HELD = (
    "Not sent yet: its status in the store is 'Pending'; it is sent once it reaches a status "
    "chosen in Settings."
)


def test_status_says_two_held_orders_in_the_plural(
    store: BigCommerceKit,
    orderdesk: OrderDeskEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    point_cli_at(store.env(), orderdesk, monkeypatch)
    placed = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    with Journal(journal_path()) as journal:
        for n in (1, 2):
            at = placed + timedelta(minutes=n)
            journal.record_order_seen(
                str(n), str(100 + n), at, at, state=OrderState.SKIPPED, reason=HELD
            )
    capsys.readouterr()
    assert cli.main(["status"]) == cli.EXIT_OK
    text = capsys.readouterr().out
    assert (
        "Needs you: 2\n  2 orders held, not sent yet: their status in the store is 'Pending'; "
        "they are sent once they reach a status chosen in Settings.\n"
    ) in text
    assert ".:" not in text and " its status" not in text
