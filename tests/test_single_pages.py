"""``scrapy shell`` and ``scrapy parse`` on report URLs: the real commands, run in
subprocesses with a timeout against the local test server.  They answer (the shell
used to hang for ever while Playwright started), print what the spider makes of a
page, never start the browser, and never write a crawl run into the database."""

from __future__ import annotations

import sqlite3
import subprocess

import pytest
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from tests.harness import scrapy_cmd

REPORT = "guizhou_hc/zwgk/xxgknb/202003/t20200325_212.html"
REPORT_TITLE = "汇川区人民政府2019年政府信息公开工作年度报告"
INDEX_NO = "009386521/2020-00018"
LIST = "guizhou_hhg/zwgk/xxgkndbg/index.html"
TIMEOUT = 120  # far more than they need; the hang this guards against was for ever


def crawl_runs(db) -> list[tuple]:
    """The crawl_runs rows of ``db`` (none when the file or the table does not exist)."""
    if not db.exists():
        return []
    with sqlite3.connect(db) as conn:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'crawl_runs'").fetchone():
            return []
        return conn.execute("SELECT run_id, status FROM crawl_runs").fetchall()


def run(*args, db) -> subprocess.CompletedProcess:
    try:
        return scrapy_cmd(*args, db=db, timeout=TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"scrapy {' '.join(args)} did not return within {TIMEOUT} s: {exc}")


def test_shell_fetches_a_report_page_and_returns(portal_server, tmp_path):
    db = tmp_path / "shell.db"
    result = run("shell", "-c", "(response.status, response.css('title::text').get())", portal_server.url(REPORT),
                 db=db)
    assert (result.returncode, f"(200, '{REPORT_TITLE}_" in result.stdout) == (0, True), result.stderr[-2000:]
    assert crawl_runs(db) == []


def test_shell_with_the_portal_spider_records_no_crawl(portal_server, tmp_path):
    db = tmp_path / "shell.db"
    result = run("shell", "--spider", "portal", "-c", "response.status", portal_server.url(REPORT), db=db)
    assert (result.returncode, result.stdout.strip().splitlines()[-1:]) == (0, ["200"]), result.stderr[-2000:]
    assert crawl_runs(db) == []


@pytest.mark.parametrize("pipelines", [False, True], ids=["items", "through-pipelines"])
def test_parse_prints_the_report_item_and_records_no_crawl(portal_server, tmp_path, pipelines):
    db = tmp_path / "parse.db"
    result = run("parse", "--spider", "portal", "-c", "parse_report", *(["--pipelines"] if pipelines else []),
                 portal_server.url(REPORT), db=db)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (f"'title': '{REPORT_TITLE}'" in result.stdout, f"'index_no': '{INDEX_NO}'" in result.stdout) == (
        True, True), result.stdout[-2000:]
    assert crawl_runs(db) == []
    assert "govreports: crawl" not in result.stdout  # no end-of-crawl summary: there was no crawl
    assert "Starting download handler" not in result.stderr  # Playwright is not started for plain pages


def test_parse_reads_a_list_page(portal_server, tmp_path):
    db = tmp_path / "parse.db"
    result = run("parse", "--spider", "portal", "-c", "parse_list", portal_server.url(LIST), db=db)
    assert (result.returncode, "t20240126_83575412.html" in result.stdout) == (0, True), result.stderr[-2000:]
    assert crawl_runs(db) == []


def test_the_lazy_handler_relies_on_scrapy_playwright_internals_that_still_exist():
    """govreports.download_handlers overrides these; when this fails, scrapy-playwright
    changed and the handler must follow."""
    assert callable(ScrapyPlaywrightDownloadHandler._maybe_launch_in_thread)
    assert callable(ScrapyPlaywrightDownloadHandler._launch)
