"""``SyncEngine``: the one facade the GUI, the CLI and the tests drive. It runs a cycle (push,
then pull), turns connector errors into one ``Health`` with a sentence, and retries on request."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from desktop_sync.connectors.errors import (
    ORDERDESK,
    AuthError,
    ConnectorError,
    RateLimited,
    Transient,
)
from desktop_sync.connectors.stores.base import StoreConnector
from desktop_sync.engine.context import EngineContext, OrderDeskApi, utc_now
from desktop_sync.engine.events import (
    CycleResult,
    Direction,
    EventSink,
    Health,
    Level,
    PullResult,
    PushResult,
    SyncEvent,
)
from desktop_sync.engine.pull import ShipmentPuller
from desktop_sync.engine.push import OrderPusher
from desktop_sync.state.journal import Journal, JournalError

__all__ = ["SyncEngine", "requeue_failed"]


class SyncEngine:
    """Push store orders to Order Desk and pull shipments back, exactly once each.

    Not thread-safe: build it on the thread that runs it (the journal's connection belongs to
    that thread). ``stop`` makes a running cycle return at the next order boundary.
    """

    def __init__(
        self,
        *,
        orderdesk: OrderDeskApi,
        store: StoreConnector,
        journal: Journal,
        folder: int | str | None,
        overlap: timedelta = timedelta(minutes=10),
        start_at: datetime | None = None,
        sink: EventSink | None = None,
        stop: threading.Event | None = None,
        clock: Callable[[], datetime] = utc_now,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self.ctx = EngineContext(journal, sink, clock, stop or threading.Event())
        self.store = store
        self.orderdesk = orderdesk
        start = start_at or clock()
        self.pusher = OrderPusher(
            self.ctx, orderdesk, store, folder=folder, overlap=overlap, start_at=start
        )
        self.puller = ShipmentPuller(self.ctx, orderdesk, store, overlap=overlap, start_at=start)
        self._on_close = on_close

    @property
    def journal(self) -> Journal:
        return self.ctx.journal

    def push_orders(self) -> PushResult:
        return self.pusher.push_orders()

    def pull_shipments(self) -> PullResult:
        return self.puller.pull_shipments()

    def run_cycle(self, *, push: bool = True, pull: bool = True) -> CycleResult:
        """One push and one pull. Never raises for remote trouble: the result says what
        happened, and the log has it in words."""
        push_result: PushResult | None = None
        pull_result: PullResult | None = None
        problems: list[tuple[Health, str]] = []
        if push:
            try:
                push_result = self.push_orders()
            except (ConnectorError, JournalError) as exc:
                problems.append(self._trouble(exc, Direction.PUSH))
        if pull and not any(h.needs_reconnect for h, _ in problems):
            try:
                pull_result = self.pull_shipments()
            except (ConnectorError, JournalError) as exc:
                problems.append(self._trouble(exc, Direction.PULL))
        health, message = self._health(problems)
        return CycleResult(health, message, push_result, pull_result, self.ctx.now())

    def _trouble(self, exc: Exception, direction: Direction) -> tuple[Health, str]:
        on_orderdesk = isinstance(exc, ConnectorError) and exc.service == ORDERDESK
        if isinstance(exc, AuthError):
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

    def _health(self, problems: list[tuple[Health, str]]) -> tuple[Health, str]:
        for wanted in (
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
            return Health.FAILING, (
                " and ".join(parts) + ". See the reasons in the list, fix them, then press Retry."
            )
        return Health.OK, ""

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


def requeue_failed(ctx: EngineContext, order_number: str | None = None) -> int:
    """Make failed orders and shipments (all, or one order's) due again; return how many.

    Journal only (no network), so a driver can offer it without a connection."""
    journal = ctx.journal
    count = 0
    for row in journal.orders_in_state("failed", "skipped"):
        if order_number is None and row.state == "skipped":
            continue  # cancelled orders stay skipped unless asked for by number
        if order_number in (None, row.order_number) and journal.requeue_order(row.store_order_id):
            count += 1
    for shipment in journal.shipments_in_state("failed"):
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
