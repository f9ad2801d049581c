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
        if "报" not in lines[n]:
            continue  # width folding neither makes nor removes it: skip the fold
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
        # Fold only lines that can match: a heading's last character (划 点 排, 表) is
        # in the line before folding as after it.
        if plan_from is None:
            if not ("划" in lines[n] or "点" in lines[n] or "排" in lines[n]):
                continue
            s = fold_width(lines[n].strip())
            if len(s) <= 40 and ("计划" in s or "要点" in s or "安排" in s) and _PLAN_HEADING.search(s) and "|" not in s:
                plan_from = n
        elif "表" in lines[n] and len(s := fold_width(lines[n].strip())) <= 60 and _BACK_TO_REPORT.search(s):
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


# ---------------------------------------------------------------------------- what the body is

# The preamble formulas of a report ("本年度报告根据…编制", "统计期限自…", "现将…报告如下").
_PREAMBLE = tuple(re.compile(p) for p in (
    r"(?:本|此)(?:年度)?(?:报告|年报)(?:是)?(?:根据|依据|按照|依照|由)",
    r"(?:编制|制作|制定|形成|发布|公布|公开)(?:了|并公布)?(?:本|此)(?:年度)?报告",
    r"统计(?:期限|时限|期间|时间)|所列数据|数据统计",
    r"现将.{0,40}?(?:报告如下|公布如下|公开如下|情况报告)",
    r"(?:现|特)(?:向社会)?(?:公布|发布|公开|编制)(?:了)?[^。]{0,30}?(?:年度报告|工作报告|年报)",
    r"(?:19|20)\d{2}\s*年[^。]{0,12}?情况(?:报告)?如下",
    r"《中华人民共和国政府信息公开条例》[^。]{0,40}?(?:以下简称|实施以来|规定|要求)",
))
# The sections every era's report has, by what they are about.
_REPORT_HEADINGS = tuple(re.compile(p) for p in (
    r"总体情况|概\s*述|概况|基本情况|情况概述|引\s*言",
    r"主动公开",
    r"依申请公开|收到和处理政府信息公开申请",
    r"行政复议|行政诉讼",
    r"收费(?:及|和)减免|收费情况",
    r"存在的?(?:主要)?问题|改进(?:情况|措施)",
    r"其他需要报告的事项",
    r"政府信息公开|信息公开",
))
_HEADING_LINE = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[(（]\s*[一二三四五六七八九十]{1,3}\s*[)）]|[㈠-㈩]|\d{1,2}\s*[、.．](?!\d))"
)
_FIRST_SECTION = re.compile(r"^一\s*[、.．]\s*(?:总体情况|概\s*述)\s*$")
# What notices, rules and explanations say and reports do not.
_NOTICE = re.compile(r"通知如下|印发给你们|请认真贯彻执行|请结合实际|现就有关事项|起草背景|起草过程|本(?:制度|办法|规定)自")
_SALUTATION = re.compile(r"^各[^。]{2,60}[:：]$")
# "第三条 各镇（街）负责编制…"; not the t2 block heads "第二十条第（一）项" / "第二十条(五)项".
_ARTICLE = re.compile(r"^\s*第[一二三四五六七八九十百]+条\s*(?![第(（])[^项]{6,}")


def report_signals(text: str, head: int = 6000) -> tuple[int, int]:
    """(preamble formulas, kinds of report section headings) in the body's head."""
    text = text[:head]
    preamble = sum(1 for p in _PREAMBLE if p.search(text))
    kinds = set()
    for line in text.split("\n"):
        s = line.strip()
        if "|" in s or not _HEADING_LINE.match(s):
            continue
        heading = re.split(r"[。:：]", s, maxsplit=1)[0][:40]
        kinds.update(n for n, p in enumerate(_REPORT_HEADINGS) if p.search(heading))
    return preamble, len(kinds)


def reads_like_report(text: str) -> bool:
    """A body without a title that reads as an annual report: its preamble formula and
    report sections, or several of the report's sections."""
    preamble, headings = report_signals(text)
    if (preamble >= 1 and headings >= 2) or (preamble >= 2 and headings >= 1) or preamble >= 3 or headings >= 3:
        return True
    # A copy that starts at the report's first section ("一、概述" / "一、总体情况") and is
    # about disclosure work.
    first = next((l.strip() for l in text.split("\n") if l.strip()), "")
    return bool(_FIRST_SECTION.match(first)) and len(re.findall(r"(?:政府信息|政务)公开", text[:6000])) >= 3


def reads_like_notice(text: str) -> bool:
    """A notice, a set of rules or a policy explanation: its salutation ("各县（区）人民
    政府…："), its formulas ("通知如下", "请认真贯彻执行"), numbered articles."""
    lines = [l.strip() for l in text[:6000].split("\n")]
    return bool(
        _NOTICE.search(text[:6000])
        or any(_SALUTATION.match(l) for l in lines[:40])
        or sum(1 for l in lines if _ARTICLE.match(l)) >= 2
    )
