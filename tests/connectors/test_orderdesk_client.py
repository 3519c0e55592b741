"""OrderDeskClient against canned replies (respx): headers, error mapping, retries, paging."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import httpx
import pytest
import respx

from desktop_sync import __version__
from desktop_sync.connectors.errors import (
    Ambiguous,
    AuthError,
    ConnectorError,
    RateLimited,
    Rejected,
    Transient,
)
from desktop_sync.connectors.http_safety import check_api_url, redact_headers
from desktop_sync.connectors.orderdesk.client import DuplicateOrder, OrderDeskClient
from desktop_sync.connectors.orderdesk.models import (
    Address,
    NewOrder,
    NewOrderItem,
    NewShipment,
    ShipmentItem,
)
from desktop_sync.connectors.orderdesk.ratelimit import TokenBucket
from desktop_sync.connectors.retry import Backoff

API = "https://app.orderdesk.me/api/v2"
STORE_ID = "11"
API_KEY = "sk_live_SECRET_abc123"
HTML_502 = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


class FakeTime:
    """One clock for the limiter; records every sleep (limiter waits and backoff waits)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.limiter_sleeps: list[float] = []
        self.backoff_sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def limiter_sleep(self, seconds: float) -> None:
        self.limiter_sleeps.append(seconds)
        self.now += seconds

    def backoff_sleep(self, seconds: float) -> None:
        self.backoff_sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=API, assert_all_called=False) as router:
        yield router


@pytest.fixture
def client(fake_time: FakeTime) -> Iterator[OrderDeskClient]:
    limiter = TokenBucket(clock=fake_time.clock, sleep=fake_time.limiter_sleep)
    with OrderDeskClient(
        STORE_ID,
        API_KEY,
        limiter=limiter,
        backoff=Backoff(base=0.5, cap=4.0, attempts=4),
        sleep=fake_time.backoff_sleep,
    ) as odc:
        yield odc


def ok(payload: dict[str, object] | None = None, tokens: int = 19) -> httpx.Response:
    body = {"status": "success", "execution_time": "0.01 seconds", **(payload or {})}
    return httpx.Response(200, json=body, headers={"X-Tokens-Remaining": str(tokens)})


def error(status: int, message: str) -> httpx.Response:
    return httpx.Response(status, json={"status": "error", "message": message})


def raw_order(order_id: str, source_id: str = "1001", **extra: object) -> dict[str, object]:
    return {
        "id": order_id,
        "source_id": source_id,
        "source_name": "BigCommerce",
        "folder_id": 1,
        "date_added": "2024-03-01 10:00:00",
        "order_items": [{"id": "1", "name": "Mug", "price": "10", "quantity": 1}],
        "order_shipments": [],
        **extra,
    }


def new_order() -> NewOrder:
    return NewOrder(
        source_id="1001",
        source_name="BigCommerce",
        folder_id=None,
        email="jane@example.com",
        shipping_method="Ground",
        payment_status="Captured",
        shipping=Address(first_name="Jane", last_name="Doe"),
        customer=Address(first_name="Jane", last_name="Doe"),
        items=(NewOrderItem(name="Mug", code="MUG-1", price=Decimal("10"), quantity=1),),
    )


# -- headers -------------------------------------------------------------------------------


def test_get_carries_auth_user_agent_and_accept_but_no_content_type(
    api: respx.MockRouter, client: OrderDeskClient
) -> None:
    route = api.get("/test").mock(
        return_value=ok(
            {"message": "Connection Successful", "current_date_time": "2024-03-01 10:00:00"}
        )
    )
    assert client.test() == datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
    request = route.calls.last.request
    assert request.headers["ORDERDESK-STORE-ID"] == STORE_ID
    assert request.headers["ORDERDESK-API-KEY"] == API_KEY
    assert request.headers["User-Agent"] == f"desktop-sync/{__version__} (+Order Desk connector)"
    assert request.headers["Accept"] == "application/json"
    assert "Content-Type" not in request.headers
    assert "Content-Length" not in request.headers
    assert request.content == b""


def test_post_carries_a_json_body_with_content_type(
    api: respx.MockRouter, client: OrderDeskClient
) -> None:
    route = api.post("/orders").mock(return_value=ok({"order": raw_order("500")}))
    created = client.create_order(new_order())
    assert created.id == "500"
    request = route.calls.last.request
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["ORDERDESK-API-KEY"] == API_KEY
    body = json.loads(request.content)
    assert body["source_id"] == "1001"
    assert body["order_items"][0]["code"] == "MUG-1"


def test_a_custom_user_agent_replaces_the_default(fake_time: FakeTime) -> None:
    with respx.mock(base_url=API) as api:
        route = api.get("/store").mock(return_value=ok({"store": {"id": "11", "name": "S"}}))
        with OrderDeskClient(
            STORE_ID,
            API_KEY,
            user_agent="my-app/2",
            limiter=TokenBucket(clock=fake_time.clock, sleep=fake_time.limiter_sleep),
        ) as odc:
            assert odc.store().name == "S"
        assert route.calls.last.request.headers["User-Agent"] == "my-app/2"


# -- error mapping -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reply",
    [
        error(401, "Invalid store ID or API key"),
        error(403, "Forbidden"),
        httpx.Response(401, text="Unauthorized"),
        ok({"status": "error", "message": "Invalid API Key"}),
    ],
)
def test_refused_credentials_raise_auth_error_with_what_to_do(
    api: respx.MockRouter, client: OrderDeskClient, reply: httpx.Response
) -> None:
    route = api.get("/test").mock(return_value=reply)
    with pytest.raises(AuthError) as caught:
        client.test()
    assert "Store Settings > API" in str(caught.value)
    assert caught.value.service == "Order Desk"
    assert route.call_count == 1, "a refused key is not retried"


def test_blank_credentials_are_refused_before_any_request() -> None:
    with pytest.raises(AuthError):
        OrderDeskClient("11", "   ")
    with pytest.raises(AuthError):
        OrderDeskClient("", API_KEY)


def test_unknown_order_is_rejected_with_order_desks_words(
    api: respx.MockRouter, client: OrderDeskClient
) -> None:
    route = api.get("/orders/999").mock(return_value=error(404, "Order not found"))
    with pytest.raises(Rejected) as caught:
        client.get_order("999")
    assert caught.value.reason == "Order not found"
    assert caught.value.status_code == 404
    assert route.call_count == 1


def test_validation_error_on_create_is_rejected(
    api: respx.MockRouter, client: OrderDeskClient
) -> None:
    api.post("/orders").mock(return_value=error(400, "Order items are required"))
    # Any refusal is checked with a look-up (the duplicate wording is not documented).
    api.get("/orders").mock(return_value=ok({"total_records": 0, "orders": []}))
    with pytest.raises(Rejected, match="Order items are required") as caught:
        client.create_order(new_order())
    assert not isinstance(caught.value, DuplicateOrder)


def test_shipment_not_added_with_http_200_is_rejected(
    api: respx.MockRouter, client: OrderDeskClient
) -> None:
    route = api.post("/orders/500/shipments").mock(
        return_value=ok({"status": "error", "message": "Shipment Not Added"})
    )
    with pytest.raises(Rejected, match="Shipment Not Added"):
        client.add_shipment("500", NewShipment(tracking_number="1Z1"))
    assert route.call_count == 1


def test_duplicate_order_names_the_existing_order(
    api: respx.MockRouter, client: OrderDeskClient
) -> None:
    api.post("/orders").mock(
        return_value=error(400, "Duplicate order: existing order id 4091036031")
    )
    with pytest.raises(DuplicateOrder) as caught:
        client.create_order(new_order())
    assert isinstance(caught.value, Rejected)
    assert caught.value.existing_order_id == "4091036031"


def test_a_redirect_is_not_followed(api: respx.MockRouter, client: OrderDeskClient) -> None:
    api.get("/store").mock(
        return_value=httpx.Response(302, headers={"Location": "http://evil.example/"})
    )
    with pytest.raises(Rejected, match="redirect"):
        client.store()
    assert len(api.calls) == 1


# -- retries of GETs -----------------------------------------------------------------------


def test_get_is_retried_with_backoff_after_5xx_and_html_pages(
    api: respx.MockRouter, client: OrderDeskClient, fake_time: FakeTime
) -> None:
    route = api.get("/orders/500").mock(
        side_effect=[
            error(500, "Internal Server Error"),
            httpx.Response(502, text=HTML_502, headers={"Content-Type": "text/html"}),
            ok({"order": raw_order("500")}),
        ]
    )
    assert client.get_order("500").id == "500"
    assert route.call_count == 3
    assert client.requests_sent == 3
    assert len(fake_time.backoff_sleeps) == 2
    # Full jitter: attempt n waits somewhere in [floor, base * 2**(n-1)].
    assert 0.05 <= fake_time.backoff_sleeps[0] <= 0.5
    assert 0.05 <= fake_time.backoff_sleeps[1] <= 1.0


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(502, text=HTML_502, headers={"Content-Type": "text/html"}),
        httpx.Response(200, text="<html>maintenance</html>"),
        httpx.Response(200, json={"orders": []}),
        httpx.ReadTimeout("read timed out"),
        httpx.ConnectError("connection refused"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
    ],
)
def test_get_gives_up_after_the_backoff_attempts_with_transient(
    api: respx.MockRouter,
    client: OrderDeskClient,
    fake_time: FakeTime,
    failure: httpx.Response | Exception,
) -> None:
    route = api.get("/orders").mock(side_effect=[failure] * 4)
    with pytest.raises(Transient) as caught:
        list(client.iter_orders())
    assert route.call_count == 4
    assert len(fake_time.backoff_sleeps) == 3
    assert "<" not in str(caught.value), "no raw HTML in a merchant message"
    assert "nginx" not in str(caught.value)


# -- writes are never retried blindly ------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("read timed out"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadError("connection reset"),
        httpx.WriteError("broken pipe"),
        error(500, "Internal Server Error"),
        httpx.Response(503, text=HTML_502),
        httpx.Response(200, text="not json"),
    ],
)
def test_create_order_that_may_have_been_saved_is_ambiguous_and_not_retried(
    api: respx.MockRouter,
    client: OrderDeskClient,
    fake_time: FakeTime,
    failure: httpx.Response | Exception,
) -> None:
    route = api.post("/orders").mock(side_effect=[failure, ok({"order": raw_order("500")})])
    with pytest.raises(Ambiguous) as caught:
        client.create_order(new_order())
    assert route.call_count == 1
    assert fake_time.backoff_sleeps == []
    assert "will check Order Desk before sending it again" in str(caught.value)
    assert "<" not in str(caught.value)


@pytest.mark.parametrize(
    "failure", [httpx.ConnectError("refused"), httpx.ConnectTimeout("connect timed out")]
)
def test_a_write_that_never_left_is_transient_and_not_retried(
    api: respx.MockRouter, client: OrderDeskClient, failure: Exception
) -> None:
    route = api.post("/orders/500/shipments").mock(side_effect=[failure, ok()])
    with pytest.raises(Transient) as caught:
        client.add_shipment("500", NewShipment(tracking_number="1Z1"))
    assert not isinstance(caught.value, Ambiguous)
    assert route.call_count == 1


def test_move_orders_timeout_is_ambiguous(api: respx.MockRouter, client: OrderDeskClient) -> None:
    route = api.post("/move-orders").mock(side_effect=httpx.ReadTimeout("timed out"))
    with pytest.raises(Ambiguous, match="folder move"):
        client.move_orders(["1"], folder_id=2)
    assert route.call_count == 1


# -- rate limit ----------------------------------------------------------------------------


def too_many(retry_after: str = "2") -> httpx.Response:
    return httpx.Response(
        429,
        json={"status": "error", "message": "Too Many Requests"},
        headers={"X-Retry-After": retry_after, "X-Tokens-Remaining": "0"},
    )


def test_a_429_waits_x_retry_after_then_retries_a_get(
    api: respx.MockRouter, client: OrderDeskClient, fake_time: FakeTime
) -> None:
    route = api.get("/orders/500").mock(
        side_effect=[too_many("2"), ok({"order": raw_order("500")})]
    )
    assert client.get_order("500").id == "500"
    assert route.call_count == 2
    assert client.rate_limited_seen == 1
    assert sum(fake_time.limiter_sleeps) >= 2.0
    assert fake_time.backoff_sleeps == [], "a 429 is not a failure to back off from"


def test_a_429_on_a_post_is_retried_because_it_was_not_processed(
    api: respx.MockRouter, client: OrderDeskClient, fake_time: FakeTime
) -> None:
    route = api.post("/orders").mock(side_effect=[too_many("3"), ok({"order": raw_order("500")})])
    assert client.create_order(new_order()).id == "500"
    assert route.call_count == 2
    assert sum(fake_time.limiter_sleeps) >= 3.0


def test_repeated_429s_end_in_rate_limited(api: respx.MockRouter, client: OrderDeskClient) -> None:
    route = api.get("/store").mock(side_effect=[too_many("1")] * 10)
    with pytest.raises(RateLimited) as caught:
        client.store()
    assert route.call_count == 5
    assert client.rate_limited_seen == 5
    assert caught.value.retry_after == 1.0


def test_tokens_remaining_header_paces_the_next_request(
    api: respx.MockRouter, client: OrderDeskClient, fake_time: FakeTime
) -> None:
    api.get("/orders/1").mock(return_value=ok({"order": raw_order("1")}, tokens=0))
    client.get_order("1")
    assert fake_time.limiter_sleeps == []
    client.get_order("1")
    # The server said empty: wait for one token plus the spare one, at 3 per second.
    assert sum(fake_time.limiter_sleeps) == pytest.approx(2 / 3, abs=0.01)


# -- listing -------------------------------------------------------------------------------


def page_reply(request: httpx.Request, total: int | str, ids: range) -> httpx.Response:
    offset = int(request.url.params["offset"])
    limit = int(request.url.params["limit"])
    chosen = list(ids)[offset : offset + limit]
    return ok(
        {
            "total_records": total,
            "records_returned": len(chosen),
            "offset": offset,
            "limit": limit,
            "orders": [raw_order(str(i), source_id=f"S{i}") for i in chosen],
        }
    )


def test_iter_orders_pages_by_offset_until_total_is_reached(
    api: respx.MockRouter, client: OrderDeskClient
) -> None:
    ids = range(1, 1201)
    route = api.get("/orders").mock(side_effect=lambda request: page_reply(request, "1200", ids))
    orders = list(client.iter_orders())
    assert [o.id for o in orders] == [str(i) for i in ids]
    offsets = [call.request.url.params["offset"] for call in route.calls]
    assert offsets == ["0", "500", "1000"]
    assert {call.request.url.params["limit"] for call in route.calls} == {"500"}


def test_iter_orders_stops_on_an_empty_page(api: respx.MockRouter, client: OrderDeskClient) -> None:
    route = api.get("/orders").mock(
        side_effect=[
            ok({"total_records": 99, "orders": [raw_order("1"), raw_order("2")]}),
            ok({"total_records": 99, "orders": []}),
        ]
    )
    assert [o.id for o in client.iter_orders(page_size=2)] == ["1", "2"]
    assert route.call_count == 2


def test_iter_orders_never_yields_an_order_twice_when_pages_shift(
    api: respx.MockRouter, client: OrderDeskClient
) -> None:
    # A new order arrived between the two pages, pushing "2" onto the second page as well.
    api.get("/orders").mock(
        side_effect=[
            ok({"total_records": 3, "orders": [raw_order("1"), raw_order("2")]}),
            ok({"total_records": 3, "orders": [raw_order("2")]}),
        ]
    )
    assert [o.id for o in client.iter_orders(page_size=2)] == ["1", "2"]


def test_iter_orders_serialises_filters_in_utc(
    api: respx.MockRouter, client: OrderDeskClient
) -> None:
    route = api.get("/orders").mock(return_value=ok({"total_records": 0, "orders": []}))
    pacific = timezone(timedelta(hours=-8))
    list(
        client.iter_orders(
            folder_id=[1004, 1009],
            source_name="BigCommerce",
            modified_start_date=datetime(2024, 3, 1, 16, 0, tzinfo=pacific),
            search_end_date=datetime(2024, 3, 2, 0, 0, tzinfo=UTC),
            order_by="date_updated",
            order="ASC",
            page_size=100,
            shipping_last_name="Doe",
        )
    )
    params = dict(route.calls.last.request.url.params)
    assert params == {
        "folder_id": "1004,1009",
        "source_name": "BigCommerce",
        "modified_start_date": "2024-03-02 00:00:00",
        "search_end_date": "2024-03-02 00:00:00",
        "order_by": "date_updated",
        "order": "ASC",
        "shipping_last_name": "Doe",
        "limit": "100",
        "offset": "0",
    }


def test_a_misspelt_filter_is_refused_before_anything_is_sent(
    api: respx.MockRouter, client: OrderDeskClient
) -> None:
    route = api.get("/orders").mock(return_value=ok({"total_records": 0, "orders": []}))
    with pytest.raises(TypeError, match="sorce_name"):
        list(client.iter_orders(sorce_name="BigCommerce"))  # type: ignore[call-arg]
    assert not route.called


def test_page_size_is_capped_at_500(api: respx.MockRouter, client: OrderDeskClient) -> None:
    route = api.get("/orders").mock(return_value=ok({"total_records": 0, "orders": []}))
    list(client.iter_orders(page_size=5000))
    assert route.calls.last.request.url.params["limit"] == "500"


def test_find_orders_asks_by_source_id_and_returns_every_match(
    api: respx.MockRouter, client: OrderDeskClient
) -> None:
    route = api.get("/orders").mock(
        return_value=ok({"total_records": 2, "orders": [raw_order("5"), raw_order("6")]})
    )
    found = client.find_orders("1001", "BigCommerce")
    assert [o.id for o in found] == ["5", "6"]
    params = route.calls.last.request.url.params
    assert (params["source_id"], params["source_name"]) == ("1001", "BigCommerce")


def test_a_listed_order_without_id_is_skipped(
    api: respx.MockRouter, client: OrderDeskClient
) -> None:
    api.get("/orders").mock(
        return_value=ok({"total_records": 2, "orders": [{"source_id": "x"}, raw_order("6")]})
    )
    assert [o.id for o in client.iter_orders()] == ["6"]


# -- writes --------------------------------------------------------------------------------


def test_create_order_whose_reply_lacks_the_order_looks_it_up(
    api: respx.MockRouter, client: OrderDeskClient
) -> None:
    api.post("/orders").mock(return_value=ok({"message": "Order Created"}))
    lookup = api.get("/orders").mock(
        return_value=ok({"total_records": 1, "orders": [raw_order("77")]})
    )
    assert client.create_order(new_order()).id == "77"
    assert lookup.calls.last.request.url.params["source_id"] == "1001"


def test_add_shipment_reads_the_shipments_back_when_the_reply_lacks_the_new_one(
    api: respx.MockRouter, client: OrderDeskClient
) -> None:
    post = api.post("/orders/500/shipments").mock(return_value=ok({"message": "Shipment Added"}))
    api.get("/orders/500/shipments").mock(
        return_value=ok(
            {
                "total_records": 2,
                "shipments": [
                    {"id": "1", "tracking_number": "OLD"},
                    {"id": "2", "tracking_number": "1Z1", "carrier_code": "UPS"},
                ],
            }
        )
    )
    shipment = client.add_shipment(
        "500",
        NewShipment(
            tracking_number="1Z1",
            carrier_code="UPS",
            order_items=(ShipmentItem(quantity=1, item_id="9"), ShipmentItem(2, code="SKU")),
        ),
    )
    assert shipment is not None
    assert (shipment.id, shipment.order_id, shipment.carrier_code) == ("2", "500", "UPS")
    body = json.loads(post.calls.last.request.content)
    assert body["order_items"] == [{"id": "9", "quantity": 1}, {"code": "SKU", "quantity": 2}]


def test_add_shipment_uses_the_shipment_in_the_reply_when_present(
    api: respx.MockRouter, client: OrderDeskClient
) -> None:
    api.post("/orders/500/shipments").mock(
        return_value=ok({"shipment": {"id": "3", "tracking_number": "1Z1"}})
    )
    shipment = client.add_shipment("500", NewShipment(tracking_number="1Z1"))
    assert shipment is not None and shipment.id == "3"
    assert len(api.calls) == 1


def test_move_orders_sends_integer_ids_and_one_destination(
    api: respx.MockRouter, client: OrderDeskClient
) -> None:
    route = api.post("/move-orders").mock(return_value=ok({"message": "2 Orders Moved"}))
    client.move_orders(["29491", "29490"], folder_name="Prepared")
    assert json.loads(route.calls.last.request.content) == {
        "order_id_list": [29491, 29490],
        "destination_folder_name": "Prepared",
    }
    client.move_orders(["29491"], folder_id=9384)
    assert json.loads(route.calls.last.request.content) == {
        "order_id_list": [29491],
        "destination_folder_id": 9384,
    }
    with pytest.raises(ValueError):
        client.move_orders(["1"])
    with pytest.raises(ValueError):
        client.move_orders(["1"], folder_id=1, folder_name="New")
    client.move_orders([], folder_id=1)
    assert route.call_count == 2, "nothing to move sends nothing"


def test_only_get_and_post_are_ever_used(api: respx.MockRouter, client: OrderDeskClient) -> None:
    api.route().mock(return_value=ok({"order": raw_order("1"), "orders": [], "total_records": 0}))
    client.get_order("1")
    client.create_order(new_order())
    list(client.iter_orders())
    client.move_orders(["1"], folder_id=2)
    assert {call.request.method for call in api.calls} == {"GET", "POST"}


# -- safety --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["http://app.orderdesk.me/api/v2", "http://192.168.1.5/api"])
def test_plain_http_to_another_computer_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="https://"):
        OrderDeskClient(STORE_ID, API_KEY, base_url=url)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/api/v2",
        "http://localhost:9/api",
        "http://[::1]:80/x",
        "https://a.b/c/",
    ],
)
def test_plain_http_is_allowed_for_this_computer_and_https_everywhere(url: str) -> None:
    assert check_api_url(url, "Order Desk") == url.rstrip("/")


def test_a_url_that_is_not_a_web_address_is_refused() -> None:
    with pytest.raises(ValueError, match="not a valid web address"):
        check_api_url("ftp://example.com", "Order Desk")


def test_redact_headers_masks_every_secret_bearing_header() -> None:
    redacted = redact_headers(
        {
            "ORDERDESK-API-KEY": API_KEY,
            "ORDERDESK-STORE-ID": "11",
            "Authorization": "Bearer x",
            "X-Shopify-Access-Token": "shpat",
            "Cookie": "a=b",
            "User-Agent": "desktop-sync",
        }
    )
    assert redacted["ORDERDESK-API-KEY"] == "***"
    assert redacted["Authorization"] == "***"
    assert redacted["X-Shopify-Access-Token"] == "***"
    assert redacted["Cookie"] == "***"
    assert redacted["ORDERDESK-STORE-ID"] == "11"
    assert redacted["User-Agent"] == "desktop-sync"
    assert API_KEY not in repr(redact_headers(httpx.Headers({"orderdesk-api-key": API_KEY})))


@pytest.mark.parametrize(
    "reply",
    [
        error(401, f"Invalid API key {API_KEY}"),
        error(400, f"Bad request for key {API_KEY}"),
        ok({"status": "error", "message": f"<b>{API_KEY}</b> rejected"}),
        httpx.Response(500, text=f"<html>{API_KEY}</html>"),
        httpx.ReadTimeout(f"timeout {API_KEY}"),
        httpx.ConnectError(f"refused {API_KEY}"),
        too_many("1"),
    ],
)
def test_no_error_message_ever_contains_the_api_key(
    api: respx.MockRouter, client: OrderDeskClient, reply: httpx.Response | Exception
) -> None:
    api.post("/orders").mock(side_effect=[reply] * 10)
    api.get("/orders").mock(return_value=ok({"total_records": 0, "orders": []}))  # refusals
    with pytest.raises(ConnectorError) as caught:
        client.create_order(new_order())
    assert API_KEY not in str(caught.value)
    assert API_KEY not in repr(caught.value.args)
    assert caught.value.__cause__ is None or API_KEY not in str(caught.value.__cause__)


def test_debug_log_shows_requests_without_the_api_key(
    api: respx.MockRouter, client: OrderDeskClient, caplog: pytest.LogCaptureFixture
) -> None:
    api.get("/orders/1").mock(return_value=ok({"order": raw_order("1")}, tokens=12))
    with caplog.at_level(logging.DEBUG, logger="desktop_sync.connectors.orderdesk"):
        client.get_order("1")
    assert "GET /orders/1 -> 200" in caplog.text
    assert "tokens left 12" in caplog.text
    assert "ORDERDESK-STORE-ID" in caplog.text or "orderdesk-store-id" in caplog.text
    assert API_KEY not in caplog.text


def test_create_order_whose_reply_lacks_the_order_and_cannot_be_found_is_ambiguous(
    api: respx.MockRouter, client: OrderDeskClient
) -> None:
    api.post("/orders").mock(return_value=ok({"message": "Order Created"}))
    api.get("/orders").mock(return_value=error(503, "Service Unavailable"))
    with pytest.raises(Ambiguous, match="did not say which order"):
        client.create_order(new_order())
