"""Against an emulator that checks every field's scopes as Shopify's published schema states
them: exactly the README's scopes carry the whole 40/10/3 scenario; with any one taken away,
``verify()`` fails naming it, and a sync that meets a withheld field says so once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_sync.connectors.errors import AuthError
from desktop_sync.connectors.stores.shopify import REQUIRED_SCOPES, SHOPIFY_API_VERSION
from desktop_sync.engine.events import Health
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.shopify import ShopifyKit
from tests.contract.test_engine_end_to_end import (
    test_forty_orders_ten_shipped_three_split_make_sixteen_exact_fulfillments as forty_ten_three,
)
from tests.harness import make_engine, minute_ago, orderdesk_emulator
from tests.spec.shopify_schema import access_schema
from tests.spec.test_shopify_schema import _readme_shopify_scopes

pytestmark = pytest.mark.spec


@pytest.fixture
def orderdesk() -> Iterator[Any]:
    emulator = orderdesk_emulator()
    emulator.start()
    yield emulator
    emulator.stop()


def started(scopes: list[str] | tuple[str, ...]) -> ShopifyKit:
    kit = ShopifyKit(schema=access_schema(SHOPIFY_API_VERSION), scopes=scopes)
    kit.start()
    return kit


def test_exactly_the_readme_scopes_carry_forty_orders_ten_shipped_three_split(
    orderdesk: Any, tmp_path: Path
) -> None:
    kit = started(_readme_shopify_scopes())
    try:
        forty_ten_three(kit, orderdesk, tmp_path)
    finally:
        kit.stop()


@pytest.mark.parametrize("scope", REQUIRED_SCOPES)
def test_verify_names_the_one_scope_taken_away(scope: str) -> None:
    kit = started([s for s in _readme_shopify_scopes() if s != scope])
    try:
        with pytest.raises(AuthError) as caught:
            kit.connector().verify()
    finally:
        kit.stop()

    message = str(caught.value)
    assert scope in message
    assert [s for s in REQUIRED_SCOPES if s != scope and s in message] == []


def test_a_field_withheld_on_every_line_is_said_once_with_its_scope_and_count(
    orderdesk: Any, tmp_path: Path
) -> None:
    kit = started([s for s in REQUIRED_SCOPES if s != "read_products"])
    try:
        samples = generate_orders(6, seed=4)
        kit.add_orders(samples)
        lines = sum(len(s.lines) for s in samples[:3])  # the first page: three orders
        engine = make_engine(
            orderdesk, kit.connector(), tmp_path / "journal.sqlite3", start_at=minute_ago()
        )
        result = engine.run_cycle()
    finally:
        kit.stop()

    assert result.health is Health.STORE_AUTH
    assert result.message.count("for lack of the permission read_products") == 1
    assert result.message.count("variant") == 1
    assert f"({lines} times in one answer)" in result.message
    assert orderdesk.orders() == []


def test_withheld_protected_customer_data_stops_the_sync_saying_what_is_withheld(
    orderdesk: Any, tmp_path: Path
) -> None:
    kit = started(REQUIRED_SCOPES)
    kit.emulator.protected_data = {"email"}  # an admin-made app on a plan without level 2
    try:
        kit.add_orders(generate_orders(3, seed=4))
        engine = make_engine(
            orderdesk, kit.connector(), tmp_path / "journal.sqlite3", start_at=minute_ago()
        )
        result = engine.run_cycle()
    finally:
        kit.stop()

    assert result.health is Health.STORE_AUTH
    assert "protected customer data" in result.message
    assert "names, addresses and phone numbers" in result.message
    assert result.message.count("Shopify withholds") == 1
    assert orderdesk.orders() == []


@pytest.mark.parametrize("redacted", [False, True], ids=["denied", "redacted"])
def test_verify_says_when_shopify_withholds_protected_customer_data(redacted: bool) -> None:
    kit = started(REQUIRED_SCOPES)
    kit.emulator.protected_data = {"email", "phone"}
    kit.emulator.redact_protected = redacted
    kit.add_orders(generate_orders(1, seed=2))
    try:
        with pytest.raises(AuthError) as caught:
            kit.connector().verify()
    finally:
        kit.stop()

    assert "protected customer data" in str(caught.value)
    assert "names" in str(caught.value) and "addresses" in str(caught.value)
