"""Which portals of a crawl are done, which are running and which are still to come.

A portal is *admitted* when the spider hands its first requests to the engine
(:meth:`PortalActivity.admit`); from then on it is

* **running** while a request of it is *outstanding*: waiting in the scheduler, in
  the downloader (its middlewares, waits before retries and the download itself), or
  with the spider and the item pipelines (the callback or errback of its response,
  the attachments of a report);
* **done** once nothing of it is outstanding.  Only a portal's own responses ask for
  more of its pages, so a done portal stays done;

and before it is admitted it is **left** (still to come).

The scheduler counts what it holds of each portal (:class:`govreports.scheduler.PortalScheduler`),
the engine shows what it is working on (:func:`requests_in_engine`); this module only
adds them up, so the rules are tested without a crawl.  Requests are told apart by
their ``portal_id`` meta; anything else (robots.txt) belongs to no portal.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

DONE, RUNNING, LEFT = "done", "running", "left"


class Tally(NamedTuple):
    """The portals of a crawl by state, at one moment."""

    done: int
    running: int
    left: int
    finished: list[str]  # portals that became done since the last tally, in the order found

    @property
    def total(self) -> int:
        return self.done + self.running + self.left


@dataclass
class PortalActivity:
    """What each portal has outstanding (see the module docstring)."""

    admitted: dict[str, float] = field(default_factory=dict)  # portal -> time.monotonic() it was admitted
    queued: Counter[str] = field(default_factory=Counter)  # requests waiting in the scheduler
    sent: Counter[str] = field(default_factory=Counter)  # requests the scheduler handed on (retries too)
    done_at: dict[str, float] = field(default_factory=dict)  # portal -> when a tally first found it done

    def admit(self, portal_id: str, now: float | None = None) -> None:
        """The spider is about to hand the portal's first requests to the engine."""
        self.admitted.setdefault(portal_id, time.monotonic() if now is None else now)

    def enqueued(self, portal_id: str) -> None:
        self.queued[portal_id] += 1

    def dequeued(self, portal_id: str) -> None:
        # A request of an earlier run of a resumed job (JOBDIR) was never counted in.
        if self.queued[portal_id] > 1:
            self.queued[portal_id] -= 1
        else:  # none left: no entry, so what is open is found without going through every portal
            self.queued.pop(portal_id, None)
        self.sent[portal_id] += 1

    def outstanding(self, portal_id: str, in_engine: Counter[str]) -> int:
        return self.queued[portal_id] + in_engine[portal_id]

    def state(self, portal_id: str, in_engine: Counter[str]) -> str:
        if portal_id not in self.admitted:
            return LEFT
        return RUNNING if self.outstanding(portal_id, in_engine) else DONE

    def open_portals(self, in_engine: Counter[str]) -> int:
        """Admitted portals with something outstanding."""
        return sum(1 for portal_id in set(self.queued) | set(in_engine) if portal_id in self.admitted)

    def tally(self, portal_ids: Iterable[str], in_engine: Counter[str], now: float | None = None) -> Tally:
        """How many of ``portal_ids`` are done, running and left; the portals found
        done for the first time are noted (their :attr:`done_at`) and listed."""
        now = time.monotonic() if now is None else now
        counts: Counter[str] = Counter()
        finished = []
        for portal_id in portal_ids:
            state = self.state(portal_id, in_engine)
            counts[state] += 1
            if state == DONE and portal_id not in self.done_at:
                self.done_at[portal_id] = now
                finished.append(portal_id)
        return Tally(counts[DONE], counts[RUNNING], counts[LEFT], finished)

    def seconds(self, portal_id: str, now: float | None = None) -> float:
        """How long the portal has been (or was) admitted."""
        start = self.admitted.get(portal_id)
        if start is None:
            return 0.0
        end = self.done_at.get(portal_id, time.monotonic() if now is None else now)
        return max(0.0, end - start)


def portal_of_request(request: Any) -> str:
    """The portal a request belongs to ("" for none: robots.txt, say)."""
    return request.meta.get("portal_id", "") if request is not None else ""


def requests_in_engine(engine: Any) -> Counter[str]:
    """Per portal, the requests the engine is working on: in the downloader (its
    middlewares and waits included) or with the spider and the item pipelines.

    The same sets Scrapy's own engine status report reads
    (``scrapy.utils.engine.get_engine_status``)."""
    counts: Counter[str] = Counter()
    if engine is None:
        return counts
    requests = list(engine.downloader.active)
    slot = getattr(engine.scraper, "slot", None)
    if slot is not None:
        requests += list(slot.active)
        requests += [queued[1] for queued in slot.queue]
    for request in requests:
        portal_id = portal_of_request(request)
        if portal_id:
            counts[portal_id] += 1
    return counts
