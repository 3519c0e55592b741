"""The WooCommerce store connector: REST ``wc/v3`` orders in, tracking out through the Shipment
Tracking extension or customer notes, and ``completed`` once every line has shipped.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from desktop_sync.connectors.errors import Ambiguous, Rejected, Transient
from desktop_sync.connectors.stores.base import (
    Capabilities,
    FulfillmentLine,
    StatusChoice,
    StoreFulfillment,
    StoreIdentity,
    StoreOrder,
    Tracking,
)
from desktop_sync.connectors.stores.http import PRODUCT_HTTP, HttpSettings
from desktop_sync.connectors.stores.paging import PageGuard, by_number
from desktop_sync.connectors.stores.unreadable import read_order
from desktop_sync.connectors.stores.window import ScanWindow
from desktop_sync.connectors.stores.woocommerce_http import PLATFORM, SERVICE, WooRest
from desktop_sync.connectors.stores.woocommerce_orders import (
    ShipmentRecord,
    format_gmt,
    note_text,
    parse_gmt,
    parse_order,
    read_records,
    records_meta,
)
from desktop_sync.connectors.stores.woocommerce_products import ProductShipping
from desktop_sync.connectors.stores.woocommerce_site import SiteIndex, home_address, read_index
from desktop_sync.connectors.stores.woocommerce_statuses import read_statuses
from desktop_sync.connectors.stores.woocommerce_tracking import (
    TrackingItems,
    TrackingPlugin,
    plugin_of,
)

__all__ = ["WooCommerceConnector", "from_credentials"]

log = logging.getLogger(__name__)

_REPEATED_HINT = (
    "a caching plugin or proxy is probably answering for WordPress: exclude /wp-json/ from "
    "its cache, then the sync goes on by itself."
)
# Statuses in which the merchant has closed the order: completing it would reopen it and send
# the customer WooCommerce's "Completed order" email, so the app leaves such an order alone.
_CLOSED = {
    "cancelled": "cancelled",
    "refunded": "refunded",
    "failed": "marked Failed",
    "trash": "in the trash",
}


class WooCommerceConnector:
    """One WooCommerce site, reached with a REST API consumer key and secret.

    WooCommerce has no per-line shipment record, so which lines each tracking number covers is
    kept in order meta ``_desktop_sync_fulfillments`` (recorded, not native). The Shipment
    Tracking extension stores a tracking link and several numbers; without it, the customer
    note carries them. The "Completed order" email follows WooCommerce's own email settings
    whatever we ask; ``notify`` only decides whether our notes are customer notes (emailed) or
    private.
    """

    platform = PLATFORM
    display_name = SERVICE
    capabilities = Capabilities(multiple_tracking_numbers=True)

    def __init__(
        self,
        site_url: str,
        consumer_key: str,
        consumer_secret: str,
        *,
        statuses: Sequence[str] = (),
        page_size: int = 100,
        auth_in_query: bool = False,
        method_override: bool = False,
        min_interval: float = 0.25,
        max_rescans: int = 2,
        now: Callable[[], datetime] | None = None,
        http: HttpSettings = PRODUCT_HTTP,
    ) -> None:
        """``auth_in_query`` sends the key in the query string from the start (never logged),
        for servers that strip the ``Authorization`` header; without it the connector finds
        that out by itself, as it does a proxy that ends TLS (see ``WooRest``).
        ``method_override`` sends every PUT as a POST with ``_method=PUT`` from the start, for
        servers that refuse PUT (found out by itself otherwise, in ``verify``).
        ``min_interval`` paces requests (seconds apart), since hosts and firewalls throttle.
        ``statuses`` narrows the scan; by default it reads every status, so the engine sees
        an order cancelled after the push (its send rule decides what is sent)."""
        if not 1 <= page_size <= 100:
            raise ValueError("page_size must be between 1 and 100 (WooCommerce's maximum)")
        self._rest = WooRest(
            site_url,
            consumer_key,
            consumer_secret,
            auth_in_query=auth_in_query,
            method_override=method_override,
            min_interval=min_interval,
            http=http,
        )
        self.site_url = self._rest.site_url
        self.statuses = tuple(statuses)
        self.page_size = page_size
        self.max_rescans = max_rescans
        self._now = now or (lambda: datetime.now(UTC))
        self._orderby = "modified"
        self._site: SiteIndex | None = None
        self._trackings = TrackingItems(self._rest)
        self._products = ProductShipping(self._rest)
        self._unread: dict[str, Mapping[str, Any]] = {}
        """The latest listing's orders whose lines' shipping was left unread, as listed."""

    def close(self) -> None:
        self._rest.close()

    # -- verify ----------------------------------------------------------------------------

    def verify(self) -> StoreIdentity:
        """The site answers as WordPress with WooCommerce active, the key reads orders, and
        the key may write (a ``PUT`` of order 0 is refused for a read-only key, else 404)."""
        index = self._index(refresh=True)
        if "wc/v3" not in index.namespaces:
            raise Rejected(
                f"{self.site_url} is a WordPress site without an active WooCommerce (REST API "
                "v3 missing); activate WooCommerce 3.5 or later and try again.",
                service=SERVICE,
            )
        sample = self._rest.get_json("wc/v3/orders", {"per_page": 1})
        # Changes nothing (there is no order 0): a read-only key gets 401, any other key 404
        # "Invalid ID." (open question 7 of the reference).
        # It also finds out, before any customer is emailed, whether the web server lets PUT
        # through to WordPress (else later writes use the method override).
        with contextlib.suppress(Rejected, Ambiguous):
            self._rest.write("PUT", "wc/v3/orders/0", {})
        currency = ""
        if isinstance(sample, list) and sample and isinstance(sample[0], Mapping):
            currency = str(sample[0].get("currency") or "")
        return self._identity(index, currency)

    def identify(self) -> StoreIdentity:
        """The site's REST index: its name and its own home address (``home``), normalised
        (no scheme, no ``www.``, no trailing slash, lower case), whatever address was typed.
        A site whose index is locked to visitors is known by the address it answers on."""
        return self._identity(self._index(refresh=True), "")

    def _identity(self, index: SiteIndex, currency: str) -> StoreIdentity:
        self.site_url = self._rest.site_url  # the site's canonical address, if it moved
        home = index.home or self.site_url
        return StoreIdentity(
            name=index.name or self.site_url,
            url=home,
            currency=currency,
            timezone=index.timezone,
            own_id=home_address(home),
        )

    def _index(self, *, refresh: bool = False) -> SiteIndex:
        if self._site is None or refresh:
            self._site = read_index(self._rest)
            self.site_url = self._rest.site_url
        return self._site

    # -- orders ----------------------------------------------------------------------------

    def iter_orders(self, since: datetime, until: datetime | None = None) -> Iterator[StoreOrder]:
        """Orders of the chosen statuses modified in [since, until], oldest change first.

        WooCommerce stamps changes to the second and compares strictly, so the query is one
        second wider on each side; each order is then checked here (an order stamped in
        ``since``'s own second may be inside, so it counts), also because WordPress silently
        ignores a filter it does not know. When ``X-WP-Total`` moves during a scan, pages have
        shifted, so the scan runs again and yields what it had missed.
        """
        window = ScanWindow.of(since, until or self._now())
        seen: set[tuple[str, datetime]] = set()
        self._unread = {}
        for _ in range(1 + self.max_rescans):
            totals: set[str] = set()
            found: list[StoreOrder] = []
            for order, total in self._scan(window):
                totals.add(total)
                key = (order.id, order.updated_at)
                inside = window.holds(order.updated_at) or bool(order.problem)
                if key in seen or not inside:  # an unreadable order's dates may be none
                    continue
                if self.statuses and order.status not in self.statuses:
                    continue
                seen.add(key)
                if self._orderby == "modified":
                    yield order
                else:
                    found.append(order)
            yield from sorted(found, key=lambda o: (o.updated_at, o.id))
            if len(totals) <= 1:
                return
            log.info("WooCommerce order count changed during a scan; scanning again")

    def _scan(self, window: ScanWindow) -> Iterator[tuple[StoreOrder, str]]:
        params: dict[str, Any] = {
            "modified_after": format_gmt(window.since - timedelta(seconds=1)),
            "dates_are_gmt": "true",
            "order": "asc",
            "per_page": self.page_size,
        }
        if window.after_until is not None:
            params["modified_before"] = format_gmt(window.after_until)
        if self.statuses:
            params["status"] = ",".join(self.statuses)
        headers: dict[str, str | None] = {}

        def read(page: int) -> list[Mapping[str, Any]]:
            while True:
                response = self._rest.get(
                    "wc/v3/orders", {**params, "orderby": self._orderby, "page": page}
                )
                if not (
                    response.status_code == 400
                    and self._orderby == "modified"
                    and "orderby" in response.text
                ):
                    break
                # Stores older than orderby=modified: sort by creation and reorder ourselves.
                log.info("This WooCommerce cannot sort by modified date; sorting locally")
                self._orderby = "date"
            body = self._rest.json(response)
            headers["total"] = response.headers.get("X-WP-Total", "")
            headers["pages"] = response.headers.get("X-WP-TotalPages")
            return (
                [raw for raw in body if isinstance(raw, Mapping)] if isinstance(body, list) else []
            )

        pages = by_number(
            read,
            size=self.page_size,
            guard=PageGuard(SERVICE, "orders", _REPEATED_HINT),
            fingerprint=lambda raws: tuple(
                (_text_id(r.get("id")), str(r.get("date_modified_gmt"))) for r in raws
            ),
            counted=lambda: _int_header(headers["pages"]),
        )
        for raws in pages:
            for raw in raws:
                # Whether each line ships costs a read per product: left to the orders sent.
                order = _read_order(raw, self._products.as_read)
                if not self._products.all_read(raw):
                    order = replace(order, shipping_read=False)
                    self._unread[order.id] = raw
                yield order, str(headers["total"])

    def status_choices(self) -> tuple[StatusChoice, ...]:
        """The site's order statuses, a plugin's included (``woocommerce_statuses``)."""
        return read_statuses(self._rest)

    def get_order(self, order_id: str) -> StoreOrder:
        return self._parse(self._order_json(order_id))

    def ready_to_send(self, order: StoreOrder) -> StoreOrder:
        """The listed order with whether each line ships read (its products, once each for
        a session); an order listed before the latest listing is read again."""
        if order.shipping_read:
            return order
        raw = self._unread.get(order.id)
        ready = self._parse(raw) if raw is not None else None
        if ready is None or ready.updated_at != order.updated_at:
            return self.get_order(order.id)
        return ready

    def _parse(self, raw: Mapping[str, Any]) -> StoreOrder:
        return _read_order(raw, self._products.shipping_of([raw]))

    # -- fulfillments ----------------------------------------------------------------------

    def list_fulfillments(self, order_id: str) -> list[StoreFulfillment]:
        """The shipments this app recorded on the order (tracking numbers and lines).

        Tracking items nobody recorded (added by hand, or a create cut short) are left out,
        so ``create_fulfillment`` runs for them and finishes the job without doubling it.
        """
        return [r.to_fulfillment(order_id) for r in read_records(self._order_json(order_id))]

    def create_fulfillment(
        self,
        order_id: str,
        lines: Sequence[FulfillmentLine],
        tracking: Tracking,
        notify: bool = True,
    ) -> StoreFulfillment:
        """Add the tracking, a customer note naming the lines when it is not the last shipment
        (or when there is no tracking extension), and complete the order once every line has
        shipped. Each step first checks whether an earlier, interrupted attempt did it."""
        raw = self._order_json(order_id)
        order = self._parse(raw)
        if order.problem:
            raise Rejected(order.problem, service=SERVICE)
        records = read_records(raw)
        for record in records:
            if tracking.number in record.tracking_numbers:
                if order.status not in _CLOSED:
                    self._complete_if_shipped(order, records)
                return record.to_fulfillment(order_id)
        _refuse_if_closed(order)
        self._check_lines(order, records, lines)
        after = [*records, ShipmentRecord("", (tracking.number,), tuple(lines))]
        last = _all_shipped(order, after)
        record_id, item_ok = self._ensure_tracking(order, tracking)
        # The "Completed order" email carries the tracking; an order that is completed already
        # gets no such email, so the customer hears of the shipment through a note instead,
        # as they do when the tracking plugin could not take the number or its link.
        if not last or not item_ok or order.status == "completed":
            text = note_text(order, lines, tracking, more_to_come=not last)
            note_id = self._ensure_note(order_id, tracking.number, text, notify)
            record_id = record_id or f"note-{note_id}"
        record = ShipmentRecord(record_id, (tracking.number,), tuple(lines))
        body: dict[str, Any] = {"meta_data": [records_meta([*records, record])]}
        if last and order.status != "completed":
            body["status"] = "completed"  # WooCommerce now sends its Completed order email
        self._rest.write("PUT", f"wc/v3/orders/{order_id}", body)
        return record.to_fulfillment(order_id)

    def add_tracking(
        self, order_id: str, fulfillment: StoreFulfillment, tracking: Tracking
    ) -> StoreFulfillment:
        """Another tracking number for the same lines: a tracking item (or a note) and the
        record updated; the order status is left as it is."""
        raw = self._order_json(order_id)
        order = self._parse(raw)
        records = read_records(raw)
        target = next((r for r in records if r.id == fulfillment.id), None)
        if target is None:
            raise Rejected(
                f"WooCommerce order #{order.number} has no shipment {fulfillment.id} recorded "
                "by this app, so the tracking number cannot be added to it.",
                service=SERVICE,
            )
        if tracking.number in target.tracking_numbers:
            return target.to_fulfillment(order_id)
        _refuse_if_closed(order)
        _, item_ok = self._ensure_tracking(order, tracking)
        if not item_ok:
            text = note_text(order, target.lines, tracking, more_to_come=False)
            self._ensure_note(order_id, tracking.number, text, notify=True)
        updated = ShipmentRecord(
            target.id, (*target.tracking_numbers, tracking.number), target.lines
        )
        records = [updated if r is target else r for r in records]
        self._rest.write("PUT", f"wc/v3/orders/{order_id}", {"meta_data": [records_meta(records)]})
        return updated.to_fulfillment(order_id)

    def _check_lines(
        self, order: StoreOrder, records: Sequence[ShipmentRecord], lines: Sequence[FulfillmentLine]
    ) -> None:
        ordered = {line.id: line for line in order.lines}
        shipped = _shipped(records)
        for line in lines:
            known = ordered.get(line.line_id)
            if known is None or line.quantity < 1:
                raise Rejected(
                    f"WooCommerce order #{order.number} has no line {line.line_id} to ship; "
                    "check the shipment's items in Order Desk.",
                    service=SERVICE,
                )
            if shipped.get(line.line_id, 0) + line.quantity > known.quantity:
                raise Rejected(
                    f"WooCommerce order #{order.number} has only {known.quantity} × "
                    f"{known.name}, and {shipped.get(line.line_id, 0)} already shipped; "
                    "check the shipment's quantities in Order Desk.",
                    service=SERVICE,
                )

    def _complete_if_shipped(self, order: StoreOrder, records: Sequence[ShipmentRecord]) -> None:
        if order.status != "completed" and _all_shipped(order, records):
            self._rest.write("PUT", f"wc/v3/orders/{order.id}", {"status": "completed"})

    @property
    def tracking_plugin(self) -> TrackingPlugin:
        """Which tracking plugin answers on this site (read from the REST index)."""
        return plugin_of(self._index().namespaces)

    def _ensure_tracking(self, order: StoreOrder, tracking: Tracking) -> tuple[str, bool]:
        today = self._now().astimezone(UTC).date().isoformat()
        return self._trackings.ensure(self.tracking_plugin, order, tracking, today)

    def _ensure_note(self, order_id: str, number: str, text: str, notify: bool) -> str:
        path = f"wc/v3/orders/{order_id}/notes"
        notes = self._rest.get_json(path, {"type": "customer" if notify else "any"})
        for note in notes if isinstance(notes, list) else ():
            if isinstance(note, Mapping) and number in str(note.get("note") or ""):
                return str(note.get("id") or "")
        created = self._rest.write("POST", path, {"note": text, "customer_note": notify})
        return str(created.get("id") or "") if isinstance(created, Mapping) else ""

    # -- HTTP ------------------------------------------------------------------------------

    def _order_json(self, order_id: str) -> Mapping[str, Any]:
        body = self._rest.get_json(f"wc/v3/orders/{order_id}")
        if not isinstance(body, Mapping):
            raise Transient(
                "The WooCommerce store sent something other than an order; the sync will try "
                "again shortly.",
                service=SERVICE,
            )
        return body


def from_credentials(url: str, key: str, secret: str, **options: Any) -> WooCommerceConnector:
    """The connector for a site URL, consumer key and consumer secret (``options``: statuses,
    page_size, ...); the same factory every platform module offers."""
    return WooCommerceConnector(url, key, secret, **options)


def _read_order(raw: Mapping[str, Any], ships: Callable[[Mapping[str, Any]], bool]) -> StoreOrder:
    """The order, or one listed with the reason it cannot be read (``unreadable``)."""
    order_id = _text_id(raw.get("id"))
    return read_order(
        lambda: parse_order(raw, ships),
        service=SERVICE,
        where="WooCommerce (WordPress admin > WooCommerce > Orders)",
        order_id=order_id,
        number=_text_id(raw.get("number")) or order_id,
        dates=(raw.get("date_created_gmt"), raw.get("date_modified_gmt")),
        read_date=parse_gmt,
    )


def _refuse_if_closed(order: StoreOrder) -> None:
    if order.problem:  # nothing is written on an order whose lines cannot be read
        raise Rejected(order.problem, service=SERVICE)
    closed = _CLOSED.get(order.status)
    if closed:
        raise Rejected(
            f"WooCommerce order #{order.number} is {closed}, so the app left it as it is (no "
            "tracking, no status change, no email to the customer); if it did ship, set the "
            "order back to Processing in WooCommerce and press Retry.",
            service=SERVICE,
        )


def _all_shipped(order: StoreOrder, records: Sequence[ShipmentRecord]) -> bool:
    """Every line that is goods to ship has shipped (virtual and downloadable lines never do)."""
    shipped = _shipped(records)
    return all(
        shipped.get(line.id, 0) >= line.quantity for line in order.lines if line.requires_shipping
    )


def _shipped(records: Sequence[ShipmentRecord]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for record in records:
        for line in record.lines:
            totals[line.line_id] = totals.get(line.line_id, 0) + line.quantity
    return totals


def _text_id(value: Any) -> str:
    return str(value) if value is not None else ""


def _int_header(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
