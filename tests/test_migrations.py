"""Schema migrations: sqlite-utils' Migrations, atomic under SIGKILL, safe when several
processes open a new database at once, and the bridge from the old home-made runner."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
import sqlite_utils

from govreports.failures import FailureKind
from govreports.storage import open_db
from govreports.storage import migrations as schema
from govreports.storage.form_evidence import FORM_EVIDENCE
from govreports.storage.migrations import apply_migrations, legacy_failure_kind, migrations
from govreports.storage.store import REPORT_COLUMNS
from tests.harness import REPO, Database, command_env, crawl_command

DEMO_REPORTS = 7  # the demo portal's reports (data/demo/MANIFEST.json)

ALL_MIGRATIONS = ["m001_initial", "m002_incremental", "m003_attachment_text", "m004_failure_kind",
                  "m005_research_views", "m006_portal_bodies", "m007_report_bodies",
                  "m008_relative_attachment_paths", "m009_compact_storage",
                  "m010_view_snapshots", "m011_indicators_by_number", "m012_section_offsets"]
# The tables the old runner's migrations (m001-m003) made.
OLD_TABLES = {"portals", "crawl_runs", "reports", "report_urls", "indicators", "report_tables", "attachments",
              "fetch_failures", "report_versions", "list_state", "reports_fts"}
TABLES = OLD_TABLES - {"indicators"} | {"_sqlite_migrations", "indicator_keys", "regions", "reference_data",
                                         "compliance_settings", "forms", "form_tables", "form_sections", "deadlines",
                                         "body_kinds", "form_evidence", "indicator_values",
                                         "report_numbers"}
VIEWS = {"indicators", "indicator_rows", "report_bodies", "report_forms", "report_list", "headlines", "rule_breaks", "section_checks",
         "missing_cells", "table_checks", "compliance_parameters", "headline_changes",
         "compliance", "compliance_body_years", "coverage", "report_sections"}
FTS_TRIGGERS = {"reports_ai", "reports_ad", "reports_au"}


def schema_of(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return sorted(conn.execute("SELECT type, name, sql FROM sqlite_master"))


def assert_fully_migrated(path: Path) -> None:
    """What every database must look like once opened: the whole schema, sane."""
    db = open_db(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert [m.name for m in migrations.applied(db)] == ALL_MIGRATIONS
        assert migrations.pending(db) == []
        assert TABLES <= set(db.table_names())
        assert "_migrations" not in db.table_names()
        assert FTS_TRIGGERS <= {t.name for t in db["reports"].triggers}
        assert set(REPORT_COLUMNS) <= set(db["reports"].columns_dict)
        assert {"etag", "last_modified", "last_fetched", "gone_at"} <= set(db["report_urls"].columns_dict)
        assert "text" in db["attachments"].columns_dict
        assert "kind" in db["fetch_failures"].columns_dict
        assert ["kind"] in [index.columns for index in db["fetch_failures"].indexes]
        fts_columns = [row[1] for row in db.execute("PRAGMA table_info(reports_fts)")]
        assert fts_columns == ["title", "body_text", "attachment_text"]
        db.execute("INSERT INTO reports_fts(reports_fts) VALUES ('integrity-check')")
        assert VIEWS <= set(db.view_names())
        for view in VIEWS:  # every view compiles and runs
            db.execute(f'SELECT * FROM "{view}" LIMIT 1').fetchall()
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):  # as its foreign keys did
            db.execute("INSERT INTO indicators (report_id, key) VALUES ('no such report', 'no.such.key')")
        assert db.execute("SELECT count(*) FROM indicator_keys WHERE canonical = 1").fetchone()[0] > 200
        assert db.execute("SELECT count(*) FROM regions").fetchone()[0] > 3000
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        db.close()


# --- the old runner, as it was, to make databases written before Migrations ---------------
def old_runner_apply(db: sqlite_utils.Database, functions) -> None:
    """The home-made runner this project used before sqlite-utils' Migrations (verbatim,
    but for taking the migration functions as an argument)."""
    if "_migrations" not in db.table_names():
        db["_migrations"].create({"name": str, "applied_at": str}, pk="name")
    done = {row["name"] for row in db["_migrations"].rows}
    for func in functions:
        name = func.__name__
        if name in done:
            continue
        with db.conn:
            func(db)
            db["_migrations"].insert(
                {"name": name, "applied_at": datetime.now(timezone.utc).isoformat()}
            )


OLD_FAILURES = [  # reason as the crawler wrote it, and the kind the backfill must give it
    ("HTTP 404", "http_error"),
    ("HTTP 503", "http_error"),
    ("timeout", "timeout"),
    ("truncated response: the connection closed before the whole body arrived", "truncated"),
    ("response too large (over DOWNLOAD_MAXSIZE)", "too_large"),
    ("DNS lookup failed", "dns"),
    ("connection refused", "refused"),
    ("redirect loop: http://a.gov.cn/x -> http://a.gov.cn/x", "redirect_loop"),
    ("forbidden by robots.txt", "robots"),
    ("ignored: anti-bot challenge (jsl) needs a browser, which is not available here", "challenge"),
    ("ignored: anti-bot block (waf) still there after 2 waits", "challenge"),
    ("ignored: anti-bot challenge not passed even in the browser (jsl)", "challenge"),
    ("anti-bot challenge not passed even in the browser (jsl)", "challenge"),
    ("ignored: offsite request", "ignored"),
    ("list page is not text", "list_not_text"),
    ("not a report: not a page or document (image/png)", "not_a_document"),
    ("not a report: deleted page (meta refresh to http://a.gov.cn/404.html)", "deleted_page"),
    ("not a report: 关于开展政务公开工作的通知", "not_a_report"),
    ("not a report: a file listed as '2023年报'", "not_a_report"),
    ("not a report: (no title)", "not_a_report"),
    ("empty page", "empty_page"),
    ("invalid report: report_year 1999 is before 2007", "invalid_report"),
    ("discovery found no report column within 60 requests; set list_urls in the registry", "discovery"),
    ("download cancelled: user asked", "error"),
    ("not an HTML page (application/pdf)", "error"),
    ("ValueError: odd", "error"),
    ("", "error"),
]


# Report columns added by m005 and later (the previous version did not write them).
M005_REPORT_COLUMNS = {"title_original", "body_kind", "body_name", "body_printed"}


def write_old_data(db: sqlite_utils.Database) -> None:
    """Rows as the previous version wrote them (its schema: migrations m001-m003)."""
    db["portals"].insert({"portal_id": "demo", "region_code": "520303", "region_name": "汇川区",
                          "portal_name": "汇川区人民政府", "home_url": "http://a.gov.cn/"})
    report = {c: "" for c in REPORT_COLUMNS if c not in M005_REPORT_COLUMNS} | {
        "report_id": "r1", "identity": "url:http://a.gov.cn/t1.html", "url": "http://a.gov.cn/t1.html",
        "portal_id": "demo", "title": "汇川区2023年政府信息公开工作年度报告", "report_year": 2023,
        "body_text": "本年度主动公开政府信息4712条。", "sha256": "abc", "version": 1,
        "attachment_text": "附件：依申请公开情况统计表"}
    db["reports"].insert(report)
    db["report_urls"].insert({"report_id": "r1", "url": "http://a.gov.cn/t1.html", "list_url": "http://a.gov.cn/",
                              "etag": '"e1"'})
    db["indicators"].insert({"report_id": "r1", "key": "headline.proactive_total", "value": 4712.0, "raw": "4712条"})
    db["fetch_failures"].insert_all(
        {"run_id": "run1", "portal_id": "demo", "url": f"http://a.gov.cn/f{i}.html", "reason": reason,
         "http_status": None, "attempts": 1, "last_error": "", "at": "2026-01-01T00:00:00Z"}
        for i, (reason, _) in enumerate(OLD_FAILURES))


def make_old_database(path: Path, migrated: int = 3, data: bool = True) -> list[dict]:
    """A database written by the old runner with its first ``migrated`` migrations;
    returns its ``_migrations`` rows."""
    conn = sqlite3.connect(str(path), timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    db = sqlite_utils.Database(conn)
    old_runner_apply(db, [schema.m001_initial, schema.m002_incremental, schema.m003_attachment_text][:migrated])
    if data:
        write_old_data(db)
    rows = list(db["_migrations"].rows)
    conn.close()
    return rows


def check_old_data_kept(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT report_id, title, body_text, version FROM reports").fetchall() == [
            ("r1", "汇川区2023年政府信息公开工作年度报告", "本年度主动公开政府信息4712条。", 1)]
        assert conn.execute("SELECT url, etag FROM report_urls").fetchall() == [("http://a.gov.cn/t1.html", '"e1"')]
        assert conn.execute("SELECT key, value FROM indicators").fetchall() == [("headline.proactive_total", 4712.0)]
        assert conn.execute(
            "SELECT reason, kind FROM fetch_failures ORDER BY id").fetchall() == OLD_FAILURES
        for word in ("主动公开", "依申请公开"):  # body and attachment text both still indexed
            assert conn.execute("SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?", (word,)).fetchall() == [(1,)]


# --- bridge ---------------------------------------------------------------------------
@pytest.mark.parametrize("migrated", [0, 1, 2, 3])
def test_old_runner_database_upgrades_through_the_bridge(tmp_path, monkeypatch, migrated):
    path = tmp_path / "old.db"
    old_rows = make_old_database(path, migrated, data=migrated == 3)
    statements = []
    connect = sqlite3.connect

    def traced_connect(*args, **kwargs):
        conn = connect(*args, **kwargs)
        conn.set_trace_callback(statements.append)
        return conn

    monkeypatch.setattr(sqlite3, "connect", traced_connect)
    db = open_db(path)
    monkeypatch.undo()
    applied = migrations.applied(db)
    db.close()

    assert [m.name for m in applied] == ALL_MIGRATIONS
    # The old records were carried over, with their times, not applied again.
    assert [(m.name, m.applied_at) for m in applied[:migrated]] == [(r["name"], r["applied_at"]) for r in old_rows]
    if migrated == 3:
        # m001-m003 did not run again: none of their tables was created anew.
        created = {m.group(1) for s in statements
                   for m in [re.match(r'\s*CREATE (?:VIRTUAL )?TABLE\s+(?:IF NOT EXISTS\s+)?["\[]?(\w+)', s)] if m}
        assert not created & OLD_TABLES, created
        assert not [s for s in statements if "rebuild" in s]
        check_old_data_kept(path)
    assert_fully_migrated(path)


def test_bridge_is_atomic_with_the_migrations(tmp_path, monkeypatch):
    """A failure after the bridge leaves the old bookkeeping in place for the next run."""
    path = tmp_path / "old.db"
    make_old_database(path, 3)
    before = schema_of(path)

    def broken(db):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(migrations._migrations[-1], "fn", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        open_db(path)
    assert schema_of(path) == before
    monkeypatch.undo()
    assert_fully_migrated(path)  # the next run: bridge and migrations, now whole
    check_old_data_kept(path)


# --- each migration atomic ---------------------------------------------------------------
@pytest.mark.parametrize("name", ALL_MIGRATIONS)
def test_each_migration_rolls_back_completely(tmp_path, name):
    """Run inside a transaction then rolled back, a migration leaves no trace: it does not
    commit (or leave the transaction) half-way, so a process killed in it loses nothing."""
    path = tmp_path / "m.db"
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA journal_mode=WAL")
    db = sqlite_utils.Database(conn)
    migrations.apply(db, stop_before=name)
    if name in ("m004_failure_kind", "m005_research_views"):
        write_old_data(db)  # rows for the backfill and the rebuilt indicators
    before = schema_of(path)
    migration = next(m for m in migrations._migrations if m.name == name)
    db.conn.execute("BEGIN IMMEDIATE")
    migration.fn(db)
    assert db.conn.in_transaction
    db.conn.rollback()
    conn.close()
    assert schema_of(path) == before


# --- SIGKILL while migrating ---------------------------------------------------------------
# A process that has imported the project once and forks a child per database, so that
# thirty kills do not cost thirty interpreter start-ups.  Each child opens its database
# with every statement of the data layer slowed down (and counted in a progress file),
# so that the kill lands inside the migrations.
FORKER = textwrap.dedent("""
    import os, sys, time
    import sqlite_utils
    from govreports.storage import open_db

    progress, delay = None, 0.0
    for name in ("execute", "executescript"):
        original = getattr(sqlite_utils.Database, name)
        def slowed(self, *args, _original=original, **kwargs):
            time.sleep(delay)
            os.write(progress, b".")
            return _original(self, *args, **kwargs)
        setattr(sqlite_utils.Database, name, slowed)

    print("ready", flush=True)
    for line in sys.stdin:
        path, delay = line.split()
        delay = float(delay)
        pid = os.fork()
        if pid == 0:
            progress = os.open(path + ".progress", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
            open_db(path).close()
            os.write(progress, b"done")
            time.sleep(60)  # until killed: the kill always finds this process
            os._exit(0)
        print(pid, flush=True)
        print(os.waitpid(pid, 0)[1], flush=True)
""")
# Seconds each statement waits, so that migrating takes about half a second: a new
# database takes some 370 statements, upgrading an old-runner one some 210.
STATEMENT_DELAY = {"new": 0.0014, "old": 0.0025}
KILL_WINDOW = 0.6  # s


def test_sigkill_during_migrations_leaves_a_database_the_next_run_upgrades(tmp_path):
    rng = random.Random()
    interrupted = {"new": 0, "old": 0}
    forker = subprocess.Popen([sys.executable, "-c", FORKER], cwd=REPO, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert forker.stdout.readline() == "ready\n"
        for i in range(30):
            age = "old" if i % 3 == 2 else "new"  # every third: an old-runner database upgraded
            path = tmp_path / f"k{i}.db"
            if age == "old":
                make_old_database(path)
            forker.stdin.write(f"{path} {STATEMENT_DELAY[age]}\n")
            forker.stdin.flush()
            pid = int(forker.stdout.readline())
            time.sleep(rng.uniform(0, KILL_WINDOW))
            os.kill(pid, signal.SIGKILL)
            status = int(forker.stdout.readline())
            progress_file = Path(f"{path}.progress")  # none if killed right after the fork
            progress = progress_file.read_text() if progress_file.exists() else ""
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
            if "done" not in progress and progress.count(".") > 3:
                interrupted[age] += 1
            assert_fully_migrated(path)
            if age == "old":
                check_old_data_kept(path)
    finally:
        forker.stdin.close()
        forker.wait(timeout=30)
        forker.stdout.close()
    # The test is only worth something if most kills landed inside the migrations.
    assert interrupted["new"] >= 8 and interrupted["old"] >= 4, interrupted


# --- several processes open a new database at once -------------------------------------------
RACER = textwrap.dedent("""
    import json, sys, time, traceback
    from govreports.storage import open_db

    print("ready", flush=True)
    start, gap, paths = float(sys.stdin.readline()), float(sys.argv[1]), sys.argv[2:]
    for i, path in enumerate(paths):
        time.sleep(max(0.0, start + i * gap - time.time()))
        try:
            open_db(path).close()
            print(json.dumps({"path": path, "ok": True}), flush=True)
        except Exception:
            print(json.dumps({"path": path, "ok": False, "error": traceback.format_exc()}), flush=True)
""")


def test_processes_opening_a_new_database_at_once_all_succeed(tmp_path):
    paths = [str(tmp_path / f"race{i}.db") for i in range(30)]
    gap = 0.15  # s between databases; each race is over in a fraction of that
    racers = [subprocess.Popen([sys.executable, "-c", RACER, str(gap), *paths], cwd=REPO,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for _ in range(3)]
    for racer in racers:
        assert racer.stdout.readline() == "ready\n"
    start = time.time() + 0.2
    for racer in racers:
        racer.stdin.write(f"{start}\n")
        racer.stdin.close()
    results = []
    for racer in racers:
        results += [json.loads(line) for line in racer.stdout]
        assert racer.wait(timeout=60) == 0
        racer.stdout.close()
    failed = [r for r in results if not r["ok"]]
    assert not failed, failed[0]["error"]
    assert len(results) == 3 * len(paths)
    for path in paths:
        assert_fully_migrated(Path(path))


# --- failure kinds for rows written before they existed ---------------------------------------
@pytest.mark.parametrize("reason, kind", OLD_FAILURES)
def test_legacy_reasons_get_their_kind(reason, kind):
    assert legacy_failure_kind(reason) == kind


def test_legacy_kinds_are_failure_kinds():
    assert {kind for _, kind in schema.LEGACY_REASON_KINDS} | {"error"} <= {k.value for k in FailureKind}


def test_migrations_on_a_connection_in_a_transaction_are_refused(tmp_path):
    db = sqlite_utils.Database(sqlite3.connect(str(tmp_path / "t.db")))
    db.conn.execute("BEGIN")
    with pytest.raises(RuntimeError, match="no open transaction"):
        apply_migrations(db)


# --- m005: research views on a database with data ---------------------------------------------
def make_m004_database(path: Path, foreign_keys: bool = True) -> None:
    """A database as the previous version left it (m001-m004), with reports of every
    kind m005 has to carry over: a Simplified page, a Traditional one whose printed title
    is in its meta tags, a Traditional one whose printed title is nowhere."""
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
    db = sqlite_utils.Database(conn)
    migrations.apply(db, stop_before="m005_research_views")
    write_old_data(db)
    blank = {c: "" for c in REPORT_COLUMNS if c not in M005_REPORT_COLUMNS}
    db["reports"].insert_all([
        blank | {"report_id": "r2", "identity": "url:http://a.gov.cn/t2.html", "url": "http://a.gov.cn/t2.html",
                 "portal_id": "demo", "title": "示范县人民政府2021年政府信息公开工作年度报告", "report_year": 2021,
                 "body_text": "示范县人民政府2021年政府信息公开工作年度报告\n一、总体情况",
                 "body_text_original": "示範縣人民政府2021年政府資訊公開工作年度報告\n一、總體情況",
                 "metadata": json.dumps({"page_meta": {"ArticleTitle": "示範縣人民政府2021年政府資訊公開工作年度報告"}}),
                 "sha256": "def", "version": 1},
        blank | {"report_id": "r3", "identity": "url:http://a.gov.cn/t3.html", "url": "http://a.gov.cn/t3.html",
                 "portal_id": "demo", "title": "示范县财政局2022年政府信息公开工作年度报告", "report_year": 2022,
                 "body_text": "一、总体情况", "body_text_original": "一、總體情況", "metadata": "{}",
                 "sha256": "ghi", "version": 1},
    ])
    db["indicators"].insert_all([
        {"report_id": "r2", "key": "t2.fees.amount", "value": 385.62, "raw": "385.62", "unit": "万元"},
        {"report_id": "r2", "key": "unknown:t3:（八）其他/natural_person", "value": 3.0, "raw": "3", "unit": "件"},
        {"report_id": "r2", "key": "unknown:t3:（八）其他/natural_person#2", "value": 1.0, "raw": "1", "unit": "件"},
        {"report_id": "r2", "key": "t3.new.total", "value": 86.0, "raw": "86", "unit": "件"},
    ])
    if not foreign_keys:  # a row of a report that is gone, as only a writer without foreign keys leaves
        db["indicators"].insert({"report_id": "gone", "key": "t3.new.total", "value": 1.0, "raw": "1"})
    conn.close()


def test_m005_upgrade_stores_whole_numbers_as_integers_and_keeps_fractions(tmp_path):
    path = tmp_path / "old.db"
    make_m004_database(path)
    open_db(path).close()
    with sqlite3.connect(path) as conn:
        stored = dict(((r, k), (v, t)) for r, k, v, t in conn.execute(
            "SELECT report_id, key, value, typeof(value) FROM indicators"))
    assert stored[("r1", "headline.proactive_total")] == (4712, "integer")
    assert stored[("r2", "t3.new.total")] == (86, "integer")
    assert stored[("r2", "t2.fees.amount")] == (385.62, "real")


def indicators_before_and_after_upgrade(path: Path, columns: str) -> tuple[list[tuple], list[tuple]]:
    """``columns`` of the old database's indicators in rowid order, then of the upgraded one's
    (``indicator_rows``: the evidence filled in) in the order m009 keeps as ``position``, both
    ordered by report (a stable sort keeps each report's rows in their order)."""
    with sqlite3.connect(path) as conn:
        before = conn.execute(f"SELECT {columns} FROM indicators ORDER BY rowid").fetchall()
    open_db(path).close()
    with sqlite3.connect(path) as conn:
        after = conn.execute(f"SELECT {columns} FROM indicator_rows ORDER BY report_id, position").fetchall()
    return sorted(before, key=lambda row: row[0]), after


def test_m005_upgrade_keeps_every_indicator_row_in_its_order(tmp_path):
    path = tmp_path / "old.db"
    make_m004_database(path)
    before, after = indicators_before_and_after_upgrade(path, "report_id, key, raw, unit")
    assert after == before


def test_m005_upgrade_puts_every_stored_key_in_the_codebook(tmp_path):
    path = tmp_path / "old.db"
    make_m004_database(path)
    open_db(path).close()
    with sqlite3.connect(path) as conn:
        keys = {row[0]: row[1:] for row in conn.execute(
            "SELECT key, table_kind, row_label, column_label, canonical FROM indicator_keys")}
        assert conn.execute("SELECT count(*) FROM indicators WHERE key NOT IN "
                            "(SELECT key FROM indicator_keys)").fetchone()[0] == 0
    assert keys["t3.new.total"] == ("t3", "一、本年新收政府信息公开申请数量", "总计", 1)
    assert keys["unknown:t3:（八）其他/natural_person"] == ("t3", "（八）其他/natural_person", "", 0)
    assert keys["unknown:t3:（八）其他/natural_person#2"] == ("t3", "（八）其他/natural_person", "", 0)


def test_m005_upgrade_gives_indicators_a_foreign_key_to_the_codebook(tmp_path):
    path = tmp_path / "old.db"
    make_m004_database(path)
    db = open_db(path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            with db.conn:
                db.conn.execute("INSERT INTO indicators (report_id, key, value) VALUES ('r1', 'no.such.key', 1)")
    finally:
        db.close()


@pytest.mark.parametrize(("report_id", "printed"), [
    ("r1", "汇川区2023年政府信息公开工作年度报告"),  # not converted: the title is the printed one
    ("r2", "示範縣人民政府2021年政府資訊公開工作年度報告"),  # Traditional: from its meta tags
    ("r3", None),  # Traditional, but no printed form of the title anywhere: not known
])
def test_m005_upgrade_finds_the_printed_title(tmp_path, report_id, printed):
    path = tmp_path / "old.db"
    make_m004_database(path)
    open_db(path).close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT title_original FROM reports WHERE report_id = ?",
                            (report_id,)).fetchone() == (printed,)


def test_m005_refuses_indicators_of_no_report_and_changes_nothing(tmp_path):
    path = tmp_path / "old.db"
    make_m004_database(path, foreign_keys=False)
    before = schema_of(path)
    with pytest.raises(RuntimeError, match="1 indicators rows belong to no report"):
        open_db(path)
    assert schema_of(path) == before


# --- two first crawls on one new database ------------------------------------------------------
@pytest.mark.parametrize("attempt", range(3))
def test_two_first_crawls_at_once_on_a_new_database_both_finish(tmp_path, attempt):
    """Both real crawls of the demo create, migrate and fill one new database at the
    same moment; both finish, and the database holds each report once."""
    db = tmp_path / "new.db"
    logs = [tmp_path / f"crawl-{n}.log" for n in range(2)]
    crawls = []
    for log in logs:
        with log.open("w") as err:  # files, not pipes: neither crawl may block on its output
            crawls.append(subprocess.Popen(crawl_command("region=demo"), cwd=REPO, env=command_env(db),
                                           stdout=subprocess.DEVNULL, stderr=err))
    outcomes = [(proc.wait(timeout=240), log.read_text()) for proc, log in zip(crawls, logs)]
    assert [code for code, _ in outcomes] == [0, 0], [err[-2000:] for _, err in outcomes]
    assert not any("Traceback" in err for _, err in outcomes)
    database = Database(db)
    statuses = sorted(status for (status,) in database.rows("SELECT status FROM crawl_runs"))
    reports = database.rows("SELECT count(*), count(DISTINCT url) FROM reports")
    assert (statuses, reports) == (["finished", "finished"], [(DEMO_REPORTS, DEMO_REPORTS)])
    assert database.rows("PRAGMA integrity_check") == [("ok",)]


def make_m006_database(path: Path) -> None:
    """A database as the version before m009 left it: the m004 data upgraded by m005 and
    m006, then a report written as that version wrote one (its body's original the same
    text, JSON with spaces, indicators in the order the report printed them)."""
    make_m004_database(path)
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA foreign_keys=ON")
    db = sqlite_utils.Database(conn)
    migrations.apply(db, stop_before="m009_compact_storage")
    body = "红花岗区人民政府2023年政府信息公开工作年度报告\n一、总体情况\n全年主动公开政府信息191条。"
    blank = {c: "" for c in REPORT_COLUMNS}
    db["reports"].insert(blank | {
        "report_id": "r4", "identity": "url:http://a.gov.cn/t4.html", "url": "http://a.gov.cn/t4.html",
        "portal_id": "demo", "title": "红花岗区人民政府2023年政府信息公开工作年度报告", "report_year": 2023,
        "era": "2021", "body_text": body, "body_text_original": body, "last_seen": "2024-02-01T00:00:00Z",
        "sections": json.dumps([{"number": "一", "heading": "总体情况", "text": "全年主动公开政府信息191条。"}],
                               ensure_ascii=False),
        "flags": "[]", "metadata": json.dumps({"block": {"publisher": "红花岗区人民政府"}}, ensure_ascii=False),
        "sha256": "jkl", "version": 1})
    db["indicator_keys"].insert_all(  # as the reference sync of that version left them
        [{"key": key, "canonical": int(not key.startswith("unknown:"))}
         for key in ("t3.new.total", "headline.proactive_total", "unknown:t2:其他", "t2.rules.issued")], ignore=True)
    db["indicators"].insert_all([  # not in key order
        {"report_id": "r4", "key": "t3.new.total", "value": 12, "raw": "12", "unit": "件", "source": "table",
         "evidence": "一、本年新收政府信息公开申请数量 × 总计"},
        {"report_id": "r4", "key": "headline.proactive_total", "value": 191, "raw": "191条", "unit": "条",
         "source": "text", "evidence": "全年主动公开政府信息191条"},
        {"report_id": "r4", "key": "unknown:t2:其他", "value": 3, "raw": "3", "unit": "件", "source": "table"},
        {"report_id": "r4", "key": "t2.rules.issued", "value": 0, "raw": "0", "unit": "件", "source": "table",
         "evidence": "第二十条第（一）项/规章 × 本年制发件数"},
    ])
    db["report_tables"].insert({"report_id": "r4", "table_index": 0, "kind": "t2", "caption": "",
                                "n_rows": 2, "n_cols": 2, "cells": '[["信息内容", "本年制发件数"], ["规章", "0"]]',
                                "source": "html"})
    conn.commit()
    conn.close()


def test_m009_keeps_every_indicator_in_the_order_it_was_stored(tmp_path):
    path = tmp_path / "old.db"
    make_m006_database(path)
    before, after = indicators_before_and_after_upgrade(path, "report_id, key, value, raw, unit, source, evidence")
    # (a cell of the forms written with no evidence at all, NULL, has the empty one)
    assert after == [row[:6] + (row[6] if row[6] is not None or row[1] not in FORM_EVIDENCE else "",)
                     for row in before]
    with sqlite3.connect(path) as conn:
        # the national form's evidence is left to form_evidence; any other is kept
        assert dict(conn.execute("SELECT key, evidence FROM indicators WHERE report_id = 'r4'")) == {
            "t3.new.total": None, "headline.proactive_total": "全年主动公开政府信息191条",
            "unknown:t2:其他": None, "t2.rules.issued": None}
        assert [key for (key,) in conn.execute("SELECT key FROM indicators WHERE report_id = 'r4' "
                                               "ORDER BY position")] == [
            "t3.new.total", "headline.proactive_total", "unknown:t2:其他", "t2.rules.issued"]
        (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'indicator_values'").fetchone()
        assert sql.rstrip().endswith("WITHOUT ROWID")
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE tbl_name = 'indicator_values' "
                            "AND name LIKE 'sqlite_autoindex%'").fetchone()[0] == 0


def test_views_read_key_ranges_through_the_key_index(tmp_path):
    path = tmp_path / "old.db"
    make_m006_database(path)
    open_db(path).close()
    with sqlite3.connect(path) as conn:
        for low, high in (("headline.", "headline/"), ("t3.result.other.no_correction.",
                                                       "t3.result.other.no_correction/")):
            plan = " ".join(row[-1] for row in conn.execute(
                f"EXPLAIN QUERY PLAN SELECT report_id FROM indicators WHERE key >= '{low}' AND key < '{high}'"))
            assert "idx_indicator_values_key" in plan, plan
        headlines = conn.execute("SELECT proactive_total FROM headlines WHERE report_id = 'r4'").fetchall()
        assert headlines == [(191,)]


def test_m009_stores_the_original_body_only_when_it_differs(tmp_path):
    path = tmp_path / "old.db"
    make_m006_database(path)
    open_db(path).close()
    with sqlite3.connect(path) as conn:
        originals = dict(conn.execute("SELECT report_id, body_text_original FROM reports"))
    assert originals["r4"] is None
    assert originals["r2"] == "示範縣人民政府2021年政府資訊公開工作年度報告\n一、總體情況"
    assert originals["r3"] == "一、總體情況"


def test_m009_minifies_json_keeping_its_values(tmp_path):
    path = tmp_path / "old.db"
    make_m006_database(path)
    with sqlite3.connect(path) as conn:
        before = conn.execute("SELECT r.sections, r.metadata, t.cells FROM reports r "
                              "JOIN report_tables t USING (report_id) WHERE report_id = 'r4'").fetchone()
        # not as far as m012, which stores sections as offsets into the body
        migrations.apply(sqlite_utils.Database(conn), stop_before="m012_section_offsets")
    with sqlite3.connect(path) as conn:
        after = conn.execute("SELECT r.sections, r.metadata, t.cells FROM reports r "
                             "JOIN report_tables t USING (report_id) WHERE report_id = 'r4'").fetchone()
    assert [json.loads(a) for a in after] == [json.loads(b) for b in before]
    assert all(len(a) < len(b) for a, b in zip(after, before))


def test_m009_full_text_index_follows_text_changes_only(tmp_path):
    path = tmp_path / "old.db"
    make_m006_database(path)
    db = open_db(path)
    try:
        def index_rows() -> int:
            return db.execute("SELECT count(*) FROM reports_fts_data").fetchone()[0]

        def found(text: str) -> list[str]:
            return [row[0] for row in db.execute(
                "SELECT r.report_id FROM reports_fts JOIN reports r ON r.rowid = reports_fts.rowid "
                "WHERE reports_fts MATCH ?", (f'"{text}"',))]

        assert found("主动公开政府信息191条") == ["r4"]
        written = index_rows()
        with db.conn:  # what every recrawl does to a report it sees again
            db.execute("UPDATE reports SET last_seen = '2025-02-01T00:00:00Z', run_id = 'run2' WHERE report_id = 'r4'")
        assert index_rows() == written
        with db.conn:
            db.execute("UPDATE reports SET body_text = '全年主动公开政府信息208条。' WHERE report_id = 'r4'")
        assert index_rows() > written
        assert found("主动公开政府信息191条") == [] and found("主动公开政府信息208条") == ["r4"]
        db.execute("INSERT INTO reports_fts(reports_fts) VALUES ('integrity-check')")
    finally:
        db.close()
