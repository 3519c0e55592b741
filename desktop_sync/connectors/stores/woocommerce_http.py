"""Talking to a WooCommerce site's REST API: the site address, API-key auth (Basic, or the
query-string fallback), and WordPress error bodies turned into the connector's typed errors.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import logging
import re
import secrets
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import httpx

from desktop_sync.connectors.errors import Ambiguous, AuthError, BadAddress, Rejected, Transient
from desktop_sync.connectors.http import header_seconds
from desktop_sync.connectors.stores.answers import json_or_none, read_json
from desktop_sync.connectors.stores.http import PRODUCT_HTTP, HttpSettings
from desktop_sync.connectors.stores.refusals import Refusal, Refusals

__all__ = [
    "REFUSALS",
    "SERVICE",
    "AuthMode",
    "WooRest",
    "check",
    "error_code",
    "normalise_site_url",
]

log = logging.getLogger(__name__)

PLATFORM = "woocommerce"
"""This connector's platform id (the registry in ``app.platforms`` agrees; never read here)."""
SERVICE = "WooCommerce"
"""What the merchant calls the platform, in every sentence."""
_KEYS_HELP = (
    "create a key with Read/Write permission under WooCommerce > Settings > Advanced > "
    "REST API and enter it again"
)
_PHP_WARNING = " (often a plugin printing a PHP warning)"
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


class AuthMode(enum.Enum):
    """How the key travels. WooCommerce honours the first two only where WordPress believes
    the request came over HTTPS (``is_ssl()``); behind a proxy that ends TLS it wants an
    OAuth 1.0a signature made for the ``http://`` address it believes it has."""

    HEADER = "header"
    """Basic auth in the ``Authorization`` header (the default)."""
    QUERY = "query"
    """``consumer_key``/``consumer_secret`` in the query string, for servers that strip the
    ``Authorization`` header."""
    SIGNED = "signed"
    """OAuth 1.0a (HMAC-SHA256) for the ``http://`` address, for a proxy that ends TLS."""


# WooCommerce's answers to a request it saw no key on at all (not to a wrong key).
_UNAUTHENTICATED = (
    "woocommerce_rest_cannot_view",
    "woocommerce_rest_cannot_create",
    "woocommerce_rest_cannot_edit",
    "woocommerce_rest_cannot_delete",
)
# Answers of a web server that does not pass the method on to WordPress (ModSecurity, some
# Apache and IIS setups): nothing was done, so the request may go again, overridden.
_METHOD_REFUSED = (405, 501)


class WooRest:
    """Requests to ``{site}/wp-json/...`` with the key, answers checked and parsed.

    It recovers by itself, once per session: a request answered as if it carried no key is
    sent again with the key in the query string, then signed (see ``AuthMode``), and the way
    that worked is kept; a ``PUT`` a server refuses with 405 or 501 goes again as a ``POST``
    with WordPress's ``_method`` override, and so do later ones.

    JSON numbers with a fraction are read as ``Decimal`` (line prices are numbers).
    """

    def __init__(
        self,
        site_url: str,
        consumer_key: str,
        consumer_secret: str,
        *,
        auth_in_query: bool = False,
        method_override: bool = False,
        min_interval: float = 0.25,
        http: HttpSettings = PRODUCT_HTTP,
    ) -> None:
        self._key, self._secret = consumer_key, consumer_secret
        self.mode = AuthMode.QUERY if auth_in_query else AuthMode.HEADER
        self._fixed_mode = auth_in_query
        self.method_override = method_override
        """Writes other than POST go as POST with ``_method`` (set when a server refused one)."""
        self._last_status = 0
        # StoreHttp logs paths without their query; httpx logs whole URLs, so mask there.
        _mask_query_credentials_in_httpx_log()
        token = base64.b64encode(f"{consumer_key}:{consumer_secret}".encode()).decode()
        self._header = {"Authorization": f"Basic {token}"}
        self._settings = http
        self._hooks: dict[str, Any] = {
            "retry_after": _retry_after,
            "on_response": lambda response: self._saw(response, min_interval),
        }
        self._connect(normalise_site_url(site_url))

    def _connect(self, site_url: str) -> None:
        try:
            self._api = self._settings.client(
                site_url, service=SERVICE, headers=self._header, **self._hooks
            )
            # The WordPress index is public, and recent WooCommerce refuses API keys outside
            # its own namespaces, so it is asked without credentials; the query-string and
            # signed modes use this client too.
            self._public = self._settings.client(site_url, service=SERVICE, **self._hooks)
        except BadAddress as exc:
            sentence = str(exc).replace(SERVICE, "WooCommerce store")
            raise BadAddress(sentence, service=SERVICE) from None
        self.site_url = site_url

    def move_to(self, site_url: str) -> None:
        """Talk to ``site_url`` from now on (the site's own canonical address)."""
        self.close()
        self._connect(normalise_site_url(site_url))

    def _saw(self, response: httpx.Response, pause: float) -> float:
        self._last_status = response.status_code
        return pause

    def close(self) -> None:
        self._api.close()
        self._public.close()

    def index(self) -> httpx.Response:
        """``GET /wp-json/`` without credentials; the caller reads it (it may not be JSON)."""
        return self._public.request("GET", "wp-json/", idempotent=True)

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> httpx.Response:
        """A read, retried on server trouble; the answer is not checked (see ``json``)."""
        return self._send("GET", path, params or {}, None, idempotent=True)

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.json(self.get(path, params))

    def write(self, method: str, path: str, body: Any, *, idempotent: bool = False) -> Any:
        """A write, never repeated blindly (``Ambiguous`` when unconfirmed); its parsed answer."""
        if method != "POST" and not self.method_override:
            self._last_status = 0  # so a lost answer is never taken for a refusal
            try:
                response = self._send(method, path, {}, body, idempotent=idempotent)
            except Ambiguous:
                if self._last_status not in _METHOD_REFUSED:
                    raise
                response = httpx.Response(self._last_status)
            if response.status_code not in _METHOD_REFUSED or json_or_none(response):
                return self.json(response)
            # Refused by the web server before WordPress saw it: nothing was done.
            log.info("The web server refused %s; sending it as POST with _method", method)
            self.method_override = True
        if method != "POST":
            params = {"_method": method}
            return self.json(self._send("POST", path, params, body, idempotent=idempotent))
        return self.json(self._send(method, path, {}, body, idempotent=idempotent))

    def _send(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any],
        body: Any,
        *,
        idempotent: bool,
    ) -> httpx.Response:
        """One request in the current ``mode``; answered as if it had no key, once in each
        other mode (a 401 was not processed, so even a write may go again)."""
        first = self.mode
        tried = [first]
        while True:
            response = self._in_mode(self.mode, method, path, params, body, idempotent)
            if not (response.status_code == 401 and error_code(response) in _UNAUTHENTICATED):
                if self.mode is not first:
                    log.info("WooCommerce took the key in %s mode; keeping it", self.mode.value)
                return response
            untried = [m for m in AuthMode if m not in tried]
            if self._fixed_mode or not untried:
                self.mode = first
                return response
            self.mode = untried[0]
            tried.append(self.mode)

    def _in_mode(
        self,
        mode: AuthMode,
        method: str,
        path: str,
        params: Mapping[str, Any],
        body: Any,
        idempotent: bool,
    ) -> httpx.Response:
        url_path = f"wp-json/{path}"
        if mode is AuthMode.HEADER:
            return self._api.request(
                method, url_path, params=params, json=body, idempotent=idempotent
            )
        if mode is AuthMode.QUERY:
            merged = {**params, "consumer_key": self._key, "consumer_secret": self._secret}
        else:
            merged = self._signed(method, url_path, params)
        return self._public.request(
            method, url_path, params=merged, json=body, idempotent=idempotent
        )

    def _signed(self, method: str, url_path: str, params: Mapping[str, Any]) -> dict[str, str]:
        """``params`` with an OAuth 1.0a signature (RFC 5849, consumer key only, HMAC-SHA256)
        for the ``http://`` address: what WooCommerce checks when it believes TLS is off."""
        signed = {str(k): str(v) for k, v in params.items()}
        signed.update(
            oauth_consumer_key=self._key,
            oauth_timestamp=str(int(time.time())),
            oauth_nonce=secrets.token_hex(16),
            oauth_signature_method="HMAC-SHA256",
        )
        parts = urlsplit(self.site_url)
        base_url = f"http://{parts.netloc}{parts.path}/{url_path}"
        pairs = sorted((_rfc3986(k), _rfc3986(v)) for k, v in signed.items())
        text = "&".join(f"{k}={v}" for k, v in pairs)
        base = f"{method.upper()}&{_rfc3986(base_url)}&{_rfc3986(text)}"
        digest = hmac.new(f"{self._secret}&".encode(), base.encode(), hashlib.sha256).digest()
        signed["oauth_signature"] = base64.b64encode(digest).decode()
        return signed

    def json(self, response: httpx.Response) -> Any:
        """The answer's JSON (money as ``Decimal``) once ``check`` found it no refusal."""
        check(response)
        return read_json(
            response, SERVICE, why=" (often a plugin printing a PHP warning)", exact=True
        )


def _rfc3986(text: str) -> str:
    return quote(text, safe="~")


def error_code(response: httpx.Response) -> str:
    """The ``code`` of a WordPress error body ("" when it is none)."""
    body = json_or_none(response)
    return str(body.get("code") or "") if isinstance(body, Mapping) else ""


REFUSALS = Refusals(
    SERVICE,
    {
        "read-only key": Refusal(
            AuthError,
            "The WooCommerce API key is read-only; edit it under WooCommerce > Settings > "
            "Advanced > REST API, set Permissions to Read/Write, and try again.",
        ),
        "woocommerce_rest_authentication_error": Refusal(
            AuthError, f"WooCommerce refused the API key ({{said}}); {_KEYS_HELP}."
        ),
        "key not recognised": Refusal(
            AuthError,
            "WooCommerce did not recognise the consumer key, or its user lacks the rights "
            f"(a shop manager or administrator is needed); {_KEYS_HELP}.",
        ),
        # WooCommerce's own refusals all start "woocommerce_"; this one is WordPress's or a
        # plugin's.
        "blocked by a plugin": Refusal(
            AuthError,
            "A security plugin on the WordPress site blocks its REST API (it answered: "
            "{reason}); allow the WooCommerce REST API (/wp-json/wc/) in that plugin's "
            "settings, then try again.",
        ),
        "blocked by a firewall": Refusal(
            AuthError,
            "The store's firewall or security plugin blocked the app (HTTP 403); ask your host "
            "to allow requests to /wp-json/wc/, then try again.",
        ),
        "key refused": Refusal(
            AuthError, f"WooCommerce refused the API key ({{said}}); {_KEYS_HELP}."
        ),
        "error page": Refusal(
            Transient,
            "The WooCommerce store answered with an error page (HTTP {status}) instead of data; "
            "the sync will try again shortly.",
        ),
    },
    other=Refusal(Rejected, "WooCommerce refused the request: {reason}"),
)
"""What WordPress's ``{"code","message","data":{"status"}}`` refusals mean (``_refusal``)."""


def check(response: httpx.Response) -> None:
    """WordPress's error bodies as typed errors: 401/403 refuse the key, other JSON errors
    reject the request, and HTML error pages (a host, a proxy, a firewall) are temporary."""
    status = response.status_code
    if status < 400:
        return
    body = json_or_none(response)
    code = str(body.get("code") or "") if isinstance(body, Mapping) else ""
    message = _TAG.sub("", str(body.get("message") or "")).strip() if code else ""
    REFUSALS.refuse(
        _refusal(status, code, message),
        {"reason": message or code, "said": message.rstrip(".") or f"HTTP {status}"},
        status=status,
    )


def _refusal(status: int, code: str, message: str) -> str:
    """Which of ``REFUSALS`` a refusal is."""
    if status not in (401, 403):
        return "refused" if code else "error page"  # "refused": not in the table, ``other``
    if "write permissions" in message:
        return "read-only key"
    if code == "woocommerce_rest_authentication_error":
        return code
    if code.startswith("woocommerce_rest_cannot"):
        return "key not recognised"
    if code and not code.startswith("woocommerce_"):
        return "blocked by a plugin"
    return "blocked by a firewall" if not code and status == 403 else "key refused"


_QUERY_SECRET = re.compile(
    r"((?:consumer_(?:key|secret)|oauth_consumer_key|oauth_signature)=)[^&\s\"']+"
)


class _MaskQueryCredentials(logging.Filter):
    """Masks ``consumer_key``/``consumer_secret`` values in httpx's request log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if "consumer_" in record.getMessage() or "oauth_" in record.getMessage():
            record.msg = _QUERY_SECRET.sub(r"\1***", record.getMessage())
            record.args = ()
        return True


def _mask_query_credentials_in_httpx_log() -> None:
    logger = logging.getLogger("httpx")
    if not any(isinstance(f, _MaskQueryCredentials) for f in logger.filters):
        logger.addFilter(_MaskQueryCredentials())


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds from ``Retry-After`` (a number or an HTTP date); the HTTP layer caps it."""
    return header_seconds(response, "Retry-After")
