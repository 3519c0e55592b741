"""Builders shared by the engine's end-to-end tests: a fast Order Desk emulator, and engines
wired to it and to a store kit, each with its own journal (as on its own PC)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from pytest import MonkeyPatch

from desktop_sync.app.platforms import platform_display_name, send_rule_for, source_name_for
from desktop_sync.connectors.orderdesk.client import OrderDeskClient
from desktop_sync.connectors.orderdesk.models import NewOrder
from desktop_sync.connectors.orderdesk.ratelimit import TokenBucket
from desktop_sync.connectors.retry import Backoff
from desktop_sync.connectors.stores.base import StoreConnector, StoreOrder
from desktop_sync.engine.context import utc_now
from desktop_sync.engine.events import EventSink
from desktop_sync.engine.identity import ThisComputer
from desktop_sync.engine.mapping import map_order
from desktop_sync.engine.sync import SyncEngine
from desktop_sync.engine.whose_store import SavedIdentity
from desktop_sync.state.journal import Journal
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator

# The emulator's bucket runs 50x faster than Order Desk's; the client's bucket matches it, so
# tests keep the real pacing logic while finishing quickly.
TIME_SCALE = 50.0
FAST_BACKOFF = Backoff(base=0.01, cap=0.05, floor=0.0, attempts=3)


def orderdesk_emulator(**options: object) -> OrderDeskEmulator:
    return OrderDeskEmulator(
        store_id="100001",
        api_key="test-orderdesk-key-5f2a9c",
        time_scale=TIME_SCALE,
        **options,  # type: ignore[arg-type]
    )


@contextmanager
def running(emulator: OrderDeskEmulator) -> Iterator[OrderDeskEmulator]:
    """The emulator, serving on 127.0.0.1 until the block ends."""
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()


def orderdesk_client(
    emulator: OrderDeskEmulator,
    *,
    timeout: float = 10.0,
    api_key: str | None = None,
    limiter: TokenBucket | None = None,
) -> OrderDeskClient:
    return OrderDeskClient(
        emulator.store_id,
        api_key or emulator.api_key,
        base_url=emulator.api_url,
        timeout=httpx.Timeout(timeout, connect=2.0),
        limiter=limiter or TokenBucket(20, 3.0 * TIME_SCALE),
        backoff=FAST_BACKOFF,
    )


def make_engine(
    emulator: OrderDeskEmulator,
    store: StoreConnector,
    journal_path: Path,
    *,
    start_at: datetime,
    timeout: float = 10.0,
    sink: EventSink | None = None,
    clock: Callable[[], datetime] | None = None,
    source_name: str | None = None,
    store_id: str | None = None,
    order_statuses: Collection[str] | None = None,
    identity: SavedIdentity | None = None,
    on_identity: Callable[[str], None] | None = None,
    this_computer: ThisComputer | None = None,
    limiter: TokenBucket | None = None,
    stop: threading.Event | None = None,
) -> SyncEngine:
    """``source_name``: the store's own in Order Desk (default: its platform's); ``store_id``:
    whose rows it keeps in the journal (default: the first store's); ``limiter``: the bucket
    its client spends (default: one of its own)."""
    client = orderdesk_client(emulator, timeout=timeout, limiter=limiter)
    return SyncEngine(
        orderdesk=client,
        store=store,
        journal=Journal(journal_path)
        if store_id is None
        else Journal(journal_path, store=store_id),
        source_name=source_name,
        folder="New",
        overlap=timedelta(minutes=10),
        start_at=start_at,
        sink=sink,
        stop=stop,
        on_close=client.close,
        clock=clock or utc_now,
        send_rule=send_rule_for(store.platform, order_statuses),
        identity=identity,
        on_identity=on_identity,
        this_computer=this_computer,
    )


class Clock:
    """Engine time that a test can move on, so retry back-offs come due at once."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def skip(self, hours: float = 2) -> None:
        self.offset += timedelta(hours=hours)


def minute_ago() -> datetime:
    return datetime.now(UTC) - timedelta(minutes=1)


def source_counts(
    emulator: OrderDeskEmulator, platform: str, *, splits: set[str] | frozenset[str] = frozenset()
) -> dict[str, int]:
    """source_id -> how many Order Desk orders carry it, not counting split-off orders."""
    counts: dict[str, int] = {}
    name = source_name_for(platform)
    for order in emulator.orders():
        if order["source_name"] == name and order["id"] not in splits:
            counts[order["source_id"]] = counts.get(order["source_id"], 0) + 1
    return counts


def point_cli_at(
    store_env: dict[str, str], emulator: OrderDeskEmulator, monkeypatch: MonkeyPatch
) -> None:
    """Set the environment a headless command reads its profile from: the store kit's
    ``env()`` and this Order Desk emulator."""
    env = {
        **store_env,
        "ORDERDESK_API_URL": emulator.api_url,
        "ORDERDESK_STORE_ID": emulator.store_id,
        "ORDERDESK_API_KEY": emulator.api_key,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def map_from(order: StoreOrder, platform: str, *, folder_id: int | None) -> NewOrder:
    """``map_order`` with the registry's display name and source name of ``platform``."""
    return map_order(
        order,
        platform=platform,
        store_name=platform_display_name(platform),
        source_name=source_name_for(platform),
        folder_id=folder_id,
    )
