"""A cancel after Order Desk split the order (issue 21, item 2): every part not shipped yet
moves to the cancellations folder with its note, the shipped parts stay, and the merchant is
told. Order Desk does not say how a split part is numbered or dated, so every test runs with
the part keeping the number ("100") and with a suffix ("100-1"), dated like the original and
dated when it was split (half an hour after the send). Over real sockets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from desktop_sync.engine.sync import SyncEngine
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.engine.test_after_push import _cancel, _history
from tests.harness import Clock, orderdesk_emulator, running

READINGS = {
    "same_number": (None, "original"),
    "suffixed": ("-1", "original"),
    "same_number_dated_when_split": (None, "split"),
    "suffixed_dated_when_split": ("-1", "split"),
}


@pytest.fixture(params=list(READINGS))
def orderdesk(request: pytest.FixtureRequest, clock: Clock) -> Iterator[OrderDeskEmulator]:
    """Order Desk under each reading of how a split part is numbered and dated."""
    suffix, dated = READINGS[request.param]
    emulator = orderdesk_emulator(split_suffix=suffix, now=clock)
    emulator.book.split_date_added = dated
    with running(emulator):
        yield emulator


def _split_order(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, engine: SyncEngine, clock: Clock
) -> tuple[str, str, str]:
    """A sent order of two lines or more, split in Order Desk half an hour after it was sent:
    (store id, original, part)."""
    seed = next(s for s in range(2120, 2200) if len(generate_orders(1, seed=s)[0].lines) >= 2)
    (sid,) = store.add_orders(generate_orders(1, seed=seed))
    engine.run_cycle()
    clock.skip(hours=0.5)
    od: dict[str, Any] = orderdesk.orders_with_source(sid)[0]
    part = orderdesk.split_order(od["id"], [od["order_items"][0]["id"]])
    return sid, od["id"], part


def _moved(orderdesk: OrderDeskEmulator, orderdesk_id: str) -> bool:
    in_canceled = orderdesk.get(orderdesk_id)["folder_id"] == orderdesk.folder_ids()["Canceled"]
    noted = any("do not ship" in n for n in _history(orderdesk, orderdesk_id))
    return in_canceled and noted


def test_a_cancel_moves_every_part_of_a_split_order_with_its_note(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, engine: SyncEngine, clock: Clock
) -> None:
    sid, original, part = _split_order(store, orderdesk, engine, clock)
    _cancel(store, sid)
    result = engine.run_cycle()
    assert result.health.value == "ok" and result.push is not None
    assert result.push.attention == ()
    assert _moved(orderdesk, original) and _moved(orderdesk, part)


@pytest.mark.parametrize("shipped_part", ["original", "split_off"])
def test_a_cancel_after_one_part_shipped_moves_the_rest_and_tells_the_merchant(
    shipped_part: str,
    store: BigCommerceKit,
    orderdesk: OrderDeskEmulator,
    engine: SyncEngine,
    clock: Clock,
) -> None:
    sid, original, part = _split_order(store, orderdesk, engine, clock)
    shipped, waiting = (original, part) if shipped_part == "original" else (part, original)
    orderdesk.add_shipment(shipped, "1ZSHIPPEDPART")
    engine.run_cycle()  # that part's shipment reaches the store
    _cancel(store, sid)
    result = engine.run_cycle()
    again = engine.run_cycle()
    assert _moved(orderdesk, waiting)
    assert orderdesk.get(shipped)["folder_id"] == orderdesk.folder_ids()["New"]
    assert not any("do not ship" in n for n in _history(orderdesk, shipped))
    assert result.push is not None
    (attention,) = result.push.attention
    assert "1ZSHIPPEDPART" in attention.reason and "moved" in attention.reason
    assert again.push is not None and again.push.attention == ()  # told once
