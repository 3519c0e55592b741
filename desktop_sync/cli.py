"""The ``desktop-sync`` command: the GUI by default, and headless subcommands for servers,
scripts and support. Here: the parser, the entry point, ``doctor`` and ``sandbox``; the
commands themselves in ``cli_sync`` (sync, run), ``cli_status`` (status, retry, backfill),
``cli_stores`` (store, orderdesk) and ``cli_orders`` (orders, send)."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

from desktop_sync import (
    APP_DISPLAY_NAME,
    __version__,
    cli_orders,
    cli_status,
    cli_stores,
    cli_sync,
)
from desktop_sync.app.facade_types import PLATFORM_NAMES
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
from desktop_sync.cli_common import say as _say
from desktop_sync.cli_sync import exit_code_for

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
        choices=PLATFORM_NAMES,
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
        choices=PLATFORM_NAMES,
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
        "sandbox": _sandbox,
        **cli_sync.HANDLERS,
        **cli_status.HANDLERS,
        **cli_stores.HANDLERS,
        **cli_orders.HANDLERS,
    }
    from desktop_sync.app.facade_types import JournalError, ProfileFolderUnusable, StoreNotFound

    try:
        return handlers[command](args)
    except (JournalError, ProfileFolderUnusable, StoreNotFound) as exc:  # their sentence
        _say(str(exc), sys.stderr)
        return EXIT_CONFIG


def _start_logging() -> str | None:
    """The rotating log file; the sentence saying why the profile's folders cannot be used,
    else None. (An upgrade's migration runs when the facade has the profile's lock.)"""
    from desktop_sync.app.facade import DesktopSync

    problems = DesktopSync.check_profile_folders()
    if problems:
        return str(problems[0])
    DesktopSync.setup_logging()
    return None


def _doctor(args: argparse.Namespace) -> int:
    from desktop_sync.app.facade import DesktopSync

    secrets = [
        os.environ.get(name, "") for name in ("ORDERDESK_API_KEY", "STORE_KEY", "STORE_SECRET")
    ]
    problems = DesktopSync.check_profile_folders()
    bundle: dict[str, Any] = {
        "app": {"version": __version__, "python": sys.version.split()[0]},
    }
    # A folder that cannot be used stops the full bundle: then say what can be said without it.
    with contextlib.suppress(OSError):
        bundle = DesktopSync.support_bundle()
    bundle["folders"] = [str(p) for p in problems] if problems else "usable"
    try:
        profile = DesktopSync.read_profile()
        secrets += [profile.orderdesk_api_key, profile.store_key, profile.store_secret]
        bundle["profile"] = f"complete ({profile.store_platform})"
    except Exception as exc:  # support needs to see why the profile does not load
        bundle["profile"] = f"not usable: {exc}"
    _say(DesktopSync.support_report(bundle, secrets))
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
