"""The log's text filter folds case for every script, not ASCII only (SQLite's LIKE):
"MÜLLER" finds "müller", "STRASSE" finds "Straße", and "%" or "_" are plain characters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop_sync.state.journal import Journal

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    opened = Journal(tmp_path / "journal.sqlite3")
    messages = [
        ("Sent for Jörg Müller.", "1001"),
        ("Sent for ÉLODIE DURAND.", "1002"),
        ("Shipped to Große Straße 5.", "1003"),
        ("Sent 100%_done.", "1004"),
        ("Sent for Anna Schmidt.", "ÄB-7"),
    ]
    for n, (message, number) in enumerate(messages):
        opened.add_event(T0 + timedelta(seconds=n), "info", "orders", message, order_number=number)
    return opened


def numbers(journal: Journal, text: str) -> list[str]:
    return sorted(e.order_number for e in journal.events_page(0, 100, text))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("MÜLLER", ["1001"]),
        ("müller", ["1001"]),
        ("jÖrg", ["1001"]),
        ("élodie", ["1002"]),
        ("STRASSE", ["1003"]),
        ("große", ["1003"]),
        ("%_", ["1004"]),
        ("_", ["1004"]),
        ("äb-", ["ÄB-7"]),  # the order number, too
        ("sent", ["1001", "1002", "1004", "ÄB-7"]),
        ("nowhere", []),
    ],
)
def test_the_text_filter_folds_case_for_every_script(
    journal: Journal, text: str, found: list[str]
) -> None:
    assert numbers(journal, text) == found


def test_the_filter_works_with_levels_and_a_pinned_snapshot(journal: Journal) -> None:
    last = journal.last_event_id()
    journal.add_event(T0, "error", "orders", "Failed for JÖRG MÜLLER.", order_number="1001")
    assert len(journal.events_page(0, 10, "müller", ("info",), max_id=last)) == 1
    assert len(journal.events_page(0, 10, "müller", ("error",))) == 1
    assert len(journal.events_page(0, 10, "müller")) == 2
