"""The same store on two computers at once (issue 21, item 5), Order Desk accepting duplicate
numbers: each order says which installation sent it; a computer that finds its store's orders
sent by another stops syncing that store with one sentence, until the merchant chooses which
computer syncs. Over real sockets: one store, one Order Desk, two engines with journals of
their own (two profiles, as on two PCs).

The bound when both start at the same moment: each computer doubles at most the one order it
had in flight when the other's copy is found (it looks once more after each send).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop_sync.engine.events import CycleResult, Health
from desktop_sync.engine.identity import INSTALLATION_KEY, ThisComputer
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.harness import make_engine, minute_ago, orderdesk_emulator, running

OFFICE = ThisComputer("a1", "OFFICE-PC")
LAPTOP = ThisComputer("b2", "LAPTOP")


@pytest.fixture
def orderdesk() -> Iterator[OrderDeskEmulator]:
    """An Order Desk that accepts a second order with the same number."""
    with running(orderdesk_emulator(reject_duplicates=False)) as emulator:
        yield emulator


def _cycles(
    orderdesk: OrderDeskEmulator,
    store: BigCommerceKit,
    journal: Path,
    start: datetime,
    this: ThisComputer,
    count: int = 1,
) -> list[CycleResult]:
    engine = make_engine(orderdesk, store.connector(), journal, start_at=start, this_computer=this)
    try:
        return [engine.run_cycle() for _ in range(count)]
    finally:
        engine.close()


def _copies(orderdesk: OrderDeskEmulator) -> Counter[str]:
    return Counter(str(o["source_id"]) for o in orderdesk.orders())


def test_the_second_computer_stops_with_a_sentence_and_sends_nothing_twice(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    start = minute_ago()
    store.add_orders(generate_orders(100, seed=2151))
    (office,) = _cycles(orderdesk, store, tmp_path / "office.db", start, OFFICE)
    assert office.push is not None and office.push.sent == 100
    (laptop,) = _cycles(orderdesk, store, tmp_path / "laptop.db", start, LAPTOP)
    assert laptop.health is Health.HELD
    assert laptop.message.startswith("Another computer (OFFICE-PC) also sends this store")
    assert "Sync from this computer" in laptop.message
    copies = _copies(orderdesk)
    assert len(copies) == 100 and set(copies.values()) == {1}
    assert {o["order_metadata"][INSTALLATION_KEY] for o in orderdesk.orders()} == {"a1"}
    (office,) = _cycles(orderdesk, store, tmp_path / "office.db", start, OFFICE)
    assert office.health is Health.OK  # the laptop sent nothing: the office keeps syncing


def test_sync_from_this_computer_takes_over_and_the_other_stops(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    start = minute_ago()
    store.add_orders(generate_orders(3, seed=2152))
    _cycles(orderdesk, store, tmp_path / "office.db", start, OFFICE)
    chosen = ThisComputer(LAPTOP.installation, LAPTOP.computer, int(datetime.now(UTC).timestamp()))
    store.add_orders(generate_orders(2, seed=2153))
    (laptop,) = _cycles(orderdesk, store, tmp_path / "laptop.db", start, chosen)
    assert laptop.health is Health.OK, laptop.message
    assert laptop.push is not None and (laptop.push.sent, laptop.push.adopted) == (2, 3)
    (office,) = _cycles(orderdesk, store, tmp_path / "office.db", start, OFFICE)
    assert office.health is Health.HELD and "(LAPTOP)" in office.message
    assert set(_copies(orderdesk).values()) == {1}


def test_orders_sent_before_installations_were_written_are_not_another_computers(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    start = minute_ago()
    store.add_orders(generate_orders(3, seed=2154))
    _cycles(orderdesk, store, tmp_path / "old.db", start, ThisComputer())
    (upgraded,) = _cycles(orderdesk, store, tmp_path / "new.db", start, LAPTOP)
    assert upgraded.health is Health.OK, upgraded.message
    assert upgraded.push is not None and upgraded.push.adopted == 3


def test_two_computers_starting_together_double_at_most_the_order_each_had_in_flight(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    start = minute_ago()
    store.add_orders(generate_orders(100, seed=2155))
    results: dict[str, list[CycleResult]] = {}
    go = threading.Barrier(2, timeout=30)

    def computer(this: ThisComputer) -> None:
        go.wait()
        journal = tmp_path / f"{this.installation}.db"
        results[this.computer] = _cycles(orderdesk, store, journal, start, this, count=2)

    threads = [threading.Thread(target=computer, args=(c,)) for c in (OFFICE, LAPTOP)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    last = {name: cycles[-1] for name, cycles in results.items()}
    assert Health.HELD in {r.health for r in last.values()}
    copies = _copies(orderdesk)
    assert sum(n - 1 for n in copies.values()) <= 2  # one in flight per computer at most
    # The merchant chooses the office: it sends what is left and the next new order, each
    # carrying the choice; the laptop, whichever of the two was stopped, stops when it sees
    # one (the choice reaches the other computer through the orders the chosen one sends).
    later = datetime.now(UTC) + timedelta(seconds=1)
    chosen = ThisComputer(OFFICE.installation, OFFICE.computer, int(later.timestamp()))
    store.add_orders(generate_orders(1, seed=2156))
    (office,) = _cycles(orderdesk, store, tmp_path / "a1.db", start, chosen)
    assert office.health is Health.OK, office.message
    (laptop,) = _cycles(orderdesk, store, tmp_path / "b2.db", start, LAPTOP)
    assert laptop.health is Health.HELD
    copies = _copies(orderdesk)
    assert len(copies) == 101 and sum(n - 1 for n in copies.values()) <= 2
