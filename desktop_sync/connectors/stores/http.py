"""One reused HTTP client per store connector: retries safe reads, never repeats writes blindly."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from desktop_sync import __version__
from desktop_sync.connectors.errors import Ambiguous, RateLimited, Transient
from desktop_sync.connectors.http_safety import check_api_url
from desktop_sync.connectors.retry import Backoff

__all__ = ["StoreHttp"]

log = logging.getLogger(__name__)

USER_AGENT = f"desktop-sync/{__version__}"


class StoreHttp:
    """Sends a store connector's requests and turns transport trouble into typed errors.

    * Idempotent requests (reads) are retried with ``backoff`` on 5xx, timeouts and connection
      errors, then raise ``Transient``.
    * Writes are never repeated blindly: a connect failure (nothing was sent) raises
      ``Transient``; a timeout, dropped connection or 5xx after sending raises ``Ambiguous`` so
      the caller looks the object up before sending it again.
    * 429 means "not processed", so any request waits (``retry_after(response)`` seconds, or the
      backoff when the hook has no answer) and is sent again, up to ``rate_limit_waits`` times.
    * ``on_response(response)`` may return seconds to hold off before the next request, so a
      connector can pace itself from the platform's rate-limit headers and never see a 429.

    Other 4xx answers are returned as they are: their meaning belongs to the connector.
    """

    def __init__(
        self,
        base_url: str,
        *,
        service: str,
        headers: Mapping[str, str] | None = None,
        retry_after: Callable[[httpx.Response], float | None] | None = None,
        on_response: Callable[[httpx.Response], float | None] | None = None,
        backoff: Backoff | None = None,
        rate_limit_waits: int = 5,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.service = service
        self.base_url = check_api_url(base_url, service)
        self._retry_after = retry_after or (lambda response: None)
        self._on_response = on_response or (lambda response: None)
        self._backoff = backoff or Backoff()
        self._rate_limit_waits = rate_limit_waits
        self._sleep = sleep
        self._clock = clock
        self._hold_until = 0.0
        merged = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        merged.update(headers or {})
        self._client = httpx.Client(
            base_url=self.base_url + "/",
            headers=merged,
            timeout=timeout,
            transport=transport,
            follow_redirects=False,  # a redirect would carry the token to another host
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotent: bool,
        expect_json: bool = False,
    ) -> httpx.Response:
        """Send one request (retrying as described above) and return the final response.

        With ``expect_json``, an idempotent request answered 2xx with a body that is not JSON
        (a proxy's page, a body cut off) is retried like a 5xx, rather than handed back."""
        attempt = 0
        waits = 0
        while True:
            attempt += 1
            self._hold()
            try:
                response = self._client.request(method, path.lstrip("/"), params=params, json=json)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                # Nothing reached the server, so even a write is safe to send again later.
                failure: Exception = Transient(self._unreachable(), service=self.service)
                log.info("%s %s: %s", method, path, type(exc).__name__)
            except httpx.TransportError as exc:
                log.info("%s %s: %s", method, path, type(exc).__name__)
                if not idempotent:
                    raise Ambiguous(self._unconfirmed("no answer"), service=self.service) from exc
                failure = Transient(self._no_answer(), service=self.service)
            else:
                log.debug("%s %s -> %s", method, path, response.status_code)
                self._note_pacing(response)
                if response.status_code == 429:
                    waits += 1
                    if waits > self._rate_limit_waits:
                        raise RateLimited(
                            f"{self.service} kept asking the app to slow down; "
                            "the sync will try again in a minute.",
                            service=self.service,
                            retry_after=self._wait_for_429(response, waits),
                        )
                    self._sleep(self._wait_for_429(response, waits))
                    attempt -= 1  # a 429 was not processed: it does not use up a retry
                    continue
                garbled = expect_json and idempotent and not _json_or_empty(response)
                if response.status_code < 500 and not garbled:
                    return response
                if not idempotent:
                    raise Ambiguous(
                        self._unconfirmed(f"HTTP {response.status_code}"), service=self.service
                    )
                failure = Transient(
                    f"{self.service} sent an answer that could not be read; "
                    "the sync will try again shortly."
                    if garbled
                    else f"{self.service} answered with a server error "
                    f"(HTTP {response.status_code}); the sync will try again shortly.",
                    service=self.service,
                )
            if attempt >= max(1, self._backoff.attempts):
                raise failure
            self._sleep(self._backoff.delay(attempt))

    def close(self) -> None:
        self._client.close()

    # -- internals ---------------------------------------------------------------------------

    def _hold(self) -> None:
        wait = self._hold_until - self._clock()
        if wait > 0:
            self._sleep(wait)

    def _note_pacing(self, response: httpx.Response) -> None:
        pause = self._on_response(response)
        if pause is not None and pause > 0:
            self._hold_until = max(self._hold_until, self._clock() + pause)

    def _wait_for_429(self, response: httpx.Response, waits: int) -> float:
        told = self._retry_after(response)
        if told is None:  # no rate headers: platform-wide load, so back off exponentially
            return self._backoff.delay(waits)
        return max(0.0, told)

    def _unreachable(self) -> str:
        return (
            f"{self.service} could not be reached; check the internet connection, "
            "the sync will try again shortly."
        )

    def _no_answer(self) -> str:
        return f"{self.service} did not answer in time; the sync will try again shortly."

    def _unconfirmed(self, what: str) -> str:
        return (
            f"{self.service} did not confirm the change ({what}); the sync will check "
            "whether it went through before trying again."
        )


def _json_or_empty(response: httpx.Response) -> bool:
    if not 200 <= response.status_code < 300 or not response.content:
        return True  # errors and empty answers are the caller's to read
    try:
        json.loads(response.content)
    except ValueError:
        return False
    return True
