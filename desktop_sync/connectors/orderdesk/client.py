"""``OrderDeskClient``: the typed, rate-limited Order Desk REST API v2 client."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from types import TracebackType
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from desktop_sync import __version__
from desktop_sync.connectors import waits
from desktop_sync.connectors.errors import (
    Ambiguous,
    AuthError,
    Cancelled,
    RateLimited,
    Rejected,
    Transient,
)
from desktop_sync.connectors.http import ApiHttp
from desktop_sync.connectors.http_safety import redact_headers
from desktop_sync.connectors.orderdesk.models import (
    NewOrder,
    NewShipment,
    Order,
    Shipment,
    StoreInfo,
)
from desktop_sync.connectors.orderdesk.parsing import (
    format_datetime,
    parse_datetime,
    parse_order,
    parse_shipment,
    parse_store,
)
from desktop_sync.connectors.orderdesk.ratelimit import TokenBucket, limiter_for
from desktop_sync.connectors.orderdesk.replies import (
    AUTH_SENTENCE,
    RETRY_LATER,
    SERVICE,
    DuplicateOrder,
    interpret_reply,
    readable,
    retry_after,
)
from desktop_sync.connectors.retry import Backoff

__all__ = ["DEFAULT_API_URL", "DEFAULT_TIMEOUT", "DuplicateOrder", "OrderDeskClient"]

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://app.orderdesk.me/api/v2"
DEFAULT_TIMEOUT = httpx.Timeout(20.0, connect=5.0)
DEFAULT_BACKOFF = Backoff()
MAX_PAGE_SIZE = 500
# A page of 500 full orders can take a slow account longer than the read timeout, and would
# then fail every cycle: a page that times out is asked for again at half the size, one that
# takes over half the timeout halves the next (down to this), and quick pages grow back to
# 500. The size is remembered between listings.
MIN_PAGE_SIZE = 25
# Consecutive 429s tolerated before giving up: each one already waited as Order Desk asked.
MAX_RATE_LIMITED = 5


class OrderDeskClient:
    """One Order Desk store, over the shared HTTP layer (``connectors.http.ApiHttp``).

    Every request waits for a token of the store's ``TokenBucket`` and reports the server's
    ``X-Tokens-Remaining`` back to it; a 429 pauses the bucket and is retried. GETs are
    retried with ``backoff`` on temporary failures; writes never are, because Order Desk has
    no idempotency key: a write that may have happened raises ``Ambiguous`` and the caller
    looks it up. Every wait ends with ``Cancelled`` when the engine's stop flag is set.
    """

    def __init__(
        self,
        store_id: str,
        api_key: str,
        *,
        base_url: str = DEFAULT_API_URL,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        limiter: TokenBucket | None = None,
        backoff: Backoff = DEFAULT_BACKOFF,
        sleep: Callable[[float], None] = waits.sleep,
        transport: httpx.BaseTransport | None = None,
        user_agent: str | None = None,
    ) -> None:
        self.store_id = str(store_id).strip()
        key = api_key.strip()
        if not self.store_id or not key:
            raise AuthError(
                "Enter both the Order Desk Store ID and API Key (Order Desk, Store Settings > "
                "API), then press Verify Connection.",
                service=SERVICE,
            )
        if not (self.store_id + key).isascii():
            raise AuthError(AUTH_SENTENCE, service=SERVICE)
        self._api_key = key
        self._limiter = limiter if limiter is not None else limiter_for(self.store_id)
        self._backoff = backoff
        self.list_page_size = MAX_PAGE_SIZE
        """Orders asked for per list page now (smaller while the account answers slowly)."""
        self._page_budget = timeout.read / 2 if timeout.read else None
        self.http = ApiHttp(
            base_url,
            service=SERVICE,
            headers={
                "ORDERDESK-STORE-ID": self.store_id,
                "ORDERDESK-API-KEY": key,
                "User-Agent": user_agent or f"desktop-sync/{__version__} (+Order Desk connector)",
            },
            timeout=timeout,
            transport=transport,
            backoff=backoff,
            rate_limit_waits=MAX_RATE_LIMITED - 1,
            retry_after=retry_after,
            on_response=self._observe,
            before_send=self._limiter.acquire,
            on_rate_limited=self._limiter.pause_for,
            sleep=sleep,
        )
        self.base_url = self.http.base_url
        self._base_path = urlsplit(self.base_url).path

    @property
    def limiter(self) -> TokenBucket:
        """The bucket this client spends: the Order Desk store's one (``limiter_for``), which
        every store of a profile shares, unless one was handed in."""
        return self._limiter

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def requests_sent(self) -> int:
        """Requests put on the wire (retries included)."""
        return self.http.requests_sent

    @property
    def rate_limited_seen(self) -> int:
        """429 answers received."""
        return self.http.rate_limited_seen

    @property
    def server_time_offset(self) -> timedelta | None:
        """Order Desk's clock minus this PC's, from the ``Date`` of its latest answer."""
        return self.http.server_time_offset

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> OrderDeskClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- API -------------------------------------------------------------------------------

    def test(self) -> datetime:
        """Check the credentials; returns Order Desk's clock (UTC)."""
        payload = self._get("test")
        server_time = parse_datetime(payload.get("current_date_time"))
        if server_time is None:
            raise Transient(
                f"Order Desk answered the connection test without its clock. {RETRY_LATER}",
                service=SERVICE,
            )
        return server_time

    def store(self) -> StoreInfo:
        """The store's name, time zone and folders."""
        payload = self._get("store")
        store = payload.get("store")
        if not isinstance(store, Mapping):
            raise Transient(
                f"Order Desk answered without the store's settings. {RETRY_LATER}", service=SERVICE
            )
        return parse_store(store)

    def get_order(self, order_id: str) -> Order:
        payload = self._get(f"orders/{_segment(order_id)}")
        return self._order_from(payload, "an order")

    def create_order(self, order: NewOrder) -> Order:
        """Create an order. Never retried: see ``Ambiguous`` and ``DuplicateOrder``.

        Order Desk's duplicate refusal is not documented (neither its wording nor whether it
        names the existing order), so any refusal that does not name one is checked by looking
        the order up: when Order Desk has it, the refusal is a ``DuplicateOrder`` naming it.
        """
        try:
            payload = self._write("POST", "orders", order.to_payload(), "the order")
        except DuplicateOrder as refusal:
            if refusal.existing_order_id:
                raise
            raise self._refusal_checked(order, refusal) from None
        except Rejected as refusal:
            raise self._refusal_checked(order, refusal) from None
        if isinstance(payload.get("order"), Mapping) and payload["order"].get("id"):
            return self._order_from(payload, "the new order")
        # Created, but the reply did not say as what: find it by its own number. Failing
        # that, the order exists under an id we do not know, which is the Ambiguous case.
        unknown = Ambiguous(
            "Order Desk accepted the order but did not say which order it created; "
            "Desktop Sync will look it up before sending it again.",
            service=SERVICE,
        )
        try:
            found = self.find_orders(order.source_id, order.source_name or None)
        except (Transient, RateLimited):
            raise unknown from None
        except Cancelled:
            raise Cancelled(maybe_sent=True) from None  # the order itself was created
        if not found:
            raise unknown
        return max(
            found, key=lambda o: (o.date_added or datetime.min.replace(tzinfo=UTC), _id_key(o.id))
        )

    def _refusal_checked(self, order: NewOrder, refusal: Rejected) -> Rejected:
        """The refusal of ``order``, or a ``DuplicateOrder`` when Order Desk already has it.

        A look-up that fails raises its own (temporary) error: the caller tries again later,
        and its look-up before sending settles it then.
        """
        # The same number from another store is not this order: everything this order says
        # about its store (order_metadata: the store's order id, its identity) must match.
        wanted = {str(k): str(v) for k, v in order.order_metadata.items()}
        found = [
            o
            for o in self.find_orders(order.source_id, order.source_name or None)
            if all(str(o.order_metadata.get(k, "")) == v for k, v in wanted.items())
        ]
        if not found:
            return refusal
        oldest = min(found, key=lambda o: _id_key(o.id))
        return DuplicateOrder(
            refusal.reason, existing_order_id=oldest.id, status_code=refusal.status_code
        )

    def iter_orders(
        self,
        *,
        folder_id: int | Iterable[int] | None = None,
        folder_name: str | None = None,
        source_id: str | None = None,
        source_name: str | None = None,
        search_start_date: datetime | date | None = None,
        search_end_date: datetime | date | None = None,
        modified_start_date: datetime | date | None = None,
        modified_end_date: datetime | date | None = None,
        email: str | None = None,
        customer_id: str | None = None,
        customer_first_name: str | None = None,
        customer_last_name: str | None = None,
        customer_company: str | None = None,
        customer_address1: str | None = None,
        customer_phone: str | None = None,
        shipping_first_name: str | None = None,
        shipping_last_name: str | None = None,
        shipping_company: str | None = None,
        shipping_address1: str | None = None,
        shipping_phone: str | None = None,
        order_by: str | None = None,
        order: str | None = None,
        page_size: int = MAX_PAGE_SIZE,
    ) -> Iterator[Order]:
        """Every order matching the filters, page by page (dates are sent as UTC). Each filter
        is a named parameter, so a misspelt one is a type error, never a query Order Desk
        ignores."""
        filters: dict[str, Any] = {
            "folder_id": folder_id,
            "folder_name": folder_name,
            "source_id": source_id,
            "source_name": source_name,
            "search_start_date": search_start_date,
            "search_end_date": search_end_date,
            "modified_start_date": modified_start_date,
            "modified_end_date": modified_end_date,
            "email": email,
            "customer_id": customer_id,
            "customer_first_name": customer_first_name,
            "customer_last_name": customer_last_name,
            "customer_company": customer_company,
            "customer_address1": customer_address1,
            "customer_phone": customer_phone,
            "shipping_first_name": shipping_first_name,
            "shipping_last_name": shipping_last_name,
            "shipping_company": shipping_company,
            "shipping_address1": shipping_address1,
            "shipping_phone": shipping_phone,
            "order_by": order_by,
            "order": order,
        }
        params = {k: _query_value(v) for k, v in filters.items() if v is not None}
        wanted = max(1, min(MAX_PAGE_SIZE, int(page_size)))
        offset = 0
        seen: set[str] = set()
        while True:
            limit = min(wanted, self.list_page_size)
            started = time.monotonic()
            try:
                payload = self._get(
                    "orders", {**params, "limit": str(limit), "offset": str(offset)}
                )
            except Transient:
                # Only a page whose every attempt ran out of read time is retried smaller; a
                # network that is down (connect timeouts, refusals) is reported at once.
                spent = time.monotonic() - started
                if limit <= MIN_PAGE_SIZE or self._page_budget is None:
                    raise
                if spent < 0.9 * self._backoff.attempts * 2 * self._page_budget:
                    raise
                self._resize_pages(limit // 2, f"timed out after {spent:.0f} s")
                continue
            raw_orders = payload.get("orders")
            page = list(
                raw_orders.values() if isinstance(raw_orders, Mapping) else raw_orders or []
            )
            self._time_page(limit, wanted, len(page), time.monotonic() - started)
            if not page:
                return
            for raw in page:
                try:
                    parsed = parse_order(raw)
                except ValueError:
                    log.warning("Skipped an order without an id in an Order Desk order list.")
                    continue
                # New orders arriving mid-listing shift offset pages; never yield one twice.
                if parsed.id not in seen:
                    seen.add(parsed.id)
                    yield parsed
            total = _count(payload.get("total_records"))
            returned = _count(payload.get("records_returned")) or len(page)
            if total is None:
                if len(page) < limit:
                    return
            elif offset + returned >= total:
                return
            offset += len(page)

    def _time_page(self, limit: int, wanted: int, returned: int, seconds: float) -> None:
        if self._page_budget is None:
            return
        if seconds > self._page_budget and limit > MIN_PAGE_SIZE:
            self._resize_pages(limit // 2, f"took {seconds:.1f} s")
            return
        # Grow only when a page twice this size, at this page's pace per order, is quick too.
        doubled = seconds / max(1, returned) * limit * 2
        if limit < wanted and returned and doubled < self._page_budget / 2:
            self._resize_pages(limit * 2, "was quick")

    def _resize_pages(self, size: int, why: str) -> None:
        self.list_page_size = max(MIN_PAGE_SIZE, min(MAX_PAGE_SIZE, size))
        log.info(
            "An Order Desk list page %s; asking for %d orders a page.", why, self.list_page_size
        )

    def find_orders(self, source_id: str, source_name: str | None = None) -> list[Order]:
        """Orders carrying this store's order number (several after a split)."""
        return list(self.iter_orders(source_id=source_id, source_name=source_name))

    def list_shipments(self, order_id: str) -> list[Shipment]:
        payload = self._get(f"orders/{_segment(order_id)}/shipments")
        raw = payload.get("shipments")
        entries = raw.values() if isinstance(raw, Mapping) else raw or []
        return [parse_shipment(entry, str(order_id)) for entry in entries]

    def add_shipment(self, order_id: str, shipment: NewShipment) -> Shipment | None:
        """Add tracking to an order; returns the new shipment, or None if it cannot be found."""
        path = f"orders/{_segment(order_id)}/shipments"
        payload = self._write("POST", path, shipment.to_payload(), "the shipment")
        created = payload.get("shipment")
        if isinstance(created, Mapping) and created.get("id"):
            return parse_shipment(created, str(order_id))
        # The documented reply is only "Shipment Added": read the list to learn the new id.
        try:
            shipments = self.list_shipments(order_id)
        except (Transient, RateLimited):
            log.warning("Shipment added to Order Desk order %s; could not read it back.", order_id)
            return None
        matches = [s for s in shipments if s.tracking_number == shipment.tracking_number]
        return matches[-1] if matches else None

    def add_history_note(self, order_id: str, note: str, source_name: str = "") -> None:
        """Write ``note`` into the order's history, where the warehouse sees it (reference
        §4.7). Never retried: an ``Ambiguous`` note may be there already."""
        body: dict[str, Any] = {"note": note}
        if source_name:
            body["source_name"] = source_name
        self._write("POST", f"orders/{_segment(order_id)}/order-history", body, "the note")

    def move_orders(
        self,
        order_ids: Iterable[str],
        *,
        folder_id: int | None = None,
        folder_name: str | None = None,
    ) -> None:
        """Move orders into a folder (by id or exact name; one of the two)."""
        if (folder_id is None) == (folder_name is None):
            raise ValueError("move_orders needs exactly one of folder_id and folder_name")
        ids: list[int | str] = [int(i) if str(i).isdigit() else str(i) for i in order_ids]
        if not ids:
            return
        body: dict[str, Any] = {"order_id_list": ids}
        if folder_id is not None:
            body["destination_folder_id"] = int(folder_id)
        else:
            body["destination_folder_name"] = folder_name
        self._write("POST", "move-orders", body, "the folder move")

    # -- plumbing --------------------------------------------------------------------------

    def _order_from(self, payload: Mapping[str, Any], what: str) -> Order:
        try:
            return parse_order(payload.get("order"))
        except ValueError:
            raise Transient(
                f"Order Desk sent {what} without its id. {RETRY_LATER}", service=SERVICE
            ) from None

    def _get(self, path: str, params: Mapping[str, str] | None = None) -> dict[str, Any]:
        response = self.http.request("GET", path, params=params, idempotent=True, readable=readable)
        return interpret_reply(response, writing=False, what="", secret=self._api_key)

    def _write(self, method: str, path: str, body: Any, what: str) -> dict[str, Any]:
        response = self.http.request(
            method, path, json=body, idempotent=False, retry=False, what=what
        )
        return interpret_reply(response, writing=True, what=what, secret=self._api_key)

    def _observe(self, response: httpx.Response) -> None:
        """Tell the bucket what the server has left (and show it in a debug log)."""
        remaining = response.headers.get("X-Tokens-Remaining")
        if log.isEnabledFor(logging.DEBUG):
            path = response.request.url.path.removeprefix(self._base_path)
            log.debug(
                "%s %s -> %d; sent %s; tokens left %s",
                response.request.method,
                path,
                response.status_code,
                redact_headers(response.request.headers),
                remaining if remaining is not None else "?",
            )
        if remaining is None:
            return
        try:
            self._limiter.observe_remaining(int(float(remaining)))
        except ValueError:
            log.debug("Ignored an unreadable X-Tokens-Remaining header.")


def _segment(value: str) -> str:
    return quote(str(value).strip(), safe="")


def _id_key(order_id: str) -> tuple[int, str]:
    return (int(order_id), "") if order_id.isdigit() else (-1, order_id)


def _query_value(value: Any) -> str:
    if isinstance(value, datetime | date):
        return format_datetime(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        return ",".join(_query_value(v) for v in value)
    return str(value)


def _count(value: Any) -> int | None:
    # total_records arrives as 5 or "5" (reference §2).
    try:
        return int(float(str(value).strip()))
    except ValueError:
        return None
