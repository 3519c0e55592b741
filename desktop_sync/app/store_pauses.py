"""Pause, remembered: each store's own ("Pause this store"), in its settings, and the Pause of
every store (the window's, ``Settings.paused``). A store or a profile the merchant paused stays
paused after a restart, in the window and for ``desktop-sync run``, until they resume it, as
Dropbox and Maestral keep theirs (no Qt)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Protocol

from desktop_sync.app.profile import StoreNotFound, find_store
from desktop_sync.app.settings import change_store, load_settings, save_settings
from desktop_sync.app.stores import StoreSettings

__all__ = ["ONE_STORE", "PauseMemory", "SavedPauses", "pause_every_store", "pause_store"]

ONE_STORE = "store"
"""The scheduler's key of a profile's one store (the window drives it without its name)."""


class PauseMemory(Protocol):
    """Where the scheduler keeps each store's own pause between runs."""

    def is_paused(self, store: str) -> bool: ...

    def remember(self, store: str, paused: bool) -> None: ...


class SavedPauses:
    """The pauses kept in the profile's settings file; a store is named as the scheduler
    names it: its name, its id, or ``ONE_STORE`` for a profile's only store."""

    def __init__(self, settings_file: Path) -> None:
        self.settings_file = settings_file

    def is_paused(self, store: str) -> bool:
        found = self._find(store)
        return found is not None and found.paused

    def remember(self, store: str, paused: bool) -> None:
        found = self._find(store)
        if found is not None and found.paused != paused:
            change_store(found.id, self.settings_file, paused=paused)

    def _find(self, store: str) -> StoreSettings | None:
        saved = load_settings(self.settings_file, warn=lambda _: None)
        if store == ONE_STORE and len(saved.stores) == 1:
            return saved.stores[0]
        try:
            return find_store(saved.stores, store)
        except StoreNotFound:  # the profile's one store of an older shape, or one removed
            return None


def pause_store(name: str, paused: bool, *, settings_file: Path) -> str:
    """Pause (or resume) the store called ``name`` on its own; the sentence to show.
    ``StoreNotFound`` (its sentence lists the stores) when the profile has no such store."""
    store = find_store(load_settings(settings_file).stores, name)
    change_store(store.id, settings_file, paused=paused)
    if paused:
        return (
            f'Paused "{store.label}": its orders and shipments wait until you resume it '
            f'(desktop-sync store resume "{store.label}", or its card in the window).'
        )
    return f'Resumed "{store.label}": it syncs again from the next sync.'


def pause_every_store(paused: bool, *, settings_file: Path) -> str:
    """Pause (or resume) every store, as the window's Pause and Resume; a Resume also ends
    each store's own pause, as it does in the window. The sentence to show."""
    saved = load_settings(settings_file)
    save_settings(dataclasses.replace(saved, paused=paused), settings_file)
    if paused:
        return (
            "Paused every store: nothing is synced, here or in the window, until you resume "
            "(desktop-sync store resume)."
        )
    for store in saved.stores:
        if store.paused:
            change_store(store.id, settings_file, paused=False)
    return "Resumed every store: they sync again from the next sync."
