"""What a store's refusal means, written as data: one table per platform maps an HTTP status
(or a platform's own error code) to the kind of error and the sentence the merchant reads, and
one function raises it. In the spirit of Airbyte's ``http_status_error_handler`` map.

A sentence is a template: ``{status}``, ``{reason}`` (the store's own words) and whatever the
platform passes (``{scope}``, ``{shop}``, ...) are filled in when it is raised.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NoReturn

from desktop_sync.connectors.errors import ConnectorError, Rejected

__all__ = ["Refusal", "Refusals", "refuse"]


@dataclass(frozen=True)
class Refusal:
    kind: type[ConnectorError]
    """``AuthError`` (the merchant must act), ``Transient`` (asked again later), ``Rejected``
    (this request will not work as it is)."""
    sentence: str
    on_write: Refusal | None = None
    """What it means when the request was a change, if something else (a change that may
    have been made is ``Ambiguous``, not ``Transient``)."""


@dataclass(frozen=True)
class Refusals:
    """One platform's table: its service name, what each status or code means, and what any
    other refusal means."""

    service: str
    table: Mapping[int | str, Refusal]
    other: Refusal

    def refuse(
        self,
        key: int | str,
        details: Mapping[str, str] | None = None,
        *,
        write: bool = False,
        status: int | None = None,
    ) -> NoReturn:
        """Raise what ``key`` (a status or a code) means, its sentence filled with ``details``."""
        refusal = self.table.get(key, self.other)
        if write and refusal.on_write is not None:
            refusal = refusal.on_write
        sentence = refusal.sentence.format_map({"status": status or key, **(details or {})})
        if not sentence.endswith((".", "?", "!")):  # the store's own words end it
            sentence += "."
        kind = refusal.kind
        if issubclass(kind, Rejected):
            raise kind(sentence, service=self.service, status_code=status)
        raise kind(sentence, service=self.service)


def refuse(refusals: Refusals, status: int, **details: str) -> None:
    """Nothing for a status under 400; else what the platform's table says it means."""
    if status >= 400:
        refusals.refuse(status, details, status=status)
