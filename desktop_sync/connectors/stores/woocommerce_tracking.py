"""Tracking numbers for WooCommerce's tracking plugins: WooCommerce's Shipment Tracking
extension, and zorem's Advanced Shipment Tracking (AST), which answers on the same
``wc-shipment-tracking/v3`` routes with rules of its own.

Both keep a provider list (``orders/<id>/shipment-trackings/providers``) and make the link from
it for a provider they know; for any other carrier the item needs ``custom_tracking_provider``
and ``custom_tracking_link``. Every field passes WordPress's ``sanitize_text_field``, which
removes each percent-encoded octet, so a link is sent in a form without them or not at all.
"""

from __future__ import annotations

import enum
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from desktop_sync.connectors.errors import Rejected
from desktop_sync.connectors.stores.base import StoreOrder, Tracking
from desktop_sync.connectors.stores.woocommerce_http import WooRest

__all__ = [
    "AST_NAMESPACE",
    "TRACKING_NAMESPACE",
    "TrackingItem",
    "TrackingItems",
    "TrackingPlugin",
    "ast_refuses",
    "carrier_page",
    "clean_safe_link",
    "plugin_of",
    "provider_names",
    "tracking_item",
]

log = logging.getLogger(__name__)

TRACKING_NAMESPACE = "wc-shipment-tracking/v3"
AST_NAMESPACE = "wc-ast/v3"


class TrackingPlugin(enum.Enum):
    NONE = "none"
    SHIPMENT_TRACKING = "shipment-tracking"
    """WooCommerce's Shipment Tracking extension."""
    AST = "ast"
    """zorem's Advanced Shipment Tracking (it also lists ``wc-ast/v3``)."""


def plugin_of(namespaces: Iterable[str]) -> TrackingPlugin:
    found = set(namespaces)
    if TRACKING_NAMESPACE not in found:
        return TrackingPlugin.NONE
    return TrackingPlugin.AST if AST_NAMESPACE in found else TrackingPlugin.SHIPMENT_TRACKING


# Public tracking pages of carriers the plugins' default lists may lack ({} is the number).
_CARRIER_PAGES = {
    "postnord": "https://tracking.postnord.com/en/?id={}",
    "gls": "https://gls-group.com/track/{}",
    "dpd": "https://tracking.dpd.de/status/en_US/parcel/{}",
    "bring": "https://tracking.bring.com/tracking/{}",
    "posti": "https://www.posti.fi/en/tracking#/lahetys/{}",
    "dhl": "https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id={}",
    "ups": "https://www.ups.com/track?tracknum={}",
    "usps": "https://tools.usps.com/go/TrackConfirmAction?tLabels={}",
    "fedex": "https://www.fedex.com/fedextrack/?trknbr={}",
    "royal-mail": "https://www.royalmail.com/track-your-item#/tracking-results/{}",
    "canada-post": "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={}",
    "australia-post": "https://auspost.com.au/mypost/track/details/{}",
}


def slug(text: str) -> str:
    """WordPress's ``sanitize_title`` for a provider name: lower-case ASCII words and dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def carrier_page(carrier: str, number: str) -> str:
    """The carrier's public tracking page for ``number``, or "" when the carrier is unknown."""
    template = _CARRIER_PAGES.get(slug(carrier))
    return template.format(quote(number, safe="")) if template else ""


def provider_names(providers: Any) -> dict[str, str]:
    """``{country: {name: link format}}`` from the providers route as slug -> name."""
    names: dict[str, str] = {}
    for group in providers.values() if isinstance(providers, Mapping) else ():
        for name in group if isinstance(group, Mapping) else ():
            names.setdefault(slug(str(name)), str(name))
    return names


_OCTET = re.compile(r"%([0-9A-Fa-f]{2})")
# What may stand unencoded in a URL's path and query without changing its meaning.
_PLAIN = re.compile(r"[A-Za-z0-9\-._~!$'()*,;:@]")


def clean_safe_link(url: str) -> str | None:
    """``url`` in a form ``sanitize_text_field`` leaves whole: escapes of characters that mean
    the same unencoded (``%7E``, ``%C3%A9``) decoded, a space in the query written ``+``.
    None when a needed escape remains (``%26`` in a value, ``%2F`` in a path segment)."""
    if not _OCTET.search(url):
        return url
    parts = urlsplit(url)
    path = _decode_plain(parts.path)
    query = _decode_plain(parts.query.replace("%20", "+"))
    fragment = _decode_plain(parts.fragment)
    cleaned = urlunsplit((parts.scheme, parts.netloc, path, query, fragment))
    return None if _OCTET.search(cleaned) else cleaned


def _decode_plain(text: str) -> str:
    """Decode runs of escapes that are plain characters or whole non-ASCII UTF-8 letters."""

    def decode(match: re.Match[str]) -> str:
        raw = match.group(0)
        try:
            decoded = unquote(raw, errors="strict")
        except UnicodeDecodeError:
            return raw
        if all((ord(ch) > 127 and ch.isprintable()) or _PLAIN.fullmatch(ch) for ch in decoded):
            return decoded
        return raw

    return re.sub(r"(?:%[0-9A-Fa-f]{2})+", decode, text)


_AST_NUMBER = re.compile(r"[A-Za-z0-9\- ]+")


def ast_refuses(tracking: Tracking, order_id: str, order_number: str) -> str:
    """Why AST cannot take this tracking number on this order ("" when it can): it refuses
    numbers with other characters than letters, digits, dashes and spaces, and, with a
    sequential order number plugin, may read the order's id as another order's number."""
    if not _AST_NUMBER.fullmatch(tracking.number):
        return "its tracking number has characters Advanced Shipment Tracking refuses"
    if order_number != order_id:
        return "Advanced Shipment Tracking may read the order's id as another order's number"
    return ""


@dataclass(frozen=True)
class TrackingItem:
    body: dict[str, str]
    link_lost: str = ""
    """A link the item could not carry (the customer note carries it instead)."""


def tracking_item(tracking: Tracking, providers: Mapping[str, str], shipped: str) -> TrackingItem:
    """The tracking item for ``tracking``.

    * Order Desk's link, when the plugin can store it whole, with the carrier's name (the
      plugin's own spelling of it when it knows the carrier);
    * else a provider the plugin knows, by its name (the plugin makes the link);
    * else the carrier as a custom provider with its public tracking page when known.
    A link that could not be stored is returned in ``link_lost`` for the customer note."""
    body = {"tracking_number": tracking.number, "date_shipped": shipped}
    known = providers.get(slug(tracking.carrier)) if tracking.carrier else None
    name = known or tracking.carrier or tracking.method or "Carrier"
    safe = clean_safe_link(tracking.url) if tracking.url else None
    if safe:
        return TrackingItem(
            {**body, "custom_tracking_provider": name, "custom_tracking_link": safe}
        )
    if known:
        return TrackingItem({**body, "tracking_provider": known})
    if not (tracking.carrier or tracking.method or tracking.url):
        return TrackingItem(body)
    page = clean_safe_link(carrier_page(tracking.carrier, tracking.number)) or ""
    body["custom_tracking_provider"] = name
    if page:
        body["custom_tracking_link"] = page
    return TrackingItem(body, link_lost=tracking.url)


class TrackingItems:
    """Tracking items on orders, through whichever plugin the site has."""

    def __init__(self, rest: WooRest) -> None:
        self._rest = rest
        self._names: dict[str, str] | None = None

    def ensure(
        self, plugin: TrackingPlugin, order: StoreOrder, tracking: Tracking, shipped: str
    ) -> tuple[str, bool]:
        """The tracking item's id, and whether the item says it all (number and link); an
        item already there from an interrupted attempt is reused. ("", False) when there is
        no tracking plugin or it cannot take this number (the caller writes a note)."""
        if plugin is TrackingPlugin.NONE:
            return "", False
        if plugin is TrackingPlugin.AST:
            refused = ast_refuses(tracking, order.id, order.number)
            if refused:
                log.info("Order #%s: tracking goes in a customer note (%s)", order.number, refused)
                return "", False
        path = f"{TRACKING_NAMESPACE}/orders/{order.id}/shipment-trackings"
        existing = self._rest.get_json(path)
        item = tracking_item(tracking, self._providers(order.id), shipped)
        for found in existing if isinstance(existing, list) else ():
            if isinstance(found, Mapping) and str(found.get("tracking_number")) == tracking.number:
                return str(found.get("tracking_id") or ""), not item.link_lost
        created = self._rest.write("POST", path, item.body)
        made = str(created.get("tracking_id") or "") if isinstance(created, Mapping) else ""
        return made, not item.link_lost

    def _providers(self, order_id: str) -> Mapping[str, str]:
        """The plugin's provider names (slug -> name), read once a session."""
        if self._names is None:
            path = f"{TRACKING_NAMESPACE}/orders/{order_id}/shipment-trackings/providers"
            try:
                self._names = provider_names(self._rest.get_json(path))
            except Rejected as exc:
                log.info("The tracking plugin's providers could not be read (%s)", exc)
                self._names = {}
        return self._names
