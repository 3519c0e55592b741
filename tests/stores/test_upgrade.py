"""Issue 20, upgrade: a profile and journal of the single-store version open as a profile with
one store; over real sockets, the next sync sends nothing twice and loses no shipment, and the
old files are kept as backups."""

from __future__ import annotations

import json
import sqlite3

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.paths import config_dir, data_dir, journal_path, settings_path
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.harness import minute_ago
from tests.stores.profile import save_stores

# The journal as the single-store version (schema 2) kept it: no store in any key.
_TO_SCHEMA_2 = """
CREATE TABLE old_orders AS SELECT store_order_id, order_number, state, orderdesk_order_id,
    attempts, next_attempt_at, last_error, store_created_at, store_updated_at, created_at,
    updated_at, shipped_at, facts_seen, facts_told FROM orders;
CREATE TABLE old_shipments AS SELECT shipment_id, orderdesk_order_id, store_order_id,
    order_number, tracking_number, carrier, tracking_url, shipment_method, lines, kind, state,
    store_fulfillment_id, attempts, next_attempt_at, last_error, created_at, updated_at
    FROM shipments;
CREATE TABLE old_cursors AS SELECT direction, high_water, overlap_seconds, updated_at
    FROM cursors;
DROP TABLE orders; DROP TABLE shipments; DROP TABLE cursors;
ALTER TABLE old_orders RENAME TO orders;
ALTER TABLE old_shipments RENAME TO shipments;
ALTER TABLE old_cursors RENAME TO cursors;
ALTER TABLE events DROP COLUMN store;
PRAGMA user_version = 2;
"""


def _as_the_single_store_version_left_it(orderdesk: OrderDeskEmulator) -> None:
    (store,) = json.loads(settings_path().read_text(encoding="utf-8"))["stores"]
    old = {
        "schema_version": 1,
        "orderdesk_store_id": orderdesk.store_id,
        "orderdesk_api_url": orderdesk.api_url,
        "store_platform": store["platform"],
        "store_url": store["url"],
        "sync_since": store["sync_since"],
    }
    settings_path().write_text(json.dumps(old), encoding="utf-8")
    (config_dir() / "last-version.txt").write_text("0.9.0\n", encoding="utf-8")
    conn = sqlite3.connect(journal_path())
    try:
        conn.executescript(_TO_SCHEMA_2)
    finally:
        conn.close()


def test_an_upgraded_profile_sends_nothing_twice_and_loses_no_shipment(
    orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceKit
) -> None:
    save_stores(orderdesk, [("", bigcommerce, "")], since=minute_ago())
    ids = bigcommerce.add_orders(generate_orders(3, seed=81))
    with DesktopSync(driver="sync") as app:
        assert app.sync_once().result.push.sent == 3  # type: ignore[union-attr]
        shipped = orderdesk.orders_with_source(ids[0])[0]
        orderdesk.add_shipment(shipped["id"], "1ZBEFORE0001")
        assert app.sync_once().result.pull.fulfillments_created == 1  # type: ignore[union-attr]
    waiting = orderdesk.orders_with_source(ids[1])[0]
    orderdesk.add_shipment(waiting["id"], "1ZAROUND0002")  # shipped while the app updates
    _as_the_single_store_version_left_it(orderdesk)

    with DesktopSync(driver="sync") as app:
        assert any("settings were updated" in line for line in app.upgrade_notes)
        assert any("sync history was updated from schema 2" in line for line in app.upgrade_notes)
        (profile,) = app.load_profiles()
        assert (profile.store_id, profile.source_name) == ("1", "Desktop Sync (BigCommerce)")
        cycle = app.sync_once()

    push, pull = cycle.result.push, cycle.result.pull
    assert push is not None and (push.sent, push.adopted, push.failed) == (0, 0, ())
    assert pull is not None and pull.fulfillments_created == 1
    assert len(orderdesk.orders()) == 3  # nothing sent twice
    assert [f["tracking_numbers"] for f in bigcommerce.fulfillments(ids[0])] == [["1ZBEFORE0001"]]
    assert [f["tracking_numbers"] for f in bigcommerce.fulfillments(ids[1])] == [["1ZAROUND0002"]]
    assert list(config_dir().glob("settings.json.bak-0.9.0-*"))
    assert list(data_dir().glob(f"{journal_path().name}.bak-0.9.0-*"))
