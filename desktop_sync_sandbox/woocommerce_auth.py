"""WooCommerce's REST authentication as the emulator plays it (``WC_REST_Authentication``):
Basic auth or query-string keys where WordPress believes the request came over HTTPS, else an
OAuth 1.0a signature made for the address WordPress believes it has.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from desktop_sync_sandbox.server import Request

__all__ = ["Credentials", "KeyCheck", "basic_credentials"]

_OAUTH = (
    "oauth_consumer_key",
    "oauth_timestamp",
    "oauth_nonce",
    "oauth_signature",
    "oauth_signature_method",
)
_WINDOW = 15 * 60


@dataclass(frozen=True)
class Credentials:
    """What a request carried: a consumer key, and whether its secret (or signature) held."""

    key: str
    error: str = ""
    """WooCommerce's message when the key was found but its secret or signature was wrong."""


@dataclass
class KeyCheck:
    consumer_key: str
    consumer_secret: str
    clock: Callable[[], float] = time.time
    _nonces: set[str] = field(default_factory=set)

    def credentials(
        self, request: Request, *, ssl: bool, raw_method: str, home: str
    ) -> Credentials | None:
        """The key the request authenticates with, or None when it carries none WooCommerce
        looks at (the request is then a visitor's)."""
        if ssl:
            key = request.query.get("consumer_key", "")
            secret = request.query.get("consumer_secret", "")
            if not (key and secret):
                key, secret = basic_credentials(request.header("authorization"))
            if key and secret and key == self.consumer_key:
                if secrets.compare_digest(secret, self.consumer_secret):
                    return Credentials(key)
                return Credentials(key, "Consumer secret is invalid.")
        return self._oauth(request, ssl=ssl, raw_method=raw_method, home=home)

    def _oauth(
        self, request: Request, *, ssl: bool, raw_method: str, home: str
    ) -> Credentials | None:
        params = dict(request.query_list)
        if not any(params.get(name) for name in _OAUTH):
            return None
        if params.get("oauth_consumer_key") != self.consumer_key:
            return Credentials("", "Consumer key is invalid.")
        given = params.pop("oauth_signature", "")
        scheme = "https" if ssl else "http"
        base_url = f"{scheme}://{home.split('://', 1)[1]}{request.path}"
        pairs = sorted((_enc(k), _enc(v)) for k, v in params.items())
        text = "&".join(f"{k}={v}" for k, v in pairs)
        base = f"{raw_method}&{_enc(base_url)}&{_enc(text)}"
        method = params.get("oauth_signature_method", "")
        if method not in ("HMAC-SHA1", "HMAC-SHA256"):
            return Credentials(
                self.consumer_key, "Invalid signature - signature method is invalid."
            )
        digest = hmac.new(
            f"{self.consumer_secret}&".encode(),
            base.encode(),
            hashlib.sha256 if method == "HMAC-SHA256" else hashlib.sha1,
        ).digest()
        if not hmac.compare_digest(base64.b64encode(digest).decode(), unquote(given)):
            return Credentials(
                self.consumer_key, "Invalid signature - provided signature does not match."
            )
        try:
            stamp = int(params["oauth_timestamp"])
        except ValueError:
            stamp = 0
        if abs(stamp - self.clock()) > _WINDOW:
            return Credentials(self.consumer_key, "Invalid timestamp.")
        if params["oauth_nonce"] in self._nonces:
            return Credentials(self.consumer_key, "Invalid nonce - nonce has already been used.")
        self._nonces.add(params["oauth_nonce"])
        return Credentials(self.consumer_key)


def _enc(text: str) -> str:
    return quote(text, safe="~")


def basic_credentials(header: str) -> tuple[str, str]:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "basic" or not token:
        return "", ""
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return "", ""
    key, _, secret = decoded.partition(":")
    return key, secret
