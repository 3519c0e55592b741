"""``desktop-sync backfill --since`` on Shopify (issue 13, item 4): a date past Shopify's 60
days, with an app lacking ``read_all_orders``, is said before the backfill starts, over real
sockets against the Shopify emulator."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from desktop_sync import cli
from tests.contract.kits.shopify import ShopifyKit


@pytest.fixture
def shopify(monkeypatch: pytest.MonkeyPatch) -> Iterator[ShopifyKit]:
    kit = ShopifyKit()
    kit.start()
    for name, value in kit.env().items():
        monkeypatch.setenv(name, value)
    # Order Desk is not asked anything by a backfill; the profile only has to be complete.
    monkeypatch.setenv("ORDERDESK_STORE_ID", "100001")
    monkeypatch.setenv("ORDERDESK_API_KEY", "od-key-0123456789")
    monkeypatch.setenv("ORDERDESK_API_URL", "http://127.0.0.1:9/api/v2")
    yield kit
    kit.stop()


def _backfill(days: int, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    since = datetime.now(UTC) - timedelta(days=days)
    capsys.readouterr()
    code = cli.main(["backfill", "--since", f"{since:%Y-%m-%d}"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_shopify_backfill_past_60_days_says_the_limit_before_it_starts(
    shopify: ShopifyKit, capsys: pytest.CaptureFixture[str]
) -> None:
    code, said = _backfill(90, capsys)
    assert code == cli.EXIT_OK, said
    assert "60 days" in said and "read_all_orders" in said
    assert said.index("read_all_orders") < said.index("The next sync also sends")
    assert said.count("60 days") == 1


def test_a_recent_shopify_backfill_or_one_with_read_all_orders_says_nothing_of_it(
    shopify: ShopifyKit, capsys: pytest.CaptureFixture[str]
) -> None:
    code, said = _backfill(30, capsys)
    assert code == cli.EXIT_OK and "60 days" not in said, said
    shopify.emulator.scopes.add("read_all_orders")
    code, said = _backfill(400, capsys)
    assert code == cli.EXIT_OK and "60 days" not in said, said
