"""Carrier names as Order Desk and merchants write them, to BigCommerce's shipment fields:
``shipping_provider`` (BigCommerce's own integrations) and ``tracking_carrier`` (AfterShip's
courier slugs, spec ``orderShipment_Post``)."""

from __future__ import annotations

import re

__all__ = ["shipping_provider", "tracking_carrier"]

_PROVIDERS = {
    "ups": "ups",
    "usps": "usps",
    "unitedstatespostalservice": "usps",
    "fedex": "fedex",
    "federalexpress": "fedex",
    "auspost": "auspost",
    "australiapost": "auspost",
    "canadapost": "canadapost",
    "postescanada": "canadapost",
    "royalmail": "royalmail",
}
# Order Desk carrier names (and what merchants type) to AfterShip courier slugs.
_CARRIERS = {
    **{key: value for key, value in _PROVIDERS.items() if value in {"ups", "usps", "fedex"}},
    "auspost": "australia-post",
    "australiapost": "australia-post",
    "canadapost": "canada-post",
    "postescanada": "canada-post",
    "royalmail": "royal-mail",
    "dhl": "dhl",
    "dhlexpress": "dhl",
    "dhlecommerce": "dhlglobalmail",
    "dhlglobalmail": "dhlglobalmail",
    "dpd": "dpd",
    "dpduk": "dpd-uk",
    "gls": "gls",
    "tnt": "tnt",
    "ontrac": "ontrac",
    "lasership": "lasership",
    "purolator": "purolator",
    "evri": "hermes",
    "hermes": "hermes",
    "postnl": "postnl",
    "deutschepost": "deutsch-post",
    "parcelforce": "parcel-force",
    "yodel": "yodel",
    "asendia": "asendia-usa",
    "amazon": "amazon",
    "amazonlogistics": "amazon",
}


def shipping_provider(carrier: str) -> str:
    """BigCommerce's ``shipping_provider`` for a carrier name, or "" when it has none."""
    return _PROVIDERS.get(_carrier_key(carrier), "")


def tracking_carrier(carrier: str) -> str:
    """The AfterShip courier slug (the spec's ``tracking_carrier``) for a carrier name, or ""
    when the carrier is not one the app knows."""
    key = _carrier_key(carrier)
    return _CARRIERS.get(key, "")


def _carrier_key(carrier: str) -> str:
    return re.sub(r"[^a-z0-9]", "", carrier.lower())
