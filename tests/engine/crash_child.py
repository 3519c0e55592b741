"""Child process for the crash test: pushes orders until the parent kills it."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

import httpx

from desktop_sync.app.platforms import send_rule_for
from desktop_sync.connectors.orderdesk.client import OrderDeskClient
from desktop_sync.connectors.stores.bigcommerce import BigCommerceConnector
from desktop_sync.engine.sync import SyncEngine
from desktop_sync.state.journal import Journal


def main() -> int:
    env = os.environ
    client = OrderDeskClient(
        env["ORDERDESK_STORE_ID"],
        env["ORDERDESK_API_KEY"],
        base_url=env["ORDERDESK_API_URL"],
        timeout=httpx.Timeout(120.0, connect=2.0),
    )
    engine = SyncEngine(
        orderdesk=client,
        store=BigCommerceConnector(env["STORE_URL"], env["STORE_KEY"]),
        journal=Journal(Path(sys.argv[1])),
        folder="New",
        send_rule=send_rule_for("bigcommerce"),
        start_at=datetime.fromisoformat(sys.argv[2]),
    )
    engine.push_orders()
    return 0


if __name__ == "__main__":
    sys.exit(main())
