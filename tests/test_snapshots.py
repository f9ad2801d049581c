"""Snapshots of the slow research views (m010, govreports.storage.snapshots): the same
rows as their views, made again only when the database changed."""

from __future__ import annotations

import pytest

from govreports.storage import open_db
from govreports.storage.snapshots import SNAPSHOTS, _source_sql, refresh_snapshots, stale_snapshots
from tests import research_world as world


@pytest.fixture()
def db(tmp_path):
    database = open_db(world.build(tmp_path / "world.db"))
    yield database
    database.close()


def rows(db, sql: str) -> list[tuple]:
    return sorted(tuple(map(repr, row)) for row in db.execute(sql).fetchall())


def test_tables_exist_empty_and_stale_after_the_migration(db):
    assert all(db[table].exists() and db[table].count == 0 for table, _, _ in SNAPSHOTS)
    assert stale_snapshots(db) == [table for table, _, _ in SNAPSHOTS]


@pytest.mark.parametrize(("table", "view"), [(t, v) for t, v, _ in SNAPSHOTS])
def test_snapshot_holds_the_rows_of_its_view(db, table, view):
    refresh_snapshots(db)
    expected = rows(db, f'SELECT * FROM "{view}"')
    assert expected and rows(db, f'SELECT * FROM "{table}"') == expected
    assert db[table].columns_dict.keys() == {c[0]: 0 for c in db.execute(f'SELECT * FROM "{view}" LIMIT 0')
                                             .description}.keys()


def test_body_years_read_the_compliance_snapshot(db):
    """compliance_body_years is made from snapshot_compliance, not the view again."""
    source = _source_sql(db, "compliance_body_years")
    assert '"snapshot_compliance"' in source and "FROM compliance)" not in source


def test_refreshed_only_when_the_database_changed(db):
    assert refresh_snapshots(db)
    assert refresh_snapshots(db) == [] and stale_snapshots(db) == []
    before = db["snapshot_compliance_body_years"].count
    # The scorecard judged a day later, with the coverage extended: every snapshot is stale.
    db.execute("UPDATE compliance_settings SET value = '2026' WHERE name = 'coverage_end_year'")
    db.conn.commit()
    assert stale_snapshots(db)
    assert refresh_snapshots(db) == [table for table, _, _ in SNAPSHOTS]
    assert db["snapshot_compliance_body_years"].count > before
    assert rows(db, "SELECT * FROM snapshot_compliance_body_years") == rows(db, "SELECT * FROM compliance_body_years")


def test_a_removed_report_makes_them_stale(db):
    refresh_snapshots(db)
    db.execute("UPDATE reports SET removed_at = '2024-03-01T00:00:00Z' WHERE rowid = 1")
    db.conn.commit()
    assert stale_snapshots(db)
