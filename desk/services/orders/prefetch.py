"""Fetch the pages of a paged read ahead of the code that stores them.

A sync alternates between waiting for Allegro and writing to the database. A helper thread
that keeps fetching while pages are stored turns that into a pipeline: the store never waits
for the network unless it is faster than it, and a slow step on either side (a commit, a slow
page) is absorbed by the few pages queued between them.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

Request = TypeVar("Request")
Page = TypeVar("Page")

_POLL_SECONDS = 0.1


@dataclass(frozen=True)
class _Failure:
    error: BaseException


class Prefetcher(Generic[Request, Page]):
    """Iterate `(page, next_request)` pairs while a helper thread fetches up to `depth` pages ahead.

    `fetch(request)` reads one page; `following(request, page)` gives the request of the page
    after it, or None when this page was the last. An error in the helper is raised by the
    iteration, after the pages fetched before it. `on_wait` runs once each time the consumer
    has waited `wait_seconds` for a page (a sync commits its pending pages there, so it never
    holds a write transaction open while the network is slow).
    """

    def __init__(
        self,
        fetch: Callable[[Request], Page],
        following: Callable[[Request, Page], Request | None],
        first: Request,
        *,
        depth: int = 3,
        on_wait: Callable[[], None] = lambda: None,
        wait_seconds: float = 0.2,
    ) -> None:
        self._fetch = fetch
        self._following = following
        self._first = first
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._on_wait = on_wait
        self._wait_seconds = wait_seconds

    def __iter__(self) -> Iterator[tuple[Page, Request | None]]:
        helper = threading.Thread(target=self._produce, name="page-prefetch", daemon=True)
        helper.start()
        try:
            while True:
                item = self._next_item()
                if isinstance(item, _Failure):
                    raise item.error
                yield item
                if item[1] is None:
                    return
        finally:
            self._stop.set()
            helper.join()

    def _next_item(self):
        try:
            return self._queue.get(timeout=self._wait_seconds)
        except queue.Empty:
            self._on_wait()
            return self._queue.get()

    def _produce(self) -> None:
        request: Request | None = self._first
        try:
            while request is not None and not self._stop.is_set():
                page = self._fetch(request)
                request = self._following(request, page)
                self._put((page, request))
        except BaseException as exc:  # handed to the consumer, which raises it
            self._put(_Failure(exc))

    def _put(self, item) -> None:
        """Queue an item, giving up when the consumer has stopped listening."""
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=_POLL_SECONDS)
                return
            except queue.Full:
                continue
