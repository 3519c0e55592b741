"""The ``desktop-sync`` command: the GUI by default, and headless subcommands for servers,
scripts and support (``sync``, ``run``, ``status``, ``retry``, ``backfill``, ``sandbox``)."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from desktop_sync import APP_DISPLAY_NAME, __version__, cli_orders, cli_stores
from desktop_sync.app.platforms import NAMES
from desktop_sync.cli_common import (
    EXIT_CONFIG,
    EXIT_FAILURES,
    EXIT_OK,
    EXIT_ORDERDESK_AUTH,
    EXIT_ORDERDESK_OFFLINE,
    EXIT_STORE_AUTH,
    EXIT_STORE_OFFLINE,
    EXIT_WAITING,
)
from desktop_sync.cli_common import open_facade as _open
from desktop_sync.cli_common import say as _say
from desktop_sync.engine.events import CycleResult, Failure, FailureGroup, Health, said_once

if TYPE_CHECKING:
    from desktop_sync.app.facade import DesktopSync

__all__ = [
    "EXIT_CONFIG",
    "EXIT_FAILURES",
    "EXIT_OK",
    "EXIT_ORDERDESK_AUTH",
    "EXIT_ORDERDESK_OFFLINE",
    "EXIT_STORE_AUTH",
    "EXIT_STORE_OFFLINE",
    "EXIT_WAITING",
    "build_parser",
    "exit_code_for",
    "main",
]

_MAX_INTERVAL = 86_400.0


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
    parser.add_argument(
        "--platform",
        dest="demo_platform",
        default=None,
        choices=NAMES,
        help="with --demo: which store platform the sandbox store speaks",
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
        type=_interval,
        default=None,
        help="seconds between cycles, up to 86400 (default: the profile's push interval)",
    )
    run.add_argument("--cycles", type=_count, default=None, help=argparse.SUPPRESS)

    status = commands.add_parser("status", help="what has been sent, what waits, what failed")
    status.add_argument("--json", action="store_true")

    retry = commands.add_parser("retry", help="send failed orders again")
    target = retry.add_mutually_exclusive_group(required=True)
    target.add_argument("order_number", nargs="?", help="the store's order number")
    target.add_argument("--failed", action="store_true", help="every failed order")

    backfill = commands.add_parser("backfill", help="also send store orders since a date")
    backfill.add_argument("--since", required=True, help="a date (YYYY-MM-DD) or ISO time, UTC")

    commands.add_parser("doctor", help="print what support needs to help (no secrets)")
    cli_orders.add_commands(commands)  # orders, send

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
        choices=NAMES,
        help="which store platform the sandbox store speaks",
    )
    sandbox.add_argument("--orders", type=_count, default=8, help="sample orders to start with")
    sandbox.add_argument(
        "--new-order-every",
        type=_seconds_or_never,
        default=0,
        help="place a new store order every N seconds (0: never)",
    )
    sandbox.add_argument("--env-file", help="also write the environment as export lines here")
    for name in cli_stores.NARROWED:
        cli_stores.add_store_option(commands.choices[name])
    cli_stores.add_store_commands(commands)
    return parser


# -- argument types: each refusal is one sentence (argparse adds the command and exits 2) ----


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds.") from None
    if value != value or value in (float("inf"), float("-inf")):  # NaN or infinite
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds.")
    return value


def _interval(text: str) -> float:
    value = _number(text)
    if not 0 < value <= _MAX_INTERVAL:
        raise argparse.ArgumentTypeError(
            f"{text} seconds is out of range; give more than 0 and at most 86400 (a day)."
        )
    return value


def _seconds_or_never(text: str) -> float:
    value = _number(text)
    if not 0 <= value <= _MAX_INTERVAL:
        raise argparse.ArgumentTypeError(
            f"{text} seconds is out of range; give 0 (never) up to 86400 (a day)."
        )
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number.") from None
    if not 0 <= value <= 10_000:
        raise argparse.ArgumentTypeError(f"{text} is out of range; give 0 up to 10000.")
    return value


# -- the entry point ---------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command or "gui"
    if args.demo_platform is not None and not args.demo:
        parser.error(
            "--platform before a command goes with --demo; for the headless sandbox, write "
            "'desktop-sync sandbox --platform ...'."
        )
    if command == "doctor":
        return _doctor(args)  # always runs, whatever is wrong: it is how support finds out
    if command != "sandbox" and not args.demo:
        problem = _start_logging()
        if problem is not None and command != "gui":  # the window shows it in a box
            _say(problem, sys.stderr)
            return EXIT_CONFIG
    if command == "gui":
        from desktop_sync.gui.app import run_gui

        platform = args.demo_platform or "bigcommerce"
        return int(run_gui(demo=args.demo, minimized=args.minimized, platform=platform))
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "sync": _sync,
        "run": _run,
        "status": _status,
        "retry": _retry,
        "backfill": _backfill,
        "sandbox": _sandbox,
        **cli_stores.HANDLERS,
        **cli_orders.HANDLERS,
    }
    from desktop_sync.app.paths import ProfileFolderUnusable
    from desktop_sync.app.profile import StoreNotFound
    from desktop_sync.state.journal import JournalError

    try:
        return handlers[command](args)
    except (JournalError, ProfileFolderUnusable, StoreNotFound) as exc:  # their sentence
        _say(str(exc), sys.stderr)
        return EXIT_CONFIG


def _start_logging() -> str | None:
    """The rotating log file; the sentence saying why the profile's folders cannot be used,
    else None. (An upgrade's migration runs when the facade has the profile's lock.)"""
    from desktop_sync.app.logs import setup_logging
    from desktop_sync.app.paths import check_profile_folders

    problems = check_profile_folders()
    if problems:
        return str(problems[0])
    setup_logging()
    return None


# -- headless sync -----------------------------------------------------------------------


def _load_profile(app: DesktopSync, store: str | None = None) -> bool:
    """Load every store's profile (``store``: that one's; strictly: a settings file with
    unusable values is refused, not run on defaults), or say why not and return False."""
    from desktop_sync.app.credentials import UnusableKey
    from desktop_sync.app.profile import ProfileIncomplete
    from desktop_sync.app.secrets import KeyringUnavailable
    from desktop_sync.app.settings import load_settings

    warnings: list[str] = []
    settings = load_settings(warn=warnings.append)
    if warnings:
        # The loader's sentence says what it fell back to; a command refuses instead.
        problem = warnings[0].split(";")[0].rstrip(".")
        _say(
            f"Cannot sync: {problem}. Fix the file (or save your settings again in the app), "
            "then try again.",
            sys.stderr,
        )
        return False
    try:
        app.load_profiles(settings=settings, store=store)
    except (ProfileIncomplete, KeyringUnavailable, UnusableKey) as exc:
        _say(f"Cannot sync: {exc}", sys.stderr)
        return False
    return True


def _printer(verbose: bool) -> Callable[[object], None]:
    from desktop_sync.engine.events import SyncEvent

    def show(event: object) -> None:
        if verbose and isinstance(event, SyncEvent):
            who = f"order {event.order_number}: " if event.order_number else ""
            _say(
                f"{event.time:%H:%M:%S} {event.level.value:<7} {event.direction.value:<9} "
                f"{who}{event.message}",
                sys.stderr,
            )

    return show


_EXIT_FOR_HEALTH = {
    Health.OK: EXIT_OK,
    Health.PAUSED: EXIT_OK,
    Health.FAILING: EXIT_FAILURES,
    Health.ORDERDESK_AUTH: EXIT_ORDERDESK_AUTH,
    Health.STORE_AUTH: EXIT_STORE_AUTH,
    Health.ORDERDESK_OFFLINE: EXIT_ORDERDESK_OFFLINE,
    Health.STORE_OFFLINE: EXIT_STORE_OFFLINE,
}


def exit_code_for(result: CycleResult) -> int:
    """The cycle's exit code: 0 only when both sides were reached and nothing failed."""
    code = _EXIT_FOR_HEALTH.get(result.health, EXIT_FAILURES)
    if code != EXIT_OK:
        return code
    if result.failures:
        return EXIT_FAILURES
    waiting = (result.push.waiting if result.push else 0) + (
        result.pull.waiting if result.pull else 0
    )
    return EXIT_WAITING if waiting else EXIT_OK


def _summary(result: CycleResult) -> dict[str, Any]:
    push, pull = result.push, result.pull
    return {
        "health": result.health.value,
        "exit_code": exit_code_for(result),
        "message": result.message,
        "pushed": push.sent if push else 0,
        "adopted": push.adopted if push else 0,
        "skipped": (push.skipped if push else 0) + (pull.skipped if pull else 0),
        "waiting": (push.waiting if push else 0) + (pull.waiting if pull else 0),
        "failed": len(result.failures),
        "fulfillments_created": pull.fulfillments_created if pull else 0,
        "tracking_added": pull.tracking_added if pull else 0,
        "failures": [{"order_number": f.order_number, "reason": f.reason} for f in result.failures],
        "failure_reasons": _reasons_json(said_once(result.failures)),
    }


def _reasons_json(groups: Sequence[FailureGroup]) -> list[dict[str, Any]]:
    """Each reason once, with the orders it stopped (an error met on every order of a page
    is one entry, not one per order)."""
    return [
        {"reason": g.reason, "count": g.count, "order_numbers": list(g.order_numbers)}
        for g in groups
    ]


def _say_failures(groups: Sequence[FailureGroup], verb: str = "") -> None:
    for group in groups:
        who = "order" if group.count == 1 else "orders"
        _say(f"  {who} {group.numbers()}{verb}: {group.sentence()}")


def _health_line(result: CycleResult, listed: Sequence[FailureGroup] = ()) -> str:
    """The health in one line; the reasons already ``listed`` above it are not said again."""
    code = exit_code_for(result)
    message = result.message
    for group in listed:
        message = message.replace(f" {group.sentence()}", "")
    what = message or (
        "some orders or shipments met a temporary error; the next sync tries them again."
        if code == EXIT_WAITING
        else "both sides reached, nothing failed."
    )
    return f"Health: {result.health.value} (exit code {code}): {what}"


def _build_engine(app: DesktopSync, *, verbose: bool, stop: threading.Event | None = None) -> Any:
    """The facade's engines, one per store in use, or None after saying why they cannot be
    built."""
    from desktop_sync.state.journal import JournalError

    try:
        return app.engines(sink=_printer(verbose), stop=stop)
    except (JournalError, ValueError) as exc:
        _say(f"Cannot sync: {exc}", sys.stderr)
        return None


def _sync(args: argparse.Namespace) -> int:
    app = _open("sync", "sync")
    if app is None:
        return EXIT_CONFIG
    with app:
        if not _load_profile(app, args.store):
            return EXIT_CONFIG
        engine = _build_engine(app, verbose=not args.json)
        if engine is None:
            return EXIT_CONFIG
        try:
            cycle = engine.run_cycle()
        finally:
            engine.close()
    result = cycle.result
    summary = _summary(result)
    summary["stores"] = cli_stores.store_breakdown(cycle.stores, _summary)
    if args.json:
        _say(json.dumps(summary, ensure_ascii=False))
    else:
        _say(
            f"Orders sent: {summary['pushed']}, already there: {summary['adopted']}, "
            f"failed: {summary['failed']}, waiting: {summary['waiting']}; "
            f"fulfillments created: {summary['fulfillments_created']}."
        )
        for line in cli_stores.cycle_lines(summary["stores"]):
            _say(line)
        groups = said_once(result.failures)
        _say_failures(groups)
        _say(_health_line(result, groups))
    return exit_code_for(result)


def _run(args: argparse.Namespace) -> int:
    # Listen for Ctrl-C and SIGTERM before holding the profile, so a stop asked for at any
    # moment after that ends the run cleanly.
    stop = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
    previous_term = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        app = _open("run", "sync")
        if app is None:
            return EXIT_CONFIG
        with app:
            if not _load_profile(app, args.store):
                return EXIT_CONFIG
            return _run_cycles(app, stop, args.interval, args.cycles)
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.signal(signal.SIGTERM, previous_term)


def _run_cycles(
    app: DesktopSync, stop: threading.Event, interval: float | None, most: int | None
) -> int:
    """The scheduler, as the window runs it: orders on the push interval, shipments on the
    pull interval (both on ``interval`` when given)."""
    from desktop_sync.app.headless import run_on_schedule

    engine = _build_engine(app, verbose=True, stop=stop)
    if engine is None:
        return EXIT_CONFIG
    push = interval or app.profile.push_interval_seconds
    pull = interval or app.profile.pull_interval_seconds
    shown: list[Health] = []

    def said(result: CycleResult) -> None:
        if not shown or result.health is not shown[-1]:  # the health the window shows
            shown.append(result.health)
            _say(_health_line(result), sys.stderr)

    try:
        every = (
            f"Syncing every {push:g} s"
            if push == pull
            else f"Sending orders every {push:g} s, checking for shipments every {pull:g} s"
        )
        _say(f"{every}. Press Ctrl-C to stop.", sys.stderr)
        last = run_on_schedule(
            engine.engines,  # each store its own entry in the scheduler
            push_seconds=push,
            pull_seconds=pull,
            stop=stop,
            on_cycle=said,
            most=most,
        )
    finally:
        engine.close()
    _say("Stopped.", sys.stderr)
    # Stopped on request, the run did what it was asked; a refused key ends it with its code.
    return exit_code_for(last) if last is not None and last.health.needs_reconnect else EXIT_OK


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
    _say_failures(
        said_once(Failure(r.order_number, r.last_error or "") for r in status.failed_orders),
        " failed",
    )
    for item in report["failed_shipments"]:
        _say(
            f"  shipment {item['tracking']} of order {item['order_number']} failed: "
            f"{item['reason']}"
        )
    if status.attention:
        _say("Needs attention:")
        _say_failures(said_once(status.attention))
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
    from desktop_sync.app.settings import BadStartDate, parse_start

    try:
        since = parse_start(args.since)
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


def _doctor(args: argparse.Namespace) -> int:
    from desktop_sync.app import diagnostics
    from desktop_sync.app.paths import check_profile_folders

    secrets = [
        os.environ.get(name, "") for name in ("ORDERDESK_API_KEY", "STORE_KEY", "STORE_SECRET")
    ]
    problems = check_profile_folders()
    bundle: dict[str, Any] = {
        "app": {"version": __version__, "python": sys.version.split()[0]},
    }
    # A folder that cannot be used stops the full bundle: then say what can be said without it.
    with contextlib.suppress(OSError):
        bundle = diagnostics.collect()
    bundle["folders"] = [str(p) for p in problems] if problems else "usable"
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
    if args.action in ("ship", "add-order"):
        return _sandbox_action(args.action, args.order)
    from desktop_sync_sandbox.demo import DemoSandbox

    sandbox = DemoSandbox(
        platform=args.platform,
        initial_orders=args.orders,
        new_order_every=args.new_order_every or None,
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


def _sandbox_action(action: str, order_number: str | None) -> int:
    """The merchant's part in a running sandbox, found by the environment it printed."""
    from desktop_sync_sandbox import admin

    try:
        if action == "ship":
            said = admin.ship_an_order(os.environ.get("ORDERDESK_API_URL", ""), order_number)
        else:
            said = admin.add_store_order(os.environ.get("STORE_URL", ""))
    except admin.NothingToShip:
        _say("No unshipped order to ship; run 'desktop-sync sync --once' first.", sys.stderr)
        return EXIT_FAILURES
    except admin.NoSandboxThere as exc:
        _say(f"{exc} Set the environment printed by 'desktop-sync sandbox' first.", sys.stderr)
        return EXIT_CONFIG
    except admin.SandboxAdminError as exc:
        _say(str(exc), sys.stderr)
        return EXIT_FAILURES
    _say(said)
    return EXIT_OK
