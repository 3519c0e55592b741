"""The facade's syncing (``app.facade.DesktopSync``): the engines of the stores in use, built
for the thread that runs them, and one cycle of every store."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from desktop_sync.app.facade_core import FacadeCore
from desktop_sync.app.installation import this_computer
from desktop_sync.app.notices import NOTICES_FILE, record_cycle
from desktop_sync.app.paths import data_dir, journal_path, settings_path
from desktop_sync.app.profile import (
    Profile,
    load_profiles,
)
from desktop_sync.app.settings import load_settings
from desktop_sync.app.store_engines import EveryStore, StoreEngines, with_profile_counts
from desktop_sync.app.store_results import (
    ProfileCycle,
)
from desktop_sync.engine.context import utc_now
from desktop_sync.engine.events import EventSink
from desktop_sync.engine.sync import SyncEngine
from desktop_sync.errors import DesktopSyncError

__all__ = ["Syncing"]

log = logging.getLogger(__name__)


class Syncing(FacadeCore):
    """Each store's engine, for the window's worker, ``run`` and ``sync``."""

    def engine(
        self,
        profile: Profile | None = None,
        *,
        sink: EventSink | None = None,
        stop: threading.Event | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> SyncEngine:
        """A ready engine (its own journal connection); build it on the thread that runs it."""
        from desktop_sync.app.wiring import build_engine  # the wiring imports every connector

        self._require_lock()
        chosen = profile if profile is not None else self.profile
        if profile is not None:
            self.use_profile(profile)
        notices = data_dir(self._env) / NOTICES_FILE
        return build_engine(
            chosen,
            sink=sink,
            stop=stop,
            journal_file=journal_path(self._env),
            clock=clock,
            on_cycle=lambda result: record_cycle(notices, result, store=chosen.store_name),
            settings_file=settings_path(self._env),
            this_computer=this_computer(data_dir(self._env), chosen.store_id),
        )

    def engine_factory(self, profile: Any, **options: Any) -> EveryStore:
        """What the window's worker drives, in the shape it calls it: ``(profile, sink=,
        stop=)``: every store's engine as one, ``profile`` for its own store (the window's,
        a reconnect's), the profile's other stores as saved. A store that cannot be loaded
        (its keys kept for a past session only) is left out, and the log says why."""
        assert isinstance(profile, Profile)
        others = [
            s for s in load_settings(settings_path(self._env)).stores if s.id != profile.store_id
        ]
        saved: tuple[Profile, ...] = ()
        if others:  # only then is a store left out when the others cannot be loaded
            try:
                saved = load_profiles(self._env)
            except DesktopSyncError as exc:
                log.warning("Only %s is synced: %s", profile.store_name, exc)
        profiles = [profile if p.store_id == profile.store_id else p for p in saved]
        if profile not in profiles:
            profiles.insert(0, profile)
        engines = self._engines(profiles, **options)
        self.use_profile(profile)
        return EveryStore(engines)

    def engines(
        self,
        *,
        store: str | None = None,
        sink: EventSink | None = None,
        stop: threading.Event | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> StoreEngines:
        """One ready engine per store in use (``store``: that one alone), driven as one;
        build them on the thread that runs them. As Sync now in the window, a store paused on
        its own is left out, unless every store in use is paused (or it is the one named)."""
        profiles = self.load_profiles(store=store) if store is not None else self.profiles
        profiles = tuple(p for p in profiles if not p.store.paused) or profiles
        engines = self._engines(profiles, sink=sink, stop=stop, clock=clock)
        self._profile = profiles[0]
        return engines

    def _engines(
        self,
        profiles: Sequence[Profile],
        *,
        stop: threading.Event | None = None,
        **options: Any,
    ) -> StoreEngines:
        stop = stop or threading.Event()
        built: list[tuple[str, SyncEngine]] = []
        sink = options.pop("sink", None)
        if sink is not None and len(profiles) > 1:
            sink = with_profile_counts(sink, [p.store_id for p in profiles], built)
        try:
            for profile in profiles:
                engine = self.engine(profile, stop=stop, sink=sink, **options)
                built.append((profile.store_name, engine))
        except BaseException:
            StoreEngines(built, stop).close()
            raise
        return StoreEngines(built, stop)

    def sync_once(
        self,
        *,
        store: str | None = None,
        sink: EventSink | None = None,
        stop: threading.Event | None = None,
    ) -> ProfileCycle:
        """One push and one pull for every store in use (``store``: that one alone), one
        engine each, in turn; the result says what happened, in all and store by store."""
        with self.engines(store=store, sink=sink, stop=stop) as engines:
            return engines.run_cycle()
