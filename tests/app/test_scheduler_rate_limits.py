"""A cycle cut short by a rate limit is no failure: the side answered and said how long to wait
(Order Desk's ``X-Retry-After``, a store's ``Retry-After``), so the scheduler comes back after
that wait, not after the back-off of a side that cannot be reached (which doubled up to 15
minutes while Order Desk asked for one second). On an injected clock, no sleeping."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from desktop_sync.app.scheduler import ONE_STORE, Scheduler, SchedulerEvent
from desktop_sync.engine.events import CycleResult, Health, PullResult, PushResult
from tests.app.test_scheduler import Clock, Log

ASKED = 1.0
"""Seconds each rate-limited cycle's 429 asked for."""


@dataclass
class LimitedEngine:
    """A stand-in with the engine's shape whose cycles ``limited(seconds)`` says are cut short
    by a rate limit (Order Desk's, as the engine reports it: a side's trouble, and the wait)."""

    clock: Clock
    limited: Callable[[float], bool]
    cycles: list[float] = field(default_factory=list)
    journal: Log = field(default_factory=Log)

    def run_cycle(
        self, *, push: bool = True, pull: bool = True, give_way: Callable[[], bool] | None = None
    ) -> CycleResult:
        self.cycles.append(self.clock.seconds)
        if self.limited(self.clock.seconds):
            return CycleResult(
                Health.ORDERDESK_OFFLINE,
                "Order Desk kept asking Desktop Sync to slow down; it will try again in a moment.",
                finished_at=self.clock.now,
                rate_limited=ASKED,
            )
        return CycleResult(
            Health.OK,
            push=PushResult(sent=1) if push else None,
            pull=PullResult() if pull else None,
            finished_at=self.clock.now,
        )

    def retry(self, order_number: str | None = None) -> int:
        return 0


def gaps_of(engine: LimitedEngine, *, interval: float, until: float) -> list[float]:
    clock, events = engine.clock, list[SchedulerEvent]()
    made = Scheduler(
        push_seconds=interval, pull_seconds=interval, on_event=events.append, clock=clock
    )
    made.add_store(ONE_STORE, engine)
    while clock.seconds <= until:
        made.step()
        clock.wait(made.seconds_to_next())
    return [round(b - a, 3) for a, b in itertools.pairwise(engine.cycles)]


def test_after_a_rate_limited_cycle_the_next_comes_when_the_server_asked_not_after_a_backoff() -> (
    None
):
    clock = Clock()
    engine = LimitedEngine(clock, limited=lambda seconds: seconds < 5)
    gaps = gaps_of(engine, interval=0.2, until=10)
    limited = [gap for at, gap in zip(engine.cycles, gaps, strict=False) if at < 5]
    assert limited and all(gap == ASKED for gap in limited)  # never doubling past it
    assert gaps[-1] == 0.2  # no longer limited: back to the interval


def test_a_long_rate_limit_is_retried_no_later_than_the_interval_however_long_it_lasts() -> None:
    clock = Clock()
    engine = LimitedEngine(clock, limited=lambda seconds: seconds < 1800)
    gaps = gaps_of(engine, interval=120, until=2400)
    assert max(gaps) <= 120  # the failure back-off would have grown to 15 minutes
    assert gaps[0] == ASKED  # the first try again comes as soon as the server allows
