"""WooCommerceConnector against the local WooCommerce emulator over real sockets on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from desktop_sync.connectors.errors import Ambiguous, AuthError, Rejected, Transient
from desktop_sync.connectors.retry import Backoff
from desktop_sync.connectors.stores.base import (
    FulfillmentLine,
    PaymentState,
    StoreConnector,
    Tracking,
)
from desktop_sync.connectors.stores.http import HttpSettings
from desktop_sync.connectors.stores.woocommerce import WooCommerceConnector
from desktop_sync.connectors.stores.woocommerce_tracking import TrackingPlugin
from desktop_sync_sandbox.samples import generate_orders
from desktop_sync_sandbox.server import Fault
from desktop_sync_sandbox.woocommerce import WooCommerceEmulator

START = datetime(2026, 11, 20, 12, 0, 0, tzinfo=UTC)
UPS = Tracking("1Z999AA10123456784", "UPS", "https://www.ups.com/track?tracknum=1Z999AA10123456784")
DHL = Tracking("JD014600003828", "DHL", "https://www.dhl.com/track?id=JD014600003828")


class FakeClock:
    """The shop's and the connector's "now", moved by the test."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _emulator(clock: FakeClock, **options: object) -> Iterator[WooCommerceEmulator]:
    emulator = WooCommerceEmulator(now=clock, **options)  # type: ignore[arg-type]
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def shop(clock: FakeClock) -> Iterator[WooCommerceEmulator]:
    yield from _emulator(clock)


@pytest.fixture
def plain_shop(clock: FakeClock) -> Iterator[WooCommerceEmulator]:
    """A store without the Shipment Tracking extension."""
    yield from _emulator(clock, shipment_tracking=False)


@pytest.fixture
def sleeps() -> list[float]:
    return []


def connect(
    emulator: WooCommerceEmulator,
    clock: FakeClock,
    sleeps: list[float] | None = None,
    *,
    secret: str | None = None,
    **options: object,
) -> WooCommerceConnector:
    return WooCommerceConnector(
        emulator.api_url,
        emulator.consumer_key,
        secret or emulator.consumer_secret,
        min_interval=0.0,
        now=clock,
        **options,
        http=HttpSettings(
            sleep=sleeps.append if sleeps is not None else lambda _: None,
            backoff=Backoff(base=0.01, cap=0.05, floor=0.0, attempts=3),
        ),
    )


@pytest.fixture
def woo(
    shop: WooCommerceEmulator, clock: FakeClock, sleeps: list[float]
) -> Iterator[WooCommerceConnector]:
    connector = connect(shop, clock, sleeps)
    yield connector
    connector.close()


def two_line_order(emulator: WooCommerceEmulator) -> int:
    sample = next(s for s in generate_orders(40, seed=3) if len(s.lines) >= 2)
    return emulator.add_order(sample)


# -- verify -------------------------------------------------------------------------------


def test_connector_satisfies_the_store_protocol(woo: WooCommerceConnector) -> None:
    assert isinstance(woo, StoreConnector)
    assert woo.capabilities.multiple_tracking_numbers


def test_verify_names_the_site_and_sees_the_tracking_extension(
    woo: WooCommerceConnector, shop: WooCommerceEmulator
) -> None:
    shop.add_order()
    identity = woo.verify()
    assert identity.name == "Demo Woo Shop"
    assert identity.currency == "USD"
    assert woo.tracking_plugin is not TrackingPlugin.NONE


def test_verify_without_the_tracking_extension(
    plain_shop: WooCommerceEmulator, clock: FakeClock
) -> None:
    woo = connect(plain_shop, clock)
    assert woo.verify().name == "Demo Woo Shop"
    assert woo.tracking_plugin is TrackingPlugin.NONE
    woo.close()


def test_wrong_secret_is_an_auth_error_saying_where_keys_are_made(
    shop: WooCommerceEmulator, clock: FakeClock
) -> None:
    woo = connect(shop, clock, secret="cs_not_the_secret_123")
    with pytest.raises(AuthError) as caught:
        woo.verify()
    message = str(caught.value)
    assert "WooCommerce > Settings > Advanced > REST API" in message
    assert "cs_not_the_secret_123" not in message and shop.consumer_key not in message


def test_unknown_key_is_an_auth_error(shop: WooCommerceEmulator, clock: FakeClock) -> None:
    woo = WooCommerceConnector(shop.api_url, "ck_unknown", "cs_unknown", min_interval=0.0)
    with pytest.raises(AuthError, match="Consumer key is invalid"):
        woo.verify()


def test_read_only_key_fails_verify_asking_for_read_write(clock: FakeClock) -> None:
    for emulator in _emulator(clock, key_permissions="read"):
        with pytest.raises(AuthError, match=r"read-only.*Read/Write"):
            connect(emulator, clock).verify()


def test_query_string_auth_fallback_reads_orders(
    shop: WooCommerceEmulator, clock: FakeClock
) -> None:
    shop.add_order()
    woo = connect(shop, clock, auth_in_query=True)
    assert woo.verify().name == "Demo Woo Shop"
    assert len(list(woo.iter_orders(START - timedelta(minutes=5)))) == 1


def test_site_address_is_normalised_and_plain_http_refused() -> None:
    woo = WooCommerceConnector("  shop.example.com/store/wp-admin/  ", "ck_x", "cs_x")
    assert woo.site_url == "https://shop.example.com/store"
    with pytest.raises(ValueError, match="https://"):
        WooCommerceConnector("http://shop.example.com", "ck_x", "cs_x")


# -- orders -------------------------------------------------------------------------------


def test_lists_orders_across_pages_oldest_change_first(
    shop: WooCommerceEmulator, clock: FakeClock
) -> None:
    ids = []
    for _ in range(7):
        ids.append(str(shop.add_order()))
        clock.advance(1)
    woo = connect(shop, clock, page_size=3)
    orders = list(woo.iter_orders(START - timedelta(minutes=1)))
    assert [o.id for o in orders] == ids
    pages = [path for method, path, _ in shop.request_log if path.endswith("/orders")]
    assert len(pages) == 3


def test_every_status_is_read_by_default_and_a_filter_narrows_it(
    shop: WooCommerceEmulator, clock: FakeClock, woo: WooCommerceConnector
) -> None:
    # The engine's send rule decides what is sent; it must see a cancel after the push.
    wanted = {str(shop.add_order(status=s)) for s in ("processing", "on-hold")}
    for status in ("pending", "completed", "cancelled"):
        wanted.add(str(shop.add_order(status=status)))
    assert {o.id for o in woo.iter_orders(START - timedelta(minutes=1))} == wanted
    everything = connect(shop, clock, statuses=("pending", "completed"))
    assert {o.status for o in everything.iter_orders(START - timedelta(minutes=1))} == {
        "pending",
        "completed",
    }


def test_window_keeps_only_orders_modified_between_since_and_until(
    shop: WooCommerceEmulator, clock: FakeClock, woo: WooCommerceConnector
) -> None:
    early = shop.add_order()
    clock.advance(600)
    inside = shop.add_order()
    clock.advance(600)
    late = shop.add_order()
    since, until = START + timedelta(seconds=300), START + timedelta(seconds=900)
    assert [o.id for o in woo.iter_orders(since, until)] == [str(inside)]
    clock.advance(5)
    shop.touch(early)  # a merchant edit brings it into a later window
    assert [o.id for o in woo.iter_orders(START + timedelta(seconds=1000))] == [
        str(late),
        str(early),
    ]


def test_scan_runs_again_when_the_total_changes_under_it(
    shop: WooCommerceEmulator, clock: FakeClock
) -> None:
    ids = []
    for _ in range(5):
        clock.advance(1)
        ids.append(str(shop.add_order()))
    woo = connect(shop, clock, page_size=2)
    scan = woo.iter_orders(START, START + timedelta(seconds=30))
    first = [next(scan), next(scan)]
    clock.advance(600)
    shop.touch(int(ids[0]))  # leaves the window: every later page shifts by one
    rest = list(scan)
    assert sorted(o.id for o in first + rest) == sorted(ids)


def test_order_is_normalised_from_woocommerce_fields(
    shop: WooCommerceEmulator, woo: WooCommerceConnector
) -> None:
    sample = next(s for s in generate_orders(40, seed=5) if any(ln.options for ln in s.lines))
    order_id = shop.add_order(sample, status="on-hold")
    order = woo.get_order(str(order_id))
    assert order.number == str(order_id)
    assert order.created_at == START  # placed now, by the shop's clock
    assert order.email == sample.customer.email
    assert order.shipping_address.country == sample.customer.country_code
    assert order.shipping_method == sample.shipping_method
    assert order.order_total == sample.total and isinstance(order.order_total, Decimal)
    with_options = next(ln for ln in sample.lines if ln.options)
    line = next(ln for ln in order.lines if ln.sku == with_options.sku)
    assert line.name == with_options.name
    assert line.options == with_options.options  # display names; "_reduced_stock" skipped
    assert line.unit_price == with_options.unit_price
    assert order.payment_state in (PaymentState.PAID, PaymentState.AUTHORIZED)


def test_a_server_error_page_on_a_read_is_retried(
    shop: WooCommerceEmulator, woo: WooCommerceConnector, sleeps: list[float]
) -> None:
    order_id = shop.add_order()
    shop.faults.inject(Fault.SERVER_ERROR, 1, path=r"/orders/\d+$")
    assert woo.get_order(str(order_id)).id == str(order_id)
    assert len(sleeps) == 1
    shop.faults.inject(Fault.SERVER_ERROR, 5, path=r"/orders/\d+$")
    with pytest.raises(Transient):
        woo.get_order(str(order_id))


def test_a_host_429_page_is_waited_out_as_told(
    shop: WooCommerceEmulator, woo: WooCommerceConnector, sleeps: list[float]
) -> None:
    order_id = shop.add_order()
    shop.faults.inject(Fault.RATE_LIMIT, 2, path=r"/orders/\d+$")
    assert woo.get_order(str(order_id)).id == str(order_id)
    assert sleeps == [1.0, 1.0]


def test_a_php_notice_before_the_json_is_transient(
    shop: WooCommerceEmulator, woo: WooCommerceConnector
) -> None:
    order_id = shop.add_order()
    shop.faults.inject(Fault.INVALID_JSON, 1, path=r"/orders/\d+$")
    with pytest.raises(Transient, match="could not be read"):
        woo.get_order(str(order_id))


# -- fulfillments -------------------------------------------------------------------------


def test_fulfilling_some_lines_leaves_the_order_open_with_a_note_naming_them(
    shop: WooCommerceEmulator, woo: WooCommerceConnector
) -> None:
    order_id = two_line_order(shop)
    order = woo.get_order(str(order_id))
    first = order.lines[0]
    made = woo.create_fulfillment(str(order_id), [FulfillmentLine(first.id, first.quantity)], UPS)
    assert made.tracking_numbers == (UPS.number,)
    assert shop.order(order_id)["status"] == "processing"
    [tracking] = shop.trackings(order_id)
    assert tracking["tracking_number"] == UPS.number
    assert tracking["tracking_link"] == UPS.url
    [note] = shop.notes(order_id)
    assert note["customer_note"] and first.name in note["note"] and UPS.number in note["note"]
    assert order.lines[1].name not in note["note"]
    assert [e.kind for e in shop.emails] == ["Customer note"]
    assert woo.list_fulfillments(str(order_id)) == [made]


def test_fulfilling_the_rest_completes_the_order_with_one_completed_email(
    shop: WooCommerceEmulator, woo: WooCommerceConnector
) -> None:
    order_id = two_line_order(shop)
    lines = woo.get_order(str(order_id)).lines
    woo.create_fulfillment(str(order_id), [FulfillmentLine(lines[0].id, lines[0].quantity)], UPS)
    rest = [FulfillmentLine(line.id, line.quantity) for line in lines[1:]]
    woo.create_fulfillment(str(order_id), rest, DHL)
    assert shop.order(order_id)["status"] == "completed"
    assert [e.kind for e in shop.emails] == ["Customer note", "Completed order"]
    recorded = woo.list_fulfillments(str(order_id))
    assert [f.tracking_numbers for f in recorded] == [(UPS.number,), (DHL.number,)]
    assert [f.lines for f in recorded][1] == tuple(rest)


def test_retrying_the_same_tracking_is_not_doubled(
    shop: WooCommerceEmulator, woo: WooCommerceConnector
) -> None:
    order_id = shop.add_order()
    lines = [FulfillmentLine(ln.id, ln.quantity) for ln in woo.get_order(str(order_id)).lines]
    first = woo.create_fulfillment(str(order_id), lines, UPS)
    again = woo.create_fulfillment(str(order_id), lines, UPS)
    assert again == first
    assert len(shop.trackings(order_id)) == 1
    assert [e.kind for e in shop.emails] == ["Completed order"]


def test_a_lost_answer_is_ambiguous_and_the_retry_finishes_without_doubling(
    shop: WooCommerceEmulator, woo: WooCommerceConnector
) -> None:
    order_id = shop.add_order()
    lines = [FulfillmentLine(ln.id, ln.quantity) for ln in woo.get_order(str(order_id)).lines]
    shop.faults.inject(Fault.DROP_AFTER, 1, method="POST", path="shipment-trackings")
    with pytest.raises(Ambiguous):
        woo.create_fulfillment(str(order_id), lines, UPS)
    assert woo.list_fulfillments(str(order_id)) == []  # not recorded, so the engine retries
    woo.create_fulfillment(str(order_id), lines, UPS)
    assert len(shop.trackings(order_id)) == 1
    assert shop.order(order_id)["status"] == "completed"
    assert [e.kind for e in shop.emails] == ["Completed order"]


def test_without_the_extension_a_customer_note_carries_the_tracking(
    plain_shop: WooCommerceEmulator, clock: FakeClock
) -> None:
    woo = connect(plain_shop, clock)
    order_id = plain_shop.add_order()
    lines = [FulfillmentLine(ln.id, ln.quantity) for ln in woo.get_order(str(order_id)).lines]
    made = woo.create_fulfillment(str(order_id), lines, UPS)
    [note] = plain_shop.notes(order_id)
    assert all(part in note["note"] for part in ("UPS", UPS.number, UPS.url))
    assert made.id == f"note-{note['id']}"
    assert plain_shop.order(order_id)["status"] == "completed"
    assert [e.kind for e in plain_shop.emails] == ["Customer note", "Completed order"]
    woo.create_fulfillment(str(order_id), lines, UPS)
    assert len(plain_shop.notes(order_id)) == 1


def test_a_second_tracking_number_is_another_tracking_item(
    shop: WooCommerceEmulator, woo: WooCommerceConnector
) -> None:
    order_id = shop.add_order()
    lines = [FulfillmentLine(ln.id, ln.quantity) for ln in woo.get_order(str(order_id)).lines]
    made = woo.create_fulfillment(str(order_id), lines, UPS)
    both = woo.add_tracking(str(order_id), made, DHL)
    assert both.tracking_numbers == (UPS.number, DHL.number)
    assert [t["tracking_number"] for t in shop.trackings(order_id)] == [UPS.number, DHL.number]
    assert woo.list_fulfillments(str(order_id)) == [both]


def test_unknown_lines_and_too_many_items_are_rejected_readably(
    shop: WooCommerceEmulator, woo: WooCommerceConnector
) -> None:
    order_id = shop.add_order()
    line = woo.get_order(str(order_id)).lines[0]
    with pytest.raises(Rejected, match="no line 999999"):
        woo.create_fulfillment(str(order_id), [FulfillmentLine("999999", 1)], UPS)
    with pytest.raises(Rejected, match="already shipped"):
        woo.create_fulfillment(str(order_id), [FulfillmentLine(line.id, line.quantity + 1)], UPS)
    assert shop.trackings(order_id) == [] and shop.emails == []


def test_an_unknown_order_is_rejected_with_woocommerce_words(woo: WooCommerceConnector) -> None:
    with pytest.raises(Rejected, match="Invalid ID"):
        woo.get_order("424242")
