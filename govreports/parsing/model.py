"""The data the parsers return: plain dataclasses, no Scrapy, no I/O.

Every parser in :mod:`govreports.parsing` takes text or HTML and returns these
objects, so the spider, the attachment handling and the tests all speak the same
shapes.  Values are kept exactly as printed (``raw``) next to their numeric reading
(``value``), which is ``None`` whenever the printed cell is not a number ("/",
"—", "不适用", blank): "not reported" must never turn into 0.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

ERAS = ("legacy", "2019", "2021")

# Canonical names of the metadata-block fields (see portal-patterns.md).
METADATA_FIELDS = (
    "index_no",  # 索引号, verbatim
    "publisher",  # 发布机构 / 发布单位 / 发文机关 / 信息来源 / 来源
    "written_date",  # 成文日期 / 生成日期 / 发文日期 (ISO YYYY-MM-DD)
    "published_date",  # 发布日期 / 发布时间 / 公开日期 (ISO, optional " HH:MM")
    "doc_no",  # 文号 / 发文字号 / 文件编号
    "subject",  # 主题分类 / 分类 / 组配分类 / 信息分类
    "disclosure_mode",  # 公开方式
    "disclosure_scope",  # 公开范围
    "validity",  # 有效性 / 时效
    "keywords",  # 关键词 / 主题词
)


@dataclass
class Link:
    url: str  # absolute
    text: str = ""


@dataclass
class Section:
    number: str  # "一", "二", … as printed ("" for an unnumbered preamble)
    heading: str
    text: str


@dataclass
class Table:
    """One table as a rectangular grid of cell texts (rowspan/colspan expanded)."""

    index: int  # position in the document, from 0
    grid: list[list[str]]
    caption: str = ""
    kind: str = "other"  # the name of a registered table format (t2 | t3 | t4 | legacy …), or "other"
    source: str = "html"  # html | text | attachment:<filename>
    complete: bool = True  # False: a table printed as text that the end of the text cut off


@dataclass
class Indicator:
    key: str  # a key of indicators.csv, or "unknown:<table kind>:<label>" for rows we could not map
    raw: str  # exactly as printed ("78条", "/", "", "４７１２")
    value: float | int | None  # the number, or None when raw is not a number
    unit: str = ""  # unit as printed or implied by the table ("条", "件", "万元")
    source: str = "table"  # table | text | attachment:<filename>
    evidence: str = ""  # the label path or the sentence the value came from


@dataclass
class Flag:
    """A broken consistency rule or a disagreement, recorded, never "fixed"."""

    rule: str  # e.g. "t3.column_balance", "t3.row_sum", "t4.review_total", "text_vs_table"
    message: str
    numbers: dict[str, Any] = field(default_factory=dict)


@dataclass
class ParsedReport:
    url: str
    title: str = ""  # Simplified
    title_original: str = ""  # as printed, before Traditional→Simplified (the title when it was not converted)
    report_year: int | None = None
    is_report: bool = False  # the title/heading says it is an annual disclosure report
    era: str | None = None  # legacy | 2019 | 2021
    publisher: str = ""
    metadata: dict[str, str] = field(default_factory=dict)  # METADATA_FIELDS -> value (Simplified)
    metadata_original: dict[str, str] = field(default_factory=dict)  # as printed, when Traditional
    page_meta: dict[str, str] = field(default_factory=dict)  # <meta name=…> (ArticleTitle, PubDate, SiteIDCode …)
    region_code: str = ""  # when the page states it (e.g. SiteIDCode prefix)
    body_text: str = ""  # Simplified Chinese, page chrome removed
    body_text_original: str = ""  # as printed, before Traditional→Simplified
    cover_letter: str = ""
    next_year_plan: str = ""
    sections: list[Section] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    attachments: list[Link] = field(default_factory=list)

    @property
    def index_no(self) -> str:
        return self.metadata.get("index_no", "")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
