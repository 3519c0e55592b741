"""One scan window for every platform: UTC, the start floored to its second, both ends in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from desktop_sync.connectors.stores.window import ScanWindow, as_utc

BERLIN = timezone(timedelta(hours=2))


def test_moments_are_taken_to_utc_and_a_naive_one_is_utc_already() -> None:
    assert as_utc(datetime(2025, 7, 14, 11, 0, tzinfo=BERLIN)) == datetime(
        2025, 7, 14, 9, 0, tzinfo=UTC
    )
    assert as_utc(datetime(2025, 7, 14, 9, 0)) == datetime(2025, 7, 14, 9, 0, tzinfo=UTC)


def test_the_start_counts_its_whole_second_and_the_end_is_included() -> None:
    window = ScanWindow.of(
        datetime(2025, 7, 14, 11, 0, 0, 700_000, tzinfo=BERLIN),
        datetime(2025, 7, 14, 9, 30, 5, 250_000),
    )
    assert window.since == datetime(2025, 7, 14, 9, 0, tzinfo=UTC)
    assert window.until_second == datetime(2025, 7, 14, 9, 30, 5, tzinfo=UTC)
    assert window.after_until == datetime(2025, 7, 14, 9, 30, 6, tzinfo=UTC)
    assert window.holds(datetime(2025, 7, 14, 9, 0, tzinfo=UTC))  # in since's own second
    assert window.holds(datetime(2025, 7, 14, 9, 30, 5, tzinfo=UTC))
    assert not window.holds(datetime(2025, 7, 14, 9, 30, 6, tzinfo=UTC))
    assert not window.holds(datetime(2025, 7, 14, 8, 59, 59, tzinfo=UTC))


def test_a_window_without_an_end_reaches_the_stores_present() -> None:
    window = ScanWindow.of(datetime(2025, 7, 14, 9, 0, tzinfo=UTC))
    assert window.after_until is None
    assert window.holds(datetime(2999, 1, 1, tzinfo=UTC))
