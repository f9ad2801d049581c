"""The one local HTTP server that plays government portals for the integration tests.

It serves, on 127.0.0.1 only:

* ``/robots.txt``   a robots file that forbids ``/private/``;
* the dynamic routes of :data:`tests.portal_sites.ROUTES` (CMS list endpoints,
  anti-bot challenges, fault injection, attachments, a large generated portal …):
  the first route whose prefix starts the path answers;
* everything else from files: ``/<site>/…`` from ``tests/sites/<site>/``, ``/demo/…``
  from the embedded demo portal (``data/demo/``), and ``/evolving/…`` from the portal
  that changes between crawls (see :func:`evolving_root`; the test sets
  ``server.evolving_version``).

Files carry ``ETag`` (content hash) and ``Last-Modified`` and answer conditional
requests with 304, like real portals' web servers; they are sent with the charset
the file declares, nothing rewritten.  Every request is logged (method, path, and
when it came) so tests can count what the crawler fetched, and the most requests it
was answering at once (``max_busy``).  A server may listen on any 127.0.0.x
(``PortalServer("127.0.0.2")``): several of them are several hosts to the crawler.

Use it as a context manager (``with PortalServer() as server: …``); the
``portal_server`` fixture (``tests/conftest.py``) is one shared by a whole session.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import sys
import threading
import time
from contextlib import contextmanager
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from tests.portal_sites import BULK_2019, BULK_PER_PAGE, BULK_REPORTS, ROUTES

REPO = Path(__file__).resolve().parent.parent
SITES = REPO / "tests" / "sites"
DEMO = REPO / "data" / "demo"
ROBOTS_TXT = b"User-agent: *\nDisallow: /private/\n"
NOT_FOUND = "<html><body><h1>404 页面不存在</h1></body></html>".encode()

# The evolving portal is the 红花岗区 site as it was (v1) and as it became (v2): each
# version folder holds only what differs from that site; what a version removed 404s.
EVOLVING = SITES / "evolving"
EVOLVING_BASE = SITES / "guizhou_hhg"


def evolving_root(version: str, relative: str) -> Path | None:
    """The folder a path of the evolving portal is served from, in this version."""
    if (EVOLVING / version / relative).exists():
        return EVOLVING / version
    manifest = json.loads((EVOLVING / "MANIFEST.json").read_text(encoding="utf-8"))
    if relative in manifest.get(version, {}).get("removed", []):
        return None
    return EVOLVING_BASE


class PortalHandler(BaseHTTPRequestHandler):
    """Answers one request: robots.txt, a route of :data:`ROUTES`, or a file.

    Route handlers are called with this handler; they read ``.path``, ``.headers``,
    ``.command``, ``.post_body`` (POST) and ``.server`` (its state), and answer with
    :meth:`send` or :meth:`serve_file`.
    """

    server: "PortalServer"
    protocol_version = "HTTP/1.1"
    post_body = b""

    def log_message(self, format, *args):  # quiet: the request log is kept in memory
        pass

    def send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8",
             headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def file_for(self, path: str) -> Path | None:
        """The file a URL path names (a folder: its index.html), or None."""
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

    def serve_file(self, path: str | None = None, headers: dict[str, str] | None = None) -> None:
        """The file of ``path`` (default: the request's), with validators; 304 to a
        matching conditional request, 404 when there is no such file."""
        target = self.file_for(path or urlsplit(self.path).path)
        if target is None:
            return self.send(404, NOT_FOUND)
        body = target.read_bytes()
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        mtime = int(target.stat().st_mtime)
        headers = {"ETag": etag, "Last-Modified": formatdate(mtime, usegmt=True), **(headers or {})}
        if self._not_modified(etag, mtime):
            return self.send(304, b"", headers=headers)
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        # Like many real portals, send HTML without a charset: the page's meta says it.
        return self.send(200, body, content_type, headers=headers)

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

    def _route(self):
        path = urlsplit(self.path).path
        for prefix, handler in ROUTES:
            if path.startswith(prefix):
                return handler
        return None

    def do_GET(self):
        self.server.record(self.command, self.path)
        with self.server.in_flight():
            if urlsplit(self.path).path == "/robots.txt":
                return self.send(200, ROBOTS_TXT, "text/plain")
            route = self._route()
            return route(self) if route is not None else self.serve_file()

    do_HEAD = do_GET

    def do_POST(self):
        self.server.record(self.command, self.path)
        with self.server.in_flight():
            self.post_body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            route = self._route()
            return route(self) if route is not None else self.send(405, b"method not allowed")


class PortalServer(ThreadingHTTPServer):
    """The server, its request log, and the state some routes read: the evolving
    portal's version, how long ``/faults/slow.html`` takes, the size and delays (report
    pages, list pages) of the ``/bulk/`` portal."""

    daemon_threads = True

    def __init__(self, host: str = "127.0.0.1"):
        # Any 127.0.0.x is this machine: servers on several of them are several hosts
        # to the crawler (its per-host slots, the shards' hash).
        super().__init__((host, 0), PortalHandler)
        self.requests: list[tuple[str, str]] = []
        self.request_times: list[tuple[float, str]] = []  # (time.monotonic(), path)
        self.evolving_version = "v1"
        self.slow_seconds = 3.0
        self.bulk_delay = 0.0
        self.bulk_list_delay = 0.0
        self.bulk_reports = BULK_REPORTS
        self.bulk_per_page = BULK_PER_PAGE
        self.bulk_template = BULK_2019  # or portal_sites.BULK_2021
        self.hits: dict[str, int] = {}
        self.busy = 0  # requests being answered now …
        self.max_busy = 0  # … and the most at once (what per-host politeness limits)
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
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)

    def record(self, method: str, path: str) -> None:
        with self._lock:
            self.requests.append((method, path))
            self.request_times.append((time.monotonic(), path))
            self.hits[path] = self.hits.get(path, 0) + 1

    @contextmanager
    def in_flight(self):
        """Counts a request as being answered while the block runs."""
        with self._lock:
            self.busy += 1
            self.max_busy = max(self.max_busy, self.busy)
        try:
            yield
        finally:
            with self._lock:
                self.busy -= 1

    def hit_count(self, path: str) -> int:
        with self._lock:
            return self.hits.get(path, 0)

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()
            self.request_times.clear()

    def paths_requested(self, since: int = 0, prefix: str = "/") -> list[str]:
        """Paths (with query) requested since the ``since``-th request, under ``prefix``."""
        with self._lock:
            return [path for _, path in self.requests[since:] if path.startswith(prefix)]

    def start(self) -> "PortalServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def __enter__(self) -> "PortalServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
