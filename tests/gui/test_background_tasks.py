"""Background work ends when nobody waits for it any more (issue 21 item 13): a check whose
runner is deleted, or that is cancelled or superseded, stops its request at once, and says
nothing, on an Order Desk on 127.0.0.1 that never answers; an export stopped at Quit ends
without leaving half a file."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QThreadPool
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.paths import journal_path
from desktop_sync.app.wiring import verify_orderdesk
from desktop_sync.connectors.errors import Cancelled
from desktop_sync.connectors.waits import stop_on
from desktop_sync.gui.log_view import CsvExport
from desktop_sync.gui.verify import VerifyRunner
from desktop_sync.state.journal import Journal
from desktop_sync.state.records import EventRow
from tests.gui.conftest import ORDERDESK_API_KEY, ORDERDESK_STORE_ID
from tests.gui.silent_orderdesk import SilentOrderDesk, silent_orderdesk
from tests.gui.test_wizard import make_wizard

__all__ = ["silent_orderdesk"]  # a fixture, used by name

pytestmark = pytest.mark.gui

# A stopped check ends within the connectors' 50 ms look at the stop flag; an unstopped one
# would wait out its timeouts (about 78 s).
ENDS_WITHIN_MS = 2000


def test_a_runner_deleted_while_its_check_hangs_stops_it_and_nothing_raises(
    qtbot: QtBot, silent_orderdesk: SilentOrderDesk
) -> None:
    owner = QWidget()
    runner = VerifyRunner(owner)
    heard: list[object] = []
    runner.succeeded.connect(heard.append)
    runner.failed.connect(heard.append)
    check = functools.partial(
        verify_orderdesk, ORDERDESK_STORE_ID, ORDERDESK_API_KEY, silent_orderdesk.api_url
    )
    with qtbot.captureExceptions() as raised:
        runner.start(check)
        qtbot.waitUntil(lambda: silent_orderdesk.count("/test") == 1, timeout=10_000)
        del runner
        shiboken6.delete(owner)  # the window closed: the runner goes with it

        assert QThreadPool.globalInstance().waitForDone(ENDS_WITHIN_MS)
        QCoreApplication.processEvents()  # anything the task posted is delivered now
    assert raised == []
    assert heard == []
    assert silent_orderdesk.count("/test") == 1  # not tried again after the stop


def test_an_edit_during_a_hanging_verify_stops_it(
    qtbot: QtBot, silent_orderdesk: SilentOrderDesk
) -> None:
    page = make_wizard(qtbot).orderdesk_page
    page.store_id.setText(ORDERDESK_STORE_ID)
    page.api_key.setText(ORDERDESK_API_KEY)
    page.api_url.setText(silent_orderdesk.api_url)

    page.verify_row.button.click()
    qtbot.waitUntil(lambda: silent_orderdesk.count("/test") == 1, timeout=10_000)
    page.api_key.setText(ORDERDESK_API_KEY + "x")  # its answer would be for the old key

    assert QThreadPool.globalInstance().waitForDone(ENDS_WITHIN_MS)
    QCoreApplication.processEvents()
    assert page.verify_row.status.text() == "Not verified"
    assert not page.runner.busy and page.store_info is None


def test_a_new_check_stops_the_one_still_hanging_and_only_the_new_one_reports(
    qtbot: QtBot, silent_orderdesk: SilentOrderDesk, closed_port_url: str
) -> None:
    runner = VerifyRunner()
    heard: list[object] = []
    runner.succeeded.connect(heard.append)
    runner.failed.connect(heard.append)
    runner.start(
        functools.partial(
            verify_orderdesk, ORDERDESK_STORE_ID, ORDERDESK_API_KEY, silent_orderdesk.api_url
        )
    )
    qtbot.waitUntil(lambda: silent_orderdesk.count("/test") == 1, timeout=10_000)
    with qtbot.waitSignal(runner.failed, timeout=10_000) as failed:
        runner.start(
            functools.partial(
                verify_orderdesk, ORDERDESK_STORE_ID, ORDERDESK_API_KEY, closed_port_url
            )
        )
    assert QThreadPool.globalInstance().waitForDone(ENDS_WITHIN_MS)
    QCoreApplication.processEvents()
    assert heard == [failed.args[0]]  # the unreachable one; the first says nothing
    assert silent_orderdesk.count("/test") == 1


def test_an_export_stopped_at_quit_ends_at_once_and_leaves_no_half_written_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with DesktopSync(driver="test", lock=False) as app, Journal(journal_path()) as journal:
        start = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
        for i in range(50):
            journal.add_event(start + timedelta(seconds=i), "info", "orders", f"Line {i}.")
        stop = threading.Event()
        read = app.events_matching

        def quit_after_ten(text: str = "", levels: Sequence[str] = ()) -> Iterator[EventRow]:
            for number, event in enumerate(read(text, levels), start=1):
                if number == 10:
                    stop.set()  # Quit, while the export is writing
                yield event

        monkeypatch.setattr(app, "events_matching", quit_after_ten)
        target = tmp_path / "log.csv"
        with stop_on(stop), pytest.raises(Cancelled):
            CsvExport(app, target, "", ()).run()
        assert not target.exists()
