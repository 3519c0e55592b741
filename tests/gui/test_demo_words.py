"""Issue 23 item 8: the demo says what the sandbox really does (how often an order arrives, what
happened so far), and leaves no folder behind in the temp directory."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_sync.app.demo import DEMO_STORE_NAME
from desktop_sync.app.paths import HOME_ENV
from desktop_sync.gui.app import GuiSession
from desktop_sync.gui.demo_panel import DemoPanel
from desktop_sync_sandbox.demo import NEW_ORDER_EVERY_SECONDS, DemoSandbox

pytestmark = pytest.mark.gui


def test_the_panel_says_how_often_the_sandbox_really_places_an_order(qtbot: QtBot) -> None:
    sandbox = DemoSandbox()  # the demo's own cadence, never started here
    assert sandbox.new_order_every == NEW_ORDER_EVERY_SECONDS
    panel = DemoPanel(sandbox)
    qtbot.addWidget(panel)
    assert f"every {NEW_ORDER_EVERY_SECONDS} seconds" in panel.note.text()
    assert "few seconds" not in panel.note.text()


def test_without_new_orders_the_panel_promises_none(qtbot: QtBot) -> None:
    panel = DemoPanel(DemoSandbox(new_order_every=None, initial_orders=3))
    qtbot.addWidget(panel)
    assert "every" not in panel.note.text()
    assert "Add a store order" in panel.note.text()


def test_before_any_action_the_panel_says_what_the_sandbox_holds(qtbot: QtBot) -> None:
    panel = DemoPanel(DemoSandbox(initial_orders=8))
    qtbot.addWidget(panel)
    # True for as long as it is shown (not "the first sync sends them": that happens at once).
    assert panel.result.text() == "The sandbox store started with 8 sample orders."
    assert "shows here" not in panel.result.text()


def test_the_demo_removes_its_temporary_folder_when_it_closes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(HOME_ENV, os.environ[HOME_ENV])  # the demo replaces it; put back after
    before = set(Path(tempfile.gettempdir()).glob("desktop-sync-demo-*"))
    session = GuiSession(demo=True)
    session.prepare_demo()
    home = Path(os.environ[HOME_ENV])
    try:
        assert home.name.startswith("desktop-sync-demo-")
        assert home.parent == Path(tempfile.gettempdir())
        assert session.open_journal()  # the journal and the settings are written in it
        assert any(home.iterdir())
    finally:
        session.close()
    assert not home.exists()
    assert set(Path(tempfile.gettempdir()).glob("desktop-sync-demo-*")) <= before


def test_the_demo_store_goes_by_a_name_not_by_its_loopback_address(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The Orders tab's Store column and its store filter say the sandbox's name, not
    "127.0.0.1/stores/sandbox1"."""
    monkeypatch.setenv(HOME_ENV, os.environ[HOME_ENV])  # the demo replaces it; put back after
    session = GuiSession(demo=True)
    session.prepare_demo()
    try:
        assert session.open_journal()
        assert session.app is not None
        assert session.app.store_names() == [DEMO_STORE_NAME]
    finally:
        session.close()
