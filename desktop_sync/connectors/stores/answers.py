"""Reading a store's answers, the same way on every platform: JSON or nothing, and one sentence
for an answer that cannot be read (a proxy's error page, a plugin's PHP warning, a cut body).

A read whose answer cannot be read is ``Transient`` (asked again later); a change whose answer
cannot be read is ``Ambiguous`` (it may have been made: look before doing it again).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx

from desktop_sync.connectors.errors import Ambiguous, ConnectorError, Transient

__all__ = ["garbled", "json_or_none", "read_json"]


def json_or_none(response: httpx.Response, *, exact: bool = False) -> Any:
    """The answer's JSON, or None when it is none; ``exact`` reads numbers with a fraction as
    ``Decimal`` (money sent as numbers)."""
    try:
        return json.loads(response.content, parse_float=Decimal if exact else float)
    except ValueError:
        return None


def garbled(service: str, *, write: bool = False, why: str = "") -> ConnectorError:
    """The error for an answer that cannot be read; ``why`` (with its leading space) says what
    usually causes it on this platform."""
    if write:
        return Ambiguous(
            f"{service}'s answer to a change could not be read{why}; the sync will check "
            "whether it went through before trying again.",
            service=service,
        )
    return Transient(
        f"{service} sent an answer that could not be read{why}; the sync will try again shortly.",
        service=service,
    )


def read_json(
    response: httpx.Response,
    service: str,
    *,
    write: bool = False,
    why: str = "",
    exact: bool = False,
    shape: type | None = None,
) -> Any:
    """The answer's JSON (of ``shape``, when given: ``dict`` or ``list``), else ``garbled``."""
    body = json_or_none(response, exact=exact)
    if body is None or (shape is not None and not isinstance(body, shape)):
        raise garbled(service, write=write, why=why)
    return body
