"""How the cells of ``indicators`` are stored (migration m011): in ``indicator_values``, keyed
by numbers, not texts, behind a view ``indicators`` that reads and writes like the table it
replaced.

* ``report_no`` is the report's number in ``report_numbers`` (report_no, report_id),
  ``key_rowid`` the key's rowid in ``indicator_keys``: two small integers per cell where
  the table repeated a 16-character report id and a 30-character key.  The numbers have a
  table of their own, not the rowids of ``reports``, because a report's row is large (its
  texts): reading the id of each of a million cells through it took seconds, through
  ``report_numbers`` it takes a tenth of that.
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

COLUMNS = ("report_no", "key_rowid", "value", "raw", "unit", "source", "evidence", "position")

TABLES = (
    """CREATE TABLE "report_numbers" (
    "report_no" INTEGER PRIMARY KEY,
    "report_id" TEXT NOT NULL UNIQUE
)""",
    """CREATE TABLE "indicator_values" (
    "report_no" INTEGER NOT NULL,
    "key_rowid" INTEGER NOT NULL,
    "value" NUMERIC,
    "raw" TEXT,
    "unit" TEXT,
    "source" TEXT,
    "evidence" TEXT,
    "position" INTEGER,
    PRIMARY KEY ("report_no", "key_rowid")
) WITHOUT ROWID""",
    'CREATE INDEX "idx_indicator_values_key" ON indicator_values(key_rowid)',
)


def stored(given: str, default: str) -> str:
    """SQL: what indicator_values stores for the text ``given`` whose default is ``default``."""
    return f"CASE WHEN {given} IS {default} THEN NULL WHEN {given} IS NULL THEN X'' ELSE {given} END"


def read(column: str) -> str:
    """SQL: ``column`` as ``indicators`` reads it from indicator_values v."""
    return (f"CASE WHEN v.{column} IS NULL THEN {DEFAULTS[column]} "
            f"WHEN v.{column} = X'' THEN NULL ELSE v.{column} END AS {column}")


VIEW = f"""CREATE VIEW "indicators" AS
SELECT n.report_id, k.key, v.value, {read("raw")}, {read("unit")}, {read("source")}, v.evidence, v.position
FROM indicator_values v
JOIN report_numbers n ON n.report_no = v.report_no
JOIN indicator_keys k ON k.rowid = v.key_rowid"""

# A report's number: given it once, the first time cells of the report are stored.
NUMBER_REPORT_SQL = "INSERT OR IGNORE INTO report_numbers (report_id) VALUES ({})"
REPORT_NO_SQL = "SELECT report_no FROM report_numbers WHERE report_id = {}"
_REPORT_NO = "(" + REPORT_NO_SQL + ")"


def insert_sql(report_no: str, given: str) -> str:
    """SQL inserting one cell whose columns are ``given`` + name (``new.`` in a trigger, ``:``
    for named parameters) for the report numbered ``report_no``.  The raw text is stored as
    given: :func:`raw_defaults_sql` then drops the ones that are the value as stored
    (NUMERIC affinity decides what "33" or 33.0 becomes, so the comparison waits for it).
    A key not in the codebook inserts nothing."""
    g = given
    return f"""INSERT INTO indicator_values ({", ".join(COLUMNS)})
  SELECT {report_no}, k.rowid, {g}value,
         CASE WHEN {g}raw IS NULL AND {g}value IS NOT NULL THEN X'' ELSE {g}raw END,
         {stored(g + "unit", DEFAULTS["unit"])}, {stored(g + "source", DEFAULTS["source"])},
         {g}evidence, {g}position
  FROM indicator_keys k WHERE k.key = {g}key"""


def raw_defaults_sql(where: str) -> str:
    """SQL: the raw texts of the rows ``where`` selects that are their value as stored, NULL."""
    return f"UPDATE indicator_values SET raw = NULL WHERE {where} AND raw = CAST(value AS TEXT)"


_KEY_ROWID = "(SELECT rowid FROM indicator_keys WHERE key = {}.key)"
_INSERT_NEW = f"""  SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: indicators.report_id names no report')
   WHERE NOT EXISTS (SELECT 1 FROM reports WHERE report_id = new.report_id);
  SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: indicators.key is not in indicator_keys')
   WHERE NOT EXISTS (SELECT 1 FROM indicator_keys WHERE key = new.key);
  {NUMBER_REPORT_SQL.format("new.report_id")};
  {insert_sql(_REPORT_NO.format("new.report_id"), "new.")};
  {raw_defaults_sql(f"report_no = {_REPORT_NO.format('new.report_id')} AND key_rowid = {_KEY_ROWID.format('new')}")};"""
_DELETE_OLD = (f"  DELETE FROM indicator_values WHERE report_no = {_REPORT_NO.format('old.report_id')} "
               f"AND key_rowid = {_KEY_ROWID.format('old')};")

# ``indicators`` written like a table: rows found by (report_id, key); a report or key that
# does not exist is refused, as the foreign keys of the table refused it, and so is deleting a
# report that still has indicators (a report deleted without them takes its number along).
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
    f"""CREATE TRIGGER "reports_keep_indicators" BEFORE DELETE ON "reports"
WHEN EXISTS (SELECT 1 FROM indicator_values WHERE report_no = {_REPORT_NO.format("old.report_id")}) BEGIN
  SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: the report has indicators');
END""",
    """CREATE TRIGGER "reports_drop_number" AFTER DELETE ON "reports" BEGIN
  DELETE FROM report_numbers WHERE report_id = old.report_id;
END""",
)
