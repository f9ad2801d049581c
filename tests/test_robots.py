"""robots.txt is obeyed by every first request to a host, however many wait for it."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.harness import crawl, write_registry

ROBOTS = b"User-agent: *\nDisallow: /private/\n"
LISTS = 5


class SlowRobotsSite(BaseHTTPRequestHandler):
    """A site whose robots.txt takes a second, so the first requests pile up behind it."""

    protocol_version = "HTTP/1.1"
    paths: list[str]

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.server.paths.append(self.path)
        if self.path == "/robots.txt":
            time.sleep(1.0)
            body, kind = ROBOTS, "text/plain"
        else:
            body, kind = "<html><body><ul><li>无</li></ul></body></html>".encode(), "text/html; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def slow_robots_site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowRobotsSite)
    server.paths = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _crawl_private_lists(site, tmp_path, settings=None):
    base = f"http://127.0.0.1:{site.server_address[1]}"
    registry = write_registry(tmp_path / "portals.csv", [{
        "region_code": "520302", "region_name": "红花岗区", "portal_name": "robots test",
        "list_urls": " ".join(f"{base}/private/col{n}/" for n in range(LISTS)), "platform": "generic",
        "render_js": "0", "portal_id": "robots-test",
    }])
    db = tmp_path / "robots.db"
    result = crawl("region=红花岗区", db=db, settings={"PORTALS_FILE": str(registry), **(settings or {})})
    return result, db


def test_every_waiting_first_request_obeys_robots_txt(slow_robots_site, tmp_path):
    result, db = _crawl_private_lists(slow_robots_site, tmp_path)
    # Every list forbidden, nothing stored: the crawl says so, and why.
    assert (result.returncode, f"robots: {LISTS}" in result.stderr) == (1, True), result.stderr[-2000:]
    assert [p for p in slow_robots_site.paths if p.startswith("/private/")] == []
    assert slow_robots_site.paths.count("/robots.txt") == 1
    with sqlite3.connect(db) as conn:
        reasons = [r for (r,) in conn.execute("SELECT reason FROM fetch_failures ORDER BY url")]
    assert reasons == ["forbidden by robots.txt"] * LISTS


def test_upstream_middleware_still_lets_waiters_through(slow_robots_site, tmp_path):
    """Scrapy's own middleware hands "allowed" to the third and later waiters.  When
    this test fails, Scrapy has fixed it, and govreports.robots can be dropped."""
    middlewares = {
        "govreports.robots.RobotsTxtMiddleware": None,
        "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": 100,
    }
    result, _ = _crawl_private_lists(slow_robots_site, tmp_path,
                                     {"DOWNLOADER_MIDDLEWARES": json.dumps(middlewares)})
    assert result.returncode == 0, result.stderr[-2000:]
    assert [p for p in slow_robots_site.paths if p.startswith("/private/")] != []
