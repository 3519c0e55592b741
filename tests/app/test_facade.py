"""``DesktopSync``, the one facade every driver uses: it holds the profile for its life, and its
journal-only services work without a connection."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest

from desktop_sync import cli
from desktop_sync.app.facade import DesktopSync, NotLocked
from desktop_sync.app.lock import WINDOW, ProfileBusy
from desktop_sync.app.settings import BadStartDate
from desktop_sync.state.journal import Journal

JUNE = datetime(2025, 6, 1, tzinfo=UTC)


def _with_history(app: DesktopSync) -> Journal:
    journal = app.journal
    for n in range(3):
        journal.record_order_seen(f"id-{n}", str(100 + n), JUNE, JUNE)
    journal.mark_sent("id-0", "od-1")
    journal.mark_failed("id-1", "No customer name or company.")
    journal.mark_skipped("id-2", "Cancelled in the store.")
    journal.set_cursor("push", JUNE, 600)
    return journal


def test_the_facade_holds_the_profile_until_it_closes() -> None:
    first = DesktopSync(driver=WINDOW)
    try:
        with pytest.raises(ProfileBusy) as caught:
            DesktopSync(driver="sync")
        assert str(caught.value) == (
            "Desktop Sync is already running for this store on this computer (its window, "
            f"process {os.getpid()}). Use that window (look for its icon in the system tray), "
            "or quit it first."
        )
    finally:
        first.close()
    with DesktopSync(driver="sync") as second:
        assert second.holds_lock
    first.close()  # closing twice is harmless


def test_reading_neither_waits_for_nor_blocks_a_sync() -> None:
    with DesktopSync(driver="run") as running:
        _with_history(running)
        with DesktopSync(driver="status", lock=False) as reader:
            assert reader.counts().sent == 1
            with pytest.raises(NotLocked):
                reader.retry()
            with pytest.raises(NotLocked):
                reader.backfill("2024-01-01")


def test_status_counts_failures_and_events_come_from_the_journal_alone() -> None:
    with DesktopSync(driver="status") as app:
        _with_history(app)
        app.journal.add_event(JUNE, "error", "orders", "Order Desk refused order 101.", "101")
        status = app.status()
        failed_orders, failed_shipments = app.failures()
        page = app.events_page(0, 10, text="refused")
    assert (status.counts.sent, status.counts.failed, status.counts.skipped) == (1, 1, 1)
    assert [r.order_number for r in failed_orders] == ["101"] and failed_shipments == ()
    assert status.orders_checked_until == JUNE and status.shipments_checked_until is None
    assert status.last_event == "Order Desk refused order 101."
    assert [e.order_number for e in page] == ["101"]


def test_retry_through_the_facade_requeues_failed_orders_and_cancelled_ones_only_by_number() -> (
    None
):
    with DesktopSync(driver="retry") as app:
        journal = _with_history(app)
        assert app.retry() == 1  # the failed one; the cancelled one stays skipped
        assert journal.get_order("id-1").state == "pending"  # type: ignore[union-attr]
        assert journal.get_order("id-2").state == "skipped"  # type: ignore[union-attr]
        assert app.retry("102") == 1
        assert journal.get_order("id-2").state == "pending"  # type: ignore[union-attr]
        assert app.retry("999") == 0


def test_backfill_takes_the_earlier_date_and_never_moves_the_mark_later() -> None:
    with DesktopSync(driver="backfill") as app:
        journal = _with_history(app)
        later = app.backfill("2025-07-01")
        assert (later.moved, later.starts_at) == (False, JUNE)
        assert journal.get_cursor("push") == JUNE  # the orders of June are still to be seen
        earlier = app.backfill("2025-05-01")
        assert earlier.moved and journal.get_cursor("push") == datetime(2025, 5, 1, tzinfo=UTC)


@pytest.mark.parametrize("since", ["0001-01-01", "1999-12-31", "2999-01-01", "soon"])
def test_backfill_refuses_a_date_out_of_range_with_a_sentence(since: str) -> None:
    with DesktopSync(driver="backfill") as app:
        journal = _with_history(app)
        with pytest.raises(BadStartDate) as caught:
            app.backfill(since)
        assert str(caught.value).endswith(".")
        assert journal.get_cursor("push") == JUNE


def test_a_backfill_while_run_holds_the_profile_is_refused_not_overwritten(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with DesktopSync(driver="run") as running:
        _with_history(running)
        assert cli.main(["backfill", "--since", "2024-01-01"]) == cli.EXIT_CONFIG
        assert capsys.readouterr().err.strip() == (
            "Cannot backfill: Desktop Sync is already running for this store on this computer "
            f"(the command 'desktop-sync run', process {os.getpid()}). Wait for it to finish, "
            "or stop it (Ctrl-C), then try again."
        )
        assert running.journal.get_cursor("push") == JUNE


def test_the_cli_says_when_a_backfill_changes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    with DesktopSync(driver="setup") as app:
        _with_history(app)
    assert cli.main(["backfill", "--since", "2025-08-01"]) == cli.EXIT_OK
    assert capsys.readouterr().out.strip() == (
        "Store orders are already checked from 2025-06-01 00:00 UTC, before 2025-08-01 00:00; "
        "nothing changed."
    )


def test_status_answers_while_run_holds_the_profile(capsys: pytest.CaptureFixture[str]) -> None:
    with DesktopSync(driver="run") as running:
        _with_history(running)
        assert cli.main(["status", "--json"]) == cli.EXIT_OK
    assert '"orders_sent": 1' in capsys.readouterr().out


def test_an_upgrade_migrates_only_while_holding_the_profile() -> None:
    from desktop_sync.app.paths import config_dir
    from desktop_sync.app.upgrade import LAST_VERSION_FILE

    with DesktopSync(driver=WINDOW) as window:
        (config_dir() / LAST_VERSION_FILE).write_text("0.0.1", encoding="utf-8")
        assert window.upgrade_notes == []
        with DesktopSync(driver="status", lock=False) as reader:
            assert reader.upgrade_notes == []  # the window holds the files: leave them be
    with DesktopSync(driver="sync") as command:
        assert command.upgrade_notes[0].startswith("Desktop Sync was updated from version 0.0.1")


def test_before_the_first_scan_a_backfill_is_weighed_against_the_saved_start() -> None:
    from desktop_sync.app.settings import Settings, save_settings
    from desktop_sync.app.stores import StoreSettings

    save_settings(Settings(stores=(StoreSettings(sync_since="2024-01-01T00:00:00+00:00"),)))
    with DesktopSync(driver="backfill") as app:
        later = app.backfill("2025-01-01")
        assert (later.moved, later.starts_at) == (False, datetime(2024, 1, 1, tzinfo=UTC))
        assert app.journal.get_cursor("push") is None  # the first scan starts at the saved start
        assert app.backfill("2023-01-01").moved


def test_counts_count_and_list_no_failed_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 22: the counters' read listed every failed order and shipment (the status's
    parts) only to count them: 100 ms over a journal with 6,666 orders in Needs you, on the
    window's thread at each cycle's end. It counts in SQLite alone now."""
    with DesktopSync(driver="status", lock=False) as app:
        _with_history(app)
        listed: list[str] = []

        def listing(self: Journal, state: str) -> list[object]:
            listed.append(state)
            return []

        monkeypatch.setattr(Journal, "orders_in_state", listing)
        monkeypatch.setattr(Journal, "shipments_in_state", listing)
        counts = app.counts()
        assert (counts.sent, counts.failed, counts.skipped, counts.pending) == (1, 1, 1, 0)
        assert listed == []
