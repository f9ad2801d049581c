"""How cheap is the yearly recrawl?  Requests of an unchanged recrawl vs. the first crawl.

Crawls the local test portals — a generated county column of 150 department reports
(15 per list page, the size of a real 部门年报 column), the two small 遵义 portals and
the evolving portal — with the real ``scrapy crawl`` command, counting the requests
the portal server receives (robots.txt aside): a first crawl, an unchanged recrawl,
and a recrawl that revalidates every known page.  Prints the counts per portal and
overall.  Target: the unchanged recrawl makes ≤ 10 % of the first crawl's requests
(small portals score worse: their few list pages weigh more).

    python benchmarks/recrawl_ratio.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.harness import crawl_portals, portal_row, site_row  # noqa: E402
from tests.portal_server import PortalServer  # noqa: E402


def portals(server: PortalServer) -> list[dict[str, str]]:
    return [
        portal_row("bulk", "520303", "汇川区", server.url("bulk/index.html"), platform="auto"),
        site_row(server, "guizhou_hhg"),
        site_row(server, "guizhou_hc"),
        portal_row("evolving", "520302", "红花岗区", server.url("evolving/zwgk/xxgkndbg/index.html"), platform="auto"),
    ]


PORTAL_PREFIXES = {"bulk": "/bulk/", "guizhou_hhg": "/guizhou_hhg/", "guizhou_hc": "/guizhou_hc/",
                   "evolving": "/evolving/"}


def requests_made(server: PortalServer, prefix: str = "/") -> int:
    return sum(1 for _, path in server.requests if path != "/robots.txt" and path.startswith(prefix))


def main() -> None:
    with PortalServer() as server, tempfile.TemporaryDirectory() as tmp:
        server.bulk_reports, server.bulk_per_page = 150, 15
        db = Path(tmp) / "bench.db"
        rows = []
        for label, args in (("first crawl", ()), ("unchanged recrawl", ()),
                            ("recrawl, revalidating all", ("revalidate_days=0",))):
            server.reset_log()
            result = crawl_portals(Path(tmp), portals(server), *args, region="贵州省", db=db)
            if result.returncode != 0:
                raise SystemExit(result.stderr[-2000:])
            per_portal = {name: requests_made(server, prefix) for name, prefix in PORTAL_PREFIXES.items()}
            rows.append((label, requests_made(server), per_portal))
    first = rows[0]
    names = list(PORTAL_PREFIXES)
    print(f"{'crawl':<28}{'all':>8}{'vs first':>10}" + "".join(f"{n:>14}" for n in names))
    for label, count, per_portal in rows:
        print(f"{label:<28}{count:>8}{count / first[1]:>10.1%}"
              + "".join(f"{per_portal[n]:>8} ({per_portal[n] / first[2][n]:>4.0%})" for n in names))
    print(f"\ntarget: unchanged recrawl <= 10% of the first crawl's requests -> {rows[1][1] / first[1]:.1%}")


if __name__ == "__main__":
    main()
