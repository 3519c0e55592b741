"""Issue 20 finding 1: ``desktop-sync run`` pushes on the push interval and pulls on the pull
interval (it used the push interval for both). Over the emulators on real sockets, counting
their requests; the scheduler's clock is injected, so nothing sleeps."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from desktop_sync import cli
from desktop_sync.app.headless import run_on_schedule
from desktop_sync.app.scheduler import ONE_STORE
from desktop_sync.app.settings import Settings, save_settings
from desktop_sync.app.wiring import build_engine
from desktop_sync.engine.events import CycleResult, Health
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.demo import DemoSandbox
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from tests.gui.conftest import BIGCOMMERCE_TOKEN, ORDERDESK_API_KEY, ORDERDESK_STORE_ID
from tests.gui.test_workers import make_profile


@pytest.fixture
def servers() -> Iterator[tuple[OrderDeskEmulator, BigCommerceEmulator]]:
    orderdesk = OrderDeskEmulator(store_id=ORDERDESK_STORE_ID, api_key=ORDERDESK_API_KEY)
    store = BigCommerceEmulator(access_token=BIGCOMMERCE_TOKEN)
    orderdesk.start()
    store.start()
    try:
        yield orderdesk, store
    finally:
        store.stop()
        orderdesk.stop()


def test_run_pushes_on_the_push_interval_and_pulls_on_the_pull_interval(
    servers: tuple[OrderDeskEmulator, BigCommerceEmulator],
) -> None:
    orderdesk, store = servers
    now = [datetime(2026, 3, 2, 9, 0, tzinfo=UTC)]
    start = now[0]
    stop = threading.Event()

    def wait(_: threading.Event, seconds: float) -> None:
        now[0] += timedelta(seconds=seconds)
        if now[0] - start > timedelta(minutes=15):
            stop.set()

    cycles: list[CycleResult] = []
    engine = build_engine(make_profile(orderdesk, store), stop=stop)
    try:
        last = run_on_schedule(
            [(ONE_STORE, engine)],
            push_seconds=60,
            pull_seconds=300,
            stop=stop,
            on_cycle=cycles.append,
            clock=lambda: now[0],
            wait=wait,
        )
    finally:
        engine.close()
    orders_path = f"/stores/{store.store_hash}/v2/orders"
    store_listings = [r for r in store.request_log if r[:2] == ("GET", orders_path)]
    orderdesk_listings = [r for r in orderdesk.request_log if r[:2] == ("GET", "/api/v2/orders")]
    # 15 minutes: a push at 0, 1, ..., 15 min; a pull at 0, 5, 10 and 15 min.
    assert len(store_listings) == 16
    assert len(orderdesk_listings) == 4
    assert len(cycles) == 16
    assert last is not None and last.health is Health.OK


def test_run_ends_after_the_cycles_asked_for(
    servers: tuple[OrderDeskEmulator, BigCommerceEmulator],
) -> None:
    orderdesk, store = servers
    store.add_sample_orders(2)
    stop = threading.Event()
    engine = build_engine(make_profile(orderdesk, store), stop=stop)
    try:
        last = run_on_schedule(
            [(ONE_STORE, engine)],
            push_seconds=0.1,
            pull_seconds=0.1,
            stop=stop,
            on_cycle=lambda _: None,
            most=2,
        )
    finally:
        engine.close()
    assert last is not None and last.push is not None
    assert len(orderdesk.orders()) == 2


def test_the_run_command_checks_for_shipments_on_the_pull_interval(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Through the command itself: pushes every second, pulls hourly. Before, every cycle
    # pulled too (3 listings at Order Desk in 3 cycles).
    save_settings(Settings(push_interval_seconds=1, pull_interval_seconds=3600))
    with DemoSandbox(new_order_every=None, initial_orders=0) as sandbox:
        for name, value in sandbox.env().items():
            monkeypatch.setenv(name, value)
        assert cli.main(["run", "--cycles", "3"]) == cli.EXIT_OK
        log = sandbox.orderdesk.request_log
        assert len([r for r in log if r[:2] == ("GET", "/api/v2/orders")]) == 1
