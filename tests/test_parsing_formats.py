"""The registry of table formats and the one schema loader behind it.

* which keys an era has: one answer (``govreports.schema``), read against the
  project spec's ``indicators.csv`` (its ``formats`` column) here, independently;
* the seam: a toy format registered in a test is classified, mapped, era-detected,
  checked and coverage-checked with no other change, and gone once unregistered;
* era detection from the registry's formats.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from govreports.parsing import indicators as ind
from govreports.parsing.indicators import TableFormat, detect_era, formats, make_indicator, register, unregister
from govreports.parsing.model import ERAS, Flag, Table
from govreports.parsing.report import parse_report_html
from govreports.schema import keys_for_era

SPEC_CSV = Path(__file__).resolve().parents[2] / "shared" / "spec" / "indicators.csv"
URL = "http://www.example.gov.cn/zwgk/202401/t20240125_9.html"


def spec_rows() -> list[dict[str, str]]:
    if not SPEC_CSV.exists():
        pytest.fail(f"the project spec is missing: expected {SPEC_CSV} (../shared/spec/indicators.csv beside the repository)")
    with SPEC_CSV.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# ------------------------------------------------------------------ which keys an era has

@pytest.mark.parametrize("era", [*ERAS, None])
def test_keys_for_era_follow_the_spec_formats_column(era):
    # formats lists the eras a key exists in; "all" means every era (the headline.* keys).
    expected = [r["key"] for r in spec_rows() if era in r["formats"].split() or "all" in r["formats"].split()]
    assert keys_for_era(era) == expected


@pytest.mark.parametrize("era", ERAS)
def test_each_format_gives_the_spec_keys_of_its_table(era):
    for fmt in formats.FORMATS:
        expected = [r["key"] for r in spec_rows() if r["table"] == fmt.name and era in r["formats"].split()]
        assert fmt.keys(era) == expected, fmt.name


def test_every_table_key_belongs_to_a_registered_format():
    tables = {r["table"] for r in spec_rows()} - {"headline"}
    assert tables == {fmt.name for fmt in formats.FORMATS}


def test_format_eras_come_from_the_spec():
    eras = {fmt.name: fmt.eras for fmt in formats.FORMATS}
    assert {name: eras[name] for name in ("t2", "t3", "t4", "legacy")} == \
        {"t2": ("2019", "2021"), "t3": ("2019", "2021"), "t4": ("2019", "2021"), "legacy": ("legacy",)}


# ------------------------------------------------------------------ the seam: a toy format

class ToyT5(TableFormat):
    """A made-up "表五" of a 2021 report: two rows, 甲 and 乙, one number each; the
    rule 合计 = 甲 + 乙 when a 合计 row is printed."""

    name = "t5"
    eras = ("2021",)
    ROWS = {"甲类事项": "t5.alpha.total", "乙类事项": "t5.beta.total", "合计": "t5.sum.total"}

    def keys(self, era):
        return ["t5.alpha.total", "t5.beta.total"] if era in self.eras else []

    def matches(self, grid, text):
        return "表五" in text and "甲类事项" in text

    def map(self, grid, era, caption):
        return [make_indicator(self.ROWS[row[0]], row[-1], f"表五/{row[0]}") for row in grid if row and row[0] in self.ROWS]

    def check(self, values):
        parts = [values.get(k) for k in ("t5.alpha.total", "t5.beta.total", "t5.sum.total")]
        if all(parts) and parts[0].value + parts[1].value != parts[2].value:
            return [Flag("t5.sum", "合计 is not 甲 + 乙", {})]
        return []


def toy_page(*rows: tuple[str, str]) -> str:
    body = "".join(f"<tr><td>{label}</td><td>{value}</td></tr>" for label, value in rows)
    return ("<html><head><title>XX县2015年政府信息公开工作年度报告</title></head><body><div class='TRS_Editor'>"
            "<p>一、总体情况</p><p>正文。</p><p>表五</p>"
            f"<table><tr><td>事项</td><td>数量</td></tr>{body}</table></div></body></html>")


@pytest.fixture
def toy():
    fmt = ToyT5()
    register(fmt, before="t3")
    try:
        yield fmt
    finally:
        unregister("t5")


def test_toy_format_is_classified_mapped_and_coverage_checked(toy):
    r = parse_report_html(toy_page(("甲类事项", "3")), URL)
    assert [t.kind for t in r.tables] == ["t5"]
    assert {i.key: i.raw for i in r.indicators if i.key.startswith("t5.")} == {"t5.alpha.total": "3"}
    assert r.era == "2021"  # the toy's only era, though a 2015 report would otherwise be legacy
    (flag,) = [f for f in r.flags if f.rule.startswith("coverage.")]
    assert (flag.rule, flag.numbers["missing"]) == ("coverage.t5", ["t5.beta.total"])


def test_toy_format_rules_run_and_a_complete_table_is_covered(toy):
    r = parse_report_html(toy_page(("甲类事项", "3"), ("乙类事项", "4"), ("合计", "8")), URL)
    assert {i.key: i.value for i in r.indicators if i.key.startswith("t5.")} == \
        {"t5.alpha.total": 3, "t5.beta.total": 4, "t5.sum.total": 8}
    rules = [f.rule for f in r.flags]
    assert "t5.sum" in rules and "coverage.t5" not in rules


def test_without_the_registration_the_toy_table_is_other():
    assert formats.format_named("t5") is None
    r = parse_report_html(toy_page(("甲类事项", "3")), URL)
    assert [t.kind for t in r.tables] == ["other"]
    assert not any(i.key.startswith("t5.") for i in r.indicators)
    assert r.era == "legacy" and not any(f.rule.startswith(("coverage.", "t5.")) for f in r.flags)


def test_registry_order_is_classification_order(toy):
    names = [f.name for f in formats.FORMATS]
    assert names.index("t5") == names.index("t3") - 1
    # a grid both cues fit goes to the earlier format
    grid = [["表五", "申请人情况"], ["甲类事项", "1"]]
    assert ind.classify_grid(grid) == "t5"
    unregister("t5")
    try:
        assert ind.classify_grid(grid) == "t3"
    finally:
        register(toy, before="t3")


@pytest.mark.parametrize(
    "name,before,message",
    [("t3", None, "already registered"), ("other", None, "other than 'other'"), ("t6", "t9", "no table format named 't9'")],
)
def test_register_refuses_clashes(name, before, message):
    registered = formats.FORMATS
    fmt = ToyT5()
    fmt.name = name
    with pytest.raises(ValueError, match=message):
        register(fmt, before=before)
    assert formats.FORMATS == registered


def test_unregister_an_unknown_format_is_an_error():
    with pytest.raises(KeyError, match="t9"):
        unregister("t9")


# ------------------------------------------------------------------ era detection over the registry

T3_PLAIN = [["申请人情况", "自然人"], ["一、本年新收政府信息公开申请数量", "1"]]
T3_2021 = [["申请人情况", "自然人"], ["1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "0"]]
T2_2019 = [["信息内容", "本年新制作数量"], ["规章", "0"]]
LEGACY = [["统计指标", "单位", "统计数"], ["收到申请数", "件", "0"]]


def tables(*pairs):
    return [Table(index=n, grid=grid, kind=kind) for n, (kind, grid) in enumerate(pairs)]


@pytest.mark.parametrize(
    "found,year,text,era",
    [
        ([("t3", T3_PLAIN)], 2023, "", "2021"),
        ([("t3", T3_PLAIN)], 2020, "", "2019"),
        ([("t3", T3_PLAIN)], None, "", "2019"),
        ([("t3", T3_PLAIN)], 2012, "", "2019"),  # a form table outranks an old year
        ([("t3", T3_2021)], 2019, "", "2021"),  # the table's own words outrank the year
        ([("t2", T2_2019), ("t3", T3_PLAIN)], 2023, "", "2019"),
        ([("t2", T2_2019), ("t3", T3_2021)], 2020, "", "2021"),  # the newest hint wins
        ([("legacy", LEGACY)], 2021, "", "legacy"),
        ([("legacy", LEGACY), ("t4", [["行政复议", "结果维持"]])], 2012, "", "2019"),
        ([("other", [["x"]])], 2012, "", "legacy"),
        ([], 2020, "", "2019"),
        ([], 2021, "", "2021"),
        ([], None, "三、收到和处理政府信息公开申请情况", "2019"),
        ([], None, "", None),
    ],
)
def test_detect_era(found, year, text, era):
    assert detect_era(tables(*found), year, text) == era
