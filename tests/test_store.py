"""The SQLite store: migrations, batched writes, recrawl outcomes, full-text search."""

import asyncio
import itertools
import sqlite3
import subprocess
import sys

import pytest

from govreports.failures import FailureKind
from govreports.storage import ReportRecord, ReportStore, open_db
from govreports.storage.migrations import apply_migrations, migrations
from govreports.storage.locking import LockPatience, is_locked, write_patiently
from govreports.storage.store import REPORT_COLUMNS
from tests.harness import REPO


def record(report_id="r1", sha="a", url="http://a.gov.cn/t1.html", title="示范县2023年政府信息公开工作年度报告",
           body="本年度主动公开政府信息4712条。", indicators=None):
    report = {c: "" for c in REPORT_COLUMNS}
    report.update(portal_id="demo", report_id=report_id, identity=f"url:{url}#{report_id}", url=url, title=title,
                  body_text=body, sha256=sha, report_year=2023, era="2021", flags="[]", sections="[]",
                  metadata="{}")
    return ReportRecord(
        report=report, url=url,
        indicators=indicators if indicators is not None else [
            {"key": "headline.proactive_total", "value": 4712, "raw": "4712条", "unit": "条",
             "source": "text", "evidence": "本年度主动公开政府信息4712条"}],
    )


@pytest.fixture
def store(tmp_path):
    s = ReportStore(tmp_path / "g.db")
    portal = {"portal_id": "demo", "region_code": "demo", "region_name": "demo", "portal_name": "示范县",
              "home_url": "", "list_urls": "", "platform": "trs", "render_js": 0, "obey_robots": 0,
              "robots_note": "local"}
    s.run = s.start_run("demo", {}, [portal])
    yield s
    s.close()


def test_schema_tables(store):
    assert {"portals", "reports", "report_urls", "indicator_values", "report_numbers", "report_tables", "attachments",
            "fetch_failures", "crawl_runs"} <= set(store.db.table_names())
    assert {"indicators", "indicator_rows"} <= set(store.db.view_names())


def test_wal_mode(store):
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_migrations_run_once(tmp_path):
    path = tmp_path / "m.db"
    open_db(path).conn.close()
    db = open_db(path)
    assert apply_migrations(db) == []
    assert [m.name for m in migrations.applied(db)] == [
        "m001_initial", "m002_incremental", "m003_attachment_text", "m004_failure_kind",
        "m005_research_views", "m006_portal_bodies", "m007_report_bodies",
        "m008_relative_attachment_paths", "m009_compact_storage",
        "m010_view_snapshots", "m011_indicators_by_number", "m012_section_offsets"]


def test_first_save_is_new(store):
    assert store.save_reports([record()], store.run) == ["new"]


def test_same_content_in_a_later_run_is_unchanged(store):
    store.save_reports([record()], store.run)
    assert store.save_reports([record()], "later-run") == ["unchanged"]


def test_changed_content_is_updated(store):
    store.save_reports([record()], store.run)
    assert store.save_reports([record(sha="b", body="本年度主动公开政府信息4713条。")], "later-run") == ["updated"]
    assert store.db["reports"].get("r1")["body_text"] == "本年度主动公开政府信息4713条。"


def test_update_replaces_indicators_without_orphans(store):
    store.save_reports([record()], store.run)
    store.save_reports([record(sha="b", indicators=[])], "later-run")
    assert store.db["indicators"].count == 0


def test_first_seen_kept_across_saves(store):
    store.save_reports([record()], store.run)
    first = store.db["reports"].get("r1")["first_seen"]
    store.save_reports([record(sha="b")], "later-run")
    assert store.db["reports"].get("r1")["first_seen"] == first


def test_second_url_of_same_report_is_remembered(store):
    store.save_reports([record(url="http://a.gov.cn/x/t1.html")], store.run)
    store.save_reports([record(url="http://a.gov.cn/y/t1.html")], store.run)
    assert store.db["reports"].count == 1
    assert store.report_urls("r1") == ["http://a.gov.cn/x/t1.html", "http://a.gov.cn/y/t1.html"]


def test_chinese_full_text_search(store):
    store.save_reports([record()], store.run)
    assert [r["report_id"] for r in store.search("主动公开")] == ["r1"]


def test_full_text_search_follows_updates(store):
    store.save_reports([record()], store.run)
    store.save_reports([record(sha="b", body="依申请公开")], "later-run")
    assert store.search("主动公开") == []


def test_the_forms_own_evidence_is_stored_once_and_read_back_whole(store):
    form_cell = "第二十条第（一）项/规章 × 本年制发件数"
    rows = [{"key": "t2.rules.issued", "value": 0, "raw": "0", "unit": "件", "source": "table", "evidence": form_cell},
            {"key": "t2.rules.repealed", "value": 1, "raw": "1", "unit": "件", "source": "table",
             "evidence": "规章 × 本年废止件数"},  # printed otherwise: kept
            {"key": "t2.rules.in_force", "value": 2, "raw": "2", "unit": "件", "source": "table", "evidence": ""},
            {"key": "headline.proactive_total", "value": 4712, "raw": "4712条", "unit": "条", "source": "text",
             "evidence": "本年度主动公开政府信息4712条"}]
    store.save_reports([record(indicators=rows)], store.run)
    stored = dict(store.conn.execute("SELECT key, evidence FROM indicators"))
    assert stored["t2.rules.issued"] is None and stored["t2.rules.in_force"] == ""
    read = store.conn.execute("SELECT key, evidence FROM indicator_rows WHERE report_id = 'r1' ORDER BY position")
    assert read.fetchall() == [(row["key"], row["evidence"]) for row in rows]


def test_seeing_a_report_again_leaves_the_full_text_index_alone(store):
    store.save_reports([record()], store.run)
    index_rows = store.conn.execute("SELECT count(*) FROM reports_fts_data").fetchone()[0]
    assert store.save_reports([record()], "later-run") == ["unchanged"]
    store.mark_seen([{"url": "http://a.gov.cn/t1.html"}], "third-run")
    assert store.conn.execute("SELECT count(*) FROM reports_fts_data").fetchone()[0] == index_rows
    assert [r["report_id"] for r in store.search("主动公开")] == ["r1"]


def test_batch_is_atomic(store):
    bad = record(report_id="r2")
    bad.indicators = [{"key": "k"}]  # missing columns: the insert fails
    with pytest.raises(sqlite3.ProgrammingError):
        store.save_reports([record(), bad], store.run)
    assert store.db["reports"].count == 0


def failure(store, url="http://a/x", reason="HTTP 404", **extra):
    return {"run_id": store.run, "portal_id": "demo", "url": url, "reason": reason, "http_status": 404,
            "attempts": 1, "last_error": "", "at": "2026-01-01T00:00:00Z", **extra}


def test_failures_recorded(store):
    store.record_failures([failure(store, kind=FailureKind.HTTP_ERROR)])
    assert [(r["url"], r["reason"], r["kind"]) for r in store.db["fetch_failures"].rows] == [
        ("http://a/x", "HTTP 404", "http_error")]


def test_failure_kind_defaults_to_error(store):
    store.record_failures([failure(store)])
    assert [r["kind"] for r in store.db["fetch_failures"].rows] == ["error"]


def test_unknown_failure_kind_is_refused(store):
    with pytest.raises(ValueError, match="not_a_kind"):
        store.record_failures([failure(store, kind="not_a_kind")])
    assert store.db["fetch_failures"].count == 0


def test_known_non_reports_are_chosen_by_kind_not_wording(store):
    store.record_failures([
        failure(store, "http://a/deleted", "the page says it was removed", kind=FailureKind.DELETED_PAGE),
        failure(store, "http://a/empty", "empty page", kind=FailureKind.EMPTY_PAGE),
        failure(store, "http://a/image", "not a page", kind=FailureKind.NOT_A_DOCUMENT),
        failure(store, "http://a/notice", "a notice", kind=FailureKind.NOT_A_REPORT),
        failure(store, "http://a/worded", "not a report: but an error", kind=FailureKind.ERROR),
        failure(store, "http://a/404", "HTTP 404", kind=FailureKind.HTTP_ERROR),
        {**failure(store, "http://a/other-portal", kind=FailureKind.EMPTY_PAGE), "portal_id": "other"},
    ])
    assert store.crawl_state(["demo"]).known_non_reports == {
        "http://a/deleted", "http://a/empty", "http://a/image", "http://a/notice"}


def test_finish_run(store):
    store.finish_run(store.run, "finished", {"new": 3}, {"demo": {"reports": 3}})
    row = store.db["crawl_runs"].get(store.run)
    assert (row["status"], row["reports_new"]) == ("finished", 3)


def test_same_report_twice_in_one_run_is_seen_again(store):
    store.save_reports([record(url="http://a.gov.cn/x/t1.html")], store.run)
    assert store.save_reports([record(url="http://a.gov.cn/y/t1.html")], store.run) == ["seen_again"]


# --- a locked database ----------------------------------------------------------------------
def test_a_locked_database_is_recognised_and_other_errors_are_not(tmp_path):
    path = tmp_path / "g.db"
    ReportStore(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    store = ReportStore(path, busy_timeout=0.05)
    try:
        with pytest.raises(sqlite3.OperationalError) as locked:
            store.interrupt_stale_runs()
        with pytest.raises(sqlite3.OperationalError) as other:
            store.conn.execute("SELECT * FROM nowhere")
    finally:
        store.close()
        holder.rollback()
    assert (is_locked(locked.value), is_locked(other.value)) == (True, False)


def test_only_a_locked_database_is_tried_again(tmp_path):
    tries = []

    def broken_write():
        tries.append(1)
        sqlite3.connect(":memory:").execute("SELECT * FROM nowhere")

    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        asyncio.run(write_patiently(broken_write, LockPatience(first_wait=0.01), asyncio.sleep))
    assert tries == [1]


def test_waits_grow_up_to_the_longest():
    assert list(itertools.islice(LockPatience(first_wait=1, longest_wait=5).waits(), 5)) == [1, 2, 4, 5, 5]


def test_storage_and_exports_do_not_import_the_crawler():
    code = ("import sys, govreports.storage, govreports.storage.records, govreports.exporting; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'scrapy', 'twisted'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert result.stdout.strip() == "[]"


# --- files read by `scrapy import` ----------------------------------------------------------
IMPORT_PORTAL = {"portal_id": "import", "region_code": "", "region_name": "", "portal_name": "files",
                 "home_url": "", "list_urls": "", "platform": "", "render_js": 0, "obey_robots": 1,
                 "robots_note": ""}


def crawled_then_removed(store) -> None:
    crawled = record()
    crawled.report.update(region_code="520302", region_name="红花岗区")
    store.save_reports([crawled], store.run)
    store.mark_unseen_removed("demo", "a later crawl")


def imported(sha: str, region: str = "") -> ReportRecord:
    copy = record(sha=sha, url="file:///home/me/reports/a.html")
    copy.report.update(portal_id="import", region_code=region, region_name="")
    return copy


@pytest.mark.parametrize("sha", ["a", "b"], ids=["same content", "revised content"])
def test_an_import_never_brings_a_removed_report_back(store, sha):
    crawled_then_removed(store)
    run = store.start_run("", {"import": ["a.html"]}, [IMPORT_PORTAL])
    store.save_reports([imported(sha)], run, imported=True)
    assert store.conn.execute("SELECT removed_at IS NOT NULL FROM reports").fetchone() == (1,)


def test_an_import_revising_a_crawled_report_keeps_its_portal_and_region(store):
    crawled_then_removed(store)
    run = store.start_run("", {"import": ["a.html"]}, [IMPORT_PORTAL])
    assert store.save_reports([imported("b")], run, imported=True) == ["updated"]
    assert store.conn.execute("SELECT portal_id, region_code, region_name, sha256 FROM reports").fetchone() == (
        "demo", "520302", "红花岗区", "b")


def test_an_import_naming_a_region_sets_it(store):
    crawled_then_removed(store)
    run = store.start_run("", {"import": ["a.html"]}, [IMPORT_PORTAL])
    store.save_reports([imported("b", region="520303")], run, imported=True)
    assert store.conn.execute("SELECT region_code FROM reports").fetchone() == ("520303",)


def test_a_crawl_still_brings_a_removed_report_back(store):
    crawled_then_removed(store)
    store.save_reports([record()], store.start_run("demo", {}, []))
    assert store.conn.execute("SELECT removed_at FROM reports").fetchone() == (None,)
