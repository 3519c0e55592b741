"""``desktop-sync run`` as a merchant leaves it running through a bad week (issue 21, item 0):
answers lost after Order Desk stored the order, 5xx, 429 bursts, replies slower than the
timeouts, and the process killed (SIGKILL) and started again, while the warehouse ships
whatever reached Order Desk. Seeded and bounded; at the end nothing is lost, nothing is
doubled and no tracking number is on another order.

The sync runs in real time here, so a send whose answer was lost waits a minute or more for
its retry while the pull keeps running: the case where a shipment came before the send was
settled and used to be given up on.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop_sync import cli
from desktop_sync.app.paths import journal_path
from desktop_sync_sandbox.server import Fault
from tests.harness import minute_ago
from tests.reliability.rig import ROOT, Rig

# The client's own timeouts (Order Desk 20 s, the store 30 s) are what the slow replies beat.
SLOW_REPLY = 32.0
RATES = {
    Fault.DROP_AFTER: 0.02,  # done, then the connection drops: the answer is lost
    Fault.SERVER_ERROR: 0.05,
    Fault.BAD_GATEWAY_HTML: 0.02,
}


def _start_run(rig: Rig, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "desktop_sync", "run", "--interval", "0.2"],
        env=rig.child_env(),
        cwd=ROOT,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def run_soak(
    tmp_path: Path, *, platform: str, seed: int, orders: int, kills: int, seconds: float
) -> None:
    rng = random.Random(seed)
    log = tmp_path / "run.log"
    with Rig(platform) as rig:
        start = minute_ago()
        assert cli.main(["backfill", "--since", start.isoformat()]) == cli.EXIT_OK
        rig.place_orders(orders // 2, seed=seed)
        for offset, emulator in enumerate((rig.orderdesk, rig.store.emulator)):
            emulator.faults.delay = SLOW_REPLY
            emulator.faults.set_rates(RATES, seed=seed + offset)
        deadline = time.monotonic() + seconds
        killed = 0
        for trial in range(kills + 1):
            child = _start_run(rig, log)
            try:
                # Each run lasts a share of the soak; each but the last ends with a kill -9.
                until = time.monotonic() + seconds / (kills + 1)
                while time.monotonic() < until and child.poll() is None:
                    time.sleep(rng.uniform(0.5, 2.0))  # the merchant's pace, not a wait on sync
                    rig.ship_some(rng.randint(1, 3), rng=rng)
                    if rng.random() < 0.3:
                        rig.place_orders(rng.randint(1, 3), seed=seed * 100 + trial)
                    roll = rng.random()
                    if roll < 0.25:  # a create stored, then the connection drops
                        rig.orderdesk.faults.inject(
                            Fault.DROP_AFTER, 1, method="POST", path="/orders$"
                        )
                    elif roll < 0.35:  # another app emptied the quota
                        rig.orderdesk.faults.inject(Fault.RATE_LIMIT, rng.randint(3, 8))
                        rig.store.emulator.faults.inject(Fault.RATE_LIMIT, rng.randint(3, 8))
                    elif roll < 0.38:  # a create stored, answered after the client gave up
                        rig.orderdesk.faults.inject(
                            Fault.TIMEOUT_AFTER_STORE, 1, method="POST", path="/orders$"
                        )
                    elif roll < 0.40:  # a slow read
                        rig.store.emulator.faults.inject(Fault.DELAY, 1, method="GET")
                assert child.poll() is None, log.read_text()[-2000:]
                child.send_signal(signal.SIGKILL if trial < kills else signal.SIGTERM)
            finally:
                child.wait(timeout=60)
            killed += child.returncode == -signal.SIGKILL
        assert time.monotonic() <= deadline + 120

        # The week is over: no more faults, and one engine finishes what is left.
        for emulator in (rig.orderdesk, rig.store.emulator):
            emulator.faults.clear()
        engine = rig.engine(journal_path(), start_at=start)
        try:
            cycles = rig.settle(engine)
            last = engine.run_cycle()
        finally:
            engine.close()
        injected = sum(rig.orderdesk.faults.injected.values()) + sum(
            rig.store.emulator.faults.injected.values()
        )
        tally = rig.tally()
        print(
            f"\nrun soak: {platform} seed={seed} kills={killed} faults={injected} "
            f"settle_cycles={cycles} requests={rig.requests_seen()} {tally.line()} "
            f"misdirected={len(tally.misdirected_fulfillments)}"
        )
        assert killed == kills
        assert last.push is not None and last.pull is not None
        assert (last.push.sent, last.pull.fulfillments_created) == (0, 0)
        assert tally.shipments > 0 and injected > 0
        assert not tally.lost_orders, tally.lost_orders
        assert not tally.duplicate_orders, tally.duplicate_orders
        assert not tally.lost_fulfillments, tally.lost_fulfillments
        assert not tally.duplicate_fulfillments, tally.duplicate_fulfillments
        assert not tally.misdirected_fulfillments, tally.misdirected_fulfillments


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.parametrize(
    ("platform", "seed"), [("bigcommerce", 2101), ("shopify", 2102), ("woocommerce", 2103)]
)
def test_run_through_faults_and_five_kills_loses_doubles_and_misdirects_nothing(
    tmp_path: Path, platform: str, seed: int
) -> None:
    run_soak(tmp_path, platform=platform, seed=seed, orders=40, kills=5, seconds=120)
