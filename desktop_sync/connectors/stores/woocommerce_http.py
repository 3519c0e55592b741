"""Talking to a WooCommerce site's REST API: the site address, API-key auth (Basic, or the
query-string fallback), and WordPress error bodies turned into the connector's typed errors.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from desktop_sync.connectors import waits
from desktop_sync.connectors.errors import AuthError, BadAddress, Rejected, Transient
from desktop_sync.connectors.http import header_seconds
from desktop_sync.connectors.retry import Backoff
from desktop_sync.connectors.stores.http import StoreHttp

__all__ = ["SERVICE", "WooRest", "check", "json_or_none", "normalise_site_url"]

SERVICE = "WooCommerce"
_KEYS_HELP = (
    "create a key with Read/Write permission under WooCommerce > Settings > Advanced > "
    "REST API and enter it again"
)
# What a merchant may paste instead of the site's address: admin pages, the API root.
_SITE_SUFFIX = re.compile(r"/(wp-admin|wp-json|wp-login\.php|index\.php)(/.*)?$", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def normalise_site_url(url: str) -> str:
    """The site root from what a merchant typed: ``https://`` added if missing, admin and API
    paths dropped, a sub-directory install kept. Plain http is refused by ``StoreHttp``."""
    text = url.strip()
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    path = _SITE_SUFFIX.sub("", parts.path).rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, "", ""))


class WooRest:
    """Requests to ``{site}/wp-json/...`` with the key, answers checked and parsed.

    JSON numbers with a fraction are read as ``Decimal`` (line prices are numbers).
    """

    def __init__(
        self,
        site_url: str,
        consumer_key: str,
        consumer_secret: str,
        *,
        auth_in_query: bool = False,
        min_interval: float = 0.25,
        sleep: Callable[[float], None] = waits.sleep,
        backoff: Backoff | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.site_url = normalise_site_url(site_url)
        headers: dict[str, str] = {}
        self._auth_params: dict[str, str] = {}
        if auth_in_query:
            # StoreHttp logs paths without their query; httpx logs whole URLs, so mask there.
            _mask_query_credentials_in_httpx_log()
            self._auth_params = {"consumer_key": consumer_key, "consumer_secret": consumer_secret}
        else:
            token = base64.b64encode(f"{consumer_key}:{consumer_secret}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        common: dict[str, Any] = {
            "service": SERVICE,
            "retry_after": _retry_after,
            "on_response": lambda response: min_interval,
            "backoff": backoff,
            "sleep": sleep,
            "transport": transport,
            "timeout": timeout,
        }
        try:
            self._api = StoreHttp(self.site_url, headers=headers, **common)
            # The WordPress index is public, and recent WooCommerce refuses API keys outside
            # its own namespaces, so it is asked without credentials.
            self._public = StoreHttp(self.site_url, **common)
        except BadAddress as exc:
            sentence = str(exc).replace(SERVICE, "WooCommerce store")
            raise BadAddress(sentence, service=SERVICE) from None

    def close(self) -> None:
        self._api.close()
        self._public.close()

    def index(self) -> httpx.Response:
        """``GET /wp-json/`` without credentials; the caller reads it (it may not be JSON)."""
        return self._public.request("GET", "wp-json/", idempotent=True)

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> httpx.Response:
        """A read, retried on server trouble; the answer is not checked (see ``json``)."""
        merged = {**(params or {}), **self._auth_params}
        return self._api.request("GET", f"wp-json/{path}", params=merged, idempotent=True)

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.json(self.get(path, params))

    def write(self, method: str, path: str, body: Any, *, idempotent: bool = False) -> Any:
        """A write, never repeated blindly (``Ambiguous`` when unconfirmed); its parsed answer."""
        response = self._api.request(
            method, f"wp-json/{path}", params=self._auth_params, json=body, idempotent=idempotent
        )
        return self.json(response)

    def json(self, response: httpx.Response) -> Any:
        check(response)
        body = json_or_none(response)
        if body is None:
            raise Transient(
                "The WooCommerce store sent a reply the app could not read (often a plugin "
                "printing a PHP warning); the sync will try again shortly.",
                service=SERVICE,
            )
        return body


def check(response: httpx.Response) -> None:
    """WordPress's ``{"code","message","data":{"status"}}`` as typed errors: 401/403 refuse the
    key, other JSON errors reject the request, and HTML error pages are temporary."""
    status = response.status_code
    if status < 400:
        return
    body = json_or_none(response)
    code = str(body.get("code") or "") if isinstance(body, Mapping) else ""
    message = _TAG.sub("", str(body.get("message") or "")).strip() if code else ""
    if status in (401, 403):
        raise AuthError(_auth_message(status, code, message), service=SERVICE)
    if not code:  # an HTML page from the host, a proxy or a firewall
        raise Transient(
            f"The WooCommerce store answered with an error page (HTTP {status}) instead of "
            "data; the sync will try again shortly.",
            service=SERVICE,
        )
    raise Rejected(
        f"WooCommerce refused the request: {message or code}", service=SERVICE, status_code=status
    )


def _auth_message(status: int, code: str, message: str) -> str:
    if "write permissions" in message:
        return (
            "The WooCommerce API key is read-only; edit it under WooCommerce > Settings > "
            "Advanced > REST API, set Permissions to Read/Write, and try again."
        )
    if code == "woocommerce_rest_authentication_error":
        return f"WooCommerce refused the API key ({message.rstrip('.')}); {_KEYS_HELP}."
    if code.startswith("woocommerce_rest_cannot"):
        return (
            "WooCommerce did not recognise the consumer key, or its user lacks the rights "
            f"(a shop manager or administrator is needed); {_KEYS_HELP}."
        )
    if not code and status == 403:
        return (
            "The store's firewall or security plugin blocked the app (HTTP 403); ask your host "
            "to allow requests to /wp-json/wc/, then try again."
        )
    return f"WooCommerce refused the API key ({message or f'HTTP {status}'}); {_KEYS_HELP}."


_QUERY_SECRET = re.compile(r"(consumer_(?:key|secret)=)[^&\s\"']+")


class _MaskQueryCredentials(logging.Filter):
    """Masks ``consumer_key``/``consumer_secret`` values in httpx's request log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if "consumer_" in record.getMessage():
            record.msg = _QUERY_SECRET.sub(r"\1***", record.getMessage())
            record.args = ()
        return True


def _mask_query_credentials_in_httpx_log() -> None:
    logger = logging.getLogger("httpx")
    if not any(isinstance(f, _MaskQueryCredentials) for f in logger.filters):
        logger.addFilter(_MaskQueryCredentials())


def json_or_none(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content, parse_float=Decimal)
    except ValueError:
        return None


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds from ``Retry-After`` (a number or an HTTP date); the HTTP layer caps it."""
    return header_seconds(response, "Retry-After")
