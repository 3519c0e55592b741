"""The background sync: the worker runs the real engine against the emulators on its own thread,
reports by signals, pauses, retries, and stops without leaving a thread or a half-sent order."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from PySide6.QtCore import QObject, Signal
from pytestqt.qtbot import QtBot

from desktop_sync.app.paths import journal_path
from desktop_sync.app.profile import Profile
from desktop_sync.engine.events import CycleResult, Health, SyncEvent
from desktop_sync.gui.workers import Schedule, SyncController
from desktop_sync.state.journal import Journal
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from tests.gui.conftest import BIGCOMMERCE_TOKEN, ORDERDESK_API_KEY, ORDERDESK_STORE_ID

pytestmark = pytest.mark.gui


def make_profile(
    orderdesk: OrderDeskEmulator, store: BigCommerceEmulator, **changes: object
) -> Profile:
    values: dict[str, object] = {
        "orderdesk_store_id": ORDERDESK_STORE_ID,
        "orderdesk_api_key": ORDERDESK_API_KEY,
        "orderdesk_api_url": orderdesk.api_url,
        "store_platform": "bigcommerce",
        "store_url": store.api_url,
        "store_key": BIGCOMMERCE_TOKEN,
        "sync_since": datetime.now(UTC) - timedelta(minutes=1),
        **changes,
    }
    return Profile(**values)  # type: ignore[arg-type]


@pytest.fixture
def controllers() -> Iterator[list[SyncController]]:
    made: list[SyncController] = []
    yield made
    for controller in made:
        assert controller.shutdown(), "a sync thread outlived its test"


def start(controllers: list[SyncController], profile: Profile, **options: object) -> SyncController:
    controller = SyncController(
        profile,
        push_interval_seconds=3600,
        pull_interval_seconds=3600,
        **options,  # type: ignore[arg-type]
    )
    controllers.append(controller)
    controller.start()
    return controller


def test_first_cycle_pushes_the_store_orders_and_reports_every_step(
    qtbot: QtBot,
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceEmulator,
    controllers: list[SyncController],
) -> None:
    numbers = {str(n) for n in bigcommerce.add_sample_orders(5)}
    events: list[SyncEvent] = []
    schedules: list[Schedule] = []
    controller = SyncController(
        make_profile(orderdesk, bigcommerce), push_interval_seconds=60, pull_interval_seconds=90
    )
    controllers.append(controller)
    controller.event.connect(events.append)
    controller.schedule_changed.connect(schedules.append)
    with qtbot.waitSignal(controller.cycle_finished, timeout=20_000) as finished:
        controller.start()
    result: CycleResult = finished.args[0]
    assert result.health is Health.OK
    assert result.push is not None and result.push.sent == 5
    qtbot.waitUntil(lambda: len(schedules) == 1, timeout=5000)
    assert {e.order_number for e in events if e.message == "Sent to Order Desk."} == numbers
    assert {o["source_id"] for o in orderdesk.orders()} == numbers
    next_push, next_pull = schedules[0].next_push, schedules[0].next_pull
    assert next_push is not None and next_pull is not None
    assert timedelta(seconds=25) < next_pull - next_push < timedelta(seconds=35)
    assert controller.health is Health.OK
    assert controller.shutdown()
    assert not controller.is_alive()


def test_paused_sync_waits_for_sync_now(
    qtbot: QtBot,
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceEmulator,
    controllers: list[SyncController],
) -> None:
    bigcommerce.add_sample_orders(3)
    started: list[bool] = []
    healths: list[Health] = []
    schedules: list[Schedule] = []
    controller = SyncController(make_profile(orderdesk, bigcommerce), paused=True)
    controllers.append(controller)
    controller.cycle_started.connect(lambda: started.append(True))
    controller.health_changed.connect(healths.append)
    controller.schedule_changed.connect(schedules.append)
    with qtbot.waitSignals([controller.health_changed, controller.schedule_changed]):
        controller.start()
    assert healths == [Health.PAUSED]
    assert schedules == [Schedule(None, None)]
    assert started == []
    with qtbot.waitSignal(controller.cycle_finished, timeout=20_000) as finished:
        controller.sync_now()
    assert finished.args[0].push.sent == 3
    assert started == [True]
    assert controller.health is Health.PAUSED  # Sync now does not unpause


def test_resuming_syncs_at_once(
    qtbot: QtBot,
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceEmulator,
    controllers: list[SyncController],
) -> None:
    bigcommerce.add_sample_orders(2)
    controller = start(controllers, make_profile(orderdesk, bigcommerce), paused=True)
    qtbot.waitUntil(lambda: controller.health is Health.PAUSED, timeout=10_000)
    healths: list[Health] = []
    controller.health_changed.connect(healths.append)
    with qtbot.waitSignal(controller.cycle_finished, timeout=20_000):
        controller.set_paused(False)
    # No longer "paused" as soon as it resumes, not only once the cycle is over.
    assert healths == [Health.OK]
    assert len(orderdesk.orders()) == 2


def test_shutdown_during_a_sync_stops_between_orders_and_ends_the_thread(
    qtbot: QtBot,
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceEmulator,
    controllers: list[SyncController],
) -> None:
    bigcommerce.add_sample_orders(60)
    controller = SyncController(make_profile(orderdesk, bigcommerce))
    controllers.append(controller)
    with qtbot.waitSignal(
        controller.event,
        timeout=20_000,
        check_params_cb=lambda event: event.message == "Sent to Order Desk.",
    ):
        controller.start()
    assert controller.shutdown(timeout_ms=20_000)
    assert not controller.is_alive()
    with Journal(journal_path()) as journal:
        assert journal.orders_in_state("sending") == []
        sent = journal.counts().sent
    assert 1 <= sent < 60
    assert len(orderdesk.orders()) == sent


def test_a_profile_that_cannot_start_says_why(
    qtbot: QtBot,
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceEmulator,
    controllers: list[SyncController],
) -> None:
    controller = SyncController(make_profile(orderdesk, bigcommerce, store_platform="magento"))
    controllers.append(controller)
    with qtbot.waitSignal(controller.cycle_finished, timeout=10_000) as finished:
        controller.start()
    result: CycleResult = finished.args[0]
    assert result.health is Health.SETUP
    assert result.message.startswith("Syncing could not start: 'magento' is not a store platform")
    qtbot.waitUntil(lambda: controller.health is Health.SETUP, timeout=5000)


def test_retry_sends_a_failed_order_again(
    qtbot: QtBot,
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceEmulator,
    controllers: list[SyncController],
) -> None:
    first, second = bigcommerce.add_sample_orders(2)
    with Journal(journal_path()) as journal:
        # As if Order Desk had refused it earlier; the merchant has fixed the cause since.
        data = bigcommerce.order(first)
        created = parsedate_to_datetime(data["date_created"])
        modified = parsedate_to_datetime(data["date_modified"])
        journal.record_order_seen(str(first), str(first), created, modified)
        journal.mark_failed(str(first), "Order Desk refused the order: the SKU is missing.")
    controller = start(controllers, make_profile(orderdesk, bigcommerce))
    qtbot.waitUntil(lambda: controller.last_result is not None, timeout=20_000)
    assert [o["source_id"] for o in orderdesk.orders()] == [str(second)]
    retried: list[int] = []
    controller.retried.connect(retried.append)
    with qtbot.waitSignals([controller.retried, controller.cycle_finished], timeout=20_000):
        controller.retry(str(first))
    assert retried == [1]
    assert sorted(o["source_id"] for o in orderdesk.orders()) == sorted([str(first), str(second)])


class _Chatty(QObject):
    said = Signal(object)


def test_emitting_a_signal_does_not_leak_a_reference_to_true() -> None:
    # PySide6 6.12.0 on Python 3.11 drops a reference to True on every emit, and CPython
    # aborts after a few hundred ("bool_dealloc"); pyproject.toml excludes that series. A long
    # sync emits once per order and step, so this guards the pin.
    chatty = _Chatty()
    before = sys.getrefcount(True)
    for i in range(500):
        chatty.said.emit(i)
    assert sys.getrefcount(True) >= before - 5
