"""The month through the facade, as the dashboard reads it: a series per store, named as the
merchant named it, in the profile's order; a removed store's by its id."""

from __future__ import annotations

from datetime import UTC, datetime

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.paths import journal_path
from desktop_sync.app.settings import Settings, save_settings
from desktop_sync.app.stores import StoreSettings
from desktop_sync.state.journal import Journal
from desktop_sync.state.month import SENT_LINE, StoreDay
from tests.shipments import add_shipment

MAIN = StoreSettings(id="1", name="Main shop", platform="shopify", url="https://main.example")
OUTLET = StoreSettings(id="b7", name="Outlet", platform="woocommerce", url="https://out.example")


def test_each_store_is_a_series_by_its_name_on_either_connection() -> None:
    save_settings(Settings(stores=(MAIN, OUTLET)))
    now = datetime.now(UTC)
    with Journal(journal_path()) as journal:
        for store, count in (("b7", 2), ("1", 1), ("c9", 1)):  # c9: removed since
            for n in range(count):
                journal.for_store(store).add_event(now, "info", "push", SENT_LINE, f"{n}")
        add_shipment(journal.for_store("b7"), "100", "100", "1ZB")
    with DesktopSync(driver="test", lock=False) as app:
        for month in (app.month(now), app.month_apart(now)):
            assert month.stores == ("Main shop", "Outlet", "c9")
            assert month.days[-1].stores == (
                StoreDay("Main shop", sent=1),
                StoreDay("Outlet", sent=2, shipped=1),
                StoreDay("c9", sent=1),
            )
