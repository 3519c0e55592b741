"""Issue 11 item 6: the window's widgets read the journal through the facade. GuiSession hands
the window its ``DesktopSync``; the dashboard and the sync log get that (never a ``Journal``),
and nothing in ``desktop_sync/gui/`` opens the journal or queries it by its own verbs."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

import desktop_sync.gui
from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.paths import journal_path
from desktop_sync.app.profile import save_profile
from desktop_sync.app.secrets import SecretStore
from desktop_sync.gui.app import GuiSession
from desktop_sync.gui.log_view import CsvExport
from desktop_sync.state.journal import Journal, JournalError
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from tests.gui.conftest import needs_you_read
from tests.gui.test_workers import make_profile

pytestmark = pytest.mark.gui

GUI = Path(desktop_sync.gui.__file__).parent


def test_the_session_gives_the_dashboard_and_the_log_its_facade_not_a_journal(
    qtbot: QtBot, orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceEmulator
) -> None:
    save_profile(make_profile(orderdesk, bigcommerce), SecretStore())
    now = datetime.now(UTC)
    with Journal(journal_path()) as journal:  # what an earlier run left behind
        journal.record_order_seen("77", "1077", now, now)
        journal.mark_failed("77", "Order Desk refused the order: the SKU is missing.")
        journal.add_event(now, "info", "orders", "Sent to Order Desk.", order_number="1076")
    session = GuiSession()
    try:
        assert session.load() and session.open_journal()
        window = session.show()
        qtbot.addWidget(window)
        assert isinstance(session.app, DesktopSync)
        assert window.reader is session.app
        assert window.dashboard._reader is session.app
        assert window.log_model.reader is session.app
        for widget in (window, window.dashboard, window.log_model, window.log_view):
            held = [name for name, value in vars(widget).items() if isinstance(value, Journal)]
            assert held == [], f"{type(widget).__name__} holds a Journal: {held}"
        # What they read through it is what the journal holds.
        needs_you_read(qtbot, window.dashboard)
        assert window.dashboard.failed.number.text() == "1"
        assert window.dashboard.failed_list.topLevelItem(0).text(0) == "1077"
        assert window.dashboard.last_order_sent == now
        assert window.log_model.event_at(0).order_number == "1076"
        # The first sync ends before the session closes: closing gives a thread in the middle
        # of a cycle one second, which a busy machine can take just to start the cycle.
        qtbot.waitUntil(lambda: window.controller.last_result is not None, timeout=30_000)
    finally:
        if session.window is not None:
            session.window.log_model.stop_live()
        assert session.close()


def _gui_source() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(GUI.glob("*.py"))}


def test_no_gui_module_opens_the_journal() -> None:
    opened = {name for name, text in _gui_source().items() if re.search(r"\bJournal\(", text)}
    assert opened == set()


@pytest.mark.parametrize("verb", ["orders_in_state", "shipments_in_state"])
def test_no_gui_module_queries_the_journal_by_its_own_verbs(verb: str) -> None:
    assert {name for name, text in _gui_source().items() if f".{verb}(" in text} == set()


def test_the_live_tail_is_read_through_the_reader_not_a_journal() -> None:
    tails = {
        name: re.findall(r"([\w.]+)\.events_after\(", text)
        for name, text in _gui_source().items()
        if ".events_after(" in text
    }
    assert tails == {"log_model.py": ["self._reader"]}


def _events(journal: Journal, messages: list[tuple[str, str]]) -> None:
    start = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    for i, (level, message) in enumerate(messages):
        journal.add_event(
            start + timedelta(seconds=i), level, "orders", message, order_number=f"{i}"
        )


def test_the_facade_reads_what_the_journal_reads_with_the_same_filters() -> None:
    with DesktopSync(driver="test", lock=False) as app, Journal(journal_path()) as journal:
        assert (app.last_event_id(), app.last_sent(), list(app.events_matching())) == (0, None, [])
        _events(
            journal,
            [("info", "Sent to Order Desk."), ("error", "Refused."), ("info", "Checked.")] * 4,
        )
        assert app.last_event_id() == journal.last_event_id() == 12
        assert app.events_after(5, 3) == journal.events_after(5, 3)
        assert app.events_page(0, 4, "sent", ("info",), max_id=8) == journal.events_page(
            0, 4, "sent", ("info",), max_id=8
        )
        assert app.last_sent() == journal.events_page(0, 1, "Sent to Order Desk.")[0].time
        # Every match, newest first, across pages, as the log stood at the first read.
        everything = journal.events_page(0, 100, "", ("info",))
        events = app.events_matching("", ("info",), page=3)
        first = next(events)
        _events(journal, [("info", "Sent to Order Desk.")])  # written meanwhile: not in it
        assert [first, *events] == everything
        assert len(everything) == 8


def test_an_export_that_cannot_open_the_journal_leaves_no_file(tmp_path: Path) -> None:
    with DesktopSync(driver="test", lock=False) as app:
        journal_path().mkdir()  # a folder where the journal should be: it cannot be opened
        target = tmp_path / "log.csv"
        job = CsvExport(app, target, "", ())
        with pytest.raises(JournalError) as caught:
            job.run()
        assert not target.exists()
        assert job.describe(caught.value).startswith(f"The log could not be saved to {target}")


def test_an_empty_log_exports_its_header_only(tmp_path: Path) -> None:
    with DesktopSync(driver="test", lock=False) as app:
        target = tmp_path / "log.csv"
        assert CsvExport(app, target, "", ()).run() == 0
        assert target.read_text(encoding="utf-8").splitlines() == [
            "Time,Level,Direction,Order,Order Desk order,Message"
        ]
