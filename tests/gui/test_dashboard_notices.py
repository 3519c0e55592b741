"""Issue 12 items 3 and 8 in the window: what needs the merchant though nothing failed (an order
cancelled in the store after it shipped) and a PC clock that is off reach the dashboard's
"Need attention" panel and count, its banner, and the tray's status line. A real cycle against
the emulators, with the engine's result carrying what its cancel check and clock reading say."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.wiring import build_engine
from desktop_sync.engine.events import CycleResult, Failure, Health, PushResult
from desktop_sync.gui.dashboard import Dashboard
from desktop_sync.gui.main_window import MainWindow
from desktop_sync.state.journal import Journal
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from tests.gui.conftest import needs_you_read
from tests.gui.test_main_window import WindowMaker, ended, journal, make_window

__all__ = ["ended", "journal", "make_window"]  # fixtures, used by name

pytestmark = pytest.mark.gui

WAIT_MS = 30_000
SHIPPED = Failure(
    "1001",
    "Order 1001 was cancelled in your store after it shipped from Order Desk; nothing was "
    "moved. Arrange a return or a refund with the customer.",
)
CLOCK = "This computer's clock is 25 minutes fast. Set it right (Windows: Date & time settings)."


def saying(attention: tuple[Failure, ...], clock_message: str) -> Any:
    """The real engine, whose cycles also say ``attention`` and ``clock_message``."""

    def factory(profile: Any, **options: Any) -> Any:
        engine = build_engine(profile, **options)
        run_cycle = engine.run_cycle

        def cycle(**kwargs: Any) -> CycleResult:
            result = run_cycle(**kwargs)
            push = dataclasses.replace(result.push or PushResult(), attention=attention)
            offset = timedelta(minutes=25) if clock_message else timedelta(0)
            return dataclasses.replace(
                result, push=push, clock_offset=offset, clock_message=clock_message
            )

        engine.run_cycle = cycle  # type: ignore[method-assign]
        return engine

    return factory


def _attention_rows(dashboard: Dashboard) -> list[tuple[str, str]]:
    items = (
        dashboard.failed_list.topLevelItem(i)
        for i in range(dashboard.failed_list.topLevelItemCount())
    )
    return [(item.text(0), item.text(1)) for item in items if item is not None]


def _sync(window: MainWindow, qtbot: QtBot) -> None:
    with qtbot.waitSignal(window.controller.cycle_finished, timeout=WAIT_MS):
        window.sync_now()
    needs_you_read(qtbot, window.dashboard)


def test_an_order_cancelled_after_it_shipped_needs_attention_in_the_panel_count_and_tray(
    make_window: WindowMaker, bigcommerce: BigCommerceEmulator, journal: Journal, qtbot: QtBot
) -> None:
    bigcommerce.add_sample_orders(2)
    window = make_window(engine_factory=saying((SHIPPED,), ""))
    dashboard = window.dashboard
    _sync(window, qtbot)
    assert journal.counts().failed == 0  # nothing failed: it is the cancel that needs you
    assert not dashboard.failed_box.isHidden()
    assert _attention_rows(dashboard) == [("1001", SHIPPED.reason)]
    assert dashboard.failed.number.text() == "1"
    assert window.tray is not None
    assert window.tray.status_line() == "1 order needs you"
    # Said once by the engine, it stays listed on the next cycles, once.
    _sync(window, qtbot)
    assert _attention_rows(dashboard) == [("1001", SHIPPED.reason)]
    assert dashboard.failed.number.text() == "1"


def test_a_wrong_pc_clock_is_said_in_the_banner_without_moving_anything(
    make_window: WindowMaker, qtbot: QtBot
) -> None:
    window = make_window(engine_factory=saying((), CLOCK))
    dashboard = window.dashboard
    height = dashboard.banner.height()
    below = dashboard.sync_button.mapTo(dashboard, dashboard.sync_button.rect().topLeft())
    _sync(window, qtbot)
    qtbot.waitUntil(lambda: dashboard.banner_text.text() == CLOCK, timeout=WAIT_MS)
    assert dashboard.banner.property("severity") == "warning"
    assert dashboard.banner.height() == height
    assert dashboard.sync_button.mapTo(dashboard, dashboard.sync_button.rect().topLeft()) == below


def test_a_clock_set_right_clears_the_sentence(qtbot: QtBot, reader: DesktopSync) -> None:
    dashboard = Dashboard(reader)
    qtbot.addWidget(dashboard)
    dashboard.set_notices((SHIPPED,), CLOCK)  # what earlier cycles saved
    needs_you_read(qtbot, dashboard)
    assert dashboard.needs_attention == 1
    dashboard.on_health_changed(Health.OK)
    assert dashboard.banner_text.text() == CLOCK
    dashboard.on_cycle_finished(CycleResult(Health.OK, clock_offset=timedelta(seconds=2)))
    # The clock's sentence is gone; the order still listed is said instead of "in sync"
    # (issue 22: never "Everything is in sync" while Needs you lists anything).
    assert dashboard.banner_text.text() == (
        "Connected to both. 1 order needs you: see Needs you below."
    )
    assert _attention_rows(dashboard) == [("1001", SHIPPED.reason)]
