"""``indicators`` as a view over ``indicator_values`` (migration m011): every cell reads back
exactly as the table it replaced stored it, whether the store wrote it or SQL wrote it
through the view, and the view refuses what the table's foreign keys refused."""

import itertools
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govreports.storage import ReportStore
from govreports.storage.store import stored_evidence
from tests.test_store import record

# The table m009 left (what users' SQL and the exports were written against), as reference.
TABLE_BEFORE = """CREATE TABLE indicators (report_id TEXT NOT NULL, key TEXT NOT NULL, value NUMERIC, raw TEXT,
    unit TEXT, source TEXT, evidence TEXT, position INTEGER, PRIMARY KEY (report_id, key)) WITHOUT ROWID"""
COLUMNS = "report_id, key, value, typeof(value), raw, unit, source, evidence, position"

PORTAL = {"portal_id": "demo", "region_code": "demo", "region_name": "demo", "portal_name": "示范县",
          "home_url": "", "list_urls": "", "platform": "trs", "render_js": 0, "obey_robots": 0, "robots_note": "local"}
# Keys of different units (件, 万元, 条), and one the codebook lacks until stored.
KEYS = ["t3.new.total", "t2.fees.amount", "headline.proactive_total", "unknown:t3:其他渠道"]

numbers = st.one_of(st.none(), st.integers(-10**6, 10**12), st.floats(allow_nan=False, allow_infinity=False),
                    st.sampled_from([0, 33, 176.35, 3.0, 1e20, -0.0]))
texts = st.one_of(st.none(), st.sampled_from(["", "33", "033", "1.50", "176.35", "3.0", "0", "/", "—", "４７１２",
                                              "0+0", "未收取信息处理费", "78条", "1e+20", "1.0e+20"]),
                  st.text(max_size=8))
cells = st.lists(st.fixed_dictionaries({
    "value": st.one_of(numbers, st.sampled_from(["33", "033", "1.50", "abc", ""])),
    "raw": texts,
    "unit": st.one_of(st.none(), st.sampled_from(["", "件", "条", "万元", "元"]), st.text(max_size=3)),
    "source": st.one_of(st.none(), st.sampled_from(["table", "text", "attachment:年报.pdf", ""])),
    "evidence": st.one_of(st.none(), st.text(max_size=10)),
}), min_size=len(KEYS), max_size=len(KEYS))


def as_the_table_stored(rows: list[dict]) -> list[tuple]:
    """The rows as the table before m011 gives them back (its column affinities decide)."""
    conn = sqlite3.connect(":memory:")
    conn.execute(TABLE_BEFORE)
    conn.executemany("INSERT INTO indicators VALUES (:report_id, :key, :value, :raw, :unit, :source, :evidence, "
                     ":position)", rows)
    return conn.execute(f"SELECT {COLUMNS} FROM indicators ORDER BY report_id, position").fetchall()


@pytest.fixture
def store(tmp_path):
    s = ReportStore(tmp_path / "g.db")
    s.run = s.start_run("demo", {}, [PORTAL])
    yield s
    s.close()


report_ids = (f"r{n}" for n in itertools.count())


def stored_rows(store: ReportStore, report_id: str) -> list[tuple]:
    return store.conn.execute(f"SELECT {COLUMNS} FROM indicators WHERE report_id = ? ORDER BY position",
                              (report_id,)).fetchall()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=cells)
def test_cells_written_by_the_store_read_back_as_the_table_stored_them(store, values):
    report_id = next(report_ids)
    given_rows = [{"key": key, **cell} for key, cell in zip(KEYS, values)]
    store.save_reports([record(report_id, sha=report_id, url=f"http://a.gov.cn/{report_id}.html",
                               indicators=given_rows)], store.run)
    # (the store leaves the national form's evidence to form_evidence, as since m009)
    expected = as_the_table_stored([{**row, "report_id": report_id, "position": n, "evidence": stored_evidence(row)}
                                    for n, row in enumerate(given_rows)])
    assert stored_rows(store, report_id) == expected


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=cells)
def test_cells_inserted_through_the_view_read_back_as_the_table_stored_them(store, values):
    report_id = next(report_ids)
    store.save_reports([record(report_id, sha=report_id, url=f"http://a.gov.cn/{report_id}.html", indicators=[])],
                       store.run)
    rows = [{"report_id": report_id, "key": key, "position": n, **cell}
            for n, (key, cell) in enumerate(zip(KEYS[:-1], values))]  # keys the codebook has
    with store.conn:
        store.conn.executemany("INSERT INTO indicators (report_id, key, value, raw, unit, source, evidence, position) "
                               "VALUES (:report_id, :key, :value, :raw, :unit, :source, :evidence, :position)", rows)
    assert stored_rows(store, report_id) == as_the_table_stored(rows)


def test_defaults_are_stored_as_null(store):
    """What makes the table small: a count printed as its number, in 件, read from a
    table, stores neither raw nor unit nor source."""
    store.save_reports([record("r1", indicators=[
        {"key": "t3.new.total", "value": 52, "raw": "52", "unit": "件", "source": "table", "evidence": ""},
        {"key": "t2.fees.amount", "value": 176.35, "raw": "176.35", "unit": "万元", "source": "table", "evidence": ""},
        {"key": "headline.proactive_total", "value": 4712, "raw": "4712条", "unit": "条", "source": "text",
         "evidence": "主动公开政府信息4712条"},
    ])], store.run)
    stored = store.conn.execute("SELECT raw, unit, source FROM indicator_values ORDER BY position").fetchall()
    assert stored == [(None, None, None), (None, "万元", None), ("4712条", "条", "text")]


def test_update_and_delete_through_the_view(store):
    store.save_reports([record("r1"), record("r2", sha="b", url="http://a.gov.cn/t2.html")], store.run)
    with store.conn:
        store.conn.execute("UPDATE indicators SET value = 4713, raw = '4713' WHERE report_id = 'r1'")
    assert stored_rows(store, "r1") == [("r1", "headline.proactive_total", 4713, "integer", "4713", "条", "text",
                                         "本年度主动公开政府信息4712条", 0)]
    with store.conn:
        store.conn.execute("DELETE FROM indicators WHERE report_id = 'r1'")
    assert stored_rows(store, "r1") == []
    assert len(stored_rows(store, "r2")) == 1


def test_what_the_foreign_keys_refused_is_refused(store):
    store.save_reports([record("r1")], store.run)
    with pytest.raises(sqlite3.IntegrityError, match="names no report"):
        store.conn.execute("INSERT INTO indicators (report_id, key, value) VALUES ('r9', 't3.new.total', 1)")
    with pytest.raises(sqlite3.IntegrityError, match="not in indicator_keys"):
        store.conn.execute("INSERT INTO indicators (report_id, key, value) VALUES ('r1', 'no.such.key', 1)")
    with pytest.raises(sqlite3.IntegrityError, match="has indicators"):
        store.conn.execute("DELETE FROM reports WHERE report_id = 'r1'")
    store.conn.rollback()
    assert len(stored_rows(store, "r1")) == 1
    store.conn.execute("PRAGMA foreign_keys = OFF")  # (its URLs' foreign keys are not what this is about)
    with store.conn:  # without its indicators the report goes, and its number with it
        store.conn.execute("DELETE FROM indicators WHERE report_id = 'r1'")
        store.conn.execute("DELETE FROM reports WHERE report_id = 'r1'")
    assert store.conn.execute("SELECT count(*) FROM report_numbers").fetchone() == (0,)


def test_a_revision_replaces_its_cells(store):
    store.save_reports([record("r1")], store.run)
    store.save_reports([record("r1", sha="b", indicators=[
        {"key": "t3.new.total", "value": 5, "raw": "5", "unit": "件", "source": "table", "evidence": "x"}])],
        store.start_run("demo", {}, [PORTAL]))
    assert [row[1:3] for row in stored_rows(store, "r1")] == [("t3.new.total", 5)]
    assert store.conn.execute("SELECT count(*) FROM indicator_values").fetchone() == (1,)
