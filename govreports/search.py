"""Full-text search of the stored reports (``scrapy search TERM``).

The reports' trigram index (``reports_fts`` over ``title``, ``body_text`` and
``attachment_text``) matches any piece of text of three characters or more, but never
a shorter one — and the words researchers look for are often two characters (复议,
诉讼, 申请).  So a query is split into words at white space, and each word is matched
by what can match it:

* a word of three characters or more through the index (a phrase query: the
  characters in that order, anywhere, letters of any case);
* a word of one or two characters by scanning those three columns (``LIKE``, case
  folded for Latin letters as the index folds them), among the reports the long
  words (and ``region``/``year``) left.

A report matches when every word occurs in one of the three columns.  Words are
normalised as stored text is (Traditional to Simplified, full-width letters and digits
to half-width), so 複議 finds 复议.  Results come newest year first; each has a snippet
around the first occurrence of the first word, in the first column that has it.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

from govreports.parsing.normalize import to_simplified

# The columns searched, in the order a snippet is looked for.
SEARCHED_COLUMNS = ("title", "body_text", "attachment_text")
TRIGRAM = 3  # shortest word the trigram index can match
SNIPPET_CONTEXT = 30  # characters shown on each side of the match
DEFAULT_LIMIT = 20
# Shown around the matched word in a snippet.
MARK_OPEN, MARK_CLOSE = "【", "】"


class SearchError(Exception):
    """The search cannot be made as asked (no term, an unknown region, no database)."""


@dataclass(frozen=True)
class Query:
    """A normalised search: its words, and the filters."""

    words: tuple[str, ...]
    region: str | None = None
    year: int | None = None
    limit: int = DEFAULT_LIMIT

    @property
    def long_words(self) -> tuple[str, ...]:
        return tuple(w for w in self.words if len(w) >= TRIGRAM)

    @property
    def short_words(self) -> tuple[str, ...]:
        return tuple(w for w in self.words if len(w) < TRIGRAM)


@dataclass
class Hit:
    """One matching report."""

    report_id: str
    report_year: int | None
    region_code: str
    region_name: str
    publisher: str
    title: str
    url: str
    column: str  # where the snippet is from: title, body_text or attachment_text
    occurrences: int  # of the first word, in all three columns
    snippet: str
    removed_at: str | None = None

    def as_row(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Results:
    query: Query
    total: int  # reports matching (the hits are the first ``limit`` of them)
    hits: list[Hit] = field(default_factory=list)


HIT_COLUMNS = list(Hit.__dataclass_fields__)


def normalise_term(text: str) -> str:
    """The term as stored text is written: NFKC (full-width letters, digits and spaces
    to half-width), Traditional to Simplified."""
    return to_simplified(unicodedata.normalize("NFKC", text))


def make_query(term: str, *, region: str | None = None, year: int | None = None,
               limit: int = DEFAULT_LIMIT) -> Query:
    words = tuple(dict.fromkeys(normalise_term(term).split()))  # unique, in order
    if not words:
        raise SearchError("say what to search for: scrapy search TERM (two-character words such as 复议 work too)")
    if limit < 1:
        raise SearchError(f"--limit must be 1 or more, not {limit}")
    return Query(words, region, year, limit)


def fts_phrase(word: str) -> str:
    """``word`` as an FTS5 phrase: matched as a whole, quotes and operators inert."""
    return '"' + word.replace('"', '""') + '"'


def like_pattern(word: str) -> str:
    """``word`` as a LIKE pattern (escape ``\\``) matching it anywhere."""
    return "%" + re.sub(r"([\\%_])", r"\\\1", word) + "%"


def where_clause(query: Query, region_sql: tuple[str, list[Any]] = ("1=1", [])) -> tuple[str, list[Any]]:
    """The SQL condition on ``reports`` selecting the query's reports."""
    conditions, params = [region_sql[0]], list(region_sql[1])
    if query.year is not None:
        conditions.append("reports.report_year = ?")
        params.append(query.year)
    if query.long_words:
        conditions.append("reports.rowid IN (SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?)")
        params.append(" AND ".join(fts_phrase(w) for w in query.long_words))
    for word in query.short_words:
        conditions.append("(" + " OR ".join(f"reports.{c} LIKE ? ESCAPE '\\'"
                                            for c in SEARCHED_COLUMNS) + ")")
        params += [like_pattern(word)] * len(SEARCHED_COLUMNS)
    return " AND ".join(conditions), params


def _folded(text: str) -> str:
    # What the index and LIKE compare: Latin letters case-folded (same length, so
    # positions in the folded text are positions in the text).
    return text.lower() if text.isascii() else "".join(c.lower() if c.isascii() else c for c in text)


def snippet(text: str, word: str, context: int = SNIPPET_CONTEXT) -> str | None:
    """The text around the first occurrence of ``word`` (white space collapsed), the
    word marked, or None when it does not occur."""
    flat = " ".join(text.split())
    at = _folded(flat).find(_folded(word))
    if at < 0:
        return None
    start, end = max(0, at - context), min(len(flat), at + len(word) + context)
    return ("…" if start else "") + flat[start:at] + MARK_OPEN + flat[at:at + len(word)] + MARK_CLOSE \
        + flat[at + len(word):end] + ("…" if end < len(flat) else "")


def make_hit(row: sqlite3.Row, word: str) -> Hit:
    texts = {c: row[c] or "" for c in SEARCHED_COLUMNS}
    column, shown = next(((c, s) for c in SEARCHED_COLUMNS if (s := snippet(texts[c], word)) is not None),
                         ("", ""))
    folded = _folded(word)
    return Hit(report_id=row["report_id"], report_year=row["report_year"], region_code=row["region_code"] or "",
               region_name=row["region_name"] or "", publisher=row["publisher"] or "", title=row["title"] or "",
               url=row["url"] or "", column=column,
               occurrences=sum(_folded(" ".join(t.split())).count(folded) for t in texts.values()),
               snippet=shown, removed_at=row["removed_at"])


def search(conn: sqlite3.Connection, query: Query,
           region_sql: tuple[str, list[Any]] = ("1=1", [])) -> Results:
    """The reports matching ``query`` in the database of ``conn`` (``region_sql``: the
    SQL condition on ``reports`` for ``query.region``, see
    :func:`govreports.exporting.region_clause`)."""
    where, params = where_clause(query, region_sql)
    total = conn.execute(f"SELECT count(*) FROM reports WHERE {where}", params).fetchone()[0]
    conn.row_factory = sqlite3.Row
    try:
        rows = conn.execute(
            f"""SELECT report_id, report_year, region_code, region_name, publisher, title, url, removed_at,
                       {', '.join(SEARCHED_COLUMNS)}
                FROM reports WHERE {where}
                ORDER BY report_year DESC, region_code, publisher, report_id LIMIT ?""",
            [*params, query.limit]).fetchall()
    finally:
        conn.row_factory = None
    return Results(query, total, [make_hit(row, query.words[0]) for row in rows])


def search_database(db_path: str, query: Query) -> Results:
    """:func:`search` in the database at ``db_path`` (upgraded first if an older
    version wrote it), ``query.region`` read as ``scrapy export --region`` reads it."""
    from pathlib import Path

    from govreports.exporting import ExportError, region_clause
    from govreports.storage import open_db
    from govreports.storage.locking import is_locked

    if not Path(db_path).is_file():
        raise SearchError(f"no database at {db_path}; run a crawl first (scrapy crawl portal -a region=demo)")
    try:
        db = open_db(db_path)
    except sqlite3.DatabaseError as exc:
        raise SearchError(f"cannot read the database {db_path}: {exc}") from exc
    try:
        try:
            region_sql = region_clause(db, query.region)
        except ExportError as exc:
            raise SearchError(str(exc)) from exc
        return search(db.conn, query, region_sql)
    except sqlite3.DatabaseError as exc:
        if is_locked(exc):
            raise SearchError(f"the database {db_path} is locked by another process; try again once it is done") \
                from exc
        raise SearchError(f"cannot read the database {db_path}: {exc}") from exc
    finally:
        db.close()


def text_lines(results: Results) -> list[str]:
    """The results for a person: a line per report, its snippet under it, then a total."""
    lines = []
    for hit in results.hits:
        where = " ".join(filter(None, [hit.region_name or hit.region_code, str(hit.report_year or "")]))
        gone = f"  (removed from the portal {hit.removed_at[:10]})" if hit.removed_at else ""
        lines.append(f"{where}  {hit.publisher or '-'}  {hit.title}{gone}")
        lines.append(f"    {hit.url}")
        lines.append(f"    {hit.column}: {hit.snippet}  ({hit.occurrences}×)")
    shown = len(results.hits)
    words = " ".join(results.query.words)
    more = f", showing the first {shown} (--limit)" if shown < results.total else ""
    noun = "report matches" if results.total == 1 else "reports match"
    lines.append(f"{results.total} {noun} {words!r}{more}")
    return lines
