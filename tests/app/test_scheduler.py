"""The scheduler alone (issue 20 "One scheduler", issue 23 item 2): when each direction runs,
Pause, Resume, Sync now, backoff and "connected again", on an injected clock, no sleeping."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from desktop_sync.app.scheduler import (
    ONE_STORE,
    ConnectedAgain,
    CycleFinished,
    HealthChanged,
    Retried,
    ScheduleChanged,
    Scheduler,
    SchedulerEvent,
)
from desktop_sync.engine.events import CycleResult, Health, PullResult, PushResult

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def wait(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    @property
    def seconds(self) -> float:
        return (self.now - START).total_seconds()


@dataclass
class Log:
    lines: list[str] = field(default_factory=list)

    def add_event(self, time: datetime, level: str, direction: str, message: str, /) -> None:
        self.lines.append(message)


@dataclass
class Engine:
    """A stand-in with the engine's shape: answers what ``answer`` says, records each cycle."""

    clock: Clock
    answer: Callable[[bool, bool], Health] = lambda push, pull: Health.OK
    cycles: list[tuple[float, bool, bool]] = field(default_factory=list)
    journal: Log = field(default_factory=Log)
    during: Callable[[], None] | None = None
    failed: int = 0

    def run_cycle(
        self, *, push: bool = True, pull: bool = True, give_way: Callable[[], bool] | None = None
    ) -> CycleResult:
        self.cycles.append((self.clock.seconds, push, pull))
        if self.during is not None:
            self.during()
        health = self.answer(push, pull)
        return CycleResult(
            health,
            "Order Desk is not answering." if health is Health.ORDERDESK_OFFLINE else "",
            push=PushResult(sent=1) if push and health is Health.OK else None,
            pull=PullResult() if pull and health is Health.OK else None,
            finished_at=self.clock.now,
        )

    def retry(self, order_number: str | None = None) -> int:
        count, self.failed = self.failed, 0
        return count


def scheduler(
    clock: Clock, events: list[SchedulerEvent], **options: object
) -> tuple[Scheduler, Engine]:
    values: dict[str, object] = {"push_seconds": 60, "pull_seconds": 90, **options}
    made = Scheduler(on_event=events.append, clock=clock, **values)  # type: ignore[arg-type]
    engine = Engine(clock)
    made.add_store(ONE_STORE, engine)
    return made, engine


def run_until(made: Scheduler, clock: Clock, seconds: float) -> None:
    """What ``run`` does, step by step, until the clock has gone ``seconds`` on."""
    while clock.seconds <= seconds:
        made.step()
        clock.wait(made.seconds_to_next())


def healths(events: list[SchedulerEvent]) -> list[Health]:
    return [e.health for e in events if isinstance(e, HealthChanged)]


def test_push_and_pull_each_run_on_their_own_interval() -> None:
    clock, events = Clock(), []
    made, engine = scheduler(clock, events)
    run_until(made, clock, 360)
    assert engine.cycles == [
        (0, True, True),
        (60, True, False),
        (90, False, True),
        (120, True, False),
        (180, True, True),
        (240, True, False),
        (270, False, True),
        (300, True, False),
        (360, True, True),
    ]
    schedule = next(e for e in events if isinstance(e, ScheduleChanged))
    assert (schedule.next_push, schedule.next_pull) == (
        START + timedelta(seconds=60),
        START + timedelta(seconds=90),
    )


def test_paused_nothing_runs_on_its_own_and_sync_now_runs_both_without_unpausing() -> None:
    clock, events = Clock(), []
    made, engine = scheduler(clock, events, paused=True)
    run_until(made, clock, 600)
    assert engine.cycles == []
    assert [e for e in events if isinstance(e, ScheduleChanged)][-1].next_push is None
    made.sync_now()
    made.step()
    assert engine.cycles == [(clock.seconds, True, True)]
    assert healths(events) == [Health.PAUSED]


def test_resume_during_a_running_cycle_shows_the_state_before_the_pause_at_once() -> None:
    # Issue 23 item 2: paused, Sync now, then Resume while that cycle ran: "Paused" stayed on
    # the banner, the cards and the tray until the cycle ended (about 2 min).
    clock, events = Clock(), []
    made, engine = scheduler(clock, events, paused=True)
    seen_during: list[list[Health]] = []

    def resume_mid_cycle() -> None:
        made.set_paused(False)  # from the GUI thread, while the engine works
        seen_during.append(healths(events))

    engine.during = resume_mid_cycle
    made.sync_now()
    made.step()
    assert seen_during == [[Health.PAUSED, Health.OK]]
    assert healths(events) == [Health.PAUSED, Health.OK]  # the cycle's end keeps it


def test_pause_mid_cycle_says_paused_at_once_and_resume_syncs_the_rest() -> None:
    clock, events = Clock(), []
    made, engine = scheduler(clock, events)
    engine.during = lambda: made.set_paused(True)
    engine.answer = lambda push, pull: Health.PAUSED if made.interrupt.is_set() else Health.OK
    made.step()
    assert made.interrupt.is_set()  # the engine stops after the order in flight
    assert healths(events) == [Health.PAUSED]
    engine.during = None
    made.set_paused(False)
    made.step()
    assert healths(events) == [Health.PAUSED, Health.OK]
    assert len(engine.cycles) == 2


def test_the_wait_grows_while_order_desk_is_away_and_connected_again_is_said_once() -> None:
    clock, events = Clock(), []
    made, engine = scheduler(clock, events, push_seconds=60, pull_seconds=60)
    engine.answer = lambda push, pull: (
        Health.ORDERDESK_OFFLINE if clock.seconds < 2000 else Health.OK
    )
    run_until(made, clock, 3000)
    times = [t for t, _, _ in engine.cycles]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert gaps[:5] == [60, 120, 240, 480, 900]  # doubling, up to 15 minutes
    assert gaps[-1] == 60  # answering again: back to the interval
    again = [e for e in events if isinstance(e, ConnectedAgain)]
    assert len(again) == 1
    assert engine.journal.lines == ["Connected again: Order Desk answers, and syncing goes on."]
    finished = [e.result.health for e in events if isinstance(e, CycleFinished)]
    assert finished[-1] is Health.OK


def test_retry_makes_failed_orders_due_and_syncs_them() -> None:
    clock, events = Clock(), []
    made, engine = scheduler(clock, events, run_at_start=False)
    engine.failed = 2
    made.retry()
    made.step()
    assert [e.count for e in events if isinstance(e, Retried)] == [2]
    assert engine.cycles == [(0, True, True)]
    made.retry("1001")  # nothing failed any more: nothing runs
    made.step()
    assert len(engine.cycles) == 1


def test_stop_during_a_cycle_ends_the_run_when_the_cycle_returns() -> None:
    clock, events = Clock(), []
    made, engine = scheduler(clock, events)
    engine.during = made.stop
    made.run(clock.wait)
    assert len(engine.cycles) == 1
    assert made.interrupt.is_set()
