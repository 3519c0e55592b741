"""What a WooCommerce site is: its REST index (name, time zone, the plugins' namespaces), read
through what stands in front of it: a canonical redirect (http to https, apex to www) and a
security plugin that locks the REST API to visitors.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

from desktop_sync.connectors.errors import AuthError, Rejected
from desktop_sync.connectors.stores.answers import json_or_none
from desktop_sync.connectors.stores.woocommerce_http import (
    SERVICE,
    WooRest,
    error_code,
    normalise_site_url,
)

__all__ = ["SiteIndex", "home_address", "read_index"]

log = logging.getLogger(__name__)

# Namespaces whose presence is asked route by route when the index itself is locked.
_PROBED = ("wc-shipment-tracking/v3", "wc-ast/v3")


@dataclass(frozen=True)
class SiteIndex:
    namespaces: tuple[str, ...]
    name: str = ""
    home: str = ""
    timezone: str = ""
    locked: bool = False
    """A security plugin hides the index from visitors; the namespaces were probed."""


def read_index(rest: WooRest) -> SiteIndex:
    """The site's REST index. A redirect to the same site under its canonical address (https,
    or with or without ``www.``) is followed for the session (``rest`` moves there); one to
    anywhere else is named in the error, with the address to enter instead."""
    response = rest.index()
    if response.is_redirect:
        target = _site_of(urljoin(str(response.url), response.headers.get("Location", "")))
        if not target or not _same_site(rest.site_url, target):
            raise Rejected(
                f"{rest.site_url} sends the app to another address"
                + (f" ({target}); enter {target} as the store address" if target else "")
                + " and try again.",
                service=SERVICE,
                status_code=response.status_code,
            )
        log.info("The WooCommerce site's own address is %s; using it", target)
        rest.move_to(target)
        response = rest.index()
    body = json_or_none(response)
    if response.status_code in (401, 403) and isinstance(body, Mapping):
        return _probe(rest)
    if response.status_code >= 400 or not isinstance(body, Mapping):
        where = response.headers.get("Location", "") if response.is_redirect else ""
        raise Rejected(
            f"{rest.site_url} did not answer as a WordPress site"
            + (f" (it sends visitors on to {where})" if where else "")
            + "; check the address, and that Settings > Permalinks is not set to Plain.",
            service=SERVICE,
            status_code=response.status_code,
        )
    return SiteIndex(
        namespaces=tuple(str(n) for n in body.get("namespaces") or ()),
        name=str(body.get("name") or ""),
        home=str(body.get("home") or ""),
        timezone=str(body.get("timezone_string") or body.get("gmt_offset") or ""),
    )


def _probe(rest: WooRest) -> SiteIndex:
    """The index is locked to visitors (a plugin such as Disable REST API): WooCommerce's own
    routes take the key all the same, so each namespace is asked whether it has a route."""
    log.info("The WordPress REST index is locked to visitors; probing WooCommerce's routes")
    orders = rest.get("wc/v3/orders", {"per_page": 1})
    if orders.status_code in (401, 403) and not error_code(orders).startswith("woocommerce_"):
        raise AuthError(
            "A security plugin on the WordPress site blocks its REST API (it answered: "
            f"{error_code(orders) or orders.status_code}); allow the WooCommerce REST API "
            "(/wp-json/wc/) in that plugin's settings, then try again.",
            service=SERVICE,
        )
    found = [] if error_code(orders) == "rest_no_route" else ["wc/v3"]
    for namespace in _PROBED:
        answer = rest.get(f"{namespace}/orders/0/shipment-trackings")
        if error_code(answer) != "rest_no_route":  # a route that refused order 0 exists
            found.append(namespace)
    return SiteIndex(namespaces=tuple(found), locked=True)


def _site_of(url: str) -> str:
    """The site root of an address under ``/wp-json/`` (or the address itself)."""
    if not url:
        return ""
    parts = urlsplit(url)
    path = parts.path.split("/wp-json", 1)[0]
    return normalise_site_url(urlunsplit((parts.scheme, parts.netloc, path, "", "")))


def _same_site(current: str, target: str) -> bool:
    """Only the scheme going to https and a leading ``www.`` may differ, and the path."""
    now, then = urlsplit(current), urlsplit(target)
    if then.scheme != "https" and then.scheme != now.scheme:
        return False
    return _bare(now.hostname) == _bare(then.hostname) and now.port == then.port


def _bare(host: str | None) -> str:
    return (host or "").removeprefix("www.")


def home_address(url: str) -> str:
    """A WordPress home address as the site's identity: ``https://www.Shop.example/`` and
    ``http://shop.example`` are one site (``shop.example``); a path (``/store``) stays."""
    parts = urlsplit(url.strip() if "://" in url else f"https://{url.strip()}")
    host = _bare((parts.hostname or "").lower())
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # not a number: the address as given
        port = ""
    return f"{host}{port}{parts.path.rstrip('/').lower()}"
