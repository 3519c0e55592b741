"""Typed errors every connector raises; the engine knows nothing of HTTP beyond these.

Each error carries one sentence a merchant can read (``str(error)``): what happened and what
to do next. Secrets never appear in these messages.
"""

from __future__ import annotations

__all__ = [
    "ORDERDESK",
    "Ambiguous",
    "AuthError",
    "ConnectorError",
    "RateLimited",
    "Rejected",
    "Transient",
]


class ConnectorError(Exception):
    """Base of all connector errors. ``service`` names the remote side ("Order Desk", ...)."""

    def __init__(self, message: str, *, service: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.service = service

    def __str__(self) -> str:
        return self.message


class AuthError(ConnectorError):
    """The credentials were refused (bad, revoked, or missing a permission)."""


class RateLimited(ConnectorError):
    """The remote side asked us to slow down and the client gave up waiting."""

    def __init__(self, message: str, *, service: str = "", retry_after: float = 1.0) -> None:
        super().__init__(message, service=service)
        self.retry_after = retry_after


class Transient(ConnectorError):
    """A temporary failure (5xx, timeout, connection error, garbled body); safe to retry later."""


class Rejected(ConnectorError):
    """The remote side refused this one request for a reason that retrying will not fix.

    ``reason`` is the remote side's own words, cleaned up for display.
    """

    def __init__(self, reason: str, *, service: str = "", status_code: int | None = None) -> None:
        super().__init__(reason, service=service)
        self.reason = reason
        self.status_code = status_code


class Ambiguous(ConnectorError):
    """A write whose outcome is unknown (sent, then timeout/connection loss/5xx).

    The caller must look the object up before sending it again.
    """


ORDERDESK = "Order Desk"
"""The ``service`` name the Order Desk client puts on its errors."""
