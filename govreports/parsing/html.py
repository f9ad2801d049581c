"""HTML helpers: the base URL, meta tags, the main-content container, page chrome,
text rendering.

The CMS families put the article body in well-known containers (TRS: .TRS_Editor,
.trs_editor_view, #zoom, .Custom_UnionStyle; Hanweb: #zoom, .bt_content, #Zoom;
others .article-content …).  When none is present the densest block of text wins.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree
from w3lib.html import get_base_url

from .normalize import clean_cell

_BASE_TAG = re.compile(r"<base\s", re.I)


def base_url(url: str, text: str) -> str:
    """The URL the page's relative links resolve against: its ``<base href>`` (read by
    w3lib, which skips comments and scripts), else ``url`` itself.  Computed once per
    page; every link read off the page is joined to it."""
    if not text or not _BASE_TAG.search(text):
        return url  # w3lib would hand back a percent-escaped copy of ``url``
    return get_base_url(text, url)


# Ordered: the most specific container first.  The TRS editor div sits inside #zoom
# on many sites; picking the outer one keeps sibling tables that the editor split.
CONTENT_SELECTORS = (
    "#zoom", "#Zoom", "#UCAP-CONTENT", ".TRS_Editor", ".trs_editor_view", ".TRS_UEDITOR",
    ".Custom_UnionStyle", ".article-content", ".article_content", ".bt_content", "#content",
    ".content", ".main-content", ".detail-content", ".xxgk_content", "article",
)

# Elements that are page chrome whatever their position.
_CHROME_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "iframe", "form", "button", "select", "template")
_CHROME_CLASS = re.compile(
    r"(?:^|[\s_-])(?:nav|menu|breadcrumb|crumb|position|location|dqwz|share|bdshare|print|close|footer|foot|"
    r"header|top-bar|topbar|qrcode|ewm|erweima|pages?-?(?:prev|next)|prev|next|related|xgxx|sidebar|toolbar|fontsize|zh_cn)(?:$|[\s_-])",
    re.I,
)
# Page-furniture words: a line made only of them (大 中 小 【打印】 关闭窗口 …) is chrome.
# Longest first, because the repetition below is possessive and never tries a shorter
# word again; possessive so that a long line of such words followed by ordinary text
# fails in linear time (a backtracking ``(?:[【]?\s*word\s*[】]?\s*)+$`` takes
# exponential time on it and stalls the crawl).
_CHROME_WORDS = sorted(
    ("打印", "关闭", "打印本页", "关闭窗口", "收藏", "收藏此页", "分享", "推荐", "定制", "网站纠错", "返回顶部",
     "字号", "大", "中", "小"),
    key=len, reverse=True,
)
_CHROME_WORDS_ONLY = "(?:[【\\[]?+\\s*+(?:" + "|".join(_CHROME_WORDS) + ")\\s*+[】\\]]?+\\s*+)++$"
# Text lines that are chrome when they stand alone in the content.
_CHROME_LINE = re.compile(
    "^" + _CHROME_WORDS_ONLY +
    r"|^(?:上一篇|下一篇|上一条|下一条)[:：]?"
    r"|^(?:您当前的位置|当前位置|您现在的位置|所在位置)[:：]"
    r"|扫一扫|扫码|用手机|分享到[:：]?|^相关信息$|^相关链接$|^浏览次数[:：]?\s*\d*$|^访问量[:：]"
)

BLOCK_TAGS = {
    "p", "div", "br", "tr", "li", "dd", "dt", "dl", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "section", "article", "blockquote", "pre", "center", "hr", "tbody", "thead", "caption", "form",
}


def parse_html(html: str) -> etree._Element:
    """lxml tree of a decoded page (an empty document for empty input)."""
    return parse_html_checked(html)[0]


# Deeper than this, the recursive text rendering would near Python's recursion limit;
# real pages nest a few dozen levels, hostile ones thousands of unclosed <span>s.
MAX_DEPTH = 400
# What is stripped, in turn, from a page too deep (or too big) to parse whole: inline
# formatting first (it carries no structure), then everything but the tables' tags.
_INLINE_TAGS = re.compile(r"</?(?:span|font|b|i|u|em|strong|small|big|sub|sup|a|o:p|st1:\w+)(?:\s[^>]*)?/?>", re.I)
_NON_TABLE_TAGS = re.compile(r"<(?!/?(?:html|body|table|tbody|thead|tr|td|th|br|p)(?:[\s/>]))[^>]*>", re.I)
_ALL_TAGS = re.compile(r"<[^>]*>")


def parse_html_checked(html: str) -> tuple[etree._Element, str]:
    """The lxml tree of a decoded page, and what could not be read of it ("" when all).

    Pages as big as a pasted 12 MB base64 image or as deep as a few hundred unclosed
    tags are read whole (libxml2's huge-tree limits).  A page deeper still is read
    again without its inline formatting, then without anything but table markup, then
    as plain text — and the problem is reported, so that the report can be flagged
    instead of being stored silently empty.
    """
    if not html or not html.strip():
        return lxml.html.fromstring("<html><body></body></html>"), ""
    # lxml refuses str input carrying an XML encoding declaration.
    html = re.sub(r"^\s*<\?xml[^>]*>", "", html)
    problem = ""
    for strip in (None, _INLINE_TAGS, _NON_TABLE_TAGS, _ALL_TAGS):
        source = strip.sub(" " if strip is _ALL_TAGS else "", html) if strip is not None else html
        tree, problem = _parse_bounded(source)
        if tree is not None and not problem:
            if strip is _NON_TABLE_TAGS:
                return tree, "page nested too deeply to read its layout; read as text and tables only"
            if strip is _ALL_TAGS:
                return tree, "page nested too deeply to read its markup; read as plain text"
            return tree, ""
    if tree is None:
        tree = lxml.html.fromstring("<html><body></body></html>")
    return tree, f"page could not be read whole ({problem})"


# lxml.html's own lookup picks a Python class per element in Python, each time an
# element is touched; the form classes it adds (FormElement, InputElement …) are never
# used here, so every element gets HtmlElement from lxml's C-level default lookup.
_ELEMENT_CLASSES = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity)


def _parser() -> lxml.html.HTMLParser:
    parser = lxml.html.HTMLParser(huge_tree=True)
    parser.set_element_class_lookup(_ELEMENT_CLASSES)
    return parser


def _parse_bounded(html: str) -> tuple[etree._Element | None, str]:
    parser = _parser()
    try:
        tree = lxml.html.fromstring(html, parser=parser)
    except etree.ParserError:  # nothing but markup that makes no element ("</p>")
        return lxml.html.fromstring("<html><body></body></html>"), ""
    except (ValueError, etree.LxmlError) as error:
        return None, str(error)[:200]
    limits = [e.message for e in parser.error_log if e.type_name == "ERR_RESOURCE_LIMIT"]
    if limits:
        return tree, limits[0][:200]
    # One level of the tree at a time: each element is touched once.
    level = [tree]
    for _ in range(MAX_DEPTH):
        level = [child for el in level for child in el]
        if not level:
            return tree, ""
    return tree, f"elements nested over {MAX_DEPTH} deep"


def page_meta(tree: etree._Element) -> dict[str, str]:
    """<meta name=… content=…> as a dict (first occurrence wins; names kept as printed)."""
    out: dict[str, str] = {}
    for meta in tree.iter("meta"):
        name = meta.get("name") or meta.get("property") or meta.get("http-equiv")
        content = meta.get("content")
        if name and content is not None and name not in out:
            out[name.strip()] = clean_cell(content)
    return out


def page_title(tree: etree._Element) -> str:
    titles = tree.xpath("//title")
    return clean_cell(titles[0].text_content()) if titles else ""


def _matches(el: etree._Element, selector: str) -> bool:
    if selector.startswith("#"):
        return el.get("id") == selector[1:]
    if selector.startswith("."):
        return selector[1:] in (el.get("class") or "").split()
    return el.tag == selector


def find_content(tree: etree._Element) -> etree._Element:
    """The element holding the article body."""
    body = tree.find(".//body")
    root = body if body is not None else tree
    for selector in CONTENT_SELECTORS:
        for el in root.iter(etree.Element):
            if _matches(el, selector) and len(_text_len(el)) > 20:
                return el
    return _densest_block(root)


def _text_len(el: etree._Element) -> str:
    return re.sub(r"\s+", "", el.text_content())


def _densest_block(root: etree._Element) -> etree._Element:
    """Fallback: the div/td with the most own-paragraph text (links discounted)."""
    best, best_score = root, 0.0
    for el in root.iter("div", "td", "article", "section"):
        text = len(_text_len(el))
        if text < 50:
            continue
        link_text = sum(len(_text_len(a)) for a in el.iter("a"))
        paragraphs = sum(1 for _ in el.iter("p", "table", "br"))
        score = (text - 2 * link_text) * (1 + min(paragraphs, 30) / 10)
        # Prefer the innermost block that still holds most of the text.
        if score > best_score * 1.05 or (score >= best_score * 0.9 and _is_descendant(el, best)):
            best, best_score = el, max(score, best_score)
    return best


def _is_descendant(el: etree._Element, ancestor: etree._Element) -> bool:
    parent = el.getparent()
    while parent is not None:
        if parent is ancestor:
            return True
        parent = parent.getparent()
    return False


def remove_chrome(el: etree._Element) -> None:
    """Drop navigation, share/print/close bars, footers, scripts from ``el`` in place."""
    doomed = []
    for child in el.iter(etree.Element):
        if child is el:
            continue
        if child.tag in _CHROME_TAGS:
            doomed.append(child)
            continue
        css_class, css_id = child.get("class"), child.get("id")
        if css_class is None and css_id is None:
            continue
        marker = f"{css_class or ''} {css_id or ''}"
        if marker.strip() and _CHROME_CLASS.search(marker) and child.tag != "table":
            doomed.append(child)
    for child in doomed:
        _drop(child)


def _drop(el: etree._Element) -> None:
    """Remove an element but keep its tail text."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def inner_text(el: etree._Element) -> str:
    """``"".join(el.itertext())``: the element's text and its descendants' (comments'
    and processing instructions' left out), without the element's tail.  Most table
    cells and metadata spans hold text only, read directly; otherwise libxml2's text
    serialisation gives the same string at a twentieth of the iterator's cost."""
    if len(el):
        return etree.tostring(el, method="text", encoding="unicode", with_tail=False)
    return el.text or ""


def table_rows_text(table: etree._Element) -> list[str]:
    """A table rendered as " | "-separated lines (used inside body text)."""
    lines = []
    for tr in table.iter("tr"):
        if any(True for _ in tr.iter("table")):
            continue  # a row wrapping a nested table: the nested rows come on their own
        cells = [clean_cell(inner_text(c)) for c in tr if c.tag in ("td", "th")]
        if any(cells):
            lines.append(" | ".join(cells))
    return lines


def element_text(el: etree._Element, table_lines: dict | None = None) -> str:
    """Visible text with line breaks at block boundaries; tables as " | " rows.

    ``table_lines``: already-read tables (element -> lines), so cells are read once."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if not isinstance(node.tag, str):  # comments, processing instructions
            if node.tail:
                parts.append(node.tail)
            return
        if node.tag in _CHROME_TAGS:
            if node.tail:
                parts.append(node.tail)
            return
        if node.tag == "table":
            parts.append("\n")
            lines = table_lines.get(node) if table_lines else None
            parts.append("\n".join(lines if lines is not None else table_rows_text(node)))
            parts.append("\n")
        else:
            block = node.tag in BLOCK_TAGS
            if block:
                parts.append("\n")
            if node.text:
                parts.append(node.text)
            for child in node:
                walk(child)
            if block:
                parts.append("\n")
        if node.tail:
            parts.append(node.tail)

    walk(el)
    return tidy_text("".join(parts))


# Blocks that print as a line of their own, even empty (an empty cell of a table printed
# one cell per <p>).  Containers (tables, lists, sections) print only what they hold.
_LINE_TAGS = {"p", "div", "li", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "center", "pre", "blockquote"}


def element_lines(el: etree._Element, table_break: str) -> list[str]:
    """The element's text one line per block, for finding tables printed as text.

    Unlike :func:`element_text`, empty blocks stay as empty lines (``<p></p>``,
    ``<p>&nbsp;</p>``, a second ``<br>``): in a table printed one cell per line they
    are its empty cells.  Each ``<table>`` (read as a grid elsewhere) is one
    ``table_break`` line, so text around it is never joined into a table.  Lines are
    returned as printed (spaces not collapsed); chrome elements are skipped."""
    lines: list[str] = []
    current: list[str] = []

    def flush() -> bool:
        text = "".join(current)
        current.clear()
        if text.strip():
            lines.append(text)
            return True
        return False

    def walk(node: etree._Element) -> None:
        if not isinstance(node.tag, str) or node.tag in _CHROME_TAGS:
            if node.tail:
                current.append(node.tail)
            return
        if node.tag == "table":
            flush()
            lines.append(table_break)
        elif node.tag == "br":
            if not flush():
                lines.append("")
        elif node.tag in BLOCK_TAGS:
            flush()
            before = len(lines)
            if node.text:
                current.append(node.text)
            for child in node:
                walk(child)
            if not flush() and len(lines) == before and node.tag in _LINE_TAGS:
                lines.append("")
        else:
            if node.text:
                current.append(node.text)
            for child in node:
                walk(child)
        if node.tail:
            current.append(node.tail)

    walk(el)
    flush()
    return lines


_SPACES = re.compile(r"[ \t\u3000\xa0]+")


def tidy_text(text: str) -> str:
    """Collapse spaces per line, drop empty lines and standalone chrome lines."""
    lines = []
    for line in text.replace("\r", "\n").split("\n"):
        line = _SPACES.sub(" ", line).strip()
        if not line or _CHROME_LINE.search(line):
            continue
        lines.append(line)
    return "\n".join(lines)


def is_chrome_line(line: str) -> bool:
    return bool(_CHROME_LINE.search(line.strip()))
