"""The page prefetcher: order, bounded read-ahead, errors and early exits."""

from __future__ import annotations

import threading
import time

import pytest

from desk.services.orders.prefetch import Prefetcher


def _pages(last: int, fetched: list[int], fail_at: int | None = None):
    def fetch(number: int) -> str:
        if number == fail_at:
            raise LookupError(f"page {number} is gone")
        fetched.append(number)
        return f"page-{number}"

    def following(number: int, page: str) -> int | None:
        return number + 1 if number < last else None

    return fetch, following


def test_pages_come_in_order_each_with_the_request_of_the_next():
    fetched: list[int] = []
    fetch, following = _pages(4, fetched)
    assert list(Prefetcher(fetch, following, 1)) == [
        ("page-1", 2), ("page-2", 3), ("page-3", 4), ("page-4", None)
    ]
    assert fetched == [1, 2, 3, 4]


def test_the_helper_reads_no_more_than_depth_pages_ahead():
    fetched: list[int] = []
    fetch, following = _pages(50, fetched)
    pages = iter(Prefetcher(fetch, following, 1, depth=2))
    next(pages)
    time.sleep(0.3)  # ample time for the helper to run ahead if it were unbounded
    # one page taken, two queued, one fetched and waiting for room
    assert len(fetched) <= 4
    pages.close()


def test_an_error_is_raised_after_the_pages_before_it():
    fetched: list[int] = []
    fetch, following = _pages(9, fetched, fail_at=3)
    got = []
    with pytest.raises(LookupError, match="page 3"):
        for page, _ in Prefetcher(fetch, following, 1):
            got.append(page)
    assert got == ["page-1", "page-2"]


def test_leaving_early_stops_the_helper():
    fetched: list[int] = []
    fetch, following = _pages(10_000, fetched)
    before = threading.active_count()
    for page, _ in Prefetcher(fetch, following, 1, depth=1):
        if page == "page-2":
            break
    assert threading.active_count() == before
    assert len(fetched) <= 4


def test_waiting_for_a_slow_page_calls_on_wait_once_per_wait():
    consumed: list[int] = []
    waits: list[int] = []  # pages consumed when each wait began

    def fetch(number: int) -> int:
        time.sleep(0.6 if number == 2 else 0)
        return number

    pages = Prefetcher(
        fetch,
        lambda n, _: n + 1 if n < 3 else None,
        1,
        on_wait=lambda: waits.append(len(consumed)),
        wait_seconds=0.2,
    )
    for page, _ in pages:
        consumed.append(page)
    assert consumed == [1, 2, 3]
    assert 1 in waits  # the wait for page 2
    assert len(waits) == len(set(waits))  # one call per wait, however long it lasts


def test_closing_the_iteration_after_a_consumer_error_stops_the_helper_at_once():
    from contextlib import closing

    fetched: list[int] = []
    fetch, following = _pages(10_000, fetched)
    before = threading.active_count()
    with pytest.raises(RuntimeError), closing(iter(Prefetcher(fetch, following, 1, depth=1))) as stream:
        for _page, _ in stream:
            raise RuntimeError("the database refused the page")
    assert threading.active_count() == before
