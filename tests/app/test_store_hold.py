"""The hold for another computer, as kept in a store's settings (``app.store_hold``): saved the
first time a cycle meets it, with who holds it and since when, and released by a choice of
this computer made after it was found, never by an older one."""

from __future__ import annotations

from datetime import UTC, datetime

from desktop_sync.app.paths import settings_path
from desktop_sync.app.settings import Settings, load_settings, save_settings
from desktop_sync.app.store_hold import held_for_another, remembering_holds
from desktop_sync.app.stores import StoreSettings
from desktop_sync.engine.events import CycleResult, Health

FOUND = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SENTENCE = (
    "Another computer (OFFICE (2)) also sends this store's orders to Order Desk, so this "
    "computer stopped syncing it to send nothing twice; choose the computer that syncs it."
)


def _held(at: datetime) -> CycleResult:
    return CycleResult(Health.HELD, SENTENCE, finished_at=at)


def test_a_hold_is_saved_once_with_who_and_since_when() -> None:
    save_settings(Settings(stores=(StoreSettings(id="a1", name="Main shop"),)))
    heard: list[CycleResult] = []
    listener = remembering_holds("a1", settings_path(), heard.append)
    listener(_held(FOUND))
    listener(_held(FOUND.replace(hour=10)))  # met again later: since when stays the first
    (store,) = load_settings().stores
    assert (store.held, store.held_by) == (SENTENCE, "OFFICE (2)")
    assert datetime.fromisoformat(store.held_since) == FOUND
    assert len(heard) == 2  # every result still reaches the facade's listener


def test_another_kind_of_hold_is_not_kept_it_is_found_again_by_asking_the_store() -> None:
    save_settings(Settings(stores=(StoreSettings(id="a1", name="Main shop"),)))
    moved = CycleResult(Health.HELD, "The WooCommerce site now says its address is x.example")
    remembering_holds("a1", settings_path())(moved)
    assert load_settings().stores[0].held == ""


def test_only_a_choice_of_this_computer_made_after_the_hold_releases_it() -> None:
    store = StoreSettings(id="a1", held=SENTENCE, held_since=FOUND.isoformat())
    found = int(FOUND.timestamp())
    assert held_for_another(store, chosen=0) == SENTENCE
    assert held_for_another(store, chosen=found - 60) == SENTENCE  # chosen before it was found
    assert held_for_another(store, chosen=found + 60) == ""
    assert held_for_another(StoreSettings(id="a1"), chosen=0) == ""
    unreadable = StoreSettings(id="a1", held=SENTENCE, held_since="yesterday")
    assert held_for_another(unreadable, chosen=found + 60) == SENTENCE  # the safe side
