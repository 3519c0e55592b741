"""One HTTP layer under every connector, Order Desk's and the stores': one pooled client that
refuses plain ``http://`` and redirects, retries safe reads, waits out short 429s, turns transport
trouble into typed errors, lets the stop flag cut any wait short, and notes the server's clock.

The platform's own reading of an answer (its error bodies, its rate-limit headers) stays with
the connector, which hands it in as hooks.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from desktop_sync import __version__
from desktop_sync.connectors import waits
from desktop_sync.connectors.errors import Ambiguous, RateLimited, Transient
from desktop_sync.connectors.http_safety import check_api_url
from desktop_sync.connectors.retry import Backoff

__all__ = [
    "MAX_HOLD",
    "MAX_INLINE_WAIT",
    "RETRY_LATER",
    "USER_AGENT",
    "WRITE_GRACE",
    "ApiHttp",
    "describe_wait",
    "header_seconds",
    "http_date",
    "maybe_saved",
]

log = logging.getLogger(__name__)

USER_AGENT = f"desktop-sync/{__version__}"
RETRY_LATER = "Desktop Sync will try again shortly."
MAX_INLINE_WAIT = 30.0
"""Longest wait a 429 may ask for that is sat out inside the request. A longer one ends the
request with ``RateLimited`` instead, so the wait happens in the scheduler, where Pause and
Quit answer at once, and the log says how long it is and why."""
MAX_HOLD = 300.0
"""However long a 429 asks for, the connector asks again after at most this many seconds."""
WRITE_GRACE = 1.0
"""Seconds a write already on the wire may still take to be answered once the sync is
stopped: long enough for a server at its usual speed, short enough for a 2 s Quit."""

# Raised before anything reached the server: even a write is safe to send again.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)

Hook = Callable[[httpx.Response], float | None]


class ApiHttp:
    """Sends one service's requests and turns transport trouble into typed errors.

    * Reads (``idempotent=True``) are retried with ``backoff`` on 5xx, 408, timeouts,
      connection errors and, with ``readable``, on a 2xx answer ``readable`` rejects; then
      they raise ``Transient``.
    * Writes are never repeated blindly: a connect failure (nothing was sent) is ``Transient``
      (sent again only with ``retry=True``); a timeout, dropped connection, 5xx or 408 after
      sending raises ``Ambiguous`` so the caller looks the object up first.
    * A 429 was not processed, so any request waits (``retry_after(response)`` seconds, or
      the backoff when the hook has no answer) and is sent again, up to ``rate_limit_waits``
      times. A wait longer than ``MAX_INLINE_WAIT`` raises ``RateLimited`` at once with a
      sentence saying how long the app waits (at most ``MAX_HOLD``); until then every request
      raises it again without being sent.
    * ``before_send()`` runs before every attempt (a client-side rate limiter);
      ``on_rate_limited(seconds)``, when given, takes over a 429's wait from the layer (the
      limiter pauses); ``on_response(response)`` may return seconds to hold off before the
      next request, so a connector paces itself from the platform's rate-limit headers.
    * Every wait goes through ``sleep`` and every request through ``waits.cancellable``: with
      the engine's stop flag bound, both end with ``Cancelled`` as soon as it is set (a write
      on the wire gets ``WRITE_GRACE`` to be answered first).
    * ``server_date`` and ``server_time_offset`` (server minus this PC) come from the ``Date``
      header of the latest answer, for a check of the PC's clock.

    Other 4xx answers are returned as they are: their meaning belongs to the connector.
    """

    def __init__(
        self,
        base_url: str,
        *,
        service: str,
        headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout = 30.0,
        transport: httpx.BaseTransport | None = None,
        backoff: Backoff | None = None,
        rate_limit_waits: int = 5,
        retry_after: Hook | None = None,
        on_response: Hook | None = None,
        before_send: Callable[[], None] | None = None,
        on_rate_limited: Callable[[float], None] | None = None,
        sleep: Callable[[float], None] = waits.sleep,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.service = service
        self.base_url = check_api_url(base_url, service)
        self._retry_after = retry_after
        self._on_response = on_response
        self._before_send = before_send
        self._on_rate_limited = on_rate_limited
        self._backoff = backoff or Backoff()
        self._rate_limit_waits = rate_limit_waits
        self._sleep = sleep
        self._clock = clock
        self._now = now or _utc_now
        self._hold_until = 0.0
        self._asked_again_at = -math.inf
        self.requests_sent = 0
        """Requests put on the wire (retries included)."""
        self.rate_limited_seen = 0
        """429 answers received."""
        self.server_date: datetime | None = None
        """The ``Date`` of the latest answer (UTC), if the server sent one."""
        self.server_time_offset: timedelta | None = None
        """That date minus this PC's clock when the answer arrived (to within a second)."""
        merged = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        merged.update(headers or {})
        self._client = httpx.Client(
            base_url=self.base_url + "/",
            headers=merged,
            timeout=timeout,
            transport=transport,
            follow_redirects=False,  # a redirect would carry the credentials to another host
        )

    def close(self) -> None:
        self._client.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotent: bool,
        expect_json: bool = False,
        readable: Callable[[httpx.Response], bool] | None = None,
        retry: bool = True,
        what: str = "the change",
    ) -> httpx.Response:
        """Send one request (retrying as described above) and return the final response.

        ``expect_json`` is the usual ``readable``: a 2xx body that is not JSON (a proxy's
        page, a body cut off) is retried like a 5xx. ``what`` names the object of a write in
        the sentence of an ``Ambiguous`` ("the order")."""
        if readable is None and expect_json:
            readable = _json_or_empty
        attempt = 0
        waited = 0
        while True:
            attempt += 1
            self._wait_turn()
            try:
                response = self._send(method, path, params, json, idempotent=idempotent)
            except httpx.TransportError as exc:
                log.info("%s %s: %s", method, path, type(exc).__name__)
                if not isinstance(exc, _NOT_SENT) and not idempotent:
                    raise self._maybe_saved(what, f"stopped answering ({_describe(exc)})") from None
                failure = self._no_answer(exc)
            else:
                self._note(response)
                status = response.status_code
                if status == 429:
                    waited += 1
                    self._rate_limited(response, waited)
                    attempt -= 1  # a 429 was not processed: it does not use up a retry
                    continue
                trouble = status >= 500 or status == 408
                garbled = (
                    not trouble
                    and idempotent
                    and readable is not None
                    and 200 <= status < 300
                    and not readable(response)
                )
                if not trouble and not garbled:
                    return response
                if not idempotent:
                    raise self._maybe_saved(what, f"answered with error {status}")
                failure = Transient(
                    f"{self.service} sent a reply Desktop Sync could not read. {RETRY_LATER}"
                    if garbled
                    else f"{self.service} had a temporary problem (error {status}). {RETRY_LATER}",
                    service=self.service,
                )
            if not retry or attempt >= max(1, self._backoff.attempts):
                raise failure
            self._sleep(self._backoff.delay(attempt))

    # -- internals ---------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None,
        body: Any,
        *,
        idempotent: bool,
    ) -> httpx.Response:
        self.requests_sent += 1
        return waits.cancellable(
            lambda: self._client.request(method, path.lstrip("/"), params=params, json=body),
            grace=0.0 if idempotent else WRITE_GRACE,
        )

    def _wait_turn(self) -> None:
        now = self._clock()
        if now < self._asked_again_at:
            left = self._asked_again_at - now
            raise RateLimited(
                f"{self.service} asked Desktop Sync to pause its requests (too many in a short "
                f"time); it asks again in {describe_wait(left)}.",
                service=self.service,
                retry_after=left,
            )
        wait = self._hold_until - now
        if wait > 0:
            self._sleep(wait)
        if self._before_send is not None:
            self._before_send()

    def _note(self, response: httpx.Response) -> None:
        log.debug(
            "%s %s -> %s", response.request.method, response.request.url.path, response.status_code
        )
        self._note_date(response.headers.get("Date"))
        pause = self._on_response(response) if self._on_response is not None else None
        if pause is not None and pause > 0:
            self._hold_until = max(self._hold_until, self._clock() + pause)

    def _note_date(self, raw: str | None) -> None:
        when = http_date(raw)
        if when is not None:
            self.server_date = when
            self.server_time_offset = when - self._now()

    def _rate_limited(self, response: httpx.Response, waited: int) -> None:
        """Wait out one 429, or raise ``RateLimited`` when it asks too much."""
        self.rate_limited_seen += 1
        told = self._retry_after(response) if self._retry_after is not None else None
        # No rate headers means platform-wide load: back off exponentially.
        wait = self._backoff.delay(waited) if told is None else max(0.0, told)
        if wait > MAX_INLINE_WAIT:
            hold = min(wait, MAX_HOLD)
            self._asked_again_at = self._clock() + hold
            asked = f"asked Desktop Sync to wait {describe_wait(wait)}"
            then = (
                f"it waits {describe_wait(hold)}, then tries again"
                if hold < wait
                else "it tries again then"
            )
            raise RateLimited(
                f"{self.service} is limiting requests (too many in a short time) and {asked}; "
                f"{then}.",
                service=self.service,
                retry_after=hold,
            )
        if waited > self._rate_limit_waits:
            raise RateLimited(
                f"{self.service} kept asking Desktop Sync to slow down; it will try again in a "
                "moment.",
                service=self.service,
                retry_after=wait,
            )
        log.debug("%s: 429, waiting %.1f s", self.service, wait)
        if self._on_rate_limited is not None:
            self._on_rate_limited(wait)
        else:
            self._sleep(wait)

    def _no_answer(self, exc: httpx.TransportError) -> Transient:
        if isinstance(exc, _NOT_SENT):
            return Transient(
                f"Desktop Sync could not connect to {self.service} ({_describe(exc)}); check "
                f"the internet connection. {RETRY_LATER}",
                service=self.service,
            )
        return Transient(
            f"{self.service} did not answer ({_describe(exc)}). {RETRY_LATER}",
            service=self.service,
        )

    def _maybe_saved(self, what: str, cause: str) -> Ambiguous:
        return maybe_saved(self.service, what, cause)


def maybe_saved(service: str, what: str, cause: str) -> Ambiguous:
    """The ``Ambiguous`` of a write that was sent and then went unconfirmed (``cause``)."""
    return Ambiguous(
        f"{service} {cause} after {what} was sent, so it may or may not have been saved; "
        f"Desktop Sync will check {service} before sending it again.",
        service=service,
    )


def http_date(raw: str | None) -> datetime | None:
    """An HTTP date (``Sun, 01 Mar 2026 12:00:00 GMT``) as an aware UTC datetime, or None."""
    if not raw:
        return None
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def header_seconds(
    response: httpx.Response, *names: str, now: Callable[[], datetime] | None = None
) -> float | None:
    """The wait the first readable header of ``names`` asks for: a number of seconds or an
    HTTP date (``Retry-After`` allows both); None when none of them says. The layer, not the
    header, decides how much of it to sit out."""
    for name in names:
        raw = response.headers.get(name)
        if raw is None:
            continue
        try:
            seconds = float(raw)
        except ValueError:
            when = http_date(raw)
            if when is None:
                continue
            seconds = (when - (now or _utc_now)()).total_seconds()
        if math.isfinite(seconds):
            return max(0.0, seconds)
    return None


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _json_or_empty(response: httpx.Response) -> bool:
    if not response.content:
        return True  # an empty answer is the caller's to read
    try:
        json.loads(response.content)
    except ValueError:
        return False
    return True


def _describe(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.ConnectError):
        return "connection refused or no network"
    return "connection lost"


def describe_wait(seconds: float) -> str:
    """A wait in a merchant's words: "40 seconds", "5 minutes", "2 hours"."""
    whole = max(1, math.ceil(min(seconds, 1e9)))
    if whole < 90:
        return f"{whole} second{'s' if whole != 1 else ''}"
    minutes = round(whole / 60)
    if minutes < 60:
        return f"{minutes} minutes"
    hours = round(whole / 3600)
    return f"{hours} hour{'s' if hours != 1 else ''}"
