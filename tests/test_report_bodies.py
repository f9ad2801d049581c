"""Reports stored with their body (migration m007): the store fills in body_kind,
body_name and body_printed from the title, the portal's registry body and the publisher;
old databases get them when upgraded; report_bodies and the scorecard read them;
``scrapy export … --level`` tells the bodies apart; a crawl of a county column with
department and town sub-columns stores each report as its own body's."""

from __future__ import annotations

import csv
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
import sqlite_utils

from govreports.bodies import BODY_SUFFIXES
from govreports.exporting import ExportError, export
from govreports.identity import canonical_url
from govreports.storage import ReportStore, open_db
from govreports.storage import reference
from govreports.storage.migrations import migrations
from tests import research_world as world
from tests.harness import REPO, SITES, crawl_portals, expected_urls, scrapy_cmd, site_row

# A county portal (its government's column) and two registry rows of its own bodies' columns.
PORTALS = [
    dict(world.PORTALS[0]),  # hhg: 红花岗区人民政府, no body
    {**world.PORTALS[0], "portal_id": "hhg-czj", "portal_name": "红花岗区财政局", "body": "红花岗区财政局",
     "level": "department", "home_url": "http://hhg.gov.cn/czj/"},
    {**world.PORTALS[0], "portal_id": "hhg-zhl", "portal_name": "中华路街道", "body": "中华路街道办事处",
     "level": "department", "home_url": "http://hhg.gov.cn/zhl/"},
]
UNNAMED = "2023年政府信息公开工作年度报告"
# report id -> (portal, title, publisher), and the body each is stored as
REPORTS = {
    "gov": ("hhg", "红花岗区人民政府2023年政府信息公开工作年度报告", "红花岗区人民政府办公室"),
    "gov-office": ("hhg", UNNAMED, "红花岗区人民政府办公室"),
    "dept-in-gov-column": ("hhg", "红花岗区教育局2023年政府信息公开工作年度报告", ""),
    "czj": ("hhg-czj", UNNAMED, "红花岗区人民政府办公室"),
    "zhl": ("hhg-zhl", UNNAMED, ""),
    "town-named": ("hhg-zhl", "延安路街道2023年政府信息公开工作年度报告", ""),
    "nobody": ("hhg", UNNAMED, "本站原创"),
}
STORED = {
    "gov": ("government", "红花岗区", "红花岗区人民政府"),
    "gov-office": ("government", "红花岗区", "红花岗区人民政府办公室"),
    "dept-in-gov-column": ("department", "红花岗区教育局", "红花岗区教育局"),
    "czj": ("department", "红花岗区财政局", "红花岗区财政局"),
    "zhl": ("township", "中华路街道", "中华路街道办事处"),
    "town-named": ("township", "延安路街道", "延安路街道"),
    "nobody": ("unknown", "", ""),
}


def record(report_id: str, year: int = 2023):
    portal_id, title, publisher = REPORTS[report_id]
    rec = world.report_record(report_id, dict(world.REPORTS["gov2022"], title=title, year=year,
                                              publisher=publisher))
    rec.report.update(portal_id=portal_id, identity=f"url:http://hhg.gov.cn/{report_id}", url=f"http://hhg.gov.cn/{report_id}")
    rec.url = rec.report["url"]
    for table in rec.tables:  # one cell each, for the tables export
        table["cells"] = '[["规章", "1"]]'
    return rec


def build(path: Path, records: list | None = None, portals: list[dict] = PORTALS, **settings: str) -> Path:
    """A database of ``records`` (default: one of each of ``REPORTS``) found on ``portals``,
    judged as of 2024-06-30 unless ``settings`` (compliance_settings) say otherwise."""
    store = ReportStore(path)
    run = store.start_run("红花岗区", {}, portals)
    store.save_reports(records if records is not None else [record(report_id) for report_id in REPORTS], run)
    store.finish_run(run, "finished", {}, {})
    with store.conn:
        store.conn.executemany("UPDATE compliance_settings SET value = ? WHERE name = ?",
                               [(v, n) for n, v in {"as_of_date": "2024-06-30", **settings}.items()])
    store.close()
    return path


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    return build(tmp_path_factory.mktemp("bodies") / "bodies.db")


def rows(path: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, params).fetchall()


# --- the store --------------------------------------------------------------------------------
@pytest.mark.parametrize("report_id", sorted(STORED))
def test_a_stored_report_keeps_its_body(db_path, report_id):
    assert rows(db_path, "SELECT body_kind, body_name, body_printed FROM reports WHERE report_id = ?",
                report_id) == [STORED[report_id]]


@pytest.mark.parametrize(("portal_id", "kind", "name"), [
    ("hhg", "government", "红花岗区"), ("hhg-czj", "department", "红花岗区财政局"), ("hhg-zhl", "township", "中华路街道"),
])
def test_a_portal_keeps_its_body(db_path, portal_id, kind, name):
    assert rows(db_path, "SELECT body_kind, body_name FROM portals WHERE portal_id = ?", portal_id) == [(kind, name)]


def test_report_bodies_reads_the_stored_body(db_path):
    assert dict((r[0], (r[1], r[2])) for r in rows(db_path, "SELECT report_id, body_kind, body_name FROM report_bodies")) \
        == {report_id: (kind, name) for report_id, (kind, name, _) in STORED.items()}


def test_a_record_that_brings_its_body_keeps_it(tmp_path):
    rec = record("gov")
    rec.report.update(body_kind="zone", body_name="红花岗经济开发区", body_printed="红花岗经济开发区")
    path = build(tmp_path / "own.db", [rec])
    assert rows(path, "SELECT body_kind, body_name FROM reports") == [("zone", "红花岗经济开发区")]


def test_an_imported_revision_keeps_the_body_its_crawl_gave(tmp_path):
    store = ReportStore(tmp_path / "i.db")
    run = store.start_run("红花岗区", {}, PORTALS)
    store.save_reports([record("zhl")], run)
    imported = record("zhl")
    imported.report.update(portal_id="import", sha256="revised", body_kind="")
    store.save_reports([imported], store.start_run("import", {}, []), imported=True)
    store.close()
    assert rows(tmp_path / "i.db", "SELECT portal_id, body_kind, body_name, sha256 FROM reports") == [
        ("hhg-zhl", "township", "中华路街道", "revised")]


# --- the scorecard: a body's years are its own ------------------------------------------------------
def body_years(path: Path, portal_id: str) -> list[tuple]:
    return rows(path, """SELECT body, body_kind, report_year, status FROM compliance_body_years
                         WHERE portal_id = ? ORDER BY body, report_year""", portal_id)


def test_a_government_year_is_found_only_by_a_government_report(tmp_path):
    path = build(tmp_path / "w.db", [record("dept-in-gov-column")], PORTALS[:1])
    assert body_years(path, "hhg") == [
        ("红花岗区", "government", 2023, "missing"), ("红花岗区教育局", "department", 2023, "found")]


def test_a_department_column_without_reports_misses_its_own_year_not_the_government_s(tmp_path):
    path = build(tmp_path / "w.db", [record("gov")], coverage_start_year="2023")
    assert body_years(path, "hhg-czj") == [("红花岗区财政局", "department", 2023, "missing")]
    assert body_years(path, "hhg-zhl") == [("中华路街道", "township", 2023, "missing")]
    assert body_years(path, "hhg") == [("红花岗区", "government", 2023, "found")]


def test_a_registry_body_with_its_report_has_no_empty_year(db_path):
    assert body_years(db_path, "hhg-czj") == [("红花岗区财政局", "department", 2023, "found")]


def test_coverage_judges_a_department_column_by_a_department_s_deadline(tmp_path):
    path = build(tmp_path / "c.db", [record("gov")], as_of_date="2024-02-15", coverage_start_year="2023")
    assert rows(path, "SELECT portal_id, status, deadline FROM coverage ORDER BY portal_id") == [
        ("hhg", "found", "2024-03-31"), ("hhg-czj", "missing", "2024-01-31"), ("hhg-zhl", "not_yet_due", "2024-03-31")]


def test_a_zone_has_a_deadline(tmp_path):
    rec = record("gov")
    rec.report["title"] = "红花岗经济开发区管委会2023年政府信息公开工作年度报告"
    path = build(tmp_path / "z.db", [rec], PORTALS[:1])
    assert rows(path, "SELECT body_kind, body_name, deadline FROM compliance") == [
        ("zone", "红花岗经济开发区", "2024-03-31")]


# --- the vocabulary table follows the code ---------------------------------------------------------
def test_body_kinds_holds_the_vocabulary(db_path):
    assert sorted(rows(db_path, "SELECT suffix, body_kind, name_ending FROM body_kinds")) == sorted(BODY_SUFFIXES)


def test_body_kinds_reloaded_when_the_vocabulary_changes(tmp_path, monkeypatch):
    import govreports.bodies as bodies

    path = build(tmp_path / "v.db")
    monkeypatch.setattr(bodies, "BODY_SUFFIXES", BODY_SUFFIXES + (("嘎查村", "other", "嘎查村"),))
    database = open_db(path)
    database.close()
    assert rows(path, "SELECT body_kind FROM body_kinds WHERE suffix = '嘎查村'") == [("other",)]
    assert "body_kinds" not in reference.stale_tables(open_db(path), {"body_kinds": reference.fingerprint(
        reference.REFERENCE_TABLES["body_kinds"][0]())})


# --- migration m007: old rows get their bodies --------------------------------------------------------
def test_m007_backfills_old_reports_and_portals(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(str(path))
    migrations.apply(db, stop_before="m007_report_bodies")
    assert "body_kind" not in db["reports"].columns_dict
    for portal in PORTALS:
        db["portals"].insert({k: v for k, v in portal.items() if k in db["portals"].columns_dict})
    columns = db["reports"].columns_dict
    for report_id in REPORTS:
        db["reports"].insert({k: v for k, v in record(report_id).report.items() if k in columns and v != ""}
                             | {"metadata": "{}", "flags": "[]", "sections": "[]"})
    db.close()
    open_db(path).close()
    stored = {r[0]: tuple(r[1:]) for r in rows(path, "SELECT report_id, body_kind, body_name, body_printed FROM reports")}
    assert stored == STORED
    assert rows(path, "SELECT portal_id, body_kind, body_name FROM portals ORDER BY portal_id") == [
        ("hhg", "government", "红花岗区"), ("hhg-czj", "department", "红花岗区财政局"), ("hhg-zhl", "township", "中华路街道")]


# --- exports by level -----------------------------------------------------------------------------
def read_dicts(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize(("level", "expected"), [
    ("government", {"gov", "gov-office"}),
    ("department", {"dept-in-gov-column", "czj"}),
    ("town", {"zhl", "town-named"}),
    ("township,department", {"dept-in-gov-column", "czj", "zhl", "town-named"}),
    ("unknown", {"nobody"}),
    ("all", set(REPORTS)),
    (None, set(REPORTS)),
])
def test_reports_export_by_level(db_path, tmp_path, level, expected):
    out = tmp_path / "r.csv"
    export(str(db_path), "reports", str(out), level=level)
    got = read_dicts(out)
    assert {r["report_id"] for r in got} == expected
    assert all(r["body_kind"] == STORED[r["report_id"]][0] and r["body_name"] == STORED[r["report_id"]][1]
               for r in got)


@pytest.mark.parametrize("kind", ["headlines", "indicators", "tables", "wide", "compliance"])
def test_other_exports_by_level(db_path, tmp_path, kind):
    out = tmp_path / "x.csv"
    export(str(db_path), kind, str(out), level="department", table="t2" if kind == "wide" else None)
    got = read_dicts(out)
    ids = {r["report_id"] for r in got} if kind != "compliance" else {r["report_ids"] for r in got}
    assert ids == {"dept-in-gov-column", "czj"}


def test_the_compliance_export_lists_a_body_s_missing_years_by_level(tmp_path):
    path = build(tmp_path / "w.db", [record("gov")])
    out = tmp_path / "c.csv"
    export(str(path), "compliance", str(out), level="department,township")
    assert [(r["body"], r["body_kind"], r["status"]) for r in read_dicts(out)] == [
        ("红花岗区财政局", "department", "missing"), ("中华路街道", "township", "missing")]


def test_an_unknown_level_is_refused_before_anything_is_written(db_path, tmp_path):
    out = tmp_path / "r.csv"
    out.write_text("kept", encoding="utf-8")
    with pytest.raises(ExportError, match="unknown level 'county'"):
        export(str(db_path), "reports", str(out), level="county")
    assert out.read_text(encoding="utf-8") == "kept"


def test_level_does_not_apply_to_failures(db_path, tmp_path):
    with pytest.raises(ExportError, match="--level does not apply to the failures export"):
        export(str(db_path), "failures", str(tmp_path / "f.csv"), level="department")


# --- a real crawl: a county column with department and town sub-columns -----------------------------
def expected_kind(path: str) -> str:
    """The site's own layout says whose each report is: 部门年报 (bmnb/) are departments',
    乡镇（街道）年报 (xzjd/) towns', the column's own the county government's."""
    return "department" if "/bmnb/" in path else "township" if "/xzjd/" in path else "government"


@pytest.fixture(scope="module")
def crawled(portal_server, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("depts_towns")
    run = crawl_portals(tmp_path, [site_row(portal_server, "depts_towns")],
                        region=SITES["depts_towns"]["region_code"], name="depts_towns")
    assert run.returncode == 0, run.result.stderr[-2000:]
    return portal_server, run


def test_crawled_sub_column_reports_stored_as_their_own_bodies(crawled):
    server, run = crawled
    site = SITES["depts_towns"]
    expected = {canonical_url(server.url(f"depts_towns/{r['path']}")): (expected_kind(r["path"]), r["title"])
                for r in site["reports"]}
    stored = {url: (kind, title) for url, kind, title in run.db.rows(
        "SELECT u.url, r.body_kind, r.title FROM reports r JOIN report_urls u USING (report_id)")}
    assert stored == expected
    # each body its own name, the title's words before the year; the region is the portal's
    for title, name, region in run.db.rows("SELECT title, body_name, region_code FROM reports"):
        assert (title.startswith(name), region) == (True, site["region_code"]), title


def test_crawled_reports_exported_by_level(crawled, tmp_path):
    server, run = crawled
    site = SITES["depts_towns"]
    for level, kinds in (("department", {"department"}), ("government", {"government"}), ("town", {"township"})):
        out = tmp_path / f"{level}.csv"
        result = scrapy_cmd("export", "reports", "--level", level, "-o", str(out), db=run.db.path)
        assert result.returncode == 0, result.stderr
        got = {r["title"] for r in read_dicts(out)}
        assert got == {r["title"] for r in site["reports"] if expected_kind(r["path"]) in kinds}, level


def test_a_registry_row_s_body_names_the_reports_whose_pages_name_none(tmp_path):
    # A town's own column (a registry row with its body) whose pages name no body: the
    # 湖镇镇 sub-column of depts_towns with the name taken out of every page.
    source = REPO / "tests" / "sites" / "depts_towns" / "zwgk" / "xxgknb" / "xzjd" / "hzz"
    site = tmp_path / "gaoling"
    for page in source.rglob("*.html"):
        target = site / page.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.read_text(encoding="utf-8").replace("湖镇镇", ""), encoding="utf-8")
    row = {"portal_id": "gaoling", "region_code": "330825", "region_name": "龙游县", "portal_name": "高岭镇",
           "home_url": "local:gaoling/index.html", "list_urls": "local:gaoling/index.html", "platform": "trs",
           "render_js": "0", "level": "department", "body": "高岭镇"}
    run = crawl_portals(tmp_path, [row], region="330825", name="gaoling")
    assert sorted(run.db.rows("SELECT title, publisher, body_kind, body_name, body_printed FROM reports")) == [
        ("2022年政府信息公开工作年度报告", "", "township", "高岭镇", "高岭镇"),
        ("2023年政府信息公开工作年度报告", "", "township", "高岭镇", "高岭镇")], run.result.stderr[-3000:]


def test_a_column_two_registry_rows_share_is_read_once(portal_server, tmp_path):
    # The registry has such rows (a parent's column holding the government's and its
    # office's reports): the column is read once, for the first row, each report stored
    # once with the body its page names; the crawl neither waits on the second nor fails.
    government = site_row(portal_server, "depts_towns")
    office = {**government, "portal_id": "depts_towns:office", "portal_name": "龙游县人民政府办公室",
              "level": "department", "body": "龙游县人民政府办公室"}
    run = crawl_portals(tmp_path, [government, office], region=SITES["depts_towns"]["region_code"])
    assert run.returncode == 0, run.explain()
    assert run.db.stored_urls() == expected_urls(portal_server, "depts_towns")
    assert run.db.rows("SELECT portal_id, count(*) FROM reports GROUP BY portal_id") == [("depts_towns", 12)]
    assert run.db.rows("SELECT count(*) FROM fetch_failures") == [(0,)]
    kinds = dict(run.db.rows("SELECT body_kind, count(*) FROM reports GROUP BY body_kind"))
    assert kinds == Counter(expected_kind(r["path"]) for r in SITES["depts_towns"]["reports"])
