"""Issue 23 item 9: the small text. The discard question's title fits its box; every menu path
uses one separator; the key field shows the key as it is used; Settings has no maximize
button; offline, the long sentence is said once (item 9's last point is in
test_dashboard_truth)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

import desktop_sync
from desktop_sync.gui.settings_dialog import SettingsDialog
from desktop_sync.gui.wizard import FirstRunWizard
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from tests.gui.conftest import ORDERDESK_API_KEY, ORDERDESK_STORE_ID

pytestmark = pytest.mark.gui

WAIT_MS = 10_000
# What a window manager's title bar takes besides the title: the icon and three buttons.
_TITLE_BAR_EXTRAS = 110


def test_the_discard_question_s_title_fits_its_box(qtbot: QtBot) -> None:
    wizard = FirstRunWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.orderdesk_page.store_id.setText("100001")
    wizard.reject()
    box = wizard.discard_box
    assert box is not None
    qtbot.waitExposed(box)
    title = box.windowTitle()
    assert box.fontMetrics().horizontalAdvance(title) + _TITLE_BAR_EXTRAS <= box.width()
    assert box.text() == "Discard this setup?"


# "Store Settings > API", "WooCommerce > Settings > Advanced": a menu path in a sentence.
_MENU_STEP = re.compile(r"[A-Za-z)] ([>›]) [A-Z]")


def _sentences() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for path in Path(desktop_sync.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.append((path.name, node.value))
    return found


def test_every_menu_path_uses_one_separator() -> None:
    seen: dict[str, list[str]] = {}
    for name, text in _sentences():
        for match in _MENU_STEP.finditer(text):
            seen.setdefault(match.group(1), []).append(f"{name}: {text[:60]}")
    assert ">" in seen, "no menu path found: the pattern is wrong"
    assert set(seen) == {">"}, seen.get("›")


def test_the_key_field_shows_the_key_as_it_is_used(
    qtbot: QtBot, orderdesk: OrderDeskEmulator
) -> None:
    wizard = FirstRunWizard()
    qtbot.addWidget(wizard)
    page = wizard.orderdesk_page
    page.store_id.setText(ORDERDESK_STORE_ID)
    page.api_url.setText(orderdesk.api_url)
    page.api_key.setText(f"\u00a0{ORDERDESK_API_KEY}\u200b ")  # as pasted from a web page
    page.api_key.toggle.setChecked(True)
    page.verify()
    assert page.api_key.text() == ORDERDESK_API_KEY
    qtbot.waitUntil(lambda: not page.runner.busy, timeout=WAIT_MS)
    assert page.store_info is not None
    assert page.api_key.text() == ORDERDESK_API_KEY


def test_leaving_the_key_field_cleans_it(qtbot: QtBot) -> None:
    wizard = FirstRunWizard()
    qtbot.addWidget(wizard)
    field = wizard.store_page.key
    field.setText("abc\u00a0def\u00a0")
    field.edit.editingFinished.emit()
    assert field.text() == "abcdef"


def test_settings_has_no_maximize_button(qtbot: QtBot) -> None:
    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    # Window managers offer maximize for any window that can be resized: this one cannot.
    assert dialog.minimumSize() == dialog.maximumSize() == dialog.size()
    flags = dialog.windowFlags()
    assert flags & Qt.WindowType.CustomizeWindowHint
    assert not flags & Qt.WindowType.WindowMaximizeButtonHint
    assert flags & Qt.WindowType.WindowCloseButtonHint
