"""Merge a registry seed into the portal registry (``data/portals.csv``).

A *seed* is a directory with ``portals-seed.csv`` (one row per region: the government's
home page, sometimes its annual-report column) and ``departments-seed.csv`` (columns of
departments, offices and towns, each naming its ``body``), both with the columns
``region_code,region_name,level,portal_name,home_url,list_urls,evidence_url,source``
(``body`` too for departments).  ``scripts/merge_registry.py SEED_DIR`` runs
:func:`merge_registry_file`; everything else here is pure.

**Which row is which.**  A seed row and a registry row are the same portal when they
have the same ``(region_code, body)`` (``body`` empty for the government itself).

**Who owns what.**

* The seed owns where a portal is and why we believe it: ``home_url``, ``level``,
  ``evidence_url``, ``source``.  A merge sets them from the seed.
* The registry owns everything else: ``portal_id``, ``region_name``, ``portal_name``,
  ``list_urls``, ``platform``, ``render_js``, ``obey_robots``, ``robots_note`` and any
  extra column.  The seed only fills them when they are empty (a new row takes all of
  the seed's); where both have a value and they differ, the registry's is kept and
  the report says so (``seed differs``), so a better seed column can be copied in by hand.
* A row whose ``source`` is ``local`` or starts with ``local:`` is kept by hand: the
  merge never changes it.  When no other registry row has its region and body, it takes
  the place of the seed's row (a corrected host: edit the row and mark it); beside
  another row it is simply one more portal (a second host of the same body, the
  offline demo).
* Nothing is dropped: a registry row the seed no longer has is kept and reported.

**Ids.**  Every row but those kept by hand gets an explicit ``portal_id``.  A row already in the registry keeps
the id it had (written out when it was implicit), even when the seed later moves its
host; a new government row gets ``<region_code>:<host>``, a new body row
``<region_code>:<host>:<body>`` (bodies often share the government's host).

**Levels.**  A government row's ``level`` is its region's (province, city, county); a
row with a ``body`` has ``level`` ``department`` (towns and offices included).

Rows are written in a fixed order (portals that are no GB/T region first, such as the
demo, then by region code, the government before its bodies), so merging the same seed
twice changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from govreports.registry import BODY_LEVEL, COLUMNS, default_portal_id, registry_text

PORTALS_SEED = "portals-seed.csv"
DEPARTMENTS_SEED = "departments-seed.csv"
SEED_COLUMNS = ("region_code", "region_name", "level", "portal_name", "home_url", "list_urls",
                "evidence_url", "source")
LOCAL_SOURCE = "local"

SEED_OWNED = ("home_url", "level", "evidence_url", "source")
# The registry's: the seed fills them only when empty.
FILLED_FROM_SEED = ("region_name", "portal_name", "list_urls", "platform", "render_js")
NEW_ROW_DEFAULTS = {"platform": "auto", "render_js": "0"}


class SeedError(ValueError):
    """A seed file is missing or malformed, or seed and registry cannot be merged."""


def is_local(row: dict[str, str]) -> bool:
    """Whether a registry row is kept by hand (``source`` ``local`` or ``local: …``)."""
    source = row.get("source", "").strip().lower()
    return source == LOCAL_SOURCE or source.startswith(LOCAL_SOURCE + ":")


def row_key(row: dict[str, str]) -> tuple[str, str]:
    return row.get("region_code", ""), row.get("body", "")


def row_id(row: dict[str, str]) -> str:
    """The portal id a registry row has: its ``portal_id``, else the default one."""
    return row.get("portal_id") or default_portal_id(row.get("region_code", ""), row.get("home_url", ""),
                                                      tuple(row.get("list_urls", "").split()))


def seed_portal_id(row: dict[str, str]) -> str:
    """The id a new row gets: ``<region_code>:<host>``, and ``:<body>`` for a body's column."""
    host = urlsplit(row["home_url"] or row["list_urls"].split()[0]).hostname or ""
    base = f"{row['region_code']}:{host}"
    return f"{base}:{row['body']}" if row["body"] else base


# --- reading -------------------------------------------------------------------------------
def read_csv_rows(text: str, name: str, required: Iterable[str]) -> tuple[list[str], list[dict[str, str]]]:
    """The header and rows of CSV ``text`` (values stripped); SeedError naming ``name``
    when a required column is missing."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [(c or "").strip() for c in reader.fieldnames or []]
    missing = [c for c in required if c not in header]
    if missing:
        raise SeedError(f"{name}: missing column(s) {', '.join(missing)}")
    reader.fieldnames = header
    rows = [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]
    return header, rows


def seed_row(row: dict[str, str], *, name: str, line: int) -> dict[str, str]:
    """A seed row as a registry row (platform and render_js left to the registry)."""
    body = row.get("body", "")
    if not row["region_code"]:
        raise SeedError(f"{name} line {line}: region_code is empty")
    if not row["home_url"] and not row["list_urls"]:
        raise SeedError(f"{name} line {line}: neither home_url nor list_urls")
    seeded = {c: row[c] for c in SEED_COLUMNS}
    seeded.update(body=body, level=BODY_LEVEL if body else row["level"], platform="", render_js="")
    seeded["portal_id"] = seed_portal_id(seeded)
    return seeded


def read_seed(seed_dir: str | Path) -> list[dict[str, str]]:
    """The rows of a seed directory (governments, then bodies), as registry rows."""
    seed_dir = Path(seed_dir)
    rows = []
    for file_name, required in ((PORTALS_SEED, SEED_COLUMNS), (DEPARTMENTS_SEED, (*SEED_COLUMNS, "body"))):
        path = seed_dir / file_name
        if not path.is_file():
            raise SeedError(f"{path} not found: a seed directory holds {PORTALS_SEED} and {DEPARTMENTS_SEED}")
        _, found = read_csv_rows(path.read_text(encoding="utf-8-sig"), str(path), required)
        rows += [seed_row(row, name=file_name, line=n) for n, row in enumerate(found, start=2)]
    seen: dict[tuple[str, str], int] = {}
    for n, row in enumerate(rows):
        if row_key(row) in seen:
            raise SeedError(f"the seed has two rows for region {row['region_code']} body {row['body']!r}")
        seen[row_key(row)] = n
    return rows


# --- merging ---------------------------------------------------------------------------------
@dataclass
class MergeReport:
    """What a merge did.  ``changed``: (portal_id, column, old, new); ``seed_differs``:
    (portal_id, column, kept, seed's) for registry-owned values the seed would change;
    ``kept_local``: (portal_id, columns where the seed differs) for rows kept by hand."""

    added: list[str] = field(default_factory=list)
    changed: list[tuple[str, str, str, str]] = field(default_factory=list)
    seed_differs: list[tuple[str, str, str, str]] = field(default_factory=list)
    kept_local: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    not_in_seed: list[str] = field(default_factory=list)
    reordered: bool = False  # rows put in registry order
    reformatted: bool = False  # only the file's layout changes (column order, quoting, encoding)

    @property
    def changes_file(self) -> bool:
        return bool(self.added or self.changed or self.reordered or self.reformatted)

    def lines(self, limit: int = 20) -> list[str]:
        """The report as text, at most ``limit`` examples per kind."""
        changed_rows = sorted({c[0] for c in self.changed})
        out = [f"added: {len(self.added)} portals", f"changed: {len(self.changed)} values in {len(changed_rows)} portals",
               f"kept by hand (source local): {len(self.kept_local)}",
               f"registry values kept where the seed differs: {len(self.seed_differs)}",
               f"not in the seed (kept): {len(self.not_in_seed)}"]
        out += [f"  + {portal_id}" for portal_id in self.added[:limit]]
        out += [f"  ~ {portal_id} {column}: {old!r} -> {new!r}" for portal_id, column, old, new in self.changed[:limit]]
        out += [f"  = {portal_id} kept by hand" + (f"; seed differs in {', '.join(cols)}" if cols else "")
                for portal_id, cols in self.kept_local[:limit]]
        out += [f"  ! {portal_id} {column}: kept {kept!r}, seed has {seed!r}"
                for portal_id, column, kept, seed in self.seed_differs[:limit]]
        out += [f"  ? {portal_id} is not in the seed" for portal_id in self.not_in_seed[:limit]]
        if self.reordered:
            out.append("rows put in registry order")
        if self.reformatted:
            out.append("the file is rewritten in the registry's layout (no value changed)")
        if not self.changes_file:
            out.append("the registry is up to date: nothing changed")
        return out


def _update(row: dict[str, str], seeded: dict[str, str], report: MergeReport) -> dict[str, str]:
    """``row`` with the seed's values merged in by the ownership rules."""
    merged = dict(row)
    portal_id = row_id(row)
    if not row.get("portal_id"):
        merged["portal_id"] = portal_id
        report.changed.append((portal_id, "portal_id", "", portal_id))
    for column in SEED_OWNED:
        if merged.get(column, "") != seeded[column]:
            report.changed.append((portal_id, column, merged.get(column, ""), seeded[column]))
            merged[column] = seeded[column]
    for column in FILLED_FROM_SEED:
        mine, theirs = merged.get(column, ""), seeded[column]
        if not theirs or mine == theirs:
            continue
        if mine:
            report.seed_differs.append((portal_id, column, mine, theirs))
        else:
            report.changed.append((portal_id, column, "", theirs))
            merged[column] = theirs
    return merged


def _new_row(seeded: dict[str, str]) -> dict[str, str]:
    return {**seeded, **{c: seeded[c] or default for c, default in NEW_ROW_DEFAULTS.items()}}


def order_key(row: dict[str, str]) -> tuple:
    """Registry order: rows that are no GB/T region first (the demo), then by region code,
    a region's government before its bodies."""
    code = row.get("region_code", "")
    return (code.isdigit(), code if code.isdigit() else "", row.get("body", "") != "", row.get("body", ""))


def merge(registry_rows: list[dict[str, str]], seed_rows: list[dict[str, str]]) -> tuple[list[dict[str, str]], MergeReport]:
    """The registry rows with the seed merged in (see the module docstring), and a report."""
    report = MergeReport()
    by_key: dict[tuple[str, str], list[int]] = {}
    local_keys = {row_key(row): row for row in registry_rows if is_local(row)}
    for n, row in enumerate(registry_rows):
        if not is_local(row):
            by_key.setdefault(row_key(row), []).append(n)
    for key, rows in by_key.items():
        if len(rows) > 1:
            ids = ", ".join(row_id(registry_rows[n]) for n in rows)
            raise SeedError(f"the registry has {len(rows)} rows for region {key[0]} body {key[1]!r} ({ids}): "
                            "keep one, or mark the others as kept by hand (source local: <why>)")
    merged = list(registry_rows)
    ids = {row_id(row): row for row in registry_rows}
    seeded_keys = set()
    for seeded in seed_rows:
        key = row_key(seeded)
        seeded_keys.add(key)
        if key in by_key:
            n = by_key[key][0]
            merged[n] = _update(registry_rows[n], seeded, report)
            continue
        if key in local_keys:  # kept by hand in the seed row's place
            mine = local_keys[key]
            report.kept_local.append((row_id(mine), tuple(c for c in SEED_OWNED
                                                           if c != "source" and mine.get(c, "") != seeded[c])))
            continue
        if seeded["portal_id"] in ids:
            raise SeedError(f"the seed's new portal {seeded['region_code']} {seeded['body']!r} would get "
                            f"portal_id {seeded['portal_id']!r}, which another registry row has; "
                            "give that row another portal_id")
        ids[seeded["portal_id"]] = seeded
        merged.append(_new_row(seeded))
        report.added.append(seeded["portal_id"])
    shadowing = {row_id(local_keys[key]) for key in seeded_keys & local_keys.keys() if key not in by_key}
    report.kept_local += [(row_id(row), ()) for row in registry_rows if is_local(row) and row_id(row) not in shadowing]
    for n, row in enumerate(registry_rows):
        if not is_local(row) and row_key(row) not in seeded_keys:
            report.not_in_seed.append(row_id(row))
            if not row.get("portal_id"):
                merged[n] = {**row, "portal_id": row_id(row)}
                report.changed.append((row_id(row), "portal_id", "", row_id(row)))
    in_order = sorted(merged, key=order_key)
    added = set(report.added)
    report.reordered = [row_id(r) for r in in_order if row_id(r) not in added] != [row_id(r) for r in merged
                                                                                    if row_id(r) not in added]
    return in_order, report


# --- the registry file -------------------------------------------------------------------------
def read_registry_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The header and rows of a registry file (no file: none)."""
    if not path.is_file():
        return list(COLUMNS), []
    return read_csv_rows(registry_text(path), str(path), ("region_code",))


def registry_csv(header: list[str], rows: list[dict[str, str]]) -> str:
    """The registry file's text: the known columns in order, then any others it had."""
    columns = list(COLUMNS) + [c for c in header if c not in COLUMNS]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    return out.getvalue()


def merge_registry_file(seed_dir: str | Path, registry: str | Path, *, write: bool = True) -> MergeReport:
    """Merge the seed in ``seed_dir`` into the registry file ``registry`` and write it
    back (atomically, only when its text changes; not at all unless ``write``)."""
    registry = Path(registry)
    header, rows = read_registry_rows(registry)
    merged, report = merge(rows, read_seed(seed_dir))
    text = registry_csv(header, merged)
    old = registry_text(registry) if registry.is_file() else None
    report.reformatted = old is not None and old != text and not report.changes_file
    if write and text != old:
        from govreports.exporting import replaced_on_success  # the exports' atomic replace

        with replaced_on_success(str(registry)) as f:
            f.write(text)
    return report
