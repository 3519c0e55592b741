"""The merchant's two sandbox actions from another process: ship an order in the sandbox's Order
Desk, place a new order in its store. They reach a sandbox already running through the URLs it
printed, over the emulators' ``/_admin/`` routes (no auth, no rate limit, no faults)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "NoSandboxThere",
    "NothingToShip",
    "SandboxAdminError",
    "add_store_order",
    "oldest_unshipped",
    "ship_an_order",
]

_LOCAL = "127.0.0.1"
# Straight to 127.0.0.1, whatever proxy the environment names.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class SandboxAdminError(Exception):
    """A sandbox action that could not be done; the message says why."""


class NoSandboxThere(SandboxAdminError):
    """The URL names no sandbox on this machine, or none answers there."""


class NothingToShip(SandboxAdminError):
    """The sandbox's Order Desk holds no unshipped order (to match)."""


def oldest_unshipped(
    orders: Iterable[Mapping[str, Any]], order_number: str | None = None
) -> Mapping[str, Any] | None:
    """The Order Desk order to ship next: the oldest without a shipment, or the one whose store
    order number (``source_id``) is ``order_number``."""
    candidates = [
        order
        for order in orders
        if not order.get("order_shipments") and order_number in (None, order["source_id"])
    ]
    return min(candidates, key=lambda order: int(order["id"]), default=None)


def ship_an_order(orderdesk_api_url: str, order_number: str | None = None) -> str:
    """Add UPS tracking in the sandbox's Order Desk to the oldest unshipped order (or the one
    numbered ``order_number``), as the merchant's warehouse would; says what was shipped."""
    base = _sandbox_base(orderdesk_api_url).split("/api/v2")[0]
    order = oldest_unshipped(_call(base, "GET", "/_admin/orders")["orders"], order_number)
    if order is None:
        raise NothingToShip("The sandbox's Order Desk has no unshipped order to ship.")
    tracking = f"1Z999AA1{int(order['id']) % 10**10:010d}"
    _call(
        base,
        "POST",
        f"/_admin/orders/{order['id']}/shipments",
        {"tracking_number": tracking, "carrier_code": "UPS", "shipment_method": "Ground"},
    )
    return f"Order {order['source_id']} shipped in Order Desk with UPS {tracking}."


def add_store_order(store_api_url: str) -> str:
    """Place one new sample order in the sandbox's store, whichever platform it speaks."""
    parts = urlsplit(_sandbox_base(store_api_url))
    _call(f"{parts.scheme}://{parts.netloc}", "POST", "/_admin/orders", {"count": 1})
    return "A new order was placed in the sandbox store."


def _sandbox_base(url: str) -> str:
    if urlsplit(url).hostname != _LOCAL:
        raise NoSandboxThere(f"{url or 'No URL'} is not a sandbox on this machine.")
    return url


def _call(base: str, method: str, path: str, body: Any = None) -> Any:
    request = urllib.request.Request(
        base + path,
        data=None if body is None else json.dumps(body).encode("utf-8"),
        method=method,
        headers={"Content-Type": "application/json"},
    )
    try:
        with _OPENER.open(request, timeout=10) as response:
            content = response.read()
    except urllib.error.HTTPError as exc:
        raise SandboxAdminError(f"The sandbox at {base} answered {exc.code} to {path}.") from exc
    except OSError as exc:
        raise NoSandboxThere(f"No sandbox answers at {base} ({exc}).") from exc
    return json.loads(content) if content else None
