"""The ``desktop-sync`` command: the GUI by default, and headless subcommands for servers,
scripts and support (``sync``, ``run``, ``status``, ``retry``, ``backfill``, ``sandbox``)."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TextIO
from urllib.parse import urlsplit

from desktop_sync import APP_DISPLAY_NAME, __version__

__all__ = ["EXIT_CONFIG", "EXIT_FAILURES", "EXIT_OK", "build_parser", "main"]

EXIT_OK = 0
EXIT_FAILURES = 1
"""Some orders or shipments failed (listed)."""
EXIT_CONFIG = 2
"""Configuration or authentication errors: nothing could be synced."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="desktop-sync",
        description=f"{APP_DISPLAY_NAME}: sends your store's orders to Order Desk and brings "
        "tracking back. With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the app on its built-in sandbox (no account needed)",
    )
    parser.add_argument("--minimized", action="store_true", help="start in the tray")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    commands.add_parser("gui", help="open the app (the default)")

    sync = commands.add_parser("sync", help="run one sync cycle: push orders, pull shipments")
    sync.add_argument("--once", action="store_true", help="one cycle, then exit (the default)")
    sync.add_argument("--json", action="store_true", help="print one JSON summary")

    run = commands.add_parser("run", help="sync on a schedule until interrupted (Ctrl-C)")
    run.add_argument(
        "--interval",
        type=float,
        default=None,
        help="seconds between cycles (default: the profile's push interval)",
    )
    run.add_argument("--cycles", type=int, default=None, help=argparse.SUPPRESS)

    status = commands.add_parser("status", help="what has been sent, what waits, what failed")
    status.add_argument("--json", action="store_true")

    retry = commands.add_parser("retry", help="send failed orders again")
    target = retry.add_mutually_exclusive_group(required=True)
    target.add_argument("order_number", nargs="?", help="the store's order number")
    target.add_argument("--failed", action="store_true", help="every failed order")

    backfill = commands.add_parser("backfill", help="also send store orders since a date")
    backfill.add_argument("--since", required=True, help="a date (YYYY-MM-DD) or ISO time, UTC")

    commands.add_parser("doctor", help="print what support needs to help (no secrets)")

    sandbox = commands.add_parser(
        "sandbox", help="start local Order Desk and store emulators (for trying things out)"
    )
    sandbox.add_argument(
        "action",
        nargs="?",
        choices=("serve", "ship", "add-order"),
        default="serve",
        help="serve (default); ship: add tracking to a sent order; "
        "add-order: place a store order (both talk to a running sandbox "
        "named by the environment it printed)",
    )
    sandbox.add_argument("--order", help="with ship: the order number to ship")
    sandbox.add_argument(
        "--platform",
        default="bigcommerce",
        choices=("bigcommerce", "shopify", "woocommerce"),
        help="which store platform the sandbox store speaks",
    )
    sandbox.add_argument("--orders", type=int, default=8, help="sample orders to start with")
    sandbox.add_argument(
        "--new-order-every",
        type=float,
        default=0,
        help="place a new store order every N seconds (0: never)",
    )
    sandbox.add_argument("--env-file", help="also write the environment as export lines here")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "gui"
    if command != "sandbox" and not args.demo:
        _start_logging_and_upgrade()
    if command == "gui":
        from desktop_sync.gui.app import run_gui

        return int(run_gui(demo=args.demo, minimized=args.minimized))
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "sync": _sync,
        "run": _run,
        "status": _status,
        "retry": _retry,
        "backfill": _backfill,
        "sandbox": _sandbox,
        "doctor": _doctor,
    }
    from desktop_sync.state.journal import JournalError

    try:
        return handlers[command](args)
    except JournalError as exc:  # a damaged or full journal: its sentence, not a traceback
        _say(str(exc), sys.stderr)
        return EXIT_CONFIG


def _start_logging_and_upgrade() -> None:
    """The rotating log file, then any migration an upgrade needs (backed up first)."""
    from desktop_sync.app.logs import setup_logging
    from desktop_sync.app.upgrade import migrate_on_start

    setup_logging()
    for line in migrate_on_start():
        _say(line, sys.stderr)


# -- headless sync -----------------------------------------------------------------------


def _say(line: str, stream: TextIO | None = None) -> None:
    print(line, file=stream or sys.stdout, flush=True)


def _load_profile() -> Any:
    """The profile from the environment and the saved settings, or None after saying why."""
    from desktop_sync.app.logs import register_secrets
    from desktop_sync.app.profile import ProfileIncomplete, load_profile
    from desktop_sync.app.secrets import KeyringUnavailable

    try:
        profile = load_profile(os.environ)
    except (ProfileIncomplete, KeyringUnavailable) as exc:
        _say(f"Cannot sync: {exc}", sys.stderr)
        return None
    register_secrets(profile)
    return profile


def _engine(profile: Any, *, verbose: bool, stop: threading.Event | None = None) -> Any:
    from desktop_sync.app.wiring import build_engine
    from desktop_sync.engine.events import SyncEvent

    def show(event: object) -> None:
        if verbose and isinstance(event, SyncEvent):
            who = f"order {event.order_number}: " if event.order_number else ""
            _say(
                f"{event.time:%H:%M:%S} {event.level.value:<7} {event.direction.value:<9} "
                f"{who}{event.message}",
                sys.stderr,
            )

    return build_engine(profile, sink=show, stop=stop)


def _summary(result: Any) -> dict[str, Any]:
    push, pull = result.push, result.pull
    return {
        "health": result.health.value,
        "message": result.message,
        "pushed": push.sent if push else 0,
        "adopted": push.adopted if push else 0,
        "skipped": (push.skipped if push else 0) + (pull.skipped if pull else 0),
        "waiting": (push.waiting if push else 0) + (pull.waiting if pull else 0),
        "failed": len(result.failures),
        "fulfillments_created": pull.fulfillments_created if pull else 0,
        "tracking_added": pull.tracking_added if pull else 0,
        "failures": [{"order_number": f.order_number, "reason": f.reason} for f in result.failures],
    }


def _exit_code(result: Any) -> int:
    if result.health.needs_reconnect:
        return EXIT_CONFIG
    return EXIT_FAILURES if result.failures else EXIT_OK


def _profile_lock() -> Any:
    """The profile's lock, held, or None after saying another sync runs."""
    from desktop_sync.app.lock import ProfileBusy, ProfileLock

    try:
        return ProfileLock().acquire()
    except ProfileBusy as exc:
        _say(f"Cannot sync: {exc}", sys.stderr)
        return None


def _sync(args: argparse.Namespace) -> int:
    profile = _load_profile()
    if profile is None:
        return EXIT_CONFIG
    lock = _profile_lock()
    if lock is None:
        return EXIT_CONFIG
    from desktop_sync.state.journal import JournalError

    try:
        try:
            engine = _engine(profile, verbose=not args.json)
        except (JournalError, ValueError) as exc:
            _say(f"Cannot sync: {exc}", sys.stderr)
            return EXIT_CONFIG
        try:
            result = engine.run_cycle()
        finally:
            engine.close()
    finally:
        lock.release()
    summary = _summary(result)
    if args.json:
        _say(json.dumps(summary, ensure_ascii=False))
    else:
        _say(
            f"Orders sent: {summary['pushed']}, already there: {summary['adopted']}, "
            f"failed: {summary['failed']}, waiting: {summary['waiting']}; "
            f"fulfillments created: {summary['fulfillments_created']}."
        )
        for failure in summary["failures"]:
            _say(f"  order {failure['order_number']}: {failure['reason']}")
        if result.message:
            _say(result.message)
    return _exit_code(result)


def _run(args: argparse.Namespace) -> int:
    profile = _load_profile()
    if profile is None:
        return EXIT_CONFIG
    lock = _profile_lock()
    if lock is None:
        return EXIT_CONFIG
    stop = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    interval = args.interval or profile.push_interval_seconds
    try:
        engine = _engine(profile, verbose=True, stop=stop)
    except BaseException:
        lock.release()
        raise
    cycles = 0
    code = EXIT_OK
    try:
        _say(f"Syncing every {interval:g} s. Press Ctrl-C to stop.", sys.stderr)
        while not stop.is_set():
            result = engine.run_cycle()
            cycles += 1
            code = _exit_code(result)
            if result.health.needs_reconnect:
                _say(result.message, sys.stderr)
                break
            if args.cycles is not None and cycles >= args.cycles:
                break
            stop.wait(interval)
    finally:
        engine.close()
        lock.release()
        signal.signal(signal.SIGINT, previous)
    _say("Stopped.", sys.stderr)
    return code if code == EXIT_CONFIG else EXIT_OK


def _open_journal() -> Any:
    from desktop_sync.app.paths import journal_path
    from desktop_sync.state.journal import Journal

    return Journal(journal_path())


def _status(args: argparse.Namespace) -> int:
    from desktop_sync.state.states import Cursor, OrderState, ShipmentState

    with _open_journal() as journal:
        counts = journal.counts()
        failed = journal.orders_in_state(OrderState.FAILED)
        failed_shipments = journal.shipments_in_state(ShipmentState.FAILED)
        last = journal.events_page(0, 1)
        push_mark = journal.get_cursor(Cursor.PUSH)
        pull_mark = journal.get_cursor(Cursor.PULL)
    report = {
        "orders_sent": counts.sent,
        "orders_waiting": counts.pending,
        "orders_failed": counts.failed,
        "orders_skipped": counts.skipped,
        "fulfillments_created": counts.fulfillments,
        "shipments_waiting": counts.shipments_pending,
        "shipments_failed": counts.shipments_failed,
        "orders_checked_until": push_mark.isoformat() if push_mark else None,
        "shipments_checked_until": pull_mark.isoformat() if pull_mark else None,
        "failed_orders": [{"order_number": r.order_number, "reason": r.last_error} for r in failed],
        "failed_shipments": [
            {"order_number": r.order_number, "tracking": r.tracking_number, "reason": r.last_error}
            for r in failed_shipments
        ],
        "last_event": last[0].message if last else None,
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
    for item in report["failed_orders"]:
        _say(f"  order {item['order_number']} failed: {item['reason']}")
    for item in report["failed_shipments"]:
        _say(
            f"  shipment {item['tracking']} of order {item['order_number']} failed: "
            f"{item['reason']}"
        )
    return EXIT_OK


def _retry(args: argparse.Namespace) -> int:
    from desktop_sync.engine.context import EngineContext
    from desktop_sync.engine.events import Direction, Level
    from desktop_sync.state.states import OrderState, ShipmentState

    number = None if args.failed else args.order_number
    with _open_journal() as journal:
        count = 0
        for row in journal.orders_in_state(OrderState.FAILED, OrderState.SKIPPED):
            if (number is None and row.state is OrderState.FAILED) or row.order_number == number:
                count += journal.requeue_order(row.store_order_id)
        for shipment in journal.shipments_in_state(ShipmentState.FAILED):
            if number in (None, shipment.order_number):
                count += journal.requeue_shipment(shipment.shipment_id)
        if count:
            EngineContext(journal).emit(
                Level.INFO,
                Direction.SYSTEM,
                f"Retry requested for {number or 'all failed orders'}.",
                order_number=number or "",
            )
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
        since = datetime.fromisoformat(args.since)
    except ValueError:
        _say(f"'{args.since}' is not a date; use YYYY-MM-DD.", sys.stderr)
        return EXIT_CONFIG
    since = since.replace(tzinfo=UTC) if since.tzinfo is None else since.astimezone(UTC)
    with _open_journal() as journal:
        journal.backfill(since)
    _say(
        f"The next sync also sends store orders changed since {since:%Y-%m-%d %H:%M} UTC; "
        "orders already in Order Desk are recognised and not sent twice."
    )
    return EXIT_OK


def _doctor(args: argparse.Namespace) -> int:
    from desktop_sync.app import diagnostics

    secrets = [
        os.environ.get(name, "") for name in ("ORDERDESK_API_KEY", "STORE_KEY", "STORE_SECRET")
    ]
    bundle = diagnostics.collect()
    try:
        from desktop_sync.app.profile import load_profile

        profile = load_profile(os.environ)
        secrets += [profile.orderdesk_api_key, profile.store_key, profile.store_secret]
        bundle["profile"] = f"complete ({profile.store_platform})"
    except Exception as exc:  # support needs to see why the profile does not load
        bundle["profile"] = f"not usable: {exc}"
    _say(diagnostics.render(bundle, secrets))
    return EXIT_OK


# -- sandbox -------------------------------------------------------------------------------


def _sandbox(args: argparse.Namespace) -> int:
    if args.action == "ship":
        return _sandbox_admin_ship(args.order)
    if args.action == "add-order":
        return _sandbox_admin_add_order()
    from desktop_sync.sandbox.demo import DemoSandbox

    sandbox = DemoSandbox(
        initial_orders=args.orders, new_order_every=args.new_order_every or None
    ).start()
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        description = sandbox.describe()
        _say(json.dumps(description))
        exports = "".join(f"export {k}='{v}'\n" for k, v in description["env"].items())
        if args.env_file:
            tmp = args.env_file + ".tmp"
            with open(tmp, "w", encoding="utf-8") as handle:
                handle.write(exports)
            os.replace(tmp, args.env_file)
        _say("Sandbox running (Ctrl-C stops it). Point the CLI at it with:\n" + exports, sys.stderr)
        stop.wait()
    finally:
        sandbox.stop()
    return EXIT_OK


def _admin_call(base: str, method: str, path: str, body: Any = None) -> Any:
    import httpx

    response = httpx.request(method, base + path, json=body, timeout=10)
    response.raise_for_status()
    return response.json() if response.content else None


def _sandbox_admin_ship(order_number: str | None) -> int:
    api_url = os.environ.get("ORDERDESK_API_URL", "")
    if "127.0.0.1" not in api_url:
        _say("Set the environment printed by 'desktop-sync sandbox' first.", sys.stderr)
        return EXIT_CONFIG
    base = api_url.split("/api/v2")[0]
    orders = _admin_call(base, "GET", "/_admin/orders")["orders"]
    candidates = [
        o for o in orders if not o.get("order_shipments") and order_number in (None, o["source_id"])
    ]
    if not candidates:
        _say("No unshipped order to ship; run 'desktop-sync sync --once' first.", sys.stderr)
        return EXIT_FAILURES
    order = min(candidates, key=lambda o: int(o["id"]))
    tracking = f"1Z999AA1{int(order['id']) % 10**10:010d}"
    _admin_call(
        base,
        "POST",
        f"/_admin/orders/{order['id']}/shipments",
        {"tracking_number": tracking, "carrier_code": "UPS", "shipment_method": "Ground"},
    )
    _say(f"Order {order['source_id']} shipped in Order Desk with UPS {tracking}.")
    return EXIT_OK


def _sandbox_admin_add_order() -> int:
    store_url = os.environ.get("STORE_URL", "")
    if "127.0.0.1" not in store_url:
        _say("Set the environment printed by 'desktop-sync sandbox' first.", sys.stderr)
        return EXIT_CONFIG
    parts = urlsplit(store_url)
    base = f"{parts.scheme}://{parts.netloc}"
    _admin_call(base, "POST", "/_admin/orders", {"count": 1})
    _say("A new order was placed in the sandbox store.")
    return EXIT_OK
