"""Errors said once (issue 16, item 6): a reason met on every order of a page is one sentence
with its count, in the cycle's sentence and in the CLI's summary, not one per order."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from desktop_sync import cli
from desktop_sync.engine.events import Failure, said_once
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import SampleOrder, generate_orders
from desktop_sync_sandbox.server import Fault
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.harness import make_engine, minute_ago, point_cli_at

REASON = "has no customer name or company on its shipping or billing address"


def _nameless(count: int, seed: int) -> list[SampleOrder]:
    """Paid orders whose addresses carry no name and no company (Order Desk needs one)."""
    return [
        dataclasses.replace(
            sample,
            payment="paid",
            customer=dataclasses.replace(sample.customer, first_name="", last_name="", company=""),
        )
        for sample in generate_orders(count, seed=seed)
    ]


def test_one_reason_on_21_orders_is_said_once_with_its_count(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    store.add_orders(_nameless(21, seed=95))
    engine = make_engine(
        orderdesk, store.connector(), tmp_path / "j.sqlite3", start_at=minute_ago()
    )
    try:
        result = engine.run_cycle()
    finally:
        engine.close()
    assert result.push is not None and len(result.push.failed) == 21, result
    assert result.message.count(REASON) == 1, result.message
    assert "(21 orders)" in result.message
    assert result.message.startswith("21 orders could not be sent to Order Desk.")


def test_reasons_that_differ_only_by_the_order_number_are_one_group() -> None:
    failures = [
        Failure("1001", "Order 1001 has no items. Check it, then press Retry."),
        Failure("1002", "Order 1002 has no items. Check it, then press Retry."),
        Failure("1003", "Order Desk refused the order: bad weight"),
        Failure("10010", "Order 10010 has no items. Check it, then press Retry."),
    ]
    first, second = said_once(failures)
    assert first.order_numbers == ("1001", "1002", "10010")
    assert first.sentence() == "Each order has no items. Check it, then press Retry (3 orders)."
    assert (second.count, second.sentence()) == (1, "Order Desk refused the order: bad weight")


def test_the_cli_summary_says_a_repeated_reason_once(
    store: BigCommerceKit,
    orderdesk: OrderDeskEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    point_cli_at(store.env(), orderdesk, monkeypatch)
    store.add_orders(_nameless(21, seed=96))
    assert cli.main(["backfill", "--since", "2000-01-01"]) == cli.EXIT_OK
    capsys.readouterr()
    assert cli.main(["sync", "--once", "--json"]) == cli.EXIT_FAILURES
    summary = json.loads(capsys.readouterr().out)
    (group,) = summary["failure_reasons"]
    assert group["count"] == 21 and REASON in group["reason"]
    assert summary["message"].count(REASON) == 1
    assert cli.main(["retry", "--failed"]) == cli.EXIT_OK
    capsys.readouterr()
    assert cli.main(["sync", "--once"]) == cli.EXIT_FAILURES
    said = capsys.readouterr().out
    assert said.count(REASON) == 1, said
    assert "(21 orders)" in said
    capsys.readouterr()
    assert cli.main(["status"]) == cli.EXIT_OK
    said = capsys.readouterr().out
    assert said.count(REASON) == 1 and "(21 orders)" in said, said


def test_an_order_whose_answer_was_lost_says_once_that_order_desk_is_checked_first(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    store.add_orders(generate_orders(1, seed=7))
    orderdesk.faults.inject(Fault.DROP_AFTER, 1, method="POST", path="/orders$")
    engine = make_engine(
        orderdesk, store.connector(), tmp_path / "j.sqlite3", start_at=minute_ago()
    )
    try:
        engine.run_cycle()
        messages = [e.message for e in engine.journal.events_page(0, 50)]
    finally:
        engine.close()
    (line,) = [m for m in messages if "may or may not have been saved" in m]
    assert line.count("before sending it again") == 1, line
    assert line.endswith("Desktop Sync will check Order Desk before sending it again."), line
