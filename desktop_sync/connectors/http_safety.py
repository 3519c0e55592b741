"""Guards every connector shares: no secrets over plain HTTP, no secrets in debug logs."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from desktop_sync.connectors.errors import BadAddress

__all__ = ["check_api_url", "is_loopback", "redact_headers"]

_SECRET_WORDS = ("key", "token", "secret", "auth", "password", "cookie")
_MASK = "***"


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address, IPv6 in brackets or not) is this computer."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_api_url(url: str, service: str) -> str:
    """``url`` without a trailing slash, if it is safe to send credentials to.

    Plain ``http://`` is refused unless the host is this computer (the local emulators use it);
    anything else would send the merchant's API key across the network unencrypted. Raises
    ``BadAddress`` with the sentence.
    """
    text = url.strip()
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if scheme not in ("http", "https") or not host:
        raise BadAddress(
            f"The {service} address is not a valid web address; "
            "enter it as https://... and try again.",
            service=service,
        )
    if scheme == "http" and not is_loopback(host):
        raise BadAddress(
            f"The {service} address must start with https:// so your API key is sent "
            "encrypted; change http:// to https:// and try again.",
            service=service,
        )
    return text.rstrip("/")


def redact_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    """A copy of ``headers`` safe for a debug log: secret-bearing values are masked."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    redacted: dict[str, str] = {}
    for name, value in items:
        lowered = name.lower()
        secret = any(word in lowered for word in _SECRET_WORDS)
        redacted[name] = _MASK if secret else value
    return redacted
