"""The scheduler of a crawl of many portals: Scrapy's, counting what it holds of each.

Configured as ``SCHEDULER``.  Everything Scrapy's scheduler does stays as it is
(``SCHEDULER_*`` settings, ``JOBDIR`` queues, the duplicate filter); it only counts,
in the crawl ledger's :class:`~govreports.activity.PortalActivity`, each portal's
requests going in and out, so the crawl can tell a done portal from a running one
(see :mod:`govreports.activity`).  A spider that keeps no ledger is scheduled as
by Scrapy's own scheduler.
"""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.core.scheduler import Scheduler

from govreports.activity import PortalActivity, portal_of_request
from govreports.ledger import ledger_of


class PortalScheduler(Scheduler):
    """Scrapy's scheduler, keeping count of each portal's requests it holds."""

    activity: PortalActivity | None = None

    def open(self, spider: Spider):
        ledger = ledger_of(spider)
        self.activity = ledger.activity if ledger is not None else None
        return super().open(spider)

    def enqueue_request(self, request: Request) -> bool:
        queued = super().enqueue_request(request)
        portal_id = portal_of_request(request)
        if queued and portal_id and self.activity is not None:
            self.activity.enqueued(portal_id)
        return queued

    def next_request(self) -> Request | None:
        request = super().next_request()
        portal_id = portal_of_request(request)
        if portal_id and self.activity is not None:
            self.activity.dequeued(portal_id)
        return request
