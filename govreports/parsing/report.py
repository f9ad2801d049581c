"""Orchestration: a report page (HTML) or a text copy in, a :class:`ParsedReport` out.

Steps: page meta and the metadata block -> main content without chrome -> tables as
grids, classified (t2/t3/t4/legacy) -> era -> indicators -> headline numbers ->
consistency flags; the body is also split into cover letter / report / next-year plan
and numbered sections.  Nothing here touches the network.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from urllib.parse import urljoin

from lxml import etree

from govreports.attachments.sniff import ATTACHMENT_LINK_EXTENSIONS

from . import html as htmlmod
from .checks import check, coverage
from .dates import is_date_line, parse_date
from .headline import headline
from .indicators import classify_grid, classify_tables, derive, detect_era, group_split_tables, makes_report, map_table
from .metadata import metadata_from_html, metadata_from_text, read_tokens
from .model import Flag, Indicator, Link, ParsedReport, Section, Table
from .normalize import clean_cell, fold_width, is_value_cell, to_simplified
from .sections import reads_like_notice, reads_like_report, split_body, split_sections
from .tables import TABLE_BREAK_LINE, html_table, text_table_grids
from .titles import LOOK_ALIKE_TITLE, is_annual_report_title, report_year, title_from_lines

# PDF page furniture in attachment text: "— 3 —", "-12-", "第 3 页 共 10 页".
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–－]+\s*\d{1,3}\s*[-—–－]+|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?)\s*$")
_METADATA_HINT = re.compile(r"索\s*引\s*号|发布机构|发文机关|发布单位")
# Mirror copies gloss characters with pinyin: "統(tǒng)計", "公(gong)開(kai)".  Tone-marked
# glosses are unambiguous; toneless ones are taken for glosses only when a page has many.
_PINYIN_GLOSS = re.compile(r"(?<=[\u3400-\u9fff])[(（](?P<py>[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6})[)）]")
_TONE_MARKS = set("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ")
ATTACHMENT_EXT = re.compile(rf"\.(?:{'|'.join(ATTACHMENT_LINK_EXTENSIONS)})(?:$|[?#])", re.I)


# ============================================================================ public

def parse_report_html(html: str, url: str) -> ParsedReport:
    """Parse a decoded report detail page."""
    tree, unread = htmlmod.parse_html_checked(html)
    meta = htmlmod.page_meta(tree)
    content = htmlmod.find_content(tree)
    metadata = metadata_from_html(tree, content)

    body_el = copy.deepcopy(content)
    htmlmod.remove_chrome(body_el)
    _drop_metadata_tables(body_el, metadata)
    tables = []
    table_lines = {}
    for table_el in body_el.iter("table"):
        if any(t is not table_el for t in table_el.iter("table")):
            continue  # a layout table wrapping the real one
        grid, printed = html_table(table_el)
        table_lines[table_el] = [" | ".join(r) for r in printed]
        grid = [[_simplified_cell(c) for c in row] for row in grid]
        if grid:
            tables.append(Table(index=len(tables), grid=grid, caption=_html_caption(table_el), source="html"))
    original = strip_pinyin_glosses(htmlmod.element_text(body_el, table_lines))
    # Many pages print the form's tables as text (one <p> per cell or per row): read
    # them when the page's <table>s do not already give the tables of a report.
    kinds = {classify_grid(t.grid, t.caption) for t in tables}
    unpadded: dict[int, list[list[str]]] = {}
    if "legacy" not in kinds and not set(_FORM_TABLES) <= kinds:
        more, unpadded = _text_tables(htmlmod.element_lines(body_el, TABLE_BREAK_LINE), "html",
                                      first_index=len(tables), present=kinds)
        tables += more

    # The page's meta tags fill what the visible block left out (page_meta keeps them as printed).
    if not metadata.get("published_date") and meta.get("PubDate"):
        metadata["published_date"] = parse_date(meta["PubDate"]) or meta["PubDate"]
    if not metadata.get("publisher") and meta.get("ContentSource"):
        metadata["publisher"] = meta["ContentSource"]
    simplified = _simplified_metadata(metadata)
    report = ParsedReport(url=url, page_meta=meta, metadata=simplified,
                          metadata_original=metadata if simplified != metadata else {})
    report.title_original = _html_title(tree, meta)
    report.title = to_simplified(report.title_original)
    report.attachments = _attachments(tree, body_el, htmlmod.base_url(url, html))
    _finish(report, original, tables, unpadded=unpadded)
    if unread:
        report.flags.append(Flag("page_unreadable", unread))
    return report


def parse_report_text(text: str, url: str, *, source: str = "text", title: str = "") -> ParsedReport:
    """Parse a text copy of a report page (or the text of a PDF/DOCX attachment;
    ``source`` then says "attachment:<filename>")."""
    text = strip_pinyin_glosses(text or "")
    # Chrome lines are dropped from the body only after the metadata is read: a byline
    # ("作者：… 来源：… 时间：… 分享到：") is both.
    lines = [l for l in _tidy_lines(text) if not _PAGE_NUMBER.match(l)]
    metadata, meta_lines = metadata_from_text("\n".join(lines))
    title_lines: set[int] = set()
    if not title:
        title, title_lines = title_from_lines(lines, meta_lines)
    title_original = clean_cell(title)
    title = to_simplified(title_original)
    body_lines = [l for n, l in enumerate(lines)
                  if n not in meta_lines and n not in title_lines and not htmlmod.is_chrome_line(l)
                  and not (title and to_simplified(l.strip()) == title)]
    original = "\n".join(body_lines)
    simplified = to_simplified(original)
    # Tables are looked for in the lines as given (blank lines can be empty cells),
    # without the metadata block and the title.
    not_body = {lines[n].strip() for n in meta_lines | title_lines} | ({title} if title else set())
    given = [line for line in re.split(r"\r\n|\r|\n", text)
             if not line.strip() or to_simplified(line.strip()) not in not_body and line.strip() not in not_body]
    tables, unpadded = _text_tables(given, source)
    simplified_meta = _simplified_metadata(metadata)
    report = ParsedReport(url=url, metadata=simplified_meta, title=title, title_original=title_original,
                          metadata_original=metadata if simplified_meta != metadata else {})
    _finish(report, original, tables, simplified=simplified, unpadded=unpadded)
    return report


# ============================================================================ shared

_FORM_TABLES = ("t2", "t3", "t4")


def _text_tables(lines: list[str], source: str, *, first_index: int = 0,
                 present: set[str] | None = None) -> tuple[list[Table], dict[int, list[list[str]]]]:
    """Tables printed as text in ``lines`` — the one finder for HTML pages, text copies
    and attachment text: labels in Simplified, values exactly as printed.  With
    ``present`` (the kinds a page's <table>s already gave), only tables of a form kind
    not among them are kept.  Returns the tables (indexed from ``first_index``) and,
    by index, the rows of those flattened one cell per line (their grids are padded)."""
    cleaned = []
    for line in lines:
        s = re.sub(r"[ \t\u3000\xa0]+", " ", line).strip()
        if s and (htmlmod.is_chrome_line(s) or _PAGE_NUMBER.match(s)):
            continue  # page furniture is not part of any table (nor a break in one)
        cleaned.append(s)
    found = text_table_grids(cleaned)
    tables = [Table(index=n, grid=[[_simplified_cell(c) for c in row] for row in t.grid], caption=to_simplified(t.caption),
                    source=source, complete=t.complete) for n, t in enumerate(found)]
    rows = {n: [[_simplified_cell(c) for c in row] for row in t.rows] for n, t in enumerate(found) if t.rows is not None}
    if present is not None:
        classify_tables(tables)
        keep = [n for n, t in enumerate(tables) if t.kind != "other" and t.kind not in present]
        tables, rows = [tables[n] for n in keep], {new: rows[n] for new, n in enumerate(keep) if n in rows}
    for n, table in enumerate(tables):
        table.index = first_index + n
    return tables, {first_index + n: r for n, r in rows.items()}


def _tidy_lines(text: str) -> list[str]:
    """Lines with runs of spaces collapsed, empty lines dropped (chrome kept)."""
    lines = (re.sub(r"[ \t\u3000\xa0]+", " ", line).strip() for line in text.replace("\r", "\n").split("\n"))
    return [line for line in lines if line]


def strip_pinyin_glosses(text: str) -> str:
    """"報(bào)告" -> "報告"; toneless "(gong)" only on a page with at least three."""
    glosses = [m for m in _PINYIN_GLOSS.finditer(text)]
    if not glosses:
        return text
    many = len(glosses) >= 3
    return _PINYIN_GLOSS.sub(lambda m: "" if many or _TONE_MARKS & set(m.group("py")) else m.group(0), text)


def _finish(report: ParsedReport, original: str, tables: list[Table], simplified: str | None = None,
            unpadded: dict[int, list[list[str]]] | None = None) -> None:
    report.body_text_original = original
    report.body_text = simplified if simplified is not None else to_simplified(original)
    parts = split_body(report.body_text)
    report.cover_letter = parts.cover_letter
    report.next_year_plan = parts.next_year_plan
    report.sections = split_sections(parts.report)
    if not report.title and parts.report_heading:
        # Read off the Simplified text: the printed form is not known.
        report.title = report.title_original = parts.report_heading

    report.report_year = (
        report_year(report.title) or report_year(parts.report_heading) or _year_from_text(parts.report)
        or _year_before(report.metadata.get("published_date") or report.page_meta.get("PubDate", ""))
        or _year_stated(parts.report)
    )
    classify_tables(tables)
    report.tables = tables
    report.era = detect_era(tables, report.report_year, parts.report)
    numbered = sum(1 for s in report.sections if s.number)
    titled = bool(is_annual_report_title(report.title) and report_year(report.title))
    notice = reads_like_notice(parts.report)
    report.is_report = bool(
        # The page's own title names a report for a year …
        titled
        # … or (title-less text copies, titles without a year) the body reads like one:
        # its heading plus numbered sections, the "现将…报告如下" formula, the report's
        # own tables, or its preamble formulas and sections.  A list page full of report
        # titles has none of these.
        or (parts.report_heading and numbered >= 2)
        or re.search(r"现将.{0,30}?信息公开.{0,12}?(?:报告如下|年度报告)", parts.report)
        or re.search(r"本(?:年度)?报告(?:是)?(?:根据|依据|按照)", parts.report[:600])
        or makes_report(tables)
        or reads_like_report(parts.report)
    ) and not (  # a page titled as a look-alike is not a report even if it quotes one
        report.title and LOOK_ALIKE_TITLE.search(report.title) and not is_annual_report_title(report.title)) \
        and not (notice and not titled)
    if report.is_report and report.era in ("2019", "2021") and not any(t.kind != "other" for t in tables) \
            and _legacy_layout(report.sections, parts.report):
        report.era = "legacy"  # a report for 2019 or later written in the old layout

    if not report.is_report:
        # A list page or a look-alike: no era, and only the year its own title names.
        report.report_year = report_year(report.title)
        if not any(t.kind != "other" for t in tables):
            report.era = None

    indicators: list[Indicator] = []
    for group in group_split_tables(tables):
        rows = [row for t in group for row in ((unpadded or {}).get(t.index) or t.grid)]
        indicators.extend(map_table(group[0], report.era, rows, cut=not group[-1].complete))
    indicators.extend(derive(indicators))
    indicators, dup_flags = _dedupe(indicators)
    heads, head_flags = headline(indicators, parts.report, report.era if report.is_report else None)
    report.indicators = indicators + heads
    report.flags = check(indicators) + head_flags + dup_flags + coverage(indicators, report.era, [t.kind for t in tables])
    report.flags += [Flag("table_incomplete", f"the {t.kind} table is cut off by the end of the text; its values so far are kept",
                          {"table_index": t.index}) for t in tables if not t.complete and t.kind != "other"]

    report.publisher = _publisher(report, parts.report)
    site_id = report.page_meta.get("SiteIDCode", "")
    if re.fullmatch(r"\d{10}", site_id):
        report.region_code = site_id[:6]


def _simplified_cell(cell: str) -> str:
    # Values stay exactly as printed; labels are stored in Simplified.
    return cell if is_value_cell(cell) else to_simplified(cell)


def _dedupe(indicators: list[Indicator]) -> tuple[list[Indicator], list[Flag]]:
    """One indicator per canonical key (the first table wins; a different later value
    is flagged, not merged).  Unknown rows are all kept."""
    seen: dict[str, Indicator] = {}
    out, flags = [], []
    for ind in indicators:
        if ind.key.startswith("unknown:"):
            out.append(ind)
            continue
        first = seen.get(ind.key)
        if first is None:
            seen[ind.key] = ind
            out.append(ind)
        elif first.value != ind.value or first.raw != ind.raw:
            flags.append(Flag("duplicate_key", f"{ind.key} printed twice: {first.raw!r} and {ind.raw!r}",
                              {"key": ind.key, "first": first.raw, "second": ind.raw, "second_evidence": ind.evidence}))
    return out, flags


_YEAR = r"((?:19|20)\d{2})"
_YEAR_SENTENCES = (
    re.compile(r"现将\s*" + _YEAR + r"\s*年度?.{0,12}?信息公开"),
    re.compile(_YEAR + r"\s*年度?(?:政府|政务)?信息公开(?:工作)?(?:年度)?(?:报告|年报)"),
    # "现发布《辽宁省2019年度政府信息公开工作报告》"
    re.compile(r"《[^》]{0,30}?" + _YEAR + r"\s*年度?[^》]{0,24}?(?:报告|年报)》"),
    # "现将我局2014年政府信息公开情况报告如下", "特向社会公布我旗2021年度信息公开年度报告"
    re.compile(r"(?:现将|现公布|现发布|现公开|向社会公布|向社会公开|编制形成|编制了)[^。]{0,20}?" + _YEAR
               + r"\s*年度?[^。]{0,24}?(?:报告|年报)"),
    # the statistical period: "统计期限为：2016年1月1日", "2011年1月1日至12月31日", "20241月1日至…"
    re.compile(r"统计(?:时限|期限|时间|期间)?[^。\d]{0,6}?" + _YEAR + r"\s*年?\s*0?1\s*月\s*0?1\s*日"),
    re.compile(r"(?<!\d)" + _YEAR + r"\s*年?\s*0?1\s*月\s*0?1\s*日\s*起?\s*(?:至|到|—|-|~)"),
)
# "2012年，我局…" opening sentences: the year the report speaks of.
_OPENING_YEAR = re.compile(r"(?:^|[。\n])\s*" + _YEAR + r"\s*年")


def _first_year(patterns: tuple[re.Pattern, ...], text: str) -> int | None:
    """The year the first of ``patterns`` to match the text's head captures."""
    head = fold_width(text[:3000])
    for pattern in patterns:
        m = pattern.search(head)
        if m:
            return int(m.group(1))
    return None


def _year_from_text(text: str) -> int | None:
    year = _first_year(_YEAR_SENTENCES, text)
    if year:
        return year
    opening = Counter(int(y) for y in _OPENING_YEAR.findall(fold_width(text[:8000])))
    return opening.most_common(1)[0][0] if opening else None


# What only reports in the 2019/2021 forms print: the t2 block heads, the notices, the 2019 Regulation.
_NEW_FORM = re.compile(r"第二十条|本年新制作数量|本年制发件数|〔2019〕60号|〔2021〕30号|第?711号")


def _legacy_layout(sections: list[Section], text: str) -> bool:
    """The pre-2019 layout (引言 / 一、概述 or 基本概况 …) rather than 一、总体情况."""
    headings = " ".join(s.heading for s in sections if s.number)
    if re.search(r"总体情况|收到和处理", headings) or _NEW_FORM.search(text):
        return False
    return bool(re.search(r"概\s*述|基本概况", headings) or re.search(r"(?m)^\s*引\s*言\s*$", text))


# Title-less copies (an excerpt, a PDF page) name their year only in the text: the
# period covered, "2021年，我局…" opening the body, a flip-book page title "2020年报".
_STATED_YEAR = (
    re.compile(r"统计(?:时限|期限|时间|周期|期间)?\s*(?:自|为|从|是)?\s*((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日"),
    re.compile(r"截[止至]\s*((?:19|20)\d{2})\s*年\s*12\s*月\s*31\s*日"),
    re.compile(r"(?:^|\n)\s*((?:19|20)\d{2})\s*年度?\s*[,，]"),
    re.compile(r"((?:19|20)\d{2})\s*年报"),
    re.compile(r"我(?:镇|乡|街道|局|委|办|区|县|市|厅|单位)\s*((?:19|20)\d{2})\s*年度?(?:政府|政务)?信息公开工作"),
)


def _year_stated(text: str) -> int | None:
    return _first_year(_STATED_YEAR, text)


def _year_before(published: str) -> int | None:
    """Reports are published in the year after the one they cover."""
    m = re.match(r"((?:19|20)\d{2})-", published or "")
    return int(m.group(1)) - 1 if m else None


_BODY_SUFFIX = re.compile(r"(?:人民政府|政府|办公室|办公厅|委员会|局|厅|委|办|镇|乡|街道办事处|街道|管委会|中心|院|署|区|县|市)$")


def _publisher(report: ParsedReport, report_text: str) -> str:
    for candidate in (report.metadata.get("publisher", ""), report.page_meta.get("ContentSource", "")):
        if candidate:
            return candidate
    title = fold_width(report.title)
    m = re.match(r"^(.{2,40}?)(?:关于)?(?:(?:19|20)\d{2}|[〇○零一二][〇○零一二三四五六七八九]{3})\s*年", title)
    if m and _BODY_SUFFIX.search(m.group(1).strip()):
        return m.group(1).strip()
    # The signature: a short body name right above the closing date.
    lines = [l.strip() for l in report_text.split("\n") if l.strip()]
    for n in range(len(lines) - 1, 0, -1):
        if is_date_line(lines[n]):
            prev = lines[n - 1]
            if len(prev) <= 30 and _BODY_SUFFIX.search(prev) and "|" not in prev:
                return prev
    return ""


# ============================================================================ HTML bits

_SITE_SUFFIX = re.compile(r"\s*[-_|—–]+\s*[^-_|—–]*(?:网|政府|门户|平台|网站)[^-_|—–]*$")


def _html_title(tree: etree._Element, meta: dict[str, str]) -> str:
    """The title as printed: ArticleTitle, unless it is only a column name (no year)
    and the page's heading names the report; then the heading; then <title> without
    the site suffix."""
    meta_title = next((meta[n] for n in ("ArticleTitle", "articletitle", "title", "og:title") if meta.get(n)), "")
    if meta_title and report_year(to_simplified(meta_title)):
        return meta_title
    headings: dict[str, str] = {}  # Simplified -> as printed
    for el in tree.iter("h1", "h2", "h3", "div", "p", "td", "span"):
        cls = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
        if el.tag in ("h1", "h2", "h3") or "title" in cls or "bt" == cls.strip():
            text = clean_cell(htmlmod.inner_text(el))
            if 4 <= len(text) <= 100 and is_annual_report_title(text):
                headings.setdefault(to_simplified(text), text)
    if len(headings) == 1:  # several report titles: a list page, not a report
        return headings.popitem()[1]
    if meta_title:
        return meta_title
    title = htmlmod.page_title(tree)
    prev = None
    while prev != title:
        prev, title = title, _SITE_SUFFIX.sub("", title)
    return title


def _drop_metadata_tables(body: etree._Element, metadata: dict[str, str]) -> None:
    """Some sites print the 目录 block inside the article container: read it (when the
    page had no block outside) and keep it out of the body and the tables."""
    for table in list(body.iter("table")):
        if any(t is not table for t in table.iter("table")) or sum(1 for _ in table.iter("td", "th")) > 40:
            continue  # layout tables and data tables are not the 目录 block
        if not _METADATA_HINT.search(htmlmod.inner_text(table)):
            continue
        cells = [clean_cell(htmlmod.inner_text(c)) for c in table.iter("td", "th")]
        found = read_tokens(cells)
        if len(found) >= 2 and ("index_no" in found or "publisher" in found):
            for name, value in found.items():
                if not metadata.get(name):
                    metadata[name] = value
            htmlmod._drop(table)


def _html_caption(table: etree._Element) -> str:
    cap = table.find("caption")
    if cap is not None:
        return clean_cell(cap.text_content())
    prev = table.getprevious()
    if prev is not None and prev.tag != "table" and next(prev.iter("table"), None) is None:
        text = clean_cell(prev.text_content())  # a heading above it, never the table before
        if 0 < len(text) <= 60:
            return to_simplified(text)
    return ""


def _simplified_metadata(metadata: dict[str, str]) -> dict[str, str]:
    """Metadata values in Simplified Chinese; the 索引号 stays verbatim."""
    return {k: v if k == "index_no" else to_simplified(v) for k, v in metadata.items()}


def _attachments(tree: etree._Element, content: etree._Element, base: str) -> list[Link]:
    """Links to attachments (:data:`ATTACHMENT_LINK_EXTENSIONS`) in the content, and in the page's
    attachment blocks (TRS "appendix", Hanweb "fj"), resolved against the page's base URL ``base``."""
    links, seen = [], set()
    candidates = list(content.iter("a"))
    for a in tree.iter("a"):
        marker = ""
        parent = a.getparent()
        depth = 0
        while parent is not None and depth < 4:
            marker += f" {parent.get('class') or ''} {parent.get('id') or ''}"
            parent, depth = parent.getparent(), depth + 1
        if re.search(r"appendix|attach|fujian|\bfj|xgfj|download|file", marker, re.I):
            candidates.append(a)
    for a in candidates:
        href = (a.get("href") or "").strip()
        text = clean_cell(a.text_content() if len(a) else a.text or "")  # text_content() is slow
        # Download scripts (download.do?fileId=7) hide the type in the link text.
        if not href or not (ATTACHMENT_EXT.search(href) or ATTACHMENT_EXT.search(text)):
            continue
        absolute = urljoin(base, href)
        if absolute in seen:
            continue
        seen.add(absolute)
        links.append(Link(url=absolute, text=text))
    return links
