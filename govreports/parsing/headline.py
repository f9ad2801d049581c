"""headline.* — the few numbers every era can answer, from the table when there is one,
else from the report's sentences ("主动公开政府信息4712条", "全年未收到…申请" -> 0).

Sentence values carry ``source="text"`` and the sentence as evidence.  When a table
value and a sentence disagree, the table value is kept and a ``text_vs_table`` flag
records both (see :mod:`checks`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Flag, Indicator
from .normalize import fold_width_aligned, parse_number

_NUM = r"(?P<num>\d[\d,]*(?:\.\d+)?|[零〇○一二两三四五六七八九十百千万]+)"
_SENT_END = "。；;\n"


@dataclass(frozen=True)
class TextRule:
    key: str
    pattern: re.Pattern
    zero: bool = False  # the sentence states "none" -> 0


TEXT_RULES = (
    TextRule("headline.proactive_total", re.compile(
        r"主动公开(?:各类|各种)?(?:政府)?信息(?:数量|总数|总量)?(?:共计?|为|达到?|合计|总计|累计)?\s*" + _NUM + r"\s*条")),
    TextRule("headline.applications_received", re.compile(
        r"(?:收到|受理|新收|接到|接收)[^。；;，,\n]{0,20}?申请(?:件数|数量|数)?(?:共计?|为|合计|总计)?\s*" + _NUM + r"\s*(?:件|份|个|条|宗)")),
    TextRule("headline.applications_received", re.compile(
        r"(?<!尚)(?:未|没有|无)(?:收到|受理|接到|接收|发生)[^。；;\n]{0,24}?申请"), zero=True),
    TextRule("headline.applications_disclosed", re.compile(
        r"(?:同意公开|予以公开)(?:答复)?(?:的)?(?:共计?|为)?\s*" + _NUM + r"\s*(?:件|份|个|条)")),
    TextRule("headline.admin_reviews", re.compile(
        r"(?<!尚)(?:未|没有|无)(?:发生|出现|产生|收到|涉及|引发)?[^。；;，,\n|]{0,30}?行政复议"), zero=True),
    TextRule("headline.admin_reviews", re.compile(r"行政复议(?:案件|申请)?(?:共计?|为)?\s*" + _NUM + r"\s*(?:件|起|宗|次)")),
    TextRule("headline.lawsuits", re.compile(
        r"(?<!尚)(?:未|没有|无)(?:发生|出现|产生|收到|涉及|引发)?[^。；;\n|]{0,40}?行政诉讼"), zero=True),
    TextRule("headline.lawsuits", re.compile(r"行政诉讼(?:案件)?(?:共计?|为)?\s*" + _NUM + r"\s*(?:件|起|宗|次)")),
    TextRule("headline.fees", re.compile(
        r"(?<!尚)(?:未|没有|无|不)(?:收取|出现|发生|产生|涉及)[^。；;\n|]{0,12}?(?:费用|收费)"), zero=True),
)

# Where each headline comes from in a table, per era: (keys summed, label).
TABLE_SOURCES = {
    "headline.proactive_total": (("legacy.proactive.total",),),
    "headline.applications_received": (("legacy.apply.received",), ("t3.new.total",)),
    "headline.applications_disclosed": (("legacy.apply.answered.agreed",), ("t3.result.disclosed.total",)),
    "headline.admin_reviews": (("legacy.review.total",), ("t4.review.total",)),
    "headline.lawsuits": (("legacy.litigation.total",), ("t4.litigation_direct.total", "t4.litigation_after_review.total")),
    "headline.fees": (("legacy.fees.amount",),),
}
HEADLINE_UNITS = {
    "headline.proactive_total": "条", "headline.applications_received": "件", "headline.applications_disclosed": "件",
    "headline.admin_reviews": "件", "headline.lawsuits": "件", "headline.fees": "元",
}


def _sentence_around(text: str, start: int, end: int) -> str:
    a = max((text.rfind(c, 0, start) for c in _SENT_END + "!?！？"), default=-1) + 1
    ends = [i for i in (text.find(c, end) for c in _SENT_END) if i != -1]
    b = min(ends) + 1 if ends else len(text)
    return text[a:b].strip()


def from_text(report_text: str) -> dict[str, Indicator]:
    """First sentence value per headline key."""
    # Sentences only: table rows rendered as " | " lines are not prose.
    original = "\n".join(l for l in report_text.split("\n") if "|" not in l)
    text = fold_width_aligned(original)  # match on folded text, quote the original
    found: dict[str, Indicator] = {}
    for rule in TEXT_RULES:
        if rule.key in found:
            continue
        m = rule.pattern.search(text)
        if not m:
            continue
        sentence = _sentence_around(original, m.start(), m.end())
        if rule.zero:
            # "未发生行政复议，发生行政诉讼2起" is not a zero for lawsuits: the negation must
            # govern the matched words, i.e. no number between them.
            if re.search(r"\d+\s*(?:件|起|宗)", m.group(0)):
                continue
            found[rule.key] = Indicator(rule.key, m.group(0), 0, HEADLINE_UNITS[rule.key], "text", sentence)
        else:
            raw = m.group("num")
            value, _ = parse_number(raw)
            if value is None:
                continue
            found[rule.key] = Indicator(rule.key, raw, value, HEADLINE_UNITS[rule.key], "text", sentence)
    return found


def _fees_in_yuan(ind: Indicator) -> int | float | None:
    if ind.value is None:
        return None
    factor = {"万元": 10000, "千元": 1000, "亿元": 100000000, "元": 1}.get(ind.unit, 10000)  # national form: 万元
    value = ind.value * factor
    return int(value) if float(value).is_integer() else round(value, 2)


def from_table(by_key: dict[str, Indicator]) -> dict[str, Indicator]:
    found: dict[str, Indicator] = {}
    for key, alternatives in TABLE_SOURCES.items():
        for keys in alternatives:
            parts = [by_key.get(k) for k in keys]
            if not all(parts):
                continue
            values = [p.value for p in parts]
            value = sum(values) if all(v is not None for v in values) else None
            raw = "+".join(p.raw for p in parts)
            evidence = " + ".join(f"{p.key} ({p.evidence})" for p in parts)
            unit = HEADLINE_UNITS[key]
            if key == "headline.fees":
                value = _fees_in_yuan(parts[0])
                evidence += f" [{parts[0].raw or 'blank'} {parts[0].unit or '(unit not printed, read as 万元)'} -> 元]"
            found[key] = Indicator(key, raw, value, unit, parts[0].source, evidence)
            break
    return found


def headline(indicators: list[Indicator], report_text: str) -> tuple[list[Indicator], list[Flag]]:
    """headline.* indicators and the text-vs-table disagreements."""
    by_key = {i.key: i for i in indicators}
    table = from_table(by_key)
    text = from_text(report_text)
    out, flags = [], []
    for key in HEADLINE_UNITS:
        t, s = table.get(key), text.get(key)
        if t is not None and t.value is not None:
            out.append(t)
            if s is not None and s.value is not None and s.value != t.value:
                flags.append(Flag("text_vs_table", f"{key}: the text says {s.value}, the table says {t.value}",
                                  {"key": key, "text": s.value, "table": t.value, "sentence": s.evidence}))
        elif s is not None:
            out.append(s)
        elif t is not None:
            out.append(t)
    return out, flags
