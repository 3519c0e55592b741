"""The Order Desk folders a merchant can choose: only those Order Desk lists (``GET /store``),
never a name typed by hand, and the list as last read kept in the settings, so a folder kept
by its id is shown by its name without asking Order Desk again."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path

from desktop_sync.app.paths import settings_path
from desktop_sync.app.secrets import SecretStore, orderdesk_api_key_name
from desktop_sync.app.settings import DEFAULT_ORDERDESK_API_URL, load_settings, save_settings
from desktop_sync.connectors.orderdesk.models import Folder, StoreInfo
from desktop_sync.errors import DesktopSyncError

__all__ = ["FolderNotInOrderDesk", "listed_folder", "orderdesk_account", "remember_folders"]


class FolderNotInOrderDesk(DesktopSyncError):
    """A folder asked for by name or id that Order Desk does not list."""

    title = "No such Order Desk folder"


def orderdesk_account(
    env: Mapping[str, str], settings_file: Path, secrets: SecretStore
) -> tuple[str, str, str]:
    """The profile's Order Desk store id, key and API URL (the environment's, else as saved),
    whether or not a store is set up yet; ``FolderNotInOrderDesk`` when none is connected,
    since no folder can be checked then."""
    saved = load_settings(settings_file, warn=lambda _: None)
    store_id = env.get("ORDERDESK_STORE_ID", "").strip() or saved.orderdesk_store_id.strip()
    key = env.get("ORDERDESK_API_KEY", "").strip()
    if store_id and not key:
        key = secrets.get(orderdesk_api_key_name(store_id)) or ""
    if not (store_id and key):
        raise FolderNotInOrderDesk(
            "Desktop Sync is not connected to Order Desk yet, so no folder can be checked; "
            "connect it first (desktop-sync orderdesk connect), or leave the folder out."
        )
    url = env.get("ORDERDESK_API_URL", "").strip() or saved.orderdesk_api_url
    return store_id, key, url or DEFAULT_ORDERDESK_API_URL


def remember_folders(info: StoreInfo, settings_file: Path | None = None) -> None:
    """Keep Order Desk's folder list, just read, in the settings (written only when it
    changed, and never into a profile without a settings file: one set up by the environment
    alone stays so)."""
    target = settings_file if settings_file is not None else settings_path()
    if not target.exists():
        return
    saved = load_settings(target)
    listed = tuple((folder.id, folder.name) for folder in info.folders)
    if listed and listed != saved.orderdesk_folders:
        save_settings(dataclasses.replace(saved, orderdesk_folders=listed), target)


def listed_folder(wanted: str, folders: tuple[Folder, ...]) -> Folder:
    """The folder of Order Desk's list that ``wanted`` (its id or its name) names;
    ``FolderNotInOrderDesk`` with a sentence when Order Desk has none such."""
    text = wanted.strip()
    info = StoreInfo(id="", name="", timezone="", folders=folders)
    found = info.folder_by_id(int(text)) if text.isdigit() else None
    found = found or info.folder_named(text)
    if found is not None:
        return found
    names = [folder.name for folder in folders]
    choices = (
        f"choose one of {', '.join(names[:-1])} or {names[-1]}"
        if len(names) > 1
        else f"choose {names[0]}"
        if names
        else "add a folder in Order Desk first"
    )
    raise FolderNotInOrderDesk(
        f'Order Desk has no folder "{text}"; {choices}, or leave the folder out to use the '
        "profile's."
    )
