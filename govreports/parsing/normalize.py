"""Text normalisation shared by every parser.

Two different jobs live here and must not be mixed up:

* *display* normalisation (:func:`to_simplified`, :func:`fold_width`) produces text we store;
* *matching* normalisation (:func:`label_key`) produces a throw-away key used only to
  compare a printed label with the labels we know.  It strips numbering, brackets,
  spaces and notes so that "（一）予以公开", "(一)予以公开" and "1．予 以公开" compare equal.

:func:`parse_number` turns a printed cell into ``(value, unit)`` and keeps "not
reported" ("/", "—", "不适用", blank) as ``None``, never 0.
"""

from __future__ import annotations

import re
from functools import lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")

# Oddities produced by careless Traditional->Simplified converters on real pages, and
# typos seen in official tables.  Applied to matching keys only (never to stored text),
# except the converter oddities which are plainly wrong characters.
CONVERTER_ODDITIES = {"全麵": "全面", "麵向": "面向", "資訊": "信息", "资讯公开": "信息公开",
                      "政府资讯": "政府信息"}
LABEL_TYPOS = {
    "其他法律行政止公开": "其他法律行政法规禁止公开",
    "其他法律行政法规禁公开": "其他法律行政法规禁止公开",
    "本年新收政府信息公开申请数": "本年新收政府信息公开申请数量",
}


def to_simplified(text: str) -> str:
    """Traditional -> Simplified Chinese (OpenCC t2s), fixing known converter oddities.

    Character-level t2s, not OpenCC's phrase-level tw2sp: tw2sp also rewrites mainland
    terms (规范性文件 -> 规范性文档), which would corrupt table labels.  The Taiwan
    vocabulary some portals' converters produce is undone by CONVERTER_ODDITIES."""
    if not text:
        return text
    if len(text) <= 64:
        return _to_simplified_short(text)
    return _to_simplified(text)


@lru_cache(maxsize=16384)
def _to_simplified_short(text: str) -> str:
    # Table cells and labels repeat across pages: cache them.
    return _to_simplified(text)


def _to_simplified(text: str) -> str:
    out = _T2S.convert(text)
    for bad, good in CONVERTER_ODDITIES.items():
        if bad in out:
            out = out.replace(bad, good)
    return out


# Full-width ASCII block (U+FF01..U+FF5E) maps to ASCII by a fixed offset.
_WIDTH_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH_TABLE.update({0x3000: 0x20, 0x00A0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x200B: None, 0xFEFF: None})


_ALIGNED_WIDTH_TABLE = {k: (v if v is not None else 0x20) for k, v in _WIDTH_TABLE.items()}


def fold_width_aligned(text: str) -> str:
    """Like :func:`fold_width` but one character out per character in, so positions in
    the folded text are positions in the original."""
    return text.translate(_ALIGNED_WIDTH_TABLE) if text else text


def fold_width(text: str) -> str:
    """Full-width digits, letters and ASCII punctuation to half-width; odd spaces to ' '."""
    return text.translate(_WIDTH_TABLE) if text else text


_WS = re.compile(r"\s+")


def clean_cell(text: str) -> str:
    """A table cell or metadata value as printed, with surrounding/internal runs of
    whitespace collapsed (full-width spaces included).  Characters are not changed."""
    if not text:
        return ""
    if len(text) <= 80:
        return _clean_short(text)
    return _clean(text)


@lru_cache(maxsize=32768)
def _clean_short(text: str) -> str:
    return _clean(text)


def _clean(text: str) -> str:
    text = text.replace("\u200b", "").replace("\ufeff", "")
    return _WS.sub(" ", text).strip()  # \s covers U+3000 and U+00A0 in Python


# Numbering prefixes: 一、 （一） (一) 1. 1、 1． ⒈ (1) ① 其中： …
_CN_DIGITS = "〇○零一二三四五六七八九十百"
_NUMBERING = re.compile(
    r"^(?:"
    rf"[{_CN_DIGITS}]+[、.．]"  # 一、
    rf"|[(（][{_CN_DIGITS}\d]+[)）][、.．]?"  # （一） (1)
    r"|\d+(?:\.\d+)*[、.．)）]?(?!\d)"  # 1. 1、 1．
    r"|[\u2460-\u249B]"  # ① ⒈ ⑴
    r"|第[一二三四五六七八九十]+[项条]"
    r")\s*"
)
_PREFIXES = re.compile(r"^(?:其中[:：]?|含[:：]|注[:：])")
_NOTE_BRACKETS = re.compile(r"[(（][^()（）]*[)）]")
_PUNCT = re.compile(r"[\s\"'“”‘’「」『』《》〈〉、，,。．.·:：;；!！?？\-—_/|【】\[\]]+")


def strip_numbering(label: str) -> str:
    """Remove leading numbering and "其中：" (repeatedly: "其中:1、政府公报" -> "政府公报")."""
    prev = None
    label = label.strip()
    while prev != label:
        prev = label
        label = _PREFIXES.sub("", label).strip()
        label = _NUMBERING.sub("", label).strip()
    return label


@lru_cache(maxsize=8192)
def label_key(label: str) -> str:
    """Matching key for a printed label: Simplified, half-width, no numbering, no
    bracketed notes, no spaces/punctuation, known typos fixed."""
    s = fold_width(to_simplified(label or ""))
    s = re.sub(r"\s+", "", s)  # line breaks and spaces inside labels ("总 计")
    s = strip_numbering(s)
    s = _NOTE_BRACKETS.sub("", s)
    s = _PUNCT.sub("", s)
    for typo, fixed in LABEL_TYPOS.items():
        s = s.replace(typo, fixed)
    return s


@lru_cache(maxsize=8192)
def squash(text: str) -> str:
    """Simplified, half-width, all whitespace removed: for keyword tests on labels."""
    return re.sub(r"\s+", "", fold_width(to_simplified(text or "")))


# --------------------------------------------------------------------------- numbers

NOT_REPORTED = {"", "/", "／", "-", "—", "——", "－", "--", "---", "–", "\\", "不适用", "無", "无", "空", "×", "x", "X", "*"}
UNITS = ("人次", "万元", "件次", "千元", "亿元", "元", "条", "件", "项", "次", "篇", "个", "人", "家", "份", "场", "期", "批", "起", "宗", "户", "套", "天", "日", "%")
_UNIT_RE = "|".join(map(re.escape, UNITS))
_NUM_RE = re.compile(
    rf"^(?P<sign>[+\-−]|增加|减少|減少|增|减|減)?\s*(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<unit>{_UNIT_RE})?$"
)
_CN_DIGIT_VALUES = {
    "〇": 0, "○": 0, "零": 0, "一": 1, "壹": 1, "二": 2, "两": 2, "兩": 2, "贰": 2, "貳": 2, "三": 3, "叁": 3, "參": 3,
    "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "陸": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}
_CN_UNIT_VALUES = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_TENS_VALUES = {"廿": 20, "卅": 30, "卌": 40}  # 廿一 = 21, as in dates
_CN_SECTION_VALUES = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
_CN_NUMERAL_CHARS = "".join([*_CN_DIGIT_VALUES, *_CN_UNIT_VALUES, *_CN_TENS_VALUES, *_CN_SECTION_VALUES])
_CN_NUM_RE = re.compile(rf"^(?P<num>[{_CN_NUMERAL_CHARS}]+)\s*(?P<unit>{_UNIT_RE})?$")


@lru_cache(maxsize=4096)
def chinese_to_int(text: str) -> int | None:
    """A Chinese numeral as an int, or None when ``text`` is not a well-formed one.

    "十二" -> 12, "二〇二三" / "二○一三" -> 2023 / 2013 (digit by digit), "两千零二十一" ->
    2021, "一万零五" -> 10005, "一百五" -> 150 (the unit left out is the next lower one),
    "廿一" -> 21, financial forms "壹佰贰拾叁" -> 123, "一亿二千万" -> 120000000.
    Malformed runs ("十十", "一二三十") are None, never a guess.

    Hand-written rather than cn2an: measured on these forms it is as right where cn2an
    is right, also reads "○" (U+25CB, the usual zero of printed dates) and "卅", and is
    6-20x faster with no 150 ms import.
    """
    text = text.strip()
    if not text:
        return None
    if all(ch in _CN_DIGIT_VALUES for ch in text):
        if len(text) == 1:
            return _CN_DIGIT_VALUES[text]
        return int("".join(str(_CN_DIGIT_VALUES[ch]) for ch in text))
    total = 0  # completed 万/亿 sections
    section = 0  # the current section below 万
    digit = None  # a digit waiting for its unit
    last_unit = 10**5  # units inside a section must descend: 千 > 百 > 十
    last_section = 10**13  # 亿 and 万 must descend too (万亿 multiplies, see below)
    after_zero = False  # "一百零五" vs "一百五"
    for ch in text:
        if ch in _CN_DIGIT_VALUES:
            value = _CN_DIGIT_VALUES[ch]
            if digit not in (None, 0):
                return None  # two digits in a row: "一二"
            digit = value
            after_zero = after_zero or value == 0
        elif ch in _CN_UNIT_VALUES or ch in _CN_TENS_VALUES:
            unit = _CN_UNIT_VALUES.get(ch, 10)
            if unit >= last_unit:
                return None  # "十十", "十百"
            if ch in _CN_TENS_VALUES:
                if digit not in (None, 0):
                    return None  # "二廿"
                section += _CN_TENS_VALUES[ch]
            else:
                section += (1 if not digit else digit) * unit
            digit, last_unit, after_zero = None, unit, False
        elif ch in _CN_SECTION_VALUES:
            unit = _CN_SECTION_VALUES[ch]
            section += digit or 0
            if unit > last_section:  # "一万亿": 万 sections of 亿
                total = (total + section) * unit
            elif unit == last_section or (section == 0 and total == 0 and digit is None):
                return None  # "一万万", a bare "万"
            else:
                total += (section or 1) * unit
            section, digit, last_unit, last_section, after_zero = 0, None, 10**5, unit, False
        else:
            return None
    if digit:
        if not after_zero and last_unit < 10**5 and last_unit >= 100:
            digit *= last_unit // 10  # "一百五" = 150, "一千五" = 1500
        elif not after_zero and last_unit == 10**5 and last_section < 10**13 and section == 0:
            digit *= last_section // 10  # "一万五" = 15000
        section += digit
    return total + section


def _as_number(text: str) -> int | float:
    value = float(text.replace(",", ""))
    return int(value) if value.is_integer() else value  # "0.00" -> 0: int when integral


@lru_cache(maxsize=16384)
def parse_number(raw: str) -> tuple[int | float | None, str]:
    """Read a printed cell: ``"78条" -> (78, "条")``, ``"０万元" -> (0, "万元")``,
    ``"+3" -> (3, "")``, ``"-2"/"减少2" -> (-2, "")``, ``"減3" -> (-3, "")``, ``"7730.28" -> (7730.28, "")``,
    ``"十二件" -> (12, "件")``, ``"个" -> (None, "个")``, ``"/"``, ``"—"``, ``"不适用"``, ``""`` -> ``(None, "")``.

    Integral numbers come back as int.  Nothing that is not a number becomes 0.
    """
    s = fold_width(raw or "").strip()
    s = re.sub(r"\s+", "", s)
    if s in NOT_REPORTED:
        return None, ""
    if s in UNITS:
        return None, s
    m = _NUM_RE.match(s)
    if m:
        value = _as_number(m.group("num"))
        if m.group("sign") in ("-", "−", "减少", "減少", "减", "減"):
            value = -value
        return value, m.group("unit") or ""
    m = _CN_NUM_RE.match(s)
    if m:
        value = chinese_to_int(m.group("num"))
        if value is not None:
            return value, m.group("unit") or ""
    return None, ""


@lru_cache(maxsize=16384)
def is_value_cell(raw: str) -> bool:
    """True for a cell that holds a value (number, number+unit, lone unit, or a
    not-reported mark), False for a label."""
    s = re.sub(r"\s+", "", fold_width(raw or ""))
    if s in NOT_REPORTED or s in UNITS:
        return True
    return bool(_NUM_RE.match(s))
