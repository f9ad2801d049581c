"""The research views (migration m005) on a database written by the store from report
records made in tests/research_world.py: report_list, headlines, rule_breaks, coverage,
compliance and compliance_body_years, the codebook and regions tables, and each
compliance rule with a case that passes and one that fails."""

from __future__ import annotations

import sqlite3

import pytest

from govreports.schema import indicator_specs
from govreports.storage import ReportStore, open_db
from govreports.storage import reference
from tests import research_world as world


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = world.build(tmp_path_factory.mktemp("views") / "world.db")
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


def one(db, sql, *params):
    rows = db.execute(sql, params).fetchall()
    assert len(rows) == 1, rows
    return rows[0]


def compliance(db, report_id):
    return one(db, "SELECT * FROM compliance WHERE report_id = ?", report_id)


# --- codebook and regions ------------------------------------------------------------------
def test_codebook_has_every_schema_key(db):
    stored = {r[0] for r in db.execute("SELECT key FROM indicator_keys WHERE canonical = 1")}
    assert stored == {s.key for s in indicator_specs()}


def test_codebook_row_labels_are_the_schema_labels(db):
    row = one(db, "SELECT * FROM indicator_keys WHERE key = 't2.rules.issued'")
    assert (row["table_kind"], row["eras"], row["row_label"], row["column_label"], row["label"], row["unit"],
            row["is_count"], row["canonical"]) == ("t2", "2021", "规章", "本年制发件数", "规章｜本年制发件数", "件", 1, 1)


def test_codebook_says_money_is_not_a_count(db):
    assert one(db, "SELECT is_count FROM indicator_keys WHERE key = 't2.fees.amount'")[0] == 0


def test_codebook_keeps_the_schema_order(db):
    stored = [r[0] for r in db.execute("SELECT key FROM indicator_keys WHERE canonical = 1 ORDER BY position")]
    assert stored == [s.key for s in indicator_specs()]


def test_an_unknown_label_gets_a_codebook_row_that_is_not_canonical(db):
    row = one(db, "SELECT * FROM indicator_keys WHERE key = 'unknown:t3:（八）其他/natural_person'")
    assert (row["table_kind"], row["row_label"], row["canonical"]) == ("t3", "（八）其他/natural_person", 0)


def test_a_key_nobody_knows_is_refused_by_the_foreign_key(tmp_path):
    path = world.build(tmp_path / "w.db", {"gov2022": world.REPORTS["gov2022"]})
    database = open_db(path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"), database.conn:
            database.conn.execute("INSERT INTO indicators (report_id, key, value) VALUES ('gov2022', 'x.y', 1)")
    finally:
        database.close()


def test_regions_name_the_province_and_city_of_a_county(db):
    row = one(db, "SELECT * FROM regions WHERE code = '520302'")
    assert (row["name"], row["level"], row["province"], row["city"]) == ("红花岗区", "county", "贵州省", "遵义市")


def test_a_province_is_its_own_province_and_in_no_city(db):
    row = one(db, "SELECT province, city FROM regions WHERE code = '520000'")
    assert tuple(row) == ("贵州省", None)


# --- integers and decimals ------------------------------------------------------------------
def test_a_whole_count_is_stored_as_an_integer(db):
    assert tuple(one(db, """SELECT value, typeof(value) FROM indicators
                            WHERE report_id = 'gov2017' AND key = 'legacy.proactive.total'""")) == (3268, "integer")


def test_a_fraction_is_stored_as_a_real(db):
    assert tuple(one(db, """SELECT value, typeof(value) FROM indicators
                            WHERE report_id = 'gov2022' AND key = 't2.fees.amount'""")) == (385.62, "real")


# --- report_list and headlines --------------------------------------------------------------
def test_report_list_has_no_long_texts(db):
    columns = {d[0] for d in db.execute("SELECT * FROM report_list LIMIT 0").description}
    assert not columns & {"body_text", "body_text_original", "metadata", "sections", "attachment_text",
                          "cover_letter", "next_year_plan"}


@pytest.mark.parametrize(("column", "value"), [
    ("region_name", "红花岗区"), ("province", "贵州省"), ("city", "遵义市"), ("portal_name", "红花岗区人民政府"),
    ("body", "红花岗区财政局"), ("body_kind", "department"), ("flags_count", 3),
    ("title_original", "红花岗区财政局2022年政府信息公开工作年度报告"),
])
def test_report_list_row(db, column, value):
    assert one(db, "SELECT * FROM report_list WHERE report_id = 'dept2022'")[column] == value


def test_report_list_counts_canonical_indicators_only(db):
    expected = len([i for i in world.REPORTS["dept2022"]["indicators"] if not i["key"].startswith("unknown:")])
    assert one(db, "SELECT indicator_count FROM report_list WHERE report_id = 'dept2022'")[0] == expected


def test_headlines_one_row_per_report(db):
    assert [r[0] for r in db.execute("SELECT report_id FROM headlines ORDER BY report_id")] == sorted(world.REPORTS)


@pytest.mark.parametrize(("column", "value", "kind"), [
    ("proactive_total", 100, "integer"), ("applications_received", 10, "integer"),
    ("applications_disclosed", 4, "integer"), ("admin_reviews", 2, "integer"), ("lawsuits", 0, "integer"),
    ("fees", 0.0, "real"),
])
def test_headline_figures_side_by_side(db, column, value, kind):
    row = one(db, f"SELECT {column}, typeof({column}) FROM headlines WHERE report_id = 'gov2022'")
    assert tuple(row) == (value, kind)


def test_a_headline_figure_the_report_does_not_give_is_empty(db):
    assert one(db, "SELECT fees FROM headlines WHERE report_id = 'gov2023'")[0] is None


# --- rule_breaks --------------------------------------------------------------------------
@pytest.mark.parametrize(("rule", "category"), [
    ("t3.column_balance", "consistency"), ("coverage.t3", "coverage"), ("text_vs_table", "disagreement"),
])
def test_rule_breaks_one_row_per_flag_with_its_category(db, rule, category):
    row = one(db, "SELECT * FROM rule_breaks WHERE report_id = 'dept2022' AND rule = ?", rule)
    assert (row["category"], row["message"]) == (category, f"{rule} broken")


def test_rule_breaks_of_a_report_without_flags(db):
    assert db.execute("SELECT count(*) FROM rule_breaks WHERE report_id = 'gov2022'").fetchone()[0] == 0


# --- who published it, and by when ------------------------------------------------------------
@pytest.mark.parametrize(("report_id", "kind", "name"), [
    ("gov2022", "government", "红花岗区"), ("gov2017", "government", "红花岗区"),
    ("dept2022", "department", "红花岗区财政局"),
])
def test_the_body_of_a_report(db, report_id, kind, name):
    assert tuple(one(db, "SELECT body_kind, body_name FROM report_bodies WHERE report_id = ?", report_id)) == (
        kind, name)


@pytest.mark.parametrize(("title", "publisher", "kind", "name"), [
    # the general office the title names reports on itself (m007; m005 read it as the government)
    ("示范县人民政府办公室关于2023年政府信息公开工作年度报告", "", "department", "示范县人民政府办公室"),
    ("2023年政府信息公开工作年度报告", "示范县人民政府办公室", "government", "示范县"),
    ("红花镇人民政府2023年政府信息公开工作年度报告", "", "township", "红花镇"),
    ("中华路街道办事处2023年政府信息公开工作年度报告", "", "township", "中华路街道"),
    ("示范县发展和改革局2023年政府信息公开工作年度报告", "", "department", "示范县发展和改革局"),
    ("2023年政府信息公开工作年度报告", "", "unknown", ""),
])
def test_body_kinds_by_the_end_of_the_name(tmp_path, title, publisher, kind, name):
    spec = dict(world.REPORTS["gov2022"], title=title, year=2023, publisher=publisher)
    path = world.build(tmp_path / "w.db", {"r": spec})
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT body_kind, body_name FROM report_bodies").fetchall() == [(kind, name)]


# --- the rules, each with reports that pass and reports that fail: one test per value ------------
COMPLIANCE = [
    # on time: a government by 31 March (passes), a department by 31 January (fails), the 2007
    # Regulation's 31 March (fails), no date on the page (unknown)
    ("gov2022", "deadline", "2023-03-31"), ("gov2022", "on_time", 1), ("gov2022", "days_late", None),
    ("dept2022", "deadline", "2023-01-31"), ("dept2022", "on_time", 0), ("dept2022", "days_late", 15),
    ("gov2017", "deadline", "2018-03-31"), ("gov2017", "on_time", 0), ("gov2017", "days_late", 2),
    ("gov2023", "published_date", None), ("gov2023", "on_time", None), ("gov2023", "passed", None),
    # six sections: all (passes), 六 left out (fails), before the 2019 form (not judged)
    ("gov2022", "sections_found", 6), ("gov2022", "sections_missing", None), ("gov2022", "sections_complete", 1),
    ("dept2022", "sections_found", 5), ("dept2022", "sections_missing", "六、其他需要报告的事项"),
    ("dept2022", "sections_complete", 0),
    ("gov2017", "form", None), ("gov2017", "sections_found", None), ("gov2017", "sections_complete", None),
    # three tables, complete: all (passes), the 2019 single （六） row in a 2021 report (passes),
    # t4 missing and t3 short of seven cells (fails), before the 2019 form (not judged)
    ("gov2022", "tables_missing", None), ("gov2022", "tables_incomplete", None), ("gov2022", "tables_complete", 1),
    ("gov2021", "tables_complete", 1),
    ("dept2022", "tables_missing", "t4"), ("dept2022", "tables_incomplete", "t3（缺7格）"),
    ("dept2022", "tables_complete", 0),
    ("gov2017", "tables_complete", None),
    # 勾稽: no rule broken (passes), a broken rule (fails), no t3/t4 table to check (unknown)
    ("gov2022", "consistency_breaks", 0), ("gov2022", "consistent", 1),
    ("dept2022", "consistency_breaks", 1), ("dept2022", "rules_broken", "t3.column_balance"),
    ("dept2022", "consistent", 0),
    ("gov2017", "consistent", None),
    # altogether
    ("gov2022", "passed", 1), ("gov2022", "issues", None), ("dept2022", "passed", 0),
    ("dept2022", "issues", "逾期15天；缺少章节：六、其他需要报告的事项；缺少表格：t4；表格不完整：t3（缺7格）；"
                           "勾稽关系不符：t3.column_balance"),
    ("gov2017", "deadline_basis", "国令第492号 第三十一条：各级行政机关应当在每年3月31日前公布本行政机关的"
                                  "政府信息公开工作年度报告"),
]


@pytest.mark.parametrize(("report_id", "column", "value"), COMPLIANCE, ids=lambda v: str(v))
def test_compliance(db, report_id, column, value):
    assert compliance(db, report_id)[column] == value


@pytest.mark.parametrize("heading", ["政府信息公开工作存在的主要问题及改进情况", "存在的问题和改进措施"])
def test_a_section_heading_with_other_words_counts(tmp_path, heading):
    spec = dict(world.REPORTS["gov2022"], sections=world.SIX_SECTIONS[:4] + [heading] + world.SIX_SECTIONS[5:])
    path = world.build(tmp_path / "w.db", {"r": spec})
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT sections_complete FROM compliance").fetchall() == [(1,)]


def test_cells_read_from_sentences_do_not_complete_a_table(db):
    missing = {r[0] for r in db.execute("SELECT key FROM missing_cells WHERE report_id = 'dept2022'")}
    assert missing == set(world.DEPT_T3_LEFT_OUT) | set(world.form_keys("t4", "2021"))


def test_some_but_not_all_other_sub_rows_is_incomplete(tmp_path):
    spec = world.REPORTS["gov2021"]
    sub_row = [k for k in world.form_keys("t3", "2021") if k.startswith("t3.result.other.no_correction.")]
    spec = dict(spec, indicators=spec["indicators"] + world.cells(sub_row))
    path = world.build(tmp_path / "w.db", {"r": spec})
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT tables_incomplete, tables_complete FROM compliance").fetchall() == [
            ("t3（缺14格）", 0)]


# --- rule: year-over-year review ------------------------------------------------------------------
def test_a_tenfold_jump_is_flagged_for_review(db):
    row = one(db, "SELECT * FROM headline_changes WHERE report_id = 'gov2023' AND key = 'headline.proactive_total'")
    assert (row["previous_report_id"], row["previous_value"], row["value"], row["ratio"], row["review"]) == (
        "gov2022", 100, 1500, 15.0, 1)


def test_an_ordinary_change_is_not_flagged(db):
    row = one(db, "SELECT * FROM headline_changes WHERE report_id = 'gov2023' AND key = 'headline.applications_received'")
    assert (row["previous_value"], row["value"], row["review"]) == (10, 12, 0)


def test_a_small_jump_from_zero_is_not_flagged(db):
    row = one(db, "SELECT * FROM headline_changes WHERE report_id = 'gov2023' AND key = 'headline.lawsuits'")
    assert (row["previous_value"], row["value"], row["ratio"], row["review"]) == (0, 5, None, 0)


def test_the_review_is_in_the_scorecard(db):
    row = compliance(db, "gov2023")
    assert (row["yoy_reviews"], row["yoy_review"]) == (1, "headline.proactive_total 100→1500")


def test_figures_are_compared_only_within_one_body(db):
    assert db.execute("SELECT count(*) FROM headline_changes WHERE report_id = 'dept2022'").fetchone()[0] == 0


# --- found at all: coverage and body-years --------------------------------------------------------
def coverage(db, portal_id):
    return [tuple(r) for r in db.execute(
        "SELECT report_year, reports, status FROM coverage WHERE portal_id = ? ORDER BY report_year", (portal_id,))]


def test_coverage_of_a_portal_from_its_first_report_to_last_year(db):
    assert coverage(db, "hhg") == [(2017, 1, "found"), (2018, 0, "missing"), (2019, 0, "missing"),
                                   (2020, 0, "missing"), (2021, 1, "found"), (2022, 2, "found"), (2023, 1, "found")]


def test_coverage_of_a_portal_without_reports_before_the_deadline(db):
    assert coverage(db, "hc") == [(2023, 0, "not_yet_due")]


def body_years(db, body):
    return [tuple(r) for r in db.execute(
        """SELECT report_year, status, report_ids, on_time, passed FROM compliance_body_years
           WHERE body = ? ORDER BY report_year""", (body,))]


def test_body_years_of_the_government(db):
    assert body_years(db, "红花岗区") == [
        (2017, "found", "gov2017", 0, 0), (2018, "missing", None, None, None), (2019, "missing", None, None, None),
        (2020, "missing", None, None, None), (2021, "found", "gov2021", 1, 1), (2022, "found", "gov2022", 1, 1),
        (2023, "found", "gov2023", None, None)]


def test_body_years_of_a_department_missing_after_its_deadline(db):
    assert body_years(db, "红花岗区财政局") == [(2022, "found", "dept2022", 0, 0), (2023, "missing", None, None, None)]


def test_body_years_of_a_portal_whose_government_published_nothing(db):
    assert [tuple(r) for r in db.execute(
        "SELECT body, body_kind, report_year, status FROM compliance_body_years WHERE portal_id = 'hc'")] == [
        ("汇川区", "government", 2023, "not_yet_due")]


def test_the_start_and_end_years_are_settings(tmp_path):
    path = world.build(tmp_path / "w.db")
    with sqlite3.connect(path) as conn:
        conn.executemany("UPDATE compliance_settings SET value = ? WHERE name = ?",
                         [("2020", "coverage_start_year"), ("2024", "coverage_end_year")])
        conn.commit()
        assert conn.execute("""SELECT report_year, status FROM coverage WHERE portal_id = 'hhg'
                               ORDER BY report_year""").fetchall() == [
            (2020, "missing"), (2021, "found"), (2022, "found"), (2023, "found"), (2024, "not_yet_due")]


def test_without_settings_the_scorecard_ends_last_year(tmp_path):
    from datetime import datetime, timezone

    path = world.build(tmp_path / "w.db", as_of=None)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT max(report_year) FROM coverage").fetchone()[0] == \
            datetime.now(timezone.utc).year - 1


# --- reference tables follow the code --------------------------------------------------------------
def test_reference_tables_are_loaded_once(tmp_path):
    path = world.build(tmp_path / "w.db")
    database = open_db(path)
    try:
        assert reference.sync_reference_tables(database) == []
    finally:
        database.close()


def test_a_key_the_schema_drops_stays_but_is_no_longer_canonical(tmp_path, monkeypatch):
    path = world.build(tmp_path / "w.db", {"gov2022": world.REPORTS["gov2022"]})
    specs = indicator_specs()
    monkeypatch.setattr(reference, "indicator_specs", lambda: tuple(s for s in specs if s.key != "t3.new.total"))
    monkeypatch.setattr(reference, "LOADER_VERSION", "test")  # the data changed: reload
    ReportStore(path).close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT canonical, position FROM indicator_keys WHERE key = 't3.new.total'").fetchall() \
            == [(0, None)]
        assert conn.execute("SELECT count(*) FROM indicators WHERE key = 't3.new.total'").fetchone()[0] == 1
