"""``OrderDeskClient``: the typed, rate-limited Order Desk REST API v2 client."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

from desktop_sync import __version__
from desktop_sync.connectors.errors import Ambiguous, AuthError, RateLimited, Transient
from desktop_sync.connectors.http_safety import check_api_url, redact_headers
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
    retry_after,
    transport_error,
)
from desktop_sync.connectors.retry import Backoff

__all__ = ["DEFAULT_API_URL", "DEFAULT_TIMEOUT", "DuplicateOrder", "OrderDeskClient"]

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://app.orderdesk.me/api/v2"
DEFAULT_TIMEOUT = httpx.Timeout(20.0, connect=5.0)
DEFAULT_BACKOFF = Backoff()
MAX_PAGE_SIZE = 500
# Consecutive 429s tolerated before giving up: each one already waited as Order Desk asked.
MAX_RATE_LIMITED = 5


class OrderDeskClient:
    """One Order Desk store, over one reused HTTP connection pool.

    Every request waits for a token of the store's ``TokenBucket`` and reports the server's
    ``X-Tokens-Remaining`` back to it; a 429 is waited out and retried. GETs are retried with
    ``backoff`` on temporary failures; writes never are, because Order Desk has no idempotency
    key: a write that may have happened raises ``Ambiguous`` and the caller looks it up.
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
        sleep: Callable[[float], None] = time.sleep,
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
        self.base_url = check_api_url(base_url, SERVICE)
        self._api_key = key
        self._limiter = limiter if limiter is not None else limiter_for(self.store_id)
        self._backoff = backoff
        self._sleep = sleep
        self.requests_sent = 0
        """Requests put on the wire (retries included)."""
        self.rate_limited_seen = 0
        """429 answers received."""
        self._http = httpx.Client(
            base_url=self.base_url + "/",
            timeout=timeout,
            transport=transport,
            # A redirect would carry the key headers to wherever it points; refuse instead.
            follow_redirects=False,
            headers={
                "ORDERDESK-STORE-ID": self.store_id,
                "ORDERDESK-API-KEY": key,
                "User-Agent": user_agent or f"desktop-sync/{__version__} (+Order Desk connector)",
                "Accept": "application/json",
            },
        )

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def limiter(self) -> TokenBucket:
        return self._limiter

    def close(self) -> None:
        self._http.close()

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
        """Create an order. Never retried: see ``Ambiguous`` and ``DuplicateOrder``."""
        payload = self._write("POST", "orders", order.to_payload(), "the order")
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
        if not found:
            raise unknown
        return max(
            found, key=lambda o: (o.date_added or datetime.min.replace(tzinfo=UTC), _id_key(o.id))
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
        order_by: str | None = None,
        order: str | None = None,
        page_size: int = MAX_PAGE_SIZE,
        **extra_filters: Any,
    ) -> Iterator[Order]:
        """Every order matching the filters, page by page (dates are sent as UTC)."""
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
            "order_by": order_by,
            "order": order,
            **extra_filters,
        }
        params = {k: _query_value(v) for k, v in filters.items() if v is not None}
        limit = max(1, min(MAX_PAGE_SIZE, int(page_size)))
        offset = 0
        seen: set[str] = set()
        while True:
            payload = self._get("orders", {**params, "limit": str(limit), "offset": str(offset)})
            raw_orders = payload.get("orders")
            page = list(
                raw_orders.values() if isinstance(raw_orders, Mapping) else raw_orders or []
            )
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
        attempt = 1
        while True:
            try:
                return self._call("GET", path, params=params)
            except Transient:
                if attempt >= self._backoff.attempts:
                    raise
                delay = self._backoff.delay(attempt)
                log.debug("GET /%s failed (attempt %d); retrying in %.2f s", path, attempt, delay)
                self._sleep(delay)
                attempt += 1

    def _write(self, method: str, path: str, body: Any, what: str) -> dict[str, Any]:
        return self._call(method, path, body=body, what=what)

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        what: str = "",
    ) -> dict[str, Any]:
        """One logical request: waits out 429s, maps everything else to a typed error."""
        writing = method != "GET"
        limited = 0
        while True:
            self._limiter.acquire()
            response = self._send(method, path, params, body, what)
            self._observe_tokens(response)
            if log.isEnabledFor(logging.DEBUG):
                log.debug(
                    "%s /%s -> %d; sent %s; tokens left %s",
                    method,
                    path,
                    response.status_code,
                    redact_headers(response.request.headers),
                    response.headers.get("X-Tokens-Remaining", "?"),
                )
            if response.status_code != 429:
                return interpret_reply(response, writing=writing, what=what, secret=self._api_key)
            self.rate_limited_seen += 1
            limited += 1
            wait = retry_after(response.headers)
            if limited >= MAX_RATE_LIMITED:
                raise RateLimited(
                    "Order Desk kept asking Desktop Sync to slow down; it will try again in a "
                    "moment.",
                    service=SERVICE,
                    retry_after=wait,
                )
            log.debug("%s /%s: 429, waiting %.1f s", method, path, wait)
            self._limiter.pause_for(wait)

    def _send(
        self,
        method: str,
        path: str,
        params: Mapping[str, str] | None,
        body: Any,
        what: str,
    ) -> httpx.Response:
        content: bytes | None = None
        headers: dict[str, str] = {}
        if body is not None:
            content = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        self.requests_sent += 1
        try:
            return self._http.request(method, path, params=params, content=content, headers=headers)
        except httpx.TransportError as exc:
            raise transport_error(exc, writing=method != "GET", what=what) from None

    def _observe_tokens(self, response: httpx.Response) -> None:
        remaining = response.headers.get("X-Tokens-Remaining")
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
