"""How a shipment's lines map onto Shopify fulfillment orders, and the tracking inputs of the
two fulfillment mutations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from desktop_sync.connectors.errors import Rejected
from desktop_sync.connectors.stores.base import FulfillmentLine, Tracking
from desktop_sync.connectors.stores.shopify_errors import SERVICE

__all__ = ["FulfillmentPlan", "plan_fulfillment", "tracking_input", "tracking_update_input"]

FULFILLABLE_STATES = ("OPEN", "IN_PROGRESS")


@dataclass(frozen=True)
class FulfillmentPlan:
    by_location: dict[str, list[dict[str, Any]]]
    """Location id -> ``lineItemsByFulfillmentOrder`` entries for one ``fulfillmentCreate``."""
    location_names: dict[str, str]
    lines: tuple[FulfillmentLine, ...]
    """The shipment's lines, one per line item, quantities summed."""


def _wanted(lines: Sequence[FulfillmentLine]) -> dict[str, int]:
    wanted: dict[str, int] = {}
    for line in lines:
        if line.quantity <= 0:
            raise Rejected(
                "A shipment line has no quantity to ship; the shipment was not sent.",
                service=SERVICE,
            )
        wanted[line.line_id] = wanted.get(line.line_id, 0) + line.quantity
    if not wanted:
        raise Rejected("The shipment has no lines to fulfil; nothing was sent.", service=SERVICE)
    return wanted


def _can_fulfil(fulfillment_order: Mapping[str, Any]) -> bool:
    actions = {
        str(a.get("action"))
        for a in fulfillment_order.get("supportedActions") or ()
        if isinstance(a, Mapping)
    }
    return fulfillment_order.get("status") in FULFILLABLE_STATES and "CREATE_FULFILLMENT" in actions


def plan_fulfillment(
    order_name: str,
    fulfillment_orders: Sequence[Mapping[str, Any]],
    lines: Sequence[FulfillmentLine],
) -> FulfillmentPlan:
    """Take each line's quantity from fulfillment order lines with quantity left, never more
    than ``remainingQuantity``, only from fulfillment orders that can be fulfilled now.

    Raises ``Rejected`` (naming the SKU) unless every line is fully covered, so a shipment is
    never half sent.
    """
    wanted = _wanted(lines)
    by_location: dict[str, dict[str, list[dict[str, Any]]]] = {}
    names: dict[str, str] = {}
    for line_id, quantity in wanted.items():
        need, sku, held = quantity, "", set()
        for fo in fulfillment_orders:
            assigned = fo.get("assignedLocation") or {}
            location = str((assigned.get("location") or {}).get("id") or "")
            for fo_line in (fo.get("lineItems") or {}).get("nodes") or ():
                item = fo_line.get("lineItem") or {}
                if str(item.get("id")) != line_id:
                    continue
                sku = sku or str(item.get("sku") or "")
                left = int(fo_line.get("remainingQuantity") or 0)
                if not _can_fulfil(fo):
                    if left > 0:
                        held.add(str(fo.get("status")))
                    continue
                take = min(left, need)
                if take <= 0:
                    continue
                need -= take
                names[location] = str(assigned.get("name") or "")
                groups = by_location.setdefault(location, {})
                groups.setdefault(str(fo["id"]), []).append({"id": fo_line["id"], "quantity": take})
            if need == 0:
                break
        if need > 0:
            raise Rejected(
                _uncovered(order_name, sku, quantity, quantity - need, held), service=SERVICE
            )
    return FulfillmentPlan(
        by_location={
            location: [
                {"fulfillmentOrderId": fo_id, "fulfillmentOrderLineItems": items}
                for fo_id, items in groups.items()
            ]
            for location, groups in by_location.items()
        },
        location_names=names,
        lines=tuple(FulfillmentLine(k, q) for k, q in wanted.items()),
    )


def _uncovered(order_name: str, sku: str, asked: int, available: int, held: set[str]) -> str:
    if not sku and not available and not held:
        return (
            f"A line of this shipment is not on Shopify order #{order_name} (it may have been "
            "removed); the shipment was not sent."
        )
    what = f"SKU {sku}" if sku else "an item"
    if held:
        states = ", ".join(sorted(s.lower().replace("_", " ") for s in held))
        return (
            f"Shopify order #{order_name} cannot ship {what} now ({states}); release it in "
            "Shopify admin and the shipment will be sent on the next sync."
        )
    return (
        f"Shopify order #{order_name} has {available} of {what} left to ship but the shipment "
        f"asks for {asked}; the shipment was not sent."
    )


def tracking_input(tracking: Tracking) -> dict[str, str]:
    """FulfillmentTrackingInput with one number (company and url only when known)."""
    spec = {"number": tracking.number}
    if tracking.carrier:
        spec["company"] = tracking.carrier
    if tracking.url:
        spec["url"] = tracking.url
    return spec


def tracking_update_input(existing: Any, tracking: Tracking) -> dict[str, Any]:
    """The full tracking list for ``fulfillmentTrackingInfoUpdate`` (it replaces, not adds):
    the numbers already there, then ``tracking``.

    Each number keeps its own URL: Shopify pairs ``urls`` with ``numbers`` by position, so the
    numbers that have a URL go first and the list of URLs covers exactly them. A fulfillment
    has one ``company`` for all its numbers, so it is sent only when no number belongs to
    another company; a number from a second carrier is never labelled with the first one's.
    """
    entries = [
        (str(t["number"]), str(t.get("company") or ""), str(t.get("url") or ""))
        for t in existing or ()
        if isinstance(t, Mapping) and t.get("number")
    ]
    entries.append((tracking.number, tracking.carrier, tracking.url))
    ordered = [e for e in entries if e[2]] + [e for e in entries if not e[2]]
    spec: dict[str, Any] = {"numbers": [number for number, _, _ in ordered]}
    urls = [url for _, _, url in ordered if url]
    if urls:
        spec["urls"] = urls
    companies = {company for _, company, _ in entries if company}
    if len(companies) == 1:
        spec["company"] = companies.pop()
    return spec
