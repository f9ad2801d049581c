"""Is a list/page title an annual disclosure report, and for which year?

Used by the crawler on list pages, so it must be cheap and must reject the look-alikes
that sit in the same columns (工作要点, 工作计划, 落实情况的函, 工作总结, 统计年报,
财政决算, cover notes "关于报送…的通知/报告", "关于印发…的通知").
"""

from __future__ import annotations

import re

from .normalize import chinese_to_int, fold_width, to_simplified

_YEAR_DIGITS = r"(?:19|20)\d{2}"
_YEAR_CN = r"[〇○零一二][〇○零一二三四五六七八九]{3}"

# "(政府)(信息|政务)公开 … (工作)(年度)报告 / 年报".  资讯 is what some Traditional
# converters produce for 信息 (政府資訊公開).
_REPORT = re.compile(
    r"(?:信息|资讯|政务|政府)公开(?:工作)?[^，。；]{0,14}?(?:年度报告|年报|工作报告|工作情况报告)"
)
# A bare "<year>年(度)…年度报告" (some bodies drop 信息公开 from the title).
_BARE_YEARLY = re.compile(rf"(?:{_YEAR_DIGITS}|{_YEAR_CN})\s*年度?(?:工作)?年度报告$")

# The look-alikes: documents that sit in the report columns, often with the report
# words in their titles, but are not reports (key points, plans, summaries,
# implementation notes, statistical yearbooks, final accounts, budgets).  The one
# list for titles, report pages and home-page discovery.
LOOK_ALIKE_KINDS = ("工作要点", "工作计划", "工作总结", "落实情况", "统计年报", "决算", "预算")
LOOK_ALIKE = re.compile("|".join(LOOK_ALIKE_KINDS))
# A page titled as a look-alike, or as a cover note or letter.
LOOK_ALIKE_TITLE = re.compile(
    rf"{LOOK_ALIKE.pattern}|的通知$|的函$|制度$|报表$|统计表$|解读$|报告格式|办法$|规定$|方案$")
# Look-alikes that a real report's title may name too ("…年度报告及2013年工作计划").
_ALSO_IN_REPORT_TITLES = ("工作计划", "工作总结")

# Things that contain the report words but are not the report itself.
_NOT_REPORT = re.compile(
    r"关于(?:报送|印发|做好|开展|编制|上报|提交|转发|下发|加强|进一步|组织|填报|征集|报备)|"
    + "|".join(kind for kind in LOOK_ALIKE_KINDS if kind not in _ALSO_IN_REPORT_TITLES)
    + r"|的函$|要点的通知|考核|测评|评估结果|评议|"
    r"图解|解读|一图读懂|通知$|通报$|目录$|指南$|格式$|格式》|制度$|办法$|规定$|模板|样表|样本|统计表$|报表$"
    r"|企业年度报告|年报公示|企业年报"
)


def _prepare(title: str) -> str:
    t = fold_width(to_simplified(title or ""))
    return re.sub(r"\s+", "", t)


def is_annual_report_title(title: str) -> bool:
    """True when the title names a government-information-disclosure annual report.

    Accepts "<body><year>年(度)政府信息公开(工作)年度报告" and the variants seen in the wild
    (信息公开工作年度报告, 政务公开年报, 政府信息公开年报, Traditional 政府資訊公開…年度報告);
    rejects plans, key-points, summaries, statistics yearbooks, budgets and cover notes.
    """
    t = _prepare(title)
    if not t or _NOT_REPORT.search(t):
        return False
    if _REPORT.search(t):
        # "…工作计划" or "…工作总结" with a report word only when both are named
        # ("…年度报告及2013年工作计划"): still a report.
        return True
    return bool(_BARE_YEARLY.search(t))


_YEAR_ANY = re.compile(rf"({_YEAR_DIGITS}|{_YEAR_CN})\s*年")


def _year_value(text: str) -> int | None:
    year = int(text) if text.isdigit() else chinese_to_int(text)
    return year if year and 1990 <= year <= 2100 else None


def report_year(title: str) -> int | None:
    """The reporting year named in a title ("2012年度" -> 2012, "二〇二三年" -> 2023).

    When several years appear (a report plus next year's plan), the one before the
    report words wins; the publication year is never guessed from elsewhere.
    """
    t = _prepare(title)
    if not t:
        return None
    years = [(m.start(), _year_value(m.group(1))) for m in _YEAR_ANY.finditer(t)]
    years = [(pos, y) for pos, y in years if y]
    if not years:
        # "…年度报告2023" / "（2023）": a bare four-digit year
        bare = [(m.start(), _year_value(m.group(0))) for m in re.finditer(r"(?<!\d)(?:19|20)\d{2}(?!\d)", t)]
        years = [(pos, y) for pos, y in bare if y]
    if not years:
        return None
    m = _REPORT.search(t) or re.search(r"年度报告|年报", t)
    if m:
        before = [y for pos, y in years if pos < m.end()]
        if before:
            return before[-1]  # the year closest to the report words
    return years[0][1]


def names_its_body(title: str) -> bool:
    """An annual report title without a year that still names whose report it is
    ("XX街道办事处政府信息公开工作年度报告"), unlike the column's own name
    ("政府信息公开年报", "政府信息公开工作年度报告")."""
    t = _prepare(title)
    if not is_annual_report_title(t):
        return False
    m = _REPORT.search(t)
    body = t[:m.start()] if m else ""
    # "政府信息公开…" leaves "政府": the body must be named beyond it ("河包镇政府")
    return len(re.sub(r"(?:人民)?政府$", "", body)) >= 2 and bool(_BODY_NAME_END.search(body))


def is_report_link(title: str, *, report_column: bool = False) -> bool:
    """A list item worth fetching: its title names an annual report *for a year*.
    "政府信息公开年报" without a year is the column, not a report.  In a report column
    (``report_column``) a title without a year that names its body is one too: the page
    then says which year it reports on."""
    if is_annual_report_title(title) and report_year(title) is not None:
        return True
    return report_column and names_its_body(title)


def is_report_column(column_title: str, item_titles: list[str]) -> bool:
    """Whether a list page is an annual-report column: its own title names the reports
    ("政府信息公开年报", "…年度报告") or it lists reports for a year."""
    t = _prepare(column_title)
    if re.search(r"年报|年度报告|工作报告", t) and not _NOT_REPORT.search(t):
        return True
    return any(is_report_link(title) for title in item_titles)


# ---------------------------------------------------------------------------- text copies

# Navigation, not a title: "首页 > 政务公开 > …", "您当前的位置：…".
_BREADCRUMB = re.compile(r"[>›»]|当前位置|所在位置|您的位置|现在的位置")
_TITLE_LABEL = re.compile(r"^\s*(?:标\s*题|名\s*称|题\s*名|信息名称)\s*[:：]?\s*")
_NUMBERED = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[(（]\s*[一二三四五六七八九十]{1,3}\s*[)）]|第[一二三四五六七八九十百]+条)")
_FILE_NAME = re.compile(r"\.(?:docx?|pdf|wps|txt|xlsx?)$", re.I)
_SENTENCE_PUNCT = re.compile(r"[，,。；;：:！!]")
# A body name on a line of its own above "<year>年…报告" ("城口县人民政府机关" / "2020年…").
_BODY_NAME_END = re.compile(
    r"(?:人民政府|政府|机关|办公室|办公厅|委员会|管委会|局|厅|委|办|镇|乡|苏木|街道办事处|街道|中心|院|署|所)$")
_YEAR_START = re.compile(rf"^(?:{_YEAR_DIGITS}|{_YEAR_CN})\s*年")
# A report title at the start of a longer line (printed twice, or run into the text).
_TITLE_PREFIX = re.compile(r"^[^，,。；;：:《》“”()（）]{2,50}?(?:年度报告|工作报告|年报)")
# Documents that share the columns: their own titles end so.
_OTHER_DOCUMENT = re.compile(r"(?:通知|的函|要点|计划|制度|办法|规定|方案|意见|解读|报表|统计表)$")


def clean_title(text: str) -> str:
    """A title as printed, without its wrapping: pipe cells, a 标题/名称 label, a file
    extension, a stray "?" and the spaces of hard-wrapped lines."""
    cells = [c for c in (c.strip() for c in text.split("|")) if c]
    if len(cells) > 1:
        cells = [c for c in cells if not re.fullmatch(r"(?:标\s*题|名\s*称|题\s*名)\s*[:：]?", c)] or cells
        text = next((c for c in cells if is_annual_report_title(c)), cells[0])
    elif cells:
        text = cells[0]
    else:
        return ""
    text = _TITLE_LABEL.sub("", text)
    text = re.sub(r"^(?:#+\s*|Page\s*\d+\s*[-–—]\s*)", "", text.strip())
    text = _FILE_NAME.sub("", text.strip())
    text = text.rstrip("?？ ").strip()
    if re.search(r"[\u3400-\u9fff]", text):
        text = re.sub(r"\s+", "", text)
    return text


def _is_titled_report(text: str) -> bool:
    return is_annual_report_title(text) and report_year(text) is not None


def title_from_lines(lines: list[str], skip: set[int] = frozenset(), head: int = 25) -> tuple[str, set[int]]:
    """The title of a text copy and the indexes of the lines it was printed on.

    Looks at the first ``head`` lines (navigation, numbered headings and metadata lines
    aside): an annual report title with a year first; else the first of a title without
    a year and the title of another kind of document (…的通知, …工作要点, …制度), so
    that look-alikes are known as such.  A title printed over two lines
    ("道县文广新局2013年度信息公开工作" / "年度报告", "城口县人民政府机关" / "2020年…报告")
    is joined; one run into the text ("…年度报告…年度报告 2018年，…") is cut off."""
    rows = [(n, l) for n, l in enumerate(lines[:head])
            if l.strip() and (n not in skip or _TITLE_LABEL.match(l)) and not _BREADCRUMB.search(l)
            and not _NUMBERED.match(l)]
    fallback: tuple[str, set[int]] | None = None
    for k, (n, line) in enumerate(rows):
        text = clean_title(line)
        if not text:
            continue
        if len(text) > 60:
            m = _TITLE_PREFIX.match(re.sub(r"\s+", "", line.strip()))
            if m and _is_titled_report(m.group(0)):
                return m.group(0), {n}
            continue
        if _SENTENCE_PUNCT.search(text):
            continue
        nxt = rows[k + 1] if k + 1 < len(rows) else None
        second = clean_title(nxt[1]) if nxt else ""
        if second and len(second) <= 40 and not _SENTENCE_PUNCT.search(second) and not _is_titled_report(text):
            joined = text + second
            if _is_titled_report(second):
                # "城口县人民政府机关" / "2020年…报告": a body name above a full title
                if _BODY_NAME_END.search(text) and not report_year(text):
                    return joined, {n, nxt[0]}
            elif _is_titled_report(joined):
                return joined, {n, nxt[0]}
            elif _OTHER_DOCUMENT.search(joined) and not _OTHER_DOCUMENT.search(text) and (
                    "关于" in text or not _OTHER_DOCUMENT.search(second)):
                # "…关于做好2013年" / "…工作的通知"; not "附件3" above a form's own title
                fallback = fallback or (joined, {n, nxt[0]})
                continue
        if _is_titled_report(text):
            return text, {n}
        if is_annual_report_title(text) or (8 <= len(text) and _OTHER_DOCUMENT.search(text)):
            fallback = fallback or (text, {n})
    return fallback or ("", set())
