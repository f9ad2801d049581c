"""Split the body into cover letter / report / next-year plan, and the report into its
numbered sections (一、二、…).

A page may wrap the report in a cover letter ("关于报送2012年度政府信息公开工作年度报告的
报告") and carry next year's plan after it ("2013年度政府信息公开工作计划"); the
statistics tables printed after the plan still belong to the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import Section
from .normalize import chinese_to_int, fold_width

_COVER_TITLE = re.compile(r"关于(?:报送|上报|提交|呈报).{0,40}(?:年度报告|年报|工作报告).{0,40}(?:的报告|的函|的通知)$")
_REPORT_HEADING = re.compile(
    r"^[^。，,；;《“]{0,30}?(?:(?:19|20)\d{2}|[〇○零一二][〇○零一二三四五六七八九]{3})\s*年度?.{0,12}?"
    r"(?:信息|政务)公开.{0,8}?(?:年度报告|年报|工作报告)[)）]?$"
)
_PLAN_HEADING = re.compile(r"^[^。，,；;《“]{0,30}?(?:19|20)\d{2}\s*年度?.{0,14}?(?:工作计划|工作要点|工作安排)$")
_BACK_TO_REPORT = re.compile(r"(?:情况)?统计表$|^表\s*[0-9一二三四五六七八九]")
_TABLE_ROW_LABEL = re.compile(r"申请数量|结转|办理结果|数量$|数$")
_SECTION = re.compile(r"^(?P<num>[一二三四五六七八九十]{1,3})\s*[、.．]\s*(?P<heading>.*)$")


@dataclass
class BodyParts:
    report: str
    cover_letter: str = ""
    next_year_plan: str = ""
    report_heading: str = ""
    report_lines: list[str] = field(default_factory=list)


def split_body(text: str) -> BodyParts:
    """Separate the cover letter and the next-year plan from the report proper."""
    lines = text.split("\n")
    cover_at = next(
        (n for n, line in enumerate(lines[:80])
         if "关于" in line and len(line.strip()) <= 120 and _COVER_TITLE.search(fold_width(line.strip()))),
        None,
    )
    heading_at = None
    for n in range((cover_at + 1) if cover_at is not None else 0, len(lines)):
        s = fold_width(lines[n].strip())
        if len(s) <= 60 and ("报" in s) and _REPORT_HEADING.search(s):
            heading_at = n
            break
    cover = ""
    start = 0
    if cover_at is not None and heading_at is not None:
        cover = "\n".join(lines[cover_at:heading_at]).strip()
        start = heading_at
    plan_from = plan_to = None
    for n in range(start + 1, len(lines)):
        s = fold_width(lines[n].strip())
        if plan_from is None:
            if len(s) <= 40 and ("计划" in s or "要点" in s or "安排" in s) and _PLAN_HEADING.search(s) and "|" not in s:
                plan_from = n
        elif len(s) <= 60 and "表" in s and _BACK_TO_REPORT.search(s):
            plan_to = n
            break
    if plan_from is None:
        report_lines = lines[start:]
        plan = ""
    else:
        end = plan_to if plan_to is not None else len(lines)
        plan = "\n".join(lines[plan_from:end]).strip()
        report_lines = lines[start:plan_from] + lines[end:]
    preamble = lines[:cover_at] if cover_at is not None and heading_at is not None else []
    report_lines = preamble + report_lines
    heading = fold_width(lines[heading_at].strip()) if heading_at is not None else ""
    return BodyParts("\n".join(report_lines).strip(), cover, plan, heading, report_lines)


def split_sections(report_text: str) -> list[Section]:
    """Numbered sections in order.  A "一、…" line only opens a section when it is the
    next number (so t3 row labels "一、本年新收…" inside flattened tables do not), and
    table rows (" | ") never do."""
    sections: list[Section] = []
    current = Section(number="", heading="", text="")
    buffer: list[str] = []
    expected = 1
    for line in report_text.split("\n"):
        s = line.strip()
        m = _SECTION.match(s) if "|" not in s and len(s) <= 60 else None
        number = chinese_to_int(m.group("num")) if m else None
        # Reports skip a number now and then ("二、" then "四、"); t3 row labels of a
        # flattened table ("四、结转下年度继续办理") are not headings.
        if m and number in (expected, expected + 1) and not _TABLE_ROW_LABEL.search(s):
            current.text = "\n".join(buffer).strip()
            if current.heading or current.text:
                sections.append(current)
            current = Section(number=m.group("num"), heading=m.group("heading").strip(), text="")
            buffer = []
            expected = number + 1
            continue
        buffer.append(line)
    current.text = "\n".join(buffer).strip()
    if current.heading or current.text:
        sections.append(current)
    return sections
