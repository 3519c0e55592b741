"""Exactly once into Order Desk, whatever goes wrong between the POST and its answer."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from desktop_sync import cli
from desktop_sync.engine.events import Health
from desktop_sync.state.journal import Journal
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import SampleCustomer, generate_orders
from desktop_sync_sandbox.server import Fault
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.harness import Clock, make_engine, minute_ago, orderdesk_emulator, source_counts

PLATFORM = "bigcommerce"


def wait_until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    """Wait for a condition another process brings about, failing after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def assert_each_order_once(orderdesk: OrderDeskEmulator, count: int) -> None:
    counts = source_counts(orderdesk, PLATFORM)
    assert len(counts) == count, "an order is missing from Order Desk"
    assert set(counts.values()) == {1}, f"duplicates: {[k for k, v in counts.items() if v > 1]}"


def test_connection_dropped_after_the_order_was_stored_is_adopted_not_sent_again(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    start = minute_ago()
    store.add_orders(generate_orders(6, seed=1))
    orderdesk.faults.inject(Fault.DROP_AFTER, 1, method="POST", path="/orders$")
    clock = Clock()
    engine = make_engine(
        orderdesk, store.connector(), tmp_path / "j.sqlite3", start_at=start, clock=clock
    )
    try:
        first = engine.run_cycle()
        assert first.push is not None
        assert (first.push.sent, first.push.waiting) == (5, 1)
        assert engine.journal.counts().pending == 1  # still "sending": outcome unknown
        clock.skip()
        second = engine.run_cycle()
        assert second.push is not None and second.push.adopted == 1
        assert second.push.sent == 0
    finally:
        engine.close()
    assert_each_order_once(orderdesk, 6)


def test_timeout_on_create_is_resolved_by_a_lookup_before_any_resend(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    start = minute_ago()
    store.add_orders(generate_orders(4, seed=2))
    orderdesk.faults.delay = 2.0
    orderdesk.faults.inject(Fault.TIMEOUT_AFTER_STORE, 1, method="POST", path="/orders$")
    clock = Clock()
    engine = make_engine(
        orderdesk,
        store.connector(),
        tmp_path / "j.sqlite3",
        start_at=start,
        timeout=0.5,
        clock=clock,
    )
    try:
        first = engine.run_cycle()
        assert first.push is not None and first.push.waiting == 1
        clock.skip()
        second = engine.run_cycle()
        assert second.push is not None and second.push.adopted == 1
        assert engine.journal.counts().sent == 4
    finally:
        engine.close()
    assert_each_order_once(orderdesk, 4)


def test_process_killed_while_sending_resumes_without_a_duplicate(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    start = minute_ago()
    store.add_orders(generate_orders(5, seed=3))
    # The third create is stored, then never answered: the child hangs "sending" there.
    orderdesk.faults.delay = 60.0
    orderdesk.faults.inject(Fault.TIMEOUT_AFTER_STORE, 1, method="POST", path="/orders$")
    journal_file = tmp_path / "j.sqlite3"
    env = {
        **os.environ,
        **store.env(),
        "ORDERDESK_API_URL": orderdesk.api_url,
        "ORDERDESK_STORE_ID": orderdesk.store_id,
        "ORDERDESK_API_KEY": orderdesk.api_key,
    }
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.engine.crash_child", str(journal_file), start.isoformat()],
        env=env,
        cwd=Path(__file__).parents[2],
    )
    try:

        def stuck_while_sending() -> bool:
            if not journal_file.exists() or not orderdesk.orders():
                return False
            with Journal(journal_file) as journal:
                return bool(journal.orders_in_state("sending"))

        wait_until(stuck_while_sending)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL
    assert len(orderdesk.orders()) == 1  # stored, but the child never heard back

    engine = make_engine(orderdesk, store.connector(), journal_file, start_at=start)
    try:
        result = engine.run_cycle()
        assert result.push is not None
        assert (result.push.adopted, result.push.sent) == (1, 4)
    finally:
        engine.close()
    assert_each_order_once(orderdesk, 5)


def test_deleted_journal_rebuilds_from_order_desk_without_duplicates(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    start = minute_ago()
    store.add_orders(generate_orders(12, seed=4))
    journal_file = tmp_path / "j.sqlite3"
    engine = make_engine(orderdesk, store.connector(), journal_file, start_at=start)
    engine.run_cycle()
    engine.close()
    for path in tmp_path.glob("j.sqlite3*"):
        path.unlink()

    engine = make_engine(orderdesk, store.connector(), journal_file, start_at=start)
    try:
        result = engine.run_cycle()
        assert result.push is not None
        assert (result.push.sent, result.push.adopted) == (0, 12)
        assert engine.journal.counts().sent == 12
    finally:
        engine.close()
    assert_each_order_once(orderdesk, 12)


def test_second_pc_with_its_own_journal_sends_nothing_twice(
    store: BigCommerceKit, tmp_path: Path
) -> None:
    # Duplicate refusal off: the second PC must rely on its own batch look-up.
    orderdesk = orderdesk_emulator(reject_duplicates=False)
    orderdesk.start()
    try:
        start = minute_ago()
        store.add_orders(generate_orders(10, seed=5))
        first_pc = make_engine(orderdesk, store.connector(), tmp_path / "a.sqlite3", start_at=start)
        second_pc = make_engine(
            orderdesk, store.connector(), tmp_path / "b.sqlite3", start_at=start
        )
        try:
            assert first_pc.run_cycle().push.sent == 10  # type: ignore[union-attr]
            store.add_orders(generate_orders(3, seed=6))
            result = second_pc.run_cycle()
            assert result.push is not None
            assert (result.push.sent, result.push.adopted) == (3, 10)
            again = first_pc.run_cycle()
            assert again.push is not None and (again.push.sent, again.push.adopted) == (0, 3)
        finally:
            first_pc.close()
            second_pc.close()
        assert_each_order_once(orderdesk, 13)
    finally:
        orderdesk.stop()


def test_two_engines_syncing_at_the_same_moment_create_each_order_once(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    start = minute_ago()
    store.add_orders(generate_orders(15, seed=7))
    engines = [
        make_engine(orderdesk, store.connector(), tmp_path / f"{name}.sqlite3", start_at=start)
        for name in ("a", "b")
    ]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        # Each engine is built on the main thread but only used by this one thread.
        try:
            barrier.wait(timeout=10)
            engines[index].run_cycle()
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for engine in engines:
        engine.close()
    assert not errors
    assert_each_order_once(orderdesk, 15)


def _run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.main(args)
    return code, capsys.readouterr().out


def test_an_order_order_desk_cannot_take_fails_alone_and_is_sent_once_after_retry(
    store: BigCommerceKit,
    orderdesk: OrderDeskEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    nameless = SampleCustomer(
        "",
        "",
        "",
        "anon@example.com",
        "",
        "1 Nowhere Rd",
        "",
        "Springfield",
        "IL",
        "62701",
        "US",
        "United States",
    )
    samples = generate_orders(5, seed=8)
    samples[2] = samples[2].__class__(**{**samples[2].__dict__, "customer": nameless})
    ids = store.add_orders(samples)
    bad_number = ids[2]  # BigCommerce's order number is its id
    env = {
        **store.env(),
        "ORDERDESK_API_URL": orderdesk.api_url,
        "ORDERDESK_STORE_ID": orderdesk.store_id,
        "ORDERDESK_API_KEY": orderdesk.api_key,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, _ = _run_cli(["backfill", "--since", minute_ago().isoformat()], capsys)
    assert code == 0

    code, out = _run_cli(["sync", "--once", "--json"], capsys)
    summary = json.loads(out)
    assert code == cli.EXIT_FAILURES
    assert (summary["pushed"], summary["failed"]) == (4, 1)
    (failure,) = summary["failures"]
    assert failure["order_number"] == bad_number
    assert "no customer name or company" in failure["reason"]

    code, out = _run_cli(["status", "--json"], capsys)
    status: dict[str, Any] = json.loads(out)
    assert status["orders_failed"] == 1
    assert status["failed_orders"][0]["reason"] == failure["reason"]
    with Journal(Path(os.environ["DESKTOP_SYNC_HOME"]) / "data" / "journal.sqlite3") as journal:
        reasons = [e.message for e in journal.events_page(0, 100, levels=("error",))]
    assert failure["reason"] in reasons

    # The merchant adds the name in BigCommerce, then presses Retry.
    with store.emulator.lock:
        record = store.emulator._orders[int(bad_number)]
        record.data["billing_address"].update(first_name="Pat", last_name="Doe")
        record.address.update(first_name="Pat", last_name="Doe")
    code, out = _run_cli(["retry", bad_number], capsys)
    assert code == 0
    code, out = _run_cli(["sync", "--once", "--json"], capsys)
    assert code == 0 and json.loads(out)["pushed"] == 1
    code, out = _run_cli(["sync", "--once", "--json"], capsys)
    assert json.loads(out)["pushed"] == 0
    assert_each_order_once(orderdesk, 5)
    assert orderdesk.orders_with_source(bad_number)[0]["shipping"]["first_name"] == "Pat"


def test_auth_failure_stops_the_cycle_with_a_reconnect_state(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    store.add_orders(generate_orders(2, seed=9))
    engine = make_engine(
        orderdesk, store.connector(), tmp_path / "j.sqlite3", start_at=minute_ago()
    )
    orderdesk.set_credentials(orderdesk.store_id, "rotated-key")
    try:
        result = engine.run_cycle()
    finally:
        engine.close()
    assert result.health is Health.ORDERDESK_AUTH
    assert "reconnect" in result.message
    assert result.pull is None  # nothing more is tried until the merchant reconnects
