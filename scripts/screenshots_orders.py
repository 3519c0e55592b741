"""Screenshots of issue 22's views for the docs: the Orders tab, an order's details, Needs you
with orders placed before setup (held), Settings' status checkboxes with their previews, and
the dashboard with two stores' month chart (a WooCommerce store added beside the demo's
BigCommerce one), over the demo sandbox after a few syncs. Saved to docs/screenshots/.

Run under a real X server with a window manager (see /work/shared/TESTING.md):
    Xvfb :57 -screen 0 1280x800x24 & export DISPLAY=:57; openbox &
    .venv/bin/python scripts/screenshots_orders.py
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DESKTOP_SYNC_HOME"] = tempfile.mkdtemp(prefix="desktop-sync-shots-")

import keyring  # noqa: E402

from desktop_sync.app.profile import save_profile  # noqa: E402
from desktop_sync.app.secrets import SecretStore  # noqa: E402
from desktop_sync.gui.app import GuiSession  # noqa: E402
from desktop_sync.gui.main_window import MainWindow  # noqa: E402
from desktop_sync.gui.settings_dialog import SettingsDialog  # noqa: E402
from desktop_sync.state.month import SENT_LINE  # noqa: E402
from desktop_sync.state.orders_view import OrderWord  # noqa: E402
from desktop_sync.state.records import iso  # noqa: E402
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator  # noqa: E402
from desktop_sync_sandbox.demo import DemoSandbox  # noqa: E402
from desktop_sync_sandbox.woocommerce import WooCommerceEmulator  # noqa: E402
from scripts.screenshots import (  # noqa: E402
    grab,
    said,
    settle,
    sync_and_wait,
    take,
    wait_for,
    wait_until,
)
from tests.memory_keyring import MemoryKeyring  # noqa: E402


def _placed_before_setup(store: BigCommerceEmulator, count: int) -> None:
    """Orders placed a few days before the app was set up, edited since (so a scan sees them)."""
    for order_id in store.add_sample_orders(count):
        with store.lock:
            record = store._orders[int(order_id)]
            record.created = datetime.now(UTC) - timedelta(days=3, hours=int(order_id) % 7)
            store._stamp(record)


def _month_of_history(window: MainWindow, store: str = "", busier: int = 0) -> None:
    """The weeks before today as the engine would have left them, for ``store`` (its journal
    id; the demo's own when not given): each day's orders sent, in the orders table (so the
    counters and the store cards agree with the chart) and in the log, each shipped and its
    tracking sent back to the store the next day. Written in one transaction, so the window's
    sync, running meanwhile, never finds one of them half written."""
    journal = window.reader.journal  # type: ignore[attr-defined]
    store = store or journal.store
    now = datetime.now(UTC)
    orders, events, shipments = [], [], []
    for days_ago in range(1, 30):
        for n in range((days_ago * (7 + busier)) % 11 + (0 if days_ago % 7 in (0, 6) else 4)):
            sent = now - timedelta(days=days_ago, minutes=n)
            shipped = iso(min(sent + timedelta(days=1, hours=n % 5), now - timedelta(hours=1)))
            order, number = f"history-{days_ago}-{n}", str(500 + days_ago * 20 + n)
            at = iso(sent)
            orders.append((store, order, number, f"H{store}{order}", at, at, at, at, shipped))
            events.append((at, "info", "push", number, SENT_LINE, store))
            tracking = f"1Z{store}{order}"
            ids = (f"s{order}", f"H{store}{order}", order, number, tracking)
            shipments.append((store, *ids, shipped, shipped))
    with journal.write() as conn:
        conn.executemany(
            "INSERT INTO orders (store, store_order_id, order_number, state, orderdesk_order_id, "
            "store_created_at, store_updated_at, created_at, updated_at, shipped_at) "
            "VALUES (?, ?, ?, 'sent', ?, ?, ?, ?, ?, ?)",
            orders,
        )
        # The log is read newest first by its row id: the past weeks' lines take ids below
        # today's (oldest lowest), so the cards' "Last order sent" stays today's.
        events.sort()
        conn.executemany(
            "INSERT INTO events (id, time, level, direction, order_number, message, store) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (row_id, *event)
                for row_id, event in zip(
                    range(_lowest_event_id(conn) - len(events), _lowest_event_id(conn)),
                    events,
                    strict=True,
                )
            ],
        )
        conn.executemany(
            "INSERT INTO shipments (store, shipment_id, orderdesk_order_id, store_order_id, "
            "order_number, tracking_number, carrier, lines, kind, state, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, 'UPS', '[]', 'fulfil', 'done', ?, ?)",
            shipments,
        )


def _lowest_event_id(conn: sqlite3.Connection) -> int:
    (lowest,) = conn.execute("SELECT MIN(id) FROM events").fetchone()
    return min(int(lowest or 1), 1)


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
    window.tabs.setCurrentIndex(0)
    two_stores_month_shot(session, window, out)


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


def two_stores_month_shot(session: GuiSession, window: MainWindow, out: Path) -> None:
    """A WooCommerce store added as the merchant adds one, its orders synced beside the
    BigCommerce store's; the month's chart then has a series for each, named as the merchant
    named them. Every store's keys are read from the keyring once there are several: the
    demo's (in its profile only) are saved to this script's keyring, in memory, first."""
    sandbox, profile = session.sandbox, session.profile
    assert isinstance(sandbox, DemoSandbox) and profile is not None
    save_profile(profile, SecretStore())
    woo = WooCommerceEmulator()
    woo.start()
    reader = window.reader
    added = reader.add_store(  # type: ignore[attr-defined]
        "woocommerce", woo.api_url, woo.consumer_key, woo.consumer_secret, name="Wholesale"
    )
    syncing = window.controller
    window._store_added(added)  # as the Add a store wizard's Finish does
    wait_until(lambda: window.controller is not syncing, "the sync of both stores")
    if not wait_for(window.controller.cycle_finished, 90_000):
        raise SystemExit("The first sync of both stores did not finish in time")
    _month_of_history(window, added.id, busier=3)
    woo.add_sample_orders(6)  # placed once the store is added: sent, not held
    for _ in range(2):
        sync_and_wait(window)
    for _ in range(3):
        sandbox.ship_an_order()
    sync_and_wait(window)
    chart = window.dashboard.month_chart
    wait_until(
        lambda: len(chart.stores) == 2 and chart.days[-1].stores[1].sent > 0,
        "the month's chart with both stores",
    )
    print(f"the month: {chart.stores}; today {chart.day_text(chart.days[-1])!r}; {said()}")
    chart.setFocus()
    chart.chosen = len(chart.days) - 1  # today, marked as the keyboard leaves it
    grab(window, out / "month-chart.png")
    threading.Thread(target=woo.stop, daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    return take(shots, argv)


if __name__ == "__main__":
    keyring.set_keyring(MemoryKeyring())  # the added store's keys: never a real keyring
    raise SystemExit(main())
