"""Shopify's client-credentials grant for the emulator: ``POST /admin/oauth/access_token``
hands a Dev Dashboard app's client ID and secret a 24-hour access token."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterable
from urllib.parse import parse_qsl

from desktop_sync_sandbox.server import Request, Response, ScaledClock, json_response

__all__ = ["TOKEN_LIFETIME", "ClientCredentialsGrant"]

TOKEN_LIFETIME = 86399


class ClientCredentialsGrant:
    """The tokens issued to ``client_id``/``client_secret``, each with its expiry on ``clock``;
    each token carries the shop's ``scopes()`` of the moment."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        clock: ScaledClock,
        scopes: Callable[[], Iterable[str]],
        lock: threading.RLock,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.requests = 0
        self.issued: dict[str, float] = {}
        """Token -> when it expires (on ``clock``)."""
        self._clock = clock
        self._scopes = scopes
        self._lock = lock

    def valid(self, token: str) -> bool:
        with self._lock:
            expiry = self.issued.get(token)
        return expiry is not None and expiry > self._clock.now()

    def expire_all(self) -> None:
        with self._lock:
            self.issued = dict.fromkeys(self.issued, float("-inf"))

    def answer(self, request: Request) -> Response:
        """The grant's answer: a new token, or OAuth's refusal."""
        if "json" in request.header("Content-Type"):
            body = request.json() or {}
        else:
            body = dict(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True))
        with self._lock:
            self.requests += 1
        if body.get("grant_type") != "client_credentials":
            return json_response(
                400,
                {"error": "unsupported_grant_type", "error_description": "grant_type is invalid"},
            )
        if body.get("client_id") != self.client_id or not secrets.compare_digest(
            str(body.get("client_secret", "")), self.client_secret
        ):
            # The real body is undocumented (reference, open question 1); OAuth's shape is a guess.
            return json_response(
                400,
                {
                    "error": "invalid_client",
                    "error_description": "Client authentication failed due to unknown client, "
                    "no client authentication included, or unsupported authentication method.",
                },
            )
        token = "shpat_" + secrets.token_hex(16)
        with self._lock:
            self.issued[token] = self._clock.now() + TOKEN_LIFETIME
        return json_response(
            200,
            {
                "access_token": token,
                "scope": ",".join(sorted(self._scopes())),
                "expires_in": TOKEN_LIFETIME,
            },
        )
