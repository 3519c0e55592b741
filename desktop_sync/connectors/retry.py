"""Exponential backoff with full jitter, shared by every connector and the engine."""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = ["Backoff"]


@dataclass(frozen=True)
class Backoff:
    """Delay before attempt ``n`` (1-based): a random value in [0, min(cap, base * 2**(n-1))].

    Full jitter (AWS architecture blog, "Exponential Backoff And Jitter") spreads retries of
    several clients apart; ``floor`` keeps a minimum pause so a retry is never immediate.
    """

    base: float = 0.5
    cap: float = 30.0
    floor: float = 0.05
    attempts: int = 4

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        ceiling = min(self.cap, self.base * (2 ** max(0, attempt - 1)))
        draw = (rng or random).uniform(0.0, ceiling)
        return max(self.floor, draw)
