"""CPU of the parser over a fixed corpus, and whether two checkouts parse it alike
(``parse_speed.py`` times each page on its own).

The corpus: every HTML page under ``tests/fixtures`` and ``tests/sites``, the text
fixtures, and the shared real pages (``../shared/samples/real-pages``), each as text
and as HTML lines.  Prints the CPU time (user + system) of parsing all of it, and per
page of the bulk crawl's 2021-form report (``tests/portal_sites.py`` ``BULK_2021``);
best of ``--repeat`` rounds, since other jobs share the machine.

``--dump FILE`` writes every parse result (``dataclasses.asdict`` of the ParsedReport)
to FILE; ``--compare FILE`` reads such a file and prints which results differ, exiting
1 if any do.  ``--repo`` parses with another checkout's code, so that an old checkout
and a new one can be compared without switching branches::

    python benchmarks/parse_corpus.py --repo ../main --dump /tmp/old.pickle
    python benchmarks/parse_corpus.py --compare /tmp/old.pickle
"""

from __future__ import annotations

import argparse
import dataclasses
import pickle
import resource
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def decoded(data: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    return data.decode("utf-8", "replace")


def corpus(repo: Path) -> list[tuple[str, str, str]]:
    """(kind, name, text): the name is relative, so two checkouts name a page alike."""
    from tests.real_pages import REAL_PAGES, as_html

    pages = []
    for folder in ("tests/fixtures", "tests/sites"):
        for path in sorted((repo / folder).rglob("*.htm*")):
            pages.append(("html", str(path.relative_to(repo)), decoded(path.read_bytes())))
    for path in sorted((repo / "tests/fixtures").rglob("*.txt")):
        pages.append(("text", str(path.relative_to(repo)), decoded(path.read_bytes())))
    real = sorted((REAL_PAGES / "pages").glob("*.txt"))
    if not real:
        sys.exit(f"{REAL_PAGES} holds no pages: the shared folder belongs beside the repository")
    for path in real:
        text = path.read_text(encoding="utf-8")
        pages.append(("text", f"real-pages/{path.name}", text))
        pages.append(("html", f"real-pages/{path.name}.html", as_html(text)))
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, default=HERE, help="the checkout whose parser is timed")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dump", type=Path, help="write every parse result to this file")
    parser.add_argument("--compare", type=Path, help="compare every parse result with this file's")
    args = parser.parse_args()
    repo = args.repo.resolve()
    sys.path.insert(0, str(repo))
    from govreports.parsing.report import parse_report_html, parse_report_text
    from tests.portal_sites import BULK_2021

    def parse(kind: str, name: str, text: str):
        url = f"http://example.test/{name}"
        try:
            report = parse_report_html(text, url) if kind == "html" else parse_report_text(text, url)
        except Exception as error:  # an error is a result too: it must stay the same
            return ("error", type(error).__name__, str(error))
        return dataclasses.asdict(report)

    pages = corpus(repo)
    results = {(kind, name): parse(kind, name, text) for kind, name, text in pages}
    bulk = decoded(Path(BULK_2021.path).read_bytes())
    whole = per_bulk_page = float("inf")
    for _ in range(args.repeat):
        start = cpu()
        for page in pages:
            parse(*page)
        whole = min(whole, cpu() - start)
        start = cpu()
        for _ in range(100):
            parse_report_html(bulk, "http://example.test/bulk")
        per_bulk_page = min(per_bulk_page, (cpu() - start) / 100)
    print(f"{repo}: {len(pages)} pages parsed in {whole * 1000:.0f} ms CPU "
          f"({whole / len(pages) * 1000:.2f} ms a page); the bulk 2021-form page {per_bulk_page * 1000:.2f} ms CPU")
    if args.dump:
        args.dump.write_bytes(pickle.dumps(results))
    if args.compare:
        before = pickle.loads(args.compare.read_bytes())
        differ = sorted(k for k in before.keys() | results.keys() if before.get(k) != results.get(k))
        print(f"{len(results)} results compared with {args.compare}: {len(differ)} differ")
        for kind, name in differ[:50]:
            print(f"  {kind} {name}")
        sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
