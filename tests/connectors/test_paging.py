"""The one store-paging layer: each way of paging reads to the end, and a store that answers
the same page twice is stopped by the one guard, with one sentence."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from desktop_sync.connectors.errors import Transient
from desktop_sync.connectors.stores.paging import (
    CursorPage,
    PageGuard,
    by_cursor,
    by_keyset,
    by_number,
)


def guard() -> PageGuard:
    return PageGuard("Teststore", "orders", "exclude the API from the cache.")


def ids(batch: Sequence[int]) -> tuple[int, ...]:
    return tuple(batch)


def test_page_numbers_are_read_until_a_short_page() -> None:
    items = list(range(1, 8))
    asked: list[int] = []

    def read(page: int) -> list[int]:
        asked.append(page)
        return items[(page - 1) * 3 : page * 3]

    pages = by_number(read, size=3, guard=guard(), fingerprint=ids)
    assert [i for page in pages for i in page] == items
    assert asked == [1, 2, 3]


def test_a_store_ignoring_the_page_number_is_stopped_with_a_sentence() -> None:
    with pytest.raises(Transient, match=r"^Teststore \(or a cache.*same page of orders twice"):
        list(by_number(lambda page: [1, 2, 3], size=3, guard=guard(), fingerprint=ids))


def test_a_store_counting_ever_more_pages_is_stopped_one_page_past_its_first_count() -> None:
    asked: list[int] = []

    def read(page: int) -> list[int]:
        asked.append(page)
        return [page * 10 + i for i in range(3)]

    counts = iter(range(2, 100))
    with pytest.raises(Transient, match="more pages came than the 2 it counted"):
        list(by_number(read, size=3, guard=guard(), fingerprint=ids, counted=lambda: next(counts)))
    assert asked == [1, 2, 3, 4]


def test_keyset_pages_start_after_the_last_key_and_a_page_going_back_stops() -> None:
    items = [5, 1, 3, 2, 4]

    def read(after: int) -> list[int]:
        return sorted(i for i in items if i > after)[:2]

    assert [i for page in by_keyset(read, size=2, key=int, guard=guard()) for i in page] == [
        1,
        2,
        3,
        4,
        5,
    ]
    with pytest.raises(Transient, match="nothing in it came after item 2"):
        list(by_keyset(lambda after: [1, 2], size=2, key=int, guard=guard()))


def test_cursor_pages_follow_the_end_cursor_and_a_cursor_seen_before_stops() -> None:
    book = {
        None: CursorPage(("a",), True, "c1"),
        "c1": CursorPage(("b",), True, "c2"),
        "c2": CursorPage(("c",), False, None),
    }
    assert [n for page in by_cursor(book.__getitem__, guard=guard()) for n in page] == [
        "a",
        "b",
        "c",
    ]
    stuck = {None: CursorPage(("a",), True, "c1"), "c1": CursorPage(("a",), True, "c1")}
    with pytest.raises(Transient, match="page 2 came back the same as page 1"):
        list(by_cursor(stuck.__getitem__, guard=guard()))
