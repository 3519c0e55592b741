"""Reading a store's listing to the end, page by page, the three ways stores page: by page
number, by keyset (ids after the last one read), and by a GraphQL cursor.

Each way goes through one ``PageGuard``: a store, or a cache or proxy in front of it, that
answers the same page twice (it ignores ``page``, ``min_id`` or ``after``) stops the reading
with one sentence, instead of a loop that never ends. In the shape of Singer SDK's
``BaseAPIPaginator`` ("Loop detected in pagination") and Airbyte's paginator strategies; what
a page *is* stays with each platform, the reading to the end is written here once.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from desktop_sync.connectors.errors import Transient

__all__ = ["CursorPage", "PageGuard", "by_cursor", "by_keyset", "by_number"]

T = TypeVar("T")


@dataclass
class PageGuard:
    """The pages of one listing read so far, by fingerprint; a page seen before ends it.

    ``Transient``: a cache that answered for the store may expire, so the next sync tries
    again; meanwhile the merchant reads what is wrong and what to do (``hint``).
    """

    service: str
    """The store platform's name, as the merchant says it."""
    what: str
    """What the listing holds ("orders", "line items"), for the sentence."""
    hint: str
    """What the merchant can do about it, as the end of the sentence."""
    _seen: dict[Hashable, int] = field(default_factory=dict)

    def check(self, fingerprint: Hashable) -> None:
        """Remember the page about to be used; the same page twice raises."""
        earlier = self._seen.get(fingerprint)
        if earlier is not None:
            self.repeated(f"page {len(self._seen) + 1} came back the same as page {earlier}")
        self._seen[fingerprint] = len(self._seen) + 1

    def repeated(self, detail: str) -> None:
        """Stop the listing: the store keeps answering with what was already read."""
        raise Transient(
            f"{self.service} (or a cache or proxy in front of it) sent the same page of "
            f"{self.what} twice ({detail}), so the app stopped reading instead of going round "
            f"for ever; {self.hint}",
            service=self.service,
        )


def by_number(
    read: Callable[[int], Sequence[T]],
    *,
    size: int,
    guard: PageGuard,
    fingerprint: Callable[[Sequence[T]], Hashable],
    counted: Callable[[], int | None] = lambda: None,
) -> Iterator[Sequence[T]]:
    """Pages 1, 2, ... of ``read(page)`` until one comes short (or empty), or, when the store
    says how many pages it has (``counted()`` after a read), past the last. One page more than
    the first count may come (an item added while reading); past that the store ignores
    ``page``. A full page seen before (by ``fingerprint``) ends the reading with a sentence."""
    page = 1
    allowed: int | None = None
    while True:
        batch = read(page)
        if not batch:
            return
        total = counted()
        if total is not None and allowed is None:
            allowed = total + 1
        if allowed is not None and page > allowed:
            guard.repeated(f"more pages came than the {allowed - 1} it counted")
        full = len(batch) >= size
        if full:
            guard.check(fingerprint(batch))
        yield batch
        last = total if total is not None else (page + 1 if full else page)
        if page >= last:
            return
        page += 1


def by_keyset(
    read: Callable[[int], Sequence[T]],
    *,
    size: int,
    key: Callable[[T], int],
    guard: PageGuard,
) -> Iterator[list[T]]:
    """Pages of ``read(after)`` holding only items whose ``key`` is above ``after`` (0 to
    start), lowest first; the next page starts after the last key read. Nothing can shift
    into a page already read. A page with nothing past ``after`` means the store ignored it
    and answered the same page again."""
    after = 0
    while True:
        batch = read(after)
        fresh = sorted((item for item in batch if key(item) > after), key=key)
        if batch and not fresh:
            guard.repeated(f"nothing in it came after item {after}")
        yield fresh
        if len(batch) < size:
            return
        after = key(fresh[-1])


@dataclass(frozen=True)
class CursorPage:
    """One page of a GraphQL connection: its nodes and ``pageInfo``."""

    nodes: Sequence[Any]
    has_next: bool
    end_cursor: str | None

    @classmethod
    def of(cls, connection: Mapping[str, Any]) -> CursorPage:
        """From a connection's JSON (``{"nodes": [...], "pageInfo": {...}}``)."""
        info = connection.get("pageInfo")
        info = info if isinstance(info, Mapping) else {}
        cursor = info.get("endCursor")
        return cls(
            tuple(connection.get("nodes") or ()),
            bool(info.get("hasNextPage")),
            str(cursor) if cursor else None,
        )


def by_cursor(
    read: Callable[[str | None], CursorPage],
    *,
    guard: PageGuard,
    first: CursorPage | None = None,
) -> Iterator[Sequence[Any]]:
    """The nodes of ``read(after)`` page by page (``after`` None for the first, unless
    ``first`` came with its owner), following ``endCursor`` while ``hasNextPage``. A cursor
    seen before means the same page again."""
    page = first if first is not None else read(None)
    while True:
        yield page.nodes
        if not page.has_next or not page.end_cursor:
            return
        guard.check(page.end_cursor)
        page = read(page.end_cursor)
