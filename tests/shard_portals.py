"""Several generated portals, each on a host of its own (127.0.0.x), for sharded crawls.

Each host is a :class:`~tests.portal_server.PortalServer` listening on its own loopback
address and serving the ``/bulk/`` portal (a TRS-style column of generated reports);
its ``max_busy`` is the most requests that host was answering at once.  The hosts are
chosen so that each of ``shards`` shards holds ``per_shard`` of them (by the crawl's own
hash, :func:`govreports.sharding.shard_of`), so a sharded crawl really splits them.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from govreports.registry import portal_from_row
from govreports.sharding import shard_of
from tests.harness import portal_row, write_registry
from tests.portal_server import PortalServer

REGION = "shardtest"  # a registry row's own region_code: -a region=shardtest selects them all


def bulk_row(host: str, base_url: str) -> dict[str, str]:
    return portal_row(f"bulk-{host}", REGION, "分片测试区", f"{base_url}/bulk/index.html",
                      portal_name=f"分片测试{host}")


def hosts_for(shards: int, per_shard: int) -> list[str]:
    """Loopback addresses, ``per_shard`` in each of ``shards`` shards."""
    taken: dict[int, list[str]] = {k: [] for k in range(shards)}
    for last in range(2, 255):
        host = f"127.0.0.{last}"
        portal = portal_from_row(bulk_row(host, f"http://{host}:80"), base_dir=Path("."))
        shard = shard_of(portal, shards)
        if len(taken[shard]) < per_shard:
            taken[shard].append(host)
        if all(len(hosts) == per_shard for hosts in taken.values()):
            return [host for hosts in taken.values() for host in hosts]
    raise RuntimeError("not enough loopback addresses")


class ShardPortals(ExitStack):
    """``with ShardPortals(shards=2, per_shard=2, reports=30) as world:`` — the servers
    (``world.servers``), their registry (``world.registry(path)``), and the report URLs
    a complete crawl stores (``world.report_urls()``)."""

    def __init__(self, *, shards: int = 2, per_shard: int = 2, reports: int = 30, per_page: int = 10,
                 delay: float = 0.0):
        super().__init__()
        self.hosts = hosts_for(shards, per_shard)
        self.reports, self.per_page, self.delay = reports, per_page, delay
        self.servers: list[PortalServer] = []

    def __enter__(self) -> "ShardPortals":
        super().__enter__()
        for host in self.hosts:
            server = self.enter_context(PortalServer(host))
            server.bulk_reports, server.bulk_per_page, server.bulk_delay = self.reports, self.per_page, self.delay
            self.servers.append(server)
        return self

    def rows(self) -> list[dict[str, str]]:
        return [bulk_row(host, server.base_url) for host, server in zip(self.hosts, self.servers)]

    def registry(self, path: Path) -> Path:
        return write_registry(path, self.rows())

    def report_urls(self) -> set[str]:
        return {server.url(f"bulk/t{n:04d}.html") for server in self.servers for n in range(self.reports)}

    @property
    def max_busy(self) -> dict[str, int]:
        """Per host, the most requests it was answering at once."""
        return {host: server.max_busy for host, server in zip(self.hosts, self.servers)}
