"""Screenshots of issue 22's views for the docs: the Orders tab, an order's details, Needs you
with orders placed before setup (held), the month's chart, and Settings' status checkboxes
with their previews, over the demo sandbox after a few syncs. Saved to docs/screenshots/.

Run under a real X server with a window manager (see /work/shared/TESTING.md):
    Xvfb :57 -screen 0 1280x800x24 & export DISPLAY=:57; openbox &
    .venv/bin/python scripts/screenshots_orders.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DESKTOP_SYNC_HOME"] = tempfile.mkdtemp(prefix="desktop-sync-shots-")

from desktop_sync.gui.app import GuiSession  # noqa: E402
from desktop_sync.gui.main_window import MainWindow  # noqa: E402
from desktop_sync.gui.settings_dialog import SettingsDialog  # noqa: E402
from desktop_sync.state.month import SENT_LINE  # noqa: E402
from desktop_sync.state.orders_view import OrderWord  # noqa: E402
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator  # noqa: E402
from desktop_sync_sandbox.demo import DemoSandbox  # noqa: E402
from scripts.screenshots import (  # noqa: E402
    grab,
    settle,
    sync_and_wait,
    take,
    wait_for,
    wait_until,
)


def _placed_before_setup(store: BigCommerceEmulator, count: int) -> None:
    """Orders placed a few days before the app was set up, edited since (so a scan sees them)."""
    for order_id in store.add_sample_orders(count):
        with store.lock:
            record = store._orders[int(order_id)]
            record.created = datetime.now(UTC) - timedelta(days=3, hours=int(order_id) % 7)
            store._stamp(record)


def _month_of_history(window: MainWindow) -> None:
    """The weeks before today as the engine would have logged them (orders sent each day)."""
    journal = window.reader.journal  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    for days_ago in range(1, 30):
        for n in range((days_ago * 7) % 11 + (0 if days_ago % 7 in (0, 6) else 4)):
            journal.add_event(now - timedelta(days=days_ago, minutes=n), "info", "push", SENT_LINE)


def shots(session: GuiSession, out: Path) -> None:
    sandbox = session.sandbox
    assert isinstance(sandbox, DemoSandbox) and isinstance(sandbox.store, BigCommerceEmulator)
    if not session.open_journal():
        raise SystemExit("The demo journal could not be opened")
    window = session.show()
    window.resize(1180, 980)
    if not wait_for(window.controller.cycle_finished):
        raise SystemExit("The first demo sync did not finish in time")
    for _ in range(4):
        sandbox.ship_an_order()
    _placed_before_setup(sandbox.store, 8)
    _month_of_history(window)
    sync_and_wait(window)
    sync_and_wait(window)  # the overlap finds the edited older orders
    window.orders_tab.refresh()
    needs = window.dashboard.failed_list
    needs.setFocus()
    needs.setCurrentItem(needs.topLevelItem(0))  # its button says what it does: Send them
    grab(window, out / "needs-you-held.png")
    grab(window.dashboard.month_chart, out / "month-chart.png")

    window.tabs.setCurrentWidget(window.orders_tab)
    tab = window.orders_tab
    tab.table.setFocus()
    tab.table.selectRow(0)
    settle(400)
    grab(window, out / "orders-view.png")
    model = tab.model
    shipped = next(
        (r for r in range(model.rowCount()) if model.line_at(r).state is OrderWord.SHIPPED), 0
    )
    details = tab.open_row(shipped)
    details.resize(700, 560)
    grab(details, out / "order-details.png")
    details.close()
    settings_shot(window, sandbox.store, out)


def settings_shot(window: MainWindow, store: BigCommerceEmulator, out: Path) -> None:
    """Settings > Stores: the store's own statuses, each with what it would send."""
    for status_id in (7, 7, 9, 2):  # a few orders in other statuses, so the numbers differ
        store.add_order(status_id=status_id)
    window.open_settings()
    dialog = next(d for d in window.dialogs if isinstance(d, SettingsDialog))
    dialog.tabs.setCurrentIndex(dialog.tabs.indexOf(dialog.stores_box.parentWidget()))
    page = dialog.stores_box.current_page()
    assert page is not None
    wait_until(lambda: page.statuses.loaded, "the store's statuses")
    for value in ("awaiting fulfillment", "awaiting shipment"):
        page.statuses.boxes[value].setChecked(True)
    page.statuses.boxes["awaiting fulfillment"].setFocus()
    grab(dialog, out / "settings-statuses.png")
    dialog.reject()


def main(argv: list[str] | None = None) -> int:
    return take(shots, argv)


if __name__ == "__main__":
    raise SystemExit(main())
