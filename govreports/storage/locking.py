"""Writing while another process holds the database's write lock: wait, longer each
time, and try the same transaction again; give up, loudly, only after a while.

SQLite lets one connection write at a time.  Another crawl on the same file takes the
lock for a moment per batch; a person's ``sqlite3`` shell or a backup may hold it for
minutes.  A write that finds it taken waits (blocking) up to the connection's busy
timeout, then fails with "database is locked".  Every store method is one
transaction, rolled back when it fails, so trying the same call again is safe: the
caller keeps its batch until a try commits.

Pure Python and no Scrapy: the caller passes the function that sleeps (the crawl
sleeps without blocking its event loop).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

LOCKED_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


def is_locked(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite saying another connection holds the lock."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:  # raised without an SQLite code: only the message tells
        return "database is locked" in str(exc) or "database table is locked" in str(exc)
    return code & 0xFF in LOCKED_CODES


class DatabaseUnavailable(Exception):
    """The database stayed locked by another process for longer than we wait."""

    def __init__(self, waited: float, error: BaseException):
        super().__init__(f"locked by another process (waited {waited:.0f} s)" if waited
                         else "locked by another process")
        self.waited = waited
        self.error = error


@dataclass(frozen=True)
class LockPatience:
    """How long to wait for a locked database: ``first_wait`` seconds before the second
    try, doubling up to ``longest_wait``, until ``give_up_after`` seconds have passed
    since the first try found it locked (the tries themselves included)."""

    first_wait: float = 1.0
    longest_wait: float = 30.0
    give_up_after: float = 300.0

    def waits(self) -> Iterator[float]:
        """The waits before the second, third … try (without end)."""
        wait = max(self.first_wait, 0.0)
        while True:
            yield min(wait, self.longest_wait)
            wait = wait * 2 if wait > 0 else 0.01


async def write_patiently(write: Callable[[], T], patience: LockPatience,
                          sleep: Callable[[float], Awaitable[object]], *,
                          on_locked: Callable[[float], object] | None = None,
                          clock: Callable[[], float] = time.monotonic) -> T:
    """``write()`` (one transaction), tried again while the database is locked.

    Before each wait ``on_locked(wait)`` is called (to say so).  Errors other than a
    locked database go straight to the caller; when ``patience`` runs out,
    :class:`DatabaseUnavailable`."""
    started = None
    waits = patience.waits()
    while True:
        try:
            return write()
        except sqlite3.OperationalError as exc:
            if not is_locked(exc):
                raise
            now = clock()
            started = now if started is None else started
            left = patience.give_up_after - (now - started)
            if left <= 0:
                raise DatabaseUnavailable(now - started, exc) from exc
            wait = min(next(waits), left)
            if on_locked is not None:
                on_locked(wait)
            await sleep(wait)
