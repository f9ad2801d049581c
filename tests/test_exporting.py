"""CSV / JSON Lines writing: formula neutralisation, quoting, encodings."""

import csv
import json

import pytest

from govreports.exporting import export, neutralise, write_rows
from govreports.failures import FailureKind
from govreports.storage import ReportStore

COLUMNS = ["a", "b"]


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["红花岗区", "4712", "", "2024-01-25"])
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
