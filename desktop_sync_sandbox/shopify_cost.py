"""Shopify's calculated query cost for the emulator: the single-query cap, the bucket of points
every query spends from (refunded down to its actual cost), and the ``THROTTLED`` answer."""

from __future__ import annotations

from typing import Any

from desktop_sync_sandbox.server import Response, ScaledClock, json_response

__all__ = ["MAX_QUERY_COST", "CostBucket"]

MAX_QUERY_COST = 1000


class CostBucket:
    """``maximum`` points, refilled at ``restore_rate`` points per emulated second.

    ``restoreRate`` in the answers' ``throttleStatus`` is in real points per second
    (``restore_rate`` times the clock's scale), so a client that paces itself from it waits
    the right amount when the emulator's clock runs fast."""

    def __init__(self, maximum: float, restore_rate: float, clock: ScaledClock) -> None:
        self.maximum = maximum
        self.restore_rate = restore_rate
        self._clock = clock
        self.available = maximum
        self._refilled_at = clock.now()

    def too_costly(self, requested: int) -> Response | None:
        """Shopify's ``MAX_COST_EXCEEDED`` answer when one query asks more than the cap."""
        if requested <= MAX_QUERY_COST:
            return None
        message = (
            f"Query cost is {requested}, which exceeds the single query max cost limit "
            f"({MAX_QUERY_COST})."
        )
        error = {
            "message": message,
            "extensions": {"code": "MAX_COST_EXCEEDED", "cost": requested, "maxCost": 1000},
        }
        return json_response(200, {"errors": [error], "extensions": self.extensions(requested)})

    def spend(self, requested: int) -> bool:
        """Take ``requested`` points, after refilling; False (nothing taken) when too few."""
        self._refill()
        if self.available < requested:
            return False
        self.available -= requested
        return True

    def refund(self, requested: int, actual: int) -> None:
        """Give back what a query asked for beyond what it turned out to cost."""
        self.available = min(self.maximum, self.available + max(0, requested - actual))

    def extensions(self, requested: int, actual: int | None = None) -> dict[str, Any]:
        """The ``extensions.cost`` of an answer."""
        return {
            "cost": {
                "requestedQueryCost": requested,
                "actualQueryCost": actual,
                "throttleStatus": {
                    "maximumAvailable": self.maximum,
                    "currentlyAvailable": int(self.available),
                    "restoreRate": self.restore_rate * self._clock.scale,
                },
            }
        }

    def throttled(self, requested: int, available: float, status: int) -> Response:
        """The ``THROTTLED`` answer (HTTP ``status``) saying ``available`` points are left."""
        extensions = self.extensions(requested)
        extensions["cost"]["throttleStatus"]["currentlyAvailable"] = int(available)
        error = {
            "message": "Throttled",
            "extensions": {
                "code": "THROTTLED",
                "documentation": "https://shopify.dev/api/usage/rate-limits",
            },
        }
        return json_response(status, {"errors": [error], "extensions": extensions})

    def _refill(self) -> None:
        now = self._clock.now()
        self.available = min(
            self.maximum, self.available + (now - self._refilled_at) * self.restore_rate
        )
        self._refilled_at = now
