"""The research exports — headlines, codebook, wide, compliance — and what the older
ones gained (unknown labels, the printed title, typed numbers), on the database of
tests/research_world.py written with the store."""

from __future__ import annotations

import csv
import json

import pytest
from openpyxl import load_workbook

from govreports.exporting import ExportError, export
from tests import research_world as world
from tests.harness import REPO, scrapy_cmd

SCHEMA = REPO / "govreports" / "schema" / "indicators.csv"
REPORT_COLUMNS = ["report_id", "report_year", "era", "region_code", "region_name", "province", "city", "portal_id",
                  "body", "body_kind", "publisher", "title", "title_original", "published_date", "url"]
HEADLINE_KEYS = ["headline.proactive_total", "headline.applications_received", "headline.applications_disclosed",
                 "headline.admin_reviews", "headline.lawsuits", "headline.fees"]
COMPLIANCE_FIELDS = ["deadline", "on_time", "days_late", "sections_complete", "sections_missing", "tables_complete",
                     "tables_missing", "tables_incomplete", "consistent", "consistency_breaks", "rules_broken",
                     "yoy_reviews", "yoy_review", "passed", "issues"]


def schema_rows() -> list[dict[str, str]]:
    with SCHEMA.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_csv(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def read_dicts(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return world.build(tmp_path_factory.mktemp("exports") / "world.db")


def by_id(rows: list[dict], report_id: str) -> dict:
    [row] = [r for r in rows if r["report_id"] == report_id]
    return row


# --- headlines -------------------------------------------------------------------------------
def test_headlines_columns(db, tmp_path):
    out = tmp_path / "h.csv"
    assert export(str(db), "headlines", str(out)) == len(world.REPORTS)
    assert read_csv(out)[0] == REPORT_COLUMNS + HEADLINE_KEYS + ["flags_count"] + COMPLIANCE_FIELDS


@pytest.mark.parametrize(("column", "value"), [
    ("province", "贵州省"), ("city", "遵义市"), ("region_name", "红花岗区"), ("body", "红花岗区人民政府"),
    ("headline.proactive_total", "100"), ("headline.applications_received", "10"), ("headline.lawsuits", "0"),
    ("headline.fees", "0.0"), ("flags_count", "0"), ("on_time", "1"), ("passed", "1"), ("deadline", "2023-03-31"),
])
def test_headlines_row(db, tmp_path, column, value):
    out = tmp_path / "h.csv"
    export(str(db), "headlines", str(out))
    assert by_id(read_dicts(out), "gov2022")[column] == value


def test_headlines_row_of_a_failing_report(db, tmp_path):
    out = tmp_path / "h.csv"
    export(str(db), "headlines", str(out))
    row = by_id(read_dicts(out), "dept2022")
    assert (row["flags_count"], row["on_time"], row["days_late"], row["sections_missing"], row["tables_missing"],
            row["consistent"], row["passed"]) == ("3", "0", "15", "六、其他需要报告的事项", "t4", "0", "0")


def test_headlines_xlsx_has_the_codebook_of_its_figures_as_second_sheet(db, tmp_path):
    out = tmp_path / "h.xlsx"
    export(str(db), "headlines", str(out))
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["headlines", "codebook"]
    codebook = list(workbook["codebook"].iter_rows(values_only=True))
    assert [row[0] for row in codebook] == ["key"] + HEADLINE_KEYS


def test_headlines_xlsx_figures_are_number_cells(db, tmp_path):
    out = tmp_path / "h.xlsx"
    export(str(db), "headlines", str(out))
    sheet = load_workbook(out)["headlines"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "gov2022")
    cell = row[header.index("headline.proactive_total")]
    assert (cell.value, type(cell.value), cell.data_type) == (100, int, "n")


def test_headlines_labels_row(db, tmp_path):
    out = tmp_path / "h.csv"
    export(str(db), "headlines", str(out), labels=True)
    header, labels = read_csv(out)[:2]
    labelled = dict(zip(header, labels))
    assert (labelled["headline.proactive_total"], labelled["province"], labelled["on_time"]) == (
        "主动公开政府信息数", "省", "按时公布")


def test_headlines_filtered_by_year(db, tmp_path):
    out = tmp_path / "h.csv"
    export(str(db), "headlines", str(out), year=2022)
    assert sorted(r["report_id"] for r in read_dicts(out)) == ["dept2022", "gov2022"]


# --- codebook --------------------------------------------------------------------------------------
def test_codebook_is_the_schema_with_labels(db, tmp_path):
    out = tmp_path / "c.csv"
    export(str(db), "codebook", str(out))
    rows = read_dicts(out)
    assert [(r["key"], r["table"], r["row_label"], r["column_label"], r["unit"]) for r in rows] == [
        (r["key"], r["table"], r["row_label"], r["column_label"], r["unit"]) for r in schema_rows()]


@pytest.mark.parametrize(("key", "value_type"), [("t3.new.total", "count"), ("t2.fees.amount", "money"),
                                                 ("headline.fees", "money"), ("legacy.org.staff", "count")])
def test_codebook_value_types(db, tmp_path, key, value_type):
    out = tmp_path / "c.csv"
    export(str(db), "codebook", str(out))
    assert by_key(read_dicts(out), key)["value_type"] == value_type


def by_key(rows, key):
    [row] = [r for r in rows if r["key"] == key]
    return row


def test_codebook_with_the_unknown_labels_reports_printed(db, tmp_path):
    out = tmp_path / "c.csv"
    export(str(db), "codebook", str(out), include_unknown=True)
    row = by_key(read_dicts(out), "unknown:t3:（八）其他/natural_person")
    assert (row["table"], row["label"], row["canonical"]) == ("t3", "（八）其他/natural_person", "0")


# --- wide ------------------------------------------------------------------------------------------
def t3_keys() -> list[str]:
    return [r["key"] for r in schema_rows() if r["table"] == "t3"]


def test_wide_t3_one_column_per_key(db, tmp_path):
    out = tmp_path / "w.csv"
    export(str(db), "wide", str(out), table="t3")
    assert read_csv(out)[0] == REPORT_COLUMNS + t3_keys() + ["unknown"]


def test_wide_t3_one_row_per_report_of_an_era_with_the_table(db, tmp_path):
    out = tmp_path / "w.csv"
    assert export(str(db), "wide", str(out), table="t3") == 4
    assert sorted(r["report_id"] for r in read_dicts(out)) == ["dept2022", "gov2021", "gov2022", "gov2023"]


def test_wide_values_are_integers_and_missing_ones_empty(db, tmp_path):
    out = tmp_path / "w.csv"
    export(str(db), "wide", str(out), table="t3")
    row = by_id(read_dicts(out), "gov2021")
    assert (row["t3.new.total"], row["t3.result.other.no_correction.total"]) == ("1", "")


def test_wide_money_is_a_decimal(db, tmp_path):
    out = tmp_path / "w.csv"
    export(str(db), "wide", str(out), table="t2")
    assert (by_id(read_dicts(out), "gov2022")["t2.fees.amount"], by_id(read_dicts(out), "gov2021")["t2.fees.amount"]) \
        == ("385.62", "1.0")


def test_wide_unknown_column_lists_the_tables_unmapped_rows(db, tmp_path):
    out = tmp_path / "w.csv"
    export(str(db), "wide", str(out), table="t3")
    assert by_id(read_dicts(out), "dept2022")["unknown"] == "（八）其他/natural_person：3"


def test_wide_without_unknown(db, tmp_path):
    out = tmp_path / "w.csv"
    export(str(db), "wide", str(out), table="t3", include_unknown=False)
    assert "unknown" not in read_csv(out)[0]


def test_wide_labels_row_has_the_chinese_labels(db, tmp_path):
    out = tmp_path / "w.csv"
    export(str(db), "wide", str(out), table="t3", labels=True)
    header, labels = read_csv(out)[:2]
    spec = next(r for r in schema_rows() if r["key"] == "t3.new.natural_person")
    assert labels[header.index("t3.new.natural_person")] == f"{spec['row_label']}｜{spec['column_label']}"


def test_wide_xlsx_has_a_labels_row_and_the_codebook_of_the_table(db, tmp_path):
    out = tmp_path / "w.xlsx"
    assert export(str(db), "wide", str(out), table="t4", labels=True) == 4
    workbook = load_workbook(out)
    sheet = list(workbook["wide"].iter_rows(values_only=True))
    codebook = list(workbook["codebook"].iter_rows(values_only=True))
    assert (workbook.sheetnames, sheet[1][0], len(sheet), [r[0] for r in codebook[1:]]) == (
        ["wide", "codebook"], "报告编号", 2 + 4, [r["key"] for r in schema_rows() if r["table"] == "t4"])


def test_wide_legacy_takes_the_legacy_reports(db, tmp_path):
    out = tmp_path / "w.csv"
    export(str(db), "wide", str(out), table="legacy")
    assert [(r["report_id"], r["legacy.proactive.total"]) for r in read_dicts(out)] == [("gov2017", "3268")]


@pytest.mark.parametrize(("table", "says"), [(None, "needs --table"), ("t9", "unknown table 't9'")])
def test_wide_needs_a_known_table(db, tmp_path, table, says):
    with pytest.raises(ExportError, match=says):
        export(str(db), "wide", str(tmp_path / "w.csv"), table=table)
    assert list(tmp_path.iterdir()) == []


# --- compliance --------------------------------------------------------------------------------
def test_compliance_columns(db, tmp_path):
    out = tmp_path / "c.csv"
    export(str(db), "compliance", str(out))
    assert read_csv(out)[0] == ["portal_id", "region_code", "region_name", "province", "city", "body", "body_kind",
                                "report_year", "status", "reports", "report_ids", "published_date", "deadline",
                                "on_time", "sections_complete", "tables_complete", "consistent", "yoy_reviews",
                                "passed", "issues"]


def test_compliance_one_row_per_body_and_year(db, tmp_path):
    out = tmp_path / "c.csv"
    export(str(db), "compliance", str(out))
    assert [(r["body"], r["report_year"], r["status"]) for r in read_dicts(out)] == [
        ("红花岗区财政局", "2022", "found"), ("红花岗区财政局", "2023", "missing"),
        *[("红花岗区", str(y), s) for y, s in [(2017, "found"), (2018, "missing"), (2019, "missing"),
                                           (2020, "missing"), (2021, "found"), (2022, "found"), (2023, "found")]],
        ("汇川区", "2023", "not_yet_due")]


def test_compliance_row_says_what_is_wrong(db, tmp_path):
    out = tmp_path / "c.csv"
    export(str(db), "compliance", str(out), year=2022, labels=True)
    header, labels, *rows = read_csv(out)
    row = dict(zip(header, next(r for r in rows if r[header.index("body")] == "红花岗区财政局")))
    assert (labels[header.index("status")], row["on_time"], row["passed"], row["issues"].split("；")[0]) == (
        "状态", "0", "0", "逾期15天")


# --- what the older exports gained ---------------------------------------------------------------
def test_indicators_export_includes_unknown_labels_by_default(db, tmp_path):
    out = tmp_path / "i.csv"
    export(str(db), "indicators", str(out), year=2022)
    row = next(r for r in read_dicts(out) if r["key"].startswith("unknown:"))
    assert (row["report_id"], row["key"], row["value"], row["raw"]) == (
        "dept2022", "unknown:t3:（八）其他/natural_person", "3", "3")


def test_indicators_export_without_unknown_labels(db, tmp_path):
    out = tmp_path / "i.csv"
    export(str(db), "indicators", str(out), year=2022, include_unknown=False)
    assert not [r for r in read_dicts(out) if r["key"].startswith("unknown:")]


def test_indicators_export_prints_counts_as_integers_and_money_as_decimals(db, tmp_path):
    out = tmp_path / "i.csv"
    export(str(db), "indicators", str(out))
    rows = {(r["report_id"], r["key"]): r["value"] for r in read_dicts(out)}
    assert (rows[("gov2017", "legacy.proactive.total")], rows[("gov2022", "t2.fees.amount")],
            rows[("gov2022", "headline.fees")]) == ("3268", "385.62", "0.0")


def test_indicators_xlsx_has_the_codebook_sheet(db, tmp_path):
    out = tmp_path / "i.xlsx"
    export(str(db), "indicators", str(out), year=2017)
    codebook = list(load_workbook(out)["codebook"].iter_rows(values_only=True))
    assert [r[0] for r in codebook[1:]] == [r["key"] for r in schema_rows()]


def test_reports_export_has_the_printed_title_last(db, tmp_path):
    out = tmp_path / "r.csv"
    export(str(db), "reports", str(out))
    assert read_csv(out)[0][-1] == "title_original"


# --- options that do not apply -----------------------------------------------------------------
@pytest.mark.parametrize(("kind", "options", "says"), [
    ("headlines", {"history": True}, "--history does not apply to the headlines export"),
    ("reports", {"table": "t3"}, "--table does not apply to the reports export"),
    ("codebook", {"year": 2022}, "--year does not apply to the codebook export"),
    ("reports", {"labels": True}, "--labels does not apply"),
    ("failures", {"include_unknown": True}, "--include-unknown/--no-include-unknown does not apply"),
])
def test_options_that_do_not_apply_are_refused(db, tmp_path, kind, options, says):
    with pytest.raises(ExportError, match=says):
        export(str(db), kind, str(tmp_path / "x.csv"), **options)


def test_labels_are_refused_for_json_lines(db, tmp_path):
    with pytest.raises(ExportError, match="--labels is for CSV and .xlsx"):
        export(str(db), "headlines", str(tmp_path / "x.jsonl"), labels=True)


def test_jsonl_headlines_keep_numbers_as_numbers(db, tmp_path):
    out = tmp_path / "h.jsonl"
    export(str(db), "headlines", str(out))
    row = next(json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if '"gov2022"' in line)
    assert (row["headline.proactive_total"], row["headline.fees"]) == (100, 0.0)


def test_the_command_takes_the_new_options(db, tmp_path):
    out = tmp_path / "w.csv"
    result = scrapy_cmd("export", "wide", "--table", "t3", "--no-include-unknown", "--labels", "-o", str(out), db=db)
    assert (result.returncode, read_csv(out)[1][0], "unknown" in read_csv(out)[0]) == (0, "报告编号", False), \
        result.stderr


def test_the_command_says_what_wide_needs(db, tmp_path):
    result = scrapy_cmd("export", "wide", "-o", str(tmp_path / "w.csv"), db=db)
    assert (result.returncode, result.stderr.strip()) == (
        2, "export failed: the wide export needs --table, one of: t2, t3, t4, legacy, headline")


@pytest.mark.parametrize(("region", "bodies"), [("汇川区", {"汇川区"}), ("贵州省", {"红花岗区", "红花岗区财政局", "汇川区"}),
                                               ("红花岗区", {"红花岗区", "红花岗区财政局"})])
def test_compliance_filtered_by_region(db, tmp_path, region, bodies):
    out = tmp_path / "c.csv"
    export(str(db), "compliance", str(out), region=region)
    assert {r["body"] for r in read_dicts(out)} == bodies


def test_wide_filtered_by_province(db, tmp_path):
    out = tmp_path / "w.csv"
    assert export(str(db), "wide", str(out), table="headline", region="贵州省") == len(world.REPORTS)
    assert export(str(db), "wide", str(out), table="headline", region="浙江省") == 0
