"""A local HTTP server that plays government portals for the integration tests.

It serves, on 127.0.0.1 only:

* ``/<site>/…``   the static sites under ``tests/sites/<site>/``
* ``/demo/…``     the embedded demo portal (``data/demo/``), over real HTTP
* ``/robots.txt`` a robots file that forbids ``/private/``

and logs every request (method, path) so tests can count what the crawler fetched.
Pages are sent with the charset the file declares; nothing is rewritten.
"""

from __future__ import annotations

import mimetypes
import threading
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
        root = DEMO if parts[0] == "demo" else SITES / parts[0]
        target = root.joinpath(*parts[1:])
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

    def do_GET(self):
        path = urlsplit(self.path).path
        self.server.record(self.command, self.path)
        if path == "/robots.txt":
            return self._send(200, ROBOTS_TXT, "text/plain")
        target = self._file_for(path)
        if target is None:
            return self._send(404, "<html><body><h1>404 页面不存在</h1></body></html>".encode())
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        # Like many real portals, send HTML without a charset: the page's meta says it.
        return self._send(200, target.read_bytes(), content_type)

    do_HEAD = do_GET

    def do_POST(self):
        self.server.record(self.command, self.path)
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        return self._send(405, b"method not allowed")


class PortalServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), PortalHandler)
        self.requests: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + "/" + path.lstrip("/")

    def record(self, method: str, path: str) -> None:
        with self._lock:
            self.requests.append((method, path))

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()

    def start(self) -> "PortalServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
