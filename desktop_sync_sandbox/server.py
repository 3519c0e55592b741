"""The HTTP plumbing every emulator shares: a threaded server on 127.0.0.1, a tiny router,
JSON helpers, a scaled clock for rate limits, and seeded fault injection.

An emulator subclasses ``Emulator``, registers routes in ``__init__`` and implements them as
methods taking a ``Request`` and returning a ``Response``. Routes under ``/_admin/`` are the
merchant's and the test's back door: no auth, no rate limit, no faults.
"""

from __future__ import annotations

import contextlib
import enum
import json
import random
import re
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

__all__ = [
    "Emulator",
    "Fault",
    "FaultPlan",
    "Request",
    "Response",
    "Route",
    "ScaledClock",
    "json_response",
]


class ScaledClock:
    """Monotonic seconds, optionally sped up: ``scale=10`` makes one real second count as ten.

    Rate-limit buckets read this clock, so tests can exercise refill and 429s quickly.
    """

    def __init__(self, scale: float = 1.0) -> None:
        if scale <= 0:
            raise ValueError("scale must be positive")
        self.scale = scale
        self._origin = time.monotonic()

    def now(self) -> float:
        return (time.monotonic() - self._origin) * self.scale

    def to_real(self, seconds: float) -> float:
        """A duration on this clock, in real seconds."""
        return seconds / self.scale


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    """Query parameters; the last value wins when a key repeats."""
    query_list: list[tuple[str, str]]
    headers: Mapping[str, str]
    """Header names lower-cased."""
    body: bytes
    params: dict[str, str] = field(default_factory=dict)
    """Named groups captured from the route's pattern."""

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)

    def json(self) -> Any:
        """The body parsed as JSON; raises ``ValueError`` on garbage."""
        if not self.body:
            return None
        return json.loads(self.body.decode("utf-8"))


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def json_response(status: int, payload: Any, headers: Mapping[str, str] | None = None) -> Response:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    merged = {"Content-Type": "application/json; charset=utf-8"}
    merged.update(headers or {})
    return Response(status=status, body=body, headers=merged)


class Fault(enum.Enum):
    """What an emulator can do instead of (or besides) answering normally."""

    SERVER_ERROR = "500"
    """500 with a JSON error body; the request is not processed."""
    BAD_GATEWAY_HTML = "502_html"
    """502 with an HTML page, as a proxy in front of the API would send."""
    INVALID_JSON = "invalid_json"
    """200 whose body is not JSON; the request is not processed."""
    RATE_LIMIT = "429"
    """429 as the platform sends it when its limit is hit; the request is not processed."""
    DELAY = "delay"
    """Wait ``delay`` seconds before processing (a slow server; the client times out)."""
    TIMEOUT_AFTER_STORE = "timeout_after_store"
    """Process the request, then wait ``delay`` seconds before answering."""
    DROP_BEFORE = "drop_before"
    """Close the connection without processing or answering."""
    DROP_AFTER = "drop_after"
    """Process the request, then close the connection without answering."""


@dataclass
class _Scheduled:
    fault: Fault
    remaining: int
    method: str | None
    path: re.Pattern[str] | None


class FaultPlan:
    """Which requests misbehave. Thread-safe; seeded, so a soak run can be replayed.

    Two sources: ``inject(fault, count)`` queues the next ``count`` matching requests, and
    ``set_rates({fault: fraction})`` makes a seeded random fraction of all requests misbehave.
    """

    def __init__(self, seed: int = 0, delay: float = 3.0) -> None:
        self.delay = delay
        self._lock = threading.Lock()
        self._queue: list[_Scheduled] = []
        self._rates: dict[Fault, float] = {}
        self._rng = random.Random(seed)
        self.injected: dict[Fault, int] = {}

    def inject(
        self,
        fault: Fault,
        count: int = 1,
        *,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        """Make the next ``count`` requests matching ``method``/``path`` (a regex) misbehave."""
        with self._lock:
            self._queue.append(
                _Scheduled(
                    fault,
                    count,
                    method.upper() if method else None,
                    re.compile(path) if path else None,
                )
            )

    def set_rates(self, rates: Mapping[Fault, float], seed: int | None = None) -> None:
        with self._lock:
            self._rates = dict(rates)
            if seed is not None:
                self._rng = random.Random(seed)

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()
            self._rates.clear()

    def next_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for entry in self._queue:
                if entry.method and entry.method != method:
                    continue
                if entry.path and not entry.path.search(path):
                    continue
                entry.remaining -= 1
                if entry.remaining <= 0:
                    self._queue.remove(entry)
                return self._count(entry.fault)
            if self._rates:
                draw = self._rng.random()
                for fault, rate in self._rates.items():
                    if draw < rate:
                        return self._count(fault)
                    draw -= rate
        return None

    def _count(self, fault: Fault) -> Fault:
        self.injected[fault] = self.injected.get(fault, 0) + 1
        return fault


Handler = Callable[[Request], Response]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    admin: bool = False


class _Dropped(Exception):
    """Raised inside the request handler to close the socket without an answer."""


class Emulator:
    """Base class: owns the server thread, the routes, the fault plan and the clock."""

    name = "emulator"

    def __init__(self, *, time_scale: float = 1.0, seed: int = 0) -> None:
        self.clock = ScaledClock(time_scale)
        self.faults = FaultPlan(seed=seed)
        self.lock = threading.RLock()
        """Guards the emulator's data; handlers hold it while they read or change state."""
        self.request_log: list[tuple[str, str, int]] = []
        """(method, path, status) of every API request answered (admin routes excluded)."""
        self._routes: list[Route] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._conn_lock = threading.Lock()
        self.route("POST", r"/_admin/faults", self._admin_faults, admin=True)
        self.route("DELETE", r"/_admin/faults", self._admin_clear_faults, admin=True)

    # -- routing -------------------------------------------------------------------------

    def route(self, method: str, pattern: str, handler: Handler, *, admin: bool = False) -> None:
        self._routes.append(Route(method.upper(), re.compile(f"^{pattern}$"), handler, admin))

    def before_request(self, request: Request) -> Response | None:
        """Auth and rate limiting for API routes; return a response to short-circuit."""
        return None

    def after_request(self, request: Request, response: Response) -> None:
        """Add headers every API response carries (rate-limit counters, ...)."""

    def fault_response(self, fault: Fault, request: Request) -> Response:
        """The platform's own shape for an injected error; subclasses refine it."""
        if fault is Fault.BAD_GATEWAY_HTML:
            page = (
                b"<html><head><title>502 Bad Gateway</title></head><body>"
                b"<center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center>"
                b"</body></html>"
            )
            return Response(502, page, {"Content-Type": "text/html"})
        if fault is Fault.INVALID_JSON:
            return Response(
                200, b'{"status": "success", "orders": [', {"Content-Type": "application/json"}
            )
        if fault is Fault.RATE_LIMIT:
            return json_response(
                429,
                {"status": "error", "message": "Too Many Requests"},
                {"Retry-After": "1", "X-Retry-After": "1"},
            )
        return json_response(500, {"status": "error", "message": "Internal Server Error"})

    def dispatch(self, request: Request) -> Response:
        """Route one request, applying faults, auth and rate limits. Used by the handler."""
        matched_path = False
        for route in self._routes:
            match = route.pattern.match(request.path)
            if not match:
                continue
            matched_path = True
            if route.method != request.method:
                continue
            request.params = {k: v for k, v in match.groupdict().items() if v is not None}
            if route.admin:
                return route.handler(request)
            return self._dispatch_api(route, request)
        if matched_path:
            return self.error_response(405, "Method not allowed", request)
        return self.error_response(404, "Not found", request)

    def error_response(self, status: int, message: str, request: Request) -> Response:
        return json_response(status, {"status": "error", "message": message})

    def _dispatch_api(self, route: Route, request: Request) -> Response:
        fault = self.faults.next_fault(request.method, request.path)
        if fault is Fault.DROP_BEFORE:
            raise _Dropped
        if fault is Fault.DELAY:
            self._stopping.wait(self.faults.delay)
        elif fault is not None and fault not in (Fault.TIMEOUT_AFTER_STORE, Fault.DROP_AFTER):
            faulted = self.fault_response(fault, request)
            self._log(request, faulted)
            return faulted
        refused = self.before_request(request)
        if refused is not None:
            response = refused
        else:
            try:
                response = route.handler(request)
            except ValueError as exc:  # a body the handler could not read
                response = self.error_response(400, f"Invalid request: {exc}", request)
        self.after_request(request, response)
        self._log(request, response)
        if fault is Fault.DROP_AFTER:
            raise _Dropped
        if fault is Fault.TIMEOUT_AFTER_STORE:
            self._stopping.wait(self.faults.delay)
        return response

    def _log(self, request: Request, response: Response) -> None:
        with self.lock:
            self.request_log.append((request.method, request.path, response.status))

    # -- admin: faults -------------------------------------------------------------------

    def _admin_faults(self, request: Request) -> Response:
        """``{"fault": "500", "count": 2, "method": "POST", "path": "/orders"}`` or
        ``{"rates": {"500": 0.1}, "seed": 7, "delay": 3}``."""
        body = request.json() or {}
        if "delay" in body:
            self.faults.delay = float(body["delay"])
        if "rates" in body:
            rates = {Fault(k): float(v) for k, v in body["rates"].items()}
            self.faults.set_rates(rates, seed=body.get("seed"))
        if "fault" in body:
            self.faults.inject(
                Fault(body["fault"]),
                int(body.get("count", 1)),
                method=body.get("method"),
                path=body.get("path"),
            )
        return json_response(200, {"status": "success"})

    def _admin_clear_faults(self, request: Request) -> Response:
        self.faults.clear()
        return json_response(200, {"status": "success"})

    # -- lifecycle -----------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError(f"{self.name} is not running")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (subclasses add their API prefix in ``api_url``)."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, port: int = 0) -> Self:
        """Listen on 127.0.0.1 (a free port unless given) in a daemon thread."""
        if self._server is not None:
            return self
        self._stopping.clear()
        server = _QuietServer(("127.0.0.1", port), _make_handler(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"{self.name}-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and close every open connection."""
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        with self._conn_lock:
            for conn in list(self._connections):
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
            self._connections.clear()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _track(self, conn: socket.socket, open_: bool) -> None:
        with self._conn_lock:
            if open_:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)


class _QuietServer(ThreadingHTTPServer):
    """A client that vanished mid-request (killed by a crash test, or timed out) is normal
    here; everything else still reports as socketserver does."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


def _make_handler(emulator: Emulator) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = f"{emulator.name}/1.0"
        timeout = 10  # idle keep-alive connections end by themselves

        def setup(self) -> None:
            super().setup()
            # Headers and body go out as two writes; without this, Nagle's algorithm and the
            # client's delayed ACK add ~40 ms to every request (and skew rate-limit tests).
            with contextlib.suppress(OSError):
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            emulator._track(self.connection, True)

        def finish(self) -> None:
            try:
                super().finish()
            finally:
                emulator._track(self.connection, False)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # tests and the demo stay quiet

        def _handle(self) -> None:
            split = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            pairs = parse_qsl(split.query, keep_blank_values=True)
            request = Request(
                method=self.command,
                path=split.path.rstrip("/") or "/",
                query=dict(pairs),
                query_list=pairs,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            try:
                response = emulator.dispatch(request)
            except _Dropped:
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            except Exception as exc:  # an emulator bug must still answer, as a real 500 would
                response = json_response(
                    500, {"status": "error", "message": f"Emulator error: {exc}"}
                )
            self._send(response)

        def _send(self, response: Response) -> None:
            try:
                self.send_response(
                    response.status,
                    HTTPStatus(response.status).phrase
                    if response.status in HTTPStatus._value2member_map_
                    else None,
                )
                for name, value in response.headers.items():
                    self.send_header(name, value)
                body = b"" if self.command == "HEAD" else response.body
                self.send_header("Content-Length", str(len(response.body)))
                self.end_headers()
                if body and response.status not in (204, 304):
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle

    return _Handler


def iter_chunks(items: Iterable[Any], size: int) -> list[list[Any]]:
    """Split ``items`` into lists of at most ``size`` (pagination in emulators)."""
    out: list[list[Any]] = []
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            out.append(chunk)
            chunk = []
    if chunk:
        out.append(chunk)
    return out
