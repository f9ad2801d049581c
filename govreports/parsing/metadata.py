"""The 政府信息公开目录 metadata block (索引号, 发布机构, 成文日期 …) in all its layouts.

Every layout is reduced to a stream of *tokens* (table cells, spans, dt/dd, text-copy
cells between " | ") and read by one routine: a token that is a known label takes the
next token as its value unless that token is itself a label (an empty value stays
empty: "有效性: | 文件编号: |").  A token holding several "label：value" pairs (the
visible "发布日期：… 来源：… 浏览次数：" line) is split at its labels first.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from .dates import parse_date
from .html import inner_text
from .normalize import clean_cell, fold_width, to_simplified

# label -> field; the order inside a field is its priority (发布机构 beats 来源).
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "index_no": ("索引号", "索取号", "信息索引号"),
    "publisher": ("发布机构", "发布单位", "发文机关", "发文机构", "发布主体", "公开主体", "信息来源", "来源", "文章来源"),
    "written_date": ("成文日期", "生成日期", "发文日期", "成文时间", "印发日期"),
    # A byline's bare "日期:" / "时间:" (…办公室 时间:2017-01-12 10:01) last.
    "published_date": ("发布日期", "发布时间", "公开日期", "上载日期", "公开时间", "发文时间", "更新日期", "日期", "时间"),
    "doc_no": ("发文字号", "文件编号", "发布文号", "文号"),
    "subject": ("主题分类", "组配分类", "体裁分类", "信息分类", "分类"),
    "disclosure_mode": ("公开方式", "公开形式"),
    "disclosure_scope": ("公开范围",),
    "validity": ("有效性", "时效性", "时效"),
    "keywords": ("关键词", "主题词", "关键字"),
}
# Labels that are not stored but must stop a value from running on.
OTHER_LABELS = (
    "浏览次数", "访问量", "点击数", "点击率", "阅读次数", "文章字号", "字号", "字体", "人气", "作者", "编辑", "责任编辑",
    "名称", "标题", "规范性文件登记", "登记号", "公开时限", "统一编号", "废止日期", "失效日期", "所属机构", "内容概述",
    "摘要", "分享到", "公开目录", "文件下载", "文件分类", "效力属性", "信息名称",
)
# What bylines print where a publisher belongs but is none ("来源：本站原创").
NOT_A_PUBLISHER = re.compile(r"^(?:本站原创|原创|本站|本网|admin|管理员|网站管理员|系统管理员)$", re.I)

_LABEL_TO_FIELD: dict[str, tuple[str, int]] = {}
for _field, _labels in FIELD_LABELS.items():
    for _rank, _label in enumerate(_labels):
        _LABEL_TO_FIELD[_label] = (_field, _rank)
_ALL_LABELS = sorted(list(_LABEL_TO_FIELD) + list(OTHER_LABELS), key=len, reverse=True)


def _label_pattern(label: str) -> str:
    # A label may be printed with spaces between its characters ("索 引 号").  A two-character
    # label only starts where a word does: "文件分类" is one label, not 文件 + "分类".
    body = "\\s*".join(map(re.escape, label))
    return body if len(label) > 2 else rf"(?<![\u3400-\u9fff]){body}"


_LABEL_ALT = "|".join(_label_pattern(lbl) for lbl in _ALL_LABELS)
_LABEL_AT = re.compile(rf"(?:^|(?<=[\s|】\]）)]))(?:{_LABEL_ALT})\s*[:：]|^(?:{_LABEL_ALT})\s*$")
_LABEL_ANYWHERE = re.compile(rf"(?:{_LABEL_ALT})\s*[:：]")
# "发布机构 宿迁市人民政府办公室 发文日期 2018-02-26": labels without colons, between spaces.
_SPACED_LABEL = re.compile(rf"(?:^|(?<=\s))(?:{_LABEL_ALT})(?=\s|$)")
DATE_FIELDS = ("written_date", "published_date")


_LABEL_NOISE = re.compile(r"[\s:：]")


def _canonical_label(text: str) -> str:
    return _LABEL_NOISE.sub("", text)


@lru_cache(maxsize=8192)
def _norm(text: str) -> str:
    return clean_cell(fold_width(to_simplified(text)))


@lru_cache(maxsize=8192)
def _is_label(token: str) -> bool:
    t = _canonical_label(_norm(token))
    return t in _LABEL_TO_FIELD or t in OTHER_LABELS or (token.rstrip().endswith((":", "：")) and len(t) <= 8 and bool(t))


def _split_token(token: str) -> list[str]:
    """"发布日期:2013-02-26 14:21浏览次数: 来源：区政府办" -> label/value tokens."""
    norm = _norm(token)
    cuts = [m.start() for m in _LABEL_ANYWHERE.finditer(norm)]
    if not cuts:
        return [token]
    out = []
    if cuts[0] > 0 and norm[: cuts[0]].strip():
        out.append(norm[: cuts[0]].strip())
    for a, b in zip(cuts, cuts[1:] + [len(norm)]):
        piece = norm[a:b].strip()
        m = re.match(r"(.+?[:：])\s*(.*)$", piece, re.S)
        if m:
            out.append(m.group(1))
            if m.group(2).strip():  # an empty remainder: the value is the next token
                out.append(m.group(2).strip())
        else:
            out.append(piece)
    return out


@lru_cache(maxsize=8192)
def _expanded_token(token: str) -> tuple[str, ...]:
    # A site's pages share their chrome tokens: each is looked at once.
    return tuple(_split_token(token)) if _LABEL_ANYWHERE.search(_norm(token)) else (token,)


def read_tokens(tokens: list[str]) -> dict[str, str]:
    """METADATA_FIELDS values from a label/value token stream."""
    expanded: list[str] = []
    for tok in tokens:
        if len(tok) > 300:
            continue  # paragraphs, not metadata
        expanded.extend(_expanded_token(tok))
    found: dict[str, tuple[int, str]] = {}
    i = 0
    while i < len(expanded):
        tok = expanded[i]
        if not _is_label(tok):
            i += 1
            continue
        label = _canonical_label(_norm(tok))
        value = ""
        if i + 1 < len(expanded) and not _is_label(expanded[i + 1]):
            value = clean_cell(expanded[i + 1]).strip(" |")
            i += 1
        i += 1
        if label not in _LABEL_TO_FIELD:
            continue
        field, rank = _LABEL_TO_FIELD[label]
        if field in DATE_FIELDS and value:
            value = parse_date(value) or value
            if field == "written_date" and re.match(r"\d{4}-\d{2}-\d{2} ", value):
                value = value[:10]  # the day a document was written carries no time
        if field == "publisher":
            value = re.sub(r"\s*(?:作者|点击|浏览|字号|字体|人气|分享).*$", "", value)
            if NOT_A_PUBLISHER.match(value):
                value = ""
        previous = found.get(field)
        # Higher-priority label wins; a filled value beats an empty one of the same label.
        if previous is None or rank < previous[0] or (not previous[1] and value and rank == previous[0]):
            found[field] = (rank, value)
    return {f: v for f, (_, v) in found.items()}


# ---------------------------------------------------------------------------- HTML

_TOKEN_TAGS = {"span", "dd", "dt", "li", "p", "label", "em", "b", "strong", "font", "div", "h1", "h2", "h3", "h4", "i", "a"}
_CELL_TAGS = {"td", "th"}


def html_tokens(root: etree._Element, skip: etree._Element | None = None) -> list[str]:
    """Tokens of the page outside ``skip`` (the article body): table cells, and leaf
    inline/block elements, in document order."""
    tokens: list[str] = []

    def leaf_text(el: etree._Element) -> str:
        return clean_cell(inner_text(el))

    def walk(el: etree._Element) -> None:
        if el is skip or not isinstance(el.tag, str) or el.tag in ("script", "style", "noscript", "select", "option"):
            return
        children = [c for c in el if isinstance(c.tag, str)]
        if el.tag in _CELL_TAGS and not any(True for _ in el.iter("table")):
            # A cell may hold label span + value span; keep them apart.
            inner = [c for c in children if c.tag in _TOKEN_TAGS]
            if len(inner) >= 2:
                for c in children:
                    walk(c)
            else:
                tokens.append(leaf_text(el))
            return
        if el.tag in _TOKEN_TAGS and all(c.tag in ("br", "img", "wbr") for c in children):
            text = leaf_text(el)
            if text:
                tokens.append(text)
            return
        if el.text and el.text.strip() and children:
            tokens.append(clean_cell(el.text))
        for c in children:
            walk(c)
            if c.tail and c.tail.strip():
                tokens.append(clean_cell(c.tail))

    walk(root)
    return tokens


def metadata_from_html(root: etree._Element, content: etree._Element | None) -> dict[str, str]:
    """Metadata block outside the article body; falls back to the body's first lines."""
    meta = read_tokens(html_tokens(root, skip=content))
    if content is not None and len([v for v in meta.values() if v]) < 2:
        inner = read_tokens(html_tokens(content)[:40])
        for field, value in inner.items():
            if not meta.get(field):
                meta[field] = value
    return meta


# ---------------------------------------------------------------------------- text

def _split_spaced(line: str) -> list[str]:
    """"索引号 0001/2018-42 分类 年报" -> label/value tokens (labels without colons)."""
    cuts = [(m.start(), m.end()) for m in _SPACED_LABEL.finditer(line)]
    tokens = []
    for n, (a, b) in enumerate(cuts):
        tokens.append(line[a:b])
        value = line[b:cuts[n + 1][0] if n + 1 < len(cuts) else len(line)].strip()
        if value:
            tokens.append(value)
    return tokens


def _is_bare_label(text: str) -> bool:
    return bool(text) and _canonical_label(_norm(text)) in _LABEL_TO_FIELD


def _plausible_value(field: str, text: str) -> bool:
    """Whether the line under a label standing alone is that label's value, judged by
    its shape (the next line may as well be the title or the text)."""
    t = _norm(text)
    if field == "index_no":
        return bool(re.fullmatch(r"[\w\-/〔〕\[\]()（）.·]{4,60}", t)) and bool(re.search(r"\d", t))
    if field in DATE_FIELDS:
        return len(t) <= 25 and bool(parse_date(t))
    if field == "doc_no":
        return len(t) <= 30 and "号" in t
    if field == "publisher":
        return len(t) <= 30 and not re.search(r"\d{4}|[，,。；;：:]", t)
    return len(t) <= 20 and not re.search(r"\d{4}|[，,。；;]", t)


def metadata_from_text(text: str, max_lines: int = 15) -> tuple[dict[str, str], set[int]]:
    """Metadata from the head of a text copy; also returns the indexes of the lines it
    read (so the caller can leave them out of the body).

    Lines read: "label：value" runs (several on a line end at each other's labels),
    " | " cells, "label value label value" lines without colons (each value ends at the
    next label), and a label alone on its line with its value on the next one."""
    lines = text.split("\n")
    tokens: list[str] = []
    used: set[int] = set()
    n = 0
    while n < min(len(lines), max_lines):
        stripped = lines[n].strip()
        norm = _norm(stripped) if stripped else ""
        if not stripped:
            n += 1
            continue
        is_meta = _LABEL_ANYWHERE.search(norm) or ("|" in stripped and any(_is_label(c) for c in stripped.split("|")))
        if len(stripped) > 80 and not is_meta:
            break
        if is_meta:
            cells = [c.strip() for c in stripped.split("|")] if "|" in stripped else [stripped]
            tokens.extend(cells)
            used.add(n)
        elif _is_bare_label(stripped):
            tokens.append(stripped)
            used.add(n)
            following = lines[n + 1].strip() if n + 1 < len(lines) else ""
            field = _LABEL_TO_FIELD[_canonical_label(_norm(stripped))][0]
            if following and not _is_label(following) and not _LABEL_ANYWHERE.search(_norm(following)) \
                    and _plausible_value(field, following):
                tokens.append(following)
                used.add(n + 1)
                n += 1
        elif len(stripped) <= 120 and _SPACED_LABEL.match(norm):
            tokens.extend(_split_spaced(norm))
            used.add(n)
        n += 1
    return read_tokens(tokens), used
