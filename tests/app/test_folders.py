"""Order Desk's folders as the profile keeps them (``app.folders``) and how a folder an order
went to is named (``state.order_facts.folder_shown``): by Order Desk's name, its id kept."""

from __future__ import annotations

import pytest

from desktop_sync.app.folders import FolderNotInOrderDesk, listed_folder, remember_folders
from desktop_sync.app.paths import settings_path
from desktop_sync.app.settings import Settings, load_settings, save_settings
from desktop_sync.connectors.orderdesk.models import Folder, StoreInfo
from desktop_sync.state.order_facts import folder_shown

FOLDERS = (Folder(21654, "New"), Folder(21655, "Prepared"))


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("21654", ("New", 21654)),  # kept by id: named as Order Desk names it
        ("New (21655)", ("Prepared", 21655)),  # written before, renamed since in Order Desk
        ("Old name (99)", ("Old name", 99)),  # a folder Order Desk no longer lists
        ("77", ("77", 77)),  # no name known for it
        ("Wholesale", ("Wholesale", None)),  # a name alone
        ("", ("", None)),
    ],
)
def test_a_folder_is_shown_by_its_name_with_its_id_kept(
    written: str, shown: tuple[str, int | None]
) -> None:
    assert folder_shown(written, {21654: "New", 21655: "Prepared"}) == shown


def test_the_folder_list_is_remembered_in_the_settings_and_read_back() -> None:
    remember_folders(StoreInfo("1", "Shop", "UTC", FOLDERS), settings_path())
    assert not settings_path().exists()  # a profile set up by the environment stays so
    save_settings(Settings())
    remember_folders(StoreInfo("1", "Shop", "UTC", FOLDERS), settings_path())
    assert load_settings().folder_names == {21654: "New", 21655: "Prepared"}


def test_a_folder_is_found_by_id_or_name_and_a_made_up_one_is_refused_in_a_sentence() -> None:
    assert listed_folder("21655", FOLDERS) == Folder(21655, "Prepared")
    assert listed_folder(" prepared ", FOLDERS) == Folder(21655, "Prepared")
    with pytest.raises(FolderNotInOrderDesk) as refused:
        listed_folder("Bogus folder", FOLDERS)
    assert str(refused.value) == (
        'Order Desk has no folder "Bogus folder"; choose one of New or Prepared, or leave the '
        "folder out to use the profile's."
    )
