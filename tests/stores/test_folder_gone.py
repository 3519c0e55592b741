"""A store's folder deleted in Order Desk (audit 2, finding A): its new orders are not sent to
another folder while the window names the old one; the store is held with one sentence saying
what to do, its orders wait (none failed), and its other folder choice works again at once.

What Order Desk does with an order for a folder it no longer has is not documented, so both
readings run: it refuses the order, or files it in its first folder. Over real sockets."""

from __future__ import annotations

import dataclasses

import pytest

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.settings import load_settings, save_settings
from desktop_sync.engine.events import Health
from desktop_sync.state.orders_view import OrdersQuery
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.harness import minute_ago
from tests.stores.profile import save_stores

GONE = (
    'Order Desk no longer has the folder "Prepared" this store\'s new orders go to, so none '
    "are sent; choose its folder in Settings > Stores."
)


def _in_prepared(orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceKit) -> int:
    """A profile whose one store sends to Prepared, chosen by id as Add a store saves it."""
    prepared = orderdesk.folder_ids()["Prepared"]
    (main,) = save_stores(orderdesk, [("Main shop", bigcommerce, "")], since=minute_ago())
    chosen = dataclasses.replace(main, folder_id=prepared, folder_name="Prepared")
    save_settings(dataclasses.replace(load_settings(), stores=(chosen,)))
    return prepared


@pytest.mark.parametrize("unknown_folder", ["refuse", "first"])
def test_a_folder_deleted_while_syncing_holds_the_store_with_a_sentence(
    orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceKit, unknown_folder: str
) -> None:
    prepared = _in_prepared(orderdesk, bigcommerce)
    bigcommerce.add_orders(generate_orders(1, seed=91))
    with DesktopSync(driver="window") as app, app.engines() as engines:
        assert engines.run_cycle().result.health is Health.OK
        assert [o["folder_id"] for o in orderdesk.orders()] == [prepared]
        (line,) = app.orders_page(OrdersQuery(), 10)
        assert (line.folder, line.folder_id) == ("Prepared", prepared)

        orderdesk.delete_folder("Prepared")
        orderdesk.book.unknown_folder = unknown_folder
        bigcommerce.add_orders(generate_orders(3, seed=92))
        held = engines.run_cycle().result
        assert (held.health, held.message) == (Health.HELD, GONE)
        sent_since = orderdesk.orders()[1:]
        # Refused: nothing more is in Order Desk. Filed in the first folder: the one order
        # that showed it, then nothing more; the journal says where it went, not "Prepared".
        assert len(sent_since) == (0 if unknown_folder == "refuse" else 1)
        counts = app.counts()
        assert (counts.failed, counts.pending) == (0, 3 - len(sent_since))
        folders = {line.folder for line in app.orders_page(OrdersQuery(), 10) if line.folder}
        assert folders == ({"Prepared"} if unknown_folder == "refuse" else {"Prepared", "New"})

        # The engine's look at Order Desk's folders is kept: the card says it, unasked.
        assert [p.folder for p in app.status().stores] == ["Prepared (not in Order Desk)"]

        again = engines.run_cycle().result  # still gone: still held, still nothing sent
        assert (again.health, again.message) == (Health.HELD, GONE)
        assert orderdesk.orders()[1:] == sent_since


def test_an_engine_started_after_the_deletion_sends_nothing_and_another_folder_works(
    orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceKit
) -> None:
    _in_prepared(orderdesk, bigcommerce)
    orderdesk.delete_folder("Prepared")
    orderdesk.book.unknown_folder = "first"  # the reading that would send them elsewhere
    bigcommerce.add_orders(generate_orders(2, seed=93))
    with DesktopSync(driver="sync") as app:
        held = app.sync_once().result
        assert (held.health, held.message) == (Health.HELD, GONE)
        assert orderdesk.orders() == []

        closed = orderdesk.folder_ids()["Closed"]
        (store,) = load_settings().stores
        chosen = dataclasses.replace(store, folder_id=closed, folder_name="Closed")
        save_settings(dataclasses.replace(load_settings(), stores=(chosen,)))
        app.load_profiles()  # as the window does once Settings are saved
        assert app.sync_once().result.health is Health.OK
    assert sorted(o["folder_id"] for o in orderdesk.orders()) == [closed, closed]


def test_shipments_of_orders_already_sent_still_reach_the_store_while_the_folder_is_gone(
    orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceKit
) -> None:
    _in_prepared(orderdesk, bigcommerce)
    (placed,) = bigcommerce.add_orders(generate_orders(1, seed=94))
    with DesktopSync(driver="sync") as app:
        assert app.sync_once().result.health is Health.OK
        orderdesk.delete_folder("Prepared")
        (sent,) = orderdesk.orders()
        orderdesk.add_shipment(sent["id"], "1ZGONE0001")
        bigcommerce.add_orders(generate_orders(1, seed=95))
        held = app.sync_once().result
    assert (held.health, held.message) == (Health.HELD, GONE)
    assert held.pull is not None and held.pull.fulfillments_created == 1
    assert [f["tracking_numbers"] for f in bigcommerce.fulfillments(placed)] == [["1ZGONE0001"]]


def test_the_stores_folder_says_when_order_desks_list_no_longer_has_it(
    orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceKit
) -> None:
    """Audit 2, shots 31 and 37: the card kept saying "Order Desk folder: Bogus folder"."""
    _in_prepared(orderdesk, bigcommerce)
    with DesktopSync(driver="window") as app:
        app.orderdesk_folders()
        assert [p.folder for p in app.status().stores] == ["Prepared"]
        orderdesk.delete_folder("Prepared")
        app.orderdesk_folders()  # read again (Settings, Add a store)
        assert [p.folder for p in app.status().stores] == ["Prepared (not in Order Desk)"]
