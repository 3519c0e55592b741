"""``desktop-sync status``, ``retry`` and ``backfill``: what the journal says and what it is
told to do again, for every store of the profile (``--store`` narrows to one); no connection
needed."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any

from desktop_sync import cli_orders, cli_stores
from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.facade_types import BadStartDate, Failure
from desktop_sync.cli_common import EXIT_CONFIG, EXIT_FAILURES, EXIT_OK
from desktop_sync.cli_common import open_facade as _open
from desktop_sync.cli_common import say as _say
from desktop_sync.cli_sync import say_failures

__all__ = ["HANDLERS"]


def _status(args: argparse.Namespace) -> int:
    app = _open("status", "show the status", lock=False)  # reading never waits on a sync
    if app is None:
        return EXIT_CONFIG
    with app:
        status = app.status(store=args.store)
        needs_you, needs_you_rows = cli_orders.needs_you_report(app)  # the window's count
    counts = status.counts
    report: dict[str, Any] = {
        "orders_sent": counts.sent,
        "orders_waiting": counts.pending,
        "orders_failed": counts.failed,
        "orders_skipped": counts.skipped,
        "fulfillments_created": counts.fulfillments,
        "shipments_waiting": counts.shipments_pending,
        "shipments_failed": counts.shipments_failed,
        "orders_checked_until": _iso(status.orders_checked_until),
        "shipments_checked_until": _iso(status.shipments_checked_until),
        "failed_orders": [
            {"order_number": r.order_number, "reason": r.last_error} for r in status.failed_orders
        ],
        "failed_shipments": [
            {"order_number": r.order_number, "tracking": r.tracking_number, "reason": r.last_error}
            for r in status.failed_shipments
        ],
        "last_event": status.last_event,
        "needs_attention": [
            {"order_number": f.order_number, "reason": f.reason} for f in status.attention
        ],
        "clock_message": status.clock_message,
        "held": list(status.held),
        "paused": status.paused,
        "stores": cli_stores.status_breakdown(status.stores),
        "needs_you": needs_you,
        "needs_you_rows": needs_you_rows,
    }
    if args.json:
        _say(json.dumps(report, ensure_ascii=False))
        return EXIT_OK
    _say(
        f"Orders sent to Order Desk: {counts.sent}   waiting: {counts.pending}   "
        f"failed: {counts.failed}   skipped: {counts.skipped}"
    )
    _say(
        f"Store fulfillments created: {counts.fulfillments}   waiting: "
        f"{counts.shipments_pending}   failed: {counts.shipments_failed}"
    )
    for line in cli_stores.status_lines(status.stores):
        _say(line)
    say_failures(
        DesktopSync.said_once(
            Failure(r.order_number, r.last_error or "") for r in status.failed_orders
        ),
        " failed",
    )
    for item in report["failed_shipments"]:
        _say(
            f"  shipment {item['tracking']} of order {item['order_number']} failed: "
            f"{item['reason']}"
        )
    if status.attention:
        _say("Needs you, to look at:")
        say_failures(DesktopSync.said_once(status.attention))
    if status.paused:
        _say(
            "Syncing is paused for every store: resume with 'desktop-sync store resume' or "
            "Resume in the window."
        )
    for line in status.held:
        _say(line)
    if status.clock_message:
        _say(status.clock_message)
    # The failed orders and shipments are said above; the rest of Needs you (held orders,
    # orders placed before setup) here, under the count the window and the tray show.
    held = "".join(f"\n  {r['title']}" for r in needs_you_rows if r["action"] != "Retry")
    _say(f"Needs you: {needs_you}{held}")
    return EXIT_OK


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _retry(args: argparse.Namespace) -> int:
    number = None if args.failed else (args.order_number or "").strip()
    if number == "":
        _say(
            "Cannot retry: give the store's order number, or --failed for every failed order.",
            sys.stderr,
        )
        return EXIT_CONFIG
    app = _open("retry", "retry")
    if app is None:
        return EXIT_CONFIG
    with app:
        count = app.retry(number, store=args.store)
    if not count:
        _say(
            f"Nothing to retry{f' for order {number}' if number else ''}: no failed order matches.",
            sys.stderr,
        )
        return EXIT_FAILURES
    _say(
        f"{count} item{'s' if count != 1 else ''} will be sent at the next sync "
        "(run 'desktop-sync sync --once' to send now)."
    )
    return EXIT_OK


def _backfill(args: argparse.Namespace) -> int:
    try:
        since = DesktopSync.parse_start(args.since)
    except BadStartDate as exc:
        _say(f"Cannot backfill: {exc}", sys.stderr)
        return EXIT_CONFIG
    app = _open("backfill", "backfill")
    if app is None:
        return EXIT_CONFIG
    with app:
        notice = app.backfill_notice(since, store=args.store)  # said before it starts
        if notice:
            _say(notice)
        done = app.backfill(since, store=args.store)
    if not done.moved:
        _say(
            f"Store orders are already checked from {done.starts_at:%Y-%m-%d %H:%M} UTC, "
            f"before {since:%Y-%m-%d %H:%M}; nothing changed."
        )
        return EXIT_OK
    _say(
        f"The next sync also sends store orders changed since {since:%Y-%m-%d %H:%M} UTC; "
        "orders already in Order Desk are recognised and not sent twice."
    )
    return EXIT_OK


HANDLERS = {"status": _status, "retry": _retry, "backfill": _backfill}
