"""WooCommerce's registered order statuses and its orders totals report
(``GET /wp-json/wc/v3/reports/orders/totals``, ``WC_REST_Report_Orders_Totals_Controller``):
one row per status of ``wc_get_order_statuses()``, plugins' included, with its count; trashed
orders are not a status there."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["CORE_STATUS_NAMES", "order_totals"]

CORE_STATUS_NAMES: Mapping[str, str] = {
    "pending": "Pending payment",
    "processing": "Processing",
    "on-hold": "On hold",
    "completed": "Completed",
    "cancelled": "Cancelled",
    "refunded": "Refunded",
    "failed": "Failed",
    "checkout-draft": "Draft",
}


def order_totals(statuses: Iterable[str], custom: Mapping[str, str]) -> list[dict[str, Any]]:
    """The report for orders in ``statuses`` (one entry per order), with a plugin's
    ``custom`` statuses (slug: name) registered after WooCommerce's own."""
    counted = list(statuses)
    registered = {**CORE_STATUS_NAMES, **custom}
    return [
        {"slug": slug, "name": name, "total": counted.count(slug)}
        for slug, name in registered.items()
    ]
