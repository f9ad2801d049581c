"""headline numbers from sentences, and the 勾稽 rules that flag without fixing."""

import pytest

from govreports.parsing.checks import check
from govreports.parsing.headline import from_text, headline
from govreports.parsing.indicators import T3_COLUMNS, make_indicator
from govreports.parsing.model import Indicator


@pytest.mark.parametrize(
    "sentence,key,value",
    [
        ("本年度主动公开政府信息数量为4712条。", "headline.proactive_total", 4712),
        ("2017年，我镇主动公开政府信息78条。", "headline.proactive_total", 78),
        ("全年主动公开政府信息共计１，２０３条。", "headline.proactive_total", 1203),
        ("主动公开政府信息二百一十五条。", "headline.proactive_total", 215),
        ("本年度受理政府信息公开申请共4件，其中当面申请0件。", "headline.applications_received", 4),
        ("全年共收到政府信息公开申请十二件。", "headline.applications_received", 12),
        ("全年未收到政府信息公开申请。", "headline.applications_received", 0),
        ("本年度没有收到公民、法人或其他组织的信息公开申请。", "headline.applications_received", 0),
        ("本年度未发生针对本机关政府信息公开的行政复议、行政诉讼案件。", "headline.admin_reviews", 0),
        ("本年度未发生针对本机关政府信息公开的行政复议、行政诉讼案件。", "headline.lawsuits", 0),
        ("本年度政府信息公开工作没有行政复议、行政诉讼的情况。", "headline.lawsuits", 0),
        ("本年度依申请信息公开未出现收费情况。", "headline.fees", 0),
        ("依申请公开未收取任何费用。", "headline.fees", 0),
        ("发生行政复议2件。", "headline.admin_reviews", 2),
    ],
)
def test_from_text(sentence, key, value):
    assert from_text(sentence)[key].value == value


def test_text_headline_keeps_sentence_as_evidence():
    ind = from_text("一、概述\n2023年，主动公开政府信息1523条，其中网站1200条。\n")["headline.proactive_total"]
    assert (ind.source, ind.evidence) == ("text", "2023年，主动公开政府信息1523条，其中网站1200条。")


@pytest.mark.parametrize(
    "text",
    ["结果维持 | 尚未审结 | 总计\n0 | 0 | 0\n行政诉讼", "其中尚未审结的行政诉讼已移交法院。", "主动公开信息。"],
)
def test_from_text_ignores_table_rows_and_non_statements(text):
    assert "headline.lawsuits" not in from_text(text) and "headline.proactive_total" not in from_text(text)


def test_fees_converted_to_yuan():
    inds = [make_indicator("legacy.fees.amount", "1.5万元", "费用")]
    (fees,) = [i for i in headline(inds, "")[0] if i.key == "headline.fees"]
    assert (fees.value, fees.unit) == (15000, "元")


def test_text_vs_table_disagreement_is_flagged_and_table_kept():
    inds = [make_indicator("t3.new.total", "95", "x")]
    heads, flags = headline(inds, "全年共收到政府信息公开申请17件。")
    received = [h for h in heads if h.key == "headline.applications_received"][0]
    assert (received.value, flags[0].rule, flags[0].numbers["text"], flags[0].numbers["table"]) == (95, "text_vs_table", 17, 95)


def t3_row(row, values):
    return [make_indicator(f"t3.{row}.{c}", str(v), "") for c, v in zip(T3_COLUMNS, values)]


def consistent_t3():
    zero = [0] * 7
    inds = t3_row("new", [3, 1, 0, 0, 0, 0, 4]) + t3_row("carried_in", [1, 0, 0, 0, 0, 0, 1])
    inds += t3_row("result.disclosed", [2, 1, 0, 0, 0, 0, 3]) + t3_row("result.partial", [1, 0, 0, 0, 0, 0, 1])
    for row in ("result.withheld.state_secret", "result.unavailable.not_held", "result.not_processed.duplicate", "result.other"):
        inds += t3_row(row, zero)
    inds += t3_row("result.total", [3, 1, 0, 0, 0, 0, 4]) + t3_row("carried_out", [1, 0, 0, 0, 0, 0, 1])
    return inds


def test_consistent_t3_has_no_flags():
    assert check(consistent_t3()) == []


def test_result_sum_skipped_when_rows_missing():
    # only some result rows present: the sum rule cannot be judged, so nothing is flagged
    assert [f.rule for f in check(consistent_t3()) if f.rule == "t3.result_sum"] == []


@pytest.mark.parametrize(
    "key,raw,rule",
    [
        ("t3.new.natural_person", "4", "t3.column_balance"),
        ("t3.new.natural_person", "4", "t3.row_sum"),
        ("t3.carried_out.total", "2", "t3.column_balance"),
    ],
)
def test_broken_t3_rules_are_flagged(key, raw, rule):
    inds = [make_indicator(key, raw, "") if i.key == key else i for i in consistent_t3()]
    assert rule in {f.rule for f in check(inds)}


def test_checks_never_change_values():
    inds = [make_indicator("t3.new.natural_person", "4", "") if i.key == "t3.new.natural_person" else i for i in consistent_t3()]
    before = [(i.key, i.raw, i.value) for i in inds]
    check(inds)
    assert [(i.key, i.raw, i.value) for i in inds] == before


def test_not_reported_cells_skip_the_rule():
    inds = [make_indicator("t3.new.natural_person", "/", "") if i.key == "t3.new.natural_person" else i for i in consistent_t3()]
    assert check(inds) == []


@pytest.mark.parametrize("values,flagged", [([1, 0, 0, 1, 2], False), ([1, 0, 0, 1, 3], True)])
def test_t4_total_rule(values, flagged):
    cols = ("upheld", "corrected", "other", "pending", "total")
    inds = [Indicator(f"t4.review.{c}", str(v), v) for c, v in zip(cols, values)]
    assert any(f.rule == "t4.total" for f in check(inds)) is flagged


@pytest.mark.parametrize(
    "sentence,value",
    [("本年度对政府信息公开申请共答复4件，其中：同意公开答复3件；同意部分公开答复0件。", 3), ("予以公开12件。", 12)],
)
def test_applications_disclosed_from_text(sentence, value):
    assert from_text(sentence)["headline.applications_disclosed"].value == value


def test_partial_or_refused_is_not_disclosed():
    assert "headline.applications_disclosed" not in from_text("同意部分公开答复2件，不予公开答复1件。")


def test_coverage_flag_lists_missing_cells():
    from govreports.parsing.checks import coverage

    (flag,) = coverage(consistent_t3(), "2019", {"t3"})
    assert flag.rule == "coverage.t3" and "t3.result.withheld.admin_query.total" in flag.numbers["missing"]


def test_coverage_silent_for_legacy():
    from govreports.parsing.checks import coverage

    assert coverage([], "legacy", {"legacy"}) == []
