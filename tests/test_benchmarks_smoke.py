"""Each benchmark runs in its smoke mode and ends with its one JSON line (figures not judged)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

EXPECTED = {
    "backlog_push": {"efficiency", "requests_per_order", "rate_limited"},
    "shipment_pull": {
        "orderdesk_requests_first_cycle",
        "orderdesk_requests_next_cycle",
        "store_requests_per_fulfillment",
        "fulfillments_per_second",
        "window_orderdesk_requests_per_pull",
        "window_minutes_to_find_old_shipment",
    },
    "idle_cost": {
        "orderdesk_requests_per_hour",
        "store_requests_per_hour",
        "engine_cpu_seconds_per_hour",
    },
    "mapping_journal": {"mapping_multiple", "journal_multiple"},
    "stores_fair": {"efficiency", "rate_limited", "quiet_worst_seconds", "requests_per_order"},
    "orders_view": {"open_ms", "worst_filter_ms", "search_name_ms", "needs_me_ms"},
    "month_chart": {"month_worker_ms", "month_gui_thread_ms", "month_stall_ms"},
    "gui_stall": {"longest_late_ms", "control_longest_late_ms", "excess_longest_ms"},
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_benchmark_smoke_run_ends_with_its_json_line(name: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", f"benchmarks.{name}", "--smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    report = json.loads(lines[-1])
    assert report["benchmark"] == name
    assert report["smoke"] is True
    assert EXPECTED[name] <= set(report["figures"])
    assert any(line.startswith("figure") for line in lines[:-1]), "the table comes first"


def test_gui_benchmark_smoke_run_ends_with_its_json_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.gui_log_open", "--events", "500", "--orders", "10"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["orders_sent"] == 10
    assert {"launch_to_paint_ms", "first_paint_ms", "longest_stall_ms", "peak_rss_mb"} <= set(
        report
    )
