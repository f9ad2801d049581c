"""PDF reading speed, and whether the fast reader gives the same cells.

    python benchmarks/pdf_speed.py [PDF ...] [--runs N]

Per PDF (default: the shared 淮安 report and every PDF under tests/fixtures/), the
median CPU and wall time in ms over ``--runs`` runs, from the file's bytes to its
indicators (``parse_report_text``):

* ``auto``        — what the crawl does: the PDFium text layer, judged by the report
  parser, pdfplumber when the parser cannot vouch for it (``extract()``), then the
  parse of the text.  ``extract`` alone is shown too: it already holds one parse
  (the verdict's), so an in-process caller could keep that one;
* ``pdfplumber``  — pdfplumber's geometry reading (``pdf_reader="pdfplumber"``), then
  the parse: the reading before issue 13;
* ``pdftotext``   — ``pdftotext -layout`` (poppler, a child process), then the parse,
  for reference: a plain text converter and our parser.

and whether the cells agree: of the indicators (key, raw, value, unit) parsed from
pdfplumber's reading, how many the ``auto`` reading gives equally ("cells equal /
total"; every one, and no other, must), and the reader ``auto`` ended with.

Target (issue 13): ``auto`` no slower per PDF than ``pdftotext -layout`` + the
parser, with every cell equal.  The machine's other load inflates wall times more
than CPU times: compare the columns of one run.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from govreports.attachments import extract  # noqa: E402
from govreports.parsing.report import parse_report_text  # noqa: E402

DEFAULTS = [ROOT.parent / "shared" / "samples" / "huaian-city-2024-report.pdf",
            *sorted((ROOT / "tests" / "fixtures").rglob("*.pdf"))]


def timed(function, runs: int) -> tuple[float, float, object]:
    """(median CPU s, median wall s, last result).  CPU includes child processes
    (pdftotext)."""
    cpu, wall, result = [], [], None
    for _ in range(runs):
        c0, w0 = _cpu(), time.perf_counter()
        result = function()
        cpu.append(_cpu() - c0)
        wall.append(time.perf_counter() - w0)
    return statistics.median(cpu), statistics.median(wall), result


def _cpu() -> float:
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def cells(text: str) -> set[tuple]:
    report = parse_report_text(text, "file.pdf", source="attachment:file.pdf")
    return {(i.key, i.raw, i.value, i.unit) for i in report.indicators}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:6.1f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pdfs", nargs="*", type=Path, default=DEFAULTS)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    pdftotext = shutil.which("pdftotext")
    parse_report_text("", "warm-up")  # first-call costs (compiled patterns, tables) are not per PDF
    print(f"{'':32} {'':>5}  {'---------------- ms, CPU / wall ----------------':^71}")
    print(f"{'PDF':32} {'pages':>5}  {'auto extract':>13}  {'auto → cells':>13}  {'pdfplumber → cells':>19}  "
          f"{'pdftotext → cells':>18}  {'speed-up':>8}  cells equal  auto read by")
    all_equal = True
    for path in args.pdfs:
        if not path.exists():
            print(f"{path}: not found", file=sys.stderr)
            return 1
        data = path.read_bytes()

        def auto_extract():
            return extract(data, filename=path.name)

        def auto():
            ex = extract(data, filename=path.name)
            return ex, cells(ex.text) if ex.status == "parsed" else set()

        def plumber():
            ex = extract(data, filename=path.name, pdf_reader="pdfplumber")
            return ex, cells(ex.text) if ex.status == "parsed" else set()

        def poppler():
            out = subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True, timeout=60)
            return cells(out.stdout.decode("utf-8", "replace"))

        e_cpu, e_wall, _ = timed(auto_extract, args.runs)
        a_cpu, a_wall, (a_ex, a_cells) = timed(auto, args.runs)
        p_cpu, p_wall, (p_ex, p_cells) = timed(plumber, args.runs)
        t = timed(poppler, args.runs) if pdftotext else None
        equal = len(a_cells & p_cells)
        all_equal &= a_cells == p_cells and a_ex.status == p_ex.status
        reader = a_ex.reader if a_ex.status == "parsed" else f"{a_ex.status} ({a_ex.reader})"
        if a_ex.reader == "pdfplumber" and a_ex.warnings[:1]:
            reader += f": {a_ex.warnings[0].removeprefix('read with pdfplumber: ')}"
        poppler_times = f"{ms(t[0])} / {ms(t[1])}" if t else "(not installed)"
        print(f"{path.name[:32]:32} {a_ex.pages or 0:>5}  {ms(e_cpu)} /{ms(e_wall)}  {ms(a_cpu)} /{ms(a_wall)}  "
              f"{ms(p_cpu):>10} /{ms(p_wall)}  {poppler_times:>18}  {p_cpu / max(a_cpu, 1e-9):7.1f}x  "
              f"{equal:>4} / {len(p_cells):<4}  {reader}")
        extra = a_cells - p_cells
        if extra:
            print(f"  auto gives {len(extra)} cells pdfplumber's reading does not: {sorted(extra)[:3]} …")
    print("every cell equal" if all_equal else "CELLS DIFFER")
    return 0 if all_equal else 1


if __name__ == "__main__":
    sys.exit(main())
