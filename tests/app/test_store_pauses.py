"""A store paused on its own stays paused after a restart (its settings remember it), and a
window or dialog that saves the settings it read earlier undoes neither a pause nor a hold.
The scheduler of the window and of ``run`` (``DesktopSync.scheduler``), over stand-in engines
on an injected clock."""

from __future__ import annotations

import dataclasses

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.paths import settings_path
from desktop_sync.app.scheduler import ONE_STORE, Scheduler, SchedulerEvent
from desktop_sync.app.settings import Settings, change_store, load_settings, save_settings
from desktop_sync.app.store_identity import remember_identity
from desktop_sync.app.stores import StoreSettings
from desktop_sync.engine.events import Health
from tests.app.test_scheduler import Clock
from tests.app.test_scheduler_stores import Store, run_until

MAIN = StoreSettings(id="a1", name="Main shop", platform="bigcommerce", url="https://a.example")
WHOLESALE = StoreSettings(id="b2", name="Wholesale", platform="woocommerce", url="https://b.ex")


def _saved_profile() -> None:
    save_settings(Settings(orderdesk_store_id="1", stores=(MAIN, WHOLESALE)))


def _started(clock: Clock, events: list[SchedulerEvent]) -> tuple[Scheduler, dict[str, Store]]:
    """The window's scheduler as it starts: each store added with its own engine."""
    made = DesktopSync.scheduler(
        push_seconds=60, pull_seconds=300, on_event=events.append, clock=clock
    )
    engines = {name: Store(clock) for name in ("Main shop", "Wholesale")}
    for name, engine in engines.items():
        made.add_store(name, engine)
    return made, engines


def _saved(store_id: str) -> StoreSettings:
    return next(s for s in load_settings().stores if s.id == store_id)


def test_a_store_paused_on_its_own_is_still_paused_after_a_restart() -> None:
    _saved_profile()
    clock, events = Clock(), []
    made, _ = _started(clock, events)
    made.step()
    made.set_paused(True, "Wholesale")
    assert _saved("b2").paused and not _saved("a1").paused

    # The app restarts: the new scheduler reads the pause from the store's settings.
    restarted, engines = _started(clock, events)
    assert restarted.paused_stores() == ("Wholesale",)
    assert restarted.is_paused("Wholesale") and not restarted.is_paused()
    run_until(restarted, clock, clock.seconds + 300)
    assert engines["Wholesale"].cycles == []  # it sent nothing while paused
    assert engines["Main shop"].cycles
    assert restarted.health is Health.OK  # the profile is not paused: one store is

    restarted.set_paused(False, "Wholesale")
    assert not _saved("b2").paused
    restarted.step()
    assert engines["Wholesale"].cycles


def test_resuming_every_store_ends_each_stores_own_pause_for_good() -> None:
    _saved_profile()
    clock, events = Clock(), []
    made, _ = _started(clock, events)
    made.set_paused(True, "Wholesale")
    made.set_paused(True)
    made.set_paused(False)  # Resume (the dashboard's, the tray's): every store syncs
    assert made.paused_stores() == ()
    assert not _saved("b2").paused
    restarted, _ = _started(clock, events)
    assert restarted.paused_stores() == ()


def test_a_window_saving_the_settings_it_read_earlier_keeps_what_the_app_learned() -> None:
    _saved_profile()
    read_by_the_window = load_settings()
    remember_identity("a1", "bigcommerce:abc123", settings_file=settings_path())
    change_store("b2", paused=True)
    change_store("a1", held="Another computer (OFFICE) also sends...", held_by="OFFICE")
    # The merchant toggles a preference: the window saves its copy, read before the pause.
    save_settings(dataclasses.replace(read_by_the_window, notify_shipments=False))
    assert _saved("b2").paused
    assert _saved("a1").held_by == "OFFICE"
    assert _saved("a1").identity == "bigcommerce:abc123"  # it was lost before
    assert not load_settings().notify_shipments


def test_a_profiles_only_store_paused_on_its_own_starts_paused_in_the_window_as_in_run() -> None:
    # Paused while the profile had two stores, then the other removed: the window drives the
    # one store under its own key (no card), and starts it paused as run does; Resume ends it.
    save_settings(
        Settings(orderdesk_store_id="1", stores=(dataclasses.replace(MAIN, paused=True),))
    )
    clock, events = Clock(), []
    made = DesktopSync.scheduler(
        push_seconds=60, pull_seconds=300, on_event=events.append, clock=clock
    )
    made.add_store(ONE_STORE, Store(clock))
    assert made.is_paused() and made.health is Health.PAUSED
    made.set_paused(False)
    assert not _saved("a1").paused
