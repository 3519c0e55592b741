"""Issue 23 item 5: nothing in the window moves as the sync's state changes (a sync, a pause, an
error, a setup problem), and the two cards are of one height, at the window's usual size and
at its smallest."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop_sync.engine.events import CycleResult, Health, PullResult, PushResult
from desktop_sync.gui.main_window import MainWindow
from desktop_sync.gui.workers import Schedule
from tests.gui.test_main_window import WindowMaker, ended, make_window

__all__ = ["ended", "make_window"]  # fixtures, used by name

pytestmark = pytest.mark.gui

_OFFLINE = (
    "Order Desk could not be reached (the connection timed out after 30 seconds); check this "
    "computer's internet connection. The app keeps retrying; nothing is lost."
)


def _geometry(window: MainWindow) -> dict[str, QRect]:
    window.centralWidget().layout().activate()
    window.dashboard.layout().activate()
    QApplication.processEvents()
    dashboard = window.dashboard
    widgets: dict[str, QWidget] = {
        "banner": dashboard.banner,
        "orderdesk card": dashboard.orderdesk_card,
        "store card": dashboard.store_card,
        "counters": dashboard.sent.parentWidget(),
        "sync button": dashboard.sync_button,
        "pause button": dashboard.pause_button,
        "log": window.log_view,
    }
    return {name: widget.geometry() for name, widget in widgets.items()}


def _states(window: MainWindow) -> list[tuple[str, Callable[[], None]]]:
    dashboard = window.dashboard
    now = datetime.now(UTC)
    done = CycleResult(
        Health.OK,
        push=PushResult(sent=17, waiting=3),
        pull=PullResult(fulfillments_created=2),
        finished_at=now,
    )
    offline = CycleResult(
        Health.ORDERDESK_OFFLINE,
        _OFFLINE,
        troubles=((Health.ORDERDESK_OFFLINE, _OFFLINE),),
        finished_at=now,
    )
    setup = CycleResult(
        Health.SETUP,
        "Syncing could not start: Enter both the Order Desk Store ID and API Key (Order Desk, "
        "Store Settings > API), then press Verify Connection. Check your settings, then "
        "reconnect.",
    )
    later = Schedule(now + timedelta(minutes=2), now + timedelta(minutes=5))
    soon = Schedule(now + timedelta(seconds=20), now + timedelta(seconds=40))
    return [
        ("scheduled", lambda: dashboard.on_schedule_changed(later)),
        ("syncing", dashboard.on_cycle_started),
        ("synced", lambda: dashboard.on_cycle_finished(done)),
        ("no schedule", lambda: dashboard.on_schedule_changed(Schedule(None, None))),
        ("scheduled again", lambda: dashboard.on_schedule_changed(later)),
        ("due soon", lambda: dashboard.on_schedule_changed(soon)),
        ("pausing", lambda: (dashboard.on_cycle_started(), dashboard.set_paused(True))),
        ("paused", lambda: dashboard.on_health_changed(Health.PAUSED)),
        ("resumed", lambda: (dashboard.set_paused(False), dashboard.on_cycle_started())),
        ("offline", lambda: dashboard.on_cycle_finished(offline)),
        ("offline said", lambda: dashboard.on_health_changed(Health.ORDERDESK_OFFLINE)),
        ("setup problem", lambda: dashboard.on_cycle_finished(setup)),
        ("back", lambda: dashboard.on_cycle_finished(done)),
    ]


@pytest.fixture(params=["", "DejaVu Sans"], ids=["default font", "desktop font"])
def font(request: pytest.FixtureRequest) -> Iterator[None]:
    """The offscreen platform's small default font, and a desktop's wider one (as under X11)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.font()
    if request.param:
        app.setFont(QFont(request.param, 10))
    yield
    app.setFont(before)


@pytest.mark.parametrize("size", [(1040, 740), (780, 560)], ids=["usual", "smallest"])
def test_nothing_moves_as_the_sync_changes_state(
    font: None, make_window: WindowMaker, qtbot: QtBot, size: tuple[int, int]
) -> None:
    window = make_window()
    window.resize(*size)
    qtbot.waitExposed(window)
    first = _geometry(window)
    assert first["orderdesk card"].height() == first["store card"].height()
    for state, change in _states(window):
        change()
        now = _geometry(window)
        moved = {name: (first[name], rect) for name, rect in now.items() if rect != first[name]}
        assert not moved, f"{state}: {moved}"
