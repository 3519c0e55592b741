"""Settings for each store (issue 20 in the window, issue 22's status checkboxes): a store
picker; each store's folder, statuses and cancel folder, saved into its own settings; its
statuses read from the store on a worker thread as checkboxes with a preview, reachable by
Tab and ticked by Space; a store that cannot be reached keeps its saved choice; Remove this
store through the facade (keys deleted, history kept), never the last one."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.paths import journal_path
from desktop_sync.app.profile import Profile
from desktop_sync.app.secrets import SecretStore, store_key_name
from desktop_sync.app.settings import load_settings, save_settings
from desktop_sync.gui.main_window import MainWindow
from desktop_sync.gui.settings_dialog import SettingsDialog
from desktop_sync.gui.store_cards import StoreCards, store_parts
from desktop_sync.gui.tray import SyncTray
from desktop_sync.gui.workers import SyncController
from desktop_sync.state.journal import Journal
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.contract.kits.woocommerce import WooCommerceKit
from tests.gui.test_add_store import kits
from tests.harness import minute_ago
from tests.stores.profile import save_stores

__all__ = ["kits"]  # a fixture, used by name

pytestmark = pytest.mark.gui

WAIT_MS = 20_000


@pytest.fixture
def app(
    orderdesk: OrderDeskEmulator, kits: tuple[BigCommerceKit, WooCommerceKit]
) -> Iterator[DesktopSync]:
    bigcommerce, woo = kits
    woo.emulator.custom_statuses = {"awaiting-shipment": "Awaiting shipment"}
    for status in ("processing", "processing", "on-hold", "pending", "awaiting-shipment"):
        woo.emulator.add_order(status=status)
    save_stores(
        orderdesk, [("Main shop", bigcommerce, ""), ("Wholesale", woo, "")], since=minute_ago()
    )
    with DesktopSync(driver="window") as opened:
        yield opened


def _dialog(qtbot: QtBot, app: DesktopSync) -> SettingsDialog:
    profiles = app.load_profiles()
    dialog = SettingsDialog(
        profiles[0], SecretStore(), profiles=profiles, remove_store=app.remove_store
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _wholesale(qtbot: QtBot, dialog: SettingsDialog):  # type: ignore[no-untyped-def]
    box = dialog.stores_box
    assert [box.picker.itemText(i) for i in range(box.picker.count())] == [
        "Main shop",
        "Wholesale",
    ]
    box.picker.setCurrentIndex(1)
    page = box.current_page()
    assert page is not None and page.store.name == "Wholesale"
    qtbot.waitUntil(lambda: page.statuses.loaded, timeout=WAIT_MS)
    return page


def test_each_stores_statuses_are_checkboxes_with_a_preview_read_on_a_worker(
    qtbot: QtBot, app: DesktopSync
) -> None:
    dialog = _dialog(qtbot, app)
    page = _wholesale(qtbot, dialog)
    boxes = page.statuses.boxes
    assert boxes["awaiting-shipment"].text() == "Awaiting shipment (1)"
    assert boxes["processing"].text() == "Processing (2)"
    assert page.statuses.reading.text() == (
        "Send Wholesale orders in these statuses (beside each: how many of its last 5 orders "
        "it sends):"
    )
    assert page.statuses.preview.text() == "3 of the last 5 orders would be sent with the default."
    # Nothing can be typed: only the store's own statuses can be ticked.
    assert page.statuses.findChildren(QLineEdit) == []
    boxes["awaiting-shipment"].setChecked(True)
    assert page.statuses.preview.text() == "1 of the last 5 orders would be sent."


def test_the_checkboxes_are_reached_by_tab_and_ticked_by_space(
    qtbot: QtBot, app: DesktopSync
) -> None:
    dialog = _dialog(qtbot, app)
    page = _wholesale(qtbot, dialog)
    with qtbot.waitActive(dialog):
        dialog.activateWindow()
    qtbot.keyClick(dialog.tabs, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert dialog.tabs.currentIndex() == 1  # Ctrl+Tab: the Stores tab
    page.folder.setFocus()
    target = page.statuses.boxes["processing"]
    for _ in range(40):
        if QApplication.focusWidget() is target:
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is target
    qtbot.keyClick(target, Qt.Key.Key_Space)
    assert target.isChecked()
    assert page.statuses.preview.text() == "2 of the last 5 orders would be sent."
    qtbot.keyClick(target, Qt.Key.Key_Tab)
    after = QApplication.focusWidget()
    assert isinstance(after, QCheckBox) and after in page.statuses.boxes.values()


def test_each_stores_folder_statuses_and_cancel_folder_are_saved_as_its_own(
    qtbot: QtBot, app: DesktopSync
) -> None:
    dialog = _dialog(qtbot, app)
    page = _wholesale(qtbot, dialog)
    qtbot.waitUntil(lambda: page.folder.findText("Prepared") >= 0, timeout=WAIT_MS)
    page.folder.setCurrentIndex(page.folder.findText("Prepared"))
    page.cancel_folder.setEditText("Stopped")
    page.statuses.boxes["awaiting-shipment"].setChecked(True)
    page.statuses.boxes["processing"].setChecked(True)
    with qtbot.waitSignal(dialog.settings_changed, timeout=WAIT_MS):
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    main, wholesale = load_settings().stores
    assert wholesale.folder_name == "Prepared" and wholesale.folder_id is not None
    assert wholesale.cancel_folder_name == "Stopped"
    assert wholesale.order_statuses == ("processing", "awaiting-shipment")
    # The other store keeps the profile's folder and its default statuses.
    assert (main.folder_id, main.folder_name, main.order_statuses) == (None, "", ())
    profiles = app.load_profiles()
    assert profiles[1].orderdesk_folder_name == "Prepared"
    assert profiles[1].cancel_folder == "Stopped"
    assert profiles[0].orderdesk_folder_name == "New"


def test_the_folder_is_one_of_order_desks_and_a_folder_it_no_longer_has_is_said(
    qtbot: QtBot, app: DesktopSync, orderdesk: OrderDeskEmulator
) -> None:
    """Audit 2, shot 37: a store's folder "Bogus folder" showed as if it were used. Only
    Order Desk's folders are listed, first "the same folder as New"; a saved folder Order Desk
    does not have is marked and said, in one sentence with what to do."""
    settings = load_settings()
    main, wholesale = settings.stores
    gone = dataclasses.replace(wholesale, folder_name="Bogus folder")
    save_settings(dataclasses.replace(settings, stores=(main, gone)))
    dialog = _dialog(qtbot, app)
    page = _wholesale(qtbot, dialog)
    qtbot.waitUntil(lambda: page.folder.findText("Prepared") >= 0, timeout=WAIT_MS)
    listed = [page.folder.itemText(i) for i in range(page.folder.count())]
    assert listed == [
        "the same folder as New",
        *orderdesk.folder_ids(),
        "Bogus folder (not in Order Desk)",
    ]
    assert page.folder.currentText() == "Bogus folder (not in Order Desk)"
    assert not page.folder.isEditable()
    assert page.folder_note.isVisibleTo(page)
    assert page.folder_note.text() == (
        'Order Desk has no folder "Bogus folder", so Wholesale\'s new orders are not sent: '
        "choose one of its folders here, then Save."
    )
    # Read from Order Desk, the list is kept: folders kept by id are shown by name.
    assert load_settings().folder_names == {v: k for k, v in orderdesk.folder_ids().items()}
    page.folder.setCurrentIndex(page.folder.findText("Closed"))
    assert not page.folder_note.isVisibleTo(page)


def test_a_store_that_cannot_be_reached_says_so_and_keeps_its_saved_choice(
    qtbot: QtBot, app: DesktopSync, kits: tuple[BigCommerceKit, WooCommerceKit]
) -> None:
    settings = load_settings()
    main, wholesale = settings.stores
    kept = dataclasses.replace(wholesale, order_statuses=("processing", "awaiting-shipment"))
    save_settings(dataclasses.replace(settings, stores=(main, kept)))
    kits[1].stop()
    dialog = _dialog(qtbot, app)
    box = dialog.stores_box
    box.picker.setCurrentIndex(1)
    page = box.current_page()
    assert page is not None
    qtbot.waitUntil(lambda: not page.statuses.problem.isHidden(), timeout=WAIT_MS)
    assert page.statuses.problem.text() == (
        "Wholesale could not be reached, so its statuses cannot be listed now; your saved "
        "choice is kept (reopen Settings to try again)."
    )
    ticked = {v for v, b in page.statuses.boxes.items() if b.isChecked()}
    assert ticked == {"processing", "awaiting-shipment"}
    assert not any(b.isEnabled() for b in page.statuses.boxes.values())
    with qtbot.waitSignal(dialog.settings_changed, timeout=WAIT_MS):
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert load_settings().stores[1].order_statuses == ("processing", "awaiting-shipment")


def test_a_store_is_removed_after_one_sentence_its_keys_deleted_its_history_kept(
    qtbot: QtBot, app: DesktopSync, kits: tuple[BigCommerceKit, WooCommerceKit]
) -> None:
    wholesale = load_settings().stores[1]
    now = minute_ago()
    with Journal(journal_path()) as journal:
        journal.for_store(wholesale.id).record_order_seen("9", "1009", now, now)
    cards = StoreCards(lambda: store_parts(app))
    qtbot.addWidget(cards)
    cards.refresh()
    assert len(cards.cards) == 2
    dialog = _dialog(qtbot, app)
    dialog.stores_box.picker.setCurrentIndex(1)
    dialog.stores_box.remove_button.click()
    question = dialog.remove_box
    assert isinstance(question, QMessageBox)
    assert question.text() == "Remove Wholesale from Desktop Sync?"
    assert "sync history is kept" in question.informativeText()
    assert "keys are deleted" in question.informativeText()
    remove = next(b for b in question.buttons() if b.text() == "Remove")
    with qtbot.waitSignal(dialog.store_removed, timeout=WAIT_MS) as removed:
        remove.click()
    assert removed.args[0].id == wholesale.id
    assert [s.name for s in load_settings().stores] == ["Main shop"]
    assert SecretStore().get(store_key_name(wholesale.platform, wholesale.url)) in (None, "")
    with Journal(journal_path()) as journal:
        assert journal.for_store(wholesale.id).get_order("9") is not None
    cards.refresh()
    assert cards.cards == []  # one store left: the dashboard tells it
    # The last store cannot be removed; the dialog says what to do instead.
    box = dialog.stores_box
    assert box.picker.count() == 1 and not box.remove_button.isEnabled()
    assert box.only_store.text() == (
        "Main shop is your only store, so it cannot be removed: add another store first, or "
        "use Forget this store on the General tab to stop syncing."
    )


def test_removing_the_windows_own_store_drops_its_card_and_syncs_the_rest(
    qtbot: QtBot, app: DesktopSync
) -> None:
    """The window's sync was built for the first store: removed, the sync starts again with
    the store that is left, and the cards go (one store: the dashboard tells it)."""
    main, wholesale = load_settings().stores
    started: list[Profile] = []

    def controller(profile: Profile) -> SyncController:
        started.append(profile)
        return SyncController(
            profile,
            push_interval_seconds=3600,
            pull_interval_seconds=3600,
            run_at_start=False,
            engine_factory=app.engine_factory,
        )

    first = app.load_profiles()[0]
    window = MainWindow(
        app,
        controller(first),
        settings=load_settings(),
        profile=first,
        tray=SyncTray(),
        tray_available=lambda: False,
        end_app=lambda: None,
        controller_factory=controller,
    )
    qtbot.addWidget(window)
    window.show()
    window.controller.start()
    try:
        assert len(window.store_cards.cards) == 2
        window.open_settings()
        dialog = next(d for d in window.dialogs if isinstance(d, SettingsDialog))
        dialog.stores_box.remove_button.click()  # the first store, shown first
        assert dialog.remove_box is not None
        remove = next(b for b in dialog.remove_box.buttons() if b.text() == "Remove")
        remove.click()
        assert [s.id for s in load_settings().stores] == [wholesale.id]
        assert window.store_cards.cards == []
        qtbot.waitUntil(lambda: len(started) == 2, timeout=WAIT_MS)
        assert started[1].store_id == wholesale.id
        assert window.profile is not None and window.profile.store_id == wholesale.id
        assert main.id not in {p.store_id for p in started[1:]}
    finally:
        window.log_model.stop_live()
        for made in (window.controller, *window.retired):
            assert made.shutdown(), "a sync thread outlived its test"


def test_a_store_whose_keys_are_not_at_hand_keeps_its_saved_choice(
    qtbot: QtBot, app: DesktopSync
) -> None:
    """Its keys were kept for a past session only: nothing is asked, the choice stays."""
    first = app.load_profiles()[0]
    dialog = SettingsDialog(first, SecretStore(), profiles=(first,))
    qtbot.addWidget(dialog)
    dialog.stores_box.picker.setCurrentIndex(1)
    page = dialog.stores_box.current_page()
    assert page is not None and not page.statuses.runner.busy
    assert page.statuses.problem.text() == (
        "The keys of Wholesale are not available, so its statuses cannot be listed now; your "
        "saved choice is kept."
    )
    assert page.statuses.chosen() == page.statuses.saved
