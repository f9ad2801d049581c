"""A local HTTP server that plays government portals for the integration tests.

It serves, on 127.0.0.1 only:

* ``/<site>/…``     the static sites under ``tests/sites/<site>/``
* ``/evolving/…``   a portal that changes between crawls (the test sets
                    ``server.evolving_version``): ``tests/sites/evolving/<version>/`` over
                    the ``guizhou_hhg`` site (see :func:`evolving_root`)
* ``/demo/…``       the embedded demo portal (``data/demo/``), over real HTTP
* ``/faults/…``     fault injection (see :data:`FAULTS`)
* ``/attach/files/…`` report attachments (see :data:`ATTACHMENTS`): the real sample
                    PDF, generated fixtures, a lying extension, a corrupt and an
                    oversized file, a hostile Content-Disposition
* ``/limits/files/…`` hostile attachments built on first request (see
                    :data:`HOSTILE_ATTACHMENTS`): decompression bombs, a line-grid PDF,
                    a gzip bomb and a body without a length over the size cap
* ``/bulk/…``       a large TRS-style portal generated on the fly (``server.bulk_reports``
                    reports, ``server.bulk_per_page`` per list page), each report page
                    delayed by ``server.bulk_delay`` seconds: long enough to kill a crawl
* ``/robots.txt``   a robots file that forbids ``/private/``

Static files carry ``ETag`` (content hash) and ``Last-Modified`` and answer conditional
requests with 304, like real portals' web servers.  Every request is logged (method,
path) so tests can count what the crawler fetched.  Pages are sent with the charset
the file declares; nothing is rewritten.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
import time
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

REPO = Path(__file__).resolve().parent.parent
SITES = REPO / "tests" / "sites"
DEMO = REPO / "data" / "demo"
ROBOTS_TXT = b"User-agent: *\nDisallow: /private/\n"


class PortalHandler(BaseHTTPRequestHandler):
    server: "PortalServer"
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # quiet: the request log is kept in memory
        pass

    def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _file_for(self, path: str) -> Path | None:
        parts = [p for p in unquote(path).split("/") if p]
        if not parts or any(p in ("..", ".") for p in parts):
            return None
        if parts[0] == "demo":
            root = DEMO
        elif parts[0] == "evolving":
            root = evolving_root(self.server.evolving_version, "/".join(parts[1:]))
            if root is None:
                return None
        else:
            root = SITES / parts[0]
        target = root.joinpath(*parts[1:])
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

    def do_GET(self):
        path = urlsplit(self.path).path
        self.server.record(self.command, self.path)
        if path == "/robots.txt":
            return self._send(200, ROBOTS_TXT, "text/plain")
        if path.startswith("/faults/") and path[len("/faults/"):] in FAULTS:
            return FAULTS[path[len("/faults/"):]](self)
        if path.startswith("/bulk/"):
            return _bulk(self, path[len("/bulk/"):])
        if path.startswith("/attach/files/"):
            return _attachment(self, self.path[len("/attach/files/"):])
        if path.startswith("/limits/files/"):
            return _hostile_attachment(self, path[len("/limits/files/"):])
        dynamic = dynamic_handler(path)
        if dynamic is not None:
            return dynamic(self)
        target = self._file_for(path)
        if target is None:
            return self._send(404, "<html><body><h1>404 页面不存在</h1></body></html>".encode())
        body = target.read_bytes()
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        mtime = int(target.stat().st_mtime)
        validators = {"ETag": etag, "Last-Modified": formatdate(mtime, usegmt=True)}
        if self._not_modified(etag, mtime):
            return self._send(304, b"", headers=validators)
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        # Like many real portals, send HTML without a charset: the page's meta says it.
        return self._send(200, body, content_type, headers=validators)

    def _not_modified(self, etag: str, mtime: int) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:  # takes precedence over If-Modified-Since (RFC 9110)
            return etag in [t.strip() for t in if_none_match.split(",")]
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return mtime <= parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    do_HEAD = do_GET

    def do_POST(self):
        self.server.record(self.command, self.path)
        length = int(self.headers.get("Content-Length") or 0)
        self.post_body = self.rfile.read(length)
        dynamic = dynamic_handler(urlsplit(self.path).path)
        if dynamic is not None:
            return dynamic(self)
        return self._send(405, b"method not allowed")


EVOLVING = SITES / "evolving"
# The evolving portal is the 红花岗区 site as it was (v1) and as it became (v2): each
# version folder holds only what differs from that site; what a version removed 404s.
EVOLVING_BASE = SITES / "guizhou_hhg"


def evolving_root(version: str, relative: str) -> Path | None:
    """The folder a path of the evolving portal is served from, in this version."""
    import json

    if (EVOLVING / version / relative).exists():
        return EVOLVING / version
    manifest = json.loads((EVOLVING / "MANIFEST.json").read_text(encoding="utf-8"))
    if relative in manifest.get(version, {}).get("removed", []):
        return None
    return EVOLVING_BASE


def dynamic_handler(path: str):
    """The handler of ``tests/portal_sites.py`` for a dynamic path (POST list endpoints,
    JSON APIs, challenges …), if any.  Imported late: that module imports this one."""
    from tests.portal_sites import DYNAMIC_ROUTES

    for prefix, handler in DYNAMIC_ROUTES:
        if path.startswith(prefix):
            return handler
    return None


# --- fault injection ---------------------------------------------------------------
FAULT_REPORT = (REPO / "tests" / "sites" / "guizhou_hc" / "zwgk" / "xxgknb" / "202003" / "t20200325_212.html")
FAULT_LIST_ITEMS = [
    ("ok.html", "汇川区人民政府2019年政府信息公开工作年度报告"),
    ("truncated.html", "汇川区人民政府2018年政府信息公开工作年度报告"),
    ("burst500.html", "汇川区人民政府2017年政府信息公开工作年度报告"),
    ("always500.html", "汇川区人民政府2016年政府信息公开工作年度报告"),
    ("slow.html", "汇川区人民政府2015年政府信息公开工作年度报告"),
    ("loop.html", "汇川区人民政府2014年政府信息公开工作年度报告"),
    ("garbage.html", "汇川区人民政府2013年政府信息公开工作年度报告"),
    ("empty.html", "汇川区人民政府2012年政府信息公开工作年度报告"),
    ("huge.html", "汇川区人民政府2011年政府信息公开工作年度报告"),
    ("lookalike.html", "汇川区人民政府2010年政府信息公开工作年度报告"),
    ("wrong-charset.html", "汇川区人民政府2009年政府信息公开工作年度报告"),
]


def _fault_list(handler: PortalHandler):
    items = "\n".join(
        f'<li><a href="{name}" title="{title}">{title}</a><span>2020-03-{25 - i:02d}</span></li>'
        for i, (name, title) in enumerate(FAULT_LIST_ITEMS)
    )
    page = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报</title></head>
<body><div class="position">您当前的位置：首页 &gt; 政务公开 &gt; 政府信息公开年报</div>
<ul class="list">{items}</ul><script>createPageHTML(1, 0, "index", "html");</script></body></html>"""
    handler._send(200, page.encode("utf-8"))


def _fault_ok(handler: PortalHandler):
    handler._send(200, FAULT_REPORT.read_bytes())


def _fault_truncated(handler: PortalHandler):
    body = FAULT_REPORT.read_bytes()
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body[: len(body) // 3])
    handler.wfile.flush()
    handler.close_connection = True
    handler.connection.shutdown(2)


def _fault_burst500(handler: PortalHandler):
    # 500 on the first two tries, then the page: retries with backoff get it.
    if handler.server.hit_count(handler.path) <= 2:
        return handler._send(500, b"<html><body>500 Internal Server Error</body></html>")
    return handler._send(200, FAULT_REPORT.read_bytes())


def _fault_always500(handler: PortalHandler):
    handler._send(503, b"<html><body>503 Service Unavailable</body></html>")


def _fault_slow(handler: PortalHandler):
    time.sleep(handler.server.slow_seconds)
    try:
        handler._send(200, FAULT_REPORT.read_bytes())
    except OSError:  # the crawler gave up first
        pass


def _fault_loop(handler: PortalHandler):
    handler._send(302, b"", headers={"Location": "/faults/loop.html"})


def _fault_garbage(handler: PortalHandler):
    handler._send(200, bytes(range(256)) * 40, "text/html")


def _fault_empty(handler: PortalHandler):
    handler._send(200, b"")


def _fault_huge(handler: PortalHandler):
    handler._send(200, b"<html><body>" + "政府信息公开".encode() * 400_000 + b"</body></html>")


def _fault_lookalike(handler: PortalHandler):
    page = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>汇川区2024年政务公开工作要点</title></head>
<body><h1>汇川区2024年政务公开工作要点</h1><p>为深入贯彻落实……，现将2024年政务公开工作要点印发如下。</p></body></html>"""
    handler._send(200, page.encode("utf-8"))


def _fault_wrong_charset(handler: PortalHandler):
    # Declares UTF-8 in the header but sends GBK bytes, as misconfigured servers do.
    handler._send(200, FAULT_REPORT.read_text(encoding="utf-8").replace('charset="utf-8"', "").encode("gbk", "replace"),
                  "text/html; charset=utf-8")


FAULTS = {
    "index.html": _fault_list,
    "ok.html": _fault_ok,
    "truncated.html": _fault_truncated,
    "burst500.html": _fault_burst500,
    "always500.html": _fault_always500,
    "slow.html": _fault_slow,
    "loop.html": _fault_loop,
    "garbage.html": _fault_garbage,
    "empty.html": _fault_empty,
    "huge.html": _fault_huge,
    "lookalike.html": _fault_lookalike,
    "wrong-charset.html": _fault_wrong_charset,
}


# --- attachments -------------------------------------------------------------------
SAMPLES = REPO.parent / "shared" / "samples"
ATTACHMENT_FIXTURES = REPO / "tests" / "fixtures" / "attachments"
PDF = "application/pdf"
ATTACHMENTS = {
    # name on the server: (file, content type, extra headers)
    "P020250120386915421552.pdf": (SAMPLES / "huaian-city-2024-report.pdf", PDF, {}),
    "P020240130777777777701.pdf": (ATTACHMENT_FIXTURES / "split-table.pdf", PDF, {}),
    "P020130301412345678901.doc": (ATTACHMENT_FIXTURES / "statistics.doc", "application/msword", {}),
    "P020130301412345678902.xls": (ATTACHMENT_FIXTURES / "statistics.xls", "application/vnd.ms-excel", {}),
    "P020240201555555555501.pdf": (ATTACHMENT_FIXTURES / "image-only.pdf", PDF, {}),
    # PDF bytes behind a .doc name and a Word content type: the extension lies.
    "tongjibiao.doc": (ATTACHMENT_FIXTURES / "split-table.pdf", "application/msword", {}),
    "download.do?fileId=7": (ATTACHMENT_FIXTURES / "statistics.xls", "application/octet-stream",
                             {"Content-Disposition": 'attachment; filename="../../../../tmp/govreports-evil.xls"'}),
    "P020240115000000000777.pdf": (ATTACHMENT_FIXTURES / "split-table.pdf", PDF, {}),
}
OVERSIZED = "P020240204999999999999.pdf"  # 3 MB
CORRUPT = "P020240203000000000001.pdf"  # the first third of a PDF


def _attachment(handler: PortalHandler, name: str):
    if name == OVERSIZED:
        return handler._send(200, b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024), PDF)
    if name == CORRUPT:
        data = (ATTACHMENT_FIXTURES / "split-table.pdf").read_bytes()
        return handler._send(200, data[: len(data) // 3], PDF)
    if name not in ATTACHMENTS or not ATTACHMENTS[name][0].exists():
        return handler._send(404, b"not found")
    path, content_type, headers = ATTACHMENTS[name]
    return handler._send(200, path.read_bytes(), content_type, headers=headers)


# --- hostile attachments ---------------------------------------------------------------
def _hostile_files() -> dict[str, tuple[str, callable]]:
    from tests import hostile_files as h

    return {
        # name: (what the crawl must record, builder)
        "P020240302000000000001.pdf": ("timeout", h.line_grid_pdf),
        "P020240302000000000002.docx": ("too_large", h.docx_bomb),  # document.xml: 1 GiB
        "P020240302000000000003.pdf": ("too_large", h.pdf_inflating),  # content stream: 500 MiB
        "P020240302000000000004.pdf": ("too_large", h.gzip_bomb),  # served gzip-encoded: 64 MiB
        "P020240302000000000005.pdf": ("too_large", lambda: b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024)),  # no length
        "P020240302000000000006.zip": ("too_large", h.zip_bomb),  # one member of 1 GiB
        "P020240302000000000007.xls": ("parsed", lambda: (ATTACHMENT_FIXTURES / "statistics.xls").read_bytes()),
        "P020240301000000000001.pdf": ("parsed", lambda: (ATTACHMENT_FIXTURES / "split-table.pdf").read_bytes()),
    }


HOSTILE_ATTACHMENTS = {name: status for name, (status, _) in _hostile_files().items()}
_hostile_cache: dict[str, bytes] = {}


def _hostile_attachment(handler: PortalHandler, name: str):
    files = _hostile_files()
    if name not in files:
        return handler._send(404, b"not found")
    if name not in _hostile_cache:
        _hostile_cache[name] = files[name][1]()
    body = _hostile_cache[name]
    if name.endswith("04.pdf"):
        return handler._send(200, body, PDF, headers={"Content-Encoding": "gzip"})
    if name.endswith("05.pdf"):
        # No Content-Length: the size shows only while the body arrives.
        handler.send_response(200)
        handler.send_header("Content-Type", PDF)
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.close_connection = True
        if handler.command != "HEAD":
            handler.wfile.write(body)
        return None
    return handler._send(200, body, PDF if name.endswith(".pdf") else "application/octet-stream")


# --- a large portal ------------------------------------------------------------------
BULK_REPORTS = 40
BULK_PER_PAGE = 10
BULK_TEMPLATE = REPO / "tests" / "sites" / "guizhou_hc" / "zwgk" / "xxgknb" / "202003" / "t20200325_212.html"
BULK_BODY = "汇川区人民政府"


def bulk_title(n: int) -> str:
    return f"汇川区第{n}部门2019年政府信息公开工作年度报告"


def _bulk(handler: PortalHandler, name: str):
    total, per_page = handler.server.bulk_reports, handler.server.bulk_per_page
    pages = (total + per_page - 1) // per_page
    if name in ("index.html", "") or (name.startswith("index_") and name.endswith(".html")):
        page = 0 if name in ("index.html", "") else int(name[len("index_"):-len(".html")])
        first = page * per_page
        items = "\n".join(
            f'<li><a href="t{n:04d}.html" title="{bulk_title(n)}">{bulk_title(n)}</a><span>2020-03-{1 + n % 28:02d}</span></li>'
            for n in range(first, min(first + per_page, total)))
        html = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>部门年报</title></head><body>
<ul class="list">{items}</ul><script>createPageHTML({pages}, {page}, "index", "html");</script></body></html>"""
        return handler._send(200, html.encode("utf-8"))
    if name.startswith("t") and name.endswith(".html") and name[1:-5].isdigit() and int(name[1:-5]) < total:
        n = int(name[1:-5])
        time.sleep(handler.server.bulk_delay)
        html = BULK_TEMPLATE.read_text(encoding="utf-8")
        html = html.replace("汇川区人民政府2019年政府信息公开工作年度报告", bulk_title(n))
        html = html.replace("009386521/2020-00018", f"009386521/2020-{n:05d}")
        return handler._send(200, html.encode("utf-8"))
    return handler._send(404, b"not found")


class PortalServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), PortalHandler)
        self.requests: list[tuple[str, str]] = []
        self.evolving_version = "v1"
        self.slow_seconds = 3.0
        self.bulk_delay = 0.0
        self.bulk_reports = BULK_REPORTS
        self.bulk_per_page = BULK_PER_PAGE
        self.hits: dict[str, int] = {}
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + "/" + path.lstrip("/")

    def handle_error(self, request, client_address):
        # The crawler hanging up early (a cancelled oversized download, a timeout) is
        # part of the tests, not a server error worth a traceback.
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)

    def record(self, method: str, path: str) -> None:
        with self._lock:
            self.requests.append((method, path))
            self.hits[path] = self.hits.get(path, 0) + 1

    def hit_count(self, path: str) -> int:
        with self._lock:
            return self.hits.get(path, 0)

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()

    def start(self) -> "PortalServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
