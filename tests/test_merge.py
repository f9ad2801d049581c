"""``scrapy merge``: shard databases merged into one (govreports.storage.merging).

Databases are written with the store itself (as crawls write them); a report's
version dates are then set so that which one is newer is known."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest
import sqlite_utils

from govreports.attachment_pipeline import files_dir_of
from govreports.storage import ReportStore, open_db
from govreports.storage.merging import MergeError, merge_databases
from govreports.storage.migrations import migrations
from govreports.storage.snapshots import refresh_snapshots, stale_snapshots
from tests.harness import scrapy_cmd
from tests.test_store import record

PORTAL = {"region_code": "520302", "region_name": "红花岗区", "portal_name": "红花岗区人民政府", "home_url": "",
          "list_urls": "", "platform": "auto", "render_js": 0, "obey_robots": 1, "robots_note": ""}


def write_db(path: Path, reports: list[tuple[str, str, int]], *, portal: str = "p1", changed: str = "",
             attachments: dict[str, list[str]] | None = None, discovered: str = "") -> Path:
    """A database with one finished run storing ``reports`` (report_id, sha256, proactive
    total), a failure, and the attachment rows ``attachments`` (report_id -> file names)."""
    store = ReportStore(path)
    run = store.start_run("红花岗区", {}, [{**PORTAL, "portal_id": portal}])
    records = []
    for report_id, sha, total in reports:
        rec = record(report_id, sha, url=f"http://{portal}.gov.cn/{report_id}.html",
                     body=f"本年度主动公开政府信息{total}条。",
                     indicators=[{"key": "headline.proactive_total", "value": total, "raw": f"{total}条",
                                  "unit": "条", "source": "text", "evidence": ""}])
        rec.report["portal_id"] = portal
        rec.attachments = [{"url": f"http://{portal}.gov.cn/{name}", "path": name, "status": "parsed", "sha256": name}
                           for name in (attachments or {}).get(report_id, [])]
        records.append(rec)
    store.save_reports(records, run)
    store.record_failures([{"run_id": run, "portal_id": portal, "url": f"http://{portal}.gov.cn/gone.html",
                            "reason": "HTTP 404", "kind": "http_error", "http_status": 404, "attempts": 1,
                            "last_error": "", "at": "2024-05-01T00:00:00Z"}])
    store.finish_run(run, "finished", {"new": len(records)}, {})
    with store.conn:
        if changed:
            store.conn.execute("UPDATE reports SET first_seen = ?, last_seen = ?, last_changed = ?",
                               (changed, changed, changed))
        if discovered:
            store.conn.execute("UPDATE portals SET discovered_list_urls = ?", (discovered,))
    store.close()
    return path


def dump(db: Path) -> dict[str, list]:
    """Every row of the merged tables (ids of failures left out: the target numbers them)."""
    with sqlite3.connect(db) as conn:
        tables = ["portals", "crawl_runs", "reports", "report_urls", "indicators", "report_tables",
                  "attachments", "report_versions", "list_state", "indicator_keys"]
        out = {t: sorted(map(repr, conn.execute(f"SELECT * FROM {t}"))) for t in tables}
        out["fetch_failures"] = sorted(map(repr, conn.execute(
            "SELECT run_id, portal_id, url, reason, kind, at FROM fetch_failures")))
        return out


@pytest.fixture
def shards(tmp_path):
    a = write_db(tmp_path / "a" / "shard-0.db", [("r1", "a1", 10), ("r2", "a2", 20)], portal="p1",
                 discovered="http://p1.gov.cn/nb/")
    b = write_db(tmp_path / "b" / "shard-1.db", [("r3", "b3", 30)], portal="p2")
    return a, b


def test_merge_stores_every_report_and_merging_again_adds_nothing(shards, tmp_path):
    target = tmp_path / "merged" / "govreports.db"
    first = merge_databases(target, list(shards))
    once = dump(target)
    second = merge_databases(target, list(shards))
    assert dump(target) == once
    assert [dict(c.reports) for c in first] == [{"new": 2}, {"new": 1}]
    assert [c.reports["unchanged"] for c in second] == [2, 1] and not any(c.reports["new"] for c in second)
    assert len(once["reports"]) == 3 and len(once["fetch_failures"]) == 2 and len(once["crawl_runs"]) == 2
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM reports_fts WHERE reports_fts MATCH '主动公开政府信息30条'"
                            ).fetchone() == (1,)
        assert conn.execute("SELECT discovered_list_urls FROM portals WHERE portal_id = 'p1'").fetchone() == (
            "http://p1.gov.cn/nb/",)


def versions(db: Path) -> tuple:
    with sqlite3.connect(db) as conn:
        return (conn.execute("SELECT sha256, version FROM reports WHERE report_id = 'r1'").fetchall(),
                conn.execute("SELECT value FROM indicators WHERE report_id = 'r1'").fetchall(),
                conn.execute("SELECT version, sha256, first_seen, superseded_at, indicators FROM report_versions "
                             "WHERE report_id = 'r1' ORDER BY version").fetchall())


def indicator_rows(db: Path) -> set[tuple]:
    with sqlite3.connect(db) as conn:
        return set(conn.execute("SELECT report_id, key, value, typeof(value), raw, unit, source, evidence, position "
                                "FROM indicators"))


def test_indicators_keep_their_report_and_key_whatever_the_rowids(tmp_path):
    """indicator_values holds each side's own rowids of reports and keys: the merge goes
    through the view, so every cell lands on the target's report and key."""
    def cells(label: str, total: int) -> list[dict]:
        return [{"key": "headline.proactive_total", "value": total, "raw": f"{total}条", "unit": "条",
                 "source": "text", "evidence": ""},
                {"key": f"unknown:t3:{label}", "value": total + 1, "raw": f"{total + 1}", "unit": "件",
                 "source": "table", "evidence": label},
                {"key": "t2.fees.amount", "value": total / 4, "raw": "—", "unit": "", "source": None,
                 "evidence": None}]

    def shard(path: Path, reports: list[tuple[str, str, int]]) -> Path:
        store = ReportStore(path)
        run = store.start_run("x", {}, [{**PORTAL, "portal_id": "p1"}])
        recs = [record(r, r, url=f"http://p1.gov.cn/{r}.html", indicators=cells(label, total))
                for r, label, total in reports]
        for rec in recs:
            rec.report["portal_id"] = "p1"
        store.save_reports(recs, run)
        store.close()
        return path

    # the same reports and labels, stored in other orders: other rowids on each side
    a = shard(tmp_path / "a.db", [("r1", "甲", 10), ("r2", "乙", 20)])
    b = shard(tmp_path / "b.db", [("r3", "丙", 30), ("r2", "乙", 20), ("r4", "甲", 41)])
    target = tmp_path / "t.db"
    merge_databases(target, [b, a])
    assert indicator_rows(target) == indicator_rows(a) | indicator_rows(b)
    assert len(indicator_rows(target)) == 4 * 3


@pytest.mark.parametrize("order", ["older first", "newer first"])
def test_newer_version_wins_and_the_older_is_kept_as_history(tmp_path, order):
    older = write_db(tmp_path / "old.db", [("r1", "old", 100)], changed="2024-01-10T00:00:00Z")
    newer = write_db(tmp_path / "new.db", [("r1", "new", 222)], changed="2024-06-10T00:00:00Z")
    target = tmp_path / "t.db"
    merge_databases(target, [older, newer] if order == "older first" else [newer, older])
    (current, indicators, history) = versions(target)
    assert current == [("new", 2)] and indicators == [(222,)]
    assert [(v, sha, seen, superseded) for v, sha, seen, superseded, _ in history] == [
        (1, "old", "2024-01-10T00:00:00Z", "2024-06-10T00:00:00Z")]
    assert '"value": 100' in history[0][4]
    merge_databases(target, [older, newer])
    assert versions(target) == (current, indicators, history)


def test_histories_of_both_sides_are_kept_numbered_by_date(tmp_path):
    a = write_db(tmp_path / "a.db", [("r1", "v1", 1)], changed="2023-01-01T00:00:00Z")
    store = ReportStore(a)
    run = store.start_run("x", {}, [{**PORTAL, "portal_id": "p1"}])
    rec = record("r1", "v3", url="http://p1.gov.cn/r1.html")
    rec.report["portal_id"] = "p1"
    store.save_reports([rec], run)  # v1 goes to a's history; v3 is current (stored now)
    store.close()
    b = write_db(tmp_path / "b.db", [("r1", "v2", 2)], changed="2024-01-01T00:00:00Z")
    target = tmp_path / "t.db"
    merge_databases(target, [b, a])
    current, _, history = versions(target)
    assert current == [("v3", 3)] and [(v, sha) for v, sha, *_ in history] == [(1, "v1"), (2, "v2")]


def test_sources_are_opened_read_only(shards, tmp_path):
    before = {p: (hashlib.sha256(p.read_bytes()).hexdigest(), stat.S_IMODE(p.stat().st_mode), p.stat().st_mtime_ns)
              for p in shards}
    for p in shards:
        p.chmod(0o444)  # a writing open would fail
    try:
        merge_databases(tmp_path / "t.db", list(shards))
        after = {p: (hashlib.sha256(p.read_bytes()).hexdigest(), 0o644, p.stat().st_mtime_ns) for p in shards}
        assert {p: stat.S_IMODE(p.stat().st_mode) for p in shards} == {p: 0o444 for p in shards}
    finally:
        for p in shards:
            p.chmod(0o644)
    assert after == {p: (sha, 0o644, mtime) for p, (sha, _, mtime) in before.items()}


def test_attachment_files_are_copied_and_paths_stay_valid_after_a_move(tmp_path):
    source = write_db(tmp_path / "shard" / "shard-0.db", [("r1", "a", 1)], attachments={"r1": ["ab12.pdf", "cd34.xls"]})
    (tmp_path / "shard" / "files").mkdir()
    (tmp_path / "shard" / "files" / "ab12.pdf").write_bytes(b"%PDF-1.4 report")  # cd34.xls is missing
    target = tmp_path / "merged" / "govreports.db"
    (counts,) = merge_databases(target, [source])
    assert (counts.files_copied, counts.files_missing) == (1, ["cd34.xls"])
    moved = tmp_path / "elsewhere"
    (tmp_path / "merged").rename(moved)
    with sqlite3.connect(moved / "govreports.db") as conn:
        (path,) = conn.execute("SELECT path FROM attachments WHERE status = 'parsed' AND path LIKE '%.pdf'").fetchone()
    files = files_dir_of({"GOVREPORTS_DB": str(moved / "govreports.db"), "GOVREPORTS_FILES_DIR": ""})
    assert (files / path).read_bytes() == b"%PDF-1.4 report"


def test_absolute_attachment_paths_become_relative_and_older_sources_merge(tmp_path):
    """m008: a database written before keeps absolute paths; opening it cuts them to the
    file's name.  An older source is merged through a migrated copy and left as it was."""
    old = tmp_path / "old.db"
    write_db(old, [("r1", "a", 1)], attachments={"r1": ["ef56.pdf"]})
    with sqlite3.connect(old) as conn:
        conn.execute("UPDATE attachments SET path = '/srv/crawl/data/files/ef56.pdf'")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm008_relative_attachment_paths'")
    target = tmp_path / "t.db"
    (counts,) = merge_databases(target, [old])
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT path FROM attachments").fetchall() == [("ef56.pdf",)]
    assert counts.migrated_copy
    with sqlite3.connect(old) as conn:
        assert conn.execute("SELECT path FROM attachments").fetchall() == [("/srv/crawl/data/files/ef56.pdf",)]
    db = open_db(old)
    assert db.execute("SELECT path FROM attachments").fetchall() == [("ef56.pdf",)]
    assert not migrations.pending(db)
    db.conn.close()


def test_a_source_from_a_newer_version_or_missing_is_refused(shards, tmp_path):
    with sqlite3.connect(shards[0]) as conn:
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                     "VALUES ('govreports', 'm999_future', '2030')")
    with pytest.raises(MergeError, match="newer govreports"):
        merge_databases(tmp_path / "t.db", [shards[1], shards[0]])
    with pytest.raises(MergeError, match="not found"):
        merge_databases(tmp_path / "t.db", [tmp_path / "nope.db"])
    with pytest.raises(MergeError, match="target itself"):
        merge_databases(shards[1], [shards[1]])
    # Refused before anything was written: the first source was not merged either.
    assert not (tmp_path / "t.db").exists() or dump(tmp_path / "t.db")["reports"] == []


def test_merge_command_prints_what_it_merged(shards, tmp_path):
    target = tmp_path / "m.db"
    result = scrapy_cmd("merge", str(target), *map(str, shards))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{shards[0]}: 2 reports (2 new") and lines[1].startswith(f"{shards[1]}: 1 reports")
    assert "indicators 2," in lines[0] and "indicators 1," in lines[1]  # one cell per report
    assert f"into {target}" in lines[-1]
    bad = scrapy_cmd("merge", str(target), str(tmp_path / "missing.db"))
    assert bad.returncode == 2 and bad.stderr.strip().splitlines() == [
        f"scrapy merge: source database not found: {tmp_path / 'missing.db'}"]
    assert os.path.exists(target)


def test_one_report_in_two_databases_keeps_both_urls_dates_and_discovered_columns(tmp_path):
    a = write_db(tmp_path / "a.db", [("r1", "same", 5)], changed="2024-01-01T00:00:00Z",
                 discovered="http://p1.gov.cn/nb/")
    b = write_db(tmp_path / "b.db", [("r1", "same", 5)], changed="2024-03-01T00:00:00Z",
                 discovered="http://p1.gov.cn/bm/ http://p1.gov.cn/nb/")
    with sqlite3.connect(b) as conn:
        conn.execute("UPDATE report_urls SET url = 'http://p1.gov.cn/r1-copy.html'")
    target = tmp_path / "t.db"
    (_, second) = merge_databases(target, [a, b])
    assert dict(+second.reports) == {"unchanged": 1}
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT first_seen, last_seen, version FROM reports").fetchall() == [
            ("2024-01-01T00:00:00Z", "2024-03-01T00:00:00Z", 1)]
        assert sorted(conn.execute("SELECT url FROM report_urls")) == [
            ("http://p1.gov.cn/r1-copy.html",), ("http://p1.gov.cn/r1.html",)]
        assert conn.execute("SELECT discovered_list_urls FROM portals").fetchall() == [
            ("http://p1.gov.cn/nb/ http://p1.gov.cn/bm/",)]
        assert conn.execute("SELECT count(*) FROM report_versions").fetchone() == (0,)


def test_a_source_s_view_snapshots_are_not_merged(shards, tmp_path):
    # A shard browsed before the merge has snapshots of its own rows only: the target's
    # snapshots are made from the merged rows, by the target, when it is browsed.
    with sqlite_utils.Database(shards[0]) as db:
        refresh_snapshots(db)
        assert db["snapshot_report_list"].count == 2
    target = tmp_path / "merged.db"
    merge_databases(target, list(shards))
    with sqlite_utils.Database(target) as db:
        assert db["snapshot_report_list"].count == 0 and db["snapshots"].count == 0
        assert stale_snapshots(db) and refresh_snapshots(db)
        assert db["snapshot_report_list"].count == 3
