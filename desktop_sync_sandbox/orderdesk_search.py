"""``GET /orders`` for the Order Desk emulator: every documented filter, sorting and
offset pagination (reference §4.2)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, tzinfo
from typing import Any

from desktop_sync_sandbox.orderdesk_values import OrderRejected, format_datetime, parse_datetime

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "OrderPage", "search_orders"]

DEFAULT_LIMIT = 50
MAX_LIMIT = 500

# filter -> (order field, is it the start of the range?, is it in store-local time?)
_DATE_FILTERS = {
    "search_start_date": ("date_added", True, False),
    "search_end_date": ("date_added", False, False),
    "modified_start_date": ("date_updated", True, False),
    "modified_end_date": ("date_updated", False, False),
    "search_start_date_local": ("date_added", True, True),
    "search_end_date_local": ("date_added", False, True),
    "modified_start_date_local": ("date_updated", True, True),
    "modified_end_date_local": ("date_updated", False, True),
}
_EXACT_FILTERS = ("source_id", "source_name", "customer_id")
_ADDRESS_FIELDS = ("first_name", "last_name", "company", "address1", "phone")
_ADDRESS_FILTERS = {
    f"{side}_{field}": (side, field)
    for side in ("customer", "shipping")
    for field in _ADDRESS_FIELDS
}


@dataclass(frozen=True)
class OrderPage:
    total_records: int
    offset: int
    limit: int
    orders: list[Mapping[str, Any]]


Match = Callable[[Mapping[str, Any]], bool]


def search_orders(
    orders: Iterable[Mapping[str, Any]],
    query: Mapping[str, str],
    *,
    folders: Mapping[int, str],
    zone: tzinfo,
    plain_zone: tzinfo = UTC,
) -> OrderPage:
    """The page of ``orders`` that ``query`` (the request's parameters) asks for; the date
    filters without ``_local`` are read in ``plain_zone`` (UTC, as the current docs say)."""
    matches = _matchers(query, folders, zone, plain_zone)
    found = [order for order in orders if all(match(order) for match in matches)]
    key = _sort_key(query.get("order_by") or "date_added")
    direction = (query.get("order") or "DESC").upper()
    if direction not in ("ASC", "DESC"):
        raise OrderRejected("The order parameter must be ASC or DESC.")
    found.sort(key=key, reverse=direction == "DESC")
    limit = _whole(query.get("limit"), "limit", DEFAULT_LIMIT)
    limit = DEFAULT_LIMIT if limit <= 0 else min(limit, MAX_LIMIT)
    offset = max(0, _whole(query.get("offset"), "offset", 0))
    return OrderPage(len(found), offset, limit, found[offset : offset + limit])


def _whole(value: str | None, name: str, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        raise OrderRejected(f"The {name} parameter must be a whole number.") from None


def _matchers(
    query: Mapping[str, str], folders: Mapping[int, str], zone: tzinfo, plain_zone: tzinfo
) -> list[Match]:
    matches: list[Match] = []
    wanted = {k: v for k, v in query.items() if v.strip()}
    if "folder_id" in wanted:
        ids = {part.strip() for part in wanted["folder_id"].split(",") if part.strip()}
        matches.append(lambda o: str(o["folder_id"]) in ids)
    if "folder_name" in wanted:
        named = {i for i, name in folders.items() if name == wanted["folder_name"]}
        matches.append(lambda o: o["folder_id"] in named)
    for name in _EXACT_FILTERS:
        if name in wanted:
            matches.append(_equals(name, wanted[name]))
    if "email" in wanted:
        email = wanted["email"].strip().casefold()
        matches.append(lambda o: str(o["email"]).casefold() == email)
    for name, (side, field) in _ADDRESS_FILTERS.items():
        if name in wanted:
            matches.append(_contains(side, field, wanted[name]))
    for name, (field, is_start, local) in _DATE_FILTERS.items():
        if name in wanted:
            bound = format_datetime(parse_datetime(wanted[name], zone if local else plain_zone))
            matches.append(_within(field, bound, is_start))
    return matches


def _equals(field: str, value: str) -> Match:
    return lambda o: str(o[field]) == value


def _contains(side: str, field: str, text: str) -> Match:
    needle = text.strip().casefold()
    return lambda o: needle in str(o[side][field]).casefold()


def _within(field: str, bound: str, is_start: bool) -> Match:
    # Stored dates and the bound share one format, so text order is time order; both ends
    # are inclusive (reference §4.2).
    if is_start:
        return lambda o: str(o[field]) >= bound
    return lambda o: str(o[field]) <= bound


def _sort_key(order_by: str) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    side, _, field = order_by.partition("_")
    if side in ("shipping", "customer") and field in (*_ADDRESS_FIELDS, "city", "state"):
        return lambda o: (o[side][field].casefold(), int(o["id"]))
    if order_by in _SORTABLE:
        return lambda o: (o[order_by], int(o["id"]))
    raise OrderRejected(
        f"Orders cannot be sorted by {order_by!r}; use an order field such as date_added."
    )


_SORTABLE = (
    "id",
    "source_id",
    "source_name",
    "email",
    "customer_id",
    "shipping_method",
    "payment_status",
    "payment_type",
    "folder_id",
    "date_added",
    "date_updated",
    "quantity_total",
    "weight_total",
    "product_total",
    "shipping_total",
    "handling_total",
    "tax_total",
    "discount_total",
    "order_total",
)
