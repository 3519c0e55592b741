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

import logging
import os
import threading
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from desktop_sync.app.lock import LOCK_FILE, ProfileBusy, ProfileLock
from desktop_sync.app.logs import register_secrets
from desktop_sync.app.notices import NOTICES_FILE, load_notices, record_cycle
from desktop_sync.app.paths import check_profile_folders, data_dir, journal_path, settings_path
from desktop_sync.app.profile import Profile, load_profile
from desktop_sync.app.secrets import SecretStore
from desktop_sync.app.settings import BadStartDate, Settings, load_settings, parse_start
from desktop_sync.app.upgrade import migrate_on_start
from desktop_sync.engine.context import EngineContext, utc_now
from desktop_sync.engine.events import CycleResult, EventSink, Failure, Level
from desktop_sync.engine.sync import SyncEngine, requeue_failed
from desktop_sync.errors import DesktopSyncError
from desktop_sync.state.journal import Cursor, Journal, OrderState, ShipmentState
from desktop_sync.state.records import EventRow, JournalCounts, OrderRow, ShipmentRow

__all__ = ["Backfill", "DesktopSync", "JournalReader", "NotLocked", "Status"]

log = logging.getLogger(__name__)

_SENT = "Sent to Order Desk."
"""The push's log line for an order sent (engine/push.py), which ``last_sent`` looks for."""


@runtime_checkable
class _LimitedHistory(Protocol):
    """A store that shows an app only part of its past (Shopify: 60 days without
    ``read_all_orders``) and can say so before a backfill."""

    def backfill_notice(self, since: datetime) -> str: ...


class JournalReader(Protocol):
    """The reads the window's dashboard and sync log make, all through the facade (which
    offers them): the widgets never hold the journal itself."""

    def counts(self) -> JournalCounts: ...

    def failures(self) -> tuple[tuple[OrderRow, ...], tuple[ShipmentRow, ...]]: ...

    def last_sent(self) -> datetime | None: ...

    def last_tracking_sent(self) -> datetime | None: ...

    def events_page(
        self,
        offset: int,
        limit: int,
        text: str = "",
        levels: Sequence[str] = (),
        *,
        max_id: int | None = None,
    ) -> list[EventRow]: ...

    def events_after(self, event_id: int, limit: int = 1000) -> list[EventRow]: ...

    def last_event_id(self) -> int: ...

    def events_matching(
        self, text: str = "", levels: Sequence[str] = ()
    ) -> Generator[EventRow, None, None]: ...


class NotLocked(RuntimeError):
    """A change asked of a facade opened to read only (a programming error, not a merchant's)."""


@dataclass(frozen=True)
class Status:
    """What has been sent, what waits, what failed: the journal's view, no connection needed."""

    counts: JournalCounts
    failed_orders: tuple[OrderRow, ...]
    failed_shipments: tuple[ShipmentRow, ...]
    orders_checked_until: datetime | None
    shipments_checked_until: datetime | None
    last_event: str | None
    attention: tuple[Failure, ...] = ()
    """Orders that need the merchant though nothing failed (cancelled after they shipped),
    as the last cycles found them (``CycleResult.attention``)."""
    clock_message: str = ""
    """The sentence about this PC's clock when the last reading found it off, else ""."""


@dataclass(frozen=True)
class Backfill:
    """What a backfill did: the date asked for, where the order scan starts now, and whether
    that moved (it never moves later: a backfill only ever reaches further back)."""

    since: datetime
    starts_at: datetime
    moved: bool


def _saved_start(env: Mapping[str, str]) -> datetime | None:
    """The saved start of the first scan, if there is a usable one."""
    text = load_settings(settings_path(env), warn=lambda _: None).sync_since
    try:
        return parse_start(text) if text.strip() else None
    except BadStartDate:
        return None


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


class DesktopSync:
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

    @property
    def profile(self) -> Profile:
        """The profile in use, loaded on first need."""
        return self._profile if self._profile is not None else self.load_profile()

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
            on_cycle=lambda result: record_cycle(notices, result),
        )

    def engine_factory(self, profile: Any, **options: Any) -> SyncEngine:
        """``engine`` in the shape the window's worker calls it: ``(profile, sink=, stop=)``."""
        assert isinstance(profile, Profile)
        return self.engine(profile, **options)

    def sync_once(
        self, *, sink: EventSink | None = None, stop: threading.Event | None = None
    ) -> CycleResult:
        """One push and one pull; the result says what happened on each side."""
        engine = self.engine(sink=sink, stop=stop)
        try:
            return engine.run_cycle()
        finally:
            engine.close()

    # -- journal-only services -----------------------------------------------------------

    @property
    def journal(self) -> Journal:
        """The profile's journal, opened on first use (by the thread that asks)."""
        if self._journal is None:
            self._journal = Journal(journal_path(self._env))
        return self._journal

    def counts(self) -> JournalCounts:
        return self.journal.counts()

    def failures(self) -> tuple[tuple[OrderRow, ...], tuple[ShipmentRow, ...]]:
        """The failed orders and the failed shipments, each waiting for the merchant."""
        journal = self.journal
        return (
            tuple(journal.orders_in_state(OrderState.FAILED)),
            tuple(journal.shipments_in_state(ShipmentState.FAILED)),
        )

    def events_page(
        self,
        offset: int,
        limit: int,
        text: str = "",
        levels: Sequence[str] = (),
        *,
        max_id: int | None = None,
    ) -> list[EventRow]:
        """One page of the sync log, newest first, filtered as the window's log filters it;
        ``max_id`` pins a snapshot so pages stay stable while rows are appended."""
        return self.journal.events_page(offset, limit, text, levels, max_id=max_id)

    def events_after(self, event_id: int, limit: int = 1000) -> list[EventRow]:
        """Events newer than ``event_id``, oldest first (the log's live tail)."""
        return self.journal.events_after(event_id, limit)

    def last_event_id(self) -> int:
        """The newest event's id, 0 for an empty log."""
        return self.journal.last_event_id()

    def last_sent(self) -> datetime | None:
        """When the newest order went to Order Desk, from the log (so it survives a restart)."""
        rows = self.journal.events_page(0, 1, _SENT, (Level.INFO,))
        return rows[0].time if rows else None

    def last_tracking_sent(self) -> datetime | None:
        """When tracking last reached the store, from the journal (so it survives a restart)."""
        return self.journal.last_shipment_done()

    def events_matching(
        self, text: str = "", levels: Sequence[str] = (), *, page: int = 5000
    ) -> Generator[EventRow, None, None]:
        """Every event matching a filter, newest first, as the log stood at the first read.

        Read a page at a time on a journal connection of its own, opened by the thread that
        iterates (the window's CSV export runs on a worker) and closed when the iteration
        ends or is closed. ``JournalError`` when the journal cannot be opened.
        """
        with Journal(journal_path(self._env)) as journal:
            max_id = journal.last_event_id()
            while max_id > 0:
                rows = journal.events_page(0, page, text, levels, max_id=max_id)
                yield from rows
                if len(rows) < page:
                    return
                max_id = rows[-1].id - 1

    def status(self) -> Status:
        journal = self.journal
        failed_orders, failed_shipments = self.failures()
        last = journal.events_page(0, 1)
        notices = load_notices(data_dir(self._env) / NOTICES_FILE)
        return Status(
            counts=journal.counts(),
            failed_orders=failed_orders,
            failed_shipments=failed_shipments,
            orders_checked_until=journal.get_cursor(Cursor.PUSH),
            shipments_checked_until=journal.get_cursor(Cursor.PULL),
            last_event=last[0].message if last else None,
            attention=notices.attention,
            clock_message=notices.clock_message,
        )

    def retry(self, order_number: str | None = None) -> int:
        """Make failed orders and shipments (all, or one order's) due at the next sync; how many."""
        self._require_lock()
        return requeue_failed(EngineContext(self.journal), order_number)

    def backfill(self, since: datetime | str) -> Backfill:
        """Also send store orders from ``since`` on, at the next sync.

        Takes the earlier date: when the scan already reaches further back, nothing moves
        (a later date would skip the orders in between). ``BadStartDate`` with a sentence for
        a date that is not one, before 2000, or in the future. Holding the lock, no running
        scan can write its end mark over the backfill.
        """
        self._require_lock()
        moment = _start_of(since)
        journal = self.journal
        current = journal.get_cursor(Cursor.SEND_FROM) or journal.get_cursor(Cursor.PUSH)
        if current is None:  # not scanned yet: the first scan starts at the saved start
            current = self._profile.sync_since if self._profile else _saved_start(self._env)
        if current is not None and current <= moment:
            return Backfill(moment, current, moved=False)
        # One transaction, earlier date wins: a scan's end mark cannot write over it.
        return Backfill(moment, journal.backfill(moment), moved=True)

    def backfill_notice(self, since: datetime | str) -> str:
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
            profile = self.profile
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
