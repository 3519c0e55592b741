"""The CLI's store commands: ``orderdesk connect``, ``store add``, ``store list``, ``store
remove``, ``store pause`` / ``resume`` (one store on its own, as its card in the window), and
the ``--store NAME`` that narrows ``sync``, ``run``, ``status``, ``retry`` and
``backfill`` to one store. Keys come from the environment when set, else are asked for
without echo; each is verified before it is saved, and with no usable keyring nothing is."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from desktop_sync.app.facade_types import PLATFORM_NAMES, DesktopSyncError

if TYPE_CHECKING:
    from desktop_sync.app.facade import DesktopSync
    from desktop_sync.app.facade_types import StoreCycle, StoreStatus

__all__ = [
    "HANDLERS",
    "NARROWED",
    "add_store_commands",
    "add_store_option",
    "cycle_lines",
    "status_breakdown",
    "status_lines",
    "store_breakdown",
]

EXIT_OK = 0
EXIT_CONFIG = 2

NARROWED = ("sync", "run", "status", "retry", "backfill")
"""The commands that act on every store, and on one with ``--store NAME``."""


def add_store_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store", metavar="NAME", default=None, help="only this store (see 'store list')"
    )


def add_store_commands(commands: Any) -> None:
    """The ``orderdesk`` and ``store`` commands, on the CLI's subparsers."""
    orderdesk = commands.add_parser("orderdesk", help="connect the Order Desk account")
    od_actions = orderdesk.add_subparsers(dest="action", metavar="ACTION", required=True)
    connect = od_actions.add_parser(
        "connect", help="verify and save the account (key from ORDERDESK_API_KEY, else asked)"
    )
    connect.add_argument("--store-id", required=True, help="the Order Desk store ID")
    connect.add_argument("--folder", default="", help="the folder new orders go to")

    store = commands.add_parser("store", help="the stores of this profile: add, list, remove")
    actions = store.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add", help="verify and add a store (keys from STORE_KEY/STORE_SECRET, else asked)"
    )
    add.add_argument("--platform", required=True, choices=PLATFORM_NAMES)
    add.add_argument("--url", required=True, help="the store's address")
    add.add_argument("--name", default="", help="your name for it (default: its address)")
    add.add_argument("--folder", default="", help="its Order Desk folder (default: the profile's)")
    listing = actions.add_parser("list", help="the stores of this profile")
    listing.add_argument("--json", action="store_true")
    remove = actions.add_parser("remove", help="remove a store (its history is kept)")
    remove.add_argument("name", help="the store's name (see 'store list')")
    here = actions.add_parser(
        "sync-here", help="this computer syncs the store (another computer that did stops)"
    )
    here.add_argument("name", help="the store's name (see 'store list')")
    pause = actions.add_parser(
        "pause", help="pause one store on its own, or every store (kept until you resume)"
    )
    pause.add_argument("name", nargs="?", help="the store's name (none: every store)")
    resume = actions.add_parser("resume", help="resume one store, or every store")
    resume.add_argument("name", nargs="?", help="the store's name (none: every store)")
    moved = actions.add_parser(
        "same-store", help="confirm that a WordPress site giving a new address is this store"
    )
    moved.add_argument("name", help="the store's name (see 'store list')")


def _say(line: str, stream: TextIO | None = None) -> None:
    print(line, file=stream or sys.stdout, flush=True)


def _open(driver: str, verb: str) -> DesktopSync | None:
    from desktop_sync.app.facade import DesktopSync

    try:
        app = DesktopSync(driver=driver)
    except DesktopSyncError as exc:  # busy, or a profile folder that cannot be used
        _say(f"Cannot {verb}: {exc}", sys.stderr)
        return None
    for line in app.upgrade_notes:
        _say(line, sys.stderr)
    return app


def _secret(env_name: str, prompt: str) -> str:
    """The value of ``env_name`` when set, else asked for without echo."""
    value = os.environ.get(env_name, "")
    if value.strip():
        return value
    try:
        return getpass.getpass(prompt)
    except EOFError:
        return ""


class _NoKey(DesktopSyncError):
    """No key was given (the environment had none, and none was typed)."""


def _change(driver: str, verb: str, refused: str, act: Callable[[DesktopSync], str]) -> int:
    """Open the profile (holding it), make sure a keyring can keep the keys, then ``act``,
    which returns the line to say; every refusal is ``refused`` and its sentence, exit 2."""
    app = _open(driver, verb)
    if app is None:
        return EXIT_CONFIG
    with app:
        problem = app.keyring_problem()
        if problem:
            _say(f"{refused}. {problem}", sys.stderr)
            return EXIT_CONFIG
        try:
            done = act(app)
        except DesktopSyncError as exc:
            _say(f"{refused}: {exc}", sys.stderr)
            return EXIT_CONFIG
    _say(done)
    return EXIT_OK


def _orderdesk(args: argparse.Namespace) -> int:
    def connect(app: DesktopSync) -> str:
        key = _secret("ORDERDESK_API_KEY", "Order Desk API key (not shown): ")
        if not key.strip():
            raise _NoKey("no Order Desk API key was given.")
        app.connect_orderdesk(args.store_id, key, folder=args.folder)
        return f"Order Desk store {args.store_id.strip()} is connected."

    return _change(
        "orderdesk connect",
        "connect Order Desk",
        "Order Desk was not connected, nothing was saved",
        connect,
    )


def _store(args: argparse.Namespace) -> int:
    handlers = {"add": _add, "list": _list, "remove": _remove, "sync-here": _sync_here}
    handlers |= {"pause": _pause, "resume": _pause}
    return {**handlers, "same-store": _same_store}[args.action](args)


def _add(args: argparse.Namespace) -> int:
    def add(app: DesktopSync) -> str:
        key = _secret("STORE_KEY", "Store API key (not shown): ")
        secret = (
            os.environ.get("STORE_SECRET", "")
            if os.environ.get("STORE_KEY", "").strip()
            else _secret("STORE_SECRET", "Store API secret, if it has one (not shown): ")
        )
        if not key.strip():
            raise _NoKey("no store API key was given.")
        store = app.add_store(
            args.platform, args.url, key, secret, name=args.name, folder=args.folder
        )
        return (
            f'Added "{store.label}": its orders from now on go to Order Desk as '
            f'"{store.order_desk_source_name}".'
        )

    return _change("store add", "add the store", "The store was not added, nothing was saved", add)


def _list(args: argparse.Namespace) -> int:
    from desktop_sync.app.facade import DesktopSync

    try:
        with DesktopSync(driver="store list", lock=False) as app:
            stores = app.stores()
            profile = app.status()
    except DesktopSyncError as exc:
        _say(f"Cannot list the stores: {exc}", sys.stderr)
        return EXIT_CONFIG
    folders = {part.store: (part.folder, part.folder_id) for part in profile.stores}
    listed = [
        {
            "name": store.label,
            "platform": store.platform,
            "url": store.url,
            "folder": folders.get(store.label, ("", None))[0],
            "folder_id": folders.get(store.label, ("", None))[1],
            "source_name": store.order_desk_source_name,
        }
        for store in stores
        if store.platform
    ]
    if args.json:
        _say(json.dumps(listed, ensure_ascii=False))
    elif not listed:
        _say("No store yet: add one with 'desktop-sync store add'.")
    for item in [] if args.json else listed:
        _say(f"{item['name']}: {item['platform']} {item['url']} -> folder {item['folder']}")
    return EXIT_OK


def _remove(args: argparse.Namespace) -> int:
    def remove(app: DesktopSync) -> str:
        store = app.remove_store(args.name)
        return f'Removed "{store.label}" and its keys; its sync history is kept.'

    return _change("store remove", "remove the store", "Nothing was removed", remove)


def _pause(args: argparse.Namespace) -> int:
    """``store pause [NAME]`` / ``store resume [NAME]`` (no name: every store, as the
    window's Pause and Resume): no key is needed, so no keyring."""
    paused = args.action == "pause"
    app = _open(f"store {args.action}", f"{args.action} the store")
    if app is None:
        return EXIT_CONFIG
    with app:
        try:
            done = app.pause_store(args.name, paused)
        except DesktopSyncError as exc:
            _say(f"Nothing was changed: {exc}", sys.stderr)
            return EXIT_CONFIG
    _say(done)
    return EXIT_OK


def _sync_here(args: argparse.Namespace) -> int:
    return _choose("sync-here", "choose this computer", lambda app: app.sync_here(args.name))


def _same_store(args: argparse.Namespace) -> int:
    return _choose("same-store", "confirm the store", lambda app: app.same_store(args.name))


def _choose(action: str, verb: str, act: Callable[[DesktopSync], str]) -> int:
    """One of the merchant's choices about whose store it is (``app.store_choices``)."""
    return _change(f"store {action}", verb, "Nothing was changed", act)


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "orderdesk": _orderdesk,
    "store": _store,
}
"""The commands of this module, by name, for the CLI's table."""


def store_breakdown(
    stores: tuple[StoreCycle, ...], summary: Callable[[Any], dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each store's part of a cycle, in the shape of the whole's ``--json`` summary."""
    return [{"store": cycle.store, **summary(cycle.result)} for cycle in stores]


def status_breakdown(stores: tuple[StoreStatus, ...]) -> list[dict[str, Any]]:
    """Each store's part of ``status --json``."""
    return [
        {
            "store": part.store,
            "platform": part.platform,
            "url": part.url,
            "folder": part.folder,
            "folder_id": part.folder_id,
            "orders_sent": part.counts.sent,
            "orders_waiting": part.counts.pending,
            "orders_failed": part.counts.failed,
            "orders_skipped": part.counts.skipped,
            "fulfillments_created": part.counts.fulfillments,
            "shipments_waiting": part.counts.shipments_pending,
            "shipments_failed": part.counts.shipments_failed,
            "orders_checked_until": _iso(part.orders_checked_until),
            "shipments_checked_until": _iso(part.shipments_checked_until),
            "paused": part.paused,
        }
        for part in stores
    ]


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment else None


def status_lines(stores: tuple[StoreStatus, ...]) -> list[str]:
    """One line per store under the totals, when the profile has more than one."""
    if len(stores) < 2:
        return [
            f"  {part.store}: paused (desktop-sync store resume)" for part in stores if part.paused
        ]
    return [
        f"  {part.store}: {'paused; ' if part.paused else ''}sent {part.counts.sent}, "
        f"waiting {part.counts.pending}, failed {part.counts.failed}; fulfillments "
        f"{part.counts.fulfillments}, failed {part.counts.shipments_failed}"
        for part in stores
    ]


def cycle_lines(stores: list[dict[str, Any]]) -> list[str]:
    """One line per store under a cycle's totals, when it ran more than one."""
    if len(stores) < 2:
        return []
    return [
        f"  {part['store']}: sent {part['pushed']}, already there {part['adopted']}, "
        f"failed {part['failed']}, waiting {part['waiting']}; fulfillments "
        f"{part['fulfillments_created']}; health {part['health']}"
        for part in stores
    ]
