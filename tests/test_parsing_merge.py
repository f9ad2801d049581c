"""Page + attachment: the richer source wins, the other fills gaps, disagreements flagged."""

from govreports.parsing.merge import merge_attachment
from govreports.parsing.model import Indicator, ParsedReport, Table


def report(indicators, era=None, tables=(), body=""):
    return ParsedReport(url="http://a.gov.cn/t1.html", title="示范县2023年政府信息公开工作年度报告", report_year=2023,
                        is_report=True, era=era, body_text=body,
                        metadata={"index_no": "009901010/2024-00012"},
                        indicators=[Indicator(key=k, raw=str(v), value=v) for k, v in indicators],
                        tables=[Table(index=n, grid=g) for n, g in enumerate(tables)])


PAGE = report([("headline.proactive_total", 4712)], body="详见附件。")
PDF = report([("t3.new.total", 95), ("t3.new.natural_person", 90), ("headline.proactive_total", 4712)],
             era="2021", tables=[[["一、本年新收", "95"]]])


def test_richer_attachment_wins():
    assert merge_attachment(PAGE, PDF, "attachment:r.pdf")[1] is True


def test_page_with_more_numbers_wins():
    assert merge_attachment(PDF, PAGE, "attachment:r.pdf")[1] is False


def test_attachment_numbers_are_kept():
    merged, _ = merge_attachment(PAGE, PDF, "attachment:r.pdf")
    assert {i.key: i.value for i in merged.indicators}["t3.new.total"] == 95


def test_page_metadata_is_kept():
    merged, _ = merge_attachment(PAGE, PDF, "attachment:r.pdf")
    assert merged.index_no == "009901010/2024-00012"


def test_era_taken_from_the_attachment():
    assert merge_attachment(PAGE, PDF, "attachment:r.pdf")[0].era == "2021"


def test_attachment_tables_appended_after_page_tables():
    page = report([], tables=[[["a"]]])
    merged, _ = merge_attachment(page, PDF, "attachment:r.pdf")
    assert [t.index for t in merged.tables] == [0, 1]


def test_disagreement_is_flagged_not_resolved():
    page = report([("t3.new.total", 17)], body="x" * 400)
    merged, _ = merge_attachment(page, PDF, "attachment:r.pdf")
    flags = [f for f in merged.flags if f.rule == "page_vs_attachment"]
    assert [(f.numbers["page"], f.numbers["attachment"]) for f in flags] == [(17, 95)]


def test_winner_value_stays_on_disagreement():
    page = report([("t3.new.total", 17)], body="x" * 400)
    merged, _ = merge_attachment(page, PDF, "attachment:r.pdf")
    assert {i.key: i.value for i in merged.indicators}["t3.new.total"] == 95


def test_poorer_source_fills_missing_keys():
    page = report([("headline.fees", 0)], body="x" * 400)
    merged, _ = merge_attachment(page, PDF, "attachment:r.pdf")
    assert "headline.fees" in {i.key for i in merged.indicators}


def test_merge_does_not_change_the_inputs():
    before = len(PAGE.indicators)
    merge_attachment(PAGE, PDF, "attachment:r.pdf")
    assert len(PAGE.indicators) == before
