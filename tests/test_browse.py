"""The research UI in a real browser: the demo crawled into a database, ``scrapy browse``
serving it (Datasette, a subprocess), and headless Chromium (Debian's, as the crawler
uses it) loading the dashboard, every canned query and the main tables.  Each page must
render rows (or charts) with no JavaScript error and no request beyond this machine; a
screenshot of each is saved in the test's temporary directory."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from urllib.parse import urlencode, urlsplit

import pytest

from govreports.browse import DATABASE_NAME, missing_packages
from govreports.settings import PLAYWRIGHT_LAUNCH_OPTIONS
from tests.browse_world import DASHBOARDS, QUERIES, query_examples
from tests.harness import REPO, command_env, crawl, scrapy_command

CHROMIUM = PLAYWRIGHT_LAUNCH_OPTIONS["executable_path"]
START_TIMEOUT = 60  # seconds for Datasette to answer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``scrapy browse`` on the crawled demo; its base URL."""
    assert not missing_packages(), ("Datasette is not installed: bash scripts/install.sh --test installs "
                                    "requirements-browse.txt")
    assert os.path.exists(CHROMIUM), f"no Chromium at {CHROMIUM}: bash scripts/install.sh --test installs it"
    db = tmp_path_factory.mktemp("browse") / "demo.db"
    result = crawl("region=demo", db=db).result
    assert result.returncode == 0, result.stderr[-3000:]
    port = free_port()
    log = (db.parent / "browse.log").open("w")
    # Its own process group: stopping it stops Datasette too.
    process = subprocess.Popen(scrapy_command("browse", "--port", str(port)), cwd=REPO, env=command_env(db),
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while True:
            try:
                with urllib.request.urlopen(base + "/-/versions.json", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise AssertionError(f"scrapy browse did not start: {(db.parent / 'browse.log').read_text()}")
            time.sleep(0.3)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(**PLAYWRIGHT_LAUNCH_OPTIONS)
        yield launched
        launched.close()


class Visit:
    """A page with what went wrong on it recorded: console errors, uncaught exceptions,
    failed or non-local requests, Datasette JSON answers with an error."""

    def __init__(self, browser, base: str):
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.base = base
        self.problems: list[str] = []
        self.data_rows: dict[str, int] = {}  # chart data URL -> rows
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url} {r.failure}"))
        self.page.route("**/*", self._only_local)
        self.page.on("response", self._check_data)

    def _only_local(self, route):
        if urlsplit(route.request.url).hostname in ("127.0.0.1", None):
            return route.continue_()
        self.problems.append(f"request beyond this machine: {route.request.url}")
        return route.abort()

    def _check_data(self, response):
        if f"/{DATABASE_NAME}.json?sql=" in response.url:
            body = response.json()
            if body.get("error") or not body.get("ok", True):
                self.problems.append(f"query error: {body.get('error')} ({response.url[:200]})")
            self.data_rows[response.url] = len(body.get("rows") or [])

    def open(self, path: str):
        response = self.page.goto(self.base + path, wait_until="networkidle")
        assert response.status == 200, f"{path}: HTTP {response.status}"
        return self.page

    def finish(self, screenshot):
        self.page.screenshot(path=str(screenshot), full_page=True)
        self.page.close()
        assert not self.problems, self.problems


def chart_kinds(slug: str) -> dict[str, str]:
    return {name: spec["library"] for name, spec in DASHBOARDS[slug]["charts"].items()}


@pytest.mark.parametrize("slug", list(DASHBOARDS))
@pytest.mark.parametrize("region", ["", "demo"])
def test_dashboard_draws_every_chart(server, browser, tmp_path, slug, region):
    visit = Visit(browser, server)
    page = visit.open(f"/-/dashboards/{slug}" + (f"?{urlencode({'region': region})}" if region else ""))
    kinds = chart_kinds(slug)
    drawn = [n for n, kind in kinds.items() if kind in ("vega-lite", "vega")]
    for name in drawn:  # Vega draws into a canvas (or an svg) once its data came
        page.wait_for_selector(f"#chart-{name} canvas, #chart-{name} svg", timeout=15_000)
    for name in (n for n, kind in kinds.items() if kind == "metric"):
        text = page.inner_text(f"#chart-{name}").strip()
        assert text and text[0].isdigit(), (name, text)
    charted = [n for n, kind in kinds.items() if kind != "markdown"]
    assert len(visit.data_rows) == len(charted) and all(visit.data_rows.values()), visit.data_rows
    visit.finish(tmp_path / f"dashboard-{slug}{'-' + region if region else ''}.png")


@pytest.mark.parametrize(("name", "params"), query_examples(),
                         ids=lambda v: v if isinstance(v, str) else ",".join(f"{k}={x}" for k, x in v.items()))
def test_canned_query_shows_rows(server, browser, tmp_path, name, params):
    visit = Visit(browser, server)
    page = visit.open(f"/{DATABASE_NAME}/{name}?{urlencode(params)}")
    assert page.locator("table.rows-and-columns tbody tr").count() > 0, page.inner_text("body")[:2000]
    assert QUERIES[name]["title"] in page.inner_text("h1")
    visit.finish(tmp_path / f"query-{name}.png")


@pytest.mark.parametrize(("table", "facet"), [("snapshot_report_list", "province"),
                                              ("snapshot_headlines", "report_year"),
                                              ("snapshot_compliance", "passed"), ("coverage", "status")])
def test_table_shows_rows_and_facets(server, browser, tmp_path, table, facet):
    visit = Visit(browser, server)
    page = visit.open(f"/{DATABASE_NAME}/{table}")
    assert page.locator("table.rows-and-columns tbody tr").count() > 0
    assert page.locator(f'.facet-info[data-column="{facet}"]').count() == 1
    visit.finish(tmp_path / f"table-{table}.png")


def test_long_texts_are_cut_and_internal_tables_hidden(server, browser, tmp_path):
    visit = Visit(browser, server)
    page = visit.open(f"/{DATABASE_NAME}/reports?_size=10")
    bodies = page.locator("td.col-body_text").all_inner_texts()
    assert bodies and all(len(text) <= 130 for text in bodies)
    page = visit.open(f"/{DATABASE_NAME}")
    listed = page.inner_text("body")
    assert "reports_fts" not in listed and "_sqlite_migrations" not in listed and "reference_data" not in listed
    assert "report_list" in listed and all(q["title"] in listed for q in QUERIES.values())
    visit.finish(tmp_path / "database.png")
