"""``SyncEngine``: one store's sync. It runs a cycle (push, then pull), turns connector errors
into one ``Health`` with a sentence, and retries on request. The window and the command line
never hold one: they drive the facade (``app.facade.DesktopSync``), which builds one per store."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from desktop_sync.connectors.errors import (
    ORDERDESK,
    AuthError,
    Cancelled,
    ConnectorError,
    RateLimited,
    Transient,
)
from desktop_sync.connectors.orderdesk.models import StoreInfo
from desktop_sync.connectors.stores.base import StoreConnector
from desktop_sync.connectors.waits import stop_on
from desktop_sync.engine.after_push import DEFAULT_CANCEL_FOLDER
from desktop_sync.engine.context import EngineContext, OrderDeskApi, utc_now
from desktop_sync.engine.events import (
    CycleResult,
    Direction,
    EventSink,
    Failure,
    Health,
    Level,
    PullResult,
    PushResult,
    SyncEvent,
    said_once,
)
from desktop_sync.engine.identity import ThisComputer
from desktop_sync.engine.pull import ShipmentPuller
from desktop_sync.engine.push import OrderPusher
from desktop_sync.engine.push_folder import FolderGone
from desktop_sync.engine.send_rules import SendRule
from desktop_sync.engine.whose_store import SavedIdentity, StoreHeld, StoreSelf
from desktop_sync.state.journal import Journal, JournalError, OrderState, ShipmentState

__all__ = ["CLOCK_TOLERANCE", "SyncEngine", "requeue_failed"]

log = logging.getLogger(__name__)

CLOCK_TOLERANCE = timedelta(minutes=2)
"""A PC clock further than this from Order Desk's is reported to the merchant."""
# A push that met one of these runs no pull.
_NO_PULL = frozenset({Health.ORDERDESK_AUTH, Health.STORE_AUTH, Health.HELD})
# The cycle's sentence names at most this many distinct reasons (the list has them all).
_REASONS_TOLD = 3
# Order Desk's clock is read again when the last reading is older than this.
_CLOCK_READ_EVERY = 60.0


class SyncEngine:
    """Push store orders to Order Desk and pull shipments back, exactly once each.

    Not thread-safe: build it on the thread that runs it (the journal's connection belongs to
    that thread). ``stop()`` (or setting the ``stop`` flag) makes a running cycle return at
    once: every connector wait and request in flight ends with ``Cancelled`` (see
    ``connectors.waits``), and the cycle reports ``Health.PAUSED``.
    """

    def __init__(
        self,
        *,
        orderdesk: OrderDeskApi,
        store: StoreConnector,
        journal: Journal,
        folder: int | str | None,
        folder_name: str = "",
        on_folders: Callable[[StoreInfo], None] | None = None,
        send_rule: SendRule,
        overlap: timedelta = timedelta(minutes=10),
        start_at: datetime | None = None,
        sink: EventSink | None = None,
        stop: threading.Event | None = None,
        clock: Callable[[], datetime] = utc_now,
        on_close: Callable[[], None] | None = None,
        store_key: str | None = None,
        source_name: str | None = None,
        cancel_folder: int | str | None = DEFAULT_CANCEL_FOLDER,
        on_cycle: Callable[[CycleResult], None] | None = None,
        identity: SavedIdentity | None = None,
        on_identity: Callable[[str], None] | None = None,
        this_computer: ThisComputer | None = None,
    ) -> None:
        """``folder`` (an id or a name) is the Order Desk folder new orders go to, checked
        against Order Desk's list (``engine.push_folder``), and ``folder_name`` how the
        merchant knows it; ``on_folders`` hears Order Desk's folder list when it is read;
        ``store_key`` names the store in Order Desk until the store says what it is (default:
        its platform and the address as typed; ``engine.whose_store``);
        ``send_rule`` says which store orders are sent (the platform's rule, or the merchant's
        choice of statuses: the wiring reads it from the registry);
        ``source_name`` is its orders' Order Desk source name (default: "Desktop Sync (...)"
        with the connector's ``display_name``); ``cancel_folder`` is the Order Desk folder
        (id or name) that orders cancelled in the store after the push are moved to;
        ``on_cycle`` hears every cycle's result (the facade keeps what the merchant must see);
        ``identity`` is the store's as saved in its settings (``engine.whose_store``), and
        ``on_identity`` hears it when first learned, to save it; ``this_computer`` names
        this profile on this computer in every order sent."""
        self.ctx = EngineContext(
            journal,
            sink,
            clock,
            stop or threading.Event(),
            store_key=store_key or "",
            source_name=source_name or "",
            this_computer=this_computer or ThisComputer(),
        )
        self.whose = StoreSelf(self.ctx, store, identity or SavedIdentity(), on_identity)
        self.store = store
        self.orderdesk = orderdesk
        start = start_at or clock()
        self.pusher = OrderPusher(
            self.ctx,
            orderdesk,
            store,
            folder=folder,
            folder_name=folder_name,
            on_folders=on_folders,
            overlap=overlap,
            start_at=start,
            send_rule=send_rule,
            cancel_folder=cancel_folder,
        )
        self.puller = ShipmentPuller(self.ctx, orderdesk, store, overlap=overlap, start_at=start)
        self._on_close = on_close
        self._on_cycle = on_cycle
        self._clock_read_at: tuple[float, datetime] | None = None
        self._clock_reported: timedelta | None = None
        self.clock_message = ""
        """The sentence about this computer's clock while it is off, else ""."""

    @property
    def journal(self) -> Journal:
        return self.ctx.journal

    @property
    def clock_offset(self) -> timedelta | None:
        """How far this computer's clock is ahead of Order Desk's (None until read)."""
        return self.ctx.clock_offset()

    def push_orders(self, give_way: Callable[[], bool] | None = None) -> PushResult:
        self._read_server_clock()
        self.whose.learn()  # nothing is sent under an identity the store did not give
        return self.pusher.push_orders(give_way)

    def pull_shipments(self) -> PullResult:
        self._read_server_clock()
        try:
            self.whose.learn()
        except (ConnectorError, JournalError) as exc:
            # The store is not reached: the pull matches on the keys known so far, and the
            # fulfilments meet the same trouble and say so.
            log.debug("The store's identity could not be read: %s", exc)
        return self.puller.pull_shipments()

    def stop(self) -> None:
        """End the running cycle now and run no more until ``resume``. Thread-safe: the window
        or a signal handler calls it while the cycle runs on another thread."""
        self.ctx.stop.set()

    def resume(self) -> None:
        """Let cycles run again after ``stop``."""
        self.ctx.stop.clear()

    def _read_server_clock(self) -> None:
        """Learn Order Desk's time (``/test``), so no mark runs ahead of the servers: once a
        minute, and again whenever this computer's clock was changed since the last reading."""
        now, pc_now = time.monotonic(), self.ctx.now()
        last = self._clock_read_at
        if (
            last is None
            or now - last[0] >= _CLOCK_READ_EVERY
            or abs((pc_now - last[1]).total_seconds() - (now - last[0])) > 1.0
        ):
            try:
                self.ctx.server_clock.observe(self.orderdesk.test())
                self._clock_read_at = (now, pc_now)
            except RateLimited:
                # Order Desk's "wait" (and how long) is said once, on the request that met it;
                # the requests after it only hear that the client is holding back.
                raise
            except ConnectorError as exc:
                # The push or the pull meets the same trouble next and says so; until then
                # the last reading, carried forward, stands.
                log.debug("Order Desk's clock could not be read: %s", exc)
        self._report_clock()

    def _report_clock(self) -> None:
        offset = self.ctx.clock_offset()
        if offset is None:
            return
        off = abs(offset) > CLOCK_TOLERANCE
        if off and (
            self._clock_reported is None or abs(offset - self._clock_reported) > CLOCK_TOLERANCE
        ):
            self._clock_reported = offset
            way = "ahead of" if offset > timedelta(0) else "behind"
            self.clock_message = (
                f"This computer's clock is {_duration(abs(offset))} {way} Order Desk's. "
                "Nothing is missed, because syncing follows Order Desk's time, but set the "
                "computer's date and time to be set automatically."
            )
            self.ctx.emit(Level.WARNING, Direction.SYSTEM, self.clock_message)
        elif not off and self._clock_reported is not None:
            self._clock_reported = None
            self.clock_message = ""
            self.ctx.emit(Level.INFO, Direction.SYSTEM, "This computer's clock is right again.")

    def run_cycle(
        self,
        *,
        push: bool = True,
        pull: bool = True,
        give_way: Callable[[], bool] | None = None,
    ) -> CycleResult:
        """One push and one pull. Never raises for remote trouble: the result says what
        happened, and the log has it in words. Stopped midway, it returns ``Health.PAUSED``
        at once; what was cut short is picked up by the next cycle. ``give_way`` is asked
        between orders: True ends the push there (another store's turn), the rest left due
        and counted in ``PushResult.unsent``."""
        with stop_on(self.ctx.stop):
            try:
                result = self._cycle(push=push, pull=pull, give_way=give_way)
            except Cancelled as exc:
                result = CycleResult(Health.PAUSED, str(exc), None, None, self.ctx.now())
        if self._on_cycle is not None:
            self._on_cycle(result)
        return result

    def _cycle(self, *, push: bool, pull: bool, give_way: Callable[[], bool] | None) -> CycleResult:
        push_result: PushResult | None = None
        pull_result: PullResult | None = None
        problems: list[tuple[Health, str]] = []
        waits: list[float] = []  # what each rate limit that stopped a direction asked for
        folder_gone = False
        if push:
            try:
                push_result = self.push_orders(give_way)
            except (ConnectorError, JournalError, StoreHeld) as exc:
                problems.append(self._trouble(exc, Direction.PUSH))
                waits.extend([exc.retry_after] if isinstance(exc, RateLimited) else [])
                # Only the new orders wait for a folder: shipments of those sent still go.
                folder_gone = isinstance(exc, FolderGone)
        if pull and (folder_gone or not any(h in _NO_PULL for h, _ in problems)):
            try:
                pull_result = self.pull_shipments()
            except (ConnectorError, JournalError, StoreHeld) as exc:
                problems.append(self._trouble(exc, Direction.PULL))
                waits.extend([exc.retry_after] if isinstance(exc, RateLimited) else [])
        failed = (push_result.failed if push_result else ()) + (
            pull_result.failed if pull_result else ()
        )
        health, message = self._health(problems, failed)
        return CycleResult(
            health,
            message,
            push_result,
            pull_result,
            self.ctx.now(),
            troubles=tuple(problems),
            clock_offset=self.clock_offset,
            clock_message=self.clock_message,
            rate_limited=max(waits) if waits and len(waits) == len(problems) else None,
        )

    def _trouble(self, exc: Exception, direction: Direction) -> tuple[Health, str]:
        on_orderdesk = isinstance(exc, ConnectorError) and exc.service == ORDERDESK
        if isinstance(exc, StoreHeld):
            health, message = Health.HELD, str(exc)
        elif isinstance(exc, AuthError):
            health = Health.ORDERDESK_AUTH if on_orderdesk else Health.STORE_AUTH
            message = f"{exc} Syncing is stopped until you reconnect."
        elif isinstance(exc, (Transient, RateLimited)):
            health = Health.ORDERDESK_OFFLINE if on_orderdesk else Health.STORE_OFFLINE
            message = f"{exc} The app keeps retrying; nothing is lost."
        elif isinstance(exc, JournalError):
            health, message = Health.FAILING, str(exc)
        else:  # Rejected or Ambiguous on a listing call: the remote side misbehaves
            health = Health.ORDERDESK_OFFLINE if on_orderdesk else Health.STORE_OFFLINE
            message = f"{_sentence(exc)} The app will try again at the next sync."
        try:
            self.ctx.emit(Level.ERROR, direction, message)
        except JournalError:
            # The journal itself cannot be written (a full disk): the line cannot be logged,
            # but the driver still hears it, and the result carries it.
            if self.ctx.sink is not None:
                self.ctx.sink(SyncEvent(self.ctx.now(), Level.ERROR, direction, message))
        return health, message

    def _health(
        self, problems: list[tuple[Health, str]], failed: tuple[Failure, ...] = ()
    ) -> tuple[Health, str]:
        """The most urgent problem; else, when orders or shipments fail, how many, with each
        reason of this cycle said once (an error met on every order of a page is one
        sentence with its count, not one per order)."""
        for wanted in (
            Health.HELD,
            Health.ORDERDESK_AUTH,
            Health.STORE_AUTH,
            Health.ORDERDESK_OFFLINE,
            Health.STORE_OFFLINE,
            Health.FAILING,
        ):
            for health, message in problems:
                if health is wanted:
                    return health, message
        counts = self.journal.counts()
        if counts.failed or counts.shipments_failed:
            parts = []
            if counts.failed:
                parts.append(
                    f"{counts.failed} order{'s' if counts.failed != 1 else ''} could "
                    "not be sent to Order Desk"
                )
            if counts.shipments_failed:
                n = counts.shipments_failed
                parts.append(f"{n} shipment{'s' if n != 1 else ''} could not be sent to the store")
            reasons = said_once(failed)
            told = "".join(f" {group.sentence()}" for group in reasons[:_REASONS_TOLD])
            if len(reasons) > _REASONS_TOLD:
                told += f" And {len(reasons) - _REASONS_TOLD} other reasons."
            return Health.FAILING, (
                " and ".join(parts)
                + f".{told} See the reasons in the list, fix them, then press Retry."
            )
        return Health.OK, ""

    def backfill(self, since: datetime) -> datetime:
        """Send the store's orders placed since ``since`` as well, from the next cycle on.

        The earlier date wins: a backfill never moves the start or the scan forward, so no
        order in between is skipped, and a scan running meanwhile does not write over it.
        A naive ``since`` is UTC. Returns the start now in force (UTC).
        """
        moment = since.replace(tzinfo=UTC) if since.tzinfo is None else since.astimezone(UTC)
        start = self.journal.backfill(moment)
        self.ctx.emit(
            Level.INFO,
            Direction.PUSH,
            f"Backfill: store orders placed since {start:%Y-%m-%d %H:%M} UTC will be sent.",
        )
        return start

    def retry(self, order_number: str | None = None) -> int:
        """Make failed orders and shipments (all, or one order's) due again; return how many."""
        return requeue_failed(self.ctx, order_number)

    def close(self) -> None:
        try:
            self.store.close()
        finally:
            if self._on_close is not None:
                self._on_close()
            self.journal.close()


def _duration(span: timedelta) -> str:
    minutes = round(span.total_seconds() / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{round(hours / 24)} days"


def requeue_failed(ctx: EngineContext, order_number: str | None = None) -> int:
    """Make failed orders and shipments (all, or one order's) due again; return how many.

    Journal only (no network), so a driver can offer it without a connection."""
    journal = ctx.journal
    count = 0
    for row in journal.orders_in_state(OrderState.FAILED, OrderState.SKIPPED):
        if order_number is None and row.state is OrderState.SKIPPED:
            continue  # cancelled orders stay skipped unless asked for by number
        if order_number in (None, row.order_number) and journal.requeue_order(row.store_order_id):
            count += 1
    for shipment in journal.shipments_in_state(ShipmentState.FAILED):
        if order_number in (None, shipment.order_number) and journal.requeue_shipment(
            shipment.shipment_id
        ):
            count += 1
    if count:
        what = f"order {order_number}" if order_number else "all failed orders"
        ctx.emit(
            Level.INFO,
            Direction.SYSTEM,
            f"Retry requested for {what}.",
            order_number=order_number or "",
        )
    return count


def _sentence(exc: Exception) -> str:
    """The error as a sentence naming its service: a refusal may carry only the remote side's
    own words ("Temporary database issue"), which alone would not say who said it."""
    text = str(exc).strip()
    service = exc.service if isinstance(exc, ConnectorError) else ""
    if service and service not in text:
        text = f"{service} refused a request ({text.rstrip('.')})."
    return text if text.endswith((".", "!", "?")) else f"{text}."
