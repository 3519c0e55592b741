"""With the disk full (issue 21, item 12), a sync says so in one sentence on stderr instead of
"--- Logging error ---" and chained tracebacks for every line the log could not take. The log
file is /dev/full here: every write to it fails with "No space left on device"."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from desktop_sync import cli
from desktop_sync.app.logs import LOG_FILE
from desktop_sync.app.paths import log_dir
from desktop_sync_sandbox.server import Fault
from tests.harness import minute_ago
from tests.reliability.rig import ROOT, Rig

FULL = Path("/dev/full")


@pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full (Linux)")
def test_a_log_on_a_full_disk_is_one_sentence_on_stderr_not_tracebacks() -> None:
    with Rig() as rig:
        rig.place_orders(3, seed=2121)
        assert cli.main(["backfill", "--since", minute_ago().isoformat()]) == cli.EXIT_OK
        log = log_dir() / LOG_FILE
        log.unlink(missing_ok=True)
        log.symlink_to(FULL)
        # Dropped connections are retried, and each retry writes a line to the log.
        rig.store.emulator.faults.inject(Fault.DROP_BEFORE, 2, method="GET")
        rig.orderdesk.faults.inject(Fault.DROP_BEFORE, 2, method="GET")
        done = subprocess.run(
            [sys.executable, "-m", "desktop_sync", "sync", "--once"],
            env=rig.child_env(),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        tally = rig.tally()
    assert "Logging error" not in done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if "log" in line.lower()]
    assert len(lines) == 1, done.stderr
    assert "No space left on device" in lines[0] and "free some disk space" in lines[0].lower()
    assert done.returncode == cli.EXIT_OK, done.stderr  # the sync itself went through
    assert not tally.lost_orders and not tally.duplicate_orders
