"""The Order Desk emulator's leaky bucket: 20 tokens, 3 per second per store, 429 with
X-Retry-After when empty, X-Tokens-Remaining on every reply (reference §3)."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator

import httpx
import pytest

from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.server import Fault, ScaledClock


class ManualClock(ScaledClock):
    """The bucket's clock, moved by hand; ``scale`` still converts waits to real seconds."""

    def __init__(self, scale: float = 1.0) -> None:
        super().__init__(scale)
        self.seconds = 0.0

    def now(self) -> float:
        return self.seconds


@pytest.fixture
def emulator() -> Iterator[OrderDeskEmulator]:
    emulator = OrderDeskEmulator(api_key="sandbox-key")
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def client(emulator: OrderDeskEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.api_url, headers=emulator.auth_headers()) as client:
        yield client


def manual(emulator: OrderDeskEmulator, scale: float = 1.0) -> ManualClock:
    clock = ManualClock(scale)
    emulator.clock = clock
    return clock


def spend(client: httpx.Client, count: int) -> list[httpx.Response]:
    return [client.get("/test") for _ in range(count)]


def test_25_back_to_back_requests_get_at_most_20_successes_then_429(
    client: httpx.Client,
) -> None:
    started = time.monotonic()
    replies = spend(client, 25)
    elapsed = time.monotonic() - started
    codes = [r.status_code for r in replies]
    # The bucket refills while the requests run (3 per second), so a slow machine may earn one.
    assert codes[:20] == [200] * 20
    assert codes.count(200) <= 20 + math.floor(3 * elapsed)
    refused = replies[codes.index(429)]
    assert refused.json()["status"] == "error"
    assert refused.json()["message"] == "Too Many Requests"
    assert refused.headers["X-Retry-After"] == "1"
    assert refused.headers["X-Tokens-Remaining"] == "0"


def test_every_reply_says_how_many_tokens_remain(
    emulator: OrderDeskEmulator, client: httpx.Client
) -> None:
    manual(emulator)
    remaining = [r.headers["X-Tokens-Remaining"] for r in spend(client, 21)]
    assert remaining == [str(n) for n in range(19, -1, -1)] + ["0"]
    assert client.get("/orders/1").headers["X-Tokens-Remaining"] == "0"


def test_the_bucket_refills_three_tokens_per_second(
    emulator: OrderDeskEmulator, client: httpx.Client
) -> None:
    clock = manual(emulator)
    spend(client, 20)
    clock.seconds += 1.0
    assert [r.status_code for r in spend(client, 4)] == [200, 200, 200, 429]
    clock.seconds += 100
    assert [r.headers["X-Tokens-Remaining"] for r in spend(client, 1)] == ["19"]


def test_a_refused_request_spends_no_token(
    emulator: OrderDeskEmulator, client: httpx.Client
) -> None:
    clock = manual(emulator)
    spend(client, 20)
    clock.seconds += 0.2  # 0.6 tokens: not enough
    assert {r.status_code for r in spend(client, 10)} == {429}
    clock.seconds += 0.14  # 1.02 tokens, had none of the ten refusals cost anything
    assert client.get("/test").status_code == 200
    assert emulator.stats()["rate_limited"] == 10


def test_retry_after_is_the_wait_for_one_token_rounded_up(
    emulator: OrderDeskEmulator, client: httpx.Client
) -> None:
    emulator.bucket.per_second = 0.25
    manual(emulator)
    spend(client, 20)
    assert client.get("/test").headers["X-Retry-After"] == "4"


def test_retry_after_is_in_real_seconds_when_time_is_scaled(
    emulator: OrderDeskEmulator, client: httpx.Client
) -> None:
    manual(emulator, scale=10)
    spend(client, 20)
    assert client.get("/test").headers["X-Retry-After"] == "0.1"


def test_a_client_waiting_as_told_gets_through() -> None:
    with (
        OrderDeskEmulator(api_key="k", time_scale=5) as emulator,
        httpx.Client(base_url=emulator.api_url, headers=emulator.auth_headers()) as client,
    ):
        replies = spend(client, 40)
        refused = next(r for r in replies if r.status_code == 429)
        wait = float(refused.headers["X-Retry-After"])
        assert 0 < wait <= 1 / 5
        # Waiting exactly as told is the contract under test; tokens only grow meanwhile.
        time.sleep(wait)
        assert client.get("/test").status_code == 200


def test_an_injected_429_carries_retry_after(
    emulator: OrderDeskEmulator, client: httpx.Client
) -> None:
    emulator.faults.inject(Fault.RATE_LIMIT, path=r"/orders$")
    refused = client.get("/orders")
    assert refused.status_code == 429
    assert refused.headers["X-Retry-After"] == "1"
    assert refused.json()["message"] == "Too Many Requests"
    assert client.get("/orders").status_code == 200
    assert emulator.stats()["rate_limited"] == 1


def test_refused_credentials_and_admin_routes_spend_no_tokens(
    emulator: OrderDeskEmulator, client: httpx.Client
) -> None:
    manual(emulator)
    for _ in range(25):
        assert httpx.get(f"{emulator.api_url}/test").status_code == 401
        assert httpx.get(f"{emulator.base_url}/_admin/stats").status_code == 200
    assert client.get("/test").headers["X-Tokens-Remaining"] == "19"


def test_each_store_has_its_own_bucket(emulator: OrderDeskEmulator, client: httpx.Client) -> None:
    manual(emulator)
    spend(client, 20)
    emulator.set_credentials("100002", "other-key")
    other = httpx.get(f"{emulator.api_url}/test", headers=emulator.auth_headers())
    assert other.status_code == 200 and other.headers["X-Tokens-Remaining"] == "19"


def test_the_limit_can_be_switched_off() -> None:
    with OrderDeskEmulator(api_key="k", rate_limit=False) as emulator:
        emulator.clock = ManualClock()
        with httpx.Client(base_url=emulator.api_url, headers=emulator.auth_headers()) as client:
            assert {r.status_code for r in spend(client, 30)} == {200}
        assert emulator.stats()["requests"] == 30
