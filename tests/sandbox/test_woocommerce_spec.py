"""The WooCommerce emulator and the connector held to WooCommerce's own documented examples
(``../shared/specs/woocommerce/``): the emulator's orders and notes carry every documented key
with the same JSON type, and every documented example order parses and maps (issue 15, items
8 and 9)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from desktop_sync.connectors.stores.woocommerce_orders import parse_order
from desktop_sync_sandbox.woocommerce import WooCommerceEmulator
from desktop_sync_sandbox.woocommerce_money import WooCoupon, WooFee, WooItem, WooPricing
from tests.connectors.test_woocommerce import FakeClock, connect
from tests.harness import map_from
from tests.specs import spec_path

pytestmark = pytest.mark.spec

Types = dict[str, Any]


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _shape(values: list[Any]) -> Types:
    """What the examples show at one place: its JSON types and, below it, the same for each
    key of an object and for the elements of an array."""
    shape: Types = {"types": {_json_type(v) for v in values}, "keys": {}, "items": None}
    objects = [v for v in values if isinstance(v, dict)]
    # A key every example has is required; one only some have (``_links.customer`` exists
    # for a registered customer) is checked where present.
    shape["always"] = (
        {k for k in objects[0] if all(k in obj for obj in objects)} if objects else set()
    )
    for key in {k for obj in objects for k in obj}:
        shape["keys"][key] = _shape([obj[key] for obj in objects if key in obj])
    elements = [e for v in values if isinstance(v, list) for e in v]
    if elements:
        shape["items"] = _shape(elements)
    return shape


def _mismatches(shape: Types, value: Any, where: str) -> list[str]:
    found = []
    kind = _json_type(value)
    # A documented null (a date not yet set) stands for a value of some type.
    if kind not in shape["types"] and not (kind == "null" or shape["types"] == {"null"}):
        found.append(f"{where}: {kind}, documented as {sorted(shape['types'])}")
    if isinstance(value, dict):
        for key, below in shape["keys"].items():
            if key not in value:
                if key in shape["always"]:
                    found.append(f"{where}.{key}: missing")
            else:
                found += _mismatches(below, value[key], f"{where}.{key}")
    if isinstance(value, list) and shape["items"] is not None:
        for index, element in enumerate(value):
            found += _mismatches(shape["items"], element, f"{where}[{index}]")
    return found


def _documented(name: str) -> list[dict[str, Any]]:
    """Every example object of a spec file (single answers, lists, and batch answers)."""
    found: list[dict[str, Any]] = []
    for example in json.loads(spec_path(f"woocommerce/{name}").read_text(encoding="utf-8")):
        if isinstance(example, list):
            found += example
        elif set(example) <= {"create", "update", "delete"}:
            found += [o for part in example.values() for o in part]
        else:
            found.append(example)
    return found


@pytest.fixture
def shop() -> Iterator[WooCommerceEmulator]:
    emulator = WooCommerceEmulator()
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.fixture
def http(shop: WooCommerceEmulator) -> Iterator[httpx.Client]:
    auth = (shop.consumer_key, shop.consumer_secret)
    with httpx.Client(base_url=shop.base_url + "/wp-json/wc/v3", auth=auth) as client:
        yield client


def test_the_emulators_orders_have_every_documented_key_with_its_type(
    shop: WooCommerceEmulator, http: httpx.Client
) -> None:
    shape = _shape(_documented("orders_examples_v3.json"))
    shop.add_sample_orders(3)
    shop.add_order(status="completed")
    shop.add_priced_order(
        WooPricing(
            (WooItem("Tee", 2, Decimal("20"), "T", (("Color", "Black"),)),),
            Decimal("5"),
            coupons=(WooCoupon("TEN", percent=Decimal(10)),),
            fees=(WooFee("Gift wrap", Decimal("2")),),
            tax_rate=Decimal(8),
        )
    )
    listed = http.get("/orders", params={"per_page": 100}).json()
    single = http.get(f"/orders/{listed[0]['id']}").json()
    problems = [p for i, o in enumerate([*listed, single]) for p in _mismatches(shape, o, f"#{i}")]
    assert problems == []


def test_the_emulators_notes_have_every_documented_key_with_its_type(
    shop: WooCommerceEmulator, http: httpx.Client
) -> None:
    shape = _shape(_documented("order_notes_examples_v3.json"))
    order_id = shop.add_order()
    created = http.post(f"/orders/{order_id}/notes", json={"note": "Packed", "customer_note": True})
    listed = http.get(f"/orders/{order_id}/notes").json()
    problems = [
        p for i, n in enumerate([created.json(), *listed]) for p in _mismatches(shape, n, f"#{i}")
    ]
    assert problems == []
    assert "added_by_user" not in created.json()  # a request field, never in an answer


def test_every_documented_example_order_parses_and_maps() -> None:
    orders = _documented("orders_examples_v3.json")
    assert len(orders) >= 6
    for data in orders:
        order = parse_order(data)
        goods = sum((line.unit_price * line.quantity for line in order.lines), Decimal(0))
        total = goods + order.shipping_total + order.tax_total + order.handling_total
        assert total - order.discount_total == order.order_total == Decimal(data["total"])
        mapped = map_from(order, "woocommerce", folder_id=None)
        assert mapped.source_id == data["number"]
        assert len(mapped.items) == len(data["line_items"])
        for item in mapped.items:
            assert "&" not in item.name, item.name  # HTML entities decoded (&ndash;)
            assert not any(name.startswith("pa_") for name in item.variation_list), item


def test_an_old_stores_variation_options_read_as_the_shop_shows_them() -> None:
    """Stores older than ``display_key``/``display_value`` send ``pa_color: black``; the
    line's name carries the shown words ("Color: Black, Size: M Test")."""
    [data] = [o for o in _documented("orders_examples_v3.json") if o["id"] == 727][:1]
    line = parse_order(data).lines[1]
    assert line.name == "Ship Your Idea"
    assert line.options == (("Color", "Black"), ("Size", "M Test"))


def test_woocommerces_backordered_note_is_no_variant_option(shop: WooCommerceEmulator) -> None:
    tee = WooItem("Tee", 3, Decimal("20"), "T", (("Color", "Black"),), backordered=2)
    order_id = shop.add_priced_order(WooPricing((tee,)))
    woo = connect(shop, FakeClock())
    try:
        [line] = woo.get_order(str(order_id)).lines
    finally:
        woo.close()
    assert line.options == (("Color", "Black"),) and line.name == "Tee"
