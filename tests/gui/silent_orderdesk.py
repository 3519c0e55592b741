"""An Order Desk that hangs: on 127.0.0.1, it takes every connection, reads the request, and
never answers (nor closes), as a server stuck behind a dead proxy does."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

__all__ = ["SilentOrderDesk", "silent_orderdesk"]


class SilentOrderDesk:
    """Accepts every connection, reads the request line, and never answers; stops (closing
    every connection it holds) when its ``with`` block ends."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port: int = self._listener.getsockname()[1]
        self._requests: list[str] = []
        self._held: list[socket.socket] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="silent-orderdesk", daemon=True)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v2"

    @property
    def requests(self) -> list[str]:
        """The request lines received so far ("GET /api/v2/test HTTP/1.1")."""
        with self._lock:
            return list(self._requests)

    def count(self, fragment: str) -> int:
        """How many requests so far had ``fragment`` in their request line."""
        return sum(fragment in line for line in self.requests)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            conn.settimeout(5)
            try:
                line = conn.recv(4096).split(b"\r\n", 1)[0].decode("latin-1")
            except OSError:
                line = ""
            with self._lock:
                self._held.append(conn)
                self._requests.append(line)

    def __enter__(self) -> SilentOrderDesk:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self._listener.close()
        with self._lock:
            for conn in self._held:
                conn.close()


@pytest.fixture
def silent_orderdesk() -> Iterator[SilentOrderDesk]:
    with SilentOrderDesk() as server:
        yield server
