"""Reference tables the code ships, kept in step with it: the codebook ``indicator_keys``
(from ``govreports/schema/indicators.csv``), ``regions`` (from ``data/regions.csv``) and
``body_kinds`` (the words that tell a report's body, ``govreports.bodies.BODY_SUFFIXES``:
they are read in Python when a report is stored; the table shows them, and editing it
changes nothing).

They are the code's data, not what a crawl finds, so they are not frozen in a migration
(migration ``m005_research_views`` creates them): :func:`sync_reference_tables`, run by
``open_db`` after the migrations, reloads a table whenever the fingerprint of its source
differs from the one recorded in ``reference_data`` — once per new version, not per open.

``indicator_keys`` also holds a row for every key a report brought that is not in the
schema (``unknown:<table>:<label>`` rows, ``<key>#2`` for a label printed twice), with
``canonical = 0``: ``indicators.key`` references ``indicator_keys.key``, and the store
adds such rows as it writes (:func:`extra_key_row`).  Reloading never deletes a key: a
key the schema no longer lists stays, with ``canonical = 0``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

import sqlite_utils

from govreports.schema import INDICATORS_CSV, IndicatorSpec, indicator_specs

# Bump when the rows a loader makes from the same file change.
LOADER_VERSION = "1"

# What a key's unit says its value is (indicator_keys.is_count): a count, displayed as an
# integer, or money, displayed as a decimal.  Any other unit: NULL (not known).
COUNT_UNITS = frozenset({"件", "条", "项", "个", "人", "人次", "次", "篇"})
MONEY_UNITS = frozenset({"元", "万元", "万元 or 元 as printed"})

# The headline keys have English descriptions in the schema; these are their short
# Chinese labels, for header rows.
HEADLINE_LABELS = {
    "headline.proactive_total": "主动公开政府信息数",
    "headline.applications_received": "收到政府信息公开申请数",
    "headline.applications_disclosed": "申请予以公开数",
    "headline.admin_reviews": "行政复议数",
    "headline.lawsuits": "行政诉讼数",
    "headline.fees": "收取费用（元）",
}
# Column labels that add nothing to the row label (the legacy form's one value column).
_BARE_COLUMNS = {"", "统计数"}
_DUPLICATE_SUFFIX = re.compile(r"#\d+$")


def is_count(unit: str) -> int | None:
    """1 for a count unit, 0 for money, None for anything else."""
    if unit in COUNT_UNITS:
        return 1
    if unit in MONEY_UNITS:
        return 0
    return None


def key_label(spec: IndicatorSpec) -> str:
    """One Chinese label for a header: row and column label, ``规章｜本年制发件数``."""
    if spec.key in HEADLINE_LABELS:
        return HEADLINE_LABELS[spec.key]
    if spec.column_label.strip() in _BARE_COLUMNS:
        return spec.row_label
    return f"{spec.row_label}｜{spec.column_label}"


def indicator_key_rows() -> list[dict[str, Any]]:
    """The codebook: one row per schema key, in schema order."""
    return [
        {
            "key": spec.key,
            "table_kind": spec.table,
            "eras": " ".join(spec.formats),
            "row_label": spec.row_label,
            "column_label": spec.column_label,
            "label": key_label(spec),
            "unit": spec.unit,
            "is_count": is_count(spec.unit),
            "canonical": 1,
            "position": position,
            "note": spec.note,
        }
        for position, spec in enumerate(indicator_specs(), start=1)
    ]


def extra_key_row(key: str) -> dict[str, Any]:
    """The codebook row of a key that is not in the schema: ``unknown:t3:<label>`` (a
    label the parser could not map; ``#2`` when printed twice) or ``t3.new.total#2``."""
    if key.startswith("unknown:"):
        _, table, label = (key.split(":", 2) + ["", ""])[:3]
        label = _DUPLICATE_SUFFIX.sub("", label)
    else:
        table, label = key.split(".", 1)[0], key
    return {"key": key, "table_kind": table, "eras": "", "row_label": label, "column_label": "",
            "label": label, "unit": "", "is_count": None, "canonical": 0, "position": None, "note": ""}


def region_rows() -> list[dict[str, Any]]:
    """``regions``: every GB/T 2260 province, city and county of ``data/regions.csv``,
    with the names of the province and city it lies in."""
    from govreports.regions import default_index

    index = default_index()

    def name_of(code: str) -> str | None:
        region = index.get(code) if code else None
        return region.name if region else None

    return [
        {
            "code": region.code,
            "name": region.name,
            "level": region.level,
            "province": name_of(region.province_code),
            "city": name_of(region.city_code),
            "full_name": region.full_name,
            "parent_code": region.parent_code or None,
        }
        for region in index
    ]


def _regions_source() -> bytes:
    from govreports.regions import DEFAULT_REGIONS_PATH

    return DEFAULT_REGIONS_PATH.read_bytes()


def _load_indicator_keys(db: sqlite_utils.Database) -> None:
    rows = indicator_key_rows()
    columns = list(rows[0])
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "key")
    db.conn.executemany(
        f"""INSERT INTO indicator_keys ({", ".join(columns)}) VALUES ({", ".join(":" + c for c in columns)})
            ON CONFLICT(key) DO UPDATE SET {updates}""",
        rows,
    )
    # Keys the schema dropped stay (indicators may point to them), no longer canonical.
    db.conn.execute("CREATE TEMP TABLE IF NOT EXISTS _schema_keys (key TEXT PRIMARY KEY)")
    db.conn.execute("DELETE FROM _schema_keys")
    db.conn.executemany("INSERT INTO _schema_keys VALUES (?)", [(row["key"],) for row in rows])
    db.conn.execute("""UPDATE indicator_keys SET canonical = 0, position = NULL
                       WHERE canonical = 1 AND key NOT IN (SELECT key FROM _schema_keys)""")
    db.conn.execute("DROP TABLE _schema_keys")


def _load_regions(db: sqlite_utils.Database) -> None:
    rows = region_rows()
    db.conn.execute("DELETE FROM regions")
    columns = list(rows[0])
    db.conn.executemany(
        f"INSERT INTO regions ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})", rows)


def _body_kinds_source() -> bytes:
    from govreports.bodies import BODY_SUFFIXES

    return json.dumps(BODY_SUFFIXES, ensure_ascii=False).encode("utf-8")


def _load_body_kinds(db: sqlite_utils.Database) -> None:
    from govreports.bodies import BODY_SUFFIXES

    db.conn.execute("DELETE FROM body_kinds")
    db.conn.executemany("INSERT INTO body_kinds (suffix, body_kind, name_ending) VALUES (?, ?, ?)", BODY_SUFFIXES)


# name -> (the bytes it is loaded from, loader)
REFERENCE_TABLES: dict[str, tuple[Callable[[], bytes], Callable[[sqlite_utils.Database], None]]] = {
    "indicator_keys": (INDICATORS_CSV.read_bytes, _load_indicator_keys),
    "regions": (_regions_source, _load_regions),
    "body_kinds": (_body_kinds_source, _load_body_kinds),
}


def fingerprint(source: bytes) -> str:
    return hashlib.sha256(LOADER_VERSION.encode() + b"\0" + source).hexdigest()


def stale_tables(db: sqlite_utils.Database, fingerprints: dict[str, str]) -> list[str]:
    recorded = dict(db.execute("SELECT name, sha256 FROM reference_data").fetchall())
    return [name for name, sha in fingerprints.items() if recorded.get(name) != sha]


def sync_reference_tables(db: sqlite_utils.Database) -> list[str]:
    """Reload the reference tables whose source changed; return their names.

    In one ``BEGIN IMMEDIATE`` transaction (the check is repeated under the lock, so two
    processes opening the database at once load them once); nothing is written when
    everything is current.  Needs a migrated database and no open transaction."""
    fingerprints = {name: fingerprint(source()) for name, (source, _) in REFERENCE_TABLES.items()}
    if not stale_tables(db, fingerprints):
        return []
    if db.conn.in_transaction:
        raise RuntimeError("sync_reference_tables() needs a connection with no open transaction")
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        stale = stale_tables(db, fingerprints)
        for name in stale:
            REFERENCE_TABLES[name][1](db)
            db.conn.execute(
                """INSERT INTO reference_data (name, sha256, loaded_at) VALUES (?, ?, datetime('now'))
                   ON CONFLICT(name) DO UPDATE SET sha256 = excluded.sha256, loaded_at = excluded.loaded_at""",
                (name, fingerprints[name]))
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.commit()
    return stale

