"""``desktop-sync sync`` and ``desktop-sync run``: one cycle, or the scheduler until stopped,
for every store of the profile (``--store`` narrows to one); and the exit code a cycle's
health gives (the README's table)."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

from desktop_sync import cli_stores
from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.facade_types import CycleResult, FailureGroup, Health
from desktop_sync.cli_common import (
    EXIT_CONFIG,
    EXIT_FAILURES,
    EXIT_HELD,
    EXIT_OK,
    EXIT_ORDERDESK_AUTH,
    EXIT_ORDERDESK_OFFLINE,
    EXIT_STORE_AUTH,
    EXIT_STORE_OFFLINE,
    EXIT_WAITING,
)
from desktop_sync.cli_common import open_facade as _open
from desktop_sync.cli_common import say as _say

__all__ = ["HANDLERS", "exit_code_for", "say_failures"]


def _load_profile(app: DesktopSync, store: str | None = None) -> bool:
    """Load every store's profile (``store``: that one's; strictly: a settings file with
    unusable values is refused, not run on defaults), or say why not and return False."""
    from desktop_sync.app.facade_types import KeyringUnavailable, ProfileIncomplete, UnusableKey

    warnings: list[str] = []
    settings = app.load_settings(warn=warnings.append)
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
    from desktop_sync.app.facade_types import SyncEvent

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
    Health.HELD: EXIT_HELD,
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
        "failure_reasons": _reasons_json(DesktopSync.said_once(result.failures)),
    }


def _reasons_json(groups: Sequence[FailureGroup]) -> list[dict[str, Any]]:
    """Each reason once, with the orders it stopped (an error met on every order of a page
    is one entry, not one per order)."""
    return [
        {"reason": g.reason, "count": g.count, "order_numbers": list(g.order_numbers)}
        for g in groups
    ]


def say_failures(groups: Sequence[FailureGroup], verb: str = "") -> None:
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
    from desktop_sync.app.facade_types import JournalError

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
        groups = DesktopSync.said_once(result.failures)
        say_failures(groups)
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
    if app.all_paused:  # the window's Pause, or 'store pause': kept until resumed
        _say(
            "Every store is paused, so there is nothing to sync. Resume with "
            "'desktop-sync store resume', or Resume in the window.",
            sys.stderr,
        )
        return EXIT_OK
    paused = [p.store_name for p in app.profiles if p.store.paused]
    for name in paused:
        resume = f'desktop-sync store resume "{name}"'
        _say(f"{name} is paused: not synced until you resume it ({resume}).", sys.stderr)
    if len(paused) == len(app.profiles):
        _say("Every store is paused, so there is nothing to sync.", sys.stderr)
        return EXIT_OK
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
        last = app.run_on_schedule(
            engine,
            push_seconds=push,
            pull_seconds=pull,
            stop=stop,
            on_cycle=said,
            most=most,
        )
    finally:
        engine.close()
    _say("Stopped.", sys.stderr)
    # Stopped on request, the run did what it was asked; a refused key ends it with its code,
    # and a store held for the merchant's choice (the others kept syncing) is said by its code.
    ended = last is not None and (last.health.needs_reconnect or last.health is Health.HELD)
    return exit_code_for(last) if last is not None and ended else EXIT_OK


HANDLERS = {"sync": _sync, "run": _run}
