"""Shopify's API version support window: a dated version every quarter (January, April, July,
October), each supported for twelve months from its release; a request for a version that is no
longer supported is served by the oldest supported one (Shopify's "fall forward")."""

from __future__ import annotations

import re
from datetime import date

__all__ = ["SUPPORT_MONTHS", "release_date", "served_version", "supported_versions"]

SUPPORT_MONTHS = 12
_VERSION = re.compile(r"^(\d{4})-(01|04|07|10)$")


def release_date(version: str) -> date:
    """The first day of the version's month (``2026-10`` -> 2026-10-01)."""
    match = _VERSION.match(version)
    if match is None:
        raise ValueError(f"{version!r} is not a dated Shopify API version (YYYY-01/04/07/10)")
    return date(int(match.group(1)), int(match.group(2)), 1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def end_of_support(version: str) -> date:
    """The first day on which the version is no longer supported."""
    return _add_months(release_date(version), SUPPORT_MONTHS)


def supported_versions(today: date) -> tuple[str, ...]:
    """The dated versions Shopify supports on ``today``, oldest first."""
    first = _add_months(date(today.year, ((today.month - 1) // 3) * 3 + 1, 1), -SUPPORT_MONTHS)
    found = []
    day = first
    while day <= today:
        version = f"{day.year:04d}-{day.month:02d}"
        if end_of_support(version) > today:
            found.append(version)
        day = _add_months(day, 3)
    return tuple(found)


def served_version(requested: str, today: date) -> str:
    """The version that answers a request for ``requested`` on ``today``."""
    supported = supported_versions(today)
    if requested in supported or requested == "unstable":
        return requested
    if _VERSION.match(requested) and release_date(requested) > today:
        # Not released yet: Shopify serves it as a release candidate only to apps that ask;
        # the emulator treats it as the newest.
        return supported[-1]
    return supported[0]
