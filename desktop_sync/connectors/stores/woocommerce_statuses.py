"""WooCommerce's order statuses, those plugins register included.

Core REST API v3 has no statuses endpoint; the orders totals report
(``GET wc/v3/reports/orders/totals``, WooCommerce 3.5+) lists every status of
``wc_get_order_statuses()`` (plugins add theirs there) with its name and count. Where the
report cannot be read (a security plugin, a key without access to reports), WooCommerce's own
statuses are listed and nothing is made up for a plugin's."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from desktop_sync.connectors.errors import AuthError, Rejected
from desktop_sync.connectors.stores.base import StatusChoice
from desktop_sync.connectors.stores.woocommerce_http import WooRest

__all__ = ["CORE_STATUSES", "read_statuses"]

log = logging.getLogger(__name__)

CORE_STATUSES: Mapping[str, str] = {
    "pending": "Pending payment",
    "processing": "Processing",
    "on-hold": "On hold",
    "completed": "Completed",
    "cancelled": "Cancelled",
    "refunded": "Refunded",
    "failed": "Failed",
    "checkout-draft": "Draft",
}
"""``wc_get_order_statuses()`` of WooCommerce itself (slug without ``wc-``: name)."""


def read_statuses(rest: WooRest) -> tuple[StatusChoice, ...]:
    """The site's order statuses: WooCommerce's own, then those the report adds."""
    found = dict(CORE_STATUSES)
    try:
        report = rest.get_json("wc/v3/reports/orders/totals")
    except (AuthError, Rejected) as error:
        log.info("WooCommerce's order totals report could not be read (%s)", error)
        report = []
    for row in report if isinstance(report, list) else ():
        if not isinstance(row, Mapping):
            continue
        slug = str(row.get("slug") or "").strip().lower()
        name = str(row.get("name") or "").strip()
        if slug:
            found[slug] = name or found.get(slug, slug)
    return tuple(StatusChoice(slug, name) for slug, name in found.items())
