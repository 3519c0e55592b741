"""A client-side token bucket that mirrors Order Desk's (20 tokens, 3 per second, per store)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from desktop_sync.connectors import waits

__all__ = ["TokenBucket", "limiter_for"]

# Smallest pause between re-checks, so float rounding cannot spin the loop in acquire().
_MIN_WAIT = 0.001


class TokenBucket:
    """Paces requests so a healthy sync never sees a 429.

    ``acquire()`` spends one token, waiting (through the injected ``sleep``) until one is free;
    ``observe_remaining()`` lowers the local count to what the server reported, and
    ``pause_for()`` honours a 429's retry-after. ``reserve`` tokens are never spent, so a clock
    that runs a little faster than the server's, or a request another thread has in flight,
    does not tip the server's bucket into a 429. Thread-safe: a GUI "Verify Connection" and a
    sync worker may share one bucket (see ``limiter_for``); the lock is never held while
    sleeping, and the default ``sleep`` ends with ``Cancelled`` when the sync is stopped.
    """

    def __init__(
        self,
        capacity: int = 20,
        refill_per_second: float = 3.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = waits.sleep,
        reserve: int = 1,
    ) -> None:
        if capacity < 1 or refill_per_second <= 0:
            raise ValueError("capacity and refill_per_second must be positive")
        if not 0 <= reserve < capacity:
            raise ValueError("reserve must be at least 0 and below capacity")
        self.capacity = capacity
        self.refill_per_second = refill_per_second
        self.reserve = reserve
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = float(capacity)
        self._updated = clock()
        self._paused_until = self._updated
        self.waited = 0.0
        """Total seconds ``acquire`` has spent waiting (diagnostics)."""

    @property
    def tokens(self) -> float:
        """Tokens the bucket believes are available now (including the reserve)."""
        with self._lock:
            self._refill(self._clock())
            return self._tokens

    def acquire(self) -> None:
        """Spend one token, waiting first if the bucket (or a 429 pause) says so."""
        while True:
            with self._lock:
                now = self._clock()
                self._refill(now)
                if now < self._paused_until:
                    wait = self._paused_until - now
                else:
                    needed = 1.0 + self.reserve
                    if self._tokens >= needed:
                        self._tokens -= 1.0
                        return
                    wait = (needed - self._tokens) / self.refill_per_second
                wait = max(wait, _MIN_WAIT)
                self.waited += wait
            self._sleep(wait)

    def observe_remaining(self, remaining: int) -> None:
        """Take the server's ``X-Tokens-Remaining`` into account: never believe in more."""
        with self._lock:
            self._refill(self._clock())
            self._tokens = max(0.0, min(self._tokens, float(remaining)))

    def pause_for(self, seconds: float) -> None:
        """After a 429: spend nothing for ``seconds``; the server's bucket is empty."""
        with self._lock:
            now = self._clock()
            self._refill(now)
            self._tokens = 0.0
            self._updated = now
            self._paused_until = max(self._paused_until, now + max(0.0, seconds))

    def _refill(self, now: float) -> None:
        elapsed = now - self._updated
        if elapsed > 0:
            self._tokens = min(
                float(self.capacity), self._tokens + elapsed * self.refill_per_second
            )
            self._updated = now


_registry: dict[str, TokenBucket] = {}
_registry_lock = threading.Lock()


def limiter_for(store_id: str) -> TokenBucket:
    """The one process-wide bucket of an Order Desk store: Order Desk limits per store."""
    key = str(store_id).strip()
    with _registry_lock:
        bucket = _registry.get(key)
        if bucket is None:
            bucket = _registry[key] = TokenBucket()
        return bucket
