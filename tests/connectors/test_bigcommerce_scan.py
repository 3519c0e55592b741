"""The BigCommerce connector against its emulator over real sockets: a scan that no edit, no
repeating proxy and no archived order can fool, a read-only token refused, money whole."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from desktop_sync.connectors.errors import AuthError, Transient
from desktop_sync.connectors.retry import Backoff
from desktop_sync.connectors.stores.base import FulfillmentLine, StoreOrder, Tracking
from desktop_sync.connectors.stores.bigcommerce import BigCommerceConnector
from desktop_sync.connectors.stores.http import HttpSettings
from desktop_sync.engine.events import Health
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.bigcommerce_shapes import (
    INFO_SCOPE,
    ORDERS_READ_SCOPE,
    Charges,
    order_total,
)
from desktop_sync_sandbox.samples import generate_orders
from tests.harness import make_engine, orderdesk_emulator
from tests.money import assert_money_whole

TOKEN = "scan-token-0123456789abcdef"
NO_WAIT = Backoff(base=0.0, cap=0.0, floor=0.0, attempts=2)
T0 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


class StoreClock:
    """The store's own clock, moved on by the test (a merchant's edit happens "later")."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> StoreClock:
    return StoreClock()


@pytest.fixture
def store(clock: StoreClock) -> Iterator[BigCommerceEmulator]:
    with BigCommerceEmulator(access_token=TOKEN, now=clock, time_scale=100.0) as emulator:
        assert isinstance(emulator, BigCommerceEmulator)
        yield emulator


def connect(store: BigCommerceEmulator, page_size: int = 250) -> BigCommerceConnector:
    return BigCommerceConnector(
        store.api_url, TOKEN, page_size=page_size, http=HttpSettings(backoff=NO_WAIT)
    )


def test_an_order_edited_mid_scan_never_hides_another_order(
    store: BigCommerceEmulator, clock: StoreClock
) -> None:
    placed = [store.add_order(sample) for sample in generate_orders(300, seed=11)]
    clock.now = T0 + timedelta(minutes=5)
    connector = connect(store)
    seen: list[str] = []
    # The window the engine would scan, ending before the merchant's edit.
    for order in connector.iter_orders(T0 - timedelta(minutes=1), T0 + timedelta(minutes=1)):
        if not seen:
            store.touch(placed[0])  # edited while the scan reads its first page
        seen.append(order.id)
    connector.close()

    assert sorted(seen, key=int) == [str(i) for i in placed]
    assert len(store.request_log) == 2  # 250 + 50 orders, products and addresses included


def test_a_proxy_that_repeats_full_pages_stops_the_scan_with_a_sentence(
    store: BigCommerceEmulator,
) -> None:
    for sample in generate_orders(30, seed=12):
        store.add_order(sample)
    store.ignore_paging = True
    connector = connect(store, page_size=10)
    seen: list[str] = []

    with pytest.raises(Transient, match="same page of orders twice") as caught:
        seen.extend(order.id for order in connector.iter_orders(T0 - timedelta(minutes=1)))
    connector.close()

    assert "proxy" in str(caught.value)
    assert len(store.request_log) == 2  # the first page, then the same page: stop


def test_archived_orders_are_not_sent(store: BigCommerceEmulator) -> None:
    kept, archived = (store.add_order(sample) for sample in generate_orders(2, seed=13))
    store.archive(archived)
    connector = connect(store)

    found = [order.id for order in connector.iter_orders(T0 - timedelta(minutes=1))]
    fetched = connector.get_order(str(archived))
    connector.close()

    assert found == [str(kept)]
    assert "archived" in fetched.problem


def test_verify_refuses_a_read_only_orders_token(store: BigCommerceEmulator) -> None:
    store.scopes = {ORDERS_READ_SCOPE, INFO_SCOPE}
    connector = connect(store)

    with pytest.raises(AuthError, match="Orders: modify"):
        connector.verify()
    connector.close()


def test_verify_accepts_a_token_that_may_create_shipments(store: BigCommerceEmulator) -> None:
    connector = connect(store)
    identity = connector.verify()
    connector.close()

    assert identity.name == "Sandbox Store"


CHARGED = [
    Charges(shipping_tax=Decimal("0.80"), handling=Decimal("2.00"), handling_tax=Decimal("0.40")),
    Charges(wrapping=Decimal("3.50"), wrapping_tax=Decimal("0.28"), coupon=Decimal("4.00")),
    Charges(fee=Decimal("1.25")),
    Charges(tax_inclusive=True, shipping_tax=Decimal("1.00"), currency_code="GBP"),
]


def test_every_order_reaches_order_desk_whole(store: BigCommerceEmulator, tmp_path: Path) -> None:
    samples = generate_orders(len(CHARGED) + 2, seed=14)
    gift = samples[-1]
    charges = [
        *CHARGED,
        Charges(),
        Charges(types=((gift.lines[0].sku, "giftcertificate"),)),
    ]
    totals: dict[str, Decimal] = {}
    for sample, charge in zip(samples, charges, strict=True):
        order_id = store.add_order(sample, charges=charge)
        totals[str(order_id)] = order_total(sample, charge)
    orderdesk = orderdesk_emulator()
    orderdesk.start()
    try:
        engine = make_engine(
            orderdesk,
            connect(store),
            tmp_path / "journal.sqlite3",
            start_at=T0 - timedelta(hours=1),
        )
        result = engine.run_cycle()
        engine.close()
        received = {order["source_id"]: order for order in orderdesk.orders()}
    finally:
        orderdesk.stop()

    assert result.health is Health.OK
    assert sorted(received) == sorted(totals)
    for source_id, total in totals.items():
        assert_money_whole(received[source_id], total)
    gift_items = received[str(max(int(i) for i in totals))]["order_items"]
    assert gift_items[0]["delivery_type"] == "noship"


def test_the_look_before_shipping_reads_a_page_of_orders_once(store: BigCommerceEmulator) -> None:
    ids = [store.add_order(sample) for sample in generate_orders(10, seed=15)]
    connector = connect(store)
    lines = {i: connector.get_order(str(i)).lines[0].id for i in ids}
    before = len(store.request_log)

    for order_id in ids:
        assert connector.list_fulfillments(str(order_id)) == []
        connector.create_fulfillment(
            str(order_id), [FulfillmentLine(lines[order_id], 1)], Tracking(f"1Z{order_id}", "UPS")
        )
    after = store.request_log[before:]
    again = connector.list_fulfillments(str(ids[0]))
    connector.close()

    # One snapshot of the ten orders, then one POST each: nothing else.
    assert [(method, path.rsplit("/v2", 1)[1]) for method, path, _ in after] == [
        ("GET", "/orders")
    ] + [("POST", f"/orders/{i}/shipments") for i in ids]
    assert again and again[0].tracking_numbers == (f"1Z{ids[0]}",)  # read anew after shipping


def test_an_order_shipped_elsewhere_has_its_shipments_read(store: BigCommerceEmulator) -> None:
    (order_id,) = [store.add_order(sample) for sample in generate_orders(1, seed=16)]
    other_pc = connect(store)
    line = other_pc.get_order(str(order_id)).lines[0].id
    other_pc.create_fulfillment(str(order_id), [FulfillmentLine(line, 1)], Tracking("1ZA", "UPS"))
    other_pc.close()
    connector = connect(store)

    found = connector.list_fulfillments(str(order_id))
    connector.close()

    assert [f.tracking_numbers for f in found] == [("1ZA",)]


def test_a_snapshot_older_than_a_minute_is_read_again(store: BigCommerceEmulator) -> None:
    (order_id,) = [store.add_order(sample) for sample in generate_orders(1, seed=17)]
    now = [0.0]
    connector = BigCommerceConnector(
        store.api_url,
        TOKEN,
        http=HttpSettings(backoff=NO_WAIT, clock=lambda: now[0], sleep=lambda _: None),
    )
    assert connector.list_fulfillments(str(order_id)) == []
    other_pc = connect(store)
    line = other_pc.get_order(str(order_id)).lines[0].id
    other_pc.create_fulfillment(str(order_id), [FulfillmentLine(line, 1)], Tracking("1ZB", "UPS"))
    other_pc.close()
    now[0] = 61.0

    found = connector.list_fulfillments(str(order_id))
    connector.close()

    assert [f.tracking_numbers for f in found] == [("1ZB",)]


class EditedMidScan(BigCommerceConnector):
    """The merchant edits the first order while the engine's scan reads its first page."""

    def __init__(self, store: BigCommerceEmulator, clock: StoreClock, edit: int) -> None:
        super().__init__(store.api_url, TOKEN, http=HttpSettings(backoff=NO_WAIT))
        self._store, self._clock, self._edit = store, clock, edit

    def iter_orders(self, since: datetime, until: datetime | None = None) -> Iterator[StoreOrder]:
        for n, order in enumerate(super().iter_orders(since, until)):
            if n == 0:
                self._clock.now = T0 + timedelta(minutes=5)
                self._store.touch(self._edit)
            yield order


def test_a_300_order_backfill_with_an_edit_mid_scan_sends_every_order(
    store: BigCommerceEmulator, clock: StoreClock, tmp_path: Path
) -> None:
    placed = [store.add_order(sample) for sample in generate_orders(300, seed=18)]
    orderdesk = orderdesk_emulator()
    orderdesk.start()
    try:
        engine = make_engine(
            orderdesk,
            EditedMidScan(store, clock, placed[0]),
            tmp_path / "journal.sqlite3",
            start_at=T0 - timedelta(hours=1),
            clock=lambda: T0 + timedelta(minutes=1),  # the scan's window ends before the edit
        )
        result = engine.run_cycle()
        engine.close()
        sent = sorted(int(order["source_id"]) for order in orderdesk.orders())
    finally:
        orderdesk.stop()

    assert result.health is Health.OK
    assert sent == placed  # order 350 among them
