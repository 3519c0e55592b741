"""Talking to Shopify's GraphQL Admin API: the shop address, the access token (static, or
renewed through the client-credentials grant), cost-based pacing, and Shopify's error shapes
turned into the connector's typed errors.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from desktop_sync.connectors.errors import (
    AuthError,
    BadAddress,
    RateLimited,
    Transient,
)
from desktop_sync.connectors.http import header_seconds
from desktop_sync.connectors.http_safety import is_loopback
from desktop_sync.connectors.stores.answers import garbled, json_or_none, read_json
from desktop_sync.connectors.stores.http import PRODUCT_HTTP, HttpSettings
from desktop_sync.connectors.stores.refusals import refuse
from desktop_sync.connectors.stores.shopify_errors import (
    CLIENT_HELP,
    HTTP_REFUSALS,
    SERVICE,
    TOKEN_HELP,
    QueryTooCostly,
    client_credentials_refusal,
    error_code,
    raise_errors,
    response_text,
)

__all__ = [
    "SERVICE",
    "SHOPIFY_API_VERSION",
    "QueryTooCostly",
    "ShopifyGraphQL",
    "shop_url",
]

log = logging.getLogger(__name__)

SHOPIFY_API_VERSION = "2026-10"
"""The pinned dated Admin API version; a response served by another one is logged. Shopify
supports each version for twelve months from its release (this one until 2027-10-01);
``tests/spec/test_shopify_schema.py`` fails once the pin falls out of that window."""
# Renew a client-credentials token this long before Shopify says it expires.
RENEW_MARGIN = 300.0
MAX_THROTTLE_WAITS = 8
_SHOP_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$", re.IGNORECASE)
_ADMIN_PATH = re.compile(r"^/store/([a-z0-9][a-z0-9-]*)", re.IGNORECASE)


def shop_url(text: str) -> str:
    """``https://{shop}.myshopify.com`` from what a merchant may type.

    Accepted: ``my-store``, ``my-store.myshopify.com`` (with or without ``https://``), the
    admin address ``https://admin.shopify.com/store/my-store``, and, for the local emulator, a
    full ``http://127.0.0.1:PORT`` address (only this computer may use plain http).
    """
    raw = text.strip()
    if _SHOP_NAME.match(raw):
        return f"https://{raw.lower()}.myshopify.com"
    parts = urlsplit(raw if "://" in raw else f"https://{raw}")
    host = (parts.hostname or "").lower()
    if host == "admin.shopify.com":
        admin = _ADMIN_PATH.match(parts.path)
        if admin:
            return f"https://{admin.group(1).lower()}.myshopify.com"
    elif host.endswith(".myshopify.com") and _SHOP_NAME.match(host.removesuffix(".myshopify.com")):
        return f"https://{host}"
    elif is_loopback(host):
        return f"{parts.scheme}://{parts.netloc}"
    raise BadAddress(
        "That is not a Shopify store address; enter the store's myshopify.com address "
        "(for example my-store.myshopify.com, not the shop's own domain) and try again.",
        service=SERVICE,
    )


@dataclass
class _Bucket:
    """The last ``throttleStatus`` seen and when (on the connector's clock)."""

    available: float
    maximum: float
    restore_rate: float
    seen_at: float

    def level(self, now: float) -> float:
        return min(self.maximum, self.available + (now - self.seen_at) * self.restore_rate)


class _TokenHeader(httpx.BaseTransport):
    """Puts the current access token on each Admin API request (it changes on renewal)."""

    def __init__(self, inner: httpx.BaseTransport, token: Callable[[], str]) -> None:
        self._inner = inner
        self._token = token

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not request.url.path.endswith("/oauth/access_token"):
            request.headers["X-Shopify-Access-Token"] = self._token()
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


class ShopifyGraphQL:
    """One shop's GraphQL endpoint with auth, cost pacing and typed errors.

    Pacing: every answer's ``extensions.cost.throttleStatus`` is remembered, and before a
    query whose cost is known from an earlier run the client waits until the bucket holds it,
    so a healthy sync never sees ``THROTTLED``. When it does, it waits out the deficit
    (``(requested - currentlyAvailable) / restoreRate``) and asks again.
    """

    def __init__(
        self,
        shop: str,
        *,
        access_token: str = "",
        client_id: str = "",
        client_secret: str = "",
        api_version: str = SHOPIFY_API_VERSION,
        http: HttpSettings = PRODUCT_HTTP,
    ) -> None:
        self.shop_url = shop_url(shop)
        self.api_version = api_version
        self.uses_client_credentials = bool(client_secret.strip())
        self._client_id = client_id.strip()
        self._client_secret = client_secret.strip()
        self._token = "" if self.uses_client_credentials else access_token.strip()
        if not (self._token or self.uses_client_credentials):
            raise AuthError(
                "Enter the Shopify Admin API access token, or the app's client ID and secret, "
                "then press Verify Connection.",
                service=SERVICE,
            )
        self._token_expires_at: float | None = None
        self._sleep = http.sleep
        self._clock = http.clock
        self._bucket: _Bucket | None = None
        self._costs: dict[str, int] = {}
        self._version_warned: set[str] = set()
        self.token_renewals = 0
        self.throttled_seen = 0
        self._http = http.client(
            self.shop_url,
            service=SERVICE,
            retry_after=self._throttle_wait,
            transport=_TokenHeader(http.transport or httpx.HTTPTransport(), lambda: self._token),
        )

    def close(self) -> None:
        self._http.close()

    # -- queries -------------------------------------------------------------------------

    def run(
        self,
        document: str,
        variables: Mapping[str, Any] | None = None,
        *,
        write: bool = False,
        denied: list[Mapping[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """The ``data`` of one query or mutation; Shopify's errors become typed errors.

        ``write`` marks a mutation: it is never re-sent after a timeout or a 5xx (that raises
        ``Ambiguous``); a ``THROTTLED`` or 401 answer means it did not run, so it is re-sent.
        With ``denied`` (a list), an answer whose only errors are ``ACCESS_DENIED`` returns
        its partial data and puts those errors in the list, for the caller to judge.
        """
        renewed = False
        throttled = 0
        while True:
            self._ensure_token()
            self._pace(document)
            response = self._http.request(
                "POST",
                f"admin/api/{self.api_version}/graphql.json",
                json={"query": document, "variables": dict(variables or {})},
                idempotent=not write,
            )
            if response.status_code == 401 and self.uses_client_credentials and not renewed:
                renewed = True  # an expired token: renew once and ask again, once
                self._renew_token()
                continue
            self._check_status(response)
            body = self._decode(response, write)
            self._note_version(response)
            self._observe(body, document)
            errors = body.get("errors")
            if errors:
                code, wait = error_code(errors), self._deficit_wait(body)
                if code == "THROTTLED":
                    throttled += 1
                    self.throttled_seen += 1
                    if throttled > MAX_THROTTLE_WAITS:
                        raise RateLimited(
                            "Shopify kept asking the app to slow down; "
                            "the sync will try again in a minute.",
                            service=SERVICE,
                            retry_after=wait,
                        )
                    self._sleep(wait)
                    continue
                if (
                    denied is not None
                    and _only_denials(errors)
                    and isinstance(body.get("data"), dict)
                ):
                    denied.extend(errors)
                    return dict(body["data"])
                raise_errors(errors, write)
            data = body.get("data")
            if not isinstance(data, dict):
                raise garbled(SERVICE, write=write)
            return data

    # -- auth ----------------------------------------------------------------------------

    def _ensure_token(self) -> None:
        if not self.uses_client_credentials:
            return
        expires = self._token_expires_at
        if not self._token or (expires is not None and self._clock() >= expires - RENEW_MARGIN):
            self._renew_token()

    def _renew_token(self) -> None:
        """The client-credentials grant: a fresh 24-hour token, without asking the merchant."""
        response = self._http.request(
            "POST",
            "admin/oauth/access_token",
            json={
                "client_id": self._client_id,
                "client_secret": self._client_secret,
                "grant_type": "client_credentials",
            },
            idempotent=True,  # asking for a token twice only makes two tokens
        )
        if response.status_code in (400, 401, 403, 404):
            raise AuthError(client_credentials_refusal(response), service=SERVICE)
        self._check_status(response)
        body = self._decode(response, False)
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise Transient(
                "Shopify answered the token request without a token; "
                "the sync will try again shortly.",
                service=SERVICE,
            )
        self._token = token
        expires_in = body.get("expires_in")
        self._token_expires_at = (
            self._clock() + float(expires_in) if isinstance(expires_in, int | float) else None
        )
        self.token_renewals += 1

    # -- pacing --------------------------------------------------------------------------

    def _pace(self, document: str) -> None:
        cost, bucket = self._costs.get(document), self._bucket
        if cost is None or bucket is None or bucket.restore_rate <= 0:
            return
        missing = min(cost, bucket.maximum) - bucket.level(self._clock())
        if missing > 0:
            self._sleep(missing / bucket.restore_rate)

    def _observe(self, body: Mapping[str, Any], document: str) -> None:
        cost = _cost(body)
        requested = cost.get("requestedQueryCost")
        if isinstance(requested, int | float):
            self._costs[document] = int(requested)
        status = cost.get("throttleStatus")
        if isinstance(status, Mapping):
            try:
                self._bucket = _Bucket(
                    float(status["currentlyAvailable"]),
                    float(status["maximumAvailable"]),
                    float(status["restoreRate"]),
                    self._clock(),
                )
            except (KeyError, TypeError, ValueError):
                log.debug("Shopify throttleStatus without the usual numbers")

    def _deficit_wait(self, body: Mapping[str, Any]) -> float:
        cost = _cost(body)
        status = cost.get("throttleStatus") or {}
        try:
            missing = float(cost["requestedQueryCost"]) - float(status["currentlyAvailable"])
            return max(0.05, missing / float(status["restoreRate"]))
        except (KeyError, TypeError, ValueError, ZeroDivisionError):
            return 1.0

    def _throttle_wait(self, response: httpx.Response) -> float | None:
        """A 429: Shopify's ``Retry-After`` (REST style) or the GraphQL cost deficit."""
        self.throttled_seen += 1
        told = header_seconds(response, "Retry-After")
        if told is not None:
            return told
        body = json_or_none(response)
        return self._deficit_wait(body) if isinstance(body, Mapping) and _cost(body) else None

    # -- answers -------------------------------------------------------------------------

    def _note_version(self, response: httpx.Response) -> None:
        served = response.headers.get("X-Shopify-API-Version", "")
        if served and served != self.api_version and served not in self._version_warned:
            self._version_warned.add(served)
            log.warning(
                "Shopify answered with API version %s instead of the pinned %s "
                "(the pinned version is no longer supported; update the app)",
                served,
                self.api_version,
            )

    def _check_status(self, response: httpx.Response) -> None:
        status = response.status_code
        if status >= 400:
            request_id = response.headers.get("X-Request-Id", "")
            log.info("Shopify HTTP %s (request id %s)", status, request_id or "none")
        refuse(
            HTTP_REFUSALS,
            status,
            login_help=CLIENT_HELP if self.uses_client_credentials else TOKEN_HELP,
            reason=response_text(response),
            shop=self.shop_url,
        )

    def _decode(self, response: httpx.Response, write: bool) -> dict[str, Any]:
        return dict(read_json(response, SERVICE, write=write, shape=dict))


def _cost(body: Mapping[str, Any]) -> Mapping[str, Any]:
    extensions = body.get("extensions")
    cost = extensions.get("cost") if isinstance(extensions, Mapping) else None
    return cost if isinstance(cost, Mapping) else {}


def _only_denials(errors: Any) -> bool:
    return isinstance(errors, list) and all(
        isinstance(e, Mapping) and (e.get("extensions") or {}).get("code") == "ACCESS_DENIED"
        for e in errors
    )
