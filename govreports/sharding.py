"""Host-sharded crawls: ``-a shard=K/S`` crawls only the portals of shard K of S.

A portal's shard is a stable hash of its site, so every shard process, on any machine
and in any Python, agrees on it, and a rerun of shard K crawls the same portals:

    shard = int(sha1(site.encode("utf-8")).hexdigest(), 16) % S

``site`` is the registrable domain of the portal's home page (else its first list URL),
lowercased: ``zyhhg.gov.cn`` for ``http://www.zyhhg.gov.cn/…``, the address itself for
an IP (``127.0.0.2``); a portal kept as files (``local:``) uses ``local:<portal_id>``.
Every host of one site (``www.x.gov.cn``, ``xxgk.x.gov.cn``), and every department
column registered on it, lands in the same shard, so two shards never both load one
government server: each shard keeps Scrapy's per-host concurrency and delay, and the
servers see no more than one crawl would send them.

Shards are numbered ``0`` to ``S-1`` (``K`` is the remainder of the hash).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from govreports.identity import site_of

if TYPE_CHECKING:  # the registry imports nothing from here
    from govreports.registry import Portal

SHARD_PATTERN = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` of ``count`` (0 ≤ index < count)."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, portal: "Portal") -> bool:
        return shard_of(portal, self.count) == self.index


def parse_shard(value: str) -> Shard:
    """``"K/S"`` read and checked; ValueError with a one-line message otherwise."""
    m = SHARD_PATTERN.match(value or "")
    if not m:
        raise ValueError(f"shard must be K/S, two whole numbers (e.g. -a shard=0/4 … -a shard=3/4), not {value!r}")
    index, count = int(m.group(1)), int(m.group(2))
    if count < 1:
        raise ValueError(f"shard {value!r}: the number of shards must be at least 1")
    if index >= count:
        raise ValueError(f"shard {value!r}: shards are numbered 0 to {count - 1} (0/{count} … {count - 1}/{count})")
    return Shard(index, count)


def shard_key(portal: "Portal") -> str:
    """What a portal's shard is the hash of: its site (see the module docstring)."""
    url = portal.home_url or (portal.list_urls[0] if portal.list_urls else "")
    if portal.is_local or not url or url.startswith("file:"):
        return f"local:{portal.portal_id}"
    return site_of(url).lower()


def shard_of(portal: "Portal", count: int) -> int:
    """The shard (0 … count-1) that crawls ``portal``."""
    digest = hashlib.sha1(shard_key(portal).encode("utf-8")).hexdigest()
    return int(digest, 16) % count


def portals_of_shard(portals: list["Portal"], shard: Shard | None) -> list["Portal"]:
    """Those of ``portals`` the shard crawls (all of them without a shard)."""
    if shard is None:
        return list(portals)
    return [p for p in portals if shard.holds(p)]
