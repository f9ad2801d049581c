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

from tests.conftest import crawl, write_registry  # noqa: E402
from tests.portal_server import PortalServer  # noqa: E402


def portals(server: PortalServer) -> list[dict[str, str]]:
    def row(portal_id, code, name, list_urls):
        return {"region_code": code, "region_name": name, "portal_name": name, "portal_id": portal_id,
                "home_url": list_urls[0], "list_urls": " ".join(list_urls), "platform": "auto", "render_js": "0"}

    return [
        row("bulk", "520303", "汇川区", [server.url("bulk/index.html")]),
        row("guizhou_hhg", "520302", "红花岗区", [server.url("guizhou_hhg/zwgk/xxgkndbg/index.html")]),
        row("guizhou_hc", "520303", "汇川区", [server.url("guizhou_hc/zwgk/xxgknb/index.html"),
                                             server.url("guizhou_hc/zwgk/bmxxgk/index.html")]),
        row("evolving", "520302", "红花岗区", [server.url("evolving/zwgk/xxgkndbg/index.html")]),
    ]


PORTAL_PREFIXES = {"bulk": "/bulk/", "guizhou_hhg": "/guizhou_hhg/", "guizhou_hc": "/guizhou_hc/",
                   "evolving": "/evolving/"}


def requests_made(server: PortalServer, prefix: str = "/") -> int:
    return sum(1 for _, path in server.requests if path != "/robots.txt" and path.startswith(prefix))


def main() -> None:
    server = PortalServer().start()
    server.bulk_reports, server.bulk_per_page = 150, 15
    try:
        with tempfile.TemporaryDirectory() as tmp:
            registry = write_registry(Path(tmp) / "portals.csv", portals(server))
            db = Path(tmp) / "bench.db"
            settings = {"PORTALS_FILE": str(registry)}
            rows = []
            for label, args in (("first crawl", ()), ("unchanged recrawl", ()),
                                ("recrawl, revalidating all", ("revalidate_days=0",))):
                server.reset_log()
                result = crawl("region=贵州省", *args, db=db, settings=settings)
                if result.returncode != 0:
                    raise SystemExit(result.stderr[-2000:])
                per_portal = {name: requests_made(server, prefix) for name, prefix in PORTAL_PREFIXES.items()}
                rows.append((label, requests_made(server), per_portal))
    finally:
        server.stop()
    first = rows[0]
    names = list(PORTAL_PREFIXES)
    print(f"{'crawl':<28}{'all':>8}{'vs first':>10}" + "".join(f"{n:>14}" for n in names))
    for label, count, per_portal in rows:
        print(f"{label:<28}{count:>8}{count / first[1]:>10.1%}"
              + "".join(f"{per_portal[n]:>8} ({per_portal[n] / first[2][n]:>4.0%})" for n in names))
    print(f"\ntarget: unchanged recrawl <= 10% of the first crawl's requests -> {rows[1][1] / first[1]:.1%}")


if __name__ == "__main__":
    main()
