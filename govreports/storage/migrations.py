"""Schema changes, in order, as a :class:`sqlite_utils.Migrations` set.

sqlite-utils records the applied ones in ``_sqlite_migrations`` (set ``govreports``), so a
database written by an older version is upgraded in place when it is next opened.  Never
edit a migration that has shipped: add a new one.

:func:`apply_migrations` applies every pending migration in one transaction that holds
the write lock from its start, so that a process killed while migrating leaves the
database as it was before, and a second process opening a new database at the same time
waits, then finds the work done.  A migration must therefore not end the transaction
(no ``VACUUM``, no journal-mode change; ``PRAGMA foreign_keys`` cannot change inside it).
sqlite-utils' table operations (create, add_column, create_index, enable_fts, transform …)
join the open transaction; :func:`apply_migrations` checks that it is still open.

Reference data that follows the code's own files (the codebook ``indicator_keys``, the
``regions``) is not frozen here: :mod:`govreports.storage.reference` reloads it after the
migrations whenever those files change.
"""

from __future__ import annotations

import json
import re

import sqlite_utils
from sqlite_utils import Migrations

migrations = Migrations("govreports")

# Where the home-made runner used before sqlite-utils' Migrations recorded applied
# migrations (name, applied_at).
LEGACY_MIGRATIONS_TABLE = "_migrations"


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db["portals"].create(
        {
            "portal_id": str,
            "region_code": str,
            "region_name": str,
            "portal_name": str,
            "home_url": str,
            "list_urls": str,
            "platform": str,
            "render_js": int,
            "obey_robots": int,
            "robots_note": str,
            "discovered_list_urls": str,
            "updated_at": str,
        },
        pk="portal_id",
    )
    db["crawl_runs"].create(
        {
            "run_id": str,
            "started_at": str,
            "finished_at": str,
            "status": str,  # running | finished | <close reason>
            "region": str,
            "args": str,  # JSON
            "portals": int,
            "reports_new": int,
            "reports_updated": int,
            "reports_unchanged": int,
            "non_reports": int,
            "failures": int,
            "stats": str,  # JSON: per portal list pages, report pages, reports, failures
        },
        pk="run_id",
    )
    db["reports"].create(
        {
            "report_id": str,
            "identity": str,  # ix:<site>:<索引号> or url:<canonical url>
            "url": str,  # where it was first seen (canonical)
            "portal_id": str,
            "region_code": str,
            "region_name": str,
            "publisher": str,
            "title": str,
            "report_year": int,
            "era": str,
            "index_no": str,  # verbatim
            "written_date": str,
            "published_date": str,
            "doc_no": str,
            "metadata": str,  # JSON: the whole metadata block and page meta tags
            "body_text": str,
            "body_text_original": str,
            "cover_letter": str,
            "next_year_plan": str,
            "sections": str,  # JSON list of {number, heading, text}
            "source_format": str,  # html | pdf | docx | …
            "attachment_urls": str,  # space-separated
            "sha256": str,  # of the content we parsed
            "flags": str,  # JSON list of {rule, message, numbers}
            "first_seen": str,
            "last_seen": str,
            "last_changed": str,
            "run_id": str,
        },
        pk="report_id",
        foreign_keys=[("portal_id", "portals", "portal_id")],
    )
    db["reports"].create_index(["identity"], unique=True)
    db["reports"].create_index(["region_code", "report_year"])
    db["report_urls"].create(
        {
            "report_id": str,
            "url": str,  # canonical
            "list_url": str,  # the column it was listed in
            "first_seen": str,
            "last_seen": str,
        },
        pk=("report_id", "url"),
        foreign_keys=[("report_id", "reports", "report_id")],
    )
    db["indicators"].create(
        {
            "report_id": str,
            "key": str,
            "value": float,
            "raw": str,
            "unit": str,
            "source": str,
            "evidence": str,
        },
        pk=("report_id", "key"),
        foreign_keys=[("report_id", "reports", "report_id")],
    )
    db["indicators"].create_index(["key"])
    db["report_tables"].create(
        {
            "report_id": str,
            "table_index": int,
            "kind": str,
            "caption": str,
            "n_rows": int,
            "n_cols": int,
            "cells": str,  # JSON list of rows
            "source": str,
        },
        pk=("report_id", "table_index"),
        foreign_keys=[("report_id", "reports", "report_id")],
    )
    db["attachments"].create(
        {
            "report_id": str,
            "url": str,
            "link_text": str,
            "sha256": str,
            "size": int,
            "type": str,
            "pages": int,
            "path": str,
            "status": str,  # linked | downloaded | parsed | needs_ocr | failed | too_large
            "error": str,
            "fetched_at": str,
        },
        pk=("report_id", "url"),
        foreign_keys=[("report_id", "reports", "report_id")],
    )
    db["fetch_failures"].create(
        {
            "id": int,
            "run_id": str,
            "portal_id": str,
            "url": str,
            "reason": str,
            "http_status": int,
            "attempts": int,
            "last_error": str,
            "at": str,
        },
        pk="id",
    )
    db["fetch_failures"].create_index(["url"])
    db["reports"].enable_fts(
        ["title", "body_text"], tokenize="trigram", create_triggers=True
    )


@migrations()
def m002_incremental(db: sqlite_utils.Database) -> None:
    """Recrawl state: validators per URL, report versions, removal marks, list state."""
    urls = db["report_urls"]
    urls.add_column("etag", str)
    urls.add_column("last_modified", str)
    urls.add_column("last_fetched", str)
    urls.add_column("gone_at", str)  # the URL answered 404/410 or a deleted page
    reports = db["reports"]
    reports.add_column("version", int)
    reports.add_column("removed_at", str)  # no longer on its portal (kept, never deleted)
    db.execute("UPDATE reports SET version = 1 WHERE version IS NULL")
    db["report_versions"].create(
        {
            "report_id": str,
            "version": int,
            "sha256": str,
            "first_seen": str,  # when this version was first stored
            "superseded_at": str,  # when a newer version replaced it
            "run_id": str,
            "report": str,  # JSON: the reports row as it was
            "indicators": str,  # JSON list of indicator rows
            "tables": str,  # JSON list of report_tables rows
        },
        pk=("report_id", "version"),
        foreign_keys=[("report_id", "reports", "report_id")],
    )
    db["list_state"].create(
        {
            "list_url": str,  # canonical URL of a column's first page
            "portal_id": str,
            "last_crawled": str,
            "last_pages": int,  # list pages read by the last crawl of it
            # 1 once a finished crawl has read it to its end (or to reports it already
            # knew from such a crawl): only then may later crawls stop paging it early.
            "complete": int,
        },
        pk="list_url",
    )


@migrations()
def m003_attachment_text(db: sqlite_utils.Database) -> None:
    """Attachment text, and the report's full-text index over it too."""
    db["attachments"].add_column("text", str)
    db["reports"].add_column("attachment_text", str)
    db["reports"].disable_fts()
    db["reports"].enable_fts(
        ["title", "body_text", "attachment_text"], tokenize="trigram", create_triggers=True
    )
    db["reports"].rebuild_fts()


# The reasons the crawler wrote before failures carried a kind, each with its kind (the
# values of govreports.failures.FailureKind, spelt out: a shipped migration must not change
# when that vocabulary does).  First match wins; anything else was "error".
LEGACY_REASON_KINDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), kind)
    for pattern, kind in (
        (r"HTTP \d{3}$", "http_error"),
        (r"timeout$", "timeout"),
        (r"truncated response\b", "truncated"),
        (r"response too large\b", "too_large"),
        (r"DNS lookup failed$", "dns"),
        (r"connection refused$", "refused"),
        (r"redirect loop\b", "redirect_loop"),
        (r"forbidden by robots\.txt$", "robots"),
        (r"(ignored: )?anti-bot\b", "challenge"),
        (r"ignored: ", "ignored"),
        (r"list page is not text$", "list_not_text"),
        (r"not a report: not a page or document\b", "not_a_document"),
        (r"not a report: deleted page\b", "deleted_page"),
        (r"not a report\b", "not_a_report"),
        (r"empty page$", "empty_page"),
        (r"invalid report\b", "invalid_report"),
        (r"discovery found no\b", "discovery"),
        # "not an HTML page (…)" (the first versions, before reports could be files),
        # "download cancelled: …" and "<ExceptionType>: …" stay "error": fetched again.
    )
)


def legacy_failure_kind(reason: str) -> str:
    """The kind of a failure recorded before kinds were, from the wording of its reason."""
    for pattern, kind in LEGACY_REASON_KINDS:
        if pattern.match(reason):
            return kind
    return "error"


@migrations()
def m004_failure_kind(db: sqlite_utils.Database) -> None:
    """``fetch_failures.kind``: recrawls and exports select failures by kind, never by
    the wording of their reason.  Rows written before get theirs from that wording, once."""
    db["fetch_failures"].add_column("kind", str)
    rows = db.execute("SELECT id, reason FROM fetch_failures").fetchall()
    db.conn.executemany(
        "UPDATE fetch_failures SET kind = ? WHERE id = ?",
        [(legacy_failure_kind(reason or ""), row_id) for row_id, reason in rows],
    )
    db["fetch_failures"].create_index(["kind"])


# --- m005: research views --------------------------------------------------------------------
# Everything below is frozen with the migration: a later change to a view or a rule is a new
# migration that drops and recreates it.  The reference rows are defaults users may edit
# (UPDATE compliance_settings …); the codebook and regions are loaded by
# govreports.storage.reference after the migrations, because they follow the code's data.

# The rules the compliance views apply, as rows anyone can read (and change) in the database.
COMPLIANCE_SETTINGS = (
    ("as_of_date", "", "the day the scorecard is judged on (YYYY-MM-DD); empty: today (UTC). "
                       "A body-year whose deadline is after it is not_yet_due, not missing"),
    ("coverage_start_year", "", "first report year of coverage and compliance_body_years; "
                                "empty: each portal's (body's) first known report year"),
    ("coverage_end_year", "", "last report year of coverage and compliance_body_years; "
                              "empty: the year before as_of_date"),
    ("yoy_factor", "10", "a headline figure this many times the previous year's (or a tenth of it, "
                         "or less) is flagged for review …"),
    ("yoy_min_change", "10", "… when it also changed by at least this much (small counts jump easily)"),
)
# The national report forms, by the first report year they apply to.
FORMS = (
    ("2019", 2019, "国办公开办函〔2019〕60号"),
    ("2021", 2021, "国办公开办函〔2021〕30号"),
)
FORM_TABLES = tuple(
    (form, kind, heading)
    for form, _, _ in FORMS
    for kind, heading in (("t2", "二、主动公开政府信息情况"), ("t3", "三、收到和处理政府信息公开申请情况"),
                          ("t4", "四、政府信息公开行政复议、行政诉讼情况"))
)
# The six sections both forms require, and the LIKE patterns that recognise a report's
# heading as one of them (sites add or drop words: "五、政府信息公开工作存在的主要问题及改进情况").
FORM_SECTIONS = (
    (1, "一", "总体情况", ("%总体%", "%概述%", "%概况%")),
    (2, "二", "主动公开政府信息情况", ("%主动公开%",)),
    (3, "三", "收到和处理政府信息公开申请情况", ("%收到%申请%", "%处理%申请%", "%依申请%")),
    (4, "四", "政府信息公开行政复议、行政诉讼情况", ("%复议%", "%诉讼%")),
    (5, "五", "存在的主要问题及改进情况", ("%问题%", "%改进%")),
    (6, "六", "其他需要报告的事项", ("%其他需要报告%", "%其他%事项%")),
)
_ART31_492 = "第三十一条：各级行政机关应当在每年3月31日前公布本行政机关的政府信息公开工作年度报告"
# When a report for year Y is due: (Y+1)-<month_day>, by the kind of body (see BODY_KINDS).
DEADLINES = (
    ("国令第492号", None, 2018, "government", "03-31", _ART31_492),
    ("国令第492号", None, 2018, "township", "03-31", _ART31_492),
    ("国令第492号", None, 2018, "department", "03-31", _ART31_492),
    ("国令第711号", 2019, None, "department", "01-31",
     "第四十九条第一款：县级以上人民政府部门应当在每年1月31日前向本级政府信息公开工作主管部门提交"
     "本行政机关上一年度政府信息公开工作年度报告并向社会公布"),
    ("国令第711号", 2019, None, "government", "03-31",
     "第四十九条第二款：县级以上地方人民政府的政府信息公开工作主管部门应当在每年3月31日前向社会公布"
     "本级政府上一年度政府信息公开工作年度报告"),
    ("国令第711号", 2019, None, "township", "03-31",
     "条例未规定乡镇人民政府、街道办事处的期限：取第四十九条第二款的3月31日（地方要求更早的，改此行）"),
)
# Who published a report: the body its title names before the year ("示范县财政局2023年…"),
# else its publisher.  The longest suffix the body ends with says its kind, and what its
# name ends with once that suffix is replaced, so "示范县人民政府", "示范县" and
# "示范县人民政府办公室" (which publishes the government's report) are one body, 示范县.
# A body no suffix matches is a department; one without any name is "unknown".
BODY_KINDS = (
    ("人民政府办公室", "government", ""), ("人民政府办公厅", "government", ""),
    ("政府办公室", "government", ""), ("政府办公厅", "government", ""), ("人民政府", "government", ""),
    ("政府办", "government", ""), ("政府", "government", ""),
    ("省", "government", "省"), ("自治区", "government", "自治区"), ("市", "government", "市"),
    ("州", "government", "州"), ("盟", "government", "盟"), ("地区", "government", "地区"),
    ("县", "government", "县"), ("区", "government", "区"), ("旗", "government", "旗"),
    ("镇人民政府", "township", "镇"), ("乡人民政府", "township", "乡"), ("镇政府", "township", "镇"),
    ("乡政府", "township", "乡"), ("街道办事处", "township", "街道"), ("街道办", "township", "街道"),
    ("镇", "township", "镇"), ("乡", "township", "乡"), ("街道", "township", "街道"),
)

M005_VIEWS = (
    # Who published each report (see BODY_KINDS).
    ("report_bodies", """
WITH named AS (
    SELECT report_id, portal_id, report_year, trim(COALESCE(publisher, '')) AS publisher,
           replace(replace(COALESCE(title, ''), ' ', ''), '　', '') AS title
    FROM reports
), prefixed AS (
    SELECT report_id, portal_id, publisher,
           CASE WHEN instr(title, report_year || '年') > 1
                THEN substr(title, 1, instr(title, report_year || '年') - 1) ELSE '' END AS prefix
    FROM named
), bodies AS (
    SELECT report_id, portal_id,
           COALESCE(NULLIF(CASE WHEN prefix LIKE '%关于' THEN substr(prefix, 1, length(prefix) - 2)
                                WHEN prefix LIKE '关于%' THEN substr(prefix, 3)
                                ELSE prefix END, ''),
                    NULLIF(publisher, ''), '') AS body
    FROM prefixed
    GROUP BY report_id  -- one row per report anyway: this makes SQLite work it out once, not per suffix
), matched AS (  -- every suffix the body ends with …
    SELECT b.report_id, b.portal_id, b.body, k.suffix, k.body_kind, k.name_ending,
           COALESCE(length(k.suffix), 0) AS suffix_length
    FROM bodies b
    LEFT JOIN body_kinds k ON b.body != '' AND substr(b.body, -length(k.suffix)) = k.suffix
), longest AS (  -- … the longest decides (the other columns come from its row)
    SELECT report_id, portal_id, body, suffix, body_kind, name_ending, MAX(suffix_length)
    FROM matched GROUP BY report_id
), kinds AS (
    SELECT report_id, portal_id, body,
           CASE WHEN body = '' THEN 'unknown' ELSE COALESCE(body_kind, 'department') END AS body_kind,
           CASE WHEN suffix IS NULL THEN body
                ELSE substr(body, 1, length(body) - length(suffix)) || name_ending END AS body_name
    FROM longest
)
SELECT report_id, portal_id, body, body_kind, body_name, portal_id || '|' || body_name AS body_key
FROM kinds"""),
    # The national form a report's year falls under (NULL before 2019: no fixed form).
    ("report_forms", """
SELECT r.report_id, r.report_year, f.form
FROM reports r
LEFT JOIN (SELECT f.form, f.first_report_year,
                  (SELECT MIN(n.first_report_year) FROM forms n WHERE n.first_report_year > f.first_report_year)
                      AS next_first_year
           FROM forms f) f
       ON r.report_year >= f.first_report_year AND (f.next_first_year IS NULL OR r.report_year < f.next_first_year)"""),
    # One row per report, without the long texts: where it is from and who published it.
    ("report_list", """
SELECT r.report_id, r.report_year, r.era,
       r.region_code, COALESCE(g.name, NULLIF(r.region_name, ''), p.region_name) AS region_name,
       g.province, g.city,
       r.portal_id, p.portal_name, b.body, b.body_kind, r.publisher,
       r.title, r.title_original,
       r.published_date, r.written_date, r.index_no, r.doc_no, r.url, r.source_format,
       CASE WHEN json_valid(r.flags) THEN json_array_length(r.flags) ELSE 0 END AS flags_count,
       (SELECT count(*) FROM indicators i
        WHERE i.report_id = r.report_id AND i.key NOT LIKE 'unknown:%') AS indicator_count,
       r.first_seen, r.last_seen, r.removed_at, r.version
FROM reports r
LEFT JOIN regions g ON g.code = r.region_code
LEFT JOIN portals p ON p.portal_id = r.portal_id
LEFT JOIN report_bodies b ON b.report_id = r.report_id"""),
    # One row per report: the headline figures side by side (fees in 元, as decimals).
    ("headlines", """
SELECT l.report_id, l.report_year, l.era, l.region_code, l.region_name, l.province, l.city,
       l.portal_id, l.body, l.body_kind, l.publisher, l.title, l.title_original,
       l.published_date, l.url,
       h.proactive_total, h.applications_received, h.applications_disclosed,
       h.admin_reviews, h.lawsuits, h.fees,
       l.flags_count
FROM report_list l
LEFT JOIN (
    SELECT report_id,
           MAX(CASE WHEN key = 'headline.proactive_total' THEN value END) AS proactive_total,
           MAX(CASE WHEN key = 'headline.applications_received' THEN value END) AS applications_received,
           MAX(CASE WHEN key = 'headline.applications_disclosed' THEN value END) AS applications_disclosed,
           MAX(CASE WHEN key = 'headline.admin_reviews' THEN value END) AS admin_reviews,
           MAX(CASE WHEN key = 'headline.lawsuits' THEN value END) AS lawsuits,
           CAST(MAX(CASE WHEN key = 'headline.fees' THEN value END) AS REAL) AS fees
    FROM indicators WHERE key >= 'headline.' AND key < 'headline/'  -- the headline.* keys, by the key index
    GROUP BY report_id
) h ON h.report_id = l.report_id"""),
    # Every flag of every report.  category: consistency — a 勾稽 rule of a table format
    # (named <format>.<rule>: t3.column_balance, t4.total …); coverage — cells of the form
    # not read; disagreement — text or attachment against the table; parsing — the rest.
    ("rule_breaks", """
SELECT r.report_id, r.report_year, r.region_code, r.region_name, r.portal_id, r.title,
       json_extract(f.value, '$.rule') AS rule,
       CASE WHEN json_extract(f.value, '$.rule') LIKE 'coverage.%' THEN 'coverage'
            WHEN json_extract(f.value, '$.rule') LIKE '%.%' THEN 'consistency'
            WHEN json_extract(f.value, '$.rule') IN ('text_vs_table', 'page_vs_attachment') THEN 'disagreement'
            ELSE 'parsing' END AS category,
       json_extract(f.value, '$.message') AS message,
       json_extract(f.value, '$.numbers') AS numbers
FROM reports r, json_each(CASE WHEN json_valid(r.flags) THEN r.flags ELSE '[]' END) f"""),
    # For each report of a form's years and each of the six sections: is one of the
    # report's section headings like one of the section's patterns (form_sections)?
    ("section_checks", """
SELECT f.report_id, f.form, s.section_no, s.number, s.heading,
       EXISTS (SELECT 1 FROM reports r,
                      json_each(CASE WHEN json_valid(r.sections) THEN r.sections ELSE '[]' END) j,
                      form_sections p
               WHERE r.report_id = f.report_id AND p.section_no = s.section_no
                 AND json_extract(j.value, '$.heading') LIKE p.pattern) AS present
FROM report_forms f
JOIN (SELECT section_no, MIN(number) AS number, MIN(heading) AS heading
      FROM form_sections GROUP BY section_no) s
WHERE f.form IS NOT NULL"""),
    # Required cells a report did not print (values read from sentences do not count).  The
    # cells of a report's form: the canonical keys of each of the form's tables in the form's
    # era.  The 2021 form accepts the 2019 form's single （六）其他处理 row (no 1./2./3.
    # sub-rows printed): then no （六） cell is required.
    ("missing_cells", """
WITH sub_rows AS (  -- reports that print the 2021 form's 1./2./3. sub-rows of （六）
    SELECT report_id FROM indicators
    WHERE key >= 't3.result.other.no_correction.' AND key < 't3.result.other.no_correction/'
    GROUP BY report_id
)
SELECT f.report_id, f.form, t.table_kind, k.key, k.label
FROM report_forms f
JOIN form_tables t ON t.form = f.form
JOIN indicator_keys k ON k.canonical = 1 AND k.table_kind = t.table_kind
     AND instr(' ' || k.eras || ' ', ' ' || f.form || ' ') > 0
LEFT JOIN sub_rows s ON s.report_id = f.report_id
WHERE NOT (f.form = '2021' AND k.key LIKE 't3.result.other.%' AND s.report_id IS NULL)
  AND NOT EXISTS (SELECT 1 FROM indicators i
                  WHERE i.report_id = f.report_id AND i.key = k.key AND COALESCE(i.source, '') != 'text')"""),
    # Per report and required table: present (a table of that kind, or any of its cells read
    # from a table) and complete (every required cell printed: see missing_cells).
    ("table_checks", """
WITH form_cells AS (  -- the cells of each form: (form, key), and whether it is a （六） cell
    SELECT f.form, k.key, k.table_kind, k.key LIKE 't3.result.other.%' AS other_row,
           k.key LIKE 't3.result.other.no_correction.%' AS sub_row
    FROM forms f JOIN indicator_keys k
         ON k.canonical = 1 AND instr(' ' || k.eras || ' ', ' ' || f.form || ' ') > 0
), required AS (  -- per form and table: its cells, and how many of them are （六） cells
    SELECT form, table_kind, count(*) AS cells, SUM(other_row) AS other_cells
    FROM form_cells GROUP BY form, table_kind
), judged_forms AS (  -- the reports a form judges (GROUP BY: worked out once)
    SELECT report_id, form FROM report_forms WHERE form IS NOT NULL GROUP BY report_id
), given AS (  -- per report and table: the required cells it printed
    SELECT f.report_id, c.table_kind,
           SUM(COALESCE(i.source, '') != 'text') AS cells,
           SUM(COALESCE(i.source, '') != 'text' AND c.other_row) AS other_cells,
           SUM(c.sub_row) AS sub_rows
    FROM judged_forms f
    CROSS JOIN indicators i ON i.report_id = f.report_id  -- CROSS: report by report, along the primary key
    JOIN form_cells c ON c.form = f.form AND c.key = i.key
    GROUP BY f.report_id, c.table_kind
), tables AS (
    SELECT report_id, kind FROM report_tables GROUP BY report_id, kind
), counted AS (
    SELECT f.report_id, f.form, t.table_kind, t.heading,
           (f.form = '2021' AND t.table_kind = 't3' AND COALESCE(g.sub_rows, 0) = 0) AS single_other_row,
           COALESCE(r.cells, 0) AS required_cells, COALESCE(r.other_cells, 0) AS required_other,
           COALESCE(g.cells, 0) AS given_cells, COALESCE(g.other_cells, 0) AS given_other,
           tb.report_id IS NOT NULL AS has_table
    FROM report_forms f
    JOIN form_tables t ON t.form = f.form
    LEFT JOIN required r ON r.form = f.form AND r.table_kind = t.table_kind
    LEFT JOIN given g ON g.report_id = f.report_id AND g.table_kind = t.table_kind
    LEFT JOIN tables tb ON tb.report_id = f.report_id AND tb.kind = t.table_kind
), judged AS (
    SELECT report_id, form, table_kind, heading, has_table,
           required_cells - CASE WHEN single_other_row THEN required_other ELSE 0 END AS cells_expected,
           given_cells - CASE WHEN single_other_row THEN given_other ELSE 0 END AS cells_given
    FROM counted
)
SELECT report_id, form, table_kind, heading, cells_expected, cells_given,
       cells_expected - cells_given AS cells_missing,
       (has_table OR cells_given > 0) AS present,
       ((has_table OR cells_given > 0) AND cells_given = cells_expected) AS complete
FROM judged"""),
    # compliance_settings with their defaults filled in: one row.
    ("compliance_parameters", """
WITH s AS (
    SELECT NULLIF(trim((SELECT value FROM compliance_settings WHERE name = 'as_of_date')), '') AS as_of_date,
           NULLIF(trim((SELECT value FROM compliance_settings WHERE name = 'coverage_start_year')), '') AS start_year,
           NULLIF(trim((SELECT value FROM compliance_settings WHERE name = 'coverage_end_year')), '') AS end_year,
           NULLIF(trim((SELECT value FROM compliance_settings WHERE name = 'yoy_factor')), '') AS yoy_factor,
           NULLIF(trim((SELECT value FROM compliance_settings WHERE name = 'yoy_min_change')), '') AS yoy_min_change
), d AS (
    SELECT s.*, COALESCE(date(s.as_of_date), date('now')) AS as_of FROM s
)
SELECT as_of AS as_of_date,
       CAST(start_year AS INTEGER) AS start_year,
       COALESCE(CAST(end_year AS INTEGER), CAST(strftime('%Y', as_of) AS INTEGER) - 1) AS end_year,
       COALESCE(CAST(yoy_factor AS REAL), 10.0) AS yoy_factor,
       COALESCE(CAST(yoy_min_change AS REAL), 10.0) AS yoy_min_change
FROM d"""),
    # Each headline figure against the same body's figure of the year before; review = 1
    # when it is yoy_factor times larger or smaller and changed by yoy_min_change or more.
    ("headline_changes", """
WITH figures AS (
    SELECT b.body_key, r.report_id, r.report_year, i.key, i.value
    FROM indicators i
    JOIN reports r ON r.report_id = i.report_id
    JOIN report_bodies b ON b.report_id = r.report_id
    WHERE i.key >= 'headline.' AND i.key < 'headline/' AND i.value IS NOT NULL  -- headline.*, by the key index
)
SELECT cur.report_id, cur.body_key, cur.report_year, cur.key,
       prev.report_id AS previous_report_id, prev.value AS previous_value, cur.value AS value,
       cur.value - prev.value AS change,
       CASE WHEN prev.value != 0 THEN round(cur.value * 1.0 / prev.value, 2) END AS ratio,
       (abs(cur.value - prev.value) >= p.yoy_min_change
        AND (cur.value >= p.yoy_factor * prev.value OR prev.value >= p.yoy_factor * cur.value)) AS review
FROM figures cur
JOIN figures prev ON prev.body_key = cur.body_key AND prev.key = cur.key
                 AND prev.report_year = cur.report_year - 1
CROSS JOIN compliance_parameters p"""),
    # The scorecard of each report.  on_time: published (the date the page gives; none:
    # unknown) on or before the deadline of its year and kind of body (deadlines).  Sections
    # and tables: for reports of a form's years (2019 on).  consistent: no 勾稽 rule broken
    # (unknown without a t3/t4 table).  passed: 0 when a check failed, 1 when all applicable
    # passed, NULL when the date is unknown.  yoy_reviews are for review, not failures.
    ("compliance", """
WITH base AS (
    SELECT r.report_id, r.report_year, r.era, f.form, r.portal_id, r.region_code,
           COALESCE(g.name, NULLIF(r.region_name, '')) AS region_name, g.province, g.city,
           b.body, b.body_kind, b.body_name, b.body_key, r.title, r.url,
           date(substr(json_extract(CASE WHEN json_valid(r.metadata) THEN r.metadata ELSE '{}' END,
                                    '$.block.published_date'), 1, 10)) AS published_date,
           date((r.report_year + 1) || '-' || d.month_day) AS deadline,
           d.regulation || ' ' || d.basis AS deadline_basis
    FROM reports r
    JOIN report_bodies b ON b.report_id = r.report_id
    JOIN report_forms f ON f.report_id = r.report_id
    LEFT JOIN regions g ON g.code = r.region_code
    LEFT JOIN deadlines d ON d.body_kind = b.body_kind
         AND r.report_year BETWEEN COALESCE(d.first_report_year, 0) AND COALESCE(d.last_report_year, 9999)
), sections AS (
    SELECT report_id, SUM(present) AS found,
           group_concat(CASE WHEN NOT present THEN number || '、' || heading END, '；') AS missing
    FROM (SELECT * FROM section_checks ORDER BY report_id, section_no)
    GROUP BY report_id
), tables AS (
    SELECT report_id, MIN(complete) AS complete,
           group_concat(CASE WHEN NOT present THEN table_kind END, ' ') AS missing,
           group_concat(CASE WHEN present AND NOT complete
                             THEN table_kind || '（缺' || cells_missing || '格）' END, ' ') AS incomplete
    FROM (SELECT * FROM table_checks ORDER BY report_id, table_kind)
    GROUP BY report_id
), breaks AS (
    SELECT report_id, count(*) AS breaks, group_concat(DISTINCT rule) AS rules
    FROM (SELECT report_id, rule FROM rule_breaks WHERE category = 'consistency' ORDER BY report_id, rule)
    GROUP BY report_id
), with_rules AS (  -- the tables whose formats have 勾稽 rules
    SELECT report_id FROM report_tables WHERE kind IN ('t3', 't4') GROUP BY report_id
), reviews AS (
    SELECT report_id, count(*) AS reviews,
           group_concat(key || ' ' || previous_value || '→' || value, '；') AS review
    FROM (SELECT * FROM headline_changes WHERE review ORDER BY report_id, key)
    GROUP BY report_id
), checked AS (
    SELECT base.*,
           CASE WHEN published_date IS NULL OR deadline IS NULL THEN NULL
                WHEN published_date <= deadline THEN 1 ELSE 0 END AS on_time,
           CASE WHEN published_date > deadline
                THEN CAST(julianday(published_date) - julianday(deadline) AS INTEGER) END AS days_late,
           CASE WHEN form IS NOT NULL THEN COALESCE(s.found, 0) END AS sections_found,
           s.missing AS sections_missing,
           CASE WHEN form IS NOT NULL THEN s.missing IS NULL END AS sections_complete,
           t.missing AS tables_missing, t.incomplete AS tables_incomplete,
           CASE WHEN form IS NOT NULL THEN COALESCE(t.complete, 1) END AS tables_complete,
           COALESCE(x.breaks, 0) AS consistency_breaks, replace(x.rules, ',', ' ') AS rules_broken,
           CASE WHEN x.breaks > 0 THEN 0 WHEN w.report_id IS NOT NULL THEN 1 END AS consistent,
           COALESCE(v.reviews, 0) AS yoy_reviews, v.review AS yoy_review
    FROM base
    LEFT JOIN sections s ON s.report_id = base.report_id
    LEFT JOIN tables t ON t.report_id = base.report_id
    LEFT JOIN breaks x ON x.report_id = base.report_id
    LEFT JOIN with_rules w ON w.report_id = base.report_id
    LEFT JOIN reviews v ON v.report_id = base.report_id
)
SELECT report_id, report_year, era, form, portal_id, region_code, region_name, province, city,
       body, body_kind, body_name, body_key, title, url,
       published_date, deadline, deadline_basis, on_time, days_late,
       sections_found, sections_missing, sections_complete,
       tables_missing, tables_incomplete, tables_complete,
       consistency_breaks, rules_broken, consistent,
       yoy_reviews, yoy_review,
       CASE WHEN on_time = 0 OR sections_complete = 0 OR tables_complete = 0 OR consistent = 0 THEN 0
            WHEN on_time IS NULL THEN NULL ELSE 1 END AS passed,
       NULLIF(trim(
           CASE WHEN on_time IS NULL AND deadline IS NOT NULL THEN '发布日期不明；' ELSE '' END
           || CASE WHEN on_time = 0 THEN '逾期' || days_late || '天；' ELSE '' END
           || CASE WHEN sections_missing IS NOT NULL THEN '缺少章节：' || sections_missing || '；' ELSE '' END
           || CASE WHEN tables_missing IS NOT NULL THEN '缺少表格：' || tables_missing || '；' ELSE '' END
           || CASE WHEN tables_incomplete IS NOT NULL THEN '表格不完整：' || tables_incomplete || '；' ELSE '' END
           || CASE WHEN consistency_breaks > 0 THEN '勾稽关系不符：' || rules_broken || '；' ELSE '' END
           || CASE WHEN yoy_reviews > 0 THEN '同比异常待核：' || yoy_review || '；' ELSE '' END,
           '；'), '') AS issues
FROM checked"""),
    # The scorecard of each body and year, from its first known report year (or
    # coverage_start_year) to coverage_end_year: found, missing, or not_yet_due.  A portal
    # with no report of its government has a row for that government all the same.  With several
    # reports in a year: the earliest publication decides on_time, one complete report makes
    # sections/tables complete, any broken rule makes it inconsistent.
    ("compliance_body_years", """
WITH RECURSIVE
c AS (SELECT * FROM compliance),
bodies AS (
    SELECT body_key, portal_id, body_name, body_kind,
           MIN(region_code) AS region_code, MIN(region_name) AS region_name,
           MIN(province) AS province, MIN(city) AS city,
           MIN(report_year) AS first_year, MAX(report_year) AS last_year
    FROM c WHERE report_year IS NOT NULL GROUP BY body_key
    UNION ALL
    -- A portal without any report of its government: that government, named by its region.
    SELECT po.portal_id || '|' || COALESCE(g.name, po.region_name, ''), po.portal_id,
           COALESCE(g.name, po.region_name, ''), 'government', po.region_code, COALESCE(g.name, po.region_name),
           g.province, g.city, y.first_year, NULL
    FROM portals po
    LEFT JOIN regions g ON g.code = po.region_code
    LEFT JOIN (SELECT portal_id, MIN(report_year) AS first_year FROM reports GROUP BY portal_id) y
           ON y.portal_id = po.portal_id
    WHERE po.portal_id NOT IN (SELECT portal_id FROM c WHERE body_kind = 'government')
),
spans AS (
    SELECT b.*, COALESCE(p.start_year, b.first_year, p.end_year) AS from_year,
           max(p.end_year, COALESCE(b.last_year, p.end_year)) AS to_year
    FROM bodies b CROSS JOIN compliance_parameters p
),
years(body_key, report_year, to_year) AS (
    SELECT body_key, from_year, to_year FROM spans WHERE from_year <= to_year
    UNION ALL
    SELECT body_key, report_year + 1, to_year FROM years WHERE report_year < to_year
),
found AS (
    SELECT body_key, report_year, count(*) AS reports,
           group_concat(report_id, ' ') AS report_ids,
           MIN(published_date) AS published_date,
           MAX(sections_complete) AS sections_complete,
           MAX(tables_complete) AS tables_complete,
           MIN(consistent) AS consistent,
           SUM(yoy_reviews) AS yoy_reviews,
           group_concat(issues, ' | ') AS issues
    FROM (SELECT * FROM c ORDER BY body_key, report_year, published_date, report_id)
    GROUP BY body_key, report_year
),
due AS (
    SELECT y.body_key, y.report_year, s.portal_id, s.body_name, s.body_kind, s.region_code, s.region_name,
           s.province, s.city, COALESCE(f.reports, 0) AS reports, f.report_ids, f.published_date,
           f.sections_complete, f.tables_complete, f.consistent, f.yoy_reviews, f.issues,
           date((y.report_year + 1) || '-' || d.month_day) AS deadline
    FROM years y
    JOIN spans s ON s.body_key = y.body_key
    LEFT JOIN found f ON f.body_key = y.body_key AND f.report_year = y.report_year
    LEFT JOIN deadlines d ON d.body_kind = s.body_kind
         AND y.report_year BETWEEN COALESCE(d.first_report_year, 0) AND COALESCE(d.last_report_year, 9999)
)
SELECT due.body_key, portal_id, region_code, region_name, province, city, body_name AS body, body_kind,
       report_year,
       CASE WHEN reports > 0 THEN 'found'
            WHEN deadline IS NOT NULL AND p.as_of_date <= deadline THEN 'not_yet_due'
            ELSE 'missing' END AS status,
       reports, report_ids, published_date, deadline,
       CASE WHEN published_date IS NULL OR deadline IS NULL THEN NULL
            WHEN published_date <= deadline THEN 1 ELSE 0 END AS on_time,
       sections_complete, tables_complete, consistent, yoy_reviews,
       CASE WHEN reports = 0 THEN NULL
            WHEN (published_date > deadline) OR sections_complete = 0 OR tables_complete = 0 OR consistent = 0 THEN 0
            WHEN published_date IS NULL OR deadline IS NULL THEN NULL ELSE 1 END AS passed,
       issues
FROM due CROSS JOIN compliance_parameters p"""),
    # Portal × year, from the portal's first known report year (or coverage_start_year) to
    # coverage_end_year: how many reports of that year it published (any body), and
    # found / missing / not_yet_due (by the government's deadline).
    ("coverage", """
WITH RECURSIVE
counts AS (
    SELECT portal_id, report_year, count(*) AS reports FROM reports GROUP BY portal_id, report_year
),
spans AS (
    SELECT po.portal_id, po.portal_name, po.region_code, po.region_name,
           COALESCE(p.start_year, MIN(c.report_year), p.end_year) AS from_year,
           max(p.end_year, COALESCE(MAX(c.report_year), p.end_year)) AS to_year
    FROM portals po
    CROSS JOIN compliance_parameters p
    LEFT JOIN counts c ON c.portal_id = po.portal_id
    GROUP BY po.portal_id
),
years(portal_id, report_year, to_year) AS (
    SELECT portal_id, from_year, to_year FROM spans WHERE from_year <= to_year
    UNION ALL
    SELECT portal_id, report_year + 1, to_year FROM years WHERE report_year < to_year
)
SELECT y.portal_id, s.portal_name, s.region_code, COALESCE(g.name, s.region_name) AS region_name,
       g.province, g.city, y.report_year, COALESCE(c.reports, 0) AS reports,
       CASE WHEN c.reports > 0 THEN 'found'
            WHEN d.month_day IS NOT NULL AND p.as_of_date <= date((y.report_year + 1) || '-' || d.month_day)
                 THEN 'not_yet_due'
            ELSE 'missing' END AS status,
       date((y.report_year + 1) || '-' || d.month_day) AS deadline
FROM years y
JOIN spans s ON s.portal_id = y.portal_id
LEFT JOIN counts c ON c.portal_id = y.portal_id AND c.report_year = y.report_year
LEFT JOIN regions g ON g.code = s.region_code
LEFT JOIN deadlines d ON d.body_kind = 'government'
     AND y.report_year BETWEEN COALESCE(d.first_report_year, 0) AND COALESCE(d.last_report_year, 9999)
CROSS JOIN compliance_parameters p"""),
)


def _rebuild_indicators(db: sqlite_utils.Database) -> None:
    """``indicators`` again, with ``value NUMERIC`` and ``key`` referencing the codebook.

    SQLite cannot change a column's type or add a foreign key in place, so the table is
    rebuilt (create, copy, drop, rename: the documented procedure), in the migration's
    transaction.  sqlite-utils' ``transform`` does the same but cannot declare NUMERIC.
    NUMERIC affinity stores a whole number as an INTEGER (3268, not 3268.0) and keeps a
    fraction (385.62) as REAL, whatever the writer hands it."""
    orphans = db.execute(
        "SELECT count(*) FROM indicators WHERE report_id NOT IN (SELECT report_id FROM reports)").fetchone()[0]
    if orphans:
        raise RuntimeError(
            f"cannot upgrade the database: {orphans} indicators rows belong to no report (written with "
            "foreign keys off?); nothing was changed. Remove them first: DELETE FROM indicators WHERE "
            "report_id NOT IN (SELECT report_id FROM reports)")
    db.execute("""CREATE TABLE "indicators_m005" (
        "report_id" TEXT REFERENCES "reports"("report_id"),
        "key" TEXT REFERENCES "indicator_keys"("key"),
        "value" NUMERIC,
        "raw" TEXT,
        "unit" TEXT,
        "source" TEXT,
        "evidence" TEXT,
        PRIMARY KEY ("report_id", "key")
    )""")
    db.execute("""INSERT INTO indicators_m005 (report_id, key, value, raw, unit, source, evidence)
                  SELECT report_id, key, value, raw, unit, source, evidence FROM indicators ORDER BY rowid""")
    db.execute("DROP TABLE indicators")
    db.execute("ALTER TABLE indicators_m005 RENAME TO indicators")
    db["indicators"].create_index(["key"])


def _unknown_key_row(key: str) -> dict:
    """A placeholder codebook row for a key already stored (frozen with m005; the
    reference sync then fills in the schema's keys)."""
    if key.startswith("unknown:"):
        _, table, label = (key.split(":", 2) + ["", ""])[:3]
        label = re.sub(r"#\d+$", "", label)
    else:
        table, label = key.split(".", 1)[0], key
    return {"key": key, "table_kind": table, "eras": "", "row_label": label, "column_label": "",
            "label": label, "unit": "", "is_count": None, "canonical": 0, "position": None, "note": ""}


def _printed_title(title: str, body: str, body_original: str, page_meta: dict) -> str | None:
    """The title as printed, for a report stored before it was kept: the title itself
    when the page was not converted from Traditional, else the page's own title tag or
    first body line whose Simplified form is the title; None when neither is."""
    if not body_original or body_original == body:
        return title
    from govreports.parsing.normalize import to_simplified

    candidates = [page_meta.get(name, "") for name in ("ArticleTitle", "articletitle", "title", "og:title")]
    candidates += body_original.strip().split("\n", 3)[:3]
    for candidate in candidates:
        candidate = " ".join(candidate.split())
        if candidate and to_simplified(candidate) == title:
            return candidate
    return None


@migrations()
def m005_research_views(db: sqlite_utils.Database) -> None:
    """Research outputs: the printed title, the codebook and regions tables, the
    compliance rules as tables, indicator values stored NUMERIC with a foreign key to the
    codebook, and the views report_list, headlines, rule_breaks, coverage, compliance …"""
    import json

    db["reports"].add_column("title_original", str)
    rows = db.execute("SELECT rowid, title, body_text, body_text_original, metadata FROM reports").fetchall()
    updates = []
    for rowid, title, body, original, metadata in rows:
        try:
            page_meta = json.loads(metadata or "{}").get("page_meta") or {}
        except (ValueError, AttributeError):
            page_meta = {}
        updates.append((_printed_title(title or "", body or "", original or "", page_meta), rowid))
    db.conn.executemany("UPDATE reports SET title_original = ? WHERE rowid = ?", updates)

    db["reference_data"].create({"name": str, "sha256": str, "loaded_at": str}, pk="name")
    db["indicator_keys"].create(
        {
            "key": str,
            "table_kind": str,  # t2 | t3 | t4 | legacy | headline (the table of the form)
            "eras": str,  # space-separated: 2019 2021 legacy all
            "row_label": str,
            "column_label": str,
            "label": str,  # one label for a header
            "unit": str,
            "is_count": int,  # 1 a count (件, 条 …), 0 money (元, 万元), NULL not known
            "canonical": int,  # 1 a key of the schema; 0 a label a report printed that is not
            "position": int,  # order in the schema
            "note": str,
        },
        pk="key",
    )
    db["indicator_keys"].insert_all(
        [_unknown_key_row(key) for (key,) in db.execute("SELECT DISTINCT key FROM indicators")])
    db["indicator_keys"].create_index(["table_kind", "position"])
    db["regions"].create(
        {"code": str, "name": str, "level": str, "province": str, "city": str, "full_name": str,
         "parent_code": str},
        pk="code",
    )
    db["regions"].create_index(["name"])

    db["compliance_settings"].create({"name": str, "value": str, "note": str}, pk="name")
    db["compliance_settings"].insert_all(
        [{"name": n, "value": v, "note": note} for n, v, note in COMPLIANCE_SETTINGS])
    db["forms"].create({"form": str, "first_report_year": int, "basis": str}, pk="form")
    db["forms"].insert_all([{"form": f, "first_report_year": y, "basis": b} for f, y, b in FORMS])
    db["form_tables"].create({"form": str, "table_kind": str, "heading": str}, pk=("form", "table_kind"))
    db["form_tables"].insert_all([{"form": f, "table_kind": k, "heading": h} for f, k, h in FORM_TABLES])
    db["form_sections"].create({"section_no": int, "number": str, "heading": str, "pattern": str},
                               pk=("section_no", "pattern"))
    db["form_sections"].insert_all([{"section_no": no, "number": number, "heading": heading, "pattern": pattern}
                                    for no, number, heading, patterns in FORM_SECTIONS for pattern in patterns])
    db["deadlines"].create(
        {"id": int, "regulation": str, "first_report_year": int, "last_report_year": int, "body_kind": str,
         "month_day": str, "basis": str},
        pk="id",
    )
    db["deadlines"].insert_all(
        [{"regulation": reg, "first_report_year": first, "last_report_year": last, "body_kind": kind,
          "month_day": day, "basis": basis} for reg, first, last, kind, day, basis in DEADLINES])
    db["body_kinds"].create({"suffix": str, "body_kind": str, "name_ending": str}, pk="suffix")
    db["body_kinds"].insert_all([{"suffix": s, "body_kind": k, "name_ending": e} for s, k, e in BODY_KINDS])

    _rebuild_indicators(db)
    for name, sql in M005_VIEWS:
        db.execute(f'CREATE VIEW "{name}" AS {sql.strip()}')


@migrations()
def m006_portal_bodies(db: sqlite_utils.Database) -> None:
    """The registry's level and body (a department's or town's column is a portal row of
    its own) and its provenance, kept with each portal."""
    for column in ("level", "body", "evidence_url", "source"):
        db["portals"].add_column(column, str)


# --- m007: report bodies -----------------------------------------------------------------------
# Who published a report is stored with it (reports.body_kind, body_name, and body_printed:
# the name as read from its title, registry row or publisher), worked out by
# govreports.bodies when it is written; report_bodies reads them.  A registry row's own
# body (a department's or town's column) is kept with the portal (portals.body_kind,
# body_name), so that the scorecard counts a missing year against that body, not against
# the region's government.
M007_REPORT_BODIES = """
SELECT report_id, portal_id, COALESCE(body_printed, '') AS body, COALESCE(NULLIF(body_kind, ''), 'unknown') AS body_kind,
       COALESCE(body_name, '') AS body_name, portal_id || '|' || COALESCE(body_name, '') AS body_key
FROM reports"""
_M007_ORPHAN_BODIES = """    -- A portal without any report of its own body: that body.  A registry row's body (a
    -- department's, town's, zone's column) is named as the registry names it; else the
    -- region's government, named by its region, found by any government report of the portal.
    SELECT o.portal_id || '|' || o.name, o.portal_id, o.name, o.kind, o.region_code, o.region_name,
           o.province, o.city, y.first_year, NULL
    FROM (SELECT po.portal_id, po.region_code, COALESCE(g.name, po.region_name) AS region_name, g.province, g.city,
                 COALESCE(po.body, '') != '' AS own,
                 CASE WHEN COALESCE(po.body, '') != '' THEN po.body_kind ELSE 'government' END AS kind,
                 CASE WHEN COALESCE(po.body, '') != '' THEN po.body_name
                      ELSE COALESCE(g.name, po.region_name, '') END AS name
          FROM portals po LEFT JOIN regions g ON g.code = po.region_code) o
    LEFT JOIN (SELECT portal_id, MIN(report_year) AS first_year FROM reports GROUP BY portal_id) y
           ON y.portal_id = o.portal_id
    WHERE CASE WHEN o.own THEN o.portal_id || '|' || o.name NOT IN (SELECT body_key FROM c)
               ELSE o.portal_id NOT IN (SELECT portal_id FROM c WHERE body_kind = 'government') END"""


def _with_orphan_bodies(sql: str, orphans: str) -> str:
    """m005's compliance_body_years with its second part of ``bodies`` (the rows of portals
    without reports of their body) replaced by ``orphans``."""
    start = sql.index("    -- A portal without any report of its government")
    end = sql.index("\n),\nspans AS", start)
    return sql[:start] + orphans + sql[end:]


M007_COMPLIANCE_BODY_YEARS = _with_orphan_bodies(dict(M005_VIEWS)["compliance_body_years"], _M007_ORPHAN_BODIES)
# coverage: a registry row of a body's own column is judged by that body's deadline (a
# department's column by 31 January), a government's portal as before.
M007_COVERAGE = dict(M005_VIEWS)["coverage"].replace(
    "SELECT po.portal_id, po.portal_name, po.region_code, po.region_name,",
    "SELECT po.portal_id, po.portal_name, po.region_code, po.region_name, po.body_kind,").replace(
    "LEFT JOIN deadlines d ON d.body_kind = 'government'",
    "LEFT JOIN deadlines d ON d.body_kind = COALESCE(NULLIF(s.body_kind, ''), 'government')")
assert M007_COVERAGE.count("body_kind") == 3
# Development zones' deadline: the Regulation sets none for them; like townships, 31 March.
M007_DEADLINES = (
    ("国令第492号", None, 2018, "zone", "03-31", _ART31_492),
    ("国令第711号", 2019, None, "zone", "03-31",
     "条例未规定开发区管理机构的期限：取第四十九条第二款的3月31日（地方要求更早的，改此行）"),
)


@migrations()
def m007_report_bodies(db: sqlite_utils.Database) -> None:
    """Each report's body kind and name, and each portal's, stored (existing rows get
    theirs from their title, publisher and registry body); report_bodies reads them,
    compliance_body_years counts a registry row's body as that body, and coverage judges a
    body's column by that body's deadline."""
    from govreports.bodies import portal_body_columns, report_body_columns

    for table in ("reports", "portals"):
        db[table].add_column("body_kind", str)
        db[table].add_column("body_name", str)
    db["reports"].add_column("body_printed", str)
    portals = {}
    for portal in db.query("SELECT portal_id, region_name, body FROM portals"):
        portals[portal["portal_id"]] = portal
        db.execute("UPDATE portals SET body_kind = :body_kind, body_name = :body_name WHERE portal_id = :portal_id",
                   {**portal_body_columns(portal), "portal_id": portal["portal_id"]})
    reports = list(db.query(
        "SELECT rowid, portal_id, title, publisher, report_year, region_name FROM reports"))
    db.conn.executemany(
        """UPDATE reports SET body_kind = :body_kind, body_name = :body_name, body_printed = :body_printed
           WHERE rowid = :rowid""",
        [{**report_body_columns(report, portals.get(report["portal_id"])), "rowid": report["rowid"]}
         for report in reports])
    db["reports"].create_index(["body_kind"])
    db["deadlines"].insert_all(
        [{"regulation": reg, "first_report_year": first, "last_report_year": last, "body_kind": kind,
          "month_day": day, "basis": basis} for reg, first, last, kind, day, basis in M007_DEADLINES])
    for name, sql in (("report_bodies", M007_REPORT_BODIES), ("compliance_body_years", M007_COMPLIANCE_BODY_YEARS),
                      ("coverage", M007_COVERAGE)):
        db.execute(f'DROP VIEW "{name}"')
        db.execute(f'CREATE VIEW "{name}" AS {sql.strip()}')


@migrations()
def m008_relative_attachment_paths(db: sqlite_utils.Database) -> None:
    """``attachments.path`` relative to the files folder (``GOVREPORTS_FILES_DIR``): a file's
    name, ``<sha256>.<ext>``, so the paths stay right when the database and its files are
    moved or merged into another database.  Files are kept flat in that folder, so a
    path written before (absolute, with ``/`` or ``\\``) is cut to its last part."""
    rows = db.execute("SELECT rowid, path FROM attachments WHERE path LIKE '%/%' OR path LIKE '%\\%'").fetchall()
    db.conn.executemany("UPDATE attachments SET path = ? WHERE rowid = ?",
                        [(re.split(r"[/\\]", path)[-1], rowid) for rowid, path in rows])


# --- m009: compact storage ---------------------------------------------------------------------
# The FTS update trigger of m003 (sqlite-utils' enable_fts), again: re-index a report only when
# an indexed text changes, not when a recrawl updates last_seen.
_FTS_COLUMNS = ("title", "body_text", "attachment_text")
M009_FTS_UPDATE_TRIGGER = f"""CREATE TRIGGER "reports_au" AFTER UPDATE OF {", ".join(_FTS_COLUMNS)} ON "reports"
WHEN {" OR ".join(f"old.{c} IS NOT new.{c}" for c in _FTS_COLUMNS)}
BEGIN
  INSERT INTO "reports_fts" ("reports_fts", rowid, {", ".join(_FTS_COLUMNS)})
    VALUES('delete', old.rowid, {", ".join("old." + c for c in _FTS_COLUMNS)});
  INSERT INTO "reports_fts" (rowid, {", ".join(_FTS_COLUMNS)})
    VALUES (new.rowid, {", ".join("new." + c for c in _FTS_COLUMNS)});
END"""
# The ranges of keys the research views read across all reports (headline.* in headlines and
# headline_changes, the （六） sub-rows in missing_cells): partial indexes, not one on every key.
M009_KEY_RANGES = {"headline": "headline.", "no_correction": "t3.result.other.no_correction."}


# indicators with their evidence filled in: what readers read (exports, snapshots of versions).
M009_INDICATOR_ROWS_VIEW = """CREATE VIEW "indicator_rows" AS
SELECT i.report_id, i.key, i.value, i.raw, i.unit, i.source, COALESCE(i.evidence, f.evidence) AS evidence,
       i.position
FROM indicators i LEFT JOIN form_evidence f ON f.key = i.key"""


def _compact_indicators(db: sqlite_utils.Database) -> None:
    """``indicators`` without rowid (the primary key (report_id, key) is the table: no second
    copy of every key in an automatic index), with ``position``, the order the report gave
    its rows in (what the rowid order was), the evidence of a cell of the national forms
    printed as issued left to ``form_evidence``, and partial key indexes for the views' ranges."""
    from govreports.storage.form_evidence import FORM_EVIDENCE

    db.execute("""CREATE TABLE "form_evidence" ("key" TEXT PRIMARY KEY, "evidence" TEXT NOT NULL) WITHOUT ROWID""")
    db.conn.executemany("INSERT INTO form_evidence (key, evidence) VALUES (?, ?)", FORM_EVIDENCE.items())
    db.execute("""CREATE TABLE "indicators_m009" (
        "report_id" TEXT NOT NULL REFERENCES "reports"("report_id"),
        "key" TEXT NOT NULL REFERENCES "indicator_keys"("key"),
        "value" NUMERIC,
        "raw" TEXT,
        "unit" TEXT,
        "source" TEXT,
        "evidence" TEXT,
        "position" INTEGER,
        PRIMARY KEY ("report_id", "key")
    ) WITHOUT ROWID""")
    db.execute("""INSERT INTO indicators_m009 (report_id, key, value, raw, unit, source, evidence, position)
                  SELECT i.report_id, i.key, i.value, i.raw, i.unit, i.source,
                         CASE WHEN i.evidence = f.evidence THEN NULL
                              WHEN i.evidence IS NULL AND f.key IS NOT NULL THEN '' ELSE i.evidence END,
                         row_number() OVER (PARTITION BY i.report_id ORDER BY i.rowid) - 1
                  FROM indicators i LEFT JOIN form_evidence f ON f.key = i.key""")
    db.execute("DROP TABLE indicators")
    # The views name indicators; the legacy rename leaves them alone (they find the new table).
    legacy = db.execute("PRAGMA legacy_alter_table").fetchone()[0]
    db.execute("PRAGMA legacy_alter_table=ON")
    try:
        db.execute("ALTER TABLE indicators_m009 RENAME TO indicators")
    finally:
        db.execute(f"PRAGMA legacy_alter_table={int(legacy)}")
    for name, prefix in M009_KEY_RANGES.items():
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        db.execute(f"""CREATE INDEX "idx_indicators_{name}" ON indicators(key)
                       WHERE key >= '{prefix}' AND key < '{upper}'""")
    db.execute(M009_INDICATOR_ROWS_VIEW)


@migrations()
def m009_compact_storage(db: sqlite_utils.Database) -> None:
    """Smaller databases, the same exports.

    * ``indicators`` is a WITHOUT ROWID table keyed by (report_id, key), as before; its rows
      have no rowid any more: ``position`` (0, 1, … per report) is the order the report gave
      them in, the old rowid order.  The index on every key is replaced by partial indexes
      on the key ranges the views read across reports (``headline.*``, the （六） sub-rows).
    * ``indicators.evidence`` is NULL where it is the evidence of a cell of the national forms
      printed as issued (``form_evidence``, frozen: :mod:`govreports.storage.form_evidence`);
      the view ``indicator_rows`` is ``indicators`` with the evidence filled in, as before.  (A
      row of such a cell that had no evidence at all, NULL, now has the empty text.)  The
      copies a revision keeps in ``report_versions.indicators`` are read from that view: whole.
    * ``reports.body_text_original`` is NULL when the page was not converted (the original is
      the Simplified ``body_text``); read ``COALESCE(body_text_original, body_text)``.
    * The full-text index is updated only when ``title``, ``body_text`` or ``attachment_text``
      change (trigger ``reports_au``), not whenever a recrawl touches a report.
    * JSON columns (``report_tables.cells``, ``reports.sections``, ``flags``, ``metadata``)
      are stored minified; they hold the same JSON values.

    Space freed by the upgrade is reused by later writes; ``VACUUM`` returns it to the disk."""
    db.execute('DROP TRIGGER IF EXISTS "reports_au"')
    db.execute(M009_FTS_UPDATE_TRIGGER)
    db.execute("UPDATE reports SET body_text_original = NULL WHERE body_text_original = body_text")
    for column in ("sections", "flags", "metadata"):
        db.execute(f"UPDATE reports SET {column} = json({column}) WHERE json_valid({column})")
    db.execute("UPDATE report_tables SET cells = json(cells) WHERE json_valid(cells)")
    _compact_indicators(db)


@migrations()
def m010_view_snapshots(db: sqlite_utils.Database) -> None:
    """Tables holding the rows of the slow research views for the research UI
    (``snapshot_compliance`` …), empty until :mod:`govreports.storage.snapshots`
    refreshes them (``scrapy browse`` does, before serving)."""
    from govreports.storage.snapshots import create_snapshot_tables

    create_snapshot_tables(db)


# --- m011: indicators stored by number ---------------------------------------------------------
@migrations()
def m011_indicators_by_number(db: sqlite_utils.Database) -> None:
    """``indicators`` is a view, with the same columns and rows; the cells are stored in
    ``indicator_values``, keyed by numbers instead of texts: the report's number in
    ``report_numbers`` and the key's rowid in ``indicator_keys``, with raw, unit and source
    NULL where they are the row's default (:mod:`govreports.storage.indicator_values`).  A
    third of the size, and an index on the key for reading one cell across all reports.

    Reading, inserting, updating and deleting ``indicators`` work as before (INSTEAD OF
    triggers); a row for a report or key that does not exist is refused, as the foreign
    keys refused it, and so is deleting a report that has indicators.  The codebook's
    rowids stay what they are: its rows are only ever added or updated in place, and SQLite
    keeps the rowids of a table with an index through ``VACUUM``."""
    from govreports.storage import indicator_values

    orphans = db.execute("""SELECT count(*) FROM indicators i WHERE NOT EXISTS
        (SELECT 1 FROM reports r WHERE r.report_id = i.report_id) OR NOT EXISTS
        (SELECT 1 FROM indicator_keys k WHERE k.key = i.key)""").fetchone()[0]
    if orphans:
        raise RuntimeError(
            f"cannot upgrade the database: {orphans} indicators rows name a report or key that does not exist "
            "(written with foreign keys off?); nothing was changed. Remove them first: DELETE FROM indicators "
            "WHERE report_id NOT IN (SELECT report_id FROM reports) OR key NOT IN (SELECT key FROM indicator_keys)")
    for table in indicator_values.TABLES:
        db.execute(table)
    # numbered in the order the reports were stored, as the store numbers new ones
    db.execute("""INSERT INTO report_numbers (report_id) SELECT report_id FROM reports
                  WHERE report_id IN (SELECT report_id FROM indicators) ORDER BY rowid""")
    stored = ", ".join(indicator_values.stored(f"v.{c}", indicator_values.DEFAULTS[c]) for c in ("raw", "unit", "source"))
    db.execute(f"""INSERT INTO indicator_values ({", ".join(indicator_values.COLUMNS)})
                   SELECT n.report_no, k.rowid, v.value, {stored}, v.evidence, v.position
                   FROM indicators v JOIN report_numbers n USING (report_id) JOIN indicator_keys k USING (key)
                   ORDER BY n.report_no, k.rowid""")
    db.execute("DROP TABLE indicators")  # and its partial key indexes (m009)
    db.execute(indicator_values.VIEW)
    for trigger in indicator_values.TRIGGERS:
        db.execute(trigger)


@migrations()
def m012_section_offsets(db: sqlite_utils.Database) -> None:
    """``reports.sections`` holds each section's offsets in ``body_text`` (``start``,
    ``end``) instead of a second copy of its text, wherever the text is one piece of the
    body (:mod:`govreports.storage.section_texts`); other sections keep their text, and so
    does a row whose sections are not valid JSON.  The view ``report_sections`` gives every
    section with its text.  Versions kept in ``report_versions`` are left as they were."""
    from govreports.storage.records import compact_json
    from govreports.storage.section_texts import REPORT_SECTIONS_VIEW, expand_sections, sections_as_stored

    after = -1
    while batch := db.execute(
            "SELECT rowid, sections, body_text FROM reports WHERE rowid > ? AND json_valid(sections) "
            "ORDER BY rowid LIMIT 500", (after,)).fetchall():
        after = batch[-1][0]
        updates = []
        for rowid, sections, body in batch:
            written = json.loads(sections)
            texts = expand_sections(written, body)
            stored = sections_as_stored(texts, body or "")
            if written == texts and expand_sections(stored, body) == texts:
                updates.append((compact_json(stored), rowid))
        db.conn.executemany("UPDATE reports SET sections = ? WHERE rowid = ?", updates)
    db.execute(REPORT_SECTIONS_VIEW)


def apply_migrations(db: sqlite_utils.Database) -> list[str]:
    """Apply the migrations this database has not had yet; return their names.

    All in one transaction begun with ``BEGIN IMMEDIATE``: it takes the write lock
    before reading what is pending, so two processes never both apply a migration (the
    second waits, up to the connection's busy timeout, then finds nothing to do), and a
    process killed half-way leaves the database as it was.  A database last written by
    the home-made runner has its bookkeeping carried over first, in the same transaction.
    """
    if LEGACY_MIGRATIONS_TABLE not in db.table_names() and not migrations.pending(db):
        return []  # the common case: no lock taken
    if db.conn.in_transaction:
        raise RuntimeError("apply_migrations() needs a connection with no open transaction")
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        bridge_legacy_bookkeeping(db)
        applied = [m.name for m in migrations.pending(db)]
        migrations.apply(db)
        if not db.conn.in_transaction:
            raise RuntimeError("a migration ended the transaction: it is no longer atomic")
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.commit()
    return applied


def bridge_legacy_bookkeeping(db: sqlite_utils.Database) -> list[str]:
    """Record the migrations listed in the old runner's ``_migrations`` table as applied
    (with their times) in sqlite-utils' ``_sqlite_migrations``, then drop the old table:
    they never run again.  Runs in the caller's transaction; returns the names carried over."""
    if LEGACY_MIGRATIONS_TABLE not in db.table_names():
        return []
    migrations.ensure_migrations_table(db)
    recorded = {m.name for m in migrations.applied(db)}
    carried = []
    for row in db[LEGACY_MIGRATIONS_TABLE].rows_where(order_by="rowid"):
        if row["name"] not in recorded:
            db[Migrations.migrations_table].insert(
                {"migration_set": migrations.name, "name": row["name"], "applied_at": row["applied_at"]}
            )
            carried.append(row["name"])
    db[LEGACY_MIGRATIONS_TABLE].drop()
    return carried
