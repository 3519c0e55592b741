"""Issue 22, audit D: Needs you's row about several held orders read "held. Not sent yet:
its payment in the store is 'partially refunded'; it is sent once it reaches a payment state
chosen in Settings.: Send anyway" (a stray ".:", "its" for 2 orders), and ``desktop-sync
status`` said the same. One sentence for one order and one for several, from one place."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.paths import journal_path
from desktop_sync.gui.needs_you import NeedsYouPanel
from desktop_sync.state.journal import Journal, OrderState

pytestmark = pytest.mark.gui

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
HELD = (
    "Not sent yet: its payment in the store is 'partially refunded'; it is sent once it "
    "reaches a payment state chosen in Settings."
)


def _held(journal: Journal, store_order_id: str, number: str, minutes: int) -> None:
    placed = T0 + timedelta(minutes=minutes)
    journal.record_order_seen(
        store_order_id, number, placed, placed, state=OrderState.SKIPPED, reason=HELD
    )


def _panel_words(qtbot: QtBot, reader: DesktopSync) -> list[tuple[str, str]]:
    panel = NeedsYouPanel(reader)
    qtbot.addWidget(panel)
    panel.refresh()
    qtbot.waitUntil(lambda: panel.list.topLevelItemCount() > 0, timeout=10_000)
    items = [panel.list.topLevelItem(i) for i in range(panel.list.topLevelItemCount())]
    return [(item.text(0), item.text(1)) for item in items]


@pytest.mark.parametrize("count", [1, 2])
def test_held_orders_are_said_in_the_singular_or_plural_without_stray_marks(
    qtbot: QtBot, count: int
) -> None:
    with Journal(journal_path()) as journal:
        for n in range(count):
            _held(journal, str(11 + n), str(1011 + n), n)
    with DesktopSync(driver="test", lock=False) as reader:
        (row,) = reader.needs_you().rows
        if count == 1:
            assert row.title == (
                "Order 1011 held, not sent yet: its payment in the store is 'partially "
                "refunded'; it is sent once it reaches a payment state chosen in Settings."
            )
            assert _panel_words(qtbot, reader) == [("1011", HELD)]
            return
        assert row.title == (
            "2 orders held, not sent yet: their payment in the store is 'partially refunded'; "
            "they are sent once they reach a payment state chosen in Settings."
        )
        ((count, words),) = _panel_words(qtbot, reader)
    assert count == "2"
    assert words == row.title.removeprefix("2 orders h").join(("H", ""))
    for said in (row.title, words):
        assert ".:" not in said and " its " not in said and " it is " not in said
