"""A simulated province: hundreds of small portals, each on a host of its own, for the
province-scale crawl test and ``benchmarks/province_crawl.py``.

:func:`province_portals` says what each portal is (deterministically, from its number);
:class:`ProvinceServer` serves the live ones, one listening socket per portal on its
own loopback address (``127.10.x.y``: Linux routes all of 127.0.0.0/8 to this machine,
and distinct addresses are distinct hosts, hence distinct download slots, for the
crawler), all on one port, from one thread that accepts and a thread per connection.
The server counts, per host, the requests it is answering at once (``peak_in_flight``),
so politeness is measured where a portal's operator would see it.

Kinds of portal (see :data:`KINDS`):

``normal``       a TRS-style list page with one report (two for every third portal) and a
                 look-alike (工作要点);
``slow``         the same, every page answered after :attr:`ProvinceServer.slow_seconds`;
``huge``         a list of :data:`HUGE_REPORTS` reports over many pages (more than any
                 small budget allows);
``firewalled``   every page, robots.txt included, a 瑞数-style 412 challenge that never lifts;
``refused``      its address has no listening socket: connection refused;
``dns``          a host name that does not resolve (``.invalid``).

Report pages are the 汇川区 2019 report of the test sites with the title and the
index number (索引号) made unique, so every report is a report of its own.
"""

from __future__ import annotations

import selectors
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from govreports.identity import canonical_url
from tests.harness import portal_row
from tests.portal_sites import BULK_TEMPLATE

HUGE_REPORTS = 120
HUGE_PER_PAGE = 10
REGION_CODE, REGION_NAME = "520303", "汇川区"  # under 贵州省: crawled with -a region=贵州省
TEMPLATE_TITLE = "汇川区人民政府2019年政府信息公开工作年度报告"
TEMPLATE_INDEX_NO = "009386521/2020-00018"
FIREWALL_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<script type="text/javascript" r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts=window['$_ts']={};$_ts.nsd=84301;</script>
</head><body></body></html>""".encode("utf-8")
ROBOTS_TXT = b"User-agent: *\nDisallow: /private/\n"


def kind_of(n: int) -> str:
    """What portal number ``n`` is: a few of each troublesome kind among normal ones."""
    if n % 41 == 7:
        return "refused"
    if n % 67 == 11:
        return "dns"
    if n % 53 == 19:
        return "firewalled"
    if n % 37 == 23:
        return "slow"
    if n % 97 == 31:
        return "huge"
    return "normal"


KINDS = ("normal", "slow", "huge", "firewalled", "refused", "dns")
REACHABLE = ("normal", "slow", "huge")


@dataclass(frozen=True)
class SimulatedPortal:
    number: int
    kind: str
    host: str  # its address (or, for ``dns``, a name that does not resolve)

    @property
    def portal_id(self) -> str:
        return f"sim{self.number:04d}"

    @property
    def reports(self) -> int:
        """How many reports its list shows."""
        if self.kind == "huge":
            return HUGE_REPORTS
        return 1 + (self.number % 3 == 0) if self.kind in REACHABLE else 0

    def report_title(self, k: int) -> str:
        return f"汇川区模拟第{self.number}单位第{k}部门2019年政府信息公开工作年度报告"

    def index_no(self, k: int) -> str:
        return f"009386521/2020-{self.number:04d}{k:03d}"


def host_of(n: int) -> str:
    """The loopback address of portal ``n`` (never 127.0.0.1, where the other tests' server is)."""
    return f"127.10.{n // 250}.{n % 250 + 1}"


def province_portals(count: int) -> list[SimulatedPortal]:
    return [SimulatedPortal(n, kind_of(n), f"sim-{n}.invalid" if kind_of(n) == "dns" else host_of(n))
            for n in range(count)]


# --- pages ------------------------------------------------------------------------------
def list_page(portal: SimulatedPortal, page: int) -> bytes:
    per_page = HUGE_PER_PAGE if portal.kind == "huge" else portal.reports
    pages = (portal.reports + per_page - 1) // per_page
    first = page * per_page
    items = [(f"/t/{k:04d}.html", portal.report_title(k), f"2020-03-{1 + k % 28:02d}")
             for k in range(first, min(first + per_page, portal.reports))]
    if page == 0:  # a look-alike that must not be fetched
        items.append(("/t/plan.html", f"汇川区模拟第{portal.number}单位2020年政务公开工作要点", "2020-02-01"))
    lis = "\n".join(f'<li><a href="{href}" title="{title}">{title}</a><span>{date}</span></li>'
                    for href, title, date in items)
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报</title></head><body>'
            f'<ul class="list">{lis}</ul><script>createPageHTML({pages}, {page}, "index", "html");</script>'
            f"</body></html>").encode("utf-8")


_TEMPLATE: list[str] = []


def report_page(portal: SimulatedPortal, k: int) -> bytes:
    if not _TEMPLATE:
        _TEMPLATE.append(BULK_TEMPLATE.read_text(encoding="utf-8"))
    html = _TEMPLATE[0].replace(TEMPLATE_TITLE, portal.report_title(k)).replace(TEMPLATE_INDEX_NO,
                                                                                 portal.index_no(k))
    return html.encode("utf-8")


# --- the server ----------------------------------------------------------------------------
class ProvinceHandler(BaseHTTPRequestHandler):
    server: "PortalHost"
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        province, portal = self.server.province, self.server.portal
        province.request_began(portal.host)
        try:
            if portal.kind == "slow":
                time.sleep(province.slow_seconds)
            self.answer(portal, urlsplit(self.path).path)
        finally:
            province.request_ended(portal.host)

    def answer(self, portal: SimulatedPortal, path: str) -> None:
        if portal.kind == "firewalled":
            return self.send(412, FIREWALL_PAGE)
        if path == "/robots.txt":
            return self.send(200, ROBOTS_TXT, "text/plain")
        if path in ("/list/", "/list/index.html"):
            return self.send(200, list_page(portal, 0))
        if path.startswith("/list/index_") and path.endswith(".html") and path[12:-5].isdigit():
            return self.send(200, list_page(portal, int(path[12:-5])))
        if path.startswith("/t/") and path.endswith(".html") and path[3:-5].isdigit() \
                and int(path[3:-5]) < portal.reports:
            return self.send(200, report_page(portal, int(path[3:-5])))
        return self.send(404, "<html><body>404 页面不存在</body></html>".encode("utf-8"))


class PortalHost(ThreadingHTTPServer):
    """The listening socket of one portal."""

    daemon_threads = True

    def __init__(self, province: "ProvinceServer", portal: SimulatedPortal, port: int):
        self.province, self.portal = province, portal
        super().__init__((portal.host, port), ProvinceHandler)

    def handle_error(self, request, client_address):
        pass  # the crawler hanging up (at its close) is no server error


class ProvinceServer:
    """Serves the live portals of ``portals``; use as a context manager."""

    def __init__(self, portals: list[SimulatedPortal], slow_seconds: float = 1.0):
        self.portals = portals
        self.slow_seconds = slow_seconds
        self.hosts: list[PortalHost] = []
        self.port = 0
        self.dead_port = 0
        self.in_flight: dict[str, int] = {}
        self.peak_in_flight: dict[str, int] = {}
        self.requests: dict[str, int] = {}
        self._lock = threading.Lock()
        self._selector = selectors.DefaultSelector()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    # --- bookkeeping, called by the handlers ---
    def request_began(self, host: str) -> None:
        with self._lock:
            self.requests[host] = self.requests.get(host, 0) + 1
            self.in_flight[host] = self.in_flight.get(host, 0) + 1
            self.peak_in_flight[host] = max(self.peak_in_flight.get(host, 0), self.in_flight[host])

    def request_ended(self, host: str) -> None:
        with self._lock:
            self.in_flight[host] -= 1

    # --- what the crawl is given ---
    def base_url(self, portal: SimulatedPortal) -> str:
        if portal.kind == "dns":
            return f"http://{portal.host}"
        return f"http://{portal.host}:{self.dead_port if portal.kind == 'refused' else self.port}"

    def registry_rows(self) -> list[dict[str, str]]:
        return [portal_row(p.portal_id, REGION_CODE, REGION_NAME, f"{self.base_url(p)}/list/index.html",
                           portal_name=f"汇川区模拟门户{p.number}", home_url=f"{self.base_url(p)}/")
                for p in self.portals]

    def report_urls(self, portal: SimulatedPortal) -> set[str]:
        return {canonical_url(f"{self.base_url(portal)}/t/{k:04d}.html") for k in range(portal.reports)}

    # --- serving ---
    def _serve(self) -> None:
        while not self._stop.is_set():
            for key, _ in self._selector.select(timeout=0.2):
                key.data._handle_request_noblock()

    def start(self) -> "ProvinceServer":
        live = [p for p in self.portals if p.kind not in ("refused", "dns")]
        for portal in live:
            host = PortalHost(self, portal, self.port)
            self.port = host.server_address[1]  # the first one picks the port, the others share it
            self.hosts.append(host)
            self._selector.register(host.socket, selectors.EVENT_READ, host)
        with socket.socket() as probe:  # a port nothing listens on, for the refused portals
            probe.bind(("127.0.0.1", 0))
            self.dead_port = probe.getsockname()[1]
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        for host in self.hosts:
            self._selector.unregister(host.socket)
            host.server_close()
        self._selector.close()

    def __enter__(self) -> "ProvinceServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
