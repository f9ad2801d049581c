"""reports.sections as offsets into the body (govreports.storage.section_texts, migration
m012): stored and expanded again, each section gives back exactly what the parser split."""

from __future__ import annotations

import json
import sqlite3
from functools import lru_cache
from pathlib import Path

import pytest
import sqlite_utils

from govreports.parsing.report import parse_report_html, parse_report_text
from govreports.parsing.sections import split_body, split_sections
from govreports.storage import open_db
from govreports.storage.migrations import migrations
from govreports.storage.records import compact_json
from govreports.storage.section_texts import expand_sections, sections_as_stored
from govreports.storage.store import REPORT_COLUMNS
from tests.harness import SHARED, require_shared
from tests.real_pages import REAL_PAGES, as_html, read_index

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "parsing"
SAMPLES = SHARED / "samples"

# A report sent with its cover letter (索引号 above it), next year's plan printed between
# its last section and its statistics table: split_body joins the pieces around the letter
# and around the plan, so the first and the last section are not pieces of the body.
COVER_AND_PLAN = "\n".join([
    "索引号：001",
    "关于报送2012年度政府信息公开工作年度报告的报告",
    "市政府办公室：",
    "现将我县2012年度政府信息公开工作年度报告报送你们。",
    "示范县2012年政府信息公开工作年度报告",
    "本年度报告根据《中华人民共和国政府信息公开条例》编制。",
    "一、概述",
    "全年主动公开信息100条。",
    "二、主动公开政府信息情况",
    "主动公开信息100条。",  # also inside 一's text: found after it, not there
    "三、存在的主要问题和改进措施",
    "公开内容不够全面。",
    "2013年政府信息公开工作计划",
    "一是加强组织领导。",
    "二是完善制度。",
    "政府信息公开情况统计表",
    "指标 | 单位 | 数量",
    "主动公开政府信息数 | 条 | 100",
])


@lru_cache(maxsize=None)
def _real_index() -> dict[str, dict[str, str]]:
    return read_index(require_shared(REAL_PAGES / "index.csv"))


def _pages() -> list[str]:
    """Every page the parser is tested on: the shared real pages (as text, and as an HTML
    page of lines), the shared sample texts, the parsing fixtures."""
    real = [f"real:{page_id}:{how}" for page_id in _real_index() for how in ("text", "html")]
    samples = [f"sample:{p.name}" for p in sorted(require_shared(SAMPLES).glob("*.txt"))]
    fixtures = [f"fixture:{p.relative_to(FIXTURES)}" for p in sorted(FIXTURES.rglob("*"))
                if p.suffix in (".txt", ".html")]
    return real + samples + fixtures


@lru_cache(maxsize=None)
def parsed_page(page: str):
    kind, _, name = page.partition(":")
    if kind == "real":
        page_id, how = name.rsplit(":", 1)
        row = _real_index()[page_id]
        text = (REAL_PAGES / row["file"]).read_text(encoding="utf-8")
        return (parse_report_html(as_html(text), row["source"]) if how == "html"
                else parse_report_text(text, row["source"]))
    path = SAMPLES / name if kind == "sample" else FIXTURES / name
    url = f"http://www.example.gov.cn/{path.name}"
    if path.suffix == ".html":
        return parse_report_html(path.read_text(encoding="utf-8"), url)
    return parse_report_text(path.read_text(encoding="utf-8"), url)


def as_split(report) -> list[dict]:
    return [{"number": s.number, "heading": s.heading, "text": s.text} for s in report.sections]


PAGES = _pages() if (REAL_PAGES / "index.csv").exists() else ["real:index.csv missing:text"]


@pytest.mark.parametrize("page", PAGES)
def test_stored_sections_give_back_the_parsers_sections(page):
    report = parsed_page(page)
    stored = compact_json(sections_as_stored(as_split(report), report.body_text))
    assert expand_sections(stored, report.body_text) == as_split(report)
    for entry in json.loads(stored):
        assert list(entry) in (["number", "heading", "start", "end"], ["number", "heading", "text"])


def test_most_sections_are_stored_as_offsets_and_the_column_shrinks():
    """On the corpus nearly every section is a piece of its body: the stored JSON is a
    fraction of the copy it replaces."""
    entries, offsets, old_chars, new_chars = 0, 0, 0, 0
    for page in PAGES:
        report = parsed_page(page)
        stored = sections_as_stored(as_split(report), report.body_text)
        entries += len(stored)
        offsets += sum("start" in entry for entry in stored)
        old_chars += len(compact_json(as_split(report)))
        new_chars += len(compact_json(stored))
    assert entries > 500
    assert offsets / entries > 0.9, (offsets, entries)
    assert new_chars < old_chars / 3, (new_chars, old_chars)


def split(body: str) -> list[dict]:
    """The sections the parser splits a body into (as the store gets them)."""
    return [{"number": s.number, "heading": s.heading, "text": s.text} for s in split_sections(split_body(body).report)]


def test_cover_letter_and_next_year_plan_keep_their_sections_text():
    parts = split_body(COVER_AND_PLAN)
    assert parts.cover_letter.startswith("关于报送") and parts.next_year_plan.startswith("2013年")
    stored = sections_as_stored(split(COVER_AND_PLAN), COVER_AND_PLAN)
    assert [("text" in entry, entry["number"]) for entry in stored] == [
        (True, ""), (False, "一"), (False, "二"), (True, "三")]
    assert stored[0]["text"].startswith("索引号：001\n示范县2012年政府信息公开工作年度报告")
    assert "统计表" in stored[3]["text"] and "工作计划" not in stored[3]["text"]
    assert COVER_AND_PLAN[stored[2]["start"]:stored[2]["end"]] == "主动公开信息100条。"
    assert stored[2]["start"] > stored[1]["end"]
    assert expand_sections(compact_json(stored), COVER_AND_PLAN) == split(COVER_AND_PLAN)


def test_a_real_report_with_its_next_year_plan_inside():
    """红花岗区 2012: a cover letter, then the report, its plan before its last section's end."""
    report = parsed_page("sample:honghuagang-2012-report.txt")
    assert report.cover_letter and report.next_year_plan
    stored = sections_as_stored(as_split(report), report.body_text)
    kept = [entry for entry in stored if "text" in entry]
    assert len(kept) == 1 and report.next_year_plan not in kept[0]["text"]
    assert len(stored) >= 6
    assert expand_sections(compact_json(stored), report.body_text) == as_split(report)


@pytest.mark.parametrize("sections, body", [
    ([{"number": "一", "heading": "总体情况", "text": ""}], "一、总体情况\n二、其他"),  # empty
    ([{"number": "一", "heading": "概述", "text": "附件所载正文"}], "页面正文"),  # from an attachment
    ([{"number": "一", "heading": "概述", "text": "全年公开"}], "一、概述\n全年公开\x00"),  # SQLite stops at NUL
])
def test_a_text_that_cannot_be_an_offset_is_kept(sections, body):
    stored = sections_as_stored(sections, body)
    assert stored == sections
    assert expand_sections(stored, body) == sections


def test_expanding_reads_both_forms_and_nothing_else():
    body = "一、总体情况\n全年主动公开191条。"
    old = [{"number": "一", "heading": "总体情况", "text": "全年主动公开191条。"}]
    assert expand_sections(json.dumps(old, ensure_ascii=False), body) == old
    assert expand_sections([{"number": "一", "heading": "总体情况", "start": 7, "end": 18}], body) == old
    assert expand_sections("not json", body) == expand_sections(None, body) == expand_sections("", body) == []


# --- migration m012 -----------------------------------------------------------------------------
def _old_database(path: Path, reports: dict[str, tuple[str, str]]) -> None:
    """A database as the version before m012 left it, holding ``reports`` (id -> body,
    sections as that version stored them) and a kept version of the first."""
    conn = sqlite3.connect(str(path))
    db = sqlite_utils.Database(conn)
    migrations.apply(db, stop_before="m012_section_offsets")
    blank = {c: "" for c in REPORT_COLUMNS}
    for n, (report_id, (body, sections)) in enumerate(reports.items()):
        db["reports"].insert(blank | {"report_id": report_id, "identity": f"url:http://a.gov.cn/{n}.html",
                                      "url": f"http://a.gov.cn/{n}.html", "portal_id": "demo",
                                      "body_text": body, "sections": sections, "flags": "[]", "metadata": "{}",
                                      "sha256": f"sha{n}", "version": 2})
    first = next(iter(reports))
    db["report_versions"].insert({"report_id": first, "version": 1, "sha256": "older", "report": json.dumps(
        {"report_id": first, "body_text": reports[first][0], "sections": reports[first][1]}, ensure_ascii=False),
        "indicators": "[]", "tables": "[]"})
    conn.commit()
    conn.close()


def test_m012_stores_offsets_for_old_rows_and_keeps_their_texts(tmp_path):
    real = parsed_page("sample:honghuagang-2012-report.txt")
    cover = split(COVER_AND_PLAN)
    reports = {
        "real": (real.body_text, compact_json(as_split(real))),
        "cover": (COVER_AND_PLAN, compact_json(cover)),
        "spaced": (COVER_AND_PLAN, json.dumps(cover, ensure_ascii=False)),  # as before m009
        "broken": ("一、概述\n全文", '[{"number": "一", "heading": "概述", "text": "全文"'),  # not JSON
        "foreign": ("一、概述\n全文", '{"一": "全文"}'),  # JSON, but not a list of sections
        "none": ("", "[]"),
    }
    path = tmp_path / "old.db"
    _old_database(path, reports)
    with sqlite3.connect(path) as conn:
        version_before = conn.execute("SELECT report FROM report_versions").fetchall()
    db = open_db(path)
    try:
        after = {rid: sections for rid, sections in db.execute("SELECT report_id, sections FROM reports")}
        for report_id in ("real", "cover", "spaced"):
            body, sections = reports[report_id]
            assert expand_sections(after[report_id], body) == json.loads(sections), report_id
            view = [dict(zip(("number", "heading", "text"), row)) for row in db.execute(
                "SELECT number, heading, text FROM report_sections WHERE report_id = ? ORDER BY section_no",
                (report_id,))]
            assert view == json.loads(sections), report_id
        assert len(after["real"]) < len(reports["real"][1]) / 3
        for report_id in ("cover", "spaced"):  # the two sections split_body joined keep their text
            assert [e for e in json.loads(after[report_id]) if "text" in e] == [
                e for e in cover if e["number"] in ("", "三")]
        assert (after["broken"], after["foreign"], after["none"]) == (
            reports["broken"][1], reports["foreign"][1], "[]")
        assert db.execute("SELECT report FROM report_versions").fetchall() == version_before
        assert db.execute("SELECT count(*) FROM report_sections WHERE report_id IN ('broken', 'foreign', 'none')"
                          ).fetchone()[0] == 0
    finally:
        db.close()
