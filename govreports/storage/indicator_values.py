"""How the cells of ``indicators`` are stored (migration m011): in ``indicator_values``, keyed
by numbers, not texts, behind a view ``indicators`` that reads and writes like the table it
replaced.

* ``report_rowid`` is the report's rowid in ``reports`` (the rowid the full-text index keys
  reports on too), ``key_rowid`` the key's rowid in ``indicator_keys``: two small integers per
  cell where the table repeated a 16-character report id and a 30-character key.
* ``raw``, ``unit`` and ``source`` are NULL where they are the cell's default
  (:data:`DEFAULTS`): raw the value as SQLite prints it ("33" for 33), unit 件 (the unit of
  most cells of the forms), source ``table``.  A NULL that is not the default is stored as
  the empty blob ``X''``.  The defaults are constants, not the codebook's unit: a codebook
  updated later must not change what a stored cell says.
* ``evidence`` is NULL where it is the national form's (migration m009, ``form_evidence``).

The SQL is built here once, for the migration, the view's triggers and the store.
"""

from __future__ import annotations

# What a NULL in indicator_values stands for, as SQL over the stored row v.  Frozen with m011.
DEFAULTS = {"raw": "CAST(v.value AS TEXT)", "unit": "'件'", "source": "'table'"}

COLUMNS = ("report_rowid", "key_rowid", "value", "raw", "unit", "source", "evidence", "position")

TABLE = """CREATE TABLE "indicator_values" (
    "report_rowid" INTEGER NOT NULL,
    "key_rowid" INTEGER NOT NULL,
    "value" NUMERIC,
    "raw" TEXT,
    "unit" TEXT,
    "source" TEXT,
    "evidence" TEXT,
    "position" INTEGER,
    PRIMARY KEY ("report_rowid", "key_rowid")
) WITHOUT ROWID"""
KEY_INDEX = 'CREATE INDEX "idx_indicator_values_key" ON indicator_values(key_rowid)'


def stored(given: str, default: str) -> str:
    """SQL: what indicator_values stores for the text ``given`` whose default is ``default``."""
    return f"CASE WHEN {given} IS {default} THEN NULL WHEN {given} IS NULL THEN X'' ELSE {given} END"


def read(column: str) -> str:
    """SQL: ``column`` as ``indicators`` reads it from indicator_values v."""
    return (f"CASE WHEN v.{column} IS NULL THEN {DEFAULTS[column]} "
            f"WHEN v.{column} = X'' THEN NULL ELSE v.{column} END AS {column}")


VIEW = f"""CREATE VIEW "indicators" AS
SELECT r.report_id, k.key, v.value, {read("raw")}, {read("unit")}, {read("source")}, v.evidence, v.position
FROM indicator_values v
JOIN reports r ON r.rowid = v.report_rowid
JOIN indicator_keys k ON k.rowid = v.key_rowid"""


def insert_sql(report_rowid: str, given: str) -> str:
    """SQL inserting one cell whose columns are ``given`` + name (``new.`` in a trigger, ``:``
    for named parameters) for the report ``report_rowid``.  The raw text is stored as given:
    :func:`raw_defaults_sql` then drops the ones that are the value as stored (NUMERIC
    affinity decides what "33" or 33.0 becomes, so the comparison waits for it).  A key not
    in the codebook inserts nothing."""
    g = given
    return f"""INSERT INTO indicator_values ({", ".join(COLUMNS)})
  SELECT {report_rowid}, k.rowid, {g}value,
         CASE WHEN {g}raw IS NULL AND {g}value IS NOT NULL THEN X'' ELSE {g}raw END,
         {stored(g + "unit", DEFAULTS["unit"])}, {stored(g + "source", DEFAULTS["source"])},
         {g}evidence, {g}position
  FROM indicator_keys k WHERE k.key = {g}key"""


def raw_defaults_sql(where: str) -> str:
    """SQL: the raw texts of the rows ``where`` selects that are their value as stored, NULL."""
    return f"UPDATE indicator_values SET raw = NULL WHERE {where} AND raw = CAST(value AS TEXT)"


_REPORT_ROWID = "(SELECT rowid FROM reports WHERE report_id = {}.report_id)"
_KEY_ROWID = "(SELECT rowid FROM indicator_keys WHERE key = {}.key)"
_INSERT_NEW = f"""  SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: indicators.report_id names no report')
   WHERE NOT EXISTS (SELECT 1 FROM reports WHERE report_id = new.report_id);
  SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: indicators.key is not in indicator_keys')
   WHERE NOT EXISTS (SELECT 1 FROM indicator_keys WHERE key = new.key);
  {insert_sql(_REPORT_ROWID.format("new"), "new.")};
  {raw_defaults_sql(f"report_rowid = {_REPORT_ROWID.format('new')} AND key_rowid = {_KEY_ROWID.format('new')}")};"""
_DELETE_OLD = (f"  DELETE FROM indicator_values WHERE report_rowid = {_REPORT_ROWID.format('old')} "
               f"AND key_rowid = {_KEY_ROWID.format('old')};")

# ``indicators`` written like a table: rows found by (report_id, key); a report or key that
# does not exist is refused, as the foreign keys of the table refused it, and so is deleting a
# report that still has indicators.
TRIGGERS = (
    f"""CREATE TRIGGER "indicators_insert" INSTEAD OF INSERT ON "indicators" BEGIN
{_INSERT_NEW}
END""",
    f"""CREATE TRIGGER "indicators_delete" INSTEAD OF DELETE ON "indicators" BEGIN
{_DELETE_OLD}
END""",
    f"""CREATE TRIGGER "indicators_update" INSTEAD OF UPDATE ON "indicators" BEGIN
{_DELETE_OLD}
{_INSERT_NEW}
END""",
    """CREATE TRIGGER "reports_keep_indicators" BEFORE DELETE ON "reports"
WHEN EXISTS (SELECT 1 FROM indicator_values WHERE report_rowid = old.rowid) BEGIN
  SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: the report has indicators');
END""",
)
