"""``desktop-sync orders`` and ``desktop-sync send``: the orders view and Send anyway from the
command line, through the facade's same queries as the window (``app/order_services.py``)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from typing import Any

from desktop_sync.app.facade_types import OrderLine, OrdersQuery, OrderWord, Show

__all__ = ["HANDLERS", "add_commands", "as_json", "needs_you_report"]

_PAGE = 500


def add_commands(commands: Any) -> None:
    """Register the commands on ``build_parser``'s subparsers."""
    orders = commands.add_parser("orders", help="list store orders: where each one stands")
    orders.add_argument("--needs-me", action="store_true", help="only orders that need you")
    orders.add_argument("--store", default="", help="only this store's orders")
    orders.add_argument("--since", default=None, help="only orders placed since a date")
    orders.add_argument("--json", action="store_true", help="one JSON object per order")
    send = commands.add_parser("send", help="send one held order anyway (Send anyway)")
    send.add_argument("order_number", help="the store's order number")
    send.add_argument("--store", default="", help="the store, when several have the number")


def as_json(line: OrderLine) -> dict[str, Any]:
    return {
        "store": line.store,
        "platform": line.platform,
        "number": line.number,
        "store_order_id": line.store_order_id,
        "placed": line.placed.isoformat(),
        "customer": line.customer,
        "total": line.total,
        "currency": line.currency,
        "state": line.state.value,
        "reason": line.reason,
        "orderdesk_ids": list(line.orderdesk_ids),
        "folder": line.folder,
        "folder_id": line.folder_id,
        "tracking": [
            {"number": t.number, "carrier": t.carrier, "url": t.url, "in_store": t.in_store}
            for t in line.tracking
        ],
        "fulfilled": line.fulfilled,
    }


def _text(line: OrderLine) -> str:
    tracking = ", ".join(
        f"{t.number} ({t.carrier})" if t.carrier else t.number for t in line.tracking
    )
    parts = [
        f"{line.number:>8}",
        f"{line.placed.astimezone():%Y-%m-%d %H:%M}",
        f"{line.state.value:<14}",
        line.customer or "-",
        f"{line.total} {line.currency}".strip() or "-",
        "Order Desk " + "/".join(line.orderdesk_ids) if line.orderdesk_ids else "",
        f"folder {line.folder}" if line.folder else "",
        tracking,
        "fulfilled" if line.fulfilled else "",
        line.reason,
    ]
    return "  ".join(p for p in parts if p)


def _every(page: Callable[..., list[OrderLine]], query: OrdersQuery) -> Iterator[OrderLine]:
    after = None
    while True:
        lines = page(query, _PAGE, after=after)
        yield from lines
        if len(lines) < _PAGE:
            return
        after = lines[-1].key


def _orders(args: argparse.Namespace) -> int:
    from desktop_sync.app.facade import DesktopSync
    from desktop_sync.app.facade_types import BadStartDate
    from desktop_sync.cli_common import EXIT_CONFIG, EXIT_OK
    from desktop_sync.cli_common import open_facade as _open
    from desktop_sync.cli_common import say as _say

    try:
        since = DesktopSync.parse_start(args.since) if args.since else None
    except BadStartDate as exc:
        _say(f"Cannot list orders: {exc}", sys.stderr)
        return EXIT_CONFIG
    query = OrdersQuery(
        show=Show.NEEDS_ME if args.needs_me else Show.ALL, store=args.store, since=since
    )
    app = _open("orders", "list orders", lock=False)  # reading never waits on a sync
    if app is None:
        return EXIT_CONFIG
    with app:
        for line in _every(app.orders_page, query):
            _say(json.dumps(as_json(line), ensure_ascii=False) if args.json else _text(line))
    return EXIT_OK


def _send(args: argparse.Namespace) -> int:
    from desktop_sync.cli_common import EXIT_CONFIG, EXIT_FAILURES, EXIT_OK
    from desktop_sync.cli_common import open_facade as _open
    from desktop_sync.cli_common import say as _say

    app = _open("send", "send the order")
    if app is None:
        return EXIT_CONFIG
    with app:
        found = [o for o in app.find_orders(args.order_number, args.store) if o.needs_me]
        if len(found) != 1:
            known = app.find_orders(args.order_number, args.store)
            if not known:
                what = "The app has not seen order"
            elif len(found) > 1:
                what = "Several stores have an order held numbered"
            else:
                what = f"Not sent: it is {known[0].state.value}, not held or failed; order"
            _say(
                f"{what} {args.order_number}"
                + (". Add --store NAME." if len(found) > 1 else ".")
                + ("" if known else " Check the number, or sync first."),
                sys.stderr,
            )
            return EXIT_FAILURES
        (line,) = found
        if line.state is OrderWord.FAILED:
            app.retry_orders([line.store_order_id], stores=[line.store_id])
        else:
            app.send_anyway([line.store_order_id], stores=[line.store_id])
    _say(
        f"Order {line.number} is sent at the next sync ('desktop-sync sync' or the app), "
        "unless it is cancelled or unpaid in the store."
    )
    return EXIT_OK


def needs_you_report(app: Any) -> tuple[int, list[dict[str, Any]]]:
    """The Needs you count and rows, as ``desktop-sync status`` shows them."""
    listed = app.needs_you()
    rows = [
        {"title": r.title, "count": r.count, "action": r.button, "orders": list(r.order_numbers)}
        for r in listed.rows
    ]
    return listed.count, rows


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {"orders": _orders, "send": _send}
