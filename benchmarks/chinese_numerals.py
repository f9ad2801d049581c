"""Chinese numerals: the hand-written reader against cn2an, on the hard cases.

    python benchmarks/chinese_numerals.py

Prints, per case, what each reader returns, then the time per call.  cn2an is not a
dependency (this measurement is why); install it in a throwaway venv to compare
(``pip install cn2an==0.5.24``), otherwise only the hand-written reader is shown.
"""

from __future__ import annotations

import sys
import time
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from govreports.parsing.normalize import chinese_to_int  # noqa: E402

CASES = {
    "二○一三": 2013, "二〇二三": 2023, "二零二一": 2021, "两千零二十一": 2021, "一万二千三百四十五": 12345,
    "十": 10, "二十一": 21, "廿一": 21, "卅": 30, "一百零五": 105, "一百五": 150, "一万零五": 10005,
    "壹贰叁": 123, "壹佰贰拾叁": 123, "〇": 0, "○": 0, "零": 0, "两万": 20000, "一亿二千万": 120_000_000,
    "十十": None, "一二三十": None,
}


def main() -> None:
    hand = chinese_to_int.__wrapped__  # uncached: the parse itself
    try:
        t0 = time.perf_counter()
        import cn2an
        import_ms = (time.perf_counter() - t0) * 1000

        def other(text):
            try:
                return cn2an.cn2an(text, "smart")
            except Exception:  # noqa: BLE001 - cn2an raises ValueError and others on bad input
                return None
    except ImportError:
        cn2an, other, import_ms = None, None, 0.0
    right = {"hand": 0, "cn2an": 0}
    print(f"{'case':<12} {'want':>10} {'hand':>10} {'cn2an':>10}")
    for text, want in CASES.items():
        got = hand(text)
        right["hand"] += got == want
        theirs = other(text) if other else "-"
        right["cn2an"] += other is not None and theirs == want
        print(f"{text:<12} {want!s:>10} {got!s:>10} {theirs!s:>10}")
    n = 2000
    for label, fn in (("hand", hand), ("cn2an", other)):
        if fn is None:
            continue
        per_call = timeit.timeit(lambda: [fn(t) for t in CASES], number=n) / (n * len(CASES)) * 1e6
        print(f"{label}: {right[label]}/{len(CASES)} right, {per_call:.2f} µs per call")
    if cn2an is not None:
        print(f"cn2an import: {import_ms:.0f} ms")


if __name__ == "__main__":
    main()
