"""Stand-ins shared by the connector tests."""

from __future__ import annotations


class FakeTime:
    """A monotonic clock that only moves when the code under test sleeps: nobody waits, and
    every sleep is recorded."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
