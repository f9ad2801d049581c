"""Export writing: formats (CSV, JSON Lines, .xlsx), formula neutralisation, quoting,
encodings, atomic replacement of the output file, a closed pipe; on databases built
with the store."""

import csv
import json
import subprocess

import pytest
from openpyxl import load_workbook

from govreports.exporting import ExportError, export, neutralise, output_format, write_rows
from govreports.failures import FailureKind
from govreports.storage import ReportRecord, ReportStore
from govreports.storage.store import REPORT_COLUMNS
from tests.harness import REPO, command_env, scrapy_cmd, scrapy_command

COLUMNS = ["a", "b"]


@pytest.mark.parametrize("cell", [
    "=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx",
    # what spreadsheets skip in front of a formula: NUL and other controls, spaces
    # (full-width too), zero-width and byte-order marks
    "\x00=1+1", "\x00\x00@SUM(A1)", "\x01-2+3", " =1+1", "\u3000=1+1", "\u00a0+1", "\u200b=1",
    "\ufeff@x", "\r\n=cmd|' /C calc'!A0", "\x1b[31m",
])
def test_formula_cells_are_neutralised(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["红花岗区", "4712", "", "2024-01-25", "  红花岗区", "a=1", "红花岗区-2023", "'=1"])
def test_plain_cells_are_kept(cell):
    assert neutralise(cell) == cell


def test_numbers_are_not_neutralised():
    assert neutralise(-2) == -2
    assert neutralise(-2.5) == -2.5


def test_csv_round_trip_with_newlines_and_quotes(tmp_path):
    path = tmp_path / "out.csv"
    rows = [{"a": "第一行\n第二行", "b": 'say "hi", ok'}]
    assert write_rows(rows, COLUMNS, str(path)) == 1
    with path.open(encoding="utf-8", newline="") as f:
        back = list(csv.DictReader(f))
    assert back == rows


def test_csv_has_no_bom_by_default(tmp_path):
    path = tmp_path / "out.csv"
    write_rows([{"a": "红", "b": "1"}], COLUMNS, str(path))
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_excel_csv_has_bom(tmp_path):
    path = tmp_path / "out.csv"
    write_rows([{"a": "红", "b": "1"}], COLUMNS, str(path), excel=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_jsonl_by_extension_keeps_values_as_is(tmp_path):
    path = tmp_path / "out.jsonl"
    write_rows([{"a": "-2", "b": 4712}], COLUMNS, str(path))
    assert [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] == [
        {"a": "-2", "b": 4712}
    ]


def test_csv_neutralises_but_keeps_text(tmp_path):
    path = tmp_path / "out.csv"
    write_rows([{"a": "=1+1", "b": "x"}], COLUMNS, str(path))
    with path.open(encoding="utf-8", newline="") as f:
        assert next(csv.DictReader(f))["a"] == "'=1+1"


def test_failures_export_says_the_kind_of_each_failure(tmp_path):
    db = tmp_path / "g.db"
    store = ReportStore(db)
    run = store.start_run("demo", {}, [{"portal_id": "demo", "region_code": "demo", "region_name": "demo",
                                        "portal_name": "示范县", "home_url": "", "list_urls": "", "platform": "trs",
                                        "render_js": 0, "obey_robots": 1, "robots_note": ""}])
    store.record_failures([
        {"run_id": run, "portal_id": "demo", "url": f"http://a.gov.cn/{kind}", "reason": reason, "kind": kind,
         "http_status": None, "attempts": 1, "last_error": "", "at": "2026-01-01T00:00:00Z"}
        for reason, kind in [("forbidden by robots.txt", FailureKind.ROBOTS), ("empty page", FailureKind.EMPTY_PAGE)]])
    store.close()
    assert export(str(db), "failures", str(tmp_path / "f.csv")) == 2
    with (tmp_path / "f.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["url"], r["reason"], r["kind"]) for r in rows] == [
        ("http://a.gov.cn/robots", "forbidden by robots.txt", "robots"),
        ("http://a.gov.cn/empty_page", "empty page", "empty_page")]


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


# --- raw as printed ---------------------------------------------------------------------
def test_csv_keeps_raw_exactly_as_printed_but_guards_other_text(tmp_path):
    path = tmp_path / "out.csv"
    write_rows([{"raw": "-2", "evidence": "-2"}], ["raw", "evidence"], str(path))
    assert read_csv(path) == [{"raw": "-2", "evidence": "'-2"}]


def test_csv_for_excel_guards_raw_too(tmp_path):
    path = tmp_path / "out.csv"
    write_rows([{"raw": "\x00=1+1", "evidence": "x"}], ["raw", "evidence"], str(path), excel=True)
    assert read_csv(path) == [{"raw": "'\x00=1+1", "evidence": "x"}]


# --- formats -------------------------------------------------------------------------------
@pytest.mark.parametrize(("path", "fmt", "expected"), [
    ("out.csv", None, "csv"), ("OUT.CSV", None, "csv"), ("out.jsonl", None, "jsonl"), ("out.ndjson", None, "jsonl"),
    ("out.xlsx", None, "xlsx"), ("-", None, "csv"), ("-", "jsonl", "jsonl"), ("out.txt", "csv", "csv"),
    ("out", "xlsx", "xlsx"),
])
def test_the_format_follows_the_extension_or_format(path, fmt, expected):
    assert output_format(path, fmt) == expected


@pytest.mark.parametrize(("path", "fmt", "excel", "says"), [
    ("out.xls", None, False, "cannot tell the format"), ("out.json", None, False, "cannot tell the format"),
    ("out", None, False, "cannot tell the format"), ("out.xlsx", "csv", False, "contradicts"),
    ("out.csv", "pdf", False, "unknown format"), ("out.jsonl", None, True, "--excel is for CSV"),
    ("out.xlsx", None, True, "--excel is for CSV"), ("-", "xlsx", False, "standard output"),
])
def test_unknown_or_contradicting_formats_are_refused_before_writing(tmp_path, path, fmt, excel, says):
    target = tmp_path / path if path != "-" else path
    with pytest.raises(ExportError, match=says):
        write_rows([{"a": "1", "b": "2"}], COLUMNS, str(target), fmt=fmt, excel=excel)
    assert list(tmp_path.iterdir()) == []


def test_xlsx_is_a_workbook_with_numbers_as_numbers_and_text_never_a_formula(tmp_path):
    path = tmp_path / "out.xlsx"
    rows = [{"a": "=HYPERLINK(\"http://x\")", "b": 4712}, {"a": "520302", "b": -2.5},
            {"a": "\x00=1+1", "b": None}]
    assert write_rows(rows, COLUMNS, str(path), sheet="indicators") == 3
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["indicators"]
    cells = [[(c.value, c.data_type) for c in row] for row in workbook["indicators"].iter_rows()]
    assert cells == [
        [("a", "s"), ("b", "s")],
        [("=HYPERLINK(\"http://x\")", "s"), (4712, "n")],
        [("520302", "s"), (-2.5, "n")],
        [("\ufffd=1+1", "s"), (None, "n")],  # XML cannot carry NUL
    ]


# --- the output file is replaced only by a complete export ------------------------------------
def rows_then_failure():
    yield {"a": "1", "b": "2"}
    raise RuntimeError("the database went away")


@pytest.mark.parametrize("name", ["out.csv", "out.jsonl", "out.xlsx"])
def test_a_failed_export_leaves_the_existing_file_as_it_was(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"the previous export")
    with pytest.raises(RuntimeError):
        write_rows(rows_then_failure(), COLUMNS, str(path))
    assert (path.read_bytes(), sorted(p.name for p in tmp_path.iterdir())) == (b"the previous export", [name])


def test_a_complete_export_replaces_the_file_keeping_its_permissions(tmp_path):
    path = tmp_path / "out.csv"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o640)
    write_rows([{"a": "1", "b": "2"}], COLUMNS, str(path))
    assert (path.read_bytes(), path.stat().st_mode & 0o777, len(list(tmp_path.iterdir()))) == (
        b"a,b\r\n1,2\r\n", 0o640, 1)


# --- exports of a database ------------------------------------------------------------------
PORTAL = {"portal_id": "demo", "region_code": "demo", "region_name": "demo", "portal_name": "示范县", "home_url": "",
          "list_urls": "", "platform": "trs", "render_js": 0, "obey_robots": 1, "robots_note": ""}


def report_record(n: int) -> ReportRecord:
    url = f"http://demo.gov.cn/t{n}.html"
    report = {c: "" for c in REPORT_COLUMNS}
    report.update(portal_id="demo", report_id=f"r{n:04d}", identity=f"url:{url}", url=url, region_code="demo",
                  region_name="demo", title=f"=示范县{n}号2023年政府信息公开工作年度报告", sha256=f"s{n}",
                  report_year=2023, era="2021", flags="[]", sections="[]", metadata="{}")
    indicators = [{"key": "t2.rules.issued", "value": -n, "raw": f"-{n}", "unit": "件", "source": "table",
                   "evidence": "\x00=1+1"}]
    return ReportRecord(report=report, url=url, indicators=indicators)


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "g.db"
    store = ReportStore(path)
    run = store.start_run("demo", {}, [PORTAL])
    store.save_reports([report_record(n) for n in range(1, 31)], run)
    store.finish_run(run, "finished", {}, {})
    store.close()
    return path


def test_indicator_export_guards_text_but_keeps_numbers_and_raw(db, tmp_path):
    out = tmp_path / "i.csv"
    export(str(db), "indicators", str(out))
    [row] = [r for r in read_csv(out) if r["report_id"] == "r0007" and r["key"] == "t2.rules.issued"]
    assert (row["value"], row["raw"], row["evidence"]) == ("-7", "-7", "'\x00=1+1")


def test_reports_export_as_xlsx(db, tmp_path):
    out = tmp_path / "r.xlsx"
    assert export(str(db), "reports", str(out)) == 30
    sheet = load_workbook(out)["reports"]
    header = [c.value for c in sheet[1]]
    first = {name: cell for name, cell in zip(header, sheet[2])}
    assert (first["title"].value, first["title"].data_type, first["report_year"].value,
            first["report_year"].data_type, sheet.max_row) == (
        "=示范县1号2023年政府信息公开工作年度报告", "s", 2023, "n", 31)


def test_a_mistyped_region_leaves_the_existing_export_as_it_was(db, tmp_path):
    out = tmp_path / "r.csv"
    export(str(db), "reports", str(out))
    before = out.read_bytes()
    with pytest.raises(ExportError, match="贵州缶"):
        export(str(db), "reports", str(out), region="贵州缶")
    assert out.read_bytes() == before and len(before) > 1000


def test_mistyped_region_in_the_command_is_one_line_and_the_file_stays(db, tmp_path):
    out = tmp_path / "r.csv"
    out.write_text("an earlier export\n", encoding="utf-8")
    result = scrapy_cmd("export", "reports", "-o", str(out), "--region", "贵州缶", db=db)
    assert (result.returncode, len(result.stderr.strip().splitlines()), "Traceback" in result.stderr,
            out.read_text(encoding="utf-8")) == (2, 1, False, "an earlier export\n"), result.stderr


def test_unknown_extension_in_the_command_is_refused(db, tmp_path):
    result = scrapy_cmd("export", "reports", "-o", str(tmp_path / "r.xls"), db=db)
    assert (result.returncode, "cannot tell the format" in result.stderr, list(tmp_path.glob("r*"))) == (2, True, [])


def test_export_to_a_closed_pipe_ends_quietly(db):
    """``scrapy export indicators -o - | head -1``: the reader leaves after one line,
    long before the export (30 reports × 213 keys) is written."""
    process = subprocess.Popen(scrapy_command("export", "indicators", "-o", "-"), cwd=REPO, env=command_env(db),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read().decode()
    process.stderr.close()
    assert (process.wait(timeout=60), first.startswith(b"report_id,url,"), stderr) == (0, True, "")
