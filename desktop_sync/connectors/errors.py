"""Typed errors every connector raises; the engine knows nothing of HTTP beyond these.

Each error carries one sentence a merchant can read (``str(error)``): what happened and what
to do next, and a short ``title`` for a heading. Secrets never appear in either.

``Cancelled`` is not a connector error: it says the merchant stopped the sync (Quit, Pause,
Ctrl-C) while a connector waited, so the engine ends its cycle instead of reporting trouble.
"""

from __future__ import annotations

from desktop_sync.errors import DesktopSyncError

__all__ = [
    "ORDERDESK",
    "Ambiguous",
    "AuthError",
    "BadAddress",
    "Cancelled",
    "ConnectorError",
    "DuplicateOrder",
    "RateLimited",
    "Rejected",
    "Transient",
]

ORDERDESK = "Order Desk"
"""The ``service`` name the Order Desk client puts on its errors."""


class ConnectorError(DesktopSyncError):
    """Base of all connector errors. ``service`` names the remote side ("Order Desk", ...)."""

    heading = "Connection problem"

    def __init__(self, message: str, *, service: str = "") -> None:
        title = f"{service}: {self.heading}" if service else self.heading
        super().__init__(message, title=title)
        self.service = service


class AuthError(ConnectorError):
    """The credentials were refused (bad, revoked, or missing a permission)."""

    heading = "Sign-in refused"


class RateLimited(ConnectorError):
    """The remote side asked us to slow down and the client gave up waiting; ``retry_after``
    is how many seconds the client holds off before it asks again."""

    heading = "Too many requests"

    def __init__(self, message: str, *, service: str = "", retry_after: float = 1.0) -> None:
        super().__init__(message, service=service)
        self.retry_after = retry_after


class Transient(ConnectorError):
    """A temporary failure (5xx, timeout, connection error, garbled body); safe to retry later."""

    heading = "Temporarily unreachable"


class Rejected(ConnectorError):
    """The remote side refused this one request for a reason that retrying will not fix.

    ``reason`` is the remote side's own words, cleaned up for display.
    """

    heading = "Request refused"

    def __init__(self, reason: str, *, service: str = "", status_code: int | None = None) -> None:
        super().__init__(reason, service=service)
        self.reason = reason
        self.status_code = status_code


class DuplicateOrder(Rejected):
    """The remote side refused a new order as a duplicate of one it has;
    ``existing_order_id`` names that order when the refusal says which it is."""

    heading = "Order already there"

    def __init__(
        self,
        reason: str,
        *,
        existing_order_id: str | None = None,
        service: str = ORDERDESK,
        status_code: int | None = None,
    ) -> None:
        super().__init__(reason, service=service, status_code=status_code)
        self.existing_order_id = existing_order_id


class Ambiguous(ConnectorError):
    """A write whose outcome is unknown (sent, then timeout/connection loss/5xx).

    The caller must look the object up before sending it again.
    """

    heading = "Change not confirmed"


class BadAddress(ConnectorError, ValueError):
    """A service address the app will not send credentials to (not a web address, or plain
    ``http://`` to another computer). Also a ``ValueError`` only so callers written before
    the error root still catch it; catch ``BadAddress`` (or ``ConnectorError``) instead."""

    heading = "Address not usable"


class Cancelled(DesktopSyncError):
    """The sync was stopped while a connector waited (a pause, a back-off, a request in
    flight). Nothing is lost: ``maybe_sent`` says a request was on the wire when it was given
    up, so a write cut short is looked up before it is sent again, as after any unconfirmed
    write; without it, nothing left this computer."""

    title = "Stopped"

    def __init__(
        self,
        message: str = "The sync was stopped before it finished; it carries on where it left "
        "off at the next sync.",
        *,
        maybe_sent: bool = False,
    ) -> None:
        super().__init__(message)
        self.maybe_sent = maybe_sent
