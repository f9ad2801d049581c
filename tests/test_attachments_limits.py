"""Attachments under limits: bombs and pathological files end with a status
(``too_large``, ``timeout``) in bounded time and memory, and the crawl goes on.

The hostile files are built here (:mod:`tests.hostile_files`), each in under a second.
"""

from __future__ import annotations

import asyncio
import importlib
import resource
import sqlite3
import tempfile
import threading
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

import pytest
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError, IgnoreRequest
from scrapy.utils.gz import gunzip

from govreports.attachments import extract, legacy, sniff_type
from govreports.attachments import worker as worker_module
from govreports.attachments.limits import Limits
from govreports.attachments.worker import ExtractionWorkers, extract_file
from govreports.failures import FailureKind, size_limit_exceeded
from tests import hostile_files as h
from tests.harness import crawl, write_registry
from tests.portal_server import PortalServer
from tests.portal_sites import HOSTILE_ATTACHMENTS

FIX = Path(__file__).resolve().parent / "fixtures" / "attachments"
MiB = h.MiB
# The package re-exports the function extract(), hiding the module of that name.
extract_module = importlib.import_module("govreports.attachments.extract")


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


@contextmanager
def allocation_peak():
    """The peak of Python allocations inside the block, in MiB (``peak[0]``)."""
    peak = [0.0]
    tracemalloc.start()
    try:
        yield peak
    finally:
        peak[0] = tracemalloc.get_traced_memory()[1] / MiB
        tracemalloc.stop()


def test_settings_defaults_are_the_limits_defaults():
    from scrapy.settings import Settings

    from govreports import settings

    project = Settings()
    project.setmodule(settings)
    assert Limits.from_settings(project) == Limits()
    assert Limits.from_settings(Settings({"GOVREPORTS_ATTACHMENT_TIMEOUT": "7"})).timeout == 7


# ---------------------------------------------------------------------------- in the worker

def test_pdf_stream_inflating_to_500_mib_is_too_large_and_the_caller_stays_small(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(h.pdf_inflating(500 * MiB))
    before, started = max_rss_mib(), time.monotonic()
    res = extract_file(path, filename="年报.pdf", kind="pdf")
    assert (res.kind, res.status) == ("pdf", "too_large"), res.error
    assert time.monotonic() - started < 60
    assert max_rss_mib() - before < 100


def test_line_grid_pdf_times_out(tmp_path):
    path = tmp_path / "grid.pdf"
    path.write_bytes(h.line_grid_pdf(200))
    started = time.monotonic()
    res = extract_file(path, filename="grid.pdf", limits=Limits(timeout=3), kind="pdf")
    assert (res.kind, res.status) == ("pdf", "timeout")
    assert time.monotonic() - started < 3 + 5


def test_docx_bomb_in_the_worker_is_too_large(tmp_path):
    path = tmp_path / "report.docx"
    path.write_bytes(h.docx_bomb(1024 * MiB))
    before = max_rss_mib()
    res = extract_file(path, filename="年报.docx", kind="docx")
    assert (res.kind, res.status) == ("docx", "too_large")
    assert max_rss_mib() - before < 100


def test_worker_gives_what_extract_gives(tmp_path):
    data = (FIX / "split-table.pdf").read_bytes()
    path = tmp_path / "a.pdf"
    path.write_bytes(data)
    here, there = extract(data, filename="a.pdf"), extract_file(path, filename="a.pdf")
    assert there == here and there.status == "parsed"


def test_zip_members_survive_the_trip_back(tmp_path):
    path = tmp_path / "a.zip"
    path.write_bytes(h.small_zip({"附件1.pdf": (FIX / "split-table.pdf").read_bytes(), "说明.txt": b"x"}))
    res = extract_file(path, filename="a.zip")
    assert [(m.name, m.kind, m.status) for m in res.members] == [("附件1.pdf", "pdf", "parsed"),
                                                                 ("说明.txt", "unknown", "unsupported")]


def test_worker_that_cannot_run_is_a_failure_not_an_exception(tmp_path):
    res = extract_file(tmp_path / "missing.pdf", kind="pdf")
    assert (res.kind, res.status) == ("pdf", "failed") and res.error


# ---------------------------------------------------------------------------- archives, in-process

def test_docx_bomb_refused_before_inflating():
    bomb = h.docx_bomb(1024 * MiB)
    with allocation_peak() as peak:
        res = extract(bomb, filename="年报.docx")
    assert (res.kind, res.status) == ("docx", "too_large")
    assert peak[0] < 50


def test_docx_lying_about_its_size_is_measured_not_believed():
    # Declares 1000 bytes, inflates to 256 MiB: zipfile's read() would inflate it all
    # before cutting it at the declared size.
    bomb = h.docx_bomb(256 * MiB, declared=1000)
    with allocation_peak() as peak:
        res = extract(bomb, filename="年报.docx")
    assert (res.kind, res.status) == ("docx", "too_large") and peak[0] < 50


def test_zip_bomb_is_too_large():
    bomb = h.zip_bomb(1024 * MiB)
    with allocation_peak() as peak:
        res = extract(bomb, filename="附件.zip")
    assert (res.kind, res.status) == ("zip", "too_large")
    assert peak[0] < 50


def test_zip_member_over_the_member_cap_is_skipped_as_too_large(monkeypatch):
    monkeypatch.setattr(extract_module, "ZIP_MAX_MEMBER_BYTES", MiB)
    data = h.small_zip({"大.pdf": b"%PDF-1.4\n" + b"0" * (2 * MiB), "附件1.pdf": (FIX / "split-table.pdf").read_bytes()})
    res = extract(data)
    assert res.status == "parsed" and [m.status for m in res.members] == ["too_large", "parsed"]


def test_nested_zips_share_one_budget(monkeypatch):
    monkeypatch.setattr(extract_module, "ZIP_MAX_TOTAL_BYTES", MiB)
    inner = h.small_zip({"数据.bin": b"\0" * (400 * 1024)})
    res = extract(h.small_zip({"a.zip": inner, "b.zip": inner, "c.zip": inner}))
    assert [m.status for m in res.members] == ["unsupported", "unsupported", "too_large"]


def test_page_cap_is_passed_to_the_worker(tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes((FIX / "split-table.pdf").read_bytes())
    res = extract_file(path, limits=Limits(max_pages=1))
    assert res.pages == 2 and any("first 1 of 2 pages" in w for w in res.warnings)


# ---------------------------------------------------------------------------- sniffing

def test_sniffing_reads_little_of_a_content_types_bomb():
    bomb = h.content_types_bomb(512 * MiB)
    started = time.monotonic()
    with allocation_peak() as peak:
        kind = sniff_type(bomb, "年报.docx")
    assert kind == "docx" and peak[0] < 10 and time.monotonic() - started < 5


# ---------------------------------------------------------------------------- converters

needs_soffice = pytest.mark.skipif(not legacy.soffice_binary(), reason="LibreOffice not installed")


@needs_soffice
def test_conversion_ends_at_the_files_deadline(monkeypatch):
    monkeypatch.setattr(legacy, "_deadline", time.monotonic() - 1)
    res = extract((FIX / "statistics.doc").read_bytes(), filename="a.doc")
    assert (res.kind, res.status) == ("doc", "timeout")


def test_concurrent_conversions_get_their_own_profiles(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with legacy._profile_dir() as first, legacy._profile_dir() as second:
        assert first != second
    with legacy._profile_dir() as again:
        assert again == first  # reused, not a fresh profile per conversion


# ---------------------------------------------------------------------------- the asynchronous front

def test_at_most_n_workers_and_the_event_loop_keeps_running(monkeypatch):
    running, most = [0], [0]
    lock = threading.Lock()

    def fake_extract_file(path, **kw):  # stands in for the child process: only the scheduling is tested
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.2)
        with lock:
            running[0] -= 1
        return extract(b"", filename=str(path))

    monkeypatch.setattr(worker_module, "extract_file", fake_extract_file)

    async def scenario(workers: int) -> int:
        front = ExtractionWorkers(Limits(), workers=workers)
        ticks = 0
        done = asyncio.gather(*(front.extract(f"{n}.pdf") for n in range(4)))
        while not done.done():
            ticks += 1
            await asyncio.sleep(0.01)
        await done
        return ticks

    assert asyncio.run(scenario(1)) > 20 and most[0] == 1
    most[0] = 0
    asyncio.run(scenario(2))
    assert most[0] == 2


# ---------------------------------------------------------------------------- download status

def test_size_limit_is_told_by_exception_type_not_text():
    try:
        gunzip(h.gzip_bomb(8 * MiB), max_size=MiB)  # what Scrapy's HttpCompressionMiddleware calls
    except Exception as exc:  # noqa: BLE001 - the very type is what is checked
        cause = exc
    else:
        pytest.fail("Scrapy's gunzip no longer refuses a body over max_size")
    try:
        raise IgnoreRequest("Ignored response") from cause
    except IgnoreRequest as exc:
        bomb = exc
    assert size_limit_exceeded(bomb)
    assert size_limit_exceeded(DownloadCancelledError())  # a body without a length over the cap: no message
    assert not size_limit_exceeded(IgnoreRequest("response size over max"))
    assert not size_limit_exceeded(DownloadTimeoutError("Getting x took longer than 60 seconds."))


# ---------------------------------------------------------------------------- a real crawl

@pytest.fixture(scope="module")
def limits_crawl(tmp_path_factory):
    server = PortalServer().start()
    tmp = tmp_path_factory.mktemp("limits")
    registry = write_registry(tmp / "portals.csv", [{
        "region_code": "320800", "region_name": "淮安市", "portal_name": "淮安市人民政府",
        "home_url": server.url("limits/index.html"), "list_urls": server.url("limits/zwgk/xxgknb/index.html"),
        "platform": "trs", "render_js": "0", "portal_id": "limits",
    }])
    db = tmp / "l.db"
    started = time.monotonic()
    result = crawl("region=淮安市", db=db, settings={
        "PORTALS_FILE": str(registry), "GOVREPORTS_ATTACHMENT_MAXSIZE": str(2 * MiB),
        "GOVREPORTS_ATTACHMENT_TIMEOUT": "10"})
    yield server, db, result, time.monotonic() - started
    server.stop()


def rows(db: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def test_crawl_finishes(limits_crawl):
    _, _, result, seconds = limits_crawl
    assert result.returncode == 0, result.stderr[-2000:]
    assert seconds < 150


@pytest.mark.parametrize("name", sorted(HOSTILE_ATTACHMENTS))
def test_each_file_gets_its_status(limits_crawl, name):
    server, db, _, _ = limits_crawl
    found = rows(db, "SELECT status, error FROM attachments WHERE url = ?", server.url(f"limits/files/{name}"))
    assert found and found[0][0] == HOSTILE_ATTACHMENTS[name], found


def test_statuses_are_failure_kinds(limits_crawl):
    _, db, _, _ = limits_crawl
    limited = {s for (s,) in rows(db, "SELECT DISTINCT status FROM attachments WHERE status NOT IN ('parsed')")}
    assert limited == {FailureKind.TOO_LARGE, FailureKind.TIMEOUT}


def test_crawl_goes_on_past_the_limits(limits_crawl):
    server, db, _, _ = limits_crawl
    stored = {url for (url,) in rows(db, "SELECT url FROM report_urls")}
    assert {server.url("limits/zwgk/xxgknb/202403/t20240302_8002.html"),
            server.url("limits/zwgk/xxgknb/202403/t20240301_8001.html")} <= stored
    # The report with the hostile files still got the numbers of its good file.
    sources = rows(db, "SELECT DISTINCT i.source FROM indicators i JOIN report_urls u USING (report_id) WHERE u.url = ?",
                   server.url("limits/zwgk/xxgknb/202403/t20240302_8002.html"))
    assert ("attachment:P020240302000000000007.xls",) in sources
