"""In-process helpers: the portal spider, its callbacks and the pipelines, run on saved
pages without a crawl (no server, no reactor, no subprocess).

Saved sites (``tests/sites/<site>/…``) are addressed as ``http://portals.test/<site>/…``;
nothing is fetched, the host only has to be the same on the request and its response.

Typical use::

    spider = make_spider(tmp_path, [portal_row("guizhou_hhg", lists=["zwgk/xxgkndbg/index.html"])],
                         region="红花岗区")
    portal = spider.portal_by_id["guizhou_hhg"]
    request = spider.report_request(portal, site_url("guizhou_hhg", PATH), column=..., title=...)
    out = run_callback(request, saved_response(request, site_file("guizhou_hhg", PATH)))

Requests come from the spider's own request builders, so they carry the meta the
spider really sets; responses are built the way Scrapy builds them (the response class
from the headers and body).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from scrapy import Request
from scrapy.http import Response
from scrapy.responsetypes import responsetypes
from scrapy.utils.test import get_crawler

from govreports import settings as project_settings_module
from govreports.spiders.portal import PortalSpider
from tests.harness import REPO, write_registry

SITES = REPO / "tests" / "sites"
FIXTURES = REPO / "tests" / "fixtures"
BASE_URL = "http://portals.test/"


def site_url(site: str, path: str = "") -> str:
    return f"{BASE_URL}{site}/{path}"


def site_file(site: str, path: str) -> Path:
    return SITES / site / path


def project_settings(tmp_path: Path, **overrides: Any) -> dict[str, Any]:
    """The project's settings (``govreports/settings.py``), a database under ``tmp_path``
    and the overrides."""
    values = {name: getattr(project_settings_module, name)
              for name in dir(project_settings_module) if name.isupper()}
    values["GOVREPORTS_DB"] = str(tmp_path / "inprocess.db")
    values.update(overrides)
    return values


def portal_row(site: str, *, lists: list[str] = (), home: str = "", region_code: str = "520302",
               region_name: str = "红花岗区", **extra: str) -> dict[str, str]:
    """A registry row for a saved site: list and home paths relative to the site."""
    return {
        "region_code": region_code,
        "region_name": region_name,
        "portal_name": site,
        "home_url": site_url(site, home) if home else "",
        "list_urls": " ".join(site_url(site, path) for path in lists),
        "platform": "auto",
        "render_js": "0",
        "portal_id": site,
        **extra,
    }


def make_spider(tmp_path: Path, rows: list[dict[str, str]], *, settings: dict[str, Any] | None = None,
                **spider_args: str) -> PortalSpider:
    """A portal spider made the way ``scrapy crawl`` makes it (``from_crawler``), over a
    registry of ``rows`` and a database under ``tmp_path``; ``crawler.spider`` is set."""
    registry = write_registry(tmp_path / "portals.csv", rows)
    crawler = get_crawler(PortalSpider, project_settings(tmp_path, PORTALS_FILE=str(registry), **(settings or {})))
    crawler.stats.open_spider()
    spider = PortalSpider.from_crawler(crawler, **spider_args)
    crawler.spider = spider
    return spider


def saved_response(request: Request, path: Path | None = None, *, body: bytes | None = None, status: int = 200,
                   headers: dict[str, str] | None = None) -> Response:
    """The response to ``request`` carrying a saved file's bytes (or ``body``), with the
    Content-Type the test server would send (HTML without a charset: the page says it)."""
    if body is None:
        body = path.read_bytes() if path is not None else b""
    all_headers = dict(headers or {})
    if "Content-Type" not in all_headers and path is not None:
        all_headers["Content-Type"] = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    cls = responsetypes.from_args(headers=all_headers, url=request.url, body=body)
    return cls(url=request.url, status=status, headers=all_headers, body=body, request=request)


def run_callback(request: Request, response: Response) -> list[Any]:
    """Everything the request's callback yields for the response."""
    return list(request.callback(response) or ())


def of_type(outputs: list[Any], cls: type) -> list[Any]:
    return [o for o in outputs if isinstance(o, cls)]
