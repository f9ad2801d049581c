"""The shipped Datasette metadata against a real database (the demo, crawled), with
sqlite3 alone — no Datasette, no browser: every canned query and dashboard chart runs and
returns rows, every table, column and facet it names exists; and ``scrapy browse``
without Datasette or without a database says what to do."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from govreports.browse import INSTALL_HINT, SETTINGS, datasette_command, missing_packages, prepare_database
from tests.browse_world import (
    DASHBOARDS, DATABASE, EXAMPLE_PARAMETERS, METADATA, QUERIES, chart_sql, parameters_of, query_examples,
)
from tests.harness import REPO, command_env, crawl, scrapy_cmd


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("browse-metadata") / "demo.db"
    result = crawl("region=demo", db=db).result
    assert result.returncode == 0, result.stderr[-3000:]
    prepare_database(db)  # as scrapy browse does before serving: the snapshots made
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


def columns_of(conn, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f'PRAGMA table_xinfo("{table}")')}


def test_every_query_has_examples():
    assert set(EXAMPLE_PARAMETERS) == set(QUERIES)


@pytest.mark.parametrize(("name", "params"), query_examples(),
                         ids=lambda v: v if isinstance(v, str) else ",".join(f"{k}={x}" for k, x in v.items()))
def test_canned_query_returns_rows(demo_db, name, params):
    sql = QUERIES[name]["sql"]
    assert set(params) == parameters_of(sql)
    rows = demo_db.execute(sql, params).fetchall()
    assert rows, f"{name} {params} returned no rows"


def test_search_query_finds_two_character_words(demo_db):
    """The UI's search finds what the trigram index alone cannot."""
    sql = QUERIES["search"]["sql"]
    fts = demo_db.execute("SELECT count(*) FROM reports_fts WHERE reports_fts MATCH '\"复议\"'").fetchone()[0]
    mentioning = demo_db.execute("SELECT count(*) FROM reports WHERE instr(body_text, '复议')").fetchone()[0]
    assert fts == 0 and mentioning > 0
    rows = demo_db.execute(sql, {"term": "复议"}).fetchall()
    assert len(rows) == mentioning and all("复议" in row["snippet"] for row in rows)
    assert demo_db.execute(sql, {"term": ""}).fetchall() == []


def dashboard_charts():
    return [(slug, name) for slug, dashboard in DASHBOARDS.items() for name in dashboard["charts"]]


@pytest.mark.parametrize(("slug", "chart"), dashboard_charts())
@pytest.mark.parametrize("region", ["", "demo"])
def test_dashboard_chart_query_returns_what_it_draws(demo_db, slug, chart, region):
    spec = DASHBOARDS[slug]["charts"][chart]
    if spec["library"] == "markdown":
        return
    params = {"region": region} if region else {}
    rows = demo_db.execute(chart_sql(spec["query"], params), params).fetchall()
    assert rows, f"{slug}/{chart} drew nothing"
    display = spec["display"]
    fields = ({display["field"]} if spec["library"] == "metric"
              else {e["field"] for e in display["encoding"].values()})
    assert fields <= set(rows[0].keys())
    assert all(row[f] is not None for row in rows for f in fields)


@pytest.mark.parametrize("slug", list(DASHBOARDS))
def test_dashboard_layout_places_every_chart(slug):
    """datasette-dashboards' rule: rows of equal length, every chart placed."""
    dashboard = DASHBOARDS[slug]
    layout = dashboard["layout"]
    assert len({len(row) for row in layout}) == 1
    assert {cell for row in layout for cell in row} - {"."} == set(dashboard["charts"])


@pytest.mark.parametrize("slug", list(DASHBOARDS))
def test_dashboard_filter_options(demo_db, slug):
    for name, spec in DASHBOARDS[slug].get("filters", {}).items():
        if "query" in spec:
            options = [row[0] for row in demo_db.execute(spec["query"])]
            assert options and "demo" in options


def test_tables_columns_and_facets_exist(demo_db):
    names = {row[0] for row in demo_db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    for table, spec in DATABASE["tables"].items():
        assert table in names, table
        columns = columns_of(demo_db, table)
        named = set(spec.get("columns", {})) | set(spec.get("facets", []))
        named |= {spec[k] for k in ("sort", "sort_desc") if k in spec}
        assert named <= columns, (table, named - columns)


def test_internal_tables_are_hidden():
    hidden = {name for name, spec in DATABASE["tables"].items() if spec.get("hidden")}
    assert {"_sqlite_migrations", "reference_data", "reports_fts", "list_state"} <= hidden
    assert not hidden & {"reports", "indicators", "indicator_keys", "regions", "portals"}


def test_titles_in_chinese_and_english():
    for title in [METADATA["title"], DATABASE["title"], *(q["title"] for q in QUERIES.values()),
                  *(t["title"] for t in DATABASE["tables"].values() if "title" in t)]:
        chinese, _, english = title.partition(" · ")
        assert chinese and english and any("\u4e00" <= c <= "\u9fff" for c in chinese), title


def test_datasette_command_is_local_immutable_and_truncates(tmp_path):
    command = datasette_command(tmp_path / "govreports.db", tmp_path / "metadata.yml", 8123)
    assert command[command.index("-i") + 1] == str(tmp_path / "govreports.db")
    assert command[command.index("--host") + 1] == "127.0.0.1" and "8123" in command
    assert SETTINGS["truncate_cells_html"] > 0 and "truncate_cells_html" in command


# --- scrapy browse without what it needs -------------------------------------------------------
# `scrapy browse` in an interpreter where Datasette cannot be imported (as after a plain install).
WITHOUT_DATASETTE = r"""
import sys
from importlib.abc import MetaPathFinder
class Hide(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("datasette", "datasette_dashboards"):
            raise ModuleNotFoundError(name)
sys.meta_path.insert(0, Hide())
for name in [m for m in sys.modules if m.split(".")[0] in ("datasette", "datasette_dashboards")]:
    del sys.modules[name]
from scrapy.cmdline import execute
execute(["scrapy", "browse", *sys.argv[1:]])
"""


def test_browse_without_datasette_names_the_install_command(tmp_path):
    db = tmp_path / "some.db"
    sqlite3.connect(db).close()
    result = subprocess.run([sys.executable, "-c", WITHOUT_DATASETTE], cwd=REPO, env=command_env(db),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert INSTALL_HINT in result.stderr and "datasette" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1  # one line, no traceback


def test_install_script_knows_the_browse_option():
    result = subprocess.run(["bash", str(REPO / "scripts" / "install.sh"), "--no-such-option"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and "--browse" in result.stderr
    assert INSTALL_HINT.split()[-1] == "--browse"


def test_missing_packages_are_named():
    assert missing_packages(("json", "no_such_module_here")) == ["no_such_module_here"]


def test_browse_without_database(tmp_path):
    result = scrapy_cmd("browse", db=tmp_path / "none.db")
    assert result.returncode == 2 and "no database at" in result.stderr
    assert not (tmp_path / "none.db").exists()
