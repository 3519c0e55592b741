"""Stopping while a server is slow or asks for a long pause: Ctrl-C, Quit and Pause answer within
2 s (issue 11, item 2), a 429 storm's wait is capped and said in words (issue 16, item 5), and
what was cut short lands exactly once afterwards."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_sync.connectors.http import MAX_HOLD
from desktop_sync.engine.events import Health
from desktop_sync.engine.sync import SyncEngine
from desktop_sync_sandbox.demo import DemoSandbox
from desktop_sync_sandbox.server import Fault
from tests.harness import minute_ago
from tests.reliability.rig import ROOT, Rig, wait_until

BOUND = 2.0
"""Seconds within which a stop must end the sync (issue 11)."""


def _stop_when(engine: SyncEngine, condition: Callable[[], bool]) -> list[float]:
    """Call ``engine.stop()`` from another thread (as the window does) once ``condition``
    holds; the returned list receives the moment it did."""
    stopped_at: list[float] = []

    def stopper() -> None:
        wait_until(condition)
        stopped_at.append(time.monotonic())
        engine.stop()

    threading.Thread(target=stopper, daemon=True).start()
    return stopped_at


@pytest.mark.parametrize("slow", ["orderdesk", "store"])
def test_ctrl_c_of_run_ends_within_2_s_with_exit_0_while_a_server_answers_slowly(
    tmp_path: Path, slow: str
) -> None:
    with DemoSandbox(new_order_every=None, initial_orders=3) as sandbox:
        faults = sandbox.orderdesk.faults if slow == "orderdesk" else sandbox.store.faults
        env = {**os.environ, **sandbox.env(), "DESKTOP_SYNC_HOME": str(tmp_path)}
        subprocess.run(
            [sys.executable, "-m", "desktop_sync", "backfill", "--since", "2000-01-01"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        # Every request to that side now takes a minute, longer than the client's read timeout.
        faults.delay = 60.0
        faults.set_rates({Fault.DELAY: 1.0})
        child = subprocess.Popen(
            [sys.executable, "-m", "desktop_sync", "run", "--interval", "1"],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            env=env,
            cwd=ROOT,
        )
        try:
            wait_until(lambda: faults.injected.get(Fault.DELAY, 0) >= 1)
            interrupted = time.monotonic()
            child.send_signal(signal.SIGINT)
            _, err = child.communicate(timeout=30)
            took = time.monotonic() - interrupted
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        assert child.returncode == 0, err
        assert took < BOUND, f"run took {took:.1f} s to stop after Ctrl-C"
        assert "Stopped." in err
        assert "Traceback" not in err
        # Nothing was lost or doubled: once both answer quickly again, one sync sends all three.
        faults.clear()
        subprocess.run(
            [sys.executable, "-m", "desktop_sync", "sync", "--once"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        assert sorted(o["source_id"] for o in sandbox.orderdesk.orders()) == ["100", "101", "102"]


def test_stop_during_a_slow_create_ends_the_cycle_at_once_and_the_order_lands_once(
    tmp_path: Path,
) -> None:
    with Rig() as rig:
        rig.place_orders(2, seed=71)
        engine = rig.engine(tmp_path / "j.sqlite3", start_at=minute_ago(), timeout=30.0)
        try:
            # Order Desk saves the order, then takes 20 s to answer.
            rig.orderdesk.faults.delay = 20.0
            rig.orderdesk.faults.inject(Fault.TIMEOUT_AFTER_STORE, method="POST", path=r"/orders$")
            stopped_at = _stop_when(engine, lambda: len(rig.orderdesk.orders()) >= 1)
            result = engine.run_cycle()
            took = time.monotonic() - stopped_at[0]
            assert took < BOUND, f"the cycle took {took:.1f} s to end after stop()"
            assert result.health is Health.PAUSED
            assert "stopped" in result.message
            assert engine.journal.counts().sent == 0
            # Resumed: the order cut short is found in Order Desk, not sent a second time.
            engine.resume()
            rig.settle(engine)
        finally:
            engine.close()
        tally = rig.tally()
        assert not tally.duplicate_orders and not tally.lost_orders, tally


def test_a_429_storm_asking_for_hours_is_capped_said_in_words_and_sends_nothing_meanwhile(
    tmp_path: Path,
) -> None:
    with Rig() as rig:
        rig.place_orders(3, seed=72)
        engine = rig.engine(tmp_path / "j.sqlite3", start_at=minute_ago())
        try:
            rig.orderdesk.injected_retry_after = 7200.0
            rig.orderdesk.faults.set_rates({Fault.RATE_LIMIT: 1.0})
            began = time.monotonic()
            storm = engine.run_cycle()
            assert time.monotonic() - began < BOUND, "the cycle sat in the 429's wait"
            assert storm.health is Health.ORDERDESK_OFFLINE
            assert "asked Desktop Sync to wait 2 hours" in storm.message
            assert f"it waits {MAX_HOLD / 60:.0f} minutes, then tries again" in storm.message
            asked = rig.orderdesk.stats()["rate_limited"]
            assert asked == 1, "one 429 is enough to know"
            # Meanwhile a cycle (the scheduler's next one, or Sync now) answers at once with
            # the time left, and puts nothing on the wire.
            again = engine.run_cycle()
            assert again.health is Health.ORDERDESK_OFFLINE
            assert "asks again in" in again.message
            assert rig.orderdesk.stats()["rate_limited"] == asked
        finally:
            engine.close()


def test_stop_during_a_short_429_wait_ends_the_cycle_at_once(tmp_path: Path) -> None:
    with Rig() as rig:
        rig.place_orders(1, seed=73)
        engine = rig.engine(tmp_path / "j.sqlite3", start_at=minute_ago())
        try:
            # 25 s is short enough to sit out inside the request, long enough to matter.
            rig.orderdesk.injected_retry_after = 25.0
            rig.orderdesk.faults.inject(Fault.RATE_LIMIT, 3)
            stopped_at = _stop_when(engine, lambda: rig.orderdesk.stats()["rate_limited"] >= 1)
            result = engine.run_cycle()
            took = time.monotonic() - stopped_at[0]
            assert took < BOUND, f"the cycle took {took:.1f} s to end after stop()"
            assert result.health is Health.PAUSED
        finally:
            engine.close()
