"""Child process for the crash and two-instance tests: runs sync cycles in a loop (push, then
pull) until it is killed, or for ``--cycles`` cycles, on its own journal.

    python -m tests.reliability.sync_child JOURNAL START_ISO [--cycles N]

Credentials and addresses come from the environment the CLI reads (ORDERDESK_*, STORE_*).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

from desktop_sync.app.platforms import send_rule_for
from desktop_sync.connectors.retry import Backoff
from desktop_sync.connectors.stores.bigcommerce import BigCommerceConnector
from desktop_sync.connectors.stores.http import HttpSettings
from desktop_sync.engine.sync import SyncEngine
from desktop_sync.state.journal import Journal
from tests.harness import orderdesk_client
from tests.reliability.rig import PLATFORM


class _Target:
    """The emulator as ``orderdesk_client`` expects it, from the environment."""

    def __init__(self, env: os._Environ[str]) -> None:
        self.store_id = env["ORDERDESK_STORE_ID"]
        self.api_key = env["ORDERDESK_API_KEY"]
        self.api_url = env["ORDERDESK_API_URL"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("journal")
    parser.add_argument("start")
    parser.add_argument("--cycles", type=int, default=0, help="0: until killed")
    parser.add_argument("--pause", type=float, default=0.02, help="seconds between cycles")
    args = parser.parse_args()
    env = os.environ
    assert env["STORE_PLATFORM"] == PLATFORM
    client = orderdesk_client(_Target(env))  # type: ignore[arg-type]
    engine = SyncEngine(
        orderdesk=client,
        store=BigCommerceConnector(
            env["STORE_URL"],
            env["STORE_KEY"],
            http=HttpSettings(backoff=Backoff(base=0.01, cap=0.05, floor=0.0, attempts=4)),
        ),
        journal=Journal(Path(args.journal)),
        folder="New",
        send_rule=send_rule_for("bigcommerce"),
        overlap=timedelta(minutes=10),
        start_at=datetime.fromisoformat(args.start),
        on_close=client.close,
    )
    idle = threading.Event()
    cycles = 0
    try:
        while args.cycles == 0 or cycles < args.cycles:
            result = engine.run_cycle()
            cycles += 1
            print(f"cycle {cycles} {result.health.value}", flush=True)
            idle.wait(args.pause)
    finally:
        engine.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
