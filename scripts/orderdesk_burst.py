"""Issue 2's burst check, as figures: 25 requests back-to-back at the Order Desk emulator (real
time scale) get at most 20 answers before a 429 with X-Retry-After, and the same 25 through
OrderDeskClient all succeed with no 429 seen by the server. The same checks are tests in
tests/sandbox/test_orderdesk_rate_limit.py and tests/connectors/test_orderdesk_client_emulator.py.

    .venv/bin/python scripts/orderdesk_burst.py
"""

from __future__ import annotations

import json
import time

import httpx

from desktop_sync.connectors.orderdesk.client import OrderDeskClient
from desktop_sync.connectors.orderdesk.ratelimit import TokenBucket
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator

BURST = 25


def main() -> int:
    with OrderDeskEmulator() as od, httpx.Client() as raw:
        answers = [raw.get(od.api_url + "/test", headers=od.auth_headers()) for _ in range(BURST)]
    ok = sum(r.status_code == 200 for r in answers)
    retry_after = next((r.headers["X-Retry-After"] for r in answers if r.status_code == 429), "")
    with OrderDeskEmulator() as od:
        started = time.perf_counter()
        with OrderDeskClient(
            od.store_id, od.api_key, base_url=od.api_url, limiter=TokenBucket()
        ) as client:
            for _ in range(BURST):
                client.test()
        seconds = time.perf_counter() - started
        server_429s = od.stats()["rate_limited"]
    print(
        f"raw burst:    {ok} of {BURST} answered, {BURST - ok} x 429, X-Retry-After {retry_after}"
    )
    print(f"via client: {BURST} of {BURST} answered in {seconds:.2f} s, {server_429s} x 429")
    print(
        json.dumps(
            {
                "raw_ok": ok,
                "raw_429": BURST - ok,
                "retry_after": retry_after,
                "client_ok": BURST,
                "client_seconds": round(seconds, 2),
                "client_429_at_server": server_429s,
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
