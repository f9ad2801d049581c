"""The research UI: Datasette over the database, read-only, with the project's metadata
(titles, column descriptions, facets, canned queries) and dashboards
(``govreports/datasette/metadata.yml``).  ``scrapy browse`` runs it.

Datasette and its plugins are optional (``requirements-browse.txt``); without them
:func:`missing_packages` names what is missing and :data:`INSTALL_HINT` the one command
that installs them.

The database is served immutable (``-i``): Datasette never writes it, counts its
tables once, and reads no write-ahead log — so before serving, the database is
upgraded (migrations, reference tables), the snapshots of the slow views refreshed, and
its log checkpointed into the file, and it
is served under the name ``govreports`` (through a link in a temporary directory),
the name the metadata's canned queries and dashboards use whatever the file is called.
"""

from __future__ import annotations

import importlib.util
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from tempfile import TemporaryDirectory

# The name the metadata gives the database (URLs: /govreports/…).
DATABASE_NAME = "govreports"
HOST = "127.0.0.1"  # never another interface: the UI has no access control
DEFAULT_PORT = 8001
# The Python packages the UI needs, by import name.
REQUIRED_MODULES = ("datasette", "datasette_dashboards")
INSTALL_HINT = "bash scripts/install.sh --browse"
# Datasette settings (--setting NAME VALUE).
SETTINGS = {
    # Long texts (body_text, attachment_text) cut to this many characters in tables.
    "truncate_cells_html": 120,
    # Each query's time limit (Datasette's default); the views answer within it on a few
    # thousand reports (benchmarks/browse_queries.py).
    "sql_time_limit_ms": 1000,
    # The metadata names the facets worth having (on tables and snapshots, fast);
    # suggesting others costs a query per column of every page, seconds on large views.
    "suggest_facets": "off",
    "default_page_size": 50,
}


class BrowseError(Exception):
    """The UI cannot be started as asked (no database, Datasette not installed)."""


def missing_packages(modules: tuple[str, ...] = REQUIRED_MODULES) -> list[str]:
    """The modules of ``modules`` this interpreter cannot import (a directory of that
    name that is no package does not count)."""
    missing = []
    for name in modules:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is None or spec.origin is None:  # origin None: a namespace directory, not the package
            missing.append(name)
    return missing


def not_installed_message(missing: list[str]) -> str:
    return (f"the research UI needs Datasette and its dashboards plugin, which are not installed "
            f"(missing: {', '.join(missing)}); install them with: {INSTALL_HINT} "
            f"(or: pip install -r requirements-browse.txt), then run scrapy browse again")


@contextmanager
def metadata_file() -> Iterator[Path]:
    """The shipped metadata.yml as a file (extracted while in use when the package is zipped)."""
    with resources.as_file(resources.files("govreports") / "datasette" / "metadata.yml") as path:
        yield path


def prepare_database(db_path: str | Path) -> Path:
    """Upgrade the database at ``db_path`` to the current schema, refresh the snapshots
    of the slow views (:mod:`govreports.storage.snapshots`) if it changed since, and
    move its write-ahead log into the file, so an immutable reader sees every report;
    returns its resolved path."""
    from govreports.storage import open_db
    from govreports.storage.locking import is_locked
    from govreports.storage.snapshots import refresh_snapshots

    path = Path(db_path)
    if not path.is_file():
        raise BrowseError(f"no database at {db_path}; run a crawl first (scrapy crawl portal -a region=demo)")
    try:
        db = open_db(path)
        try:
            refresh_snapshots(db)
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        if is_locked(exc):
            raise BrowseError(f"the database {db_path} is locked by another process; try again once it is done") \
                from exc
        raise BrowseError(f"cannot read the database {db_path}: {exc}") from exc
    return path.resolve()


@contextmanager
def served_as_govreports(db_path: Path) -> Iterator[Path]:
    """A path named ``govreports.db`` that leads to ``db_path`` (a link in a temporary
    directory, removed afterwards)."""
    with TemporaryDirectory(prefix="govreports-browse-") as tmp:
        link = Path(tmp) / f"{DATABASE_NAME}.db"
        link.symlink_to(db_path)
        yield link


def datasette_command(database: Path, metadata: Path, port: int = DEFAULT_PORT,
                      python: str = sys.executable) -> list[str]:
    """The command line serving ``database`` immutable on 127.0.0.1:``port``."""
    command = [python, "-m", "datasette", "serve", "-i", str(database), "--metadata", str(metadata),
               "--host", HOST, "--port", str(port)]
    for name, value in SETTINGS.items():
        command += ["--setting", name, str(value)]
    return command
