"""``DesktopSync``: the one facade the window, the CLI and the tests drive for one profile (in
the spirit of Maestral's ``Maestral`` class).

It checks the profile's folders, takes the profile lock and migrates what an upgrade needs
when it opens, and holds the lock until it closes, so no driver can forget it: a second
driver on the same profile, a window or a command, is turned away with a sentence naming who
holds it (``ProfileBusy``). It builds the sync engine for the thread that runs it, and offers
the journal-only services (status, counts, failures, event pages, retry, backfill) that need
no connection.
"""

from __future__ import annotations

import copy
import logging
import os
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar, runtime_checkable

from desktop_sync.app.facade_log import SyncLogReads
from desktop_sync.app.facade_records import Backfill, JournalReader, Status
from desktop_sync.app.facade_setup import SetupServices
from desktop_sync.app.installation import this_computer
from desktop_sync.app.lock import LOCK_FILE, ProfileBusy, ProfileLock
from desktop_sync.app.logs import register_secrets
from desktop_sync.app.notices import NOTICES_FILE, load_notices, record_cycle
from desktop_sync.app.order_services import OrderServices
from desktop_sync.app.paths import check_profile_folders, data_dir, journal_path, settings_path
from desktop_sync.app.profile import (
    Profile,
    find_store,
    load_profile,
    load_profiles,
    stores_to_run,
)
from desktop_sync.app.secrets import SecretStore, unavailable_message, usable_backend
from desktop_sync.app.settings import Settings, load_settings, parse_start
from desktop_sync.app.store_choices import held_stores, same_store, sync_here
from desktop_sync.app.store_engines import EveryStore, StoreEngines, with_profile_counts
from desktop_sync.app.store_results import (
    ProfileCycle,
    StoreStatus,
    combine_counts,
)
from desktop_sync.app.store_services import backfill_stores, retry_stores, store_status
from desktop_sync.app.store_setup import add_store, connect_orderdesk, remove_store
from desktop_sync.app.stores import StoreSettings
from desktop_sync.app.upgrade import migrate_on_start
from desktop_sync.engine.context import utc_now
from desktop_sync.engine.events import EventSink
from desktop_sync.engine.sync import SyncEngine
from desktop_sync.errors import DesktopSyncError
from desktop_sync.state.journal import Journal
from desktop_sync.state.records import JournalCounts, OrderRow, ShipmentRow

__all__ = [
    "Backfill",
    "DesktopSync",
    "JournalReader",
    "NotLocked",
    "ProfileCycle",
    "Status",
    "StoreSettings",
    "StoreStatus",
]

log = logging.getLogger(__name__)
Read = TypeVar("Read")
"""What a read made ``apart`` gives back."""


@runtime_checkable
class _LimitedHistory(Protocol):
    """A store that shows an app only part of its past (Shopify: 60 days without
    ``read_all_orders``) and can say so before a backfill."""

    def backfill_notice(self, since: datetime) -> str: ...


class NotLocked(RuntimeError):
    """A change asked of a facade opened to read only (a programming error, not a merchant's)."""


def _start_of(since: datetime | str) -> datetime:
    return parse_start(since) if isinstance(since, str) else parse_start(since.isoformat())


def _migrate_if_free(driver: str, env: Mapping[str, str]) -> list[str]:
    """A reader migrates only when no driver holds the profile (the holder already did)."""
    try:
        held = ProfileLock(data_dir(env) / LOCK_FILE, driver=driver).acquire()
    except ProfileBusy:
        return []
    try:
        return migrate_on_start(env)
    finally:
        held.release()


class DesktopSync(SyncLogReads, OrderServices, SetupServices):
    """One profile, driven by one window or one command at a time.

    ``driver`` says who drives it (``"window"`` or the command's name); it is what a second
    driver is told. ``lock=False`` opens it to read only (``status``): the journal-only views
    work, anything that changes the journal or syncs raises ``NotLocked``.

    Raises ``ProfileFolderUnusable`` (a profile folder is a file or cannot be written) and
    ``ProfileBusy`` (another driver holds the profile), each with its sentence.
    """

    def __init__(
        self,
        *,
        driver: str,
        env: Mapping[str, str] | None = None,
        lock: bool = True,
    ) -> None:
        self.driver = driver
        self._env: Mapping[str, str] = os.environ if env is None else env
        problems = check_profile_folders(self._env)
        if problems:
            raise problems[0]
        self._lock = ProfileLock(data_dir(self._env) / LOCK_FILE, driver=driver) if lock else None
        self.upgrade_notes: list[str] = []
        """What an upgrade migrated (backed up first), one line each; done holding the lock,
        so no other driver is using the files meanwhile."""
        if self._lock is not None:
            self._lock.acquire()
            try:
                self.upgrade_notes = migrate_on_start(self._env)
            except BaseException:
                self._lock.release()
                raise
        else:
            self.upgrade_notes = _migrate_if_free(driver, self._env)
        self._journal: Journal | None = None
        self._profile: Profile | None = None
        self._profiles: tuple[Profile, ...] | None = None

    # -- lifetime ------------------------------------------------------------------------

    def __enter__(self) -> DesktopSync:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def holds_lock(self) -> bool:
        return self._lock is not None and self._lock.held

    def close(self) -> None:
        """Close the journal, then let go of the profile. Idempotent."""
        journal, self._journal = self._journal, None
        try:
            if journal is not None:
                journal.close()
        finally:
            if self._lock is not None:
                self._lock.release()

    def _require_lock(self) -> None:
        if not self.holds_lock:
            raise NotLocked(f"This Desktop Sync was opened by '{self.driver}' to read only.")

    # -- the profile ---------------------------------------------------------------------

    def load_profile(
        self, *, secrets: SecretStore | None = None, settings: Settings | None = None
    ) -> Profile:
        """The profile from the environment and the saved settings (see ``load_profile``)."""
        profile = load_profile(self._env, secrets=secrets, settings=settings)
        self.use_profile(profile)
        return profile

    def use_profile(self, profile: Profile) -> None:
        """Sync with ``profile`` from now on (the wizard's, a reconnect's); its keys are
        masked in the log from here on."""
        register_secrets(profile)
        self._profile = profile

    def load_profiles(
        self,
        *,
        store: str | None = None,
        secrets: SecretStore | None = None,
        settings: Settings | None = None,
    ) -> tuple[Profile, ...]:
        """One profile per store (``store``: that one alone) to sync from now on; see
        ``load_profiles``. Every store's keys are masked in the log from here on."""
        profiles = load_profiles(self._env, secrets=secrets, settings=settings, store=store)
        for profile in profiles:
            register_secrets(profile)
        self._profiles = profiles
        self._profile = profiles[0]
        return profiles

    def _in_use(self, store: str | None) -> tuple[Profile, ...]:
        """The profiles in use: ``store``'s, else those loaded, else the one given (the
        window's wizard's), else every saved store's."""
        if store is not None:
            return self.load_profiles(store=store)
        if self._profiles is None and self._profile is not None:
            return (self._profile,)
        return self.profiles

    @property
    def profiles(self) -> tuple[Profile, ...]:
        """The stores' profiles in use, loaded on first need."""
        return self._profiles if self._profiles is not None else self.load_profiles()

    def stores(self, store: str | None = None) -> tuple[StoreSettings, ...]:
        """The profile's stores (``store``: that one; ``StoreNotFound`` else), as saved or as
        the environment describes one; no keyring needed."""
        saved = load_settings(settings_path(self._env), warn=lambda _: None)
        stores = stores_to_run(self._env, saved)
        return (find_store(stores, store),) if store is not None else stores

    @property
    def profile(self) -> Profile:
        """The profile in use, loaded on first need."""
        return self._profile if self._profile is not None else self.load_profile()

    # -- setting up the stores (headless; the window has its wizard) -------------------

    @staticmethod
    def keyring_problem() -> str:
        """Why no key can be saved here ("" when a real keyring is in use)."""
        return "" if usable_backend() else unavailable_message(session_only=False)

    def connect_orderdesk(
        self, store_id: str, api_key: str, *, folder: str = "", api_url: str = ""
    ) -> None:
        """Verify the Order Desk account's key, then save it (``app.store_setup``)."""
        self._require_lock()
        self._profiles = None  # loaded again, with the account's key
        connect_orderdesk(
            store_id,
            api_key,
            folder=folder,
            api_url=api_url or self._env.get("ORDERDESK_API_URL", ""),
            secrets=SecretStore(),
            settings_file=settings_path(self._env),
        )

    def add_store(
        self,
        platform: str,
        url: str,
        key: str,
        secret: str = "",
        *,
        name: str = "",
        folder: str = "",
        verified: bool = False,
    ) -> StoreSettings:
        """Verify a store's keys (unless the window's store page just ``verified`` them),
        then add it to the profile (``app.store_setup``)."""
        self._require_lock()
        self._profiles = None  # loaded again, with the new store
        return add_store(
            platform,
            url,
            key,
            secret,
            name=name,
            folder=folder,
            secrets=SecretStore(),
            settings_file=settings_path(self._env),
            verify=_already_verified if verified else None,
            kept=self.journal.stores(),
        )

    def remove_store(self, name: str) -> StoreSettings:
        """Remove a store and its keys; its journal rows are kept (``app.store_setup``)."""
        self._require_lock()
        self._profiles = None  # loaded again, without it
        return remove_store(name, secrets=SecretStore(), settings_file=settings_path(self._env))

    def sync_here(self, store: str | None = None) -> str:
        """Sync from this computer: this computer syncs the store (default: each store held
        because another computer syncs it); the sentence to show (``app.store_choices``)."""
        folder = data_dir(self._env)
        return self._choose(store, True, lambda p: sync_here(p, data_folder=folder))

    def same_store(self, store: str | None = None) -> str:
        """The merchant confirms a moved WordPress site is their store (default: each store
        held because it gives another address); the sentence to show."""
        target = settings_path(self._env)
        said = self._choose(store, False, lambda p: same_store(p, settings_file=target))
        self._profiles = None  # loaded again, with what was confirmed
        return said

    def _choose(self, store: str | None, elsewhere: bool, act: Callable[[Profile], str]) -> str:
        self._require_lock()
        notices = data_dir(self._env) / NOTICES_FILE
        in_use = self._in_use(store)
        chosen = in_use if store else held_stores(notices, in_use, elsewhere)
        return " ".join(act(profile) for profile in chosen) or "No store waits for this choice."

    # -- syncing -------------------------------------------------------------------------

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
        build them on the thread that runs them."""
        profiles = self.load_profiles(store=store) if store is not None else self.profiles
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

    # -- journal-only services -----------------------------------------------------------

    @property
    def journal(self) -> Journal:
        """The profile's journal, opened on first use (by the thread that asks)."""
        if self._journal is None:
            self._journal = Journal(journal_path(self._env))
        return self._journal

    def _store_statuses(self, store: str | None = None) -> tuple[StoreStatus, ...]:
        folder = load_settings(settings_path(self._env), warn=lambda _: None)
        default = (
            str(folder.orderdesk_folder_id)
            if folder.orderdesk_folder_id is not None
            else folder.orderdesk_folder_name
        )
        return tuple(store_status(self.journal, s, default) for s in self.stores(store))

    def counts(self) -> JournalCounts:
        """Every store's journal counts, added up (counted in SQLite: no row is listed)."""
        return combine_counts([self.journal.for_store(s.id).counts() for s in self.stores()])

    def apart(self, read: Callable[[DesktopSync], Read]) -> Read:
        """``read`` given this facade on a journal connection of its own, for a worker thread:
        the window's reads that take a while over a big journal (the counters, every store's
        status) run there, and the window never stands still meanwhile. Reads only: the copy
        holds no lock, so anything that writes raises ``NotLocked``."""
        twin = copy.copy(self)
        twin._lock = None
        twin._journal = None
        try:
            return read(twin)
        finally:
            twin.close()

    def failures(self) -> tuple[tuple[OrderRow, ...], tuple[ShipmentRow, ...]]:
        """The failed orders and the failed shipments of every store, each waiting for the
        merchant."""
        parts = self._store_statuses()
        return (
            tuple(row for part in parts for row in part.failed_orders),
            tuple(row for part in parts for row in part.failed_shipments),
        )

    def status(self, *, store: str | None = None) -> Status:
        """Every store's status (``store``: that one's), added up and store by store."""
        parts = self._store_statuses(store)
        last = self.journal.events_page(0, 1)
        notices = load_notices(data_dir(self._env) / NOTICES_FILE)
        return Status(
            counts=combine_counts([part.counts for part in parts]),
            failed_orders=tuple(row for part in parts for row in part.failed_orders),
            failed_shipments=tuple(row for part in parts for row in part.failed_shipments),
            orders_checked_until=_earliest(p.orders_checked_until for p in parts),
            shipments_checked_until=_earliest(p.shipments_checked_until for p in parts),
            last_event=last[0].message if last else None,
            attention=notices.attention,
            clock_message=notices.clock_message,
            held=tuple(f"{store}: {sentence}" for store, sentence in notices.held),
            stores=parts,
        )

    def retry(self, order_number: str | None = None, *, store: str | None = None) -> int:
        """Make failed orders and shipments (all, or one order number's) of every store
        (``store``: that one's) due at the next sync; how many."""
        self._require_lock()
        return retry_stores(self.journal, self.stores(store), order_number)

    def backfill(self, since: datetime | str, *, store: str | None = None) -> Backfill:
        """Also send the orders of every store (``store``: that one's) from ``since`` on, at
        the next sync.

        Takes the earlier date, store by store: when a store's scan already reaches further
        back, nothing moves there (a later date would skip the orders in between).
        ``BadStartDate`` with a sentence for a date that is not one, before 2000, or in the
        future. Holding the lock, no running scan can write its end mark over the backfill.
        """
        self._require_lock()
        moment = _start_of(since)
        started = {p.store_id: p.sync_since for p in self._profiles or ()}
        if self._profile is not None:
            started.setdefault(self._profile.store_id, self._profile.sync_since)
        parts = backfill_stores(self.journal, self.stores(store), moment, started)
        starts = min((part.starts_at for part in parts), default=moment)
        return Backfill(moment, starts, any(part.moved for part in parts), parts)

    def backfill_notice(self, since: datetime | str, *, store: str | None = None) -> str:
        """What the merchant must hear before a backfill from ``since`` of every store in
        use (``store``: that one): each store's sentence (see ``store_backfill_notice``),
        named by its store when there are several."""
        try:
            profiles = self._in_use(store)
        except DesktopSyncError as exc:
            log.info("The stores were not asked about their order history: %s", exc)
            return ""
        notices = [(p.store_name, self.store_backfill_notice(since, p)) for p in profiles]
        if len(profiles) == 1:
            return notices[0][1]
        return " ".join(f"{name}: {text}" for name, text in notices if text)

    def store_backfill_notice(self, since: datetime | str, profile: Profile | None = None) -> str:
        """What the merchant must hear before a backfill from ``since``: "" when the store
        will show every order from then on, else its sentence (Shopify's 60 days without
        ``read_all_orders``). It asks the store, so the window calls it on a worker thread.

        A store that cannot be asked (not set up, offline) holds no backfill back: the answer
        is then "" and the log says why; the scan itself logs the limit when it meets it.
        ``BadStartDate`` for a date that is not one, as ``backfill`` does.
        """
        from desktop_sync.app.wiring import make_store_connector

        moment = _start_of(since)
        try:
            profile = profile or self.profile
            store = make_store_connector(
                profile.store_platform, profile.store_url, profile.store_key, profile.store_secret
            )
        except DesktopSyncError as exc:
            log.info("The store was not asked about its order history: %s", exc)
            return ""
        try:
            return store.backfill_notice(moment) if isinstance(store, _LimitedHistory) else ""
        except DesktopSyncError as exc:
            log.info("The store could not say how far back it shows orders: %s", exc)
            return ""
        finally:
            store.close()


def _earliest(moments: Iterable[datetime | None]) -> datetime | None:
    known = [moment for moment in moments if moment is not None]
    return min(known) if known else None


def _already_verified(*_: str) -> None:
    """The window's store page verified the keys a moment ago."""
