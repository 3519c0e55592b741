"""The shared HTTP layer (connectors.http) and its waits (connectors.waits): every wait and
request ends with ``Cancelled`` when the stop flag is set, a huge retry-after is capped and said,
the server's clock is noted, and every error has one root with a title and a sentence."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
import respx

from desktop_sync.connectors import waits
from desktop_sync.connectors.errors import (
    Ambiguous,
    AuthError,
    BadAddress,
    Cancelled,
    ConnectorError,
    DuplicateOrder,
    RateLimited,
    Rejected,
    Transient,
)
from desktop_sync.connectors.http import (
    MAX_HOLD,
    WRITE_GRACE,
    ApiHttp,
    describe_wait,
    header_seconds,
)
from desktop_sync.connectors.http_safety import check_api_url
from desktop_sync.connectors.orderdesk import replies
from desktop_sync.connectors.orderdesk.client import OrderDeskClient
from desktop_sync.connectors.orderdesk.ratelimit import TokenBucket
from desktop_sync.errors import DesktopSyncError

API = "https://app.orderdesk.me/api/v2"
STORE = "https://store.example.com/api"
BOUND = 2.0


@pytest.fixture
def flag() -> Iterator[threading.Event]:
    """A stop flag bound to this thread; ``soon(flag)`` sets it from another thread."""
    event = threading.Event()
    with waits.stop_on(event):
        yield event
    event.set()


def soon(flag: threading.Event, after: threading.Event | None = None) -> None:
    """Set ``flag`` from another thread (as Quit does), once ``after`` is set if given."""

    def stop() -> None:
        if after is not None:
            after.wait(10)
        time.sleep(0.05)
        flag.set()

    threading.Thread(target=stop, daemon=True).start()


def quickly(call: Callable[[], object]) -> float:
    began = time.monotonic()
    with pytest.raises(Cancelled):
        call()
    return time.monotonic() - began


# -- cancellable waits ---------------------------------------------------------------------


def test_sleep_without_a_stop_flag_is_a_plain_sleep() -> None:
    assert waits.bound_stop() is None
    began = time.monotonic()
    waits.sleep(0.01)
    assert time.monotonic() - began >= 0.01


def test_sleep_ends_with_cancelled_as_soon_as_the_flag_is_set(flag: threading.Event) -> None:
    soon(flag)
    assert quickly(lambda: waits.sleep(60)) < BOUND


def test_a_paused_token_bucket_ends_its_wait_when_the_flag_is_set(flag: threading.Event) -> None:
    bucket = TokenBucket()
    bucket.pause_for(60)
    soon(flag)
    assert quickly(bucket.acquire) < BOUND


def test_the_flag_is_bound_only_inside_the_block() -> None:
    event = threading.Event()
    with waits.stop_on(event):
        assert waits.bound_stop() is event
    assert waits.bound_stop() is None


def test_cancellable_hands_back_the_calls_result_and_its_error() -> None:
    with waits.stop_on(threading.Event()):
        assert waits.cancellable(lambda: 42) == 42
        with pytest.raises(KeyError):
            waits.cancellable(lambda: {}["missing"])


def test_a_request_stuck_on_a_slow_server_is_abandoned_when_the_flag_is_set(
    flag: threading.Event,
) -> None:
    entered, release = threading.Event(), threading.Event()

    def slow(request: httpx.Request) -> httpx.Response:
        entered.set()
        release.wait(30)
        return httpx.Response(200, json={"status": "success"})

    http = ApiHttp(STORE, service="BigCommerce")
    try:
        # respx counts a call once it is answered, after this test has walked away from it.
        with respx.mock(base_url=STORE, assert_all_called=False) as api:
            api.get("/orders").mock(side_effect=slow)
            soon(flag, after=entered)
            took = quickly(lambda: http.request("GET", "orders", idempotent=True))
            assert entered.is_set(), "the request reached the server"
            release.set()
    finally:
        http.close()
    assert took < BOUND


def test_a_write_on_the_wire_when_the_sync_stops_still_gets_its_answer_if_it_comes_soon(
    flag: threading.Event,
) -> None:
    entered = threading.Event()

    def prompt(request: httpx.Request) -> httpx.Response:
        entered.set()
        time.sleep(0.3)  # the server's usual speed; the stop arrives meanwhile
        return httpx.Response(201, json={"id": 7})

    http = ApiHttp(STORE, service="BigCommerce")
    try:
        with respx.mock(base_url=STORE) as api:
            api.post("/orders/7/shipments").mock(side_effect=prompt)
            soon(flag, after=entered)
            response = http.request("POST", "orders/7/shipments", json={}, idempotent=False)
    finally:
        http.close()
    assert response.status_code == 201
    assert flag.is_set()


def test_a_write_on_a_slow_server_is_given_up_after_its_grace(flag: threading.Event) -> None:
    entered, release = threading.Event(), threading.Event()

    def slow(request: httpx.Request) -> httpx.Response:
        entered.set()
        release.wait(30)
        return httpx.Response(201, json={"id": 7})

    http = ApiHttp(STORE, service="BigCommerce")
    try:
        with respx.mock(base_url=STORE, assert_all_called=False) as api:
            api.post("/orders/7/shipments").mock(side_effect=slow)
            soon(flag, after=entered)
            took = quickly(
                lambda: http.request("POST", "orders/7/shipments", json={}, idempotent=False)
            )
            release.set()
    finally:
        http.close()
    assert WRITE_GRACE <= took < BOUND


def test_a_stop_set_before_the_request_sends_nothing() -> None:
    event = threading.Event()
    event.set()
    http = ApiHttp(STORE, service="BigCommerce")
    with respx.mock(base_url=STORE, assert_all_called=False) as api, waits.stop_on(event):
        route = api.get("/orders").mock(return_value=httpx.Response(200, json=[]))
        with pytest.raises(Cancelled):
            http.request("GET", "orders", idempotent=True)
        assert route.call_count == 0
    http.close()


# -- 429 storms ----------------------------------------------------------------------------


def too_many(seconds: str) -> httpx.Response:
    return httpx.Response(
        429,
        json={"status": "error", "message": "Too Many Requests"},
        headers={"X-Retry-After": seconds, "X-Tokens-Remaining": "0"},
    )


def test_a_huge_retry_after_is_capped_said_and_not_sat_out() -> None:
    sleeps: list[float] = []
    client = OrderDeskClient("11", "key", limiter=TokenBucket(sleep=sleeps.append))
    try:
        with respx.mock(base_url=API) as api:
            route = api.get("/store").mock(return_value=too_many("86400"))
            with pytest.raises(RateLimited) as caught:
                client.store()
            assert route.call_count == 1
            assert caught.value.retry_after == MAX_HOLD
            assert str(caught.value) == (
                "Order Desk is limiting requests (too many in a short time) and asked Desktop "
                "Sync to wait 24 hours; it waits 5 minutes, then tries again."
            )
            assert sleeps == [], "nothing waits inside the request"
            # Until then nothing goes on the wire, and the sentence says how long is left.
            with pytest.raises(RateLimited, match=r"asks again in [45] minutes"):
                client.store()
            assert route.call_count == 1
    finally:
        client.close()


def test_a_store_429_asking_for_an_hour_is_capped_the_same_way() -> None:
    http = ApiHttp(STORE, service="WooCommerce", retry_after=lambda response: 3600.0)
    try:
        with respx.mock(base_url=STORE) as api:
            api.get("/orders").mock(return_value=httpx.Response(429))
            with pytest.raises(RateLimited, match="wait 1 hour; it waits 5 minutes") as caught:
                http.request("GET", "orders", idempotent=True)
    finally:
        http.close()
    assert caught.value.service == "WooCommerce"


def test_a_retry_after_that_is_not_a_finite_number_counts_as_one_second() -> None:
    for raw in ("soon", "nan", "inf"):
        assert replies.retry_after(httpx.Response(429, headers={"Retry-After": raw})) == 1.0


def test_a_retry_after_may_be_seconds_or_an_http_date_and_the_first_readable_header_wins() -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    dated = httpx.Response(
        429, headers={"X-Retry-After": "soon", "Retry-After": "Sun, 01 Mar 2026 13:00:00 GMT"}
    )
    assert header_seconds(dated, "X-Retry-After", "Retry-After", now=lambda: now) == 3600.0
    assert header_seconds(httpx.Response(429, headers={"Retry-After": "-5"}), "Retry-After") == 0
    assert header_seconds(httpx.Response(429), "Retry-After") is None


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0.2, "1 second"),
        (45, "45 seconds"),
        (300, "5 minutes"),
        (3600, "1 hour"),
        (7200, "2 hours"),
    ],
)
def test_waits_are_said_in_words(seconds: float, words: str) -> None:
    assert describe_wait(seconds) == words


# -- the server's clock --------------------------------------------------------------------


def test_every_answer_notes_the_server_date_and_how_far_this_pc_is_off() -> None:
    pc_now = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
    server_now = pc_now + timedelta(minutes=7)
    http = ApiHttp(STORE, service="Shopify", now=lambda: pc_now)
    try:
        with respx.mock(base_url=STORE) as api:
            api.get("/shop").mock(
                return_value=httpx.Response(
                    200, json={}, headers={"Date": format_datetime(server_now, usegmt=True)}
                )
            )
            assert http.server_time_offset is None
            http.request("GET", "shop", idempotent=True)
    finally:
        http.close()
    assert http.server_date == server_now
    assert http.server_time_offset == timedelta(minutes=7)


def test_the_order_desk_client_notes_the_server_date_too() -> None:
    client = OrderDeskClient("11", "key", limiter=TokenBucket())
    try:
        with respx.mock(base_url=API) as api:
            api.get("/test").mock(
                return_value=httpx.Response(
                    200,
                    json={"status": "success", "current_date_time": "2026-03-01 12:00:00"},
                    headers={"Date": "Sun, 01 Mar 2026 12:00:00 GMT"},
                )
            )
            client.test()
    finally:
        client.close()
    assert client.http.server_date == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert client.server_time_offset is not None
    assert client.server_time_offset == client.http.server_time_offset


# -- one error root ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        AuthError("a", service="Order Desk"),
        RateLimited("b", service="Shopify"),
        Transient("c", service="BigCommerce"),
        Rejected("d", service="WooCommerce"),
        Ambiguous("e", service="Order Desk"),
        DuplicateOrder("f", existing_order_id="9"),
        BadAddress("g", service="Order Desk"),
    ],
)
def test_every_connector_error_has_the_one_root_a_title_and_its_sentence(
    error: ConnectorError,
) -> None:
    assert isinstance(error, DesktopSyncError)
    assert error.title.startswith(error.service)
    assert str(error) == error.message


def test_a_stopped_sync_is_not_remote_trouble() -> None:
    assert isinstance(Cancelled(), DesktopSyncError)
    assert not isinstance(Cancelled(), ConnectorError)
    assert "next sync" in str(Cancelled())


def test_a_refused_address_is_a_typed_error_with_its_sentence() -> None:
    with pytest.raises(BadAddress, match="must start with https://") as caught:
        check_api_url("http://orders.example.com/api", "Order Desk")
    assert caught.value.service == "Order Desk"


def test_a_duplicate_refusal_is_its_own_type_naming_the_original() -> None:
    reply = httpx.Response(
        200, json={"status": "error", "message": "Duplicate order: order id 4091036031 exists"}
    )
    with pytest.raises(DuplicateOrder) as caught:
        replies.interpret_reply(reply, writing=True, what="the order", secret="key")
    assert caught.value.existing_order_id == "4091036031"
    assert replies.DuplicateOrder is DuplicateOrder
