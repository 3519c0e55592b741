"""The time window of an order scan, the same on every platform: moments in UTC (a naive one is
taken as UTC), the start floored to the second (stores keep changes to the second), and one
rule for which changes are inside.

Each platform writes the window in its own query words (``since``, the ``until_second``, the
second after it), then checks each order against ``holds``, because a store may silently
ignore a filter it cannot read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

__all__ = ["ScanWindow", "as_utc"]


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive moment is taken to be UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass(frozen=True)
class ScanWindow:
    """Changes in [``since``, ``until``]; ``until`` None means up to the store's present."""

    since: datetime
    until: datetime | None = None

    @classmethod
    def of(cls, since: datetime, until: datetime | None = None) -> ScanWindow:
        """The window from the engine's moments: UTC, the start floored to its second (an
        order changed in that second may be inside, so it counts)."""
        return cls(
            as_utc(since).replace(microsecond=0), as_utc(until) if until is not None else None
        )

    @property
    def until_second(self) -> datetime | None:
        """The second ``until`` falls in (a store's filter compares whole seconds)."""
        return self.until.replace(microsecond=0) if self.until is not None else None

    @property
    def after_until(self) -> datetime | None:
        """The first second after the window, for a store whose "before" is strict."""
        second = self.until_second
        return second + timedelta(seconds=1) if second is not None else None

    def holds(self, moment: datetime) -> bool:
        """Whether a change at ``moment`` is inside (both ends included)."""
        changed = as_utc(moment)
        return self.since <= changed and (self.until is None or changed <= self.until)
