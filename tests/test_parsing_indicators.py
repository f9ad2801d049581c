"""indicators: every cell of the 2019 / 2021 / legacy tables under its canonical key,
raw exactly as printed, value only when it is a number."""

import importlib.util
from pathlib import Path

import pytest

from govreports.parsing.indicators import classify_grid, legacy_key_for, map_t3, map_t4, t3_row_key
from govreports.parsing.report import parse_report_html, parse_report_text
from govreports.schema import indicator_specs, keys_for_era

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "parsing"


def _builder():
    spec = importlib.util.spec_from_file_location("build_fixtures", FIXTURES / "_build_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BUILD = _builder()


def table_keys(era):
    """The keys a report's tables give in ``era``: every key of the era but the
    headline.* ones (formats "all"), which come from the text when there is no table."""
    return [k for k in keys_for_era(era) if not k.startswith("headline.")]

URL = "http://www.example.gov.cn/zwgk/202401/t20240125_1.html"
# The printed column order of t3, spelled out here (not imported) so a mapping that
# swaps columns fails.
T3_COLUMNS = ("natural_person", "commercial", "research", "public_interest", "legal_service", "other_org", "total")

# builder row name -> canonical row part of the key
T3_ROW_KEYS = {
    "new": "new", "carried_in": "carried_in", "disclosed": "result.disclosed", "partial": "result.partial",
    **{k: f"result.withheld.{k}" for k in ("state_secret", "law_prohibited", "security_stability", "third_party",
                                           "internal_affairs", "process_info", "enforcement_file", "admin_query")},
    **{k: f"result.unavailable.{k}" for k in ("not_held", "needs_creation", "unclear")},
    **{k: f"result.not_processed.{k}" for k in ("petition", "duplicate", "publication", "excessive", "confirmation")},
    "no_correction": "result.other.no_correction", "unpaid_fee": "result.other.unpaid_fee",
    "other_other": "result.other.other", "other": "result.other",
    "total": "result.total", "carried_out": "carried_out",
}


def _cells(t3_values):
    for row, values in t3_values.items():
        for column, raw in zip(T3_COLUMNS, values):
            yield f"t3.{T3_ROW_KEYS[row]}.{column}", raw


@pytest.fixture(scope="module")
def report_2021():
    return parse_report_html((FIXTURES / "trs_2021_report.html").read_text(encoding="utf-8"), URL)


@pytest.fixture(scope="module")
def report_2019():
    return parse_report_html((FIXTURES / "hanweb_2019_report.html").read_text(encoding="utf-8"), URL)


@pytest.fixture(scope="module")
def report_legacy():
    return parse_report_html((FIXTURES / "trs_legacy_2013_report.html").read_text(encoding="utf-8"), URL)


@pytest.fixture(scope="module")
def report_flat_2021():
    return parse_report_text((FIXTURES / "flat_2021_report.txt").read_text(encoding="utf-8"), URL)


def by_key(report):
    return {i.key: i for i in report.indicators}


# ------------------------------------------------------------------ 2021

T2_2021 = [
    ("t2.rules.issued", "0", 0), ("t2.rules.repealed", "0", 0), ("t2.rules.in_force", "/", None),
    ("t2.normative.issued", "３", 3), ("t2.normative.repealed", "1", 1), ("t2.normative.in_force", "１２", 12),
    ("t2.licensing.decisions", "1,234", 1234), ("t2.penalty.decisions", "56", 56), ("t2.coercion.decisions", "0", 0),
    ("t2.fees.amount", "7730.28", 7730.28),
]


@pytest.mark.parametrize("key,raw,value", T2_2021)
def test_2021_t2_cells(report_2021, key, raw, value):
    ind = by_key(report_2021)[key]
    assert (ind.raw, ind.value) == (raw, value)


def test_2021_t2_fee_unit_is_wan_yuan(report_2021):
    assert by_key(report_2021)["t2.fees.amount"].unit == "万元"


@pytest.mark.parametrize("key,raw", list(_cells(BUILD.T3_2021)))
def test_2021_t3_cells(report_2021, key, raw):
    ind = by_key(report_2021)[key]
    assert (ind.raw, ind.value) == (raw, None if raw == "/" else int(raw))


@pytest.mark.parametrize("column", T3_COLUMNS)
def test_2021_t3_other_is_the_sum_of_its_three_rows(report_2021, column):
    v = BUILD.T3_2021
    i = T3_COLUMNS.index(column)
    expected = sum(int(v[r][i]) for r in ("no_correction", "unpaid_fee", "other_other"))
    assert by_key(report_2021)[f"t3.result.other.{column}"].value == expected


T4_KEYS = [f"t4.{g}.{c}" for g in ("review", "litigation_direct", "litigation_after_review")
           for c in ("upheld", "corrected", "other", "pending", "total")]


@pytest.mark.parametrize("key,raw", list(zip(T4_KEYS, BUILD.T4_2021)))
def test_2021_t4_cells(report_2021, key, raw):
    assert by_key(report_2021)[key].raw == raw


@pytest.mark.parametrize("key", table_keys("2021"))
def test_2021_round_trip_every_key_exactly_once(report_2021, key):
    assert [i.key for i in report_2021.indicators].count(key) == 1


def test_2021_has_no_keys_of_other_eras(report_2021):
    allowed = set(keys_for_era("2021"))
    assert [i.key for i in report_2021.indicators if not i.key.startswith("headline.") and i.key not in allowed] == []


def test_2021_evidence_is_the_label_path(report_2021):
    assert by_key(report_2021)["t3.result.withheld.state_secret.natural_person"].evidence == \
        "三、本年度办理结果/（三）不予公开/1.属于国家秘密 × 自然人"


def test_2021_typo_label_still_maps(report_2021):
    assert "其他法律行政止公开" in by_key(report_2021)["t3.result.withheld.law_prohibited.total"].evidence


def test_2021_consistent_tables_raise_no_flags(report_2021):
    assert [f.rule for f in report_2021.flags] == []


# ------------------------------------------------------------------ 2019

T2_2019 = [
    ("t2.rules.made", "0", 0), ("t2.rules.published", "0", 0), ("t2.rules.total_public", "0", 0),
    ("t2.normative.made", "2", 2), ("t2.normative.published", "2", 2), ("t2.normative.total_public", "15", 15),
    ("t2.licensing.prev_items", "25", 25), ("t2.licensing.change", "+3", 3), ("t2.licensing.decisions", "310", 310),
    ("t2.other_services.prev_items", "4", 4), ("t2.other_services.change", "-1", -1),
    ("t2.other_services.decisions", "12", 12),
    ("t2.penalty.prev_items", "102", 102), ("t2.penalty.change", "减少2", -2), ("t2.penalty.decisions", "45", 45),
    ("t2.coercion.prev_items", "8", 8), ("t2.coercion.change", "0", 0), ("t2.coercion.decisions", "—", None),
    ("t2.fees.prev_items", "3", 3), ("t2.fees.change", "0", 0),
    ("t2.procurement.items", "6", 6), ("t2.procurement.amount", "215.5", 215.5),
]


@pytest.mark.parametrize("key,raw,value", T2_2019)
def test_2019_t2_cells(report_2019, key, raw, value):
    ind = by_key(report_2019)[key]
    assert (ind.raw, ind.value) == (raw, value)


@pytest.mark.parametrize("key,raw", list(_cells(BUILD.T3_2019)))
def test_2019_t3_cells(report_2019, key, raw):
    assert by_key(report_2019)[key].raw == raw


@pytest.mark.parametrize(
    "key,raw",
    list(zip(T4_KEYS, ["0", "0", "0", "0", "0", "0", "0", "0", "1", "1", "0", "0", "0", "0", "0"])),
)
def test_2019_t4_three_small_tables(report_2019, key, raw):
    assert by_key(report_2019)[key].raw == raw


@pytest.mark.parametrize("key", table_keys("2019"))
def test_2019_round_trip_every_key_exactly_once(report_2019, key):
    assert [i.key for i in report_2019.indicators].count(key) == 1


def test_2019_has_no_2021_only_keys(report_2019):
    only_2021 = set(keys_for_era("2021")) - set(keys_for_era("2019"))
    assert [i.key for i in report_2019.indicators if i.key in only_2021] == []


@pytest.mark.parametrize("rule", ["t3.column_balance", "t3.result_sum", "t3.row_sum", "text_vs_table"])
def test_2019_broken_rules_are_flagged(report_2019, rule):
    assert rule in {f.rule for f in report_2019.flags}


def test_2019_flagged_values_are_kept_as_printed(report_2019):
    assert by_key(report_2019)["t3.result.total.natural_person"].value == 16


# ------------------------------------------------------------------ legacy HTML

LEGACY = [
    ("legacy.proactive.total", "3105", 3105, "条"),
    ("legacy.proactive.normative", "45", 45, "条"),
    ("legacy.normative.issued", "52", 52, "件"),
    ("legacy.channel.gazette", "120", 120, "条"),
    ("legacy.channel.website", "2980", 2980, "条"),
    ("legacy.channel.weibo", "/", None, "条"),
    ("legacy.apply.received", "12", 12, "件"),
    ("legacy.apply.received.in_person", "2", 2, "件"),
    ("legacy.apply.received.fax", "0", 0, "件"),
    ("legacy.apply.received.online", "9", 9, "件"),
    ("legacy.apply.received.letter", "1", 1, "件"),
    ("legacy.apply.answered", "12", 12, "件"),
    ("legacy.apply.answered.agreed", "10", 10, "件"),
    ("legacy.review.total", "0", 0, "件"),
    ("legacy.review.corrected", "0", 0, "件"),
    ("legacy.litigation.total", "0", 0, "件"),
    ("legacy.litigation.corrected", "不适用", None, "件"),
    ("legacy.complaints.total", "0", 0, "件"),
    ("legacy.fees.amount", "0", 0, "万元"),
    ("legacy.org.staff", "8", 8, "人"),
    ("legacy.org.budget", "2.5", 2.5, "万元"),
]


@pytest.mark.parametrize("key,raw,value,unit", LEGACY)
def test_legacy_html_cells(report_legacy, key, raw, value, unit):
    ind = by_key(report_legacy)[key]
    assert (ind.raw, ind.value, ind.unit) == (raw, value, unit)


def test_legacy_group_rows_are_not_indicators(report_legacy):
    assert not [i for i in report_legacy.indicators if "主动公开情况" in i.key]


# ------------------------------------------------------------------ flattened 2021 text (PDF-like)

@pytest.mark.parametrize("key,raw", [(k, "0" if r == "/" else r) for k, r in _cells(BUILD.T3_2021)])
def test_flat_text_t3_cells(report_flat_2021, key, raw):
    assert by_key(report_flat_2021)[key].raw == raw


@pytest.mark.parametrize(
    "key,raw",
    [("t2.rules.in_force", "5"), ("t2.normative.issued", "3"), ("t2.licensing.decisions", "1234"),
     ("t2.coercion.decisions", "0"), ("t2.fees.amount", "7730.28"), *zip(T4_KEYS, BUILD.T4_2021)],
)
def test_flat_text_t2_t4_cells(report_flat_2021, key, raw):
    assert by_key(report_flat_2021)[key].raw == raw


def test_flat_text_split_label_reaches_its_row(report_flat_2021):
    assert by_key(report_flat_2021)["t3.result.unavailable.not_held.total"].evidence.startswith("三、本年度办理结果/（四）无法提供")


@pytest.mark.parametrize("key", table_keys("2021"))
def test_flat_text_round_trip(report_flat_2021, key):
    assert [i.key for i in report_flat_2021.indicators].count(key) == 1


# ------------------------------------------------------------------ units of mapping

@pytest.mark.parametrize(
    "path,row",
    [
        (["三、本年度办理结果", "(三)不予公开", "1、属于国家秘密"], "result.withheld.state_secret"),
        (["三、本年度办理结果", "（六）其他处理", "3.其他"], "result.other.other"),
        (["三、本年度办理结果", "（六）其他处理"], "result.other"),
        (["三、本年度办理结果", "（六）其他处理", "3.其他情形"], "result.other.other"),
        (["三、本年度办理结果", "（七）总 计"], "result.total"),
        (["三、本年度办理结果", "（一）予以公开"], "result.disclosed"),
        (["三、本年度办理结果", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"], "result.partial"),
        (["四、结转下年度继续办理"], "carried_out"),
        (["二、上年结转政府信息公开申请数量"], "carried_in"),
        (["无关的行"], None),
    ],
)
def test_t3_row_key(path, row):
    assert t3_row_key(path) == row


def test_t3_unknown_row_is_kept_as_unknown():
    grid = [["（八）其他情形", "1", "0", "0", "0", "0", "0", "1"]]
    assert [i.key for i in map_t3(grid)][0] == "unknown:t3:其他情形/natural_person"


def test_t4_single_sentence_table_without_numbers_gives_nothing():
    assert map_t4([["行政复议", "行政诉讼"]]) == []


@pytest.mark.parametrize(
    "label,context,key",
    [
        ("（一）主动公开政府信息数 (不同渠道和方式公开相同信息计1条)", "", "legacy.proactive.total"),
        ("全年主动公开政府信息数", "", "legacy.proactive.total"),
        ("2、传真、信函申请数", "", "legacy.apply.received.fax"),
        ("(2)“非本部门掌握”数", "", "legacy.apply.answered.not_this_agency"),
        ("（二）被依法纠错数", "review", "legacy.review.corrected"),
        ("（二）被依法纠错数", "litigation", "legacy.litigation.corrected"),
        ("(三)其他情形数", "litigation", "legacy.litigation.other"),
        ("年度内共引发有关政府信息公开行政诉讼数量", "", "legacy.litigation.total"),
        ("七、依申请公开信息收取的费用", "", "legacy.fees.amount"),
        ("1.专职人员数(不包括政府公报及政府网站工作 人员数)", "", "legacy.org.staff_fulltime"),
        ("主要负责同志参加政府网站在线访谈次数", "", None),
    ],
)
def test_legacy_label_variants(label, context, key):
    assert legacy_key_for(label, context) == key


@pytest.mark.parametrize(
    "grid,kind",
    [
        ([["信息内容", "本年制发件数"], ["规章", "1"]], "t2"),
        ([["申请人情况"], ["一、本年新收政府信息公开申请数量", "1"]], "t3"),
        ([["行政复议", "行政诉讼"], ["结果维持", "总计"]], "t4"),
        ([["统计指标", "单位", "统计数"], ["收到申请数", "件", "0"], ["网络申请数", "件", "0"]], "legacy"),
        ([["信息公开栏目", "发布数"], ["区府办发", "204"]], "other"),
    ],
)
def test_classify_grid(grid, kind):
    assert classify_grid(grid) == kind


def test_every_csv_key_has_a_known_table():
    assert {s.table for s in indicator_specs()} == {"t2", "t3", "t4", "legacy", "headline"}
