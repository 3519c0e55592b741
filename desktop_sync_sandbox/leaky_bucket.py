"""A leaky-bucket rate limit for emulators (Order Desk: 20 tokens at 3/s; Shopify works alike),
one bucket per key. Times are the emulator's (possibly sped-up) clock; callers hold their lock."""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["LeakyBucket"]


@dataclass
class _Level:
    tokens: float
    updated: float


class LeakyBucket:
    """``tokens = min(size, tokens + rate * elapsed)``; a request needs and spends one token."""

    def __init__(self, size: int, per_second: float) -> None:
        self.size = size
        self.per_second = per_second
        self._levels: dict[str, _Level] = {}

    def take(self, key: str, now: float) -> float | None:
        """Spend a token; or, when there is none, spend nothing and return the wait in clock
        seconds: ``max(1, ceil((1 - tokens) / rate))``."""
        level = self._refill(key, now)
        if level.tokens >= 1:
            level.tokens -= 1
            return None
        return float(max(1, math.ceil((1 - level.tokens) / self.per_second)))

    def spend(self, key: str, now: float) -> None:
        """Spend a token even when there is none left (a limit that is switched off)."""
        level = self._refill(key, now)
        level.tokens = max(0.0, level.tokens - 1)

    def remaining(self, key: str, now: float) -> int:
        """Whole tokens left for ``key``; a key never seen has a full bucket."""
        if key not in self._levels:
            return self.size
        return math.floor(self._refill(key, now).tokens)

    def _refill(self, key: str, now: float) -> _Level:
        level = self._levels.setdefault(key, _Level(float(self.size), now))
        elapsed = max(0.0, now - level.updated)
        level.tokens = min(float(self.size), level.tokens + elapsed * self.per_second)
        level.updated = now
        return level
