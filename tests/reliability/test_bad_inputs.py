"""Every odd shape either API can send (tests/reliability/bad_inputs/*.json) gets a readable
reason or a safe mapping for that one order; none stops the cycle, blocks the other orders,
or loses one.

Store cases run the real engine against a BigCommerce v2 store served by respx (the order in
the middle of the list carries the case) and the Order Desk emulator. Order Desk cases run it
against the BigCommerce emulator and the Order Desk emulator, with respx swapping in the
case's reply for the first matching Order Desk request.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from desktop_sync.app.platforms import send_rule_for, source_name_for
from desktop_sync.connectors.stores.bigcommerce import BigCommerceConnector
from desktop_sync.connectors.stores.http import HttpSettings
from desktop_sync.engine.events import CycleResult, Health
from desktop_sync.engine.sync import SyncEngine
from desktop_sync.state.journal import Journal
from desktop_sync_sandbox.bigcommerce_shapes import store_data
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from tests.contract.kit import FAST_BACKOFF
from tests.harness import minute_ago, orderdesk_client, orderdesk_emulator
from tests.reliability.rig import Clock, Rig

CASES = sorted((Path(__file__).parent / "bad_inputs").glob("*.json"))
FIXTURES = Path(__file__).parents[1] / "fixtures" / "bigcommerce"
STORE_HASH = "badinputs"
STORE_API = f"https://api.bigcommerce.com/stores/{STORE_HASH}"
START = datetime(2025, 7, 1, tzinfo=UTC)
GOOD, BAD = ("1001", "1002"), "1500"
FORBIDDEN = ("Traceback", "<html", "<script", "<b>")


def _load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


# -- building the store's answers ------------------------------------------------------------


def _merge(target: Any, patch: Any) -> Any:
    """``patch`` laid over ``target``: dicts merge, "__delete__" drops a key, the rest replaces."""
    if not isinstance(patch, dict) or not isinstance(target, dict):
        return copy.deepcopy(patch)
    merged = dict(target)
    for key, value in patch.items():
        if value == "__delete__":
            merged.pop(key, None)
        else:
            merged[key] = _merge(merged.get(key), value)
    return merged


def _long(length: int) -> str:
    # Mixed scripts, so a cut could land inside anything.
    return ("Ωmega-東京-ß-" * (length // 11 + 1))[:length]


class _Order:
    def __init__(self, order_id: str) -> None:
        number = int(order_id)
        self.order = _merge(_load("order_218.json"), {"id": number})
        self.products = [
            _merge(p, {"id": number * 10 + i, "order_id": number})
            for i, p in enumerate(_load("order_218_products.json"), start=1)
        ]
        self.addresses = [
            _merge(a, {"id": number, "order_id": number})
            for a in _load("order_218_shipping_addresses.json")
        ]

    def apply(self, case: dict[str, Any]) -> None:
        self.order = _merge(self.order, case.get("order", {}))
        products = case.get("products")
        if isinstance(products, list):
            self.products = products
        elif isinstance(products, dict):
            self.products = [_merge(p, products) for p in self.products]
        if "repeat_products" in case:
            base = self.products[0]
            self.products = [
                _merge(base, {"id": int(self.order["id"]) * 10_000 + n, "sku": f"SKU-{n}"})
                for n in range(case["repeat_products"])
            ]
        addresses = case.get("addresses")
        if isinstance(addresses, list):
            self.addresses = addresses
        elif isinstance(addresses, dict):
            self.addresses = [_merge(a, addresses) for a in self.addresses]
        for where, length in case.get("long_text", {}).items():
            head, _, key = where.rpartition(".")
            if head == "address":
                for address in self.addresses:
                    address[key] = _long(length)
            else:
                holder = self.order[head] if head else self.order
                holder[key] = _long(length)


def _page(items: list[Any], request: httpx.Request) -> list[Any]:
    limit = int(request.url.params.get("limit", 250))
    page = int(request.url.params.get("page", 1))
    return items[(page - 1) * limit : page * limit]


def _store_router(case: dict[str, Any]) -> tuple[respx.MockRouter, dict[str, Any]]:
    """The store's API, and the broken reply still to be served (emptied once it was)."""
    orders = {oid: _Order(oid) for oid in (GOOD[0], BAD, GOOD[1])}
    orders[BAD].apply(case)
    raw = dict(case.get("body") or {})  # a broken reply, once (a glitch, then the store heals)

    def broken(route: str) -> httpx.Response | None:
        if raw.get("route") != route:
            return None
        reply = httpx.Response(
            raw["status"],
            content=raw["content"].encode(),
            headers={"Content-Type": raw.get("content_type", "application/json")},
        )
        raw.clear()
        return reply

    def listing(request: httpx.Request) -> httpx.Response:
        return broken("list") or httpx.Response(
            200, json=_page([o.order for o in orders.values()], request)
        )

    def one(request: httpx.Request, oid: str) -> httpx.Response:
        return httpx.Response(200, json=orders[oid].order)

    def products(request: httpx.Request, oid: str) -> httpx.Response:
        if oid == BAD and (reply := broken("products")) is not None:
            return reply
        return httpx.Response(200, json=_page(orders[oid].products, request))

    def addresses(request: httpx.Request, oid: str) -> httpx.Response:
        return httpx.Response(200, json=orders[oid].addresses)

    router = respx.MockRouter(base_url=STORE_API, assert_all_called=False)
    # What the store says of itself, asked once before anything is sent (its identity).
    router.get("/v2/store").mock(return_value=httpx.Response(200, json=store_data(STORE_HASH)))
    router.get("/v2/orders").mock(side_effect=listing)
    router.get(path__regex=r"/v2/orders/(?P<oid>\d+)$").mock(side_effect=one)
    router.get(path__regex=r"/v2/orders/(?P<oid>\d+)/products").mock(side_effect=products)
    router.get(path__regex=r"/v2/orders/(?P<oid>\d+)/shipping_addresses").mock(
        side_effect=addresses
    )
    return router, raw


@pytest.fixture
def orderdesk() -> Iterator[OrderDeskEmulator]:
    emulator = orderdesk_emulator()
    emulator.start()
    yield emulator
    emulator.stop()


# -- checking ------------------------------------------------------------------------------


def _in_orderdesk(emulator: OrderDeskEmulator, number: str) -> list[dict[str, Any]]:
    return emulator.orders_with_source(number, source_name_for("bigcommerce"))


def _dig(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


def _check_mapping(order: dict[str, Any], wanted: dict[str, Any]) -> None:
    for key, value in wanted.items():
        if key == "item_count":
            assert len(order["order_items"]) == value
        elif key == "max_text":
            texts = [v for part in ("shipping", "customer") for v in order[part].values()]
            assert all(len(str(v)) <= value for v in texts)
        elif key == "note_max":
            assert 0 < len(order["checkout_data"]["Customer Note"]) <= value
        elif key == "date_added_prefix":
            assert str(order["date_added"]).startswith(value)
        else:
            assert _dig(order, key) == value, key


def _assert_readable(journal: Journal, result: CycleResult) -> None:
    lines = [e.message for e in journal.events_page(0, 10_000)]
    for line in [*lines, result.message, *(f.reason for f in result.failures)]:
        assert not any(word in line for word in FORBIDDEN), line


def _assert_each_once(emulator: OrderDeskEmulator, numbers: tuple[str, ...]) -> None:
    for number in numbers:
        assert len(_in_orderdesk(emulator, number)) == 1, f"order {number}"


# -- the cases -----------------------------------------------------------------------------


def run_store_case(case: dict[str, Any], orderdesk: OrderDeskEmulator, journal: Path) -> None:
    client = orderdesk_client(orderdesk)
    clock = Clock()
    router, unserved = _store_router(case)
    engine = SyncEngine(
        orderdesk=client,
        store=BigCommerceConnector(
            STORE_API,
            "store-token-bad-inputs",
            http=HttpSettings(transport=httpx.MockTransport(router.handler), backoff=FAST_BACKOFF),
        ),
        journal=Journal(journal),
        folder="New",
        send_rule=send_rule_for("bigcommerce"),
        start_at=START,
        clock=clock,
        on_close=client.close,
    )
    expect = case["expect"]
    try:
        first = engine.run_cycle()
        _assert_readable(engine.journal, first)
        assert not unserved, "the broken reply was never asked for"
        if expect == "offline_then_sent":
            assert first.health is Health.STORE_OFFLINE
            assert "BigCommerce" in first.message and "try again" in first.message
            clock.skip()
            first = engine.run_cycle()
            expect = "sent"
        # The orders on either side of the odd one are always sent, in the same cycle.
        assert first.health in (Health.OK, Health.FAILING), first.message
        _assert_each_once(orderdesk, GOOD)
        row = engine.journal.get_order(BAD)
        if expect == "sent":
            _assert_each_once(orderdesk, (BAD,))
            _check_mapping(_in_orderdesk(orderdesk, BAD)[0], case.get("orderdesk", {}))
        elif expect == "failed":
            assert row is not None and row.state == "failed"
            assert case["reason"] in row.last_error
            assert row.last_error[0].isupper() and row.last_error.endswith(".")
            assert [f.order_number for f in first.failures] == [BAD]
            assert first.health is Health.FAILING and "Retry" in first.message
            assert not _in_orderdesk(orderdesk, BAD)
        elif expect == "skipped":
            assert row is not None and row.state == "skipped"
            assert not _in_orderdesk(orderdesk, BAD)
        elif expect == "ignored":
            assert row is None and not _in_orderdesk(orderdesk, BAD)
        else:
            raise AssertionError(f"unknown expectation {expect}")
        clock.skip()
        again = engine.run_cycle()  # a later cycle sends nothing twice
        assert again.push is not None and again.push.sent == 0
    finally:
        engine.close()


def _reply(case: dict[str, Any], api_key: str) -> httpx.Response:
    reply = case["reply"]
    content = reply["content"].replace("{api_key}", api_key)
    if "{pad:" in content:
        size = int(content.split("{pad:")[1].split("}")[0])
        content = content.replace(f"{{pad:{size}}}", "x" * size)
    headers = {"Content-Type": reply.get("content_type", "application/json")}
    return httpx.Response(reply["status"], content=content.encode(), headers=headers)


def run_orderdesk_case(case: dict[str, Any], journal: Path) -> None:
    with Rig() as rig:
        rig.place_orders(3, seed=71)
        numbers = tuple(rig.store_ids)
        engine = rig.engine(journal, start_at=minute_ago())
        reply = case["reply"]
        pending = [_reply(case, rig.orderdesk.api_key)]

        def once(request: httpx.Request) -> httpx.Response | None:
            return pending.pop() if pending else None  # None: on to the real emulator

        try:
            with respx.mock(assert_all_called=False) as router:
                router.route(
                    method=reply["method"],
                    host="127.0.0.1",
                    port=rig.orderdesk.port,
                    path__regex=r"/api/v2" + reply["path"],
                ).mock(side_effect=once)
                router.route().pass_through()
                first = engine.run_cycle()
                assert not pending, "the odd reply was never asked for"
                _assert_readable(engine.journal, first)
                expect = case["expect"]
                if expect == "offline_then_sent":
                    assert first.health is Health.ORDERDESK_OFFLINE
                    assert "Order Desk" in first.message and "try again" in first.message
                elif expect == "failed":
                    (failure,) = first.failures
                    assert case["reason"] in failure.reason
                    assert case.get("reason_excludes", "\0") not in failure.reason
                    assert rig.orderdesk.api_key not in failure.reason
                    others = [n for n in numbers if n != failure.order_number]
                    _assert_each_once(rig.orderdesk, tuple(others))
                elif expect == "waiting_then_sent":
                    assert first.push is not None
                    assert (first.push.sent, first.push.waiting) == (2, 1)
                elif expect == "sent":
                    assert first.health is Health.OK, first.message
                    _assert_each_once(rig.orderdesk, numbers)
                else:
                    raise AssertionError(f"unknown expectation {expect}")
                if expect != "failed":
                    rig.settle(engine)
                    _assert_each_once(rig.orderdesk, numbers)
                rig.clock.skip()
                again = engine.run_cycle()
                assert again.push is not None and again.push.sent == 0
        finally:
            engine.close()


def test_the_corpus_holds_at_least_thirty_cases_from_both_apis() -> None:
    sides = [json.loads(path.read_text(encoding="utf-8"))["side"] for path in CASES]
    assert len(CASES) >= 30
    assert {"store", "orderdesk"} == set(sides)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_odd_input_gets_a_reason_or_a_safe_mapping_and_blocks_no_other_order(
    path: Path, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    if case["side"] == "store":
        run_store_case(case, orderdesk, tmp_path / "journal.sqlite3")
    else:
        run_orderdesk_case(case, tmp_path / "journal.sqlite3")
