"""headline.* — the few numbers every era can answer, from the table when there is one,
else from the report's sentences ("主动公开政府信息4712条", "全年未收到…申请" -> 0).

Sentence values carry ``source="text"`` and the sentence as evidence.  When a table
value and a sentence disagree, the table value is kept and a ``text_vs_table`` flag
records both (see :mod:`checks`).

How sentences are read (real reports word the same fact in many ways):

* **Topic.**  A figure often sits under a heading that names it ("（一）主动公开。
  2022年…公开…等政府信息106条"); the latest numbered heading is the topic of the
  sentences after it, and a verb (公开/发布/公布) under a 主动公开 topic is enough.
* **The year's figure only.**  "累计…" is the year's running total when the sentence
  is scoped to the year ("2012年，全局累计主动公开…", "全年…累计公开…"), and a
  cumulative total (not taken) when it counts since the Regulation or up to a date
  ("自2008年…以来", "截至2012年底，累计…", "历年累计").  Approximate figures
  ("1200余条", "130多条") are not exact numbers and are not taken.
* **Parts are not totals.**  A figure after "其中" is a part; a sentence that lists
  several figures of the same kind without a total ("通过网站公开信息23条；通过平台
  公开信息154条") gives none.
* **Negations are scoped.**  "未/没有/无…" sets 0 only for the subjects inside the
  negated clause: "未发生因政府信息公开申请行政复议" says nothing about applications,
  "与行政复议、行政诉讼有关的费用支出：无" nothing about reviews.  A stated number
  beats a negation.
* **Units and numerals.**  件/条/宗/起/次/份/个, 万 (62.73万条 = 627300), 元/万元 for fees
  (stored in 元), Chinese numerals ("十二件").

Besides the headline keys, the same statements fill the era's own keys when the
tables do not give them (a legacy report's ``legacy.proactive.total``, a 2021 report's
``t3.new.total``, ``t3.carried_in.total`` …): see :data:`ERA_KEYS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Flag, Indicator
from .normalize import chinese_to_int, fold_width_aligned

_CN_DIGITS = "零〇○一二两三四五六七八九十百千"
_NUM = rf"(?P<num>\d[\d,]*(?:\.\d+)?|[{_CN_DIGITS}]+)\s*(?P<wan>万)?\s*(?P<approx>余|多)?\s*"
_COUNT = _NUM + r"(?P<unit>件|条|宗|起|次|份|个)"
_SENT_END = "。；;!?！？\n"

HEADLINE_UNITS = {
    "headline.proactive_total": "条", "headline.applications_received": "件", "headline.applications_disclosed": "件",
    "headline.admin_reviews": "件", "headline.lawsuits": "件", "headline.fees": "元",
}
# Statements that are not headline keys but fill t3 cells of the 2019/2021 forms.
CARRIED_IN, CARRIED_OUT = "text.carried_in", "text.carried_out"
# The fee as printed (value and 元/万元), for legacy.fees.amount; headline.fees is in 元.
FEES_AS_PRINTED = "text.fees_as_printed"

# Where the same statement goes among an era's own keys (used when no table gives it).
ERA_KEYS = {
    "legacy": {
        "headline.proactive_total": "legacy.proactive.total",
        "headline.applications_received": "legacy.apply.received",
        "headline.applications_disclosed": "legacy.apply.answered.agreed",
        "headline.admin_reviews": "legacy.review.total",
        "headline.lawsuits": "legacy.litigation.total",
        FEES_AS_PRINTED: "legacy.fees.amount",
    },
    "2019": {
        "headline.applications_received": "t3.new.total",
        "headline.applications_disclosed": "t3.result.disclosed.total",
        "headline.admin_reviews": "t4.review.total",
        CARRIED_IN: "t3.carried_in.total",
        CARRIED_OUT: "t3.carried_out.total",
    },
}
ERA_KEYS["2021"] = ERA_KEYS["2019"]

# Where each headline comes from in a table, per era: (keys summed, label).
TABLE_SOURCES = {
    "headline.proactive_total": (("legacy.proactive.total",),),
    "headline.applications_received": (("legacy.apply.received",), ("t3.new.total",)),
    "headline.applications_disclosed": (("legacy.apply.answered.agreed",), ("t3.result.disclosed.total",)),
    "headline.admin_reviews": (("legacy.review.total",), ("t4.review.total",)),
    "headline.lawsuits": (("legacy.litigation.total",), ("t4.litigation_direct.total", "t4.litigation_after_review.total")),
    "headline.fees": (("legacy.fees.amount",),),
}


# ============================================================================ sentences

_SENTENCE_END = re.compile(r"[。!?！？]")
_SPACES = re.compile(r"\s+")
_CLAUSE_BREAK = re.compile(r"[，,；;]")
_SPAN_BREAK = re.compile(r"[，,。；;]")
_COUNTED = re.compile(r"\d\s*(?:件|起|宗|次|元)")
_FEE_WORD = re.compile(r"收费|收取|费用(?!支出)")

# A numbered heading opening a line: 一、 （一） (一) ㈠ 1、 1. 第一部分
_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[(（]\s*[一二三四五六七八九十]{1,3}\s*[)）]|[㈠-㈩]"
    r"|\d{1,2}\s*[、．]|\d{1,2}\.(?!\d)|第[一二三四五六七八九十]+部分)"
)


@dataclass
class Sentence:
    text: str  # width-folded, for matching
    original: str  # as printed, for evidence
    topic: str  # the latest numbered heading before (or opening) it


def sentences(report_text: str) -> list[Sentence]:
    """The report's sentences with their topic; table rows (" | " lines) are not prose."""
    out: list[Sentence] = []
    topic = ""
    for line in report_text.split("\n"):
        if "|" in line or not line.strip():
            continue
        folded = fold_width_aligned(line)
        if _HEADING.match(folded):
            head = re.split(r"[。:：]", folded.strip(), maxsplit=1)[0]
            topic = head[:40]
        start = 0
        for m in _SENTENCE_END.finditer(folded):
            out.append(Sentence(folded[start:m.end()], line[start:m.end()].strip(), topic))
            start = m.end()
        if folded[start:].strip():
            out.append(Sentence(folded[start:], line[start:].strip(), topic))
    return out


def _number(m: re.Match) -> int | float | None:
    raw = m.group("num").replace(",", "")
    if raw[0].isdigit():
        value: int | float = float(raw) if "." in raw else int(raw)
    else:
        value = chinese_to_int(raw)
        if value is None:
            return None
    if m.group("wan"):
        value = value * 10000
    if isinstance(value, float):
        value = int(value) if value.is_integer() else round(value, 4)
    return value


def _printed(m: re.Match) -> str:
    """The figure as printed: number, 万, unit ("62.73万条", "3件")."""
    end = m.end("unit") if m.groupdict().get("unit") else m.end()
    return _SPACES.sub("", m.string[m.start("num"):end])


def _clause_before(text: str, pos: int) -> str:
    """The clause ending at ``pos`` (back to the previous comma or semicolon)."""
    return _CLAUSE_BREAK.split(text[:pos])[-1]


# ============================================================================ proactive total

_PROACTIVE_ITEM = re.compile(
    r"信息(?:数量|总数|总量|数)?(?:的有|有|共计|共|为|达到|达|合计|总计|计|累计)?\s*" + _NUM + r"(?P<unit>条|件)"
)
_ANY_COUNT = re.compile(r"\d[\d,]*(?:\.\d+)?\s*万?\s*(?:余|多)?\s*(?:条|件)")
_CUMULATIVE_SCOPE = re.compile(r"以来|截至|截止|至今|迄今|历年|自\s*(?:19|20)\d{2}\s*年")
_YEAR_SCOPE = re.compile(r"全年|本年|当年|年内|今年|年度|(?:19|20)\d{2}\s*年")
_PART_OR_OTHER = re.compile(r"其中|依申请|不予公开|解读|咨询")


def _is_cumulative(sentence: str, pos: int) -> bool:
    before = sentence[:pos]
    if "累计" not in before:
        return bool(re.search(r"历年|以来", _clause_before(sentence, pos)))
    return bool(_CUMULATIVE_SCOPE.search(before)) or not _YEAR_SCOPE.search(before)


def _lists_more(sentence: str, end: int) -> bool:
    """A later figure of the same kind, not a part ("其中…", up to the bracket that
    closes a "（其中…）") and not a cumulative total: the sentence is a list of parts
    without a total ("通过网站公开信息23条；通过平台公开信息154条")."""
    for m in _ANY_COUNT.finditer(sentence, end):
        between = sentence[end:m.start()]
        k = between.rfind("其中")
        if k >= 0 and not (between[k - 1:k] in ("(", "（") and re.search(r"[)）]", between[k:])):
            continue
        if "累计" in _clause_before(sentence, m.start()) and _is_cumulative(sentence, m.start()):
            continue
        return True
    return False


def _proactive(s: Sentence) -> tuple[re.Match, int | float] | None:
    for m in _PROACTIVE_ITEM.finditer(s.text):
        before = s.text[max(0, m.start() - 2):m.start()]
        if before.endswith("类") and before != "各类":
            continue  # a category ("概况类信息5条"), not the total
        clause = _clause_before(s.text, m.start())
        if _PART_OR_OTHER.search(clause):
            continue
        proactive = "主动公开" in clause or ("主动" in clause and "公开" in clause) or (
            "主动公开" in s.topic and re.search(r"公开|发布|公布|推送|更新", clause))
        if not proactive:
            continue
        if _lists_more(s.text, m.end()):
            return None
        if m.group("approx") or _is_cumulative(s.text, m.start()):
            return None
        value = _number(m)
        if value is not None:
            return m, value
    return None


# ============================================================================ applications

_NOT_APPLICATION = re.compile(r"复议|诉讼|投诉|举报|咨询|来信|信访|方式|留言")
_RECEIVED = (
    # 收到…申请(共)N件 / 受理政府信息依申请公开7件 / 共收到和处理…申请13件
    re.compile(r"(?:收到|受理|新收|接到|接收)(?:和处理|并处理|和办理|并办理|到)?(?P<mid>[^。；;，,\n]{0,25}?)"
               r"(?:申请|依申请公开|依申请)(?:件数|数量|总数|数)?(?:共计?|为|合计|总计|达)?\s*" + _COUNT),
    # 共收到9件"依申请公开"申请 / 收到12起政府信息依申请公开
    re.compile(r"(?:收到|受理|接到|接收)(?:了)?(?:共计?)?\s*" + _COUNT + r"(?P<mid>[^。；;，,\n]{0,15}?)(?:申请|依申请公开)"),
)
# Under an 依申请 heading: "依申请公开政府信息共4件，其中，予以公开2件"
_RECEIVED_VERBLESS = re.compile(r"(?:^|[，,；;])[^，,；;]{0,12}?依申请公开(?:政府)?信息(?:共计?|为)?\s*" + _NUM + r"(?P<unit>件)")
_RECEIVED_NONE = (
    re.compile(r"(?<![尚并])(?:未|没有|无)(?:收到|受理|接到|接收到|接收|收到过)(?P<mid>[^。；;，,\n]{0,24}?)申请(?!人)"),
    re.compile(r"(?<![依尚并])(?:无|没有)申请(?!人|行政|复议)"),
    re.compile(r"申请(?:情况|数量|数)?\s*[:：]\s*(?:无|没有)(?:[。；;，,\s]|$)"),
)
_DISCLOSED = re.compile(r"(?<!不)(?<!部分)(?:同意公开|予以公开)(?:答复)?(?:的)?(?:共计?|为)?\s*" + _NUM + r"(?P<unit>件|条|份|个)")
_CARRIED_IN = re.compile(
    r"(?:上一?年度?|(?:19|20)\d{2}\s*年度?)结转(?:的)?(?:申请)?(?:共计?|为)?\s*" + _NUM + r"(?P<unit>件)")
_CARRIED_OUT = re.compile(
    r"(?:结转|转)(?:至|到|入)?(?:下一?年度?|下年度?|(?:19|20)\d{2}\s*年度?)(?:继续)?(?:办理)?(?:的)?(?:共计?|为)?\s*"
    + _NUM + r"(?P<unit>件)")
# "收到1件政府信息公开申请，结转至下一年度办理": the count is the carried-over one
_CARRIED_OUT_BARE = re.compile(r"[，,]\s*(?:均|全部|已)?(?:结转|转)(?:至|到|入)?下一?年度?(?:继续)?办理")


# ============================================================================ reviews, lawsuits, fees

_REVIEW_COUNT = (
    re.compile(r"行政复议(?:案件|申请|案)?(?:共计?|为)?\s*" + _NUM + r"(?P<unit>件|起|宗|次)"),
    # "发生1起因政府信息公开引起的行政复议"
    re.compile(r"(?:发生|有|收到|涉及|被申请)(?:了)?\s*" + _NUM + r"(?P<unit>件|起|宗)[^。；;，,\n\d]{0,12}?行政复议"),
)
_LAWSUIT_COUNT = (
    re.compile(r"(?<!经)行政诉讼(?:案件|案)?(?:共计?|为)?\s*" + _NUM + r"(?P<unit>件|起|宗|次)"),
    re.compile(r"(?:发生|有|收到|涉及|被提起|被起诉)(?:了)?\s*" + _NUM + r"(?P<unit>件|起|宗)[^。；;，,\n\d]{0,12}?行政诉讼"),
)
# One count for both ("发生行政复议、行政诉讼案件0件"): only a 0 can be given to each.
_BOTH_COUNT = re.compile(r"(?:行政)?复议(?:案件|案)?[、和及与或]\s*(?:提起)?(?:行政)?诉讼(?:案件|案)?(?:均为|都为|共计?|为|均)?\s*"
                         + _NUM + r"(?P<unit>件|起|宗|次)?")
# A negation and the clause it governs: "未发生因政府信息公开申请行政复议、提起行政诉讼"
_NEGATION = re.compile(r"(?<![尚并])(?:未(?!予|经|能|按|及)|没有|无(?!法|正当|关|需|须|偿|论|疑)|不(?=收|发生))")
_SUBJECT_NONE = re.compile(r"(?P<subject>行政复议|行政诉讼|复议|诉讼|收费|费用)(?:案件|情况|数量|数)?\s*[:：]\s*(?:无|没有)(?:[。；;，,\s]|$)")
_FEES_AMOUNT = re.compile(
    r"(?:收取|收费|费用)(?![^。；;，,]*?支出)[^。；;，,\n]{0,12}?(?:共计?|合计|总计|为)\s*" + _NUM + r"(?P<unit>万元|元)")
_FEES_ZERO = re.compile(r"(?:收费|收取费用|费用)(?:金额|总额)?(?:均|都)?为\s*(?:零|0(?![\d.]))")


# Words of a case's outcome: "未被复议机关纠错" denies a correction, not that there was a review.
_OUTCOME = re.compile(r"纠错|纠正|败诉|撤销|维持|确认违法")


def _negated_subjects(s: Sentence) -> dict[str, str]:
    """Which of reviews / lawsuits / fees a sentence says there were none of, each with
    the negated clause that says so."""
    found: dict[str, str] = {}
    text = s.text
    for m in _NEGATION.finditer(text):
        span = _SPAN_BREAK.split(text[m.end():m.end() + 40])[0]
        clause = m.group(0) + span
        if _COUNTED.search(span) or _OUTCOME.search(span):
            continue  # "未发生行政复议，发生行政诉讼2起": a number inside is not a "none"
        if "复议" in span:
            found.setdefault("headline.admin_reviews", clause)
        if "诉讼" in span:
            found.setdefault("headline.lawsuits", clause)
        if _FEE_WORD.search(span) and "行政事业性" not in span:
            found.setdefault("headline.fees", clause)
    for m in _SUBJECT_NONE.finditer(text):
        subject = m.group("subject")
        key = {"行政复议": "headline.admin_reviews", "复议": "headline.admin_reviews", "行政诉讼": "headline.lawsuits",
               "诉讼": "headline.lawsuits"}.get(subject, "headline.fees")
        found.setdefault(key, m.group(0).rstrip("。；;，, "))
    return found


# ============================================================================ reading

def statements(report_text: str) -> dict[str, Indicator]:
    """Every value the sentences state: headline keys plus :data:`CARRIED_IN` /
    :data:`CARRIED_OUT`.  Stated numbers come first, in document order; a negation
    fills only what no sentence gave a number for."""
    found: dict[str, Indicator] = {}
    sents = sentences(report_text)

    def put(key: str, raw: str, value, s: Sentence, unit: str | None = None) -> None:
        if key not in found and value is not None:
            found[key] = Indicator(key, raw, value, unit if unit is not None else HEADLINE_UNITS.get(key, "件"),
                                   "text", s.original)

    def count(key: str, pattern: re.Pattern, s: Sentence, check=None) -> re.Match | None:
        for m in pattern.finditer(s.text):
            if m.group("approx") or (check and not check(m)):
                continue
            put(key, _printed(m), _number(m), s)
            return m
        return None

    for s in sents:
        if "headline.proactive_total" not in found:
            hit = _proactive(s)
            if hit:
                put("headline.proactive_total", _printed(hit[0]), hit[1], s)
        received = None
        if "headline.applications_received" not in found:
            for pattern in _RECEIVED:
                received = count("headline.applications_received", pattern, s,
                                 lambda m: not _NOT_APPLICATION.search(m.group("mid"))
                                 and "其中" not in _clause_before(s.text, m.start()))
                if received:
                    break
            if not received and "依申请" in s.topic:
                received = count("headline.applications_received", _RECEIVED_VERBLESS, s)
        count("headline.applications_disclosed", _DISCLOSED, s)
        count(CARRIED_IN, _CARRIED_IN, s)
        if not count(CARRIED_OUT, _CARRIED_OUT, s) and received and _CARRIED_OUT_BARE.search(s.text, received.end()):
            put(CARRIED_OUT, _printed(received), _number(received), s)
        both = _BOTH_COUNT.search(s.text)
        if both and not both.group("approx") and _number(both) == 0:
            put("headline.admin_reviews", _printed(both), 0, s)
            put("headline.lawsuits", _printed(both), 0, s)
        for pattern in _REVIEW_COUNT:
            count("headline.admin_reviews", pattern, s)
        for pattern in _LAWSUIT_COUNT:
            count("headline.lawsuits", pattern, s)
        if "headline.fees" not in found and "行政事业性" not in s.text:
            for m in _FEES_AMOUNT.finditer(s.text):
                if m.group("approx"):
                    continue
                value = _number(m)
                if value is not None:
                    put("headline.fees", _printed(m), _yuan(value * 10000) if m.group("unit") == "万元" else value, s)
                    put(FEES_AS_PRINTED, _printed(m), value, s, unit=m.group("unit"))
                break

    # Negations: 0 only for the subjects of the negated clause, where no number was stated.
    for s in sents:
        for key, clause in sorted(_negated_subjects(s).items()):
            put(key, clause, 0, s)
            if key == "headline.fees":
                put(FEES_AS_PRINTED, clause, 0, s, unit="")
        if "headline.applications_received" not in found:
            for pattern in _RECEIVED_NONE:
                m = pattern.search(s.text)
                if m and not _NOT_APPLICATION.search(m.groupdict().get("mid") or ""):
                    put("headline.applications_received", m.group(0), 0, s)
                    break
        if "headline.fees" not in found:
            m = _FEES_ZERO.search(s.text)
            if m:
                put("headline.fees", m.group(0), 0, s)
                put(FEES_AS_PRINTED, m.group(0), 0, s, unit="")
    return found


def _yuan(value: int | float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 2)


def from_text(report_text: str) -> dict[str, Indicator]:
    """The headline values the report's sentences state (first one per key)."""
    return {k: v for k, v in statements(report_text).items() if k in HEADLINE_UNITS}


# ============================================================================ tables

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


def _disagreement(key: str, text: Indicator, table_value) -> Flag:
    return Flag("text_vs_table", f"{key}: the text says {text.value}, the table says {table_value}",
                {"key": key, "text": text.value, "table": table_value, "sentence": text.evidence})


def _era_indicator(key: str, said: Indicator) -> Indicator:
    return Indicator(key, said.raw, said.value, said.unit, "text", said.evidence)


def headline(indicators: list[Indicator], report_text: str, era: str | None = None) -> tuple[list[Indicator], list[Flag]]:
    """headline.* indicators, the era's own keys the sentences give and no table does,
    and the text-vs-table disagreements (the table value is kept)."""
    by_key = {i.key: i for i in indicators}
    table = from_table(by_key)
    said = statements(report_text)
    out, flags = [], []
    for key in HEADLINE_UNITS:
        t, s = table.get(key), said.get(key)
        if t is not None and t.value is not None:
            out.append(t)
            if s is not None and s.value is not None and s.value != t.value:
                flags.append(_disagreement(key, s, t.value))
        elif s is not None:
            out.append(s)
        elif t is not None:
            out.append(t)
    for concept, key in ERA_KEYS.get(era or "", {}).items():
        s = said.get(concept)
        if s is None or s.value is None:
            continue
        printed = by_key.get(key)
        if printed is None:
            out.append(_era_indicator(key, s))
        elif concept in (CARRIED_IN, CARRIED_OUT) and printed.value is not None and printed.value != s.value:
            flags.append(_disagreement(key, s, printed.value))  # the others are compared as headline keys
    return out, flags
