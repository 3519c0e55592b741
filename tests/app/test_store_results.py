"""A cycle over several stores in one result: the most urgent health, named by its store; the
counts added up; every failure listed with its store; one store's result as it was."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from desktop_sync.app.store_results import StoreCycle, combine_counts, combine_cycles
from desktop_sync.engine.events import CycleResult, Failure, Health, PullResult, PushResult
from desktop_sync.state.records import JournalCounts

EARLY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
LATE = datetime(2026, 11, 2, 9, 1, tzinfo=UTC)
OFFLINE = "The store could not be reached. The app keeps retrying; nothing is lost."


def test_the_most_urgent_store_speaks_for_the_profile_and_is_named() -> None:
    ok = CycleResult(
        Health.FAILING,
        "1 order could not be sent to Order Desk.",
        PushResult(sent=2, failed=(Failure("100", "No customer name."),)),
        PullResult(fulfillments_created=1),
        EARLY,
    )
    offline = CycleResult(
        Health.STORE_OFFLINE,
        OFFLINE,
        PushResult(sent=1, waiting=3),
        None,
        LATE,
        troubles=((Health.STORE_OFFLINE, OFFLINE),),
    )
    combined = combine_cycles([StoreCycle("Main shop", ok), StoreCycle("Wholesale", offline)])

    result = combined.result
    assert (result.health, result.message) == (Health.STORE_OFFLINE, f"Wholesale: {OFFLINE}")
    assert result.push == PushResult(
        sent=3, waiting=3, failed=(Failure("100", "Main shop: No customer name."),)
    )
    assert result.pull == PullResult(fulfillments_created=1)
    assert result.finished_at == LATE
    assert result.troubles == ((Health.STORE_OFFLINE, f"Wholesale: {OFFLINE}"),)
    assert result.store == "Wholesale"  # the tray names it: "Wholesale cannot be reached"
    assert [c.store for c in combined.stores] == ["Main shop", "Wholesale"]
    assert combined.stores[1].result is offline  # each store's own, unprefixed


def test_one_stores_cycle_is_the_profiles_as_it_was() -> None:
    alone = CycleResult(Health.FAILING, "1 order could not be sent.", PushResult(sent=1), None)
    assert combine_cycles([StoreCycle("Main shop", alone)]).result == dataclasses.replace(
        alone, store="Main shop"
    )
    assert combine_cycles([]).result == CycleResult(Health.OK)


def test_counts_add_up() -> None:
    assert combine_counts([JournalCounts(sent=2, failed=1), JournalCounts(sent=3)]) == (
        JournalCounts(sent=5, failed=1)
    )
