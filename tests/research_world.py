"""A small database for the research views and exports, written with the store from
report records made here: one county (红花岗区, 520302) whose portal carries reports of its
government and of one department, and a second portal (汇川区) that yielded none.

Each report is made to pass or fail particular compliance rules (see ``REPORTS``):

* ``gov2021`` — government, 2021, on time; its t3 prints the 2019 single （六） row.
* ``gov2022`` — government, 2022, on time, all six sections and complete tables, no flags.
* ``dept2022`` — 红花岗区财政局, 2022, published 2023-02-15: late (departments: 31 January);
  section 六 missing, t3 missing cells, no t4, a broken 勾稽 rule.
* ``gov2023`` — government, 2023, the page gives no date (the list did): on time unknown;
  proactive_total ten times 2022's (a review), applications 12 after 10 (no review).
* ``gov2017`` — government, legacy, published 2018-04-02: late under the 2007 Regulation.

The compliance settings are fixed (as of 2024-02-15), so that the 汇川区 portal's 2023 is
not yet due while the department's 2023 (due 31 January) is missing.
"""

from __future__ import annotations

import json
from pathlib import Path

from govreports.schema import indicator_specs
from govreports.storage import ReportRecord, ReportStore
from govreports.storage.store import REPORT_COLUMNS

PORTALS = [
    {"portal_id": "hhg", "region_code": "520302", "region_name": "红花岗区", "portal_name": "红花岗区人民政府",
     "home_url": "http://hhg.gov.cn/", "list_urls": "", "platform": "trs", "render_js": 0, "obey_robots": 1,
     "robots_note": ""},
    {"portal_id": "hc", "region_code": "520303", "region_name": "汇川区", "portal_name": "汇川区人民政府",
     "home_url": "http://hc.gov.cn/", "list_urls": "", "platform": "trs", "render_js": 0, "obey_robots": 1,
     "robots_note": ""},
]
AS_OF = "2024-02-15"
SIX_SECTIONS = ["总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
                "政府信息公开行政复议、行政诉讼情况", "存在的主要问题及改进情况", "其他需要报告的事项"]
NUMBERS = "一二三四五六"


def form_keys(table: str, era: str) -> list[str]:
    return [s.key for s in indicator_specs() if s.table == table and era in s.formats]


def sections(headings: list[str]) -> str:
    return json.dumps([{"number": NUMBERS[n], "heading": h, "text": "……"} for n, h in enumerate(headings)],
                      ensure_ascii=False)


def cells(keys: list[str], value: float = 1.0, source: str = "table") -> list[dict]:
    return [{"key": k, "value": value, "raw": str(int(value)), "unit": "件", "source": source, "evidence": k}
            for k in keys]


def headline(**figures: float) -> list[dict]:
    return [{"key": f"headline.{name}", "value": value, "raw": str(value), "unit": "元" if name == "fees" else "件",
             "source": "text", "evidence": ""} for name, value in figures.items()]


def table(kind: str) -> dict:
    return {"kind": kind, "caption": "", "n_rows": 1, "n_cols": 1, "cells": "[]", "source": "html"}


def flag(rule: str) -> dict:
    return {"rule": rule, "message": f"{rule} broken", "numbers": {"column": "total"}}


# The 2021 t3 with the 2019 form's single （六） row: no 1./2./3. sub-rows.
SUB_ROWS = ("t3.result.other.no_correction.", "t3.result.other.unpaid_fee.", "t3.result.other.other.")
T3_SINGLE_OTHER_ROW = [k for k in form_keys("t3", "2021") if not k.startswith(SUB_ROWS)]
DEPT_T3_LEFT_OUT = form_keys("t3", "2021")[:7]  # 一、本年新收: seven cells not printed

REPORTS = {
    "gov2021": dict(
        title="红花岗区人民政府2021年政府信息公开工作年度报告", year=2021, era="2021", page_date="2022-03-30",
        sections=SIX_SECTIONS, tables=["t2", "t3", "t4"],
        indicators=cells(form_keys("t2", "2021")) + cells(T3_SINGLE_OTHER_ROW) + cells(form_keys("t4", "2021"))
        + headline(proactive_total=90.0, applications_received=8.0)),
    "gov2022": dict(
        title="红花岗区人民政府2022年政府信息公开工作年度报告", year=2022, era="2021", page_date="2023-03-20",
        sections=SIX_SECTIONS, tables=["t2", "t3", "t4"],
        indicators=cells([k for k in form_keys("t2", "2021") if k != "t2.fees.amount"])
        + cells(form_keys("t3", "2021")) + cells(form_keys("t4", "2021"))
        + headline(proactive_total=100.0, applications_received=10.0, applications_disclosed=4.0,
                   admin_reviews=2.0, lawsuits=0.0, fees=0.0)
        + [{"key": "t2.fees.amount", "value": 385.62, "raw": "385.62", "unit": "万元", "source": "table",
            "evidence": ""}]),
    "dept2022": dict(
        title="红花岗区财政局2022年政府信息公开工作年度报告", year=2022, era="2021", page_date="2023-02-15",
        publisher="红花岗区财政局", sections=SIX_SECTIONS[:5], tables=["t2", "t3"],
        indicators=cells(form_keys("t2", "2021"))
        + cells([k for k in form_keys("t3", "2021") if k not in DEPT_T3_LEFT_OUT])
        + cells(DEPT_T3_LEFT_OUT, source="text")  # read from sentences: do not fill the table
        + [{"key": "unknown:t3:（八）其他/natural_person", "value": 3.0, "raw": "3", "unit": "件",
            "source": "table", "evidence": ""}],
        flags=[flag("t3.column_balance"), flag("coverage.t3"), flag("text_vs_table")]),
    "gov2023": dict(
        title="红花岗区人民政府2023年政府信息公开工作年度报告", year=2023, era="2021", page_date="",
        list_date="2024-01-20", sections=SIX_SECTIONS, tables=["t2", "t3", "t4"],
        indicators=cells(form_keys("t2", "2021")) + cells(form_keys("t3", "2021")) + cells(form_keys("t4", "2021"))
        + headline(proactive_total=1500.0, applications_received=12.0, lawsuits=5.0)),
    "gov2017": dict(
        title="红花岗区2017年政府信息公开工作年度报告", year=2017, era="legacy", page_date="2018-04-02",
        sections=["概述", "主动公开政府信息情况"], tables=["legacy"],
        indicators=[{"key": "legacy.proactive.total", "value": 3268.0, "raw": "3268条", "unit": "条",
                     "source": "table", "evidence": ""}] + headline(proactive_total=3268.0)),
}


def report_record(name: str, spec: dict) -> ReportRecord:
    url = f"http://hhg.gov.cn/xxgknb/{name}.html"
    report = {c: "" for c in REPORT_COLUMNS} | {
        "report_id": name, "identity": f"url:{url}", "url": url, "portal_id": "hhg", "region_code": "520302",
        "region_name": "红花岗区", "publisher": spec.get("publisher", "红花岗区人民政府办公室"),
        "title": spec["title"], "title_original": spec["title"], "report_year": spec["year"], "era": spec["era"],
        "published_date": spec["page_date"] or spec.get("list_date", ""),
        "metadata": json.dumps({"block": {"published_date": spec["page_date"]} if spec["page_date"] else {}}),
        "sections": sections(spec["sections"]), "flags": json.dumps(spec.get("flags", []), ensure_ascii=False),
        "sha256": name, "body_text": "正文", "body_text_original": "正文",
    }
    return ReportRecord(report=report, url=url, indicators=spec["indicators"],
                        tables=[table(kind) | {"table_index": n} for n, kind in enumerate(spec["tables"])])


def build(path: Path, reports: dict[str, dict] | None = None, as_of: str | None = AS_OF) -> Path:
    store = ReportStore(path)
    run = store.start_run("红花岗区", {}, PORTALS)
    store.save_reports([report_record(name, spec) for name, spec in (reports or REPORTS).items()], run)
    store.finish_run(run, "finished", {}, {})
    if as_of:
        with store.conn:
            store.conn.execute("UPDATE compliance_settings SET value = ? WHERE name = 'as_of_date'", (as_of,))
    store.close()
    return path
