"""What the benchmarks share: the command line, emulators and engines at the real rate-limit
numbers (time-scaled), the perfect client's ceiling, request timing, and the report (a table,
then one JSON line as the last line of stdout)."""

from __future__ import annotations

import argparse
import json
import math
import platform
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from desktop_sync.app.platforms import send_rule_for
from desktop_sync.connectors.orderdesk.client import OrderDeskClient
from desktop_sync.connectors.orderdesk.ratelimit import TokenBucket
from desktop_sync.connectors.stores.bigcommerce import BigCommerceConnector
from desktop_sync.connectors.stores.http import HttpSettings
from desktop_sync.engine.context import utc_now
from desktop_sync.engine.sync import SyncEngine
from desktop_sync.state.journal import Journal
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.server import Emulator

__all__ = [
    "BIGCOMMERCE_QUOTA",
    "BIGCOMMERCE_WINDOW",
    "ORDERDESK_BUCKET",
    "ORDERDESK_REFILL",
    "UNLIMITED_QUOTA",
    "Figure",
    "Options",
    "Report",
    "RequestTimer",
    "ShiftedClock",
    "bigcommerce_connector",
    "bigcommerce_emulator",
    "bucket_ceiling_seconds",
    "count_matching",
    "make_engine",
    "orderdesk_client",
    "orderdesk_emulator",
    "parse_options",
    "requests_since",
]

# Order Desk's documented limit (reference §1): a bucket of 20, refilled at 3 per second.
ORDERDESK_BUCKET = 20
ORDERDESK_REFILL = 3.0
# BigCommerce's documented quota for a standard plan: 150 requests per 30 s window.
BIGCOMMERCE_QUOTA = 150
BIGCOMMERCE_WINDOW = 30.0
# Where the store must not be the limit (the Order Desk side is what is measured).
UNLIMITED_QUOTA = 1_000_000_000

ORDERDESK_KEY = "bench-orderdesk-key-7c1e"
BIGCOMMERCE_TOKEN = "bench-bigcommerce-token-3a9d"


@dataclass(frozen=True)
class Options:
    smoke: bool
    scale: float
    """How much faster than real time the emulators' rate limits (and the client's bucket) run."""


def parse_options(
    description: str, argv: Sequence[str] | None, *, full_scale: float, smoke_scale: float
) -> Options:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, for CI")
    parser.add_argument(
        "--scale",
        type=float,
        default=None,
        help=f"how much faster the rate limits run (default {full_scale:g}; "
        f"{smoke_scale:g} with --smoke)",
    )
    args = parser.parse_args(argv)
    scale = args.scale if args.scale is not None else (smoke_scale if args.smoke else full_scale)
    if scale <= 0:
        parser.error("--scale must be positive")
    return Options(smoke=args.smoke, scale=scale)


def bucket_ceiling_seconds(
    requests: int, capacity: int = ORDERDESK_BUCKET, per_second: float = ORDERDESK_REFILL
) -> float:
    """Seconds a perfect client needs for ``requests`` through a full bucket: the first
    ``capacity`` go at once, every later one waits for its token."""
    return max(0, requests - capacity) / per_second


# -- the emulators, the clients and the engine --------------------------------------------


class ShiftedClock:
    """Wall-clock UTC moved by ``offset``: lets a benchmark place orders in the past."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


def orderdesk_emulator(scale: float, **options: Any) -> OrderDeskEmulator:
    """Order Desk at its real bucket (20, 3/s), on a clock ``scale`` times faster."""
    emulator = OrderDeskEmulator(
        store_id="100001",
        api_key=ORDERDESK_KEY,
        time_scale=scale,
        bucket_size=ORDERDESK_BUCKET,
        refill_per_second=ORDERDESK_REFILL,
        **options,
    )
    return emulator.start()


def orderdesk_client(
    emulator: OrderDeskEmulator,
    scale: float,
    *,
    transport: httpx.BaseTransport | None = None,
    unlimited: bool = False,
) -> OrderDeskClient:
    """The real client with its bucket refilled ``scale`` times faster, as the emulator's is.

    ``unlimited`` is for setting the scene (a backlog already pushed), never for a figure.
    """
    refill = 1e9 if unlimited else ORDERDESK_REFILL * scale
    return OrderDeskClient(
        emulator.store_id,
        emulator.api_key,
        base_url=emulator.api_url,
        limiter=TokenBucket(ORDERDESK_BUCKET, refill),
        transport=transport or httpx.HTTPTransport(),
    )


def bigcommerce_emulator(scale: float, quota: int, **options: Any) -> BigCommerceEmulator:
    emulator = BigCommerceEmulator(
        access_token=BIGCOMMERCE_TOKEN,
        time_scale=scale,
        quota=quota,
        window_seconds=BIGCOMMERCE_WINDOW,
        **options,
    )
    emulator.start()
    return emulator


def bigcommerce_connector(
    emulator: BigCommerceEmulator, *, transport: httpx.BaseTransport | None = None
) -> BigCommerceConnector:
    return BigCommerceConnector(
        emulator.api_url,
        emulator.access_token,
        http=HttpSettings(transport=transport or httpx.HTTPTransport()),
    )


def make_engine(
    orderdesk: OrderDeskClient,
    store: BigCommerceConnector,
    journal_path: Path,
    *,
    start_at: datetime,
    clock: Callable[[], datetime] = utc_now,
) -> SyncEngine:
    """An engine as the app wires it: folder by name, 10 minutes of overlap."""
    return SyncEngine(
        orderdesk=orderdesk,
        store=store,
        journal=Journal(journal_path),
        folder="New",
        send_rule=send_rule_for(store.platform),
        overlap=timedelta(minutes=10),
        start_at=start_at,
        on_close=orderdesk.close,
        clock=clock,
    )


def requests_since(emulator: Emulator, start: int) -> Counter[tuple[str, str]]:
    """(method, path pattern) -> count of the API requests answered after log entry ``start``;
    order ids in paths are replaced by ``{id}`` so requests of one kind count together."""
    with emulator.lock:
        entries = list(emulator.request_log[start:])
    return Counter((method, _pattern(path)) for method, path, _status in entries)


def _pattern(path: str) -> str:
    parts = path.split("/")
    return "/".join("{id}" if part.isdigit() else part for part in parts)


class RequestTimer(httpx.BaseTransport):
    """Wraps a transport and notes when the first request left and the last answer came."""

    def __init__(self, inner: httpx.BaseTransport | None = None) -> None:
        self._inner = inner or httpx.HTTPTransport()
        self._lock = threading.Lock()
        self.first_sent: float | None = None
        self.last_answered: float | None = None
        self.count = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        started = time.perf_counter()
        with self._lock:
            if self.first_sent is None:
                self.first_sent = started
        response = self._inner.handle_request(request)
        response.read()  # the answer has fully arrived when it is timed
        with self._lock:
            self.last_answered = time.perf_counter()
            self.count += 1
        return response

    @property
    def span(self) -> float:
        """Seconds from the first request sent to the last answer received."""
        if self.first_sent is None or self.last_answered is None:
            return 0.0
        return self.last_answered - self.first_sent

    def reset(self) -> None:
        with self._lock:
            self.first_sent = self.last_answered = None
            self.count = 0

    def close(self) -> None:
        self._inner.close()


# -- the report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    key: str
    """Its name in the JSON line."""
    label: str
    value: float | None
    unit: str = ""
    goal: str = ""
    met: bool | None = None
    """None when the figure has no goal (or cannot be judged at this size)."""


@dataclass
class Report:
    benchmark: str
    options: Options
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    scaled: bool = True
    """False for a benchmark that talks to no API (the time scale means nothing there)."""

    def add(
        self,
        key: str,
        label: str,
        value: float | None,
        unit: str = "",
        *,
        goal: str = "",
        met: bool | None = None,
    ) -> None:
        self.figures.append(Figure(key, label, value, unit, goal, met))

    def lines(self) -> list[str]:
        """The human table and notes, then the JSON line last."""
        head = f"{self.benchmark} ({'smoke' if self.options.smoke else 'full size'}"
        if self.scaled:
            head += f", rate limits at {self.options.scale:g}x real time"
        head += ")"
        rows = [("figure", "value", "goal", "met")]
        for f in self.figures:
            met = "" if f.met is None else ("yes" if f.met else "NO")
            rows.append((f.label, f"{_number(f.value)} {f.unit}".strip(), f.goal, met))
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        out = [head, ""]
        for index, row in enumerate(rows):
            out.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
            if index == 0:
                out.append("  ".join("-" * w for w in widths))
        if self.notes:
            out.append("")
            out.extend(f"- {note}" for note in self.notes)
        out.append("")
        out.append(json.dumps(self.as_json(), sort_keys=True, separators=(",", ":")))
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "benchmark": self.benchmark,
            "smoke": self.options.smoke,
            "scale": self.options.scale,
            "python": platform.python_version(),
            "figures": {f.key: _json_number(f.value) for f in self.figures},
            "goals_met": {f.key: f.met for f in self.figures if f.met is not None},
            **self.extra,
        }

    def print(self) -> None:
        print("\n".join(self.lines()), flush=True)


def _number(value: float | None) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.3f}"
    return f"{value:.4f}"


def _json_number(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), 6)


def count_matching(counts: Counter[tuple[str, str]], methods: Iterable[str], suffix: str) -> int:
    """How many requests of ``methods`` went to paths ending in ``suffix``."""
    wanted = set(methods)
    return sum(
        n for (method, path), n in counts.items() if method in wanted and path.endswith(suffix)
    )
