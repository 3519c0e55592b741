"""The scheduler over several stores (issue 20: "one scheduler", "one Order Desk bucket shared
fairly", "Pause all stores or one"): each store its own due times, backoff and pause; a store
with a backlog gives way after a slice, so a quiet store's new order is not held up. Stand-in
engines on an injected clock: an order costs a third of a second, Order Desk's pace."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from desktop_sync.app.scheduler import (
    CycleFinished,
    HealthChanged,
    Retried,
    Scheduler,
    SchedulerEvent,
)
from desktop_sync.engine.events import CycleResult, Health, PullResult, PushResult
from tests.app.test_scheduler import Clock, Log

PACE = 1 / 3  # seconds an order takes at Order Desk's 3 a second


@dataclass
class Store:
    """A stand-in engine: ``backlog`` orders to send, one per ``PACE``, asking ``give_way``
    after each; ``placed`` orders (clock seconds) are sent by the first push after them."""

    clock: Clock
    backlog: int = 0
    placed: list[float] = field(default_factory=list)
    sent_at: dict[float, float] = field(default_factory=dict)
    cycles: list[tuple[float, bool, bool]] = field(default_factory=list)
    answer: Callable[[], Health] = lambda: Health.OK
    journal: Log = field(default_factory=Log)
    interrupted: Callable[[], bool] = lambda: False
    during: Callable[[], None] | None = None

    def run_cycle(
        self, *, push: bool = True, pull: bool = True, give_way: Callable[[], bool] | None = None
    ) -> CycleResult:
        self.cycles.append((self.clock.seconds, push, pull))
        if self.during is not None:
            self.during()
        health = self.answer()
        if health is not Health.OK:
            return CycleResult(health, "Order Desk is not answering.", finished_at=self.clock.now)
        sent = 0
        for placed in [p for p in self.placed if p <= self.clock.seconds] if push else []:
            self.clock.wait(PACE)
            self.sent_at[placed] = self.clock.seconds
            self.placed.remove(placed)
            sent += 1
        while push and self.backlog and not self.interrupted():
            self.clock.wait(PACE)
            self.backlog -= 1
            sent += 1
            if self.backlog and give_way is not None and give_way():
                break
        return CycleResult(
            Health.PAUSED if self.interrupted() else Health.OK,
            push=PushResult(sent=sent, unsent=self.backlog) if push else None,
            pull=PullResult() if pull else None,
            finished_at=self.clock.now,
        )

    def retry(self, order_number: str | None = None) -> int:
        return 0


def stores(
    clock: Clock, events: list[SchedulerEvent], pull: float = 300, **backlogs: int
) -> tuple[Scheduler, dict[str, Store]]:
    made = Scheduler(push_seconds=60, pull_seconds=pull, on_event=events.append, clock=clock)
    engines = {name: Store(clock, backlog=n) for name, n in backlogs.items()}
    for name, engine in engines.items():
        engine.interrupted = made.interrupt.is_set
        made.add_store(name, engine)
    return made, engines


def run_until(made: Scheduler, clock: Clock, seconds: float) -> None:
    while clock.seconds <= seconds:
        made.step()
        clock.wait(made.seconds_to_next())


def test_a_quiet_stores_new_orders_go_within_the_interval_and_10s_while_two_backlogs_drain() -> (
    None
):
    clock, events = Clock(), []
    made, engines = stores(clock, events, Main=1000, Wholesale=1000, Outlet=0)
    quiet = engines["Outlet"]
    quiet.placed = [float(t) for t in range(1, 700, 37)]  # a new order now and then
    run_until(made, clock, 720)

    assert engines["Main"].backlog == engines["Wholesale"].backlog == 0
    waits = [quiet.sent_at[t] - t for t in sorted(quiet.sent_at)]
    assert len(waits) == 19
    assert max(waits) <= 60 + 10, waits
    # Order Desk is never idle while orders wait: 2,019 orders at its pace, and the slices
    # cost no time of their own.
    drained = max(t for store in ("Main", "Wholesale") for t, _, _ in engines[store].cycles)
    assert drained <= (2000 + 19) * PACE + 1
    # The two backlogs take turns, a slice each, from the start.
    turns = [e.store for e in events if isinstance(e, CycleFinished) and e.store != "Outlet"][:6]
    assert turns == ["Main", "Wholesale"] * 3


def test_one_store_alone_sends_its_backlog_in_one_push() -> None:
    clock, events = Clock(), []
    made, engines = stores(clock, events, Main=2000)
    made.step()
    assert engines["Main"].backlog == 0
    assert len(engines["Main"].cycles) == 1


def test_a_store_that_cannot_reach_order_desk_waits_longer_alone() -> None:
    clock, events = Clock(), []
    made, engines = stores(clock, events, pull=60, Main=0, Wholesale=0)
    engines["Main"].answer = lambda: Health.ORDERDESK_OFFLINE
    run_until(made, clock, 1000)
    gaps = {
        name: [b - a for (a, _, _), (b, _, _) in itertools.pairwise(engine.cycles)]
        for name, engine in engines.items()
    }
    assert gaps["Main"][:4] == [60, 120, 240, 480]
    assert set(gaps["Wholesale"]) == {60}
    assert made.health is Health.ORDERDESK_OFFLINE
    result = made.profile_result()
    assert result is not None and result.message.startswith("Main: ")


def test_pause_one_store_the_others_go_on_and_resume_syncs_it_at_once() -> None:
    clock, events = Clock(), []
    made, engines = stores(clock, events, Main=0, Wholesale=0)
    made.step()
    made.set_paused(True, "Wholesale")
    run_until(made, clock, 300)
    assert len(engines["Main"].cycles) == 6
    assert len(engines["Wholesale"].cycles) == 1
    assert made.paused_stores() == ("Wholesale",)
    assert made.is_paused("Wholesale") and not made.is_paused()
    assert made.health is Health.OK  # the stores that run are fine; the pause is named apart
    said = [(e.store, e.health) for e in events if isinstance(e, HealthChanged)]
    assert ("Wholesale", Health.PAUSED) in said
    assert ("Main", Health.PAUSED) not in said

    made.sync_now()  # the stores that run; the one paused on its own stays paused
    made.step()
    assert len(engines["Main"].cycles) == 7
    assert len(engines["Wholesale"].cycles) == 1
    made.set_paused(False, "Wholesale")
    made.step()
    assert engines["Wholesale"].cycles[-1] == (clock.seconds, True, True)
    assert made.paused_stores() == ()


def test_pause_all_then_the_profile_is_paused_and_nothing_runs() -> None:
    clock, events = Clock(), []
    made, engines = stores(clock, events, Main=0, Wholesale=0)
    made.set_paused(True)
    run_until(made, clock, 300)
    assert all(not engine.cycles for engine in engines.values())
    assert made.health is Health.PAUSED and made.is_paused()
    made.set_paused(False)
    made.step()
    assert all(len(engine.cycles) == 1 for engine in engines.values())


def test_pausing_a_store_stops_its_running_push_but_not_anothers() -> None:
    clock, events = Clock(), []
    made, engines = stores(clock, events, Main=50, Wholesale=50)
    engines["Main"].during = lambda: made.set_paused(True, "Wholesale")
    made.step()
    assert engines["Main"].backlog == 0  # its push went on
    assert not engines["Wholesale"].cycles
    engines["Main"].backlog = 50
    engines["Main"].during = lambda: made.set_paused(True, "Main")
    made.sync_now("Main")  # paused, the merchant asks: it runs, and pausing it stops it
    made.step()
    assert engines["Main"].backlog == 50
    assert made.interrupt.is_set()


def test_the_profile_shows_the_most_urgent_store_a_broken_setup_first_and_retry_once() -> None:
    clock, events = Clock(), []
    made, engines = stores(clock, events, Main=0, Wholesale=0)
    engines["Main"].answer = lambda: Health.SETUP
    engines["Wholesale"].answer = lambda: Health.ORDERDESK_OFFLINE
    made.step()
    assert made.health is Health.SETUP
    made.retry()
    made.step()
    assert [(e.store, e.count) for e in events if isinstance(e, Retried)] == [("", 0)]
